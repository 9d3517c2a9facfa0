# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bulk opt-out planner and executor, on an in-memory fake of the service (concurrent calls)."""

from __future__ import annotations

from typing import Dict
from typing import List

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk import BulkOptOut
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk import unique_in_order
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk import workers_for
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.tests.unit.fake_voiceid import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.fake_voiceid import generated_id
from ansible_collections.speakerops.voiceid.tests.unit.helpers import DOMAIN_ID

MIXED = {"enrolled": "ENROLLED", "expired": "EXPIRED", "pending": "PENDING", "out": "OPTED_OUT"}


def client_for(fake: FakeVoiceID, pauses: List[float]) -> VoiceIDClient:
    return VoiceIDClient(fake, RetryPolicy(sleep=pauses.append))


@pytest.mark.parametrize("use_list", [True, False], ids=["list-and-describe", "describe-only"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_mixed_statuses(use_list: bool, check_mode: bool) -> None:
    fake = FakeVoiceID(DOMAIN_ID, MIXED)
    unknown_generated = generated_id(999)
    requested = ["enrolled", "new-customer", "out", "expired", "pending", unknown_generated]

    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, requested, check_mode, use_list=use_list).run()

    assert outcome.changed_speaker_ids == ["enrolled", "new-customer", "expired", "pending"]
    assert [failure["speaker_id"] for failure in outcome.failures] == [unknown_generated]
    assert outcome.failures[0]["code"] == "ResourceNotFoundException"
    assert [
        speaker.get("customer_speaker_id", speaker.get("generated_speaker_id")) for speaker in outcome.speakers()
    ] == requested
    assert [speaker.get("status") for speaker in outcome.speakers()] == ["OPTED_OUT"] * 5 + [None]
    written = sorted(params["SpeakerId"] for params in fake.calls_to("OptOutSpeaker"))
    if check_mode:
        assert written == []
        assert fake.status_of("enrolled") == "ENROLLED"
        assert fake.status_of("new-customer") is None
    else:
        assert written == ["enrolled", "expired", "new-customer", "pending"]  # never the OPTED_OUT one
        assert all(fake.status_of(speaker_id) == "OPTED_OUT" for speaker_id in outcome.changed_speaker_ids)
    assert outcome.diff() == {
        "before": {"enrolled": "ENROLLED", "new-customer": "absent", "expired": "EXPIRED", "pending": "PENDING"},
        "after": {speaker_id: "OPTED_OUT" for speaker_id in ("enrolled", "new-customer", "expired", "pending")},
    }


def test_rerun_converges_with_no_writes() -> None:
    fake = FakeVoiceID(DOMAIN_ID, MIXED)
    requested = ["enrolled", "new-customer", "out"]
    BulkOptOut(client_for(fake, []), DOMAIN_ID, requested, False).run()
    writes_after_first_run = len(fake.calls_to("OptOutSpeaker"))

    second = BulkOptOut(client_for(fake, []), DOMAIN_ID, requested, False).run()

    assert second.changed_speaker_ids == []
    assert second.failures == []
    assert len(fake.calls_to("OptOutSpeaker")) == writes_after_first_run == 2


def test_duplicates_are_collapsed_and_one_speaker_named_twice_is_written_once() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"alice": "ENROLLED"})
    alice_generated = fake.find("alice")["GeneratedSpeakerId"]  # type: ignore[index]

    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, ["alice", "alice", alice_generated], False).run()

    assert [record.speaker_id for record in outcome.records] == ["alice", alice_generated]
    assert outcome.changed_speaker_ids == ["alice", alice_generated]
    assert len(fake.calls_to("OptOutSpeaker")) == 1


def test_one_failure_never_stops_the_others() -> None:
    speakers = {f"c{number}": "ENROLLED" for number in range(30)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    fake.add_fault("OptOutSpeaker", "AccessDeniedException", speaker_id="c7", status=403)
    fake.add_fault("DescribeSpeaker", "AccessDeniedException", speaker_id="c19", status=403)

    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, list(speakers), False, use_list=False).run()

    assert [(failure["speaker_id"], failure["code"]) for failure in outcome.failures] == [
        ("c7", "AccessDeniedException"),
        ("c19", "AccessDeniedException"),
    ]
    assert outcome.failures[0]["message"] == "AccessDeniedException: AccessDeniedException injected"
    assert len(outcome.changed_speaker_ids) == 28
    assert "c7" not in outcome.changed_speaker_ids
    assert all(fake.status_of(f"c{number}") == "OPTED_OUT" for number in range(30) if number not in (7, 19))
    assert fake.status_of("c7") == "ENROLLED"
    summary = outcome.failure_message()
    assert summary is not None
    assert summary.startswith(f"2 of 30 speakers in domain {DOMAIN_ID} could not be opted out")
    assert "c7 (AccessDeniedException: AccessDeniedException injected)" in summary


def test_throttling_and_faults_are_retried() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "ENROLLED"})
    fake.add_fault("DescribeSpeaker", "ThrottlingException", times=3)
    fake.add_fault("OptOutSpeaker", "InternalServerException", times=2, status=500)
    fake.add_fault("OptOutSpeaker", "ConflictException", speaker_id="b", ConflictType="CONCURRENT_CHANGES")
    pauses: List[float] = []

    outcome = BulkOptOut(client_for(fake, pauses), DOMAIN_ID, ["a", "b"], False, use_list=False).run()

    assert outcome.failures == []
    assert outcome.changed_speaker_ids == ["a", "b"]
    assert len(pauses) == 6


@pytest.mark.parametrize(
    "operation, code, fields",
    [
        ("OptOutSpeaker", "ConflictException", {"ConflictType": "DOMAIN_NOT_ACTIVE"}),
        ("DescribeSpeaker", "ResourceNotFoundException", {"ResourceType": "DOMAIN"}),
    ],
)
def test_domain_wide_errors_stop_the_run(operation: str, code: str, fields: Dict[str, str]) -> None:
    fake = FakeVoiceID(DOMAIN_ID, {f"c{number}": "ENROLLED" for number in range(50)})
    fake.add_fault(operation, code, times=1000, **fields)

    with pytest.raises(VoiceIDError) as error:
        BulkOptOut(client_for(fake, []), DOMAIN_ID, [f"c{number}" for number in range(50)], False, use_list=False).run()

    assert error.value.api_error.code == code
    assert len(fake.calls_to(operation)) < 50  # stopped early rather than failing each speaker in turn


def test_a_long_list_is_read_by_pages_and_a_short_one_by_describe() -> None:
    speakers = {f"c{number}": "OPTED_OUT" for number in range(2000)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)

    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, list(speakers), False).run()

    assert outcome.changed_speaker_ids == [] and outcome.failures == []
    assert len(fake.calls_to("ListSpeakers")) == 20  # the whole domain, 100 a page
    assert len(fake.calls_to("OptOutSpeaker")) == 0
    assert all(params["MaxResults"] == 100 for params in fake.calls_to("ListSpeakers"))


def test_unknown_ids_are_absent_once_the_whole_domain_is_listed() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED"})
    fake.add_fault("DescribeSpeaker", "ThrottlingException", times=1000)  # describes never answer

    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, ["a", "never-seen"], True).run()

    assert outcome.failures == []
    assert outcome.changed_speaker_ids == ["a", "never-seen"]
    assert outcome.diff()["before"] == {"a": "ENROLLED", "never-seen": "absent"}


def test_list_failure_falls_back_to_describe_with_a_warning() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED", "b": "OPTED_OUT"})
    fake.add_fault("ListSpeakers", "AccessDeniedException", status=403)

    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, ["a", "b"], False).run()

    assert outcome.changed_speaker_ids == ["a"]
    assert outcome.failures == []
    assert len(outcome.warnings) == 1 and "AccessDeniedException" in outcome.warnings[0]


def test_nothing_to_do() -> None:
    fake = FakeVoiceID(DOMAIN_ID, {"a": "ENROLLED"})
    outcome = BulkOptOut(client_for(fake, []), DOMAIN_ID, [], False).run()
    assert outcome.records == [] and fake.calls == []


def test_helpers() -> None:
    assert unique_in_order(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert workers_for(10.0) == 4
    assert workers_for(1.0) == 2
    assert workers_for(1000.0) == 16
