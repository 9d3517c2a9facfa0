# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_fraudster on the in-memory fake of the service: membership and deletion, one and many, check mode,
option errors before any call, lost answers, the journal; and take_out_of_watchlist, the forced watchlist
deletion's engine call. Every result is checked against the fake's own record of the writes carried out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.watchlist_client import WatchlistClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.takeout import (
    take_out_of_watchlist,
)
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import Journal
from ansible_collections.speakerops.voiceid.plugins.modules.voiceid_fraudster import main
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.compat import warning_texts
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.running import CHECK_MODES
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

DEFAULT = "DefaultWatchlist000001"
VIP = "VipWatchlist0000000001"
EXTRA = "ExtraWatchlist00000001"


def fid(number: int) -> str:
    return f"id#Fraudster{number:013d}"


ONLY_DEFAULT, IN_TWO, ONLY_VIP = fid(1), fid(2), fid(3)
MISSING = fid(99)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> FakeVoiceID:
    service = FakeVoiceID(DOMAIN_ID, {})
    service.add_watchlist(DEFAULT, "default", default=True)
    service.add_watchlist(VIP, "vip-fraud")
    service.add_watchlist(EXTRA, "extra")
    service.add_fraudster(ONLY_DEFAULT, [DEFAULT])
    service.add_fraudster(IN_TWO, [DEFAULT, VIP])
    service.add_fraudster(ONLY_VIP, [VIP])
    serve_client(monkeypatch, service)
    return service


def args(**extra: Any) -> Dict[str, Any]:
    return dict({"domain_id": DOMAIN_ID, "region": "eu-west-2"}, **extra)


def writes(fake: FakeVoiceID) -> List[tuple]:
    return [(name, params["FraudsterId"], params.get("WatchlistId")) for name, params in fake.fraudster_writes()]


# --- one fraudster: the four-way sequence ---------------------------------------------------------------


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_move_to_a_watchlist_by_name_with_purge(fake: FakeVoiceID, run_module: ModuleRunner, check_mode: bool) -> None:
    result, failed = run_module(
        main, args(fraudster_id=ONLY_DEFAULT, watchlists=["vip-fraud"], purge_watchlists=True), check_mode, diff=True
    )
    assert not failed, result
    assert result["changed"]
    assert result["fraudster"]["watchlist_ids"] == [VIP] if not check_mode else sorted([VIP])
    assert result["diff"] == {"before": {ONLY_DEFAULT: [DEFAULT]}, "after": {ONLY_DEFAULT: [VIP]}}
    assert result["summary"]["changed"] == 1
    if check_mode:
        assert writes(fake) == []
        assert fake.watchlists_of(ONLY_DEFAULT) == [DEFAULT]
        return
    # the association first, so the fraudster is never in no watchlist
    assert writes(fake) == [
        ("AssociateFraudster", ONLY_DEFAULT, VIP),
        ("DisassociateFraudster", ONLY_DEFAULT, DEFAULT),
    ]
    assert fake.watchlists_of(ONLY_DEFAULT) == [VIP]
    rerun, failed = run_module(main, args(fraudster_id=ONLY_DEFAULT, watchlists=[VIP], purge_watchlists=True))
    assert not failed and not rerun["changed"], rerun
    assert len(writes(fake)) == 2


def test_without_purge_other_watchlists_stay(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, args(fraudster_id=IN_TWO, watchlists=[EXTRA]))
    assert not failed and result["changed"]
    assert fake.watchlists_of(IN_TWO) == sorted([DEFAULT, VIP, EXTRA])
    assert writes(fake) == [("AssociateFraudster", IN_TWO, EXTRA)]


def test_present_without_watchlists_only_checks_existence(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, args(fraudster_id=IN_TWO))
    assert not failed and not result["changed"]
    assert result["fraudster"]["watchlist_ids"] == [DEFAULT, VIP]
    result, failed = run_module(main, args(fraudster_id=MISSING))
    assert failed
    assert result["error"]["code"] == "ResourceNotFoundException"
    assert result["summary"]["failed"] == 1
    assert writes(fake) == []


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_absent(fake: FakeVoiceID, run_module: ModuleRunner, check_mode: bool) -> None:
    result, failed = run_module(main, args(fraudster_id=IN_TWO, state="absent"), check_mode, diff=True)
    assert not failed and result["changed"]
    assert result["diff"] == {"before": {IN_TWO: [DEFAULT, VIP]}, "after": {IN_TWO: "absent"}}
    assert result["fraudster"]["watchlist_ids"] == [DEFAULT, VIP]  # as read before the deletion
    if check_mode:
        assert fake.find_fraudster(IN_TWO) is not None
        return
    assert fake.find_fraudster(IN_TWO) is None
    rerun, failed = run_module(main, args(fraudster_id=IN_TWO, state="absent"))
    assert not failed and not rerun["changed"]


# --- option errors: before any call ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module_args", "message"),
    [
        (args(fraudster_id="cust-1"), "fraudster_id must be 'id#' followed by exactly 22"),
        (args(fraudster_id="id#short"), "has 8 characters, not 25"),
        (args(fraudster_ids=[ONLY_DEFAULT, "id#short", ""]), "fraudster_ids[1] has 8 characters"),
        (args(fraudster_id=ONLY_DEFAULT, purge_watchlists=True), "purge_watchlists needs at least one entry"),
        (args(fraudster_id=ONLY_DEFAULT, watchlists=[], purge_watchlists=True), "purge_watchlists needs"),
        (args(fraudster_id=ONLY_DEFAULT, watchlists=[VIP], state="absent"), "apply to state=present only"),
        (args(fraudster_id=ONLY_DEFAULT, watchlists=["vip fraud"]), "these are not: watchlists[0]"),
        (args(fraudster_id=ONLY_DEFAULT, request_rates={"associate_fraudster": 0}), "request_rates.associate"),
    ],
)
def test_option_errors_before_any_call(
    fake: FakeVoiceID, run_module: ModuleRunner, module_args: Dict[str, Any], message: str
) -> None:
    result, failed = run_module(main, module_args)
    assert failed
    assert message in result["msg"]
    assert fake.calls == []


def test_an_unknown_watchlist_fails_before_any_write(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, args(fraudster_ids=[ONLY_DEFAULT], watchlists=[VIP, "nowhere"]))
    assert failed
    assert "watchlists[1]" in result["msg"] and "nowhere" not in result["msg"]
    assert [name for name, _params in fake.calls] == ["ListWatchlists"]


# --- many fraudsters ------------------------------------------------------------------------------------


def test_bulk_one_failure_does_not_stop_the_others(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    many = [fid(number) for number in range(10, 40)]
    for fraudster_id in many:
        fake.add_fraudster(fraudster_id, [DEFAULT])
    fake.add_fault("AssociateFraudster", "AccessDeniedException", speaker_id=many[5], status=403)
    requested = [*many, MISSING, many[0]]
    result, failed = run_module(main, args(fraudster_ids=requested, watchlists=[VIP], purge_watchlists=True))
    assert failed
    assert "2 of 31 fraudsters" in result["msg"]
    failures = {failure["fraudster_id"]: failure["code"] for failure in result["failures"]}
    assert failures == {many[5]: "AccessDeniedException", MISSING: "ResourceNotFoundException"}
    assert sorted(result["changed_fraudster_ids"]) == sorted(set(many) - {many[5]})
    assert result["summary"] == dict(
        requested=32, invalid=0, duplicates=1, changed=29, unchanged=0, failed=2,
        failed_by_code={"AccessDeniedException": 1, "ResourceNotFoundException": 1}, throttled=0, retried=0,
    )  # fmt: skip
    assert [entry["requested_id"] for entry in result["fraudsters"]] == requested
    for fraudster_id in set(many) - {many[5]}:
        assert fake.watchlists_of(fraudster_id) == [VIP]
    assert fake.watchlists_of(many[5]) == [DEFAULT]  # its association failed: no disassociation sent
    assert not [w for w in writes(fake) if w[1] == many[5] and w[0] == "DisassociateFraudster"]
    # every write carried out is reported, and no fraudster is written twice
    assert {w[1] for w in writes(fake)} == set(result["changed_fraudster_ids"])
    assert len(writes(fake)) == 2 * 29


def test_bulk_invalid_ids_skipped(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    result, failed = run_module(main, args(fraudster_ids=["id#bad", IN_TWO], state="absent", on_invalid="skip"))
    assert not failed, result
    assert result["invalid"] == [{"index": 0, "fraudster_id": "id#bad", "rule": "has 6 characters, not 25"}]
    assert result["summary"]["invalid"] == 1 and result["summary"]["changed"] == 1
    assert "fraudster_ids[0]" in " ".join(warning_texts(result))


def test_a_domain_wide_error_stops_the_run_and_reports_every_write(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    many = [fid(number) for number in range(10, 30)]
    for fraudster_id in many:
        fake.add_fraudster(fraudster_id, [DEFAULT])
    fake.delete_after.add("DeleteFraudster")  # another writer deletes the domain after the first deletion
    result, failed = run_module(main, args(fraudster_ids=many, state="absent"))
    assert failed
    assert result["msg"].startswith("The run stopped (ResourceNotFoundException")
    deleted = [params["FraudsterId"] for name, params in fake.fraudster_writes()]
    assert sorted(result["changed_fraudster_ids"]) == sorted(deleted)
    assert len(result["failures"]) == len(many) - len(deleted)


# --- lost answers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["AssociateFraudster", "DisassociateFraudster", "DeleteFraudster"])
def test_a_write_carried_out_with_its_answer_lost_is_done(
    fake: FakeVoiceID, run_module: ModuleRunner, operation: str, tmp_path: Path
) -> None:
    fake.lose_answers(operation)
    state = "absent" if operation == "DeleteFraudster" else "present"
    extra = {} if state == "absent" else {"watchlists": [EXTRA], "purge_watchlists": True}
    journal = tmp_path / "journal.jsonl"
    result, failed = run_module(main, args(fraudster_ids=[IN_TWO], state=state, journal=str(journal), **extra))
    assert not failed, result
    assert result["changed_fraudster_ids"] == [IN_TWO]
    assert result["answers_lost"] == 1
    assert result["fraudsters"][0]["answer_lost"] is True
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    done = [line for line in lines if line["event"] == "done" and line.get("answer_lost")]
    assert done and all(line["fraudster_id"] == IN_TWO for line in done)
    if operation == "DeleteFraudster":
        assert fake.find_fraudster(IN_TWO) is None
        assert done[0]["confirmed_by"] == "retry"  # the retry found it gone: that deletion was this run's
    else:
        assert fake.watchlists_of(IN_TWO) == [EXTRA]
        assert {line["confirmed_by"] for line in done} == {"read"}
    sent = [line for line in lines if line["event"] == "sent"]
    assert all("speaker_id" not in line for line in lines)
    assert len(sent) == len([line for line in lines if line["event"] in ("done", "failed")])


def test_a_deletion_someone_else_made_first_is_no_change(
    fake: FakeVoiceID, run_module: ModuleRunner, tmp_path: Path
) -> None:
    fake.add_fault("DeleteFraudster", "ResourceNotFoundException", speaker_id=IN_TWO, ResourceType="FRAUDSTER")
    journal = tmp_path / "journal.jsonl"
    result, failed = run_module(main, args(fraudster_ids=[IN_TWO], state="absent", journal=str(journal)))
    assert not failed, result
    assert result["changed_fraudster_ids"] == [] and not result["changed"]
    events = [line["event"] for line in map(json.loads, journal.read_text().splitlines())]
    assert "done" not in events and "failed" in events  # the journal never says done for what was not carried out


def test_a_failed_write_is_journaled_failed(fake: FakeVoiceID, run_module: ModuleRunner, tmp_path: Path) -> None:
    fake.add_fault("DeleteFraudster", "AccessDeniedException", speaker_id=IN_TWO, status=403)
    journal = tmp_path / "journal.jsonl"
    _result, failed = run_module(main, args(fraudster_ids=[IN_TWO, ONLY_VIP], state="absent", journal=str(journal)))
    assert failed
    events = [(line["event"], line.get("fraudster_id")) for line in map(json.loads, journal.read_text().splitlines())]
    assert ("failed", IN_TWO) in events and ("done", ONLY_VIP) in events
    assert fake.find_fraudster(ONLY_VIP) is None and fake.find_fraudster(IN_TWO) is not None


# --- take_out_of_watchlist ------------------------------------------------------------------------------


def client(fake: FakeVoiceID) -> WatchlistClient:
    return WatchlistClient(fake, RetryPolicy(sleep=lambda _seconds: None))


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_take_out_of_watchlist(fake: FakeVoiceID, check_mode: bool, tmp_path: Path) -> None:
    journal = Journal(str(tmp_path / "j.jsonl"), "voiceid_watchlist", {"operation": "DeleteWatchlist"})
    result = take_out_of_watchlist(client(fake), DOMAIN_ID, VIP, check_mode, journal)
    journal.close()
    assert result.disassociated == [IN_TWO]
    assert result.deleted == [ONLY_VIP]  # VIP was its only watchlist
    assert result.failures == [] and result.abort is None and result.changed
    if check_mode:
        assert writes(fake) == []
        return
    assert fake.watchlists_of(IN_TWO) == [DEFAULT]
    assert fake.find_fraudster(ONLY_VIP) is None
    assert fake.watchlists_of(ONLY_DEFAULT) == [DEFAULT]  # not in VIP: untouched
    events = [line["event"] for line in map(json.loads, (tmp_path / "j.jsonl").read_text().splitlines())]
    assert events.count("sent") == 2 and events.count("done") == 2


def test_take_out_reports_a_failure_and_goes_on(fake: FakeVoiceID) -> None:
    fake.add_fault("DisassociateFraudster", "AccessDeniedException", speaker_id=IN_TWO, status=403)
    result = take_out_of_watchlist(client(fake), DOMAIN_ID, VIP, False)
    assert [failure["fraudster_id"] for failure in result.failures] == [IN_TWO]
    assert result.deleted == [ONLY_VIP] and result.disassociated == []
    assert fake.watchlists_of(IN_TWO) == [DEFAULT, VIP]


def test_a_fraudster_whose_later_write_fails_names_the_writes_made(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    """The association was carried out before the disassociation failed: the failure entry says so, without diff
    mode, and the message counts it without naming the fraudster."""
    fake.add_fault("DisassociateFraudster", "AccessDeniedException", speaker_id=ONLY_DEFAULT, status=403)
    result, failed = run_module(
        main, args(fraudster_ids=[ONLY_DEFAULT, ONLY_VIP], watchlists=[VIP], purge_watchlists=True)
    )
    assert failed
    assert result["failures"] == [
        {
            "fraudster_id": ONLY_DEFAULT,
            "code": "AccessDeniedException",
            "message": result["failures"][0]["message"],
            "writes_made": [{"operation": "AssociateFraudster", "watchlist_id": VIP}],
        }
    ]
    assert fake.watchlists_of(ONLY_DEFAULT) == sorted([DEFAULT, VIP])  # the emulated state agrees
    assert writes(fake) == [("AssociateFraudster", ONLY_DEFAULT, VIP)]
    assert "1 of the failed had some of their writes made (see writes_made in failures)" in result["msg"]
    assert ONLY_DEFAULT not in result["msg"]
    assert result["changed"] and result["changed_fraudster_ids"] == []


def test_one_fraudster_failing_after_a_write_says_which_writes_were_made(
    fake: FakeVoiceID, run_module: ModuleRunner
) -> None:
    fake.add_fault("DisassociateFraudster", "AccessDeniedException", speaker_id=ONLY_DEFAULT, status=403)
    result, failed = run_module(main, args(fraudster_id=ONLY_DEFAULT, watchlists=[VIP], purge_watchlists=True))
    assert failed and result["changed"]
    assert result["writes_made"] == [{"operation": "AssociateFraudster", "watchlist_id": VIP}]
    assert "after some of its writes were made (see writes_made)" in result["msg"]
    assert result["fraudster"]["watchlist_ids"] == sorted([DEFAULT, VIP]) == fake.watchlists_of(ONLY_DEFAULT)
    assert ONLY_DEFAULT not in result["msg"]
