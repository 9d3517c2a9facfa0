# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure core: one decision for every before-state x desired state x check mode, and the ledger's
bookkeeping (first read wins, a speaker named twice is written once, stops keep what was written)."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import ApiError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import DELETE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import NOTHING
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import OPT_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_OPTED_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import Decision
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import Ledger
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import decide
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

CUSTOMER = "customer-1"
GENERATED = "id#AbCdEfGhIjKlMnOpQrStU1"
UNKNOWN_GENERATED = "id#ZzZzZzZzZzZzZzZzZzZzZ9"
MISSING = ApiError("ResourceNotFoundException", "", resource_type="SPEAKER")


def facts(status: str) -> Dict[str, Any]:
    return {
        "customer_speaker_id": CUSTOMER,
        "generated_speaker_id": GENERATED,
        "domain_id": DOMAIN_ID,
        "status": status,
    }


# before-state (None: absent) x requested id x desired state -> the action; check mode only withholds the call.
TABLE = [
    (None, CUSTOMER, STATE_OPTED_OUT, OPT_OUT, False),
    (None, UNKNOWN_GENERATED, STATE_OPTED_OUT, OPT_OUT, True),  # a generated id can only name an existing speaker
    ("ENROLLED", CUSTOMER, STATE_OPTED_OUT, OPT_OUT, False),
    ("EXPIRED", CUSTOMER, STATE_OPTED_OUT, OPT_OUT, False),
    ("PENDING", GENERATED, STATE_OPTED_OUT, OPT_OUT, False),
    ("OPTED_OUT", CUSTOMER, STATE_OPTED_OUT, NOTHING, False),
    ("OPTED_OUT", GENERATED, STATE_OPTED_OUT, NOTHING, False),
    (None, CUSTOMER, STATE_ABSENT, NOTHING, False),
    (None, UNKNOWN_GENERATED, STATE_ABSENT, NOTHING, False),  # absent is absent, whatever the id
    ("ENROLLED", CUSTOMER, STATE_ABSENT, DELETE, False),
    ("EXPIRED", GENERATED, STATE_ABSENT, DELETE, False),
    ("PENDING", CUSTOMER, STATE_ABSENT, DELETE, False),
    ("OPTED_OUT", CUSTOMER, STATE_ABSENT, DELETE, False),  # deletion removes the opt-out record too
]


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize(
    "status, speaker_id, state, action, fails",
    [pytest.param(*row, id=f"{row[0] or 'absent'}-{row[1][:3]}-{row[2]}") for row in TABLE],
)
def test_decide(status: Optional[str], speaker_id: str, state: str, action: str, fails: bool, check_mode: bool) -> None:
    decision = decide(state, facts(status) if status else None, speaker_id, check_mode)

    assert decision.action == action
    assert (decision.failure is not None) is fails
    assert decision.call is (action != NOTHING and not fails and not check_mode)
    assert decision.changed is (action != NOTHING and not fails)
    if fails:
        assert decision.failure is not None and decision.failure.missing_resource == "SPEAKER"


def test_decide_rejects_an_unknown_state() -> None:
    with pytest.raises(ValueError):
        decide("present", None, CUSTOMER, False)
    assert Decision(NOTHING) == Decision(NOTHING) and Decision(NOTHING) != Decision(OPT_OUT)


def test_first_read_wins_and_a_later_read_failure_is_ignored() -> None:
    ledger = Ledger(DOMAIN_ID, [CUSTOMER], STATE_OPTED_OUT, check_mode=False)

    assert ledger.learn(CUSTOMER, facts("ENROLLED")) is True
    assert ledger.learn(CUSTOMER, facts("ENROLLED")) is False  # the describe path came second: no second write
    ledger.written(CUSTOMER, facts("OPTED_OUT"))
    ledger.read_failed(CUSTOMER, ApiError("AccessDeniedException", "denied"))  # no id both changed and failed

    result = ledger.finish()
    assert result.changed_speaker_ids == [CUSTOMER]
    assert result.failures == []
    assert result.changed


@pytest.mark.parametrize("write_succeeds", [True, False])
@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
def test_a_speaker_named_twice_is_written_once_and_both_ids_follow_that_write(state: str, write_succeeds: bool) -> None:
    ledger = Ledger(DOMAIN_ID, [CUSTOMER, GENERATED], state, check_mode=False)

    assert ledger.learn(CUSTOMER, facts("ENROLLED")) is True
    # The generated id is read after the write went through: the speaker already looks done (or gone).
    after_write = None if state == STATE_ABSENT else facts("OPTED_OUT")
    assert ledger.learn(GENERATED, after_write) is False
    if write_succeeds:
        ledger.written(CUSTOMER, after_write)
    else:
        # Every id in changed_speaker_ids had a successful write: GENERATED follows this one, which failed.
        ledger.write_failed(CUSTOMER, ApiError("AccessDeniedException", "denied"))

    result = ledger.finish()
    if write_succeeds:
        assert result.changed_speaker_ids == [CUSTOMER, GENERATED]
        assert result.failures == []
        assert result.diff()["before"] == {CUSTOMER: "ENROLLED", GENERATED: "ENROLLED"}
    else:
        assert result.changed_speaker_ids == []
        assert [failure["speaker_id"] for failure in result.failures] == [CUSTOMER, GENERATED]
        assert not result.changed


def test_check_mode_predicts_without_writes() -> None:
    ledger = Ledger(DOMAIN_ID, [CUSTOMER, "new-one"], STATE_OPTED_OUT, check_mode=True)
    assert ledger.learn(CUSTOMER, facts("ENROLLED")) is False
    ledger.domain_read()  # the pages did not show it: absent, as far as they tell
    assert ledger.suspected == {"new-one"}
    assert ledger.learn("new-one", None) is False  # DescribeSpeaker confirms: absent

    result = ledger.finish()
    assert result.changed_speaker_ids == [CUSTOMER, "new-one"]
    assert [speaker["status"] for speaker in result.speakers()] == ["OPTED_OUT", "OPTED_OUT"]
    assert result.diff() == {
        "before": {CUSTOMER: "ENROLLED", "new-one": "absent"},
        "after": {CUSTOMER: "OPTED_OUT", "new-one": "OPTED_OUT"},
    }


def test_absent_reports_facts_as_read_before_the_deletion() -> None:
    ledger = Ledger(DOMAIN_ID, [CUSTOMER, "never-seen"], STATE_ABSENT, check_mode=False)
    assert ledger.learn(CUSTOMER, facts("OPTED_OUT")) is True
    assert ledger.learn("never-seen", None) is False
    ledger.written(CUSTOMER, None)

    result = ledger.finish()
    assert result.changed_speaker_ids == [CUSTOMER]
    assert result.speakers() == [
        dict(facts("OPTED_OUT"), requested_id=CUSTOMER),
        {"customer_speaker_id": "never-seen", "domain_id": DOMAIN_ID, "requested_id": "never-seen"},
    ]
    assert result.diff() == {"before": {CUSTOMER: "OPTED_OUT"}, "after": {CUSTOMER: "absent"}}
    assert result.failure_message() is None


def test_a_stop_keeps_what_was_written_and_fails_the_rest_with_the_reason() -> None:
    ids = [f"c{number}" for number in range(5)]
    ledger = Ledger(DOMAIN_ID, ids, STATE_OPTED_OUT, check_mode=False)
    for speaker_id in ids[:3]:
        assert ledger.learn(speaker_id, {"customer_speaker_id": speaker_id, "status": "ENROLLED"})
    ledger.written("c0", {"customer_speaker_id": "c0", "status": "OPTED_OUT"})
    suspended = ApiError("ConflictException", "domain suspended", conflict_type="DOMAIN_NOT_ACTIVE")
    # A domain-wide error mid-run: every successful write stays in changed_speaker_ids.
    ledger.write_failed("c1", suspended)
    assert ledger.abort == suspended
    assert ledger.learn("c3", {"customer_speaker_id": "c3", "status": "ENROLLED"}) is False  # no write after a stop

    result = ledger.finish()
    assert result.changed_speaker_ids == ["c0"]
    assert [failure["speaker_id"] for failure in result.failures] == ["c1", "c2", "c3", "c4"]
    assert {failure["code"] for failure in result.failures} == {"ConflictException"}
    message = result.failure_message()
    assert message is not None
    assert message.startswith("The run stopped (ConflictException: domain suspended (conflict type DOMAIN_NOT_ACTIVE))")
    assert "1 of 5 speakers were opted out before it stopped" in message
    # Nothing but the one write was handled: the message claims no more than that, and names no id.
    assert "4 of 5 speakers in domain" in message and "4 ConflictException (see failures)" in message
    assert "The other 1 were handled (1 opted out, 0 needed nothing)" in message
    assert not any(speaker_id in message for speaker_id in ids)


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
def test_a_page_settles_only_what_needs_nothing_and_describe_confirms_the_rest(state: str) -> None:
    """ListSpeakers may lag behind a speaker: no write is decided on a page alone."""
    ledger = Ledger(DOMAIN_ID, [CUSTOMER, "other"], state, check_mode=False)

    assert ledger.learn(CUSTOMER, facts("ENROLLED"), confirmed=False) is False
    assert ledger.suspected == {CUSTOMER}
    assert ledger.unknown == 2 and ledger.unseen() == 1
    needs_nothing = facts("OPTED_OUT") if state == STATE_OPTED_OUT else None
    ledger.learn("other", dict(needs_nothing, customer_speaker_id="other") if needs_nothing else None, confirmed=False)
    assert ledger.unseen() == 0
    assert ledger.unknown == 1  # what needs nothing is settled by the page
    # DescribeSpeaker, which is consistent, says the page lagged: the speaker is done already.
    done = facts("OPTED_OUT") if state == STATE_OPTED_OUT else None
    assert ledger.learn(CUSTOMER, done) is False
    assert ledger.suspected <= {"other"}
    result = ledger.finish()
    assert result.changed_speaker_ids == []


def test_failure_message_counts_by_code_and_names_no_id() -> None:
    ids = [f"c{number}" for number in range(100)]
    ledger = Ledger(DOMAIN_ID, ids, STATE_ABSENT, check_mode=False)
    for speaker_id in ids[:70]:
        ledger.read_failed(speaker_id, ApiError("AccessDeniedException", f"denied {speaker_id}"))
    for speaker_id in ids[70:]:
        ledger.read_failed(speaker_id, ApiError("ThrottlingException", "slow down"))

    message = ledger.finish().failure_message()
    assert message == (
        f"100 of 100 speakers in domain {DOMAIN_ID} could not be deleted: 70 AccessDeniedException,"
        " 30 ThrottlingException (see failures). No speaker was deleted."
    )
