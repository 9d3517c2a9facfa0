# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The pure core of a speaker run: no threads, no I/O.

What is known of each requested speaker, what it needs (nothing, an opt-out, a deletion), and what came of it.
`decide` is the one decision, used by the single-speaker path and by the bulk run alike. `Ledger` keeps the
record of a run; the orchestration (run.py) tells it what each read and write learnt, and it says which
write to make. Its result holds, whatever happened and in whatever order:

- every id in changed_speaker_ids had a successful write (in check mode: would have);
- every successful write is in changed_speaker_ids, under every id that named the written speaker;
- a write succeeded when the service answered success, or when an attempt of it may have been carried out
  (answered 5xx, timed out, or cut off after it was sent), its answer lost, and its effect was then found: a
  deletion whose retry finds the speaker missing (the run read it before it sent the deletion), any write whose
  speaker a read then finds in the state the write makes. Such a write is marked answer_lost; a write that may
  have been carried out is never reported as not done on the strength of a later ResourceNotFoundException;
- a speaker the run handled (wrote, or found needing nothing) under one of its ids is reported handled under
  every requested id that names it, even one whose own reads failed;
- no id is in both changed_speaker_ids and failures;
- changed is true iff a write succeeded (in check mode: would have).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import Iterator
from typing import List
from typing import Optional
from typing import Tuple

from ..api.errors import ApiError
from ..api.errors import redact
from ..bulk.summary import by_code
from ..rules import is_generated_speaker_id
from .facts import OPTED_OUT
from .facts import SPEAKER_ID_KEYS
from .facts import Facts
from .facts import SpeakerFacts
from .facts import predicted_opt_out

# What the user wants of the speakers (the `state` option of voiceid_speaker).
STATE_OPTED_OUT = "opted_out"
STATE_ABSENT = "absent"
STATES = (STATE_OPTED_OUT, STATE_ABSENT)

# What a speaker needs: nothing, or the API operation (boto3 method, and the request_rates key) that does it.
NOTHING = "nothing"
OPT_OUT = "opt_out_speaker"
DELETE = "delete_speaker"


@dataclass(frozen=True)
class Goal:
    """What one desired state takes: its write operation, and the verbs messages say it with."""

    operation: str  # OPT_OUT or DELETE
    verb: str  # "Failed to <verb> speaker"
    done: str  # "<n> speakers were <done>"


# The one table of state -> operation -> verb.
GOALS = {
    STATE_OPTED_OUT: Goal(OPT_OUT, "opt out", "opted out"),
    STATE_ABSENT: Goal(DELETE, "delete", "deleted"),
}

UNKNOWN_GENERATED_ID_MESSAGE = (
    "no speaker has this generated speaker id in the domain, and a generated id can only name an existing"
    " speaker (use the customer speaker id to opt out a speaker Voice ID has not seen yet)"
)


@dataclass(frozen=True)
class Decision:
    """What to do with one speaker: the action it needs, whether to call the API for it now (never in check
    mode), or why the request cannot be met."""

    action: str
    call: bool = False
    failure: Optional[ApiError] = None

    @property
    def changed(self) -> bool:
        return self.action != NOTHING and self.failure is None


def decide(state: str, before: Optional[Facts], speaker_id: str, check_mode: bool) -> Decision:
    """The one decision. before: the speaker as read, None when the domain has no speaker with this id."""
    if state not in GOALS:
        raise ValueError(f"unknown state {state!r}")
    if state == STATE_ABSENT:
        if before is None:
            return Decision(NOTHING)
        return Decision(GOALS[state].operation, call=not check_mode)
    if before is not None and before.get("status") == OPTED_OUT:
        return Decision(NOTHING)
    if before is None and is_generated_speaker_id(speaker_id):
        missing = ApiError("ResourceNotFoundException", UNKNOWN_GENERATED_ID_MESSAGE, resource_type="SPEAKER")
        return Decision(GOALS[state].operation, failure=missing)
    return Decision(GOALS[state].operation, call=not check_mode)


def predicted(state: str, before: Optional[Facts], domain_id: str, speaker_id: str) -> Optional[SpeakerFacts]:
    """The speaker after the change, for check mode (None: it would be gone)."""
    return None if state == STATE_ABSENT else predicted_opt_out(before, domain_id, speaker_id)


def request_facts(domain_id: str, speaker_id: str) -> SpeakerFacts:
    """Only what the request says of a speaker: its id and the domain."""
    key = "generated_speaker_id" if is_generated_speaker_id(speaker_id) else "customer_speaker_id"
    return {key: speaker_id, "domain_id": domain_id}


class Stage(enum.IntEnum):
    """The stages of a record."""

    UNKNOWN = 0  # not read yet
    SETTLED = 1  # read: needs nothing
    WRITING = 2  # read: its write is queued or in flight
    CHANGED = 3  # written (in check mode: would be)
    FAILED = 4  # could not be read or written, or the request cannot be met
    FOLLOWS = 5  # the same speaker as another requested id, whose one write decides both


class SpeakerRecord:
    """What the run knows of one requested speaker. Slots: a run may hold 100,000 of these. (Not a dataclass:
    Python 3.8's dataclasses cannot give slotted fields defaults.)"""

    __slots__ = ("after", "answer_lost", "before", "failure", "primary", "speaker_id", "stage")

    def __init__(self, speaker_id: str) -> None:
        self.speaker_id = speaker_id
        self.stage = Stage.UNKNOWN
        self.answer_lost = False  # CHANGED: the write was done, its answer lost (see the invariant)
        self.before: Optional[Facts] = None  # as read; None when absent (or not read)
        self.after: Optional[Facts] = None  # as written or predicted; None when deleted
        self.failure: Optional[ApiError] = None
        self.primary: Optional[SpeakerRecord] = None  # FOLLOWS: the record whose write decides this one


def unique_in_order(speaker_ids: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(speaker_ids))


class Claims:
    """Both ids of every speaker a run changes (or would), to the record that changes it."""

    def __init__(self) -> None:
        self._records: Dict[str, SpeakerRecord] = {}

    def claim(self, record: SpeakerRecord, before: Optional[Facts]) -> None:
        self._records[record.speaker_id] = record
        for key in SPEAKER_ID_KEYS:
            other = (before or {}).get(key)
            if other:
                self._records.setdefault(other, record)

    def claimant(self, speaker_id: str, before: Optional[Facts]) -> Optional[SpeakerRecord]:
        """The record that changes the speaker of this id (or of the ids before names), if any."""
        for key in (speaker_id, *((before or {}).get(key) for key in reversed(SPEAKER_ID_KEYS))):
            if key and key in self._records:
                return self._records[key]
        return None


class Ledger:
    """The record of one run over requested speaker ids. Not thread-safe, on purpose (this module has no
    threads): the run reaches it only through shared.py's SharedLedger, which holds one lock around every call.

    learn() takes what a read found (the first read of an id wins; later ones are ignored); it returns True
    when the speaker needs a write now, which the caller then makes and reports with written() or
    write_failed(). A speaker named by two requested ids (customer and generated) is written once: the second
    id follows the first, whatever its own read says, and is reported exactly as the one write turned out.
    """

    def __init__(self, domain_id: str, speaker_ids: Iterable[str], state: str, check_mode: bool) -> None:
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        self.domain_id = domain_id
        self.state = state
        self.check_mode = check_mode
        # Every requested id as given, duplicates included, in order: the result has an entry for each.
        self.requested: List[str] = list(speaker_ids)
        self.records: Dict[str, SpeakerRecord] = {
            speaker_id: SpeakerRecord(speaker_id) for speaker_id in unique_in_order(self.requested)
        }
        self.unknown = len(self.records)
        # Ids a ListSpeakers page showed needing a write: pages may lag behind the speaker (AWS's ListSpeakers
        # is eventually consistent), so these stay unknown until DescribeSpeaker, which is not, confirms them.
        self.suspected: set[str] = set()
        self.abort: Optional[ApiError] = None
        self._claims = Claims()

    def __contains__(self, speaker_id: object) -> bool:
        return speaker_id in self.records

    def is_unknown(self, speaker_id: str) -> bool:
        record = self.records.get(speaker_id)
        return record is not None and record.stage == Stage.UNKNOWN

    def _leave_unknown(self, record: SpeakerRecord) -> None:
        if record.stage == Stage.UNKNOWN:
            self.unknown -= 1

    def unseen(self) -> int:
        """How many requested speakers no read has seen yet (neither settled nor suspected)."""
        return self.unknown - len(self.suspected)

    def learn(self, speaker_id: str, before: Optional[Facts], confirmed: bool = True) -> bool:
        """A read found the speaker (before) or found that the domain has none with this id (None).
        confirmed: the read is DescribeSpeaker's; a ListSpeakers page (confirmed=False) only settles speakers
        that need nothing, and leaves the others suspected, for DescribeSpeaker to confirm."""
        record = self.records.get(speaker_id)
        if record is None or record.stage != Stage.UNKNOWN:
            return False
        if not confirmed and self._claims.claimant(speaker_id, before) is None:
            decision = decide(self.state, before, speaker_id, self.check_mode)
            if decision.action != NOTHING or decision.failure is not None:
                self.suspected.add(speaker_id)
                return False
        self.suspected.discard(speaker_id)
        self._leave_unknown(record)
        record.before = before
        primary = self._claims.claimant(speaker_id, before)
        if primary is not None and primary is not record:
            record.stage = Stage.FOLLOWS
            record.primary = primary
            return False
        decision = decide(self.state, before, speaker_id, self.check_mode)
        if decision.failure is not None:
            record.stage = Stage.FAILED
            record.failure = decision.failure
            return False
        if decision.action == NOTHING:
            record.stage = Stage.SETTLED
            record.after = before
            return False
        self._claims.claim(record, before)
        if not decision.call:  # check mode
            record.stage = Stage.CHANGED
            record.after = predicted(self.state, before, self.domain_id, speaker_id)
            return False
        if self.abort is not None:
            record.stage = Stage.FAILED
            record.failure = self.abort
            return False
        record.stage = Stage.WRITING
        return True

    def read_failed(self, speaker_id: str, error: ApiError) -> None:
        """A read of the speaker failed for good. Ignored once another read has settled the speaker."""
        if error.ends_run:
            self.stop(error)
        record = self.records.get(speaker_id)
        if record is None or record.stage != Stage.UNKNOWN:
            return
        self.suspected.discard(speaker_id)
        self._leave_unknown(record)
        record.stage = Stage.FAILED
        record.failure = error

    def written(self, speaker_id: str, after: Optional[Facts], answer_lost: bool = False) -> None:
        """The speaker's write succeeded; after: the speaker as the service answered (None: deleted).
        answer_lost: the write was done, but its answer was lost and its effect found by a later answer."""
        record = self.records[speaker_id]
        record.stage = Stage.CHANGED
        record.after = after
        record.failure = None
        record.answer_lost = answer_lost

    def write_failed(self, speaker_id: str, error: ApiError) -> None:
        """The speaker's write failed for good, or was never sent (the run stopped first)."""
        if error.ends_run:
            self.stop(error)
        record = self.records[speaker_id]
        record.stage = Stage.FAILED
        record.failure = error

    def stop(self, error: ApiError) -> None:
        """The run stops: no write starts after this; the first reason is kept."""
        if self.abort is None:
            self.abort = error

    def gone(self, speaker_id: str) -> None:
        """The speaker's deletion found no such speaker before any attempt of it could have been carried out:
        someone else deleted it meanwhile; nothing was done."""
        record = self.records[speaker_id]
        record.stage = Stage.SETTLED
        record.after = None
        record.failure = None

    def domain_read(self) -> List[str]:
        """Every page of the domain has been read: a requested speaker not found in it does not exist, as far
        as the pages tell; those that would then need a write are suspected, for DescribeSpeaker to confirm.
        Returns the ids this newly suspects."""
        before = set(self.suspected)
        for record in list(self.records.values()):
            if record.stage == Stage.UNKNOWN and record.speaker_id not in self.suspected:
                self.learn(record.speaker_id, None, confirmed=False)
        return list(self.suspected - before)

    def finish(self) -> RunResult:
        """The result, once no read or write is left in flight. Speakers never settled fail with the reason
        the run stopped."""
        reason = self.abort or ApiError("NotProcessed", "the speaker's state could not be read")
        self.suspected.clear()
        for record in self.records.values():
            if record.stage in (Stage.UNKNOWN, Stage.WRITING):
                self._leave_unknown(record)
                record.stage = Stage.FAILED
                record.failure = reason
        follow_handled(self.records.values())
        return RunResult(self)


def follow_handled(records: Iterable[SpeakerRecord]) -> None:
    """A requested id that failed (its reads failed, or the run stopped first) whose speaker the run handled
    under its other requested id follows that id's record: one speaker, reported alike under both ids."""
    records = list(records)
    failed = [record for record in records if record.stage == Stage.FAILED]
    if not failed:
        return
    handled: Dict[str, SpeakerRecord] = {}
    for record in records:
        if record.stage in (Stage.CHANGED, Stage.SETTLED):
            for facts in (record.before, record.after):
                for key in SPEAKER_ID_KEYS:
                    other = (facts or {}).get(key)
                    if other:
                        handled.setdefault(other, record)
    for record in failed:
        primary = handled.get(record.speaker_id)
        if primary is not None and primary is not record:
            record.stage = Stage.FOLLOWS
            record.primary = primary
            record.failure = None


class RunResult:
    """What a finished run reports: the module's return values, its diff and its failure message."""

    def __init__(self, ledger: Ledger) -> None:
        self.domain_id = ledger.domain_id
        self.state = ledger.state
        self.abort = ledger.abort
        self.requested = ledger.requested
        self._by_id = ledger.records
        self.records = list(ledger.records.values())

    @staticmethod
    def resolved(record: SpeakerRecord) -> Tuple[Stage, Optional[ApiError]]:
        """The record's final stage and failure; a follower takes those of the write that decided it."""
        if record.stage == Stage.FOLLOWS and record.primary is not None:
            return record.primary.stage, record.primary.failure
        return record.stage, record.failure

    @property
    def changed_speaker_ids(self) -> List[str]:
        return [record.speaker_id for record in self.records if self.resolved(record)[0] == Stage.CHANGED]

    @property
    def changed(self) -> bool:
        return any(self.resolved(record)[0] == Stage.CHANGED for record in self.records)

    @property
    def failures(self) -> List[Dict[str, str]]:
        failures = []
        for record in self.records:
            stage, failure = self.resolved(record)
            if stage == Stage.FAILED and failure is not None:
                failures.append({"speaker_id": record.speaker_id, "code": failure.code, "message": failure.describe()})
        return failures

    def speaker(self, record: SpeakerRecord) -> Facts:
        """The facts returned for one speaker: for absent, as read before the deletion; for opted_out, as
        written or predicted, else as read, else only what the request says."""
        stage = self.resolved(record)[0]
        source = record.primary if record.stage == Stage.FOLLOWS and record.primary is not None else record
        if self.state == STATE_OPTED_OUT and stage == Stage.CHANGED and source.after is not None:
            return source.after
        before = source.before  # a follower: the speaker as its one write found it
        if before is not None:
            return before
        return request_facts(self.domain_id, record.speaker_id)

    def answer_lost(self, record: SpeakerRecord) -> bool:
        """Whether the write that changed the record's speaker was done with its answer lost."""
        source = record.primary if record.stage == Stage.FOLLOWS and record.primary is not None else record
        return source.stage == Stage.CHANGED and source.answer_lost

    def iter_speakers(self) -> Iterator[SpeakerFacts]:
        """The facts of every requested id, one entry per id as requested (duplicates included), in request
        order, one at a time; each names the id it answers in `requested_id`, and has answer_lost: true when
        its speaker's write was done with its answer lost."""
        for speaker_id in self.requested:
            record = self._by_id[speaker_id]
            facts = dict(self.speaker(record))
            facts["requested_id"] = speaker_id
            if self.answer_lost(record):
                facts["answer_lost"] = True
            yield facts

    def speakers(self) -> List[SpeakerFacts]:
        return list(self.iter_speakers())

    def result(self, speakers: bool = True) -> Dict[str, Any]:
        """The module's return values; without `speakers` when the caller prints them itself (iter_speakers)."""
        changed_speaker_ids = self.changed_speaker_ids
        result: Dict[str, Any] = {"changed": bool(changed_speaker_ids)}
        if speakers:
            result["speakers"] = self.speakers()
        result["changed_speaker_ids"] = changed_speaker_ids
        result["failures"] = self.failures
        answers_lost = sum(1 for record in self.records if self.answer_lost(record))
        if answers_lost:
            result["answers_lost"] = answers_lost
        return result

    def diff(self) -> Dict[str, Any]:
        """Each changed speaker's status before ('absent' if new) and after ('absent' once deleted)."""
        before: Dict[str, str] = {}
        after: Dict[str, str] = {}
        for record in self.records:
            if self.resolved(record)[0] != Stage.CHANGED:
                continue
            source = record.primary if record.stage == Stage.FOLLOWS and record.primary is not None else record
            before[record.speaker_id] = (source.before or {}).get("status", "absent")
            after[record.speaker_id] = "absent" if self.state == STATE_ABSENT else OPTED_OUT
        return {"before": before, "after": after}

    def failure_message(
        self, explain: Optional[Callable[[ApiError], str]] = None, region: Optional[str] = None
    ) -> Optional[str]:
        """Why the task fails: the reason the run stopped, if it did, then how many speakers failed, counted by
        error code; None when nothing failed. Never a speaker id (ids are personal data, and ansible-core 2.19
        and later print a failed task's msg even under no_log): the ids are in failures."""
        failures = self.failures
        if not failures and self.abort is None:
            return None
        verb = GOALS[self.state].done
        changed = len(self.changed_speaker_ids)
        where = f"domain {self.domain_id}"
        parts = []
        if self.abort is not None:
            reason = redact((explain or ApiError.describe)(self.abort), self._by_id)
            if self.abort.missing_resource == "DOMAIN":  # say where it was looked for
                where += f" (region {region})" if region else ""
                reason += f"; no {where} in this account"
            parts.append(
                f"The run stopped ({reason}); {changed} of {len(self.records)} speakers were {verb} before it"
                " stopped (see changed_speaker_ids)."
            )
        if failures:
            counts = by_code(failure["code"] for failure in failures)
            handled = len(self.records) - len(failures)
            if handled:
                rest = (
                    f" The other {handled} were handled ({changed} {verb}, {handled - changed} needed nothing);"
                    " a rerun retries only the failed ones."
                )
            else:
                rest = f" No speaker was {verb}." if self.abort is None else ""
            parts.append(
                f"{len(failures)} of {len(self.records)} speakers in {where} could not be {verb}: {counts}"
                f" (see failures).{rest}"
            )
        return " ".join(parts)
