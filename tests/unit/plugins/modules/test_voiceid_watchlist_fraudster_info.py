# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_watchlist_info's and voiceid_fraudster_info's real main(), against a stubbed voice-id client."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_fraudster_info
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_watchlist_info
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import record_api_calls
from ansible_collections.speakerops.voiceid.tests.unit.support.running import CHECK_MODES
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import add_domain_not_found
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_fraudster
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_watchlist
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_domains
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import fraudster_facts
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import fraudster_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import watchlist_facts
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import watchlist_id

DOMAIN = domain_id(1)


def expect_pages(
    stub: Stubber, operation: str, key: str, pages: List[List[Dict[str, Any]]], extra: Optional[Dict[str, Any]] = None
) -> None:
    for index, page in enumerate(pages):
        params: Dict[str, Any] = dict({"DomainId": DOMAIN, "MaxResults": 100}, **(extra or {}))
        if index:
            params["NextToken"] = f"{operation}-{index}"
        response: Dict[str, Any] = {key: page}
        if index + 1 < len(pages):
            response["NextToken"] = f"{operation}-{index + 1}"
        stub.add_response(operation, response, params)


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize(
    "pages, expected",
    [
        pytest.param([[]], [], id="none"),
        pytest.param(
            [[api_watchlist(1, DOMAIN, default=True)], [], [api_watchlist(2, DOMAIN)]],
            [watchlist_facts(1, DOMAIN, default=True), watchlist_facts(2, DOMAIN)],
            id="pages-with-an-empty-one",
        ),
    ],
)
def test_watchlists_over_every_page(
    voiceid: Stubber,
    run_module: ModuleRunner,
    pages: List[List[Dict[str, Any]]],
    expected: List[Dict[str, Any]],
    check_mode: bool,
) -> None:
    expect_pages(voiceid, "list_watchlists", "WatchlistSummaries", pages)

    result, failed = run_module(
        voiceid_watchlist_info.main, {"domain_id": DOMAIN, "region": "eu-west-2"}, check_mode=check_mode
    )

    assert not failed, result
    assert result["changed"] is False
    assert result["watchlists"] == expected


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize("watchlist", [None, 2], ids=["whole-domain", "one-watchlist"])
def test_fraudsters_over_every_page_by_domain_name(
    voiceid: Stubber, run_module: ModuleRunner, watchlist: Optional[int], check_mode: bool
) -> None:
    expect_list_domains(voiceid, [[api_domain(1), api_domain(2)]])
    extra = {} if watchlist is None else {"WatchlistId": watchlist_id(watchlist)}
    expect_pages(
        voiceid,
        "list_fraudsters",
        "FraudsterSummaries",
        [[api_fraudster(1, DOMAIN, [1, 2])], [api_fraudster(2, DOMAIN, [])]],
        extra,
    )
    options: Dict[str, Any] = {"domain_name": "domain-1", "region": "eu-west-2"}
    if watchlist is not None:
        options["watchlist_id"] = watchlist_id(watchlist)

    result, failed = run_module(voiceid_fraudster_info.main, options, check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["fraudsters"] == [fraudster_facts(1, DOMAIN, [1, 2]), fraudster_facts(2, DOMAIN, [])]


@pytest.mark.parametrize(
    "main, operation",
    [(voiceid_watchlist_info.main, "list_watchlists"), (voiceid_fraudster_info.main, "list_fraudsters")],
)
def test_an_unknown_domain_fails(voiceid: Stubber, run_module: ModuleRunner, main: Any, operation: str) -> None:
    add_domain_not_found(voiceid, operation, {"DomainId": DOMAIN, "MaxResults": 100})

    result, failed = run_module(main, {"domain_id": DOMAIN, "region": "eu-west-2"})

    assert failed
    assert result["error"]["resource_type"] == "DOMAIN"
    assert f"of domain {DOMAIN} (region eu-west-2): ResourceNotFoundException" in result["msg"]


# --- one watchlist (watchlist_id) or one fraudster (fraudster_id): Describe*, a missing one an empty list ---------

# (module, option, id, operation, request key, answer key, answer, facts, missing resource type)
LOOKUPS = [
    pytest.param(
        voiceid_watchlist_info.main,
        "watchlist_id",
        watchlist_id(2),
        "describe_watchlist",
        "WatchlistId",
        "Watchlist",
        api_watchlist(2, DOMAIN),
        watchlist_facts(2, DOMAIN),
        "WATCHLIST",
        id="watchlist",
    ),
    pytest.param(
        voiceid_fraudster_info.main,
        "fraudster_id",
        fraudster_id(3),
        "describe_fraudster",
        "FraudsterId",
        "Fraudster",
        api_fraudster(3, DOMAIN, [1, 2]),
        fraudster_facts(3, DOMAIN, [1, 2]),
        "FRAUDSTER",
        id="fraudster",
    ),
]
LOOKUP_ARGS = "main, option, wanted, operation, request_key, answer_key, answer, facts, resource_type"
RESULT_KEYS = {"watchlist_id": "watchlists", "fraudster_id": "fraudsters"}


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize("found", [True, False], ids=["found", "missing"])
@pytest.mark.parametrize(LOOKUP_ARGS, LOOKUPS)
def test_one_by_id_is_described_and_a_missing_one_is_an_empty_list(
    voiceid: Stubber,
    run_module: ModuleRunner,
    main: Any,
    option: str,
    wanted: str,
    operation: str,
    request_key: str,
    answer_key: str,
    answer: Dict[str, Any],
    facts: Dict[str, Any],
    resource_type: str,
    found: bool,
    check_mode: bool,
) -> None:
    expect_list_domains(voiceid, [[api_domain(1), api_domain(2)]])
    request = {"DomainId": DOMAIN, request_key: wanted}
    if found:
        voiceid.add_response(operation, {answer_key: answer}, request)
    else:
        voiceid.add_client_error(
            operation,
            "ResourceNotFoundException",
            "not found",
            400,
            modeled_fields={"ResourceType": resource_type},
            expected_params=request,
        )
    calls = record_api_calls(voiceid)

    result, failed = run_module(
        main, {"domain_name": "domain-1", option: wanted, "region": "eu-west-2"}, check_mode=check_mode
    )

    assert not failed, result
    assert result["changed"] is False
    assert result[RESULT_KEYS[option]] == ([facts] if found else [])
    assert calls == ["ListDomains", operation.title().replace("_", "")]


@pytest.mark.parametrize(LOOKUP_ARGS, LOOKUPS)
def test_one_by_id_in_an_unknown_domain_fails(
    voiceid: Stubber,
    run_module: ModuleRunner,
    main: Any,
    option: str,
    wanted: str,
    operation: str,
    request_key: str,
    answer_key: str,
    answer: Dict[str, Any],
    facts: Dict[str, Any],
    resource_type: str,
) -> None:
    add_domain_not_found(voiceid, operation, {"DomainId": DOMAIN, request_key: wanted})

    result, failed = run_module(main, {"domain_id": DOMAIN, option: wanted, "region": "eu-west-2"})

    assert failed
    assert result["error"]["resource_type"] == "DOMAIN"
    assert f"of domain {DOMAIN} (region eu-west-2): ResourceNotFoundException" in result["msg"]
    assert RESULT_KEYS[option] not in result


@pytest.mark.parametrize(LOOKUP_ARGS, LOOKUPS)
def test_one_by_id_from_an_answer_without_it_fails_instead_of_an_empty_list(
    voiceid: Stubber,
    run_module: ModuleRunner,
    main: Any,
    option: str,
    wanted: str,
    operation: str,
    request_key: str,
    answer_key: str,
    answer: Dict[str, Any],
    facts: Dict[str, Any],
    resource_type: str,
) -> None:
    """A 200 {} is a broken answer, not a missing watchlist or fraudster: an erasure checked by this lookup
    must not be taken for done."""
    voiceid.add_response(operation, {}, {"DomainId": DOMAIN, request_key: wanted})
    api = operation.title().replace("_", "")

    result, failed = run_module(main, {"domain_id": DOMAIN, option: wanted, "region": "eu-west-2"})

    assert failed
    assert result["error"]["code"] == "MalformedResponse"
    assert f"Failed to read the answer to {api} of domain {DOMAIN}: MalformedResponse" in result["msg"]
    assert RESULT_KEYS[option] not in result


def test_a_service_message_never_repeats_the_fraudster_id(voiceid: Stubber, run_module: ModuleRunner) -> None:
    wanted = fraudster_id(4)
    voiceid.add_client_error(
        "describe_fraudster",
        "AccessDeniedException",
        f"User is not authorized to read fraudster {wanted} of domain {DOMAIN}",
        403,
    )

    result, failed = run_module(
        voiceid_fraudster_info.main, {"domain_id": DOMAIN, "fraudster_id": wanted, "region": "eu-west-2"}
    )

    assert failed
    assert result["error"]["code"] == "AccessDeniedException"
    assert "AccessDeniedException" in result["msg"]
    # ansible-core before 2.19 echoes the module's arguments under `invocation` (no_log hides them): the rest
    # must not carry the id
    said = str({key: value for key, value in result.items() if key != "invocation"})
    assert wanted not in said
    assert wanted[3:] not in said
    # named for what it is: a fraudster id, not a speaker's
    assert result["error"]["message"] == f"User is not authorized to read fraudster <fraudster id> of domain {DOMAIN}"


def test_an_unknown_watchlist_fails(voiceid: Stubber, run_module: ModuleRunner) -> None:
    voiceid.add_client_error(
        "list_fraudsters",
        "ResourceNotFoundException",
        "no such watchlist",
        400,
        modeled_fields={"ResourceType": "WATCHLIST"},
    )

    result, failed = run_module(
        voiceid_fraudster_info.main, {"domain_id": DOMAIN, "watchlist_id": watchlist_id(9), "region": "eu-west-2"}
    )

    assert failed
    assert result["error"]["resource_type"] == "WATCHLIST"


@pytest.mark.parametrize(
    "main, options, problem",
    [
        (voiceid_watchlist_info.main, {"domain_id": "short"}, "domain_id must be exactly 22 letters or digits"),
        (voiceid_watchlist_info.main, {"domain_name": "-x"}, "domain_name must be 1 to 256 characters"),
        (voiceid_fraudster_info.main, {"domain_id": DOMAIN, "watchlist_id": "x"}, "watchlist_id must be exactly 22"),
        (voiceid_watchlist_info.main, {"domain_id": DOMAIN, "watchlist_id": ""}, "watchlist_id must be exactly 22"),
        (
            voiceid_fraudster_info.main,
            {"domain_id": DOMAIN, "fraudster_id": "Fraudster0000000000004"},  # a watchlist's form, no id#
            "fraudster_id must be 'id#' followed by exactly 22 letters or digits",
        ),
        (
            voiceid_fraudster_info.main,
            {"domain_id": DOMAIN, "fraudster_id": "id#Fraudster000000000004-secret"},
            "the value given has 31 characters",
        ),
        (
            voiceid_fraudster_info.main,
            {"domain_id": DOMAIN, "fraudster_id": fraudster_id(4), "watchlist_id": watchlist_id(1)},
            "parameters are mutually exclusive: watchlist_id|fraudster_id",
        ),
        (
            voiceid_fraudster_info.main,
            {"domain_id": DOMAIN, "fraudster_id": fraudster_id(4), "request_rates": {"describe_fraudster": 0}},
            "request_rates.describe_fraudster must be between 0.01 and 10000 requests per second",
        ),
        (
            voiceid_fraudster_info.main,
            {"domain_id": DOMAIN, "request_rates": {"list_fraudsters": -1}},
            "request_rates.list_fraudsters must be between 0.01 and 10000 requests per second",
        ),
        (voiceid_fraudster_info.main, {}, "one of the following is required: domain_id, domain_name"),
        (voiceid_watchlist_info.main, {"domain_id": DOMAIN, "domain_name": "x"}, "mutually exclusive"),
    ],
)
def test_invalid_options_fail_before_any_call(
    voiceid: Stubber, run_module: ModuleRunner, main: Any, options: Dict[str, Any], problem: str
) -> None:
    result, failed = run_module(main, dict(options, region="eu-west-2"))

    assert failed
    assert problem in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]
    if "fraudster_id" in options:  # the message never repeats the value (AWS marks fraudster ids sensitive)
        assert options["fraudster_id"] not in result["msg"]


def test_throttled_pages_are_retried(voiceid: Stubber, run_module: ModuleRunner, sleeps: List[float]) -> None:
    voiceid.add_client_error("list_watchlists", "ThrottlingException", "slow down", 400)
    expect_pages(voiceid, "list_watchlists", "WatchlistSummaries", [[api_watchlist(1, DOMAIN)]])
    calls = record_api_calls(voiceid)

    result, failed = run_module(voiceid_watchlist_info.main, {"domain_id": DOMAIN, "region": "eu-west-2"})

    assert not failed, result
    assert result["watchlists"] == [watchlist_facts(1, DOMAIN)]
    assert calls == ["ListWatchlists", "ListWatchlists"]
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "main, operation",
    [(voiceid_watchlist_info.main, "list_watchlists"), (voiceid_fraudster_info.main, "list_fraudsters")],
)
def test_an_answer_without_its_list_fails_instead_of_returning_none(
    voiceid: Stubber, run_module: ModuleRunner, main: Any, operation: str
) -> None:
    """A 200 {} is a broken answer, never an empty list: the decommission would export nothing and delete."""
    voiceid.add_response(operation, {}, {"DomainId": DOMAIN, "MaxResults": 100})
    api = operation.title().replace("_", "")

    result, failed = run_module(main, {"domain_id": DOMAIN, "region": "eu-west-2"})

    assert failed
    assert result["error"]["code"] == "MalformedResponse"
    assert f"Failed to read the answer to {api} of domain {DOMAIN}: MalformedResponse" in result["msg"]
    assert "fraudsters" not in result and "watchlists" not in result


@pytest.mark.parametrize(
    "main, operation, key",
    [
        (voiceid_watchlist_info.main, "list_watchlists", "WatchlistSummaries"),
        (voiceid_fraudster_info.main, "list_fraudsters", "FraudsterSummaries"),
    ],
)
def test_a_repeated_next_token_fails_at_the_second_page(
    voiceid: Stubber, run_module: ModuleRunner, main: Any, operation: str, key: str
) -> None:
    voiceid.add_response(operation, {key: [], "NextToken": "again"}, {"DomainId": DOMAIN, "MaxResults": 100})
    voiceid.add_response(
        operation, {key: [], "NextToken": "again"}, {"DomainId": DOMAIN, "MaxResults": 100, "NextToken": "again"}
    )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, {"domain_id": DOMAIN, "region": "eu-west-2"})

    assert failed
    assert "repeats the NextToken of an earlier page" in result["msg"]
    assert len(calls) == 2
