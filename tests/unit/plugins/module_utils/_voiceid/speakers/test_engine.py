# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine's orchestration on an in-memory fake of the service (concurrent calls), and on loopback
fixtures for what no service does (a refused port, a hung endpoint, malformed answers). Every run is checked
against the invariant of a run's result, as plan.py states it, with the fake's record of successful writes."""

from __future__ import annotations

import signal
import socket
import threading
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional

import botocore.config
import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import CONNECTION_POOL_SIZE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.signals import stopping_on_signals
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.workers import workers_for
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_OPTED_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import RunResult
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.run import SpeakerRun
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.run import change_one
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import voiceid_client
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import SignalsAtCall
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import generated_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

MIXED = {"enrolled": "ENROLLED", "expired": "EXPIRED", "pending": "PENDING", "out": "OPTED_OUT"}


def client_for(fake: Any, pauses: List[float]) -> VoiceIDClient:
    return VoiceIDClient(fake, RetryPolicy(sleep=pauses.append))


def assert_invariant(outcome: RunResult, fake: FakeVoiceID, check_mode: bool = False) -> None:
    """The invariant of a run's result (plan.py): changed ids are exactly the speakers successfully written
    (both ids of one speaker named twice), never also failures, and changed is true iff a write succeeded."""
    changed = set(outcome.changed_speaker_ids)
    failed = {failure["speaker_id"] for failure in outcome.failures}
    assert not changed & failed
    if check_mode:
        assert fake.writes() == []
        return
    written = {params["SpeakerId"] for params in fake.writes()}
    # every successful write is reported under the id it was made with
    assert written <= changed
    # every reported id had a successful write: its own, or that of the other id of the same speaker
    for speaker_id in changed - written:
        record = next(record for record in outcome.records if record.speaker_id == speaker_id)
        assert record.primary is not None and record.primary.speaker_id in written
    assert outcome.changed is bool(written)
    # each speaker written once: a speaker written again is the retry of a write whose answer was lost
    assert len(fake.writes()) - len(written) <= len(fake.lost)


@pytest.mark.parametrize("use_list", [True, False], ids=["list-and-describe", "describe-only"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_opt_out_mixed_statuses(use_list: bool, check_mode: bool) -> None:
    fake = FakeVoiceID(DOMAIN_ID, MIXED)
    unknown_generated = generated_id(999)
    requested = ["enrolled", "new-customer", "out", "expired", "pending", unknown_generated]

    outcome = SpeakerRun(
        client_for(fake, []), DOMAIN_ID, requested, STATE_OPTED_OUT, check_mode, use_list=use_list
    ).run()

    assert outcome.changed_speaker_ids == ["enrolled", "new-customer", "expired", "pending"]
    assert [failure["speaker_id"] for failure in outcome.failures] == [unknown_generated]
    assert [speaker.get("status") for speaker in outcome.speakers()] == ["OPTED_OUT"] * 5 + [None]
    assert_invariant(outcome, fake, check_mode)
    if not check_mode:
        assert all(fake.status_of(speaker_id) == "OPTED_OUT" for speaker_id in outcome.changed_speaker_ids)
    assert outcome.diff()["before"] == {
        "enrolled": "ENROLLED",
        "new-customer": "absent",
        "expired": "EXPIRED",
        "pending": "PENDING",
    }


@pytest.mark.parametrize("use_list", [True, False], ids=["list-and-describe", "describe-only"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_delete_mixed_statuses(use_list: bool, check_mode: bool) -> None:
    fake = FakeVoiceID(DOMAIN_ID, MIXED)
    out_generated = fake.find("out")["GeneratedSpeakerId"]  # type: ignore[index]
    requested = ["enrolled", "never-seen", "out", "expired", "pending", generated_id(999), out_generated]

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, requested, STATE_ABSENT, check_mode, use_list=use_list).run()

    assert outcome.changed_speaker_ids == ["enrolled", "out", "expired", "pending", out_generated]
    assert outcome.failures == []
    assert_invariant(outcome, fake, check_mode)
    assert outcome.speakers()[0]["status"] == "ENROLLED"  # facts as read before the deletion
    assert outcome.diff()["after"]["out"] == "absent"
    assert outcome.diff()["before"][out_generated] == "OPTED_OUT"
    if check_mode:
        assert len(fake.speakers) == 4
    else:
        assert [speaker["CustomerSpeakerId"] for speaker in fake.speakers] == []
        assert len(fake.calls_to("DeleteSpeaker")) == 4  # 'out' named twice, deleted once
        rerun = SpeakerRun(client_for(fake, []), DOMAIN_ID, requested, STATE_ABSENT, False, use_list=use_list).run()
        assert rerun.changed_speaker_ids == [] and rerun.failures == []


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
def test_a_speaker_named_twice_whose_write_is_denied_fails_under_both_ids(state: str) -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"alice": "ENROLLED"})
    alice_generated = fake.find("alice")["GeneratedSpeakerId"]  # type: ignore[index]
    operation = "DeleteSpeaker" if state == STATE_ABSENT else "OptOutSpeaker"
    fake.add_fault(operation, "AccessDeniedException", times=2, status=403)

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, ["alice", alice_generated], state, False).run()

    assert outcome.changed_speaker_ids == []
    assert [failure["speaker_id"] for failure in outcome.failures] == ["alice", alice_generated]
    assert len(fake.calls_to(operation)) == 1
    assert_invariant(outcome, fake)


def test_no_write_is_decided_on_a_page_alone_so_a_denied_describe_fails_it_unwritten() -> None:
    speakers = {f"c{number}": "ENROLLED" for number in range(30)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    fake.add_fault("DescribeSpeaker", "AccessDeniedException", times=1000, status=403)

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, list(speakers), STATE_OPTED_OUT, False).run()

    assert_invariant(outcome, fake)
    assert fake.writes() == []
    assert {failure["code"] for failure in outcome.failures} == {"AccessDeniedException"}
    assert len(outcome.failures) == 30


class LaggingList(FakeVoiceID):
    """ListSpeakers answers the statuses of before the last writes, as AWS's eventually consistent list may."""

    def __init__(self, speakers: Dict[str, str], stale: Dict[str, str]) -> None:
        super().__init__(DOMAIN_ID, speakers)
        self.stale = stale

    def list_speakers(self, **params: Any) -> Dict[str, Any]:
        answer = super().list_speakers(**params)
        for summary in answer["SpeakerSummaries"]:
            summary["Status"] = self.stale.get(summary["CustomerSpeakerId"], summary["Status"])
        return answer


def test_a_lagging_list_causes_no_write_and_no_false_change() -> None:
    fake = LaggingList({"done": "OPTED_OUT", "todo": "ENROLLED"}, stale={"done": "ENROLLED"})

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, ["done", "todo"], STATE_OPTED_OUT, False).run()

    assert outcome.changed_speaker_ids == ["todo"]
    assert [params["SpeakerId"] for params in fake.writes()] == ["todo"]
    assert_invariant(outcome, fake)


def test_one_failure_never_stops_the_others() -> None:
    speakers = {f"c{number}": "ENROLLED" for number in range(30)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    fake.add_fault("OptOutSpeaker", "AccessDeniedException", speaker_id="c7", status=403)
    fake.add_fault("DescribeSpeaker", "AccessDeniedException", speaker_id="c19", status=403)

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, list(speakers), STATE_OPTED_OUT, False, use_list=False).run()

    assert [(failure["speaker_id"], failure["code"]) for failure in outcome.failures] == [
        ("c7", "AccessDeniedException"),
        ("c19", "AccessDeniedException"),
    ]
    assert len(outcome.changed_speaker_ids) == 28
    assert_invariant(outcome, fake)
    summary = outcome.failure_message()
    assert summary is not None and summary.startswith(f"2 of 30 speakers in domain {DOMAIN_ID} could not be opted out")


def test_throttling_and_faults_are_retried() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "ENROLLED"})
    fake.add_fault("DescribeSpeaker", "ThrottlingException", times=3)
    fake.add_fault("DeleteSpeaker", "InternalServerException", times=2, status=500)
    fake.add_fault("DeleteSpeaker", "ConflictException", speaker_id="b", ConflictType="CONCURRENT_CHANGES")
    pauses: List[float] = []

    outcome = SpeakerRun(client_for(fake, pauses), DOMAIN_ID, ["a", "b"], STATE_ABSENT, False, use_list=False).run()

    assert outcome.failures == []
    assert outcome.changed_speaker_ids == ["a", "b"]
    assert len(pauses) == 6
    assert_invariant(outcome, fake)


# --- writes whose answers are lost -----------------------------------------------------------------------------

LOST_ANSWERS = ["InternalServerException", "ReadTimeoutError", "ConnectionClosedError"]


@pytest.mark.parametrize("use_list", [True, False], ids=["list-and-describe", "describe-only"])
@pytest.mark.parametrize("how", LOST_ANSWERS)
def test_deletions_whose_answers_are_lost_are_changes_of_this_run(how: str, use_list: bool) -> None:
    """Every 3rd DeleteSpeaker is carried out and its answer lost; the retry finds the speaker missing. The
    speaker existed when the run read it and the run sent the deletion: the run deleted it."""
    speakers = {f"c{number:02d}": "ENROLLED" for number in range(30)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    fake.lose_answers("DeleteSpeaker", every=3, how=how)

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, list(speakers), STATE_ABSENT, False, use_list=use_list).run()

    assert fake.speakers == []
    assert len(fake.lost) == 10
    assert sorted(outcome.changed_speaker_ids) == sorted(speakers)
    assert outcome.failures == []
    assert_invariant(outcome, fake)
    lost = {params["SpeakerId"] for _operation, params in fake.lost}
    assert {speaker["customer_speaker_id"] for speaker in outcome.speakers() if speaker.get("answer_lost")} == lost
    assert outcome.result()["answers_lost"] == 10
    assert outcome.failure_message() is None


def test_a_speaker_deleted_by_someone_else_before_the_deletion_is_no_change() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "ENROLLED"})
    fake.add_fault("DeleteSpeaker", "ResourceNotFoundException", speaker_id="a", ResourceType="SPEAKER")

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, ["a", "b"], STATE_ABSENT, False, use_list=False).run()

    assert outcome.changed_speaker_ids == ["b"]
    assert outcome.failures == []
    assert "answers_lost" not in outcome.result()
    assert_invariant(outcome, fake)


@pytest.mark.parametrize("how", LOST_ANSWERS)
def test_opt_outs_whose_answers_are_lost_are_retried_and_confirmed(how: str) -> None:
    """OptOutSpeaker is idempotent: a retry after a lost answer answers the speaker, opted out."""
    speakers = {f"c{number:02d}": "ENROLLED" for number in range(9)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    fake.lose_answers("OptOutSpeaker", every=3, how=how)

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, list(speakers), STATE_OPTED_OUT, False).run()

    assert sorted(outcome.changed_speaker_ids) == sorted(speakers)
    assert outcome.failures == []
    assert {fake.status_of(speaker_id) for speaker_id in speakers} == {"OPTED_OUT"}
    assert_invariant(outcome, fake)


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
def test_a_write_whose_every_answer_is_lost_is_confirmed_by_a_read(state: str) -> None:
    """Every attempt is carried out and answered 500: one DescribeSpeaker finds the write's effect."""
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "ENROLLED"})
    operation = "DeleteSpeaker" if state == STATE_ABSENT else "OptOutSpeaker"
    fake.lose_answers(operation, every=1)
    fake.add_fault(operation, "InternalServerException", times=100, speaker_id="b", status=500)  # never done

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, ["a", "b"], state, False, use_list=False).run()

    assert outcome.changed_speaker_ids == ["a"]
    assert [failure["speaker_id"] for failure in outcome.failures] == ["b"]
    assert outcome.result()["answers_lost"] == 1
    assert [speaker.get("answer_lost") for speaker in outcome.speakers()] == [True, None]
    assert_invariant(outcome, fake)


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
@pytest.mark.parametrize("how", ["InternalServerException", "ReadTimeoutError"])
def test_one_speaker_whose_answer_is_lost_is_changed(state: str, how: str) -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED"})
    operation = "DeleteSpeaker" if state == STATE_ABSENT else "OptOutSpeaker"
    fake.lose_answers(operation, every=1, how=how)  # every attempt: the retry of a deletion finds it missing

    one = change_one(client_for(fake, []), DOMAIN_ID, "a", state, False)

    assert one.changed is True
    assert one.speaker(DOMAIN_ID, "a")["answer_lost"] is True
    assert fake.status_of("a") == (None if state == STATE_ABSENT else "OPTED_OUT")


@pytest.mark.parametrize("use_list", [True, False], ids=["list-and-describe", "describe-only"])
def test_an_opt_out_answered_without_its_speaker_is_confirmed_by_a_read(use_list: bool) -> None:
    """OptOutSpeaker is carried out and answered 200 without Speaker (a broken answer): the write happened, so
    one DescribeSpeaker confirms it and the speaker is changed, its answer marked lost, never a failure."""
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "OPTED_OUT"})
    fake.omit["OptOutSpeaker"] = ["Speaker"]

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, ["a", "b"], STATE_OPTED_OUT, False, use_list=use_list).run()

    assert fake.status_of("a") == "OPTED_OUT"
    assert outcome.changed_speaker_ids == ["a"]
    assert outcome.failures == []
    assert [speaker.get("answer_lost") for speaker in outcome.speakers()] == [True, None]
    assert_invariant(outcome, fake)


# --- one speaker, two ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("use_list", [True, False], ids=["list-and-describe", "describe-only"])
@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
@pytest.mark.parametrize("failing", ["customer", "generated"])
def test_a_speaker_named_twice_whose_describe_fails_under_one_id_is_handled_under_both(
    state: str, use_list: bool, failing: str
) -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"alice": "ENROLLED", "bob": "ENROLLED"})
    alice_generated = fake.find("alice")["GeneratedSpeakerId"]  # type: ignore[index]
    failing_id = "alice" if failing == "customer" else alice_generated
    fake.add_fault("DescribeSpeaker", "InternalServerException", times=1000, speaker_id=failing_id, status=500)
    requested = ["alice", "bob", alice_generated]

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, requested, state, False, use_list=use_list).run()

    assert outcome.failures == []
    assert outcome.changed_speaker_ids == requested
    assert outcome.failure_message() is None
    assert_invariant(outcome, fake)


def test_a_speaker_named_twice_already_opted_out_is_settled_under_both_ids() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"alice": "OPTED_OUT"})
    alice_generated = fake.find("alice")["GeneratedSpeakerId"]  # type: ignore[index]
    fake.add_fault("DescribeSpeaker", "InternalServerException", times=1000, speaker_id="alice", status=500)

    outcome = SpeakerRun(
        client_for(fake, []), DOMAIN_ID, ["alice", alice_generated], STATE_OPTED_OUT, False, use_list=False
    ).run()

    assert outcome.failures == []
    assert outcome.changed_speaker_ids == []
    assert [speaker["status"] for speaker in outcome.speakers()] == ["OPTED_OUT", "OPTED_OUT"]


class SuspendedAfter(FakeVoiceID):
    """The domain turns SUSPENDED (or is deleted) after a number of successful writes."""

    def __init__(self, speakers: int, writes: int, code: str, **fields: str) -> None:
        super().__init__(DOMAIN_ID, {f"c{number:03d}": "ENROLLED" for number in range(speakers)})
        self.remaining = writes
        self.fault = (code, fields)
        self.first_fault: Optional[int] = None  # index in calls of the first domain-wide error answered

    def _enter(self, operation: str, params: Dict[str, Any]) -> None:
        if self.remaining <= 0:
            code, fields = self.fault
            self.calls.append((operation, dict(params)))
            if self.first_fault is None:
                self.first_fault = len(self.calls) - 1
            raise self._error(operation, code, "the domain changed", **fields)
        super()._enter(operation, params)
        if operation in ("OptOutSpeaker", "DeleteSpeaker"):
            self.remaining -= 1


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
@pytest.mark.parametrize(
    "code, fields",
    [
        ("ConflictException", {"ConflictType": "DOMAIN_NOT_ACTIVE"}),
        ("ResourceNotFoundException", {"ResourceType": "DOMAIN"}),
    ],
    ids=["suspended", "deleted"],
)
def test_a_domain_wide_error_mid_run_still_reports_every_write(state: str, code: str, fields: Dict[str, str]) -> None:
    fake = SuspendedAfter(600, 25, code, **fields)
    requested = [f"c{number:03d}" for number in range(600)]

    outcome = SpeakerRun(client_for(fake, []), DOMAIN_ID, requested, state, False, use_list=False).run()

    assert outcome.abort is not None and outcome.abort.code == code
    assert len(fake.writes()) == 25
    assert len(outcome.changed_speaker_ids) == 25
    assert outcome.changed
    assert len(outcome.failures) == 575
    assert_invariant(outcome, fake)
    # Stopped at the first domain-wide error rather than failing each speaker in turn: after it, at most the
    # requests already on their way (one per worker, bounded by the connection pool) reach the service, however
    # the threads were scheduled; going on would send hundreds.
    assert fake.first_fault is not None
    assert len(fake.calls) - fake.first_fault - 1 <= CONNECTION_POOL_SIZE
    message = outcome.failure_message()
    assert message is not None and message.startswith("The run stopped (")


def test_a_long_list_is_read_by_pages_without_racing_describes() -> None:
    speakers = {f"c{number}": "OPTED_OUT" for number in range(2000)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    limiter = RequestRateLimiter({"describe_speaker": 10, "list_speakers": 40})  # paging takes half a second
    client = VoiceIDClient(fake, RetryPolicy(sleep=[].append), limiter=limiter)

    outcome = SpeakerRun(client, DOMAIN_ID, list(speakers), STATE_OPTED_OUT, False).run()

    assert outcome.changed_speaker_ids == [] and outcome.failures == []
    assert len(fake.calls_to("ListSpeakers")) == 20
    assert len(fake.calls_to("DescribeSpeaker")) == 0  # 2,000 describes at 10/s would take longer than paging
    assert len(fake.calls_to("OptOutSpeaker")) == 0


def test_a_speaker_a_page_shows_needing_a_write_is_described_at_once_while_paging_goes_on() -> None:
    """No write is decided on a page alone: the describe that confirms it goes before every other read the
    scheduler holds back for paging, rather than after the last page."""
    speakers = {f"c{number}": "OPTED_OUT" for number in range(2000)}
    speakers["c0"] = "ENROLLED"
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    limiter = RequestRateLimiter({"describe_speaker": 10, "list_speakers": 40})  # paging takes half a second
    client = VoiceIDClient(fake, RetryPolicy(sleep=[].append), limiter=limiter)

    outcome = SpeakerRun(client, DOMAIN_ID, list(speakers), STATE_OPTED_OUT, False).run()

    assert outcome.changed_speaker_ids == ["c0"] and outcome.failures == []
    operations = [operation for operation, _params in fake.calls]
    assert operations.count("ListSpeakers") == 20 and operations.count("DescribeSpeaker") == 1
    assert operations.index("DescribeSpeaker") < len(operations) - 1 - operations[::-1].index("ListSpeakers")
    assert_invariant(outcome, fake)


def test_list_failure_falls_back_to_describe_with_a_warning() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "OPTED_OUT"})
    fake.add_fault("ListSpeakers", "AccessDeniedException", status=403)
    run = SpeakerRun(client_for(fake, []), DOMAIN_ID, ["a", "b"], STATE_OPTED_OUT, False)

    outcome = run.run()

    assert outcome.changed_speaker_ids == ["a"] and outcome.failures == []
    assert len(run.warnings) == 1 and "AccessDeniedException" in run.warnings[0]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_new_requests_and_the_result_reports_every_write(signum: int) -> None:
    # a signal during the fifth write
    fake = SignalsAtCall(signum, "OptOutSpeaker", 5, DOMAIN_ID, {f"c{number:03d}": "ENROLLED" for number in range(300)})
    client = VoiceIDClient(fake, RetryPolicy(sleep=[].append), limiter=RequestRateLimiter({"opt_out_speaker": 200}))
    fake.client = client
    requested = [f"c{number:03d}" for number in range(300)]

    with stopping_on_signals(client):
        outcome = SpeakerRun(client, DOMAIN_ID, requested, STATE_OPTED_OUT, False, use_list=False).run()

    assert signal.getsignal(signum) is not None
    assert fake.started_after_stop == 0
    assert outcome.abort is not None and outcome.abort.code == "Interrupted"
    assert signal.Signals(signum).name in outcome.abort.message
    assert 5 <= len(fake.writes()) < 300
    assert_invariant(outcome, fake)


def test_workers_follow_latency() -> None:
    assert workers_for(10.0, 0.4) == 6
    assert workers_for(10.0, 2.0) == 26  # a slow endpoint still gets the quota's speed
    assert workers_for(1.0, 0.1) == 2
    assert workers_for(1000.0, 2.0) == 64
    assert workers_for(None, 0.1) == 64


# --- loopback fixtures: what no emulator should do -----------------------------------------------------------


@pytest.fixture
def hung_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: List[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not done.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    done.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def boto_client(port: int, read_timeout: float = 1.0) -> Any:
    return voiceid_client(
        f"http://127.0.0.1:{port}",
        botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=read_timeout),
    )


def test_a_refused_port_trips_the_breaker_for_the_whole_list(refused_port: int) -> None:
    client = VoiceIDClient(boto_client(refused_port), RetryPolicy(sleep=[].append))
    requested = [f"c{number:03d}" for number in range(200)]

    outcome = SpeakerRun(client, DOMAIN_ID, requested, STATE_OPTED_OUT, False).run()

    assert outcome.changed_speaker_ids == []
    assert len(outcome.failures) == 200
    assert outcome.abort is not None and outcome.abort.unreachable
    message = outcome.failure_message()
    assert message is not None and "did not answer any request of this run" in message


def test_one_speaker_against_a_hung_endpoint_fails_clearly(hung_port: int) -> None:
    client = VoiceIDClient(boto_client(hung_port), RetryPolicy(sleep=[].append))

    with pytest.raises(VoiceIDError) as error:
        change_one(client, DOMAIN_ID, "c1", STATE_ABSENT, False)

    assert error.value.api_error.code == "ReadTimeoutError"
    assert error.value.api_error.unreachable
    assert "did not answer any request of this run (3 attempts failed" in str(error.value)


def test_the_time_budget_bounds_retries_of_one_request(hung_port: int) -> None:
    client = VoiceIDClient(boto_client(hung_port), RetryPolicy(sleep=[].append), time_budget=0.0)
    with pytest.raises(VoiceIDError) as error:
        client.describe_speaker(DOMAIN_ID, "c1")
    assert error.value.api_error.code == "ReadTimeoutError"
    assert not error.value.api_error.unreachable  # one attempt, then the budget was spent


def test_a_domain_wide_error_answered_to_list_speakers_stops_the_run() -> None:
    """The ListSpeakers side of a run stops it too: the domain turned SUSPENDED while paging."""
    requested = [f"c{number:03d}" for number in range(300)]
    fake = FakeVoiceID(DOMAIN_ID, dict.fromkeys(requested, "ENROLLED"))
    fake.faults[("ListSpeakers", None)] = [("ConflictException", 400, {"ConflictType": "DOMAIN_NOT_ACTIVE"})]
    limiter = RequestRateLimiter({"describe_speaker": 50.0, "opt_out_speaker": 50.0, "list_speakers": 5.0})
    client = VoiceIDClient(fake, RetryPolicy(sleep=[].append), limiter=limiter)

    outcome = SpeakerRun(client, DOMAIN_ID, requested, STATE_OPTED_OUT, False, use_list=True).run()

    assert outcome.abort is not None and outcome.abort.conflict_type == "DOMAIN_NOT_ACTIVE"
    assert len(outcome.changed_speaker_ids) + len(outcome.failures) == 300
    assert len(outcome.failures) > 0  # going on by DescribeSpeaker alone would have opted out all 300
    assert_invariant(outcome, fake)


@pytest.mark.parametrize("broken", ["repeat_token", "omit"])
def test_broken_pages_end_the_paging_and_the_rest_is_described(broken: str) -> None:
    """A NextToken that never advances, or a page without its list, is not read as the end of the domain: the
    paging stops with a warning naming ListSpeakers, and every requested speaker is still read and opted out."""
    speakers = {f"c{number}": "ENROLLED" for number in range(40)}
    fake = FakeVoiceID(DOMAIN_ID, speakers, page_size_cap=1)
    if broken == "repeat_token":
        fake.repeat_token.add("ListSpeakers")
    else:
        fake.omit["ListSpeakers"] = ["SpeakerSummaries"]

    run = SpeakerRun(client_for(fake, []), DOMAIN_ID, [*speakers, "new-one"], STATE_OPTED_OUT, False, use_list=True)
    outcome = run.run()

    assert outcome.failures == []
    assert sorted(outcome.changed_speaker_ids) == sorted([*speakers, "new-one"])
    assert all(fake.status_of(speaker_id) == "OPTED_OUT" for speaker_id in speakers)
    assert len(fake.calls_to("ListSpeakers")) <= 2
    [warning] = run.warnings
    assert warning.startswith("ListSpeakers failed (MalformedResponse: the answer to ListSpeakers")
    assert_invariant(outcome, fake)
