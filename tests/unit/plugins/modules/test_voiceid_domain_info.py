# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_domain_info's real main(), against a stubbed voice-id client that checks every request."""

from __future__ import annotations

import types
from typing import Any
from typing import Dict
from typing import List

import botocore.exceptions
import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_domain_info
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import record_api_calls
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.compat import warning_texts
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.running import CHECK_MODES
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import add_domain_not_found
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import arn
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_facts
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_domains
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_tags

main = voiceid_domain_info.main


def args(**options: Any) -> Dict[str, Any]:
    return dict(options, region="eu-west-2")


def tags_of(n: int) -> Dict[str, str]:
    return {"domain": str(n)} if n % 2 else {}


def number(facts: Dict[str, Any]) -> int:
    return int(facts["domain_id"][len("Domain") :])


def expect_tags_of(stub: Stubber, expected: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """ListTagsForResource answers for each expected domain in turn; returns the domains with their tags."""
    for facts in expected:
        expect_tags(stub, number(facts), tags_of(number(facts)))
    return [dict(facts, tags=tags_of(number(facts))) for facts in expected]


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize(
    "pages, expected",
    [
        pytest.param([[]], [], id="no-domains"),
        pytest.param([[api_domain(1)]], [domain_facts(1)], id="one-page"),
        pytest.param(
            [[api_domain(1), api_domain(2)], [api_domain(3)]],
            [domain_facts(1), domain_facts(2), domain_facts(3)],
            id="two-pages",
        ),
        pytest.param(
            [[api_domain(1)], [], [api_domain(2, status="SUSPENDED")]],
            [domain_facts(1), domain_facts(2, status="SUSPENDED")],
            id="empty-page-in-between",
        ),
    ],
)
def test_all_domains_over_every_page(
    voiceid: Stubber,
    run_module: ModuleRunner,
    pages: List[List[Dict[str, Any]]],
    expected: List[Dict[str, Any]],
    check_mode: bool,
) -> None:
    expect_list_domains(voiceid, pages)
    expected = expect_tags_of(voiceid, expected)

    result, failed = run_module(main, args(), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["domains"] == expected


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize("exists", [True, False], ids=["known", "unknown"])
def test_by_domain_id(voiceid: Stubber, run_module: ModuleRunner, exists: bool, check_mode: bool) -> None:
    params = {"DomainId": domain_id(2)}
    if exists:
        voiceid.add_response("describe_domain", {"Domain": api_domain(2)}, params)
        expect_tags(voiceid, 2, {"team": "ops"})
    else:
        add_domain_not_found(voiceid, "describe_domain", params)

    result, failed = run_module(main, args(domain_id=domain_id(2)), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["domains"] == ([dict(domain_facts(2), tags={"team": "ops"})] if exists else [])


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize(
    "pages, name, expected",
    [
        pytest.param([[api_domain(1), api_domain(2)]], "domain-2", [domain_facts(2)], id="one-match"),
        pytest.param([[api_domain(1)], [api_domain(2)]], "domain-2", [domain_facts(2)], id="match-on-second-page"),
        pytest.param(
            [[api_domain(1, name="same")], [api_domain(2), api_domain(3, name="same")]],
            "same",
            [domain_facts(1, name="same"), domain_facts(3, name="same")],
            id="two-matches",
        ),
        pytest.param([[api_domain(1)], [api_domain(2)]], "nowhere", [], id="unknown-name"),
        pytest.param([[api_domain(1)]], "Domain-1", [], id="names-are-case-sensitive"),
        pytest.param([[]], "domain-1", [], id="no-domains"),
    ],
)
def test_by_name(
    voiceid: Stubber,
    run_module: ModuleRunner,
    pages: List[List[Dict[str, Any]]],
    name: str,
    expected: List[Dict[str, Any]],
    check_mode: bool,
) -> None:
    expect_list_domains(voiceid, pages)
    expected = expect_tags_of(voiceid, expected)

    result, failed = run_module(main, args(name=name), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["domains"] == expected


def test_facts_of_a_domain_changing_its_key_with_a_watchlist(voiceid: Stubber, run_module: ModuleRunner) -> None:
    domain = dict(
        api_domain(1),
        ServerSideEncryptionUpdateDetails={"OldKmsKeyId": "old-key", "UpdateStatus": "FAILED", "Message": "disabled"},
        WatchlistDetails={"DefaultWatchlistId": "WatchList0000000000000"},
    )
    voiceid.add_response("describe_domain", {"Domain": domain}, {"DomainId": domain_id(1)})
    expect_tags(voiceid, 1, {})

    result, failed = run_module(main, args(domain_id=domain_id(1)))

    assert not failed, result
    assert result["domains"] == [
        dict(
            domain_facts(1),
            tags={},
            server_side_encryption_update_details={
                "old_kms_key_id": "old-key",
                "update_status": "FAILED",
                "message": "disabled",
            },
            watchlist_details={"default_watchlist_id": "WatchList0000000000000"},
        )
    ]


@pytest.mark.parametrize(
    "option, value, problem",
    [
        ("domain_id", "short", "domain_id must be exactly 22 letters or digits"),
        ("domain_id", "AbCdEfGhIjKlMnOpQrStU!", "domain_id must be exactly 22 letters or digits"),
        ("name", "", "domain_name must be 1 to 256 characters"),
        ("domain_name", "-dash-first", "domain_name must be 1 to 256 characters"),
        ("name", "x" * 257, "the value given has 257 characters"),
    ],
)
def test_invalid_options_fail_before_any_call(
    voiceid: Stubber, run_module: ModuleRunner, option: str, value: str, problem: str
) -> None:
    result, failed = run_module(main, args(**{option: value}))

    assert failed
    assert problem in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]


def test_domain_id_and_name_are_mutually_exclusive(voiceid: Stubber, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, args(domain_id=domain_id(1), name="domain-1"))

    assert failed
    assert "mutually exclusive" in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "options, operation, expected_msg",
    [
        ({}, "list_domains", "Failed to list domains: AccessDeniedException: "),
        ({"name": "domain-1"}, "list_domains", "Failed to list domains: AccessDeniedException: "),
        (
            {"domain_id": domain_id(1)},
            "describe_domain",
            f"Failed to describe domain {domain_id(1)}: AccessDeniedException: ",
        ),
    ],
)
def test_errors_fail_with_the_aws_error(
    voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], operation: str, expected_msg: str
) -> None:
    voiceid.add_client_error(operation, "AccessDeniedException", "not allowed", http_status_code=403)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(**options))

    assert failed
    assert result["msg"].startswith(expected_msg)
    assert result["error"]["code"] == "AccessDeniedException"
    assert calls == [operation.title().replace("_", "")]


def test_throttled_pages_are_retried(voiceid: Stubber, run_module: ModuleRunner, sleeps: List[float]) -> None:
    voiceid.add_response("list_domains", {"DomainSummaries": [api_domain(1)], "NextToken": "t1"}, {"MaxResults": 10})
    voiceid.add_client_error("list_domains", "ThrottlingException", "slow down", http_status_code=400)
    voiceid.add_response("list_domains", {"DomainSummaries": [api_domain(2)]}, {"MaxResults": 10, "NextToken": "t1"})
    expected = expect_tags_of(voiceid, [domain_facts(1), domain_facts(2)])

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["domains"] == expected
    assert len(sleeps) == 1


class RecordingLimiter:
    """Stands in for the module's RequestRateLimiter: records the rates it gets and each request it admits."""

    instances: List[RecordingLimiter] = []

    def __init__(self, rates: Dict[str, float]) -> None:
        self.rates = dict(rates)
        self.acquired: List[str] = []
        RecordingLimiter.instances.append(self)

    def acquire(self, operation: str) -> None:
        self.acquired.append(operation)

    def answered(self, operation: str, ticket: Any, throttled: bool) -> None:
        pass

    def rate(self, operation: str) -> Any:
        return self.rates.get(operation)


def test_requests_pass_the_rate_limiter_at_the_default_quota(
    voiceid: Stubber, run_module: ModuleRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    RecordingLimiter.instances = []
    monkeypatch.setattr(voiceid_domain_info, "RequestRateLimiter", RecordingLimiter)
    expect_list_domains(voiceid, [[api_domain(1)], [api_domain(2)]])
    expect_tags_of(voiceid, [domain_facts(1), domain_facts(2)])

    result, failed = run_module(main, args())

    assert not failed, result
    [limiter] = RecordingLimiter.instances
    assert limiter.acquired == ["list_domains", "list_domains", "list_tags_for_resource", "list_tags_for_resource"]
    assert limiter.rates["list_domains"] == 2.0
    assert limiter.rates["describe_domain"] == 2.0
    assert limiter.rates["list_tags_for_resource"] == 2.0


def test_tags_refused_leave_them_out_with_one_warning(voiceid: Stubber, run_module: ModuleRunner) -> None:
    """A role that could run the audit before tags were returned keeps running it, told what is missing."""
    expect_list_domains(voiceid, [[api_domain(1), api_domain(2)]])
    voiceid.add_client_error("list_tags_for_resource", "AccessDeniedException", "not allowed", http_status_code=403)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["domains"] == [domain_facts(1), domain_facts(2)]
    assert calls == ["ListDomains", "ListTagsForResource"]
    # One warning for all the domains (ansible-core keeps the warnings of earlier tests of the process too).
    [warning] = [text for text in warning_texts(result) if "The tags of the domains are left out" in text]
    assert "voiceid:ListTagsForResource" in warning


def test_other_tag_errors_fail(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_list_domains(voiceid, [[api_domain(1)]])
    voiceid.add_client_error("list_tags_for_resource", "ValidationException", "bad arn", 400)

    result, failed = run_module(main, args())

    assert failed
    assert result["msg"].startswith("Failed to list the tags of domain: ValidationException")


def test_an_answer_without_its_tags_fails(voiceid: Stubber, run_module: ModuleRunner) -> None:
    """A broken answer never passes for a domain without tags."""
    expect_list_domains(voiceid, [[api_domain(1)]])
    voiceid.add_response("list_tags_for_resource", {}, {"ResourceArn": arn(1)})

    result, failed = run_module(main, args())

    assert failed
    assert result["error"]["code"] == "MalformedResponse"
    assert (
        "the answer to ListTagsForResource does not match the service's output shape: Tags is missing" in result["msg"]
    )


@pytest.mark.parametrize("options", [{}, {"domain_id": domain_id(1)}], ids=["listed", "described"])
def test_a_domain_deleted_during_the_read_is_left_out_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, sleeps: List[float], run_module: ModuleRunner, options: Dict[str, Any]
) -> None:
    """Another writer deletes the domain between ListDomains (or DescribeDomain) and ListTagsForResource."""
    fake = FakeVoiceID(domain_id(1), {})
    fake.delete_after.update({"ListDomains", "DescribeDomain"})
    serve_client(monkeypatch, fake)

    result, failed = run_module(main, args(**options))

    assert not failed, result
    assert result["domains"] == []
    assert [name for name, _params in fake.calls][-1] == "ListTagsForResource"
    assert any(
        f"Domain {domain_id(1)} was deleted while it was being read (ResourceNotFoundException from"
        " ListTagsForResource); it is left out" in text
        for text in warning_texts(result)
    )


def test_the_domains_still_there_are_listed_when_one_vanishes(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_list_domains(voiceid, [[api_domain(1), api_domain(2)]])
    voiceid.add_client_error(
        "list_tags_for_resource", "ResourceNotFoundException", "gone", 400, modeled_fields={"ResourceType": "DOMAIN"}
    )
    expect_tags(voiceid, 2, {"team": "ops"})

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["domains"] == [dict(domain_facts(2), tags={"team": "ops"})]


def test_an_unreachable_endpoint_fails_with_one_plain_message(
    monkeypatch: pytest.MonkeyPatch, sleeps: List[float], run_module: ModuleRunner
) -> None:
    class Unreachable:
        meta = types.SimpleNamespace(endpoint_url="http://127.0.0.1:9")

        def describe_domain(self, **_params: Any) -> Dict[str, Any]:
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    serve_client(monkeypatch, Unreachable())

    result, failed = run_module(main, args(domain_id=domain_id(1)))

    assert failed
    assert result["msg"].startswith("The endpoint is unreachable: EndpointConnectionError: the Voice ID endpoint")
    assert result["msg"].endswith("stopped instead of retrying every request")
