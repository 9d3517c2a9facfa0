# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The pure core of a fraudster run: no threads, no I/O.

`decide` is the one decision of voiceid_fraudster: a fraudster's watchlist membership now (the set of its
watchlist ids, None when the domain has no such fraudster) x the membership wanted (a set, None: not managed)
x purge x state -> the ordered calls to make, or why the request cannot be met. `decide_take_out` is the
decision of a forced watchlist deletion for one fraudster of that watchlist. Associations always come before
disassociations, and no decision disassociates a fraudster from its last watchlist (the service keeps every
fraudster in at least one: FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST).

`FraudsterRecord` is what a run knows of one requested fraudster; `RunResult` what a finished run reports.
Its invariant, as for speakers: every id in changed_fraudster_ids had all its writes succeed (in check mode:
would have); a write that may have been carried out is never reported as not done on the strength of a
later ResourceNotFoundException; no id is in both changed_fraudster_ids and failures; `changed` is true iff a
write succeeded (a fraudster whose later write failed after an earlier one succeeded is in failures, and the
task is changed all the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional
from typing import Tuple

from ..api.errors import REDACTED_FRAUDSTER_ID
from ..api.errors import ApiError
from ..api.errors import redact
from ..api.operations import api_name
from ..bulk.summary import by_code

Facts = Dict[str, Any]
Membership = Optional[AbstractSet[str]]

STATE_PRESENT = "present"
STATE_ABSENT = "absent"
STATES = (STATE_PRESENT, STATE_ABSENT)

# The write operations (boto3 methods, and the request_rates keys).
ASSOCIATE = "associate_fraudster"
DISASSOCIATE = "disassociate_fraudster"
DELETE = "delete_fraudster"

UNKNOWN_FRAUDSTER_MESSAGE = (
    "no fraudster has this id in the domain, and the Voice ID API cannot create one (fraudsters are registered"
    " through Amazon Connect)"
)
PURGE_TO_NOTHING_MESSAGE = (
    "purge_watchlists with no watchlists would take a fraudster out of every watchlist, and a fraudster must"
    " belong to at least one"
)


@dataclass(frozen=True)
class Call:
    """One write: its operation, and the watchlist it is about (None for a deletion)."""

    operation: str
    watchlist_id: Optional[str] = None


@dataclass(frozen=True)
class Decision:
    """The writes one fraudster needs, in order (empty: nothing), or why the request cannot be met."""

    calls: Tuple[Call, ...] = ()
    failure: Optional[ApiError] = None

    @property
    def changed(self) -> bool:
        return bool(self.calls) and self.failure is None


def decide(state: str, now: Membership, wanted: Membership, purge: bool) -> Decision:
    """The one decision. now: the fraudster's watchlist ids as read (None: no such fraudster); wanted: the
    watchlist ids the task names (None: membership not managed); purge: leave the others too."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    if state == STATE_ABSENT:
        return Decision() if now is None else Decision((Call(DELETE),))
    if purge and not wanted:
        raise ValueError(PURGE_TO_NOTHING_MESSAGE)  # an option error, raised before any call
    if now is None:
        return Decision(
            failure=ApiError("ResourceNotFoundException", UNKNOWN_FRAUDSTER_MESSAGE, resource_type="FRAUDSTER")
        )
    if wanted is None:
        return Decision()
    calls = [Call(ASSOCIATE, watchlist_id) for watchlist_id in sorted(set(wanted) - set(now))]
    if purge:
        calls.extend(Call(DISASSOCIATE, watchlist_id) for watchlist_id in sorted(set(now) - set(wanted)))
    return Decision(tuple(calls))


def decide_take_out(now: Membership, watchlist_id: str) -> Decision:
    """A forced watchlist deletion, for one fraudster listed in that watchlist: disassociate it when it belongs
    to another watchlist too, delete it when this is its only one; nothing when it is gone or already out."""
    if now is None or watchlist_id not in now:
        return Decision()
    if set(now) - {watchlist_id}:
        return Decision((Call(DISASSOCIATE, watchlist_id),))
    return Decision((Call(DELETE),))


def membership_after(now: Membership, call: Call) -> Membership:
    """The membership a call leaves (for check mode's prediction)."""
    if call.operation == DELETE or now is None:
        return None
    if call.operation == ASSOCIATE:
        return set(now) | {call.watchlist_id or ""}
    return set(now) - {call.watchlist_id or ""}


def predicted(before: Optional[Facts], calls: Tuple[Call, ...]) -> Optional[Facts]:
    """The fraudster's facts after calls (None: deleted), for check mode."""
    if before is None:
        return None
    now: Membership = set(before.get("watchlist_ids", []))
    for call in calls:
        now = membership_after(now, call)
    if now is None:
        return None
    after = dict(before)
    after["watchlist_ids"] = sorted(now)
    return after


def membership(facts: Optional[Facts]) -> Membership:
    return None if facts is None else set(facts.get("watchlist_ids", []))


class FraudsterRecord:
    """What a run knows of one requested fraudster. Written by the one task that handles it."""

    __slots__ = ("after", "answer_lost", "before", "calls", "done", "failure", "fraudster_id", "read", "settled")

    def __init__(self, fraudster_id: str) -> None:
        self.fraudster_id = fraudster_id
        self.read = False  # DescribeFraudster answered
        self.before: Optional[Facts] = None  # as read; None when absent (or not read)
        self.after: Optional[Facts] = None  # as written or predicted; None when deleted
        self.calls: Tuple[Call, ...] = ()  # what the decision asked for
        self.done: List[Call] = []  # the writes made (in check mode: that would be)
        self.answer_lost = False  # one of done was confirmed by a later answer, its own lost
        self.failure: Optional[ApiError] = None
        self.settled = False  # the run handled it (whether it changed, needed nothing or failed)

    @property
    def changed(self) -> bool:
        return self.failure is None and bool(self.done)

    def fail(self, error: ApiError) -> None:
        self.failure = error
        self.settled = True


def write_made(call: Call) -> Dict[str, Any]:
    """A write of a failed fraudster that was made: the service's operation name, and its watchlist."""
    made: Dict[str, Any] = {"operation": api_name(call.operation)}
    if call.watchlist_id is not None:
        made["watchlist_id"] = call.watchlist_id
    return made


def request_facts(domain_id: str, fraudster_id: str) -> Facts:
    """Only what the request says of a fraudster: its id and the domain."""
    return {"generated_fraudster_id": fraudster_id, "domain_id": domain_id}


NOT_PROCESSED = ApiError("NotProcessed", "the fraudster's state could not be read")


class RunResult:
    """What a finished run over requested fraudster ids reports: the module's return values, its diff and its
    failure message. requested: the ids as given, duplicates included; records: one per distinct id."""

    def __init__(
        self,
        domain_id: str,
        state: str,
        requested: List[str],
        records: Dict[str, FraudsterRecord],
        abort: Optional[ApiError],
    ) -> None:
        self.domain_id = domain_id
        self.state = state
        self.requested = requested
        self.abort = abort
        self._by_id = records
        self.records = list(records.values())
        for record in self.records:  # never handled: the run stopped first
            if not record.settled:
                record.fail(abort or NOT_PROCESSED)

    @property
    def changed_fraudster_ids(self) -> List[str]:
        return [record.fraudster_id for record in self.records if record.changed]

    @property
    def changed(self) -> bool:
        """A write succeeded (in check mode: would), also one of a fraudster that then failed."""
        return any(record.done for record in self.records)

    @property
    def failures(self) -> List[Dict[str, Any]]:
        """Each fraudster that failed, and why; one whose earlier writes were made before a later one failed
        names them in writes_made (operation, watchlist_id), so that the record has every write carried out
        whether or not the task runs in diff mode."""
        failures: List[Dict[str, Any]] = []
        for record in self.records:
            if record.failure is None:
                continue
            entry: Dict[str, Any] = {
                "fraudster_id": record.fraudster_id,
                "code": record.failure.code,
                "message": record.failure.describe(),
            }
            if record.done:
                entry["writes_made"] = [write_made(call) for call in record.done]
            failures.append(entry)
        return failures

    @property
    def failed_codes(self) -> List[str]:
        return [record.failure.code for record in self.records if record.failure is not None]

    @property
    def answers_lost(self) -> int:
        return sum(1 for record in self.records if record.answer_lost)

    def facts(self, record: FraudsterRecord) -> Facts:
        """The facts returned for one fraudster: for absent, as read before the deletion; for present, as
        written or predicted, else as read, else only what the request says."""
        if self.state == STATE_PRESENT and record.done and record.after is not None:
            return record.after
        if record.before is not None:
            return record.before
        return request_facts(self.domain_id, record.fraudster_id)

    def iter_fraudsters(self) -> Iterator[Facts]:
        """One entry per requested id (duplicates included), in request order, each with `requested_id`."""
        for fraudster_id in self.requested:
            record = self._by_id[fraudster_id]
            facts = dict(self.facts(record))
            facts["requested_id"] = fraudster_id
            if record.answer_lost:
                facts["answer_lost"] = True
            yield facts

    def one(self) -> FraudsterRecord:
        return self.records[0]

    def diff(self) -> Dict[str, Any]:
        """Each fraudster a write changed: its watchlist ids before and after ('absent' once deleted)."""
        before: Dict[str, Any] = {}
        after: Dict[str, Any] = {}
        for record in self.records:
            if not record.done:
                continue
            before[record.fraudster_id] = sorted((record.before or {}).get("watchlist_ids", []))
            now = membership(record.before)
            for call in record.done:
                now = membership_after(now, call)
            after[record.fraudster_id] = "absent" if now is None else sorted(now)
        return {"before": before, "after": after}

    def failure_message(
        self, verb: str, explain: Optional[Callable[[ApiError], str]] = None, region: Optional[str] = None
    ) -> Optional[str]:
        """Why the task fails: the reason the run stopped, if it did, then how many fraudsters failed, counted by
        error code; None when nothing failed. Never a fraudster id: the ids are in failures. verb: what the
        fraudsters were ("deleted", "updated")."""
        failures = self.failures
        if not failures and self.abort is None:
            return None
        changed = len(self.changed_fraudster_ids)
        total = len(self.records)
        where = f"domain {self.domain_id}"
        parts = []
        if self.abort is not None:
            reason = redact((explain or ApiError.describe)(self.abort), self._by_id, REDACTED_FRAUDSTER_ID)
            if self.abort.missing_resource == "DOMAIN":
                where += f" (region {region})" if region else ""
                reason += f"; no {where} in this account"
            parts.append(
                f"The run stopped ({reason}); {changed} of {total} fraudsters were {verb} before it stopped"
                " (see changed_fraudster_ids)."
            )
        if failures:
            counts = by_code(failure["code"] for failure in failures)
            handled = total - len(failures)
            partly = sum(1 for record in self.records if record.failure is not None and record.done)
            rest = (
                f" The other {handled} were handled ({changed} {verb}, {handled - changed} needed nothing);"
                " a rerun retries only the failed ones."
                if handled
                else ""
            )
            if partly:
                rest += f" {partly} of the failed had some of their writes made (see writes_made in failures)."
            parts.append(
                f"{len(failures)} of {total} fraudsters in {where} could not be {verb}: {counts} (see failures).{rest}"
            )
        return " ".join(parts)
