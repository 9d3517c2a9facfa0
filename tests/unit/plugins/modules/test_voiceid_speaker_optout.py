# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_speaker_optout's real main(), against a stubbed voice-id client that checks every request."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker_optout
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.compat import warning_texts
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import CUSTOMER_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import GENERATED_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import OneSpeaker
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import bulk_args

main = voiceid_speaker_optout.main


def counts(summary: Dict[str, Any]) -> Dict[str, Any]:
    """The summary's counts of ids (without throttled and retried, which count requests)."""
    return {key: value for key, value in summary.items() if key not in ("throttled", "retried")}


SPEAKER = OneSpeaker(last_accessed=True)
facts = SPEAKER.facts
expect_describe = SPEAKER.expect_describe
expect_opt_out = SPEAKER.expect_opt_out


def args(speaker_id: str = CUSTOMER_ID, domain_id: str = DOMAIN_ID) -> Dict[str, Any]:
    return {"domain_id": domain_id, "speaker_id": speaker_id, "region": "eu-west-2"}


OPTED_OUT_FACTS = facts("OPTED_OUT", updated="2026-11-25T08:00:00+00:00")

# initial status (None: no such speaker) x check mode x id kind -> changed, calls opt_out, returned speaker
STATE_TABLE = [
    pytest.param(status, check_mode, id_kind, id=f"{status or 'absent'}-{'check' if check_mode else 'apply'}-{id_kind}")
    for status in (None, "PENDING", "ENROLLED", "EXPIRED", "OPTED_OUT")
    for check_mode in (False, True)
    for id_kind in ("customer", "generated")
    if not (status is None and id_kind == "generated")  # covered by test_unknown_generated_id_fails
]


@pytest.mark.parametrize("status, check_mode, id_kind", STATE_TABLE)
def test_state_table(
    voiceid: Stubber, run_module: ModuleRunner, status: Optional[str], check_mode: bool, id_kind: str
) -> None:
    speaker_id = CUSTOMER_ID if id_kind == "customer" else GENERATED_ID
    expect_describe(voiceid, speaker_id, status)
    writes = status != "OPTED_OUT" and not check_mode
    if writes:
        expect_opt_out(voiceid, speaker_id)

    result, failed = run_module(main, args(speaker_id), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is (status != "OPTED_OUT")
    if status == "OPTED_OUT":
        expected = facts("OPTED_OUT")
    elif writes:
        expected = OPTED_OUT_FACTS
    elif status is None:  # check mode, new speaker: only what is known before it exists
        expected = {"customer_speaker_id": CUSTOMER_ID, "domain_id": DOMAIN_ID, "status": "OPTED_OUT"}
    else:  # check mode, existing speaker: its facts with the new status, the update time unknown
        expected = facts("OPTED_OUT", updated=None)
    assert result["speaker"] == expected
    assert "diff" not in result


@pytest.mark.parametrize("check_mode", [False, True])
def test_unknown_generated_id_fails(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_describe(voiceid, GENERATED_ID, None)

    result, failed = run_module(main, args(GENERATED_ID), check_mode=check_mode)

    assert failed
    assert "generated id can only name an existing speaker" in result["msg"]
    assert "ResourceNotFoundException" in result["msg"]
    assert GENERATED_ID not in result["msg"]


@pytest.mark.parametrize(
    "status, check_mode, before, after",
    [
        (None, False, {}, OPTED_OUT_FACTS),
        ("ENROLLED", False, facts("ENROLLED"), OPTED_OUT_FACTS),
        ("ENROLLED", True, facts("ENROLLED"), facts("OPTED_OUT", updated=None)),
        ("OPTED_OUT", False, facts("OPTED_OUT"), facts("OPTED_OUT")),
    ],
)
def test_diff_mode(
    voiceid: Stubber, run_module: ModuleRunner, status: Optional[str], check_mode: bool, before: Any, after: Any
) -> None:
    expect_describe(voiceid, CUSTOMER_ID, status)
    if status != "OPTED_OUT" and not check_mode:
        expect_opt_out(voiceid, CUSTOMER_ID)

    result, failed = run_module(main, args(), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["diff"] == {"before": before, "after": after}


@pytest.mark.parametrize(
    "option, value, rule_words, problem",
    [
        ("domain_id", "short", "exactly 22 letters or digits", "has 5 characters"),
        ("domain_id", "AbCdEfGhIjKlMnOpQrStU!", "exactly 22 letters or digits", "has 22 characters"),
        ("domain_id", "", "exactly 22 letters or digits", "is empty"),
        ("speaker_id", "", "customer speaker id of 1 to 256 characters", "is empty"),
        ("speaker_id", "x" * 257, "customer speaker id of 1 to 256 characters", "has 257 characters, more than 256"),
        ("speaker_id", "jane.doe@example.com", "^[a-zA-Z0-9][a-zA-Z0-9_-]*$", "outside the allowed set"),
        ("speaker_id", "-leading-dash", "^[a-zA-Z0-9][a-zA-Z0-9_-]*$", "does not start with a letter or digit"),
        ("speaker_id", "id#tooShort", "'id#' followed by exactly 22 letters or digits", "not followed by exactly 22"),
    ],
)
def test_invalid_options_fail_before_any_call(
    voiceid: Stubber, run_module: ModuleRunner, option: str, value: str, rule_words: str, problem: str
) -> None:
    module_args = args()
    module_args[option] = value

    result, failed = run_module(main, module_args)

    assert failed
    assert result["msg"].startswith(f"{option} must be ")
    assert rule_words in result["msg"]
    assert problem in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]
    if option == "speaker_id" and value:
        assert value not in result["msg"]  # personal data is not repeated


def add_errors(stub: Stubber, operation: str, code: str, count: int, status: int = 400, **fields: str) -> None:
    for _attempt in range(count):
        stub.add_client_error(
            operation,
            service_error_code=code,
            service_message=f"{code} from the service",
            http_status_code=status,
            modeled_fields=fields or None,
        )


@pytest.mark.parametrize(
    "operation, code, status, fields",
    [
        ("describe_speaker", "ThrottlingException", 400, {}),
        ("describe_speaker", "InternalServerException", 500, {}),
        ("opt_out_speaker", "ThrottlingException", 400, {}),
        ("opt_out_speaker", "ConflictException", 400, {"ConflictType": "CONCURRENT_CHANGES"}),
        ("opt_out_speaker", "InternalServerException", 500, {}),
    ],
)
def test_transient_errors_are_retried(
    voiceid: Stubber,
    run_module: ModuleRunner,
    sleeps: List[float],
    operation: str,
    code: str,
    status: int,
    fields: Dict[str, str],
) -> None:
    if operation == "describe_speaker":
        add_errors(voiceid, operation, code, 3, status, **fields)
        expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
    else:
        expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
        add_errors(voiceid, operation, code, 3, status, **fields)
    expect_opt_out(voiceid, CUSTOMER_ID)

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["changed"] is True
    assert result["speaker"]["status"] == "OPTED_OUT"
    assert len(sleeps) == 3
    assert all(0.0 <= pause <= 8.0 for pause in sleeps)


def test_faults_are_retried_a_bounded_number_of_times(
    voiceid: Stubber, run_module: ModuleRunner, sleeps: List[float]
) -> None:
    add_errors(voiceid, "describe_speaker", "InternalServerException", 10, 500)

    result, failed = run_module(main, args())

    assert failed
    assert len(sleeps) == 9  # ten attempts, nine pauses between them
    assert result["msg"] == (
        f"Failed to describe speaker in domain {DOMAIN_ID}: InternalServerException: InternalServerException from"
        " the service"
    )
    assert result["error"]["code"] == "InternalServerException"


def test_throttling_never_fails_a_request_by_itself(
    voiceid: Stubber, run_module: ModuleRunner, sleeps: List[float]
) -> None:
    """Far more throttled answers than the attempts a fault gets, then faults: the throttles did not count."""
    add_errors(voiceid, "describe_speaker", "ThrottlingException", 25)
    add_errors(voiceid, "describe_speaker", "InternalServerException", 9, 500)
    expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
    expect_opt_out(voiceid, CUSTOMER_ID)

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["changed"] is True
    assert len(sleeps) == 25 + 9


@pytest.mark.parametrize(
    "operation, code, status, fields, expected_in_msg",
    [
        (
            "opt_out_speaker",
            "ConflictException",
            400,
            {"ConflictType": "DOMAIN_NOT_ACTIVE"},
            "(conflict type DOMAIN_NOT_ACTIVE)",
        ),
        ("opt_out_speaker", "ServiceQuotaExceededException", 400, {}, "ServiceQuotaExceededException: "),
        ("opt_out_speaker", "AccessDeniedException", 403, {}, "AccessDeniedException: "),
        ("describe_speaker", "AccessDeniedException", 403, {}, "AccessDeniedException: "),
        ("describe_speaker", "ValidationException", 400, {}, "ValidationException: "),
        ("describe_speaker", "ResourceNotFoundException", 400, {"ResourceType": "DOMAIN"}, "(resource type DOMAIN)"),
    ],
)
def test_permanent_errors_fail_at_once(
    voiceid: Stubber,
    run_module: ModuleRunner,
    sleeps: List[float],
    operation: str,
    code: str,
    status: int,
    fields: Dict[str, str],
    expected_in_msg: str,
) -> None:
    if operation == "opt_out_speaker":
        expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
    add_errors(voiceid, operation, code, 1, status, **fields)

    result, failed = run_module(main, args())

    assert failed
    assert sleeps == []
    action = "describe speaker" if operation == "describe_speaker" else "opt out speaker"
    # Where a missing domain was looked for is named; the speaker's id never is.
    where = f"{DOMAIN_ID} (region eu-west-2)" if fields.get("ResourceType") == "DOMAIN" else DOMAIN_ID
    assert result["msg"].startswith(f"Failed to {action} in domain {where}: {code}: {code} from the service")
    assert CUSTOMER_ID not in result["msg"]
    assert counts(result["summary"]) == {
        "requested": 1,
        "invalid": 0,
        "duplicates": 0,
        "changed": 0,
        "unchanged": 0,
        "failed": 1,
        "failed_by_code": {code: 1},
    }
    assert expected_in_msg in result["msg"]
    assert result["error"]["code"] == code
    assert "Traceback" not in result["msg"]


def test_missing_credentials_fail_clearly(run_module: ModuleRunner) -> None:
    module_args = args()
    module_args["endpoint_url"] = "http://127.0.0.1:9"  # never reached: signing fails first

    result, failed = run_module(main, module_args)

    assert failed
    assert result["msg"] == (
        f"Failed to describe speaker in domain {DOMAIN_ID}: NoCredentialsError: Unable to locate credentials"
    )


def test_credentials_are_never_echoed(voiceid: Stubber, run_module: ModuleRunner) -> None:
    add_errors(voiceid, "describe_speaker", "AccessDeniedException", 1, 403)
    module_args = dict(
        args(), access_key="AKIDSECRETLOOKING", secret_key="sup3r-s3cret-v4lue", session_token="t0ken-v4lue"
    )

    result, failed = run_module(main, module_args)

    assert failed
    text = repr(result)
    assert "sup3r-s3cret-v4lue" not in text
    assert "t0ken-v4lue" not in text


def test_client_is_the_voice_id_service_with_botocore_retries_off(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_describe(voiceid, CUSTOMER_ID, "OPTED_OUT")

    run_module(main, args())

    [created] = voiceid.created_clients  # type: ignore[attr-defined]
    assert created["service"] == "voice-id"
    assert created["config"].retries == {"mode": "standard", "total_max_attempts": 1}


# --- speaker_ids: many speakers in one task --------------------------------------------------------------


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> FakeVoiceID:
    """An in-memory service behind VoiceIDModule.client(), for the concurrent calls of the bulk mode."""
    fake = FakeVoiceID(DOMAIN_ID, {"enrolled": "ENROLLED", "out": "OPTED_OUT", "denied": "ENROLLED"})
    serve_client(monkeypatch, fake)
    return fake


@pytest.mark.parametrize("check_mode", [False, True])
def test_bulk_result(fake_service: FakeVoiceID, run_module: ModuleRunner, check_mode: bool) -> None:
    result, failed = run_module(
        main, bulk_args("enrolled", "out", "brand-new", "enrolled"), check_mode=check_mode, diff=True
    )

    assert not failed, result
    assert result["changed"] is True
    assert result["changed_speaker_ids"] == ["enrolled", "brand-new"]
    assert result["failures"] == []
    # One entry per requested id, duplicates included, each naming the id it answers.
    assert [speaker["status"] for speaker in result["speakers"]] == ["OPTED_OUT"] * 4
    assert [speaker["requested_id"] for speaker in result["speakers"]] == ["enrolled", "out", "brand-new", "enrolled"]
    assert [speaker["customer_speaker_id"] for speaker in result["speakers"]] == [
        "enrolled",
        "out",
        "brand-new",
        "enrolled",
    ]
    assert counts(result["summary"]) == {
        "requested": 4,
        "invalid": 0,
        "duplicates": 1,
        "changed": 2,
        "unchanged": 1,
        "failed": 0,
        "failed_by_code": {},
    }
    assert result["diff"] == {
        "before": {"enrolled": "ENROLLED", "brand-new": "absent"},
        "after": {"enrolled": "OPTED_OUT", "brand-new": "OPTED_OUT"},
    }
    assert len(fake_service.calls_to("OptOutSpeaker")) == (0 if check_mode else 2)


def test_bulk_rerun_is_unchanged(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    run_module(main, bulk_args("enrolled", "brand-new"))
    result, failed = run_module(main, bulk_args("enrolled", "brand-new"))
    assert not failed
    assert result["changed"] is False
    assert result["changed_speaker_ids"] == []


def test_bulk_partial_failure_reports_exactly_which_failed(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    fake_service.add_fault("OptOutSpeaker", "AccessDeniedException", speaker_id="denied", status=403)

    result, failed = run_module(main, bulk_args("enrolled", "denied", "out"))

    assert failed
    assert result["failures"] == [
        {
            "speaker_id": "denied",
            "code": "AccessDeniedException",
            "message": "AccessDeniedException: AccessDeniedException injected",
        }
    ]
    assert result["msg"] == (
        f"1 of 3 speakers in domain {DOMAIN_ID} could not be opted out: 1 AccessDeniedException"
        " (see failures). The other 2 were handled (1 opted out, 1 needed nothing); a rerun retries only the failed"
        " ones."
    )
    assert result["changed"] is True
    assert result["changed_speaker_ids"] == ["enrolled"]
    assert fake_service.status_of("enrolled") == "OPTED_OUT"
    assert [speaker["status"] for speaker in result["speakers"]] == ["OPTED_OUT", "ENROLLED", "OPTED_OUT"]


def test_bulk_invalid_ids_are_all_named_before_any_call(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, bulk_args("fine", "jane doe", "", "id#short", "also-fine"))

    assert failed
    assert result["msg"].startswith("speaker_ids must each be either a customer speaker id")
    assert "3 of them do not: speaker_ids[1] contains a character outside the allowed set" in result["msg"]
    assert "speaker_ids[2] is empty" in result["msg"]
    assert "speaker_ids[3] starts with 'id#' but is not followed by exactly 22" in result["msg"]
    assert "(see invalid)." in result["msg"]
    assert "jane" not in result["msg"] and "short" not in result["msg"] and "fine" not in result["msg"]
    assert [(item["index"], item["speaker_id"]) for item in result["invalid"]] == [
        (1, "jane doe"),
        (2, ""),
        (3, "id#short"),
    ]
    assert result["invalid"][0]["rule"].startswith("contains a character outside the allowed set")
    assert fake_service.calls == []


@pytest.mark.parametrize(
    "module_args, message",
    [
        (bulk_args("a", speaker_id="a"), "parameters are mutually exclusive: speaker_id|speaker_ids"),
        ({"domain_id": DOMAIN_ID}, "one of the following is required: speaker_id, speaker_ids"),
        (
            bulk_args("a", request_rates={"describe_speaker": 0}),
            "request_rates.describe_speaker must be between 0.01 and 10000 requests per second",
        ),
    ],
)
def test_bulk_option_errors(
    fake_service: FakeVoiceID, run_module: ModuleRunner, module_args: Dict[str, Any], message: str
) -> None:
    result, failed = run_module(main, module_args)
    assert failed
    assert message in result["msg"]
    assert fake_service.calls == []


def test_bulk_list_speakers_rate_zero_reads_by_describe_only(
    fake_service: FakeVoiceID, run_module: ModuleRunner
) -> None:
    result, failed = run_module(main, bulk_args("enrolled", "out", request_rates={"list_speakers": 0}))
    assert not failed, result
    assert fake_service.calls_to("ListSpeakers") == []
    assert len(fake_service.calls_to("DescribeSpeaker")) == 2


def test_domain_name_is_resolved_before_any_speaker_call(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    module_args = {"domain_name": "contact-center", "speaker_ids": ["enrolled"], "region": "eu-west-2"}

    result, failed = run_module(main, module_args)

    assert not failed, result
    assert result["changed_speaker_ids"] == ["enrolled"]
    assert fake_service.calls[0][0] == "ListDomains"
    assert all(params["DomainId"] == DOMAIN_ID for name, params in fake_service.calls[1:])


def test_unknown_domain_name_fails_naming_it_before_any_speaker_call(
    fake_service: FakeVoiceID, run_module: ModuleRunner
) -> None:
    module_args = {"domain_name": "no-such-domain", "speaker_id": "enrolled", "region": "eu-west-2"}

    result, failed = run_module(main, module_args)

    assert failed
    assert result["msg"] == (
        "domain_name 'no-such-domain' matches no Voice ID domain in account 111122223333, region eu-west-2"
        " (1 domains listed)"
    )
    assert [name for name, params in fake_service.calls] == ["ListDomains"]


def test_domain_id_and_domain_name_are_exclusive(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    module_args = {"domain_id": DOMAIN_ID, "domain_name": "contact-center", "speaker_id": "a", "region": "eu-west-2"}

    result, failed = run_module(main, module_args)

    assert failed
    assert "parameters are mutually exclusive: domain_id|domain_name" in result["msg"]
    assert fake_service.calls == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_on_invalid_skip_leaves_invalid_ids_out_and_goes_on(
    fake_service: FakeVoiceID, run_module: ModuleRunner, check_mode: bool
) -> None:
    requested = ["enrolled", "jane doe", "out", "", "brand-new", "enrolled"]

    result, failed = run_module(main, bulk_args(*requested, on_invalid="skip"), check_mode=check_mode)

    assert not failed, result
    assert result["changed_speaker_ids"] == ["enrolled", "brand-new"]
    assert [speaker["requested_id"] for speaker in result["speakers"]] == ["enrolled", "out", "brand-new", "enrolled"]
    assert result["invalid"] == [
        {
            "index": 1,
            "speaker_id": "jane doe",
            "rule": "contains a character outside the allowed set or does not start with a letter or digit",
        },
        {"index": 3, "speaker_id": "", "rule": "is empty"},
    ]
    assert counts(result["summary"]) == {
        "requested": 6,
        "invalid": 2,
        "duplicates": 1,
        "changed": 2,
        "unchanged": 1,
        "failed": 0,
        "failed_by_code": {},
    }
    [warning] = warning_texts(result)
    assert warning.startswith("2 invalid speaker ids were skipped (speaker_ids[1], speaker_ids[3]; see invalid")
    assert "jane" not in warning
    assert {params["SpeakerId"] for params in fake_service.calls_to("DescribeSpeaker")} <= {
        "enrolled",
        "out",
        "brand-new",
    }
    assert len(fake_service.calls_to("OptOutSpeaker")) == (0 if check_mode else 2)


def test_on_invalid_skip_with_only_invalid_ids_calls_nothing_but_the_list(
    fake_service: FakeVoiceID, run_module: ModuleRunner
) -> None:
    result, failed = run_module(main, bulk_args("jane doe", "id#short", on_invalid="skip"))

    assert not failed, result
    assert result["changed"] is False
    assert result["speakers"] == []
    assert result["summary"]["requested"] == 2 and result["summary"]["invalid"] == 2
    assert [name for name, params in fake_service.calls if name != "ListSpeakers"] == []


def test_on_invalid_does_not_excuse_an_invalid_speaker_id(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, dict(args(speaker_id="jane doe"), on_invalid="skip"))

    assert failed
    assert result["msg"].startswith("speaker_id must be either a customer speaker id")
    assert fake_service.calls == []


def test_summary_counts_failures_by_code(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    fake_service.add_fault("OptOutSpeaker", "AccessDeniedException", speaker_id="denied", status=403)
    fake_service.add_fault("OptOutSpeaker", "ValidationException", speaker_id="brand-new")

    result, failed = run_module(main, bulk_args("enrolled", "denied", "out", "brand-new", "denied"), check_mode=False)

    assert failed
    assert counts(result["summary"]) == {
        "requested": 5,
        "invalid": 0,
        "duplicates": 1,
        "changed": 1,
        "unchanged": 1,
        "failed": 2,
        "failed_by_code": {"AccessDeniedException": 1, "ValidationException": 1},
    }
    assert result["msg"].startswith(
        f"2 of 4 speakers in domain {DOMAIN_ID} could not be opted out: 1 AccessDeniedException, 1 ValidationException"
    )
    assert [speaker["requested_id"] for speaker in result["speakers"]] == [
        "enrolled",
        "denied",
        "out",
        "brand-new",
        "denied",
    ]
