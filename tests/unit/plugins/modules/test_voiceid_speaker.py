# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_speaker's real main(): one speaker against a Stubber (which checks every request against the
service model), many against the concurrent in-memory fake; option errors before any call, and the invariant of a run's
result as plan.py states it."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from ansible.module_utils.basic import AnsibleModule
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker_optout
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import CUSTOMER_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import GENERATED_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import OneSpeaker
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import bulk_args

main = voiceid_speaker.main


def counts(summary: Dict[str, Any]) -> Dict[str, Any]:
    """The summary's counts of ids (without throttled and retried, which count requests)."""
    return {key: value for key, value in summary.items() if key not in ("throttled", "retried")}


SPEAKER = OneSpeaker()
api_speaker = SPEAKER.answer
facts = SPEAKER.facts
expect_describe = SPEAKER.expect_describe


def args(speaker_id: str = CUSTOMER_ID, state: str = "absent", **extra: Any) -> Dict[str, Any]:
    return dict({"domain_id": DOMAIN_ID, "speaker_id": speaker_id, "state": state, "region": "eu-west-2"}, **extra)


# initial status (None: no such speaker) x id kind x check mode -> deleted?
ABSENT_TABLE = [
    pytest.param(status, id_kind, check_mode, id=f"{status or 'absent'}-{id_kind}-{'check' if check_mode else 'apply'}")
    for status in (None, "PENDING", "ENROLLED", "EXPIRED", "OPTED_OUT")
    for id_kind in ("customer", "generated")
    for check_mode in (False, True)
]


@pytest.mark.parametrize("status, id_kind, check_mode", ABSENT_TABLE)
def test_absent_state_table(
    voiceid: Stubber, run_module: ModuleRunner, status: Optional[str], id_kind: str, check_mode: bool
) -> None:
    speaker_id = CUSTOMER_ID if id_kind == "customer" else GENERATED_ID
    expect_describe(voiceid, speaker_id, status)
    if status is not None and not check_mode:
        voiceid.add_response("delete_speaker", {}, {"DomainId": DOMAIN_ID, "SpeakerId": speaker_id})

    result, failed = run_module(main, args(speaker_id), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is (status is not None)
    if status is None:
        key = "customer_speaker_id" if id_kind == "customer" else "generated_speaker_id"
        assert result["speaker"] == {key: speaker_id, "domain_id": DOMAIN_ID}
        assert result["diff"] == {"before": {}, "after": {}}
    else:
        assert result["speaker"] == facts(status)  # as read before the deletion
        assert result["diff"] == {"before": facts(status), "after": {}}


def test_absent_when_someone_else_deleted_it_meanwhile(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
    voiceid.add_client_error(
        "delete_speaker",
        service_error_code="ResourceNotFoundException",
        service_message="gone",
        modeled_fields={"ResourceType": "SPEAKER"},
    )

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["changed"] is False  # the module did not delete it


def test_opted_out_is_the_default_state_and_makes_the_same_calls(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
    voiceid.add_response(
        "opt_out_speaker", {"Speaker": api_speaker("OPTED_OUT")}, {"DomainId": DOMAIN_ID, "SpeakerId": CUSTOMER_ID}
    )
    module_args = args()
    del module_args["state"]

    result, failed = run_module(main, module_args)

    assert not failed, result
    result.pop("invocation", None)  # ansible-core 2.21 adds it only when the controller asks
    result.pop("deprecations", None)  # amazon.aws 10.3 under ansible-core 2.20 imports a deprecated helper
    summary = {"requested": 1, "invalid": 0, "duplicates": 0, "changed": 1, "unchanged": 0, "failed": 0}
    assert counts(result.pop("summary")) == dict(summary, failed_by_code={})
    assert result == {"changed": True, "speaker": facts("OPTED_OUT")}


def test_permanent_error_on_delete_fails_clearly(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_describe(voiceid, CUSTOMER_ID, "ENROLLED")
    voiceid.add_client_error("delete_speaker", service_error_code="AccessDeniedException", http_status_code=403)

    result, failed = run_module(main, args())

    assert failed
    assert result["msg"].startswith(f"Failed to delete speaker in domain {DOMAIN_ID}: AccessDeniedException")


def test_client_has_timeouts_and_a_pool_for_the_workers(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_describe(voiceid, CUSTOMER_ID, None)
    run_module(main, args())
    [created] = voiceid.created_clients  # type: ignore[attr-defined]
    assert created["config"].connect_timeout == 5
    assert created["config"].read_timeout == 10
    assert created["config"].max_pool_connections == 130


# --- option errors: every option is checked before the first call -----------------------------------------


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> FakeVoiceID:
    fake = FakeVoiceID(
        DOMAIN_ID, {"enrolled": "ENROLLED", "out": "OPTED_OUT", "expired": "EXPIRED", "denied": "ENROLLED"}
    )
    serve_client(monkeypatch, fake)
    return fake


@pytest.mark.parametrize("module_main", [main, voiceid_speaker_optout.main], ids=["speaker", "optout"])
@pytest.mark.parametrize(
    "module_args, message",
    [
        ({"domain_id": DOMAIN_ID, "speaker_id": None}, "one of speaker_id and speaker_ids is required"),
        ({"domain_id": DOMAIN_ID, "speaker_ids": None}, "one of speaker_id and speaker_ids is required"),
        (bulk_args("a", request_rates={"describe_speaker": float("inf")}), "got inf."),
        (bulk_args("a", request_rates={"describe_speaker": float("nan")}), "got nan."),
        (bulk_args("a", request_rates={"opt_out_speaker": 1e-300}), "got 1e-300."),
    ],
)
def test_option_errors_before_any_call(
    fake_service: FakeVoiceID, run_module: ModuleRunner, module_main: Any, module_args: Dict[str, Any], message: str
) -> None:
    result, failed = run_module(module_main, module_args)
    assert failed
    assert message in result["msg"]
    assert "Traceback" not in result["msg"]
    assert fake_service.calls == []


def test_invalid_ids_are_counted_and_only_the_first_20_named(
    fake_service: FakeVoiceID, run_module: ModuleRunner
) -> None:
    bad = [f"bad id {number}" for number in range(100_000)]

    result, failed = run_module(main, bulk_args("fine", *bad))

    assert failed
    assert "100000 of them do not" in result["msg"]
    assert "speaker_ids[20] contains a character outside" in result["msg"]
    assert "speaker_ids[21]" not in result["msg"]
    assert "bad id" not in result["msg"]  # positions and rules, never the values
    assert result["msg"].endswith("; and 99980 more (see invalid).")
    assert len(result["msg"]) < 5000
    assert len(result["invalid"]) == 100_000
    assert result["invalid"][0] == {
        "index": 1,
        "speaker_id": "bad id 0",
        "rule": "contains a character outside the allowed set or does not start with a letter or digit",
    }
    assert fake_service.calls == []


# --- many speakers --------------------------------------------------------------------------------------------


def assert_invariant(result: Dict[str, Any], fake: FakeVoiceID, check_mode: bool = False) -> None:
    changed = set(result["changed_speaker_ids"])
    failed = {failure["speaker_id"] for failure in result["failures"]}
    assert not changed & failed
    written = {params["SpeakerId"] for params in fake.writes()}
    if check_mode:
        assert written == set()
    else:
        assert written <= changed
        assert result["changed"] is bool(written)


@pytest.mark.parametrize("check_mode", [False, True])
def test_bulk_absent(fake_service: FakeVoiceID, run_module: ModuleRunner, check_mode: bool) -> None:
    out_generated = fake_service.find("out")["GeneratedSpeakerId"]  # type: ignore[index]

    result, failed = run_module(
        main,
        bulk_args("enrolled", "out", "never-seen", "enrolled", out_generated, state="absent"),
        check_mode=check_mode,
        diff=True,
    )

    assert not failed, result
    assert result["changed"] is True
    assert result["changed_speaker_ids"] == ["enrolled", "out", out_generated]
    assert result["failures"] == []
    assert [speaker.get("status") for speaker in result["speakers"]] == [
        "ENROLLED",
        "OPTED_OUT",
        None,
        "ENROLLED",
        "OPTED_OUT",
    ]
    requested = ["enrolled", "out", "never-seen", "enrolled", out_generated]
    assert [speaker["requested_id"] for speaker in result["speakers"]] == requested
    assert result["diff"] == {
        "before": {"enrolled": "ENROLLED", "out": "OPTED_OUT", out_generated: "OPTED_OUT"},
        "after": {"enrolled": "absent", "out": "absent", out_generated: "absent"},
    }
    assert_invariant(result, fake_service, check_mode)
    assert len(fake_service.calls_to("DeleteSpeaker")) == (0 if check_mode else 2)
    assert (fake_service.find("enrolled") is None) is (not check_mode)


def test_bulk_absent_partial_failure(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    fake_service.add_fault("DeleteSpeaker", "AccessDeniedException", speaker_id="denied", status=403)

    result, failed = run_module(main, bulk_args("enrolled", "denied", "expired", state="absent"))

    assert failed
    assert result["msg"] == (
        f"1 of 3 speakers in domain {DOMAIN_ID} could not be deleted: 1 AccessDeniedException"
        " (see failures). The other 2 were handled (2 deleted, 0 needed nothing); a rerun retries only the failed"
        " ones."
    )
    assert counts(result["summary"]) == {
        "requested": 3,
        "invalid": 0,
        "duplicates": 0,
        "changed": 2,
        "unchanged": 0,
        "failed": 1,
        "failed_by_code": {"AccessDeniedException": 1},
    }
    assert result["changed_speaker_ids"] == ["enrolled", "expired"]
    assert [failure["speaker_id"] for failure in result["failures"]] == ["denied"]
    assert_invariant(result, fake_service)
    rerun, failed = run_module(main, bulk_args("enrolled", "denied", "expired", state="absent"))
    assert not failed and rerun["changed_speaker_ids"] == ["denied"]


@pytest.mark.parametrize("state", ["opted_out", "absent"])
def test_a_domain_suspended_mid_run_fails_with_every_write_reported(
    fake_service: FakeVoiceID, run_module: ModuleRunner, monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    for number in range(60):
        fake_service._create(f"c{number:02d}", "ENROLLED")
    operation = "DeleteSpeaker" if state == "absent" else "OptOutSpeaker"
    original_enter = fake_service._enter

    def enter(name: str, params: Dict[str, Any]) -> None:
        if name == operation and len(fake_service.writes()) >= 20:
            fake_service.calls.append((name, dict(params)))
            raise fake_service._error(name, "ConflictException", "suspended", ConflictType="DOMAIN_NOT_ACTIVE")
        original_enter(name, params)

    monkeypatch.setattr(fake_service, "_enter", enter)

    result, failed = run_module(main, bulk_args(*[f"c{number:02d}" for number in range(60)], state=state))

    assert failed
    assert result["msg"].startswith("The run stopped (ConflictException: suspended (conflict type DOMAIN_NOT_ACTIVE))")
    assert result["changed"] is True
    assert len(result["changed_speaker_ids"]) == 20
    assert len(result["failures"]) == 40
    assert len(result["speakers"]) == 60
    assert_invariant(result, fake_service)


# ansible-core prints results through a hook the module replaces (to stream long lists) only from 2.19 on.
needs_result_hook = pytest.mark.skipif(
    not hasattr(AnsibleModule, "_record_module_result"), reason="ansible-core < 2.19 has no result hook"
)


@needs_result_hook
def test_a_large_result_is_printed_speaker_by_speaker_as_valid_json(
    fake_service: FakeVoiceID, run_module: ModuleRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid import result_printer

    streamed: List[bool] = []
    original = result_printer.ResultPrinter.print_result

    def spy(self: Any, result: Dict[str, Any]) -> None:
        # The speakers are not in the result ansible-core filters and hands over: they are made as printed.
        streamed.append("speakers" not in result and self.speakers is not None)
        original(self, result)

    monkeypatch.setattr(result_printer.ResultPrinter, "print_result", spy)
    exits: List[bool] = []
    monkeypatch.setattr(result_printer, "before_exit", lambda: exits.append(True))
    # No encoder is patched in: ansible-core's patch_module_args sets the result profile ('legacy'), so the module
    # streams with the encoder ansible-core itself would print with, which also knows ansible-core's own
    # objects (the deprecations amazon.aws raises under ansible-core 2.20, say).
    ids = [f"new-{number:04d}" for number in range(1500)]

    result, failed = run_module(main, bulk_args(*ids), check_mode=True)

    assert not failed, result.get("msg")
    assert streamed == [True]  # ansible-core's hook was replaced, and the speakers streamed
    assert exits == [True]  # the objects were left to the exit
    assert [speaker["customer_speaker_id"] for speaker in result["speakers"]] == ids
    assert result["changed_speaker_ids"] == ids
    if "invocation" in result:  # ansible-core 2.21 adds it only when the controller asks
        assert result["invocation"]["module_args"]["speaker_ids"] == ids


def test_a_streamed_result_is_the_result_ansible_core_prints_no_log_values_hidden_alike(
    fake_service: FakeVoiceID, run_module: ModuleRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid import result_printer

    ids = [f"new-{number:04d}" for number in range(1200)]
    for number in range(0, 1200, 7):
        fake_service._create(ids[number], "ENROLLED")
    # A no_log option's value that is also a speaker id: ansible-core hides it wherever it appears.
    module_args = bulk_args(*ids, secret_key="new-0042", access_key="AKIDEXAMPLE")

    # Before 2.19 there is no hook: both runs print the list as ansible-core does, which must still hold.
    streamed, streamed_failed = run_module(main, module_args, check_mode=True)
    monkeypatch.setattr(result_printer, "module_encoder", lambda: None)  # as ansible-core before 2.19
    printed, printed_failed = run_module(main, module_args, check_mode=True)

    assert not streamed_failed and not printed_failed
    assert streamed == printed
    assert streamed["speakers"][42]["customer_speaker_id"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert len(streamed["speakers"]) == 1200


@needs_result_hook
def test_an_ansible_core_before_2_19_by_its_version_keeps_its_own_result_hook(
    fake_service: FakeVoiceID, run_module: ModuleRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private names are relied on only where ansible-core's version says they mean what they do in 2.19."""
    from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid import result_printer

    assert result_printer.core_version() >= result_printer.FIRST_CORE_VERSION  # what needs_result_hook implies
    hooked: List[bool] = []
    original = result_printer.ResultPrinter.print_result

    def spy(self: Any, result: Dict[str, Any]) -> None:
        hooked.append(True)
        original(self, result)

    monkeypatch.setattr(result_printer.ResultPrinter, "print_result", spy)
    monkeypatch.setattr(result_printer, "core_version", lambda: (2, 18, 6))
    ids = [f"new-{number:04d}" for number in range(1200)]

    result, failed = run_module(main, bulk_args(*ids), check_mode=True)

    assert not failed, result.get("msg")
    assert hooked == []  # ansible-core printed the result itself, the whole list at once
    assert [speaker["customer_speaker_id"] for speaker in result["speakers"]] == ids
