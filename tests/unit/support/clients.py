# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The voice-id client a module gets: a real boto3 client (to put a Stubber on) with example credentials,
put behind VoiceIDModule.client() with any stand-in (a Stubber's client, the in-memory FakeVoiceID), and a
record of the operations a stubbed client is asked for."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import boto3
import botocore.config
import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import REGION


def voiceid_client(endpoint_url: Optional[str] = None, config: Optional[botocore.config.Config] = None) -> Any:
    """A real voice-id client in REGION with example credentials: for a Stubber (it then makes no request), or
    for a loopback endpoint_url."""
    return boto3.client(
        "voice-id",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        config=config,
    )


def serve_client(monkeypatch: pytest.MonkeyPatch, client: Any, created: Optional[List[Dict[str, Any]]] = None) -> None:
    """Make VoiceIDModule.client() return client; the service and options of each call go to created."""

    def fake_client(self: VoiceIDModule, service: str, retry_decorator: Any = None, **extra: Any) -> Any:
        if created is not None:
            created.append({"service": service, **extra})
        return client

    monkeypatch.setattr(VoiceIDModule, "client", fake_client)


def record_api_calls(stub: Stubber) -> List[str]:
    """The names of the operations the stubbed client is asked for from now on, stubbed or not (an unstubbed
    call raises a botocore error that a module would turn into an ordinary failure)."""
    calls: List[str] = []

    def record(model: Any, **_kwargs: Any) -> None:
        calls.append(model.name)

    stub.client.meta.events.register("before-parameter-build.voice-id", record)
    return calls
