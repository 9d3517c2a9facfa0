# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""When AWS's own Voice ID endpoint is not there, the failure says that Voice ID reached its end of support;
against an endpoint the user set (the emulator, say), the plain error stands."""

from __future__ import annotations

from typing import Any
from typing import Iterator
from typing import List
from typing import Optional

import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import ApiError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import is_aws_endpoint
from ansible_collections.speakerops.voiceid.plugins.modules.voiceid_speaker_optout import main
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import voiceid_client
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import REGION

NOTICE = "AWS ended support for Amazon Connect Voice ID on 2026-05-20"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://voiceid.eu-west-2.amazonaws.com", True),
        ("https://voiceid.cn-north-1.amazonaws.com.cn", True),
        ("https://voiceid-fips.us-east-1.amazonaws.com", False),
        ("http://127.0.0.1:4566", False),
        ("https://voiceid.example.com", False),
        (None, False),
    ],
)
def test_aws_endpoints_are_told_from_the_ones_users_set(url: Optional[str], expected: bool) -> None:
    assert is_aws_endpoint(url) is expected


@pytest.mark.parametrize(
    "api_error, unavailable",
    [
        (ApiError("EndpointConnectionError", "Could not connect to the endpoint URL"), True),
        (ApiError("ConnectTimeoutError", "Connect timeout on endpoint URL"), True),
        (ApiError("ServiceUnavailableException", "Service unavailable", status_code=503), True),
        (ApiError("AccessDeniedException", "not authorized", status_code=403), False),
        (ApiError("InternalServerException", "boom", status_code=500), False),
    ],
)
def test_which_errors_mean_there_is_no_service(api_error: ApiError, unavailable: bool) -> None:
    assert api_error.service_unavailable is unavailable


def stubbed_client(monkeypatch: pytest.MonkeyPatch, endpoint_url: Optional[str]) -> Iterator[Stubber]:
    client = voiceid_client(endpoint_url)
    serve_client(monkeypatch, client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(params=[None, "http://127.0.0.1:4566"], ids=["aws-endpoint", "endpoint-override"])
def endpoint(request: Any, monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> Iterator[Any]:
    for stubber in stubbed_client(monkeypatch, request.param):
        yield request.param, stubber


def test_an_unavailable_service_names_the_end_of_support_only_at_aws(endpoint: Any, run_module: ModuleRunner) -> None:
    endpoint_url, stubber = endpoint
    for _attempt in range(10):  # every attempt of the retry policy
        stubber.add_client_error(
            "describe_speaker",
            service_error_code="ServiceUnavailableException",
            service_message="Service unavailable",
            http_status_code=503,
        )

    result, failed = run_module(main, {"domain_id": DOMAIN_ID, "speaker_id": "customer-1", "region": REGION})

    assert failed
    assert "ServiceUnavailableException: Service unavailable" in result["msg"]
    if endpoint_url is None:
        assert NOTICE in result["msg"]
        assert "end_of_support" in result["msg"]
        # Names the endpoint, and does not claim the end of support is the only cause.
        assert f"No Voice ID service answered at https://voiceid.{REGION}.amazonaws.com." in result["msg"]
        assert "a proxy or network problem looks the same" in result["msg"]
        assert "no longer serves" not in result["msg"]
    else:
        assert NOTICE not in result["msg"]


def test_other_errors_at_aws_do_not_mention_the_end_of_support(endpoint: Any, run_module: ModuleRunner) -> None:
    stubber = endpoint[1]
    stubber.add_client_error(
        "describe_speaker", service_error_code="AccessDeniedException", service_message="no", http_status_code=403
    )

    result, failed = run_module(main, {"domain_id": DOMAIN_ID, "speaker_id": "customer-1", "region": REGION})

    assert failed
    assert "AccessDeniedException: no" in result["msg"]
    assert NOTICE not in result["msg"]
