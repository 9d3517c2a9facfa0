# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pathological bodies, oversized bodies, and NextToken bound to its request and expiring."""

from __future__ import annotations

import http.client
import json
import time
import typing as t
import urllib.parse

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import make_client
from emulator_support import signed_request
from voiceid_emulator import EmulatorServer
from voiceid_emulator.server import MAX_BODY_BYTES


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON parser's recursion limit
        b'{"DomainId": ' + b"[" * 50 + b"]" * 50 + b"}",  # parses, but deeper than any request
        b'{"a":' * 2000 + b"1" + b"}" * 2000,
        b"\xff\xfe{}",  # not UTF-8
        b'{"MaxResults": NaN}',
        b"null",
        b"42",
        b'"text"',
        b"[1, 2]",
        b"{not json",
    ],
)
def test_pathological_bodies_are_serialization_errors(emulator: EmulatorServer, body: bytes) -> None:
    status, headers, document = signed_request(emulator.url, "ListDomains", body)
    assert (status, document["__type"]) == (400, "SerializationException")
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert emulator.calls()[-1]["error_code"] == "SerializationException"


def _post_raw(url: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], t.Any]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(response.read())
    finally:
        connection.close()


def test_an_oversized_body_gets_an_aws_shaped_error(emulator: EmulatorServer) -> None:
    body = b'{"DomainId": "' + b"x" * MAX_BODY_BYTES + b'"}'
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "VoiceID.ListSpeakers"}
    status, answer_headers, document = _post_raw(emulator.url, headers, body)
    assert status == 413
    assert document["__type"] == "RequestEntityTooLargeException" and document["Message"]
    assert answer_headers["content-type"] == "application/x-amz-json-1.0"
    assert answer_headers["x-amzn-requestid"]
    call = emulator.calls()[-1]
    assert (call["operation"], call["status"], call["error_code"]) == (
        "ListSpeakers",
        413,
        "RequestEntityTooLargeException",
    )
    # botocore reads it as an error like any other
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        make_client(emulator.url).tag_resource(
            ResourceArn=f"arn:aws:voiceid:us-east-1:111122223333:domain/{ACTIVE_DOMAIN}",
            Tags=[{"Key": f"k{n}", "Value": "v" * 256} for n in range(200)] * 20,
        )
    assert caught.value.response["Error"]["Code"] == "RequestEntityTooLargeException"


def test_a_broken_content_length_is_a_serialization_error(emulator: EmulatorServer) -> None:
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "VoiceID.ListDomains"}
    headers["Content-Length"] = "twelve"
    parts = urllib.parse.urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.putrequest("POST", "/", skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 400
        assert json.loads(response.read())["__type"] == "SerializationException"
    finally:
        connection.close()


# -- NextToken ------------------------------------------------------------------------------------------------


def _first_token(client: t.Any) -> str:
    return str(client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=1)["NextToken"])


def _code(call: t.Callable[..., t.Any], **params: t.Any) -> tuple[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return str(caught.value.response["Error"]["Code"]), str(caught.value.response["Error"]["Message"])


def test_a_token_resumes_its_own_listing(client: t.Any) -> None:
    token = _first_token(client)
    page = client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=2, NextToken=token)  # MaxResults may change
    assert len(page["SpeakerSummaries"]) == 2


def test_a_token_is_bound_to_its_operation_arguments_account_and_region(emulator: EmulatorServer) -> None:
    emulator.load_seed(
        {
            "access_keys": {"AKIDOTHERACCOUNT0001": "999988887777"},
            "domains": [
                {"domain_id": ACTIVE_DOMAIN, "generate": {"count": 3}},
                {"domain_id": "OtherDomain00000000001", "generate": {"count": 3}},
                {"domain_id": ACTIVE_DOMAIN[:-1] + "9", "region": "eu-west-1", "generate": {"count": 3}},
                {"domain_id": ACTIVE_DOMAIN[:-1] + "8", "account_id": "999988887777", "generate": {"count": 3}},
            ],
        }
    )
    client = make_client(emulator.url)
    token = _first_token(client)
    other_domain = _code(client.list_speakers, DomainId="OtherDomain00000000001", NextToken=token)
    assert other_domain[0] == "ValidationException" and "another request" in other_domain[1]
    assert _code(client.list_fraudsters, DomainId=ACTIVE_DOMAIN, NextToken=token)[0] == "ValidationException"
    elsewhere = make_client(emulator.url, region="eu-west-1")
    assert _code(elsewhere.list_speakers, DomainId=ACTIVE_DOMAIN[:-1] + "9", NextToken=token)[0] == (
        "ValidationException"
    )
    other_account = make_client(emulator.url, access_key="AKIDOTHERACCOUNT0001")
    assert _code(other_account.list_speakers, DomainId=ACTIVE_DOMAIN[:-1] + "8", NextToken=token)[0] == (
        "ValidationException"
    )


@pytest.mark.parametrize(
    "mangle", [lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"), lambda s: "x" + s, lambda s: "!!"]
)
def test_a_forged_or_corrupt_token_is_refused(client: t.Any, mangle: t.Callable[[str], str]) -> None:
    token = mangle(_first_token(client))
    assert _code(client.list_speakers, DomainId=ACTIVE_DOMAIN, NextToken=token) == (
        "ValidationException",
        "The provided NextToken is not valid.",
    )


def test_a_token_expires(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(next_token_ttl_seconds=0.2)
    token = _first_token(client)
    time.sleep(0.3)
    code, message = _code(client.list_speakers, DomainId=ACTIVE_DOMAIN, NextToken=token)
    assert code == "ValidationException" and "expired" in message
    with pytest.raises(ValueError, match="next_token_ttl_seconds"):
        emulator.configure(next_token_ttl_seconds=-1)
