# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The write journal (journal.py): each line on disk before the run goes on, mode 0600, appended across runs,
a bad path refused before any call, safe from many threads; and the speaker runs' journals against the fake
service's record of the writes it carried out."""

from __future__ import annotations

import json
import os
import pathlib
import stat
import threading
import time
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List

import pytest
import yaml

from ansible_collections.speakerops.voiceid.plugins.doc_fragments._voiceid import ModuleDocFragment
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import ApiError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import JOURNAL_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.failed import Confirmed
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.run import (
    journaled as journaled_domain_write,
)
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import PROGRESS_INTERVAL
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import Journal
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import ending
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import open_journal
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_OPTED_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.run import SpeakerRun
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.run import change_one
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import generated_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

ROOT = pathlib.Path(__file__).resolve().parents[5]
START = {"operation": "OptOutSpeaker", "domain_id": DOMAIN_ID, "state": "opted_out", "requested": 3}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines_of(path: pathlib.Path) -> List[Dict[str, Any]]:
    """The journal as another reader sees it now: a handle of its own, opened afresh."""
    with open(path, encoding="utf-8") as other:
        return [json.loads(line) for line in other.read().splitlines()]


@pytest.fixture
def path(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "journal.jsonl"


@pytest.fixture
def journal(path: pathlib.Path) -> Iterator[Journal]:
    journal = Journal(str(path), "voiceid_speaker_optout", START, clock=FakeClock())
    yield journal
    journal.close()


def test_each_line_is_on_disk_before_the_next_event(path: pathlib.Path) -> None:
    clock = FakeClock()
    journal = Journal(str(path), "voiceid_speaker_optout", START, clock=clock)
    seen = [lines_of(path)]
    journal.sent("OptOutSpeaker", DOMAIN_ID, "cust-1")
    seen.append(lines_of(path))
    journal.done("OptOutSpeaker", DOMAIN_ID, "cust-1")
    seen.append(lines_of(path))
    journal.sent("OptOutSpeaker", DOMAIN_ID, "cust-2")
    journal.failed("OptOutSpeaker", DOMAIN_ID, "cust-2", error="AccessDeniedException")
    seen.append(lines_of(path))
    clock.now += PROGRESS_INTERVAL
    journal.tick()
    seen.append(lines_of(path))
    journal.end({"changed": 1})
    seen.append(lines_of(path))
    journal.close()

    assert [[line["event"] for line in lines] for lines in seen] == [
        ["start"],
        ["start", "sent"],
        ["start", "sent", "done"],
        ["start", "sent", "done", "sent", "failed"],
        ["start", "sent", "done", "sent", "failed", "progress"],
        ["start", "sent", "done", "sent", "failed", "progress", "end"],
    ]
    final = seen[-1]
    assert final[0] == dict(
        final[0], event="start", module="voiceid_speaker_optout", requested=3, operation="OptOutSpeaker"
    )
    assert "speaker_id" not in final[0]
    assert final[1] == dict(final[1], event="sent", operation="OptOutSpeaker", domain_id=DOMAIN_ID, speaker_id="cust-1")
    assert final[4]["error"] == "AccessDeniedException"
    assert final[5] == dict(final[5], sent=2, done=1, failed=1)
    assert final[6] == dict(final[6], sent=2, done=1, failed=1, summary={"changed": 1})
    assert "error" not in final[6]
    assert {line["run"] for line in final} == {journal.run_id}
    for line in final:
        assert line["time"].endswith("+00:00") and "T" in line["time"]


def test_os_fsync_follows_each_write(path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flushed to the disk, not only to the OS: one fsync per line, after its write."""
    calls: List[str] = []
    real_write, real_fsync = os.write, os.fsync

    def write(fd: int, data: bytes) -> int:
        calls.append("write")
        return real_write(fd, data)

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    journal = Journal(str(path), "voiceid_speaker", START, clock=FakeClock())
    journal.sent("DeleteSpeaker", DOMAIN_ID, "cust-1")
    journal.done("DeleteSpeaker", DOMAIN_ID, "cust-1")
    journal.close()

    assert calls == ["write", "fsync"] * 3


def test_progress_comes_every_interval_with_a_fake_clock(path: pathlib.Path) -> None:
    clock = FakeClock()
    journal = Journal(str(path), "voiceid_speaker", START, clock=clock)
    clock.now += PROGRESS_INTERVAL - 0.5
    journal.tick()
    journal.sent("DeleteSpeaker", DOMAIN_ID, "a")
    assert [line["event"] for line in lines_of(path)] == ["start", "sent"]

    clock.now += 0.5  # the interval has passed: the next event (or tick) brings a progress line
    journal.done("DeleteSpeaker", DOMAIN_ID, "a")
    journal.tick()
    clock.now += 3 * PROGRESS_INTERVAL  # a long silence: one line, not three
    journal.tick()
    journal.tick()
    journal.close()

    events = [line["event"] for line in lines_of(path)]
    assert events == ["start", "sent", "done", "progress", "progress"]


def test_the_ticker_writes_progress_while_nothing_else_happens(path: pathlib.Path) -> None:
    journal = Journal(str(path), "voiceid_speaker", START, progress_interval=0.05)
    journal.start_ticker()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "progress" not in [line["event"] for line in lines_of(path)]:
        time.sleep(0.02)
    journal.end()
    journal.close()

    events = [line["event"] for line in lines_of(path)]
    assert "progress" in events
    assert events[-1] == "end"


def test_a_new_journal_is_0600_whatever_the_umask(path: pathlib.Path) -> None:
    old = os.umask(0)
    try:
        Journal(str(path), "voiceid_speaker", START).close()
    finally:
        os.umask(old)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_journal_keeps_its_mode(path: pathlib.Path) -> None:
    path.write_text("")
    path.chmod(0o400 if os.geteuid() == 0 else 0o640)
    mode = stat.S_IMODE(path.stat().st_mode)

    Journal(str(path), "voiceid_speaker", START).close()

    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_two_runs_append_to_one_journal(path: pathlib.Path) -> None:
    first = Journal(str(path), "voiceid_speaker", START)
    first.sent("OptOutSpeaker", DOMAIN_ID, "a")
    first.done("OptOutSpeaker", DOMAIN_ID, "a")
    first.end()
    first.close()
    before = path.read_text(encoding="utf-8")

    second = Journal(str(path), "voiceid_speaker", START)
    second.end()
    second.close()

    assert path.read_text(encoding="utf-8").startswith(before)
    runs = [line["run"] for line in lines_of(path)]
    assert runs == [first.run_id] * 4 + [second.run_id] * 2
    assert first.run_id != second.run_id


def bad_paths(tmp_path: pathlib.Path) -> Dict[str, str]:
    unwritable = tmp_path / "read-only.jsonl"
    unwritable.write_text("")
    unwritable.chmod(0o400)
    paths = {
        "missing directory": str(tmp_path / "no-such-dir" / "journal.jsonl"),
        "a directory": str(tmp_path),
        "a device that refuses writes": "/dev/full",
    }
    if os.geteuid() != 0:  # root writes a 0400 file all the same
        paths["a read-only file"] = str(unwritable)
    return paths


@pytest.mark.parametrize("case", ["missing directory", "a directory", "a device that refuses writes", "read-only"])
def test_a_bad_path_is_refused_naming_the_option(tmp_path: pathlib.Path, case: str) -> None:
    paths = bad_paths(tmp_path)
    if case == "read-only":
        if "a read-only file" not in paths:
            pytest.skip("root writes a read-only file")
        case = "a read-only file"
    with pytest.raises(InvalidParameterError, match=r"^journal: cannot (open|write)"):
        open_journal(paths[case], "voiceid_speaker", START)


def test_no_path_no_journal() -> None:
    journal = open_journal(None, "voiceid_speaker", START)
    journal.sent("OptOutSpeaker", DOMAIN_ID, "a")  # nothing, anywhere
    assert journal.run_id is None and journal.lost() is None


def test_lines_from_many_threads_never_mix(path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even where os.write writes a line in several pieces (it may: the journal loops until all is written)
    and another thread runs in between."""
    real_write = os.write

    def piecemeal(fd: int, data: bytes) -> int:
        written = real_write(fd, data[:16])
        time.sleep(0)  # let another thread run
        return written

    monkeypatch.setattr(os, "write", piecemeal)
    journal = Journal(str(path), "voiceid_speaker", START)
    threads_count, each = 8, 60

    def writer(number: int) -> None:
        for index in range(each):
            speaker_id = f"t{number}-{index}"
            journal.sent("OptOutSpeaker", DOMAIN_ID, speaker_id)
            journal.done("OptOutSpeaker", DOMAIN_ID, speaker_id)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    journal.end()
    journal.close()

    lines = lines_of(path)  # each line parses: no two writes interleaved
    done = [line["speaker_id"] for line in lines if line["event"] == "done"]
    assert len(done) == len(set(done)) == threads_count * each
    assert lines[-1] == dict(lines[-1], event="end", sent=threads_count * each, done=threads_count * each)


def test_a_disk_that_fails_mid_run_stops_writes_but_keeps_their_outcome(path: pathlib.Path) -> None:
    """`sent` that cannot be written raises (the request must not leave); a `done` or `failed` that cannot is
    counted and warned of (its `sent` line stands for it), never raised: the write was made or refused all the
    same."""
    journal = Journal(str(path), "voiceid_speaker", START)
    journal.sent("OptOutSpeaker", DOMAIN_ID, "cust-secret-1")
    full = os.open("/dev/full", os.O_WRONLY)
    real = journal._file.fd  # pylint: disable=protected-access
    journal._file.fd = full  # pylint: disable=protected-access
    try:
        journal.done("OptOutSpeaker", DOMAIN_ID, "cust-secret-1")
        journal.failed("OptOutSpeaker", DOMAIN_ID, "cust-secret-2", error="ThrottlingException")
        with pytest.raises(OSError):
            journal.sent("OptOutSpeaker", DOMAIN_ID, "c")
    finally:
        journal._file.fd = real  # pylint: disable=protected-access
        os.close(full)
    journal.close()

    warning = journal.lost()
    assert warning is not None and warning.startswith("journal: 2 line(s) could not be written")
    assert "cust-secret" not in warning
    assert speakers_with(path, "sent") == ["cust-secret-1"]  # what was on disk before the disk failed stays


def test_ending_names_the_error_the_task_failed_with(path: pathlib.Path) -> None:
    journal = Journal(str(path), "voiceid_speaker", START)
    summary: Dict[str, Any] = {"requested": 1}
    with pytest.raises(SystemExit), ending(journal, summary):
        summary["changed"] = 0
        try:
            raise VoiceIDError("Failed", api_error=ApiError("AccessDeniedException", "no"))
        except VoiceIDError:
            raise SystemExit(1)  # noqa: B904 - what fail_json does, inside the error handler
    second = Journal(str(path), "voiceid_speaker", START)
    with pytest.raises(SystemExit), ending(second, {}):
        raise SystemExit(0)  # exit_json

    ends = [line for line in lines_of(path) if line["event"] == "end"]
    assert ends[0] == dict(ends[0], error="AccessDeniedException", summary={"requested": 1, "changed": 0})
    assert "error" not in ends[1]


# --- the speaker runs' journals against the writes the fake service carried out -------------------------------


def speakers_with(path: pathlib.Path, event: str) -> List[str]:
    return [line["speaker_id"] for line in lines_of(path) if line["event"] == event]


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
def test_a_bulk_run_journals_every_write_it_made_once_as_done(path: pathlib.Path, state: str) -> None:
    speakers = {f"c{index}": "ENROLLED" for index in range(40)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    operation = "OptOutSpeaker" if state == STATE_OPTED_OUT else "DeleteSpeaker"
    fake.add_fault(operation, "AccessDeniedException", speaker_id="c3")
    fake.add_fault(operation, "ThrottlingException", times=3, speaker_id="c7")  # retried, then made
    fake.add_fault(operation, "InternalServerException", times=2, speaker_id="c9", status=500)
    journal = Journal(str(path), "voiceid_speaker", START)
    client = VoiceIDClient(fake, RetryPolicy(sleep=lambda _seconds: None))

    outcome = SpeakerRun(client, DOMAIN_ID, list(speakers), state, False, journal=journal).run()
    journal.close()

    carried_out = [params["SpeakerId"] for params in fake.writes()]
    assert sorted(speakers_with(path, "done")) == sorted(carried_out) == sorted(outcome.changed_speaker_ids)
    assert speakers_with(path, "failed") == ["c3"]
    assert sorted(speakers_with(path, "sent")) == sorted(speakers)
    assert {line["operation"] for line in lines_of(path) if line["event"] != "start"} == {operation}


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
@pytest.mark.parametrize("how", ["InternalServerException", "ReadTimeoutError"])
def test_a_write_whose_answer_was_lost_is_done_once_confirmed(path: pathlib.Path, state: str, how: str) -> None:
    """Every 3rd write is carried out and its answer lost: each is journaled `done` once, confirmed by the retry
    or by a read (answer_lost), never `failed`; a write the service never carried out has no `done`."""
    speakers = {f"c{index}": "ENROLLED" for index in range(12)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    operation = "OptOutSpeaker" if state == STATE_OPTED_OUT else "DeleteSpeaker"
    fake.lose_answers(operation, every=3, how=how)
    fake.add_fault(operation, "AccessDeniedException", speaker_id="c5")
    journal = Journal(str(path), "voiceid_speaker", START)
    client = VoiceIDClient(fake, RetryPolicy(sleep=lambda _seconds: None))

    SpeakerRun(client, DOMAIN_ID, list(speakers), state, False, journal=journal).run()
    journal.close()

    carried_out = sorted({params["SpeakerId"] for params in fake.writes()})
    assert sorted(speakers_with(path, "done")) == carried_out == sorted(set(speakers) - {"c5"})
    assert speakers_with(path, "failed") == ["c5"]
    lost = {params["SpeakerId"] for _operation, params in fake.lost}
    confirmed = [line for line in lines_of(path) if line["event"] == "done" and line.get("answer_lost")]
    if state == STATE_ABSENT:  # a deletion is never retried into a second success: each lost one is confirmed
        assert {line["speaker_id"] for line in confirmed} == lost
    assert {line.get("confirmed_by") for line in confirmed} <= {"retry", "read"}


def test_a_domain_deletion_whose_answer_was_lost_is_done(path: pathlib.Path) -> None:
    journal = Journal(str(path), "voiceid_domain", {"operation": None, "domain_id": None})

    journaled_domain_write(journal, "center", "DeleteDomain", "NewDomain0000000000001", lambda: Confirmed(True))
    journal.close()

    last = lines_of(path)[-1]
    assert (last["event"], last["operation"], last.get("confirmed_by"), last.get("answer_lost")) == (
        "done",
        "DeleteDomain",
        "read",
        True,
    )


def test_check_mode_journals_no_write(path: pathlib.Path) -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "ENROLLED"})
    journal = Journal(str(path), "voiceid_speaker", START)
    client = VoiceIDClient(fake, RetryPolicy(sleep=lambda _seconds: None))

    SpeakerRun(client, DOMAIN_ID, ["a", "b", "new"], STATE_OPTED_OUT, True, journal=journal).run()
    change_one(client, DOMAIN_ID, "a", STATE_OPTED_OUT, True, journal)
    journal.end()
    journal.close()

    assert [line["event"] for line in lines_of(path)] == ["start", "end"]


def test_one_speaker_journals_its_write(path: pathlib.Path) -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED"})
    journal = Journal(str(path), "voiceid_speaker", START)
    client = VoiceIDClient(fake, RetryPolicy(sleep=lambda _seconds: None))

    change_one(client, DOMAIN_ID, "a", STATE_ABSENT, False, journal)
    with pytest.raises(VoiceIDError):
        change_one(client, DOMAIN_ID, generated_id(999), STATE_OPTED_OUT, False, journal)
    journal.close()

    events = [(line["event"], line.get("speaker_id")) for line in lines_of(path)]
    assert events == [("start", None), ("sent", "a"), ("done", "a")]


# --- what the documentation says of it ----------------------------------------------------------------------


def test_the_doc_fragment_quotes_the_progress_interval() -> None:
    options = yaml.safe_load(ModuleDocFragment.JOURNAL)["options"]
    text = " ".join(options["journal"]["description"])
    assert f"about every {PROGRESS_INTERVAL:g} seconds" in text
    assert options["journal"]["type"] == JOURNAL_SPEC.argument_spec["journal"]["type"]


@pytest.mark.parametrize("module", ["voiceid_speaker", "voiceid_speaker_optout", "voiceid_domain"])
def test_the_writing_modules_document_the_journal(module: str) -> None:
    source = (ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    assert "  - speakerops.voiceid._voiceid.JOURNAL\n" in source
    assert "JOURNAL_SPEC" in source


# --- the domain writes ------------------------------------------------------------------------------------------


def test_a_domain_write_is_journaled_sent_then_done_with_the_answered_id(path: pathlib.Path) -> None:
    journal = Journal(str(path), "voiceid_domain", {"operation": None, "domain_id": None})

    journaled_domain_write(journal, "center", "CreateDomain", None, lambda: {"DomainId": "NewDomain0000000000001"})
    journaled_domain_write(journal, "center", "DeleteDomain", "NewDomain0000000000001", lambda: False)  # gone meanwhile
    with pytest.raises(VoiceIDError):
        journaled_domain_write(journal, "center", "TagResource", "NewDomain0000000000001", refused)
    journal.close()

    assert [(line["event"], line["operation"], line["domain_id"], line.get("error")) for line in lines_of(path)] == [
        ("start", None, None, None),
        ("sent", "CreateDomain", None, None),
        ("done", "CreateDomain", "NewDomain0000000000001", None),
        ("sent", "DeleteDomain", "NewDomain0000000000001", None),
        ("failed", "DeleteDomain", "NewDomain0000000000001", "ResourceNotFoundException"),
        ("sent", "TagResource", "NewDomain0000000000001", None),
        ("failed", "TagResource", "NewDomain0000000000001", "ThrottlingException"),
    ]
    assert {line.get("name") for line in lines_of(path)[1:]} == {"center"}


def refused() -> None:
    raise VoiceIDError("Failed to tag domain", api_error=ApiError("ThrottlingException", "slow down"))
