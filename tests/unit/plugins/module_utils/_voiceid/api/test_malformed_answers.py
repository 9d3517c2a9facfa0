# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers of status 200 that do not have the service's output shape (a broken endpoint or proxy), from a
loopback HTTP server: a clear error naming the operation, never a Python exception name."""

from __future__ import annotations

import http.server
import threading
from typing import Any
from typing import Iterator

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import voiceid_client
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID


class Answer:
    body = b""


@pytest.fixture
def endpoint() -> Iterator[Any]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(Answer.body)))
            self.end_headers()
            self.wfile.write(Answer.body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = voiceid_client(f"http://127.0.0.1:{server.server_address[1]}")
    yield VoiceIDClient(client, RetryPolicy(sleep=[].append))
    server.shutdown()
    server.server_close()


BODIES = [b"not json", b"{}", b"[]", b"null", b'{"Speaker": null}', b'{"Speaker": {"Status": 3}}']


@pytest.mark.parametrize("body", BODIES, ids=[body.decode() for body in BODIES])
def test_describe_speaker(endpoint: VoiceIDClient, body: bytes) -> None:
    Answer.body = body
    with pytest.raises(VoiceIDError) as error:
        endpoint.describe_speaker(DOMAIN_ID, "c1")
    assert error.value.api_error.code == "MalformedResponse"
    assert "DescribeSpeaker" in str(error.value)
    assert "KeyError" not in str(error.value)


@pytest.mark.parametrize("body", [b"not json", b"{}", b"null", b'{"DomainSummaries": [{}]}'])
def test_list_domains_is_not_read_as_no_domain(endpoint: VoiceIDClient, body: bytes) -> None:
    Answer.body = body
    with pytest.raises(VoiceIDError) as error:
        list(endpoint.list_domains())
    assert error.value.api_error.code == "MalformedResponse"
    assert "ListDomains" in str(error.value)


@pytest.mark.parametrize("body", [b"{}", b"null", b'{"SpeakerSummaries": [1]}', b'{"SpeakerSummaries": [{}]}'])
def test_list_speakers(endpoint: VoiceIDClient, body: bytes) -> None:
    Answer.body = body
    with pytest.raises(VoiceIDError) as error:
        endpoint.list_speakers_page(DOMAIN_ID)
    assert "ListSpeakers" in str(error.value)
