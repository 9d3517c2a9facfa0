# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_speaker_info's real main(), against a stubbed voice-id client that checks every request."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api import ratelimit
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import THROTTLE_CUT
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker_info
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import record_api_calls
from ansible_collections.speakerops.voiceid.tests.unit.support.running import CHECK_MODES
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import add_domain_not_found
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_speaker
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_domains
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_speakers
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import speaker_facts

main = voiceid_speaker_info.main
CUSTOMER_ID = "customer-0007"
GENERATED_ID = "id#Generated0000000000007"


def args(**options: Any) -> Dict[str, Any]:
    """The module's arguments: these options, in DOMAIN_ID unless they name the domain (or None to name none)."""
    if "domain_id" not in options and "domain_name" not in options:
        options["domain_id"] = DOMAIN_ID
    return {key: value for key, value in dict(options, region="eu-west-2").items() if value is not None}


def speakers(statuses: str, first: int = 1) -> List[Dict[str, Any]]:
    """API speakers numbered from first, one per letter of statuses: E(NROLLED), X (EXPIRED), O(PTED_OUT), P(ENDING)."""
    names = {"E": "ENROLLED", "X": "EXPIRED", "O": "OPTED_OUT", "P": "PENDING"}
    return [api_speaker(first + i, names[letter], DOMAIN_ID) for i, letter in enumerate(statuses)]


def as_facts(api_speakers: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [speaker_facts(int(s["CustomerSpeakerId"][-4:]), s["Status"], s["DomainId"]) for s in api_speakers]


# ---- one speaker ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize("speaker_id", [CUSTOMER_ID, GENERATED_ID], ids=["customer-id", "generated-id"])
@pytest.mark.parametrize(
    "status, filter_, found",
    [
        pytest.param("ENROLLED", None, True, id="enrolled"),
        pytest.param("OPTED_OUT", None, True, id="opted-out"),
        pytest.param(None, None, False, id="unknown-speaker"),
        pytest.param("ENROLLED", ["ENROLLED", "PENDING"], True, id="status-matches-filter"),
        pytest.param("OPTED_OUT", ["ENROLLED"], False, id="status-outside-filter"),
    ],
)
def test_one_speaker(
    voiceid: Stubber,
    run_module: ModuleRunner,
    speaker_id: str,
    status: Optional[str],
    filter_: Optional[List[str]],
    found: bool,
    check_mode: bool,
) -> None:
    params = {"DomainId": DOMAIN_ID, "SpeakerId": speaker_id}
    if status is None:
        voiceid.add_client_error(
            "describe_speaker",
            "ResourceNotFoundException",
            "The speaker was not found.",
            modeled_fields={"ResourceType": "SPEAKER"},
            expected_params=params,
        )
    else:
        voiceid.add_response("describe_speaker", {"Speaker": api_speaker(7, status, DOMAIN_ID)}, params)
    options: Dict[str, Any] = {"speaker_id": speaker_id}
    if filter_ is not None:
        options["status"] = filter_

    result, failed = run_module(main, args(**options), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["speakers"] == ([speaker_facts(7, str(status), DOMAIN_ID)] if found else [])


# ---- all speakers --------------------------------------------------------------------------------------

PAGES = [speakers("EEOX", 1), speakers("PEOO", 5), speakers("E", 9)]  # 9 speakers over three pages


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize(
    "pages, filter_, expected",
    [
        pytest.param([[]], None, [], id="empty-domain"),
        pytest.param([speakers("EO")], None, speakers("EO"), id="one-page"),
        pytest.param(PAGES, None, PAGES[0] + PAGES[1] + PAGES[2], id="three-pages"),
        pytest.param([speakers("E"), [], speakers("O", 2)], None, speakers("EO"), id="empty-page-between"),
        pytest.param(
            [speakers("E" * 100), speakers("O" * 100, 101), speakers("X", 201)],
            None,
            speakers("E" * 100) + speakers("O" * 100, 101) + speakers("X", 201),
            id="full-pages",
        ),
        pytest.param(PAGES, ["ENROLLED"], [PAGES[0][0], PAGES[0][1], PAGES[1][1], PAGES[2][0]], id="enrolled"),
        pytest.param(
            PAGES, ["OPTED_OUT", "EXPIRED"], [*PAGES[0][2:], PAGES[1][2], PAGES[1][3]], id="opted-out-or-expired"
        ),
        pytest.param(PAGES, ["PENDING"], [PAGES[1][0]], id="pending"),
        pytest.param([speakers("EEO")], ["EXPIRED"], [], id="none-match"),
        pytest.param(PAGES, [], PAGES[0] + PAGES[1] + PAGES[2], id="empty-filter-keeps-all"),
    ],
)
def test_all_speakers(
    voiceid: Stubber,
    run_module: ModuleRunner,
    pages: List[List[Dict[str, Any]]],
    filter_: Optional[List[str]],
    expected: List[Dict[str, Any]],
    check_mode: bool,
) -> None:
    expect_list_speakers(voiceid, DOMAIN_ID, pages)
    options: Dict[str, Any] = {} if filter_ is None else {"status": filter_}

    result, failed = run_module(main, args(**options), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["speakers"] == as_facts(expected)


def test_speakers_without_a_customer_id_keep_only_the_fields_reported(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    summary = {"GeneratedSpeakerId": GENERATED_ID, "DomainId": DOMAIN_ID, "Status": "PENDING"}
    expect_list_speakers(voiceid, DOMAIN_ID, [[summary]])

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["speakers"] == [{"generated_speaker_id": GENERATED_ID, "domain_id": DOMAIN_ID, "status": "PENDING"}]


# ---- the domain ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("speaker_id", [None, CUSTOMER_ID], ids=["list", "describe"])
def test_unknown_domain_fails_naming_it(voiceid: Stubber, run_module: ModuleRunner, speaker_id: Optional[str]) -> None:
    if speaker_id is None:
        add_domain_not_found(voiceid, "list_speakers", {"DomainId": DOMAIN_ID, "MaxResults": 100})
        options: Dict[str, Any] = {}
        action = "list speakers"
    else:
        add_domain_not_found(voiceid, "describe_speaker", {"DomainId": DOMAIN_ID, "SpeakerId": speaker_id})
        options = {"speaker_id": speaker_id}
        action = "describe speaker"

    result, failed = run_module(main, args(**options))

    assert failed
    assert result["msg"] == (
        f"Failed to {action} in domain {DOMAIN_ID} (region eu-west-2): ResourceNotFoundException: The domain was"
        " not found. (resource type DOMAIN)"
    )
    assert result["error"]["resource_type"] == "DOMAIN"
    assert CUSTOMER_ID not in result["msg"]
    assert CUSTOMER_ID not in repr(result["error"])


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize("with_speaker_id", [False, True], ids=["list", "describe"])
def test_domain_name_naming_one_domain(
    voiceid: Stubber, run_module: ModuleRunner, with_speaker_id: bool, check_mode: bool
) -> None:
    target = domain_id(2)
    expect_list_domains(voiceid, [[api_domain(1)], [api_domain(2, name="contact-center"), api_domain(3)]])
    options: Dict[str, Any] = {"domain_name": "contact-center"}
    if with_speaker_id:
        options["speaker_id"] = CUSTOMER_ID
        voiceid.add_response(
            "describe_speaker",
            {"Speaker": api_speaker(7, "ENROLLED", target)},
            {"DomainId": target, "SpeakerId": CUSTOMER_ID},
        )
        expected = [speaker_facts(7, "ENROLLED", target)]
    else:
        expect_list_speakers(voiceid, target, [[api_speaker(1, "ENROLLED", target)]])
        expected = [speaker_facts(1, "ENROLLED", target)]

    result, failed = run_module(main, args(**options), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["speakers"] == expected


@pytest.mark.parametrize(
    "pages, expected_msg",
    [
        pytest.param(
            [[api_domain(1)], [api_domain(2)]],
            "domain_name 'contact-center' matches no Voice ID domain in account 111122223333, region eu-west-2"
            " (2 domains listed)",
            id="no-match",
        ),
        pytest.param(
            [[]],
            "domain_name 'contact-center' matches no Voice ID domain in region eu-west-2 of this account"
            " (0 domains listed)",
            id="none",
        ),
        pytest.param(
            [[api_domain(1, name="contact-center")], [api_domain(2), api_domain(3, name="contact-center")]],
            f"domain_name 'contact-center' matches 2 domains (ids {domain_id(1)}, {domain_id(3)}); use domain_id",
            id="two-matches",
        ),
    ],
)
@pytest.mark.parametrize("speaker_id", [None, CUSTOMER_ID], ids=["list", "describe"])
def test_bad_domain_name_fails_before_any_speaker_call(
    voiceid: Stubber,
    run_module: ModuleRunner,
    pages: List[List[Dict[str, Any]]],
    expected_msg: str,
    speaker_id: Optional[str],
) -> None:
    expect_list_domains(voiceid, pages)
    calls = record_api_calls(voiceid)
    options: Dict[str, Any] = {"domain_name": "contact-center"}
    if speaker_id is not None:
        options["speaker_id"] = speaker_id

    result, failed = run_module(main, args(**options))

    assert failed
    assert result["msg"] == expected_msg
    assert calls == ["ListDomains"] * len(pages)


def test_failing_list_domains_names_no_domain(voiceid: Stubber, run_module: ModuleRunner) -> None:
    voiceid.add_client_error("list_domains", "AccessDeniedException", "not allowed", http_status_code=403)

    result, failed = run_module(main, args(domain_name="contact-center"))

    assert failed
    assert result["msg"] == "Failed to list domains: AccessDeniedException: not allowed"


# ---- options -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, problem",
    [
        ({"domain_id": "short"}, "domain_id must be exactly 22 letters or digits"),
        ({"domain_name": "-dash-first"}, "domain_name must be 1 to 256 characters"),
        ({"domain_name": ""}, "domain_name must be 1 to 256 characters"),
        ({"speaker_id": "jane.doe@example.com"}, "speaker_id must be either a customer speaker id"),
        ({"speaker_id": "id#tooShort"}, "not followed by exactly 22 letters or digits"),
        ({"speaker_id": ""}, "the value given is empty"),
        ({"status": ["ENROLLED", "GONE"]}, "value of status must be one or more of"),
        ({"domain_id": DOMAIN_ID, "domain_name": "contact-center"}, "mutually exclusive"),
        ({"domain_id": None}, "one of the following is required: domain_id, domain_name"),
        ({"request_rates": {"list_speakers": "fast"}}, "list_speakers"),
        ({"request_rates": {"list_speakers": 0}}, "request_rates.list_speakers must be between 0.01 and 10000"),
        ({"request_rates": {"describe_speaker": -1}}, "request_rates.describe_speaker must be between 0.01 and 10000"),
    ],
)
def test_invalid_options_fail_before_any_call(
    voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], problem: str
) -> None:
    result, failed = run_module(main, args(**options))

    assert failed
    assert problem in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]
    if options.get("speaker_id"):
        assert options["speaker_id"] not in result["msg"]  # personal data is not repeated


@pytest.mark.parametrize("null_option", ["domain_id", "domain_name"])
def test_domain_option_set_to_null_fails_without_a_call(
    voiceid: Stubber, run_module: ModuleRunner, null_option: str
) -> None:
    """``domain_id: null`` in a task reaches the module as a key with no value, which required_one_of accepts."""
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, {null_option: None, "region": "eu-west-2"})

    assert failed
    assert result["msg"] == "one of domain_id and domain_name is required"
    assert calls == []


# ---- request rates -------------------------------------------------------------------------------------


class FakeClock:
    """Time stands still except while the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock of every RequestRateLimiter the module builds."""
    fake = FakeClock()
    monkeypatch.setattr(ratelimit, "SystemClock", lambda: fake)
    return fake


@pytest.fixture
def acquired(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The operations the limiter let through, in order."""
    operations: List[str] = []
    original = ratelimit.RequestRateLimiter.acquire

    def acquire(self: ratelimit.RequestRateLimiter, operation: str) -> Optional[int]:
        operations.append(operation)
        return original(self, operation)

    monkeypatch.setattr(ratelimit.RequestRateLimiter, "acquire", acquire)
    return operations


@pytest.mark.parametrize(
    "rates, pause",
    [
        pytest.param(None, 0.2, id="default-5-per-second"),
        pytest.param({"list_speakers": 20}, 0.05, id="raised-to-20"),
        pytest.param({"list_speakers": 0.5, "describe_speaker": 50}, 2.0, id="lowered-to-half"),
    ],
)
def test_one_acquire_per_page_at_the_rate(
    voiceid: Stubber,
    run_module: ModuleRunner,
    clock: FakeClock,
    acquired: List[str],
    rates: Optional[Dict[str, float]],
    pause: float,
) -> None:
    expect_list_speakers(voiceid, DOMAIN_ID, PAGES)
    options: Dict[str, Any] = {} if rates is None else {"request_rates": rates}

    result, failed = run_module(main, args(**options))

    assert not failed, result
    assert acquired == ["list_speakers"] * len(PAGES)
    assert clock.sleeps == [pytest.approx(pause)] * (len(PAGES) - 1)


def test_domain_lookup_and_retries_pass_the_limiter(
    voiceid: Stubber, run_module: ModuleRunner, clock: FakeClock, acquired: List[str], sleeps: List[float]
) -> None:
    target = domain_id(2)
    expect_list_domains(voiceid, [[api_domain(1)], [api_domain(2, name="contact-center")]])
    voiceid.add_client_error("describe_speaker", "ThrottlingException", "slow down")
    voiceid.add_response(
        "describe_speaker",
        {"Speaker": api_speaker(7, "ENROLLED", target)},
        {"DomainId": target, "SpeakerId": CUSTOMER_ID},
    )

    result, failed = run_module(main, args(domain_name="contact-center", speaker_id=CUSTOMER_ID))

    assert not failed, result
    assert acquired == ["list_domains", "list_domains", "describe_speaker", "describe_speaker"]
    # The second ListDomains page waits half a second (2 per second); the retried DescribeSpeaker waits for
    # its own slot at the rate the throttled answer cut (10 per second x THROTTLE_CUT).
    assert clock.sleeps == [pytest.approx(0.5), pytest.approx(1 / (10 * THROTTLE_CUT))]
    assert len(sleeps) == 1  # the retry policy's own pause
