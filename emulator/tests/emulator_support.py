# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared constants and helpers of the emulator's own tests (a module name unique to this directory)."""

from __future__ import annotations

import http.client
import json
import typing as t
import urllib.parse

import boto3
import botocore.config
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from voiceid_emulator.engine import VoiceIdEmulator

ACTIVE_DOMAIN = "ActiveDomain0000000001"
SUSPENDED_DOMAIN = "SuspendedDomain0000001"
PENDING_DOMAIN = "PendingDomain000000001"
CUST1_GENERATED = "id#Cust1Generated00000001"
ACCESS_KEY = "AKIDEMULATORTEST"
SECRET_KEY = "emulator-test-secret"

_SESSION = boto3.session.Session()
# "total_max_attempts": 1 means no retry at all; botocore's "max_attempts": 1 would still allow one retry.
NO_RETRIES = botocore.config.Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30
)


def base_seed() -> dict[str, t.Any]:
    return {
        "account_id": "111122223333",
        "domains": [
            {
                "domain_id": ACTIVE_DOMAIN,
                "name": "active-domain",
                "description": "Tests",
                "speakers": [
                    {"customer_speaker_id": "cust-1", "generated_speaker_id": CUST1_GENERATED, "status": "ENROLLED"},
                    {"customer_speaker_id": "cust-2", "status": "EXPIRED"},
                    {"customer_speaker_id": "cust-3", "status": "PENDING"},
                ],
            },
            {
                "domain_id": SUSPENDED_DOMAIN,
                "name": "suspended-domain",
                "status": "SUSPENDED",
                "speakers": [{"customer_speaker_id": "cust-s", "status": "ENROLLED"}],
            },
            {"domain_id": PENDING_DOMAIN, "name": "pending-domain", "status": "PENDING"},
        ],
    }


def make_client(
    url: str,
    region: str = "us-east-1",
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    config: botocore.config.Config | None = None,
) -> t.Any:
    return _SESSION.client(
        "voice-id",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=config or NO_RETRIES,
    )


def raw_request(
    url: str, body: bytes, headers: t.Mapping[str, str], method: str = "POST", path: str = "/"
) -> tuple[int, dict[str, str], t.Any]:
    """Send bytes as they are; return (status, lower-cased headers, parsed JSON body or None)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=dict(headers))
        response = connection.getresponse()
        data = response.read()
        document = json.loads(data) if data else None
        return response.status, {name.lower(): value for name, value in response.getheaders()}, document
    finally:
        connection.close()


def signed_request(
    url: str,
    operation: str,
    document: t.Any,
    *,
    region: str = "us-east-1",
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    service: str = "voiceid",
    target: str | None = None,
) -> tuple[int, dict[str, str], t.Any]:
    """A correctly SigV4-signed JSON 1.0 request, bypassing boto3's client-side parameter validation."""
    body = document if isinstance(document, bytes) else json.dumps(document).encode("utf-8")
    request = AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": target if target is not None else f"VoiceID.{operation}",
        },
    )
    SigV4Auth(Credentials(access_key, secret_key), service, region).add_auth(request)
    return raw_request(url, body, dict(request.headers.items()))


class StrictEmulator(VoiceIdEmulator):
    """The emulator every EmulatorServer of these tests runs (conftest.py puts it in place): strict unless a test
    configures otherwise, and remembered, so that each test fails on any emulator bug it caused."""

    started: t.ClassVar[list[StrictEmulator]] = []

    def __init__(self, seed: t.Mapping[str, t.Any] | None = None, **config: t.Any) -> None:
        super().__init__(seed, **{"strict": True, **config})
        self.bugs_taken = 0
        StrictEmulator.started.append(self)


def take_bugs() -> list[dict[str, t.Any]]:
    """The emulator bugs seen since the last call, in every emulator started by this test (then forgotten)."""
    bugs: list[dict[str, t.Any]] = []
    for emulator in StrictEmulator.started:
        reports = emulator.bug_reports()
        bugs.extend(reports[emulator.bugs_taken :])
        emulator.bugs_taken = len(reports)
    return bugs
