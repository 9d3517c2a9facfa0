# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Bringing one watchlist of a domain, found by its name, to the state a task describes: find (ListWatchlists;
for a deletion, whether it holds fraudsters: one page of ListFraudsters) -> plan (plan.py, a pure function) ->
act (not in check mode), each write journaled and, when its answer is lost or broken, confirmed by a read ->
report."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple
from typing import TypeVar

from ..api.errors import MALFORMED_RESPONSE
from ..api.errors import VoiceIDError
from ..api.errors import journal_unwritable
from ..api.operations import WATCHLISTS_PER_DOMAIN
from ..api.watchlist_client import WatchlistClient
from ..bulk.failed import Confirmed
from ..bulk.summary import by_code
from ..fraudsters.takeout import TakeOutResult
from ..fraudsters.takeout import take_out_of_watchlist
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from ..rules import InvalidParameterError
from .facts import watchlist_facts
from .plan import ABSENT
from .plan import CREATE
from .plan import DELETE
from .plan import TAKE_OUT
from .plan import UPDATE
from .plan import WantedWatchlist
from .plan import WatchlistFacts
from .plan import WatchlistPlan
from .plan import diff_view
from .plan import is_default
from .plan import plan_watchlist
from .plan import predicted

T = TypeVar("T")


def fraudsters(count: int) -> str:
    return f"{count} fraudster" if count == 1 else f"{count} fraudsters"


@dataclass
class WatchlistOutcome:
    before: Optional[WatchlistFacts]
    after: Optional[WatchlistFacts]
    writes: List[str] = field(default_factory=list)  # the API calls that changed something, in order
    planned: bool = False  # check mode: the plan would change something
    answer_lost: bool = False  # the deletion was done, its answer lost (see delete_confirmed)
    taken_out: Optional[TakeOutResult] = None  # force: the fraudsters taken out (check mode: would be)

    @property
    def changed(self) -> bool:
        return self.planned or bool(self.writes) or (self.taken_out is not None and self.taken_out.changed)

    def result(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {
            "changed": self.changed,
            "watchlist": self.after if self.after is not None else (self.before or {}),
        }
        if self.answer_lost:
            result["answer_lost"] = True
        if self.taken_out is not None:
            result["disassociated_fraudster_ids"] = list(self.taken_out.disassociated)
            result["deleted_fraudster_ids"] = list(self.taken_out.deleted)
            result["failures"] = list(self.taken_out.failures)
        return result

    def taken_out_text(self, check_mode: bool) -> Optional[str]:
        """What taking the fraudsters out did (or would do), in counts: for msg (never an id)."""
        taken = self.taken_out
        if taken is None or self.before is None:
            return None
        verb = "would take" if check_mode else "took"
        return (
            f"{verb} {fraudsters(len(taken.disassociated) + len(taken.deleted))} out of watchlist"
            f" {self.before.get('watchlist_id')}: {len(taken.disassociated)} disassociated (they"
            f" stay in their other watchlists), {len(taken.deleted)} deleted (it was their only watchlist)"
        )

    def diff(self) -> Dict[str, Any]:
        return {"before": diff_view(self.before), "after": diff_view(self.after)}


class WatchlistChangeError(Exception):
    """The task failed after it had changed something: the result must still say what was written."""

    def __init__(self, message: str, outcome: WatchlistOutcome) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome


def the_one_named(watchlists: List[WatchlistFacts], name: str, domain_id: str) -> Optional[WatchlistFacts]:
    """The watchlist of watchlists that has this name, None when none has. Raises InvalidParameterError when
    more than one has it (the service keeps names unique in a domain)."""
    found = [watchlist for watchlist in watchlists if watchlist.get("name") == name]
    if len(found) > 1:
        raise InvalidParameterError(
            f"{len(found)} watchlists of domain {domain_id} have the name the task gives (ids"
            f" {', '.join(str(watchlist.get('watchlist_id')) for watchlist in found)}), which Voice ID keeps unique;"
            " nothing was changed"
        )
    return found[0] if found else None


def the_watchlist_named(client: WatchlistClient, domain_id: str, name: str) -> Optional[WatchlistFacts]:
    """The facts of the domain's watchlist of this name (ListWatchlists, all pages); None when there is none."""
    return the_one_named([watchlist_facts(item) for item in client.list_watchlists(domain_id)], name, domain_id)


def the_watchlist(client: WatchlistClient, domain_id: str, watchlist_id: str) -> Optional[WatchlistFacts]:
    """The facts of the watchlist with this id, None when there is none: read with ListWatchlists, the read the
    task makes anyway (so that its permissions stay those of its ordinary run)."""
    for item in client.list_watchlists(domain_id):
        if item.get("WatchlistId") == watchlist_id:
            return watchlist_facts(item)
    return None


def holds_fraudsters(client: WatchlistClient, domain_id: str, watchlist_id: str) -> bool:
    """Whether the watchlist holds at least one fraudster: the first page of its ListFraudsters."""
    return next(iter(client.list_fraudsters(domain_id, watchlist_id)), None) is not None


def confirmed(
    write: Callable[[], Any],
    operation: str,
    confirm: Callable[[], Optional[WatchlistFacts]],
    done: Callable[[WatchlistFacts], bool],
    outcome: WatchlistOutcome,
    warnings: List[str],
) -> Any:
    """The write's answer; or, when that answer was lost (the write may have been carried out: a 5xx, a read
    timeout, a connection closed after sending) or answered 200 without the watchlist (carried out), a read of
    the watchlist (confirm) that shows the write (done): Confirmed(the watchlist as read). A lost answer whose
    effect the read does not show fails with the write's own error; a 200 without the watchlist whose effect
    cannot be read fails saying the write was carried out."""
    try:
        return write()
    except VoiceIDError as error:
        api_error = error.api_error
        answered = api_error.code == MALFORMED_RESPONSE
        if not answered and (api_error.ends_run or not api_error.outcome_unknown):
            raise
        try:
            after = confirm()
        except VoiceIDError:
            after = None
        if after is None or not done(after):
            if answered:
                outcome.writes.append(operation)
                raise WatchlistChangeError(
                    f"{error}. The service answered {operation} with success, so it was carried out, but the"
                    " watchlist could not be read again to show it",
                    outcome,
                ) from error
            raise
        how = "was answered without the watchlist" if answered else "lost its answer"
        warnings.append(f"{operation} {how} ({api_error.code}); the watchlist was read again and shows the change")
        return Confirmed(after)


def delete_confirmed(client: WatchlistClient, domain_id: str, watchlist_id: str) -> Any:
    """DeleteWatchlist: False when the watchlist was already gone; Confirmed(True) when an attempt may have
    been carried out (answered 5xx, timed out, cut off) and the watchlist is then found gone, by the retry's
    ResourceNotFoundException or by one read of the watchlists: this run deleted it, its answer was lost."""
    try:
        return client.delete_watchlist(domain_id, watchlist_id)
    except VoiceIDError as error:
        if error.api_error.deleted_by_lost_attempt("WATCHLIST"):
            return Confirmed(True)
        if not error.api_error.outcome_unknown or error.api_error.ends_run:
            raise
        try:
            gone = the_watchlist(client, domain_id, watchlist_id) is None
        except VoiceIDError:
            gone = False
        if not gone:
            raise
        return Confirmed(True)


class Journaled:
    """Makes the writes of a task about the watchlist called name, in domain domain_id, journaled: `sent`
    before each leaves; `done` once answered (with the id the answer gives a new watchlist; confirmed_by "read"
    when a read confirmed a write whose answer was lost), or `failed` with its code (DeleteWatchlist answers
    False when the watchlist was gone: ResourceNotFoundException)."""

    def __init__(self, journal: AnyJournal, domain_id: str, name: str) -> None:
        self.journal = journal
        self.domain_id = domain_id
        self.name = name

    def __call__(self, operation: str, watchlist_id: Optional[str], call: Callable[[], T]) -> T:
        keys = {"watchlist_id": watchlist_id, "name": self.name}
        try:
            self.journal.sent(operation, self.domain_id, **keys)
        except OSError as error:
            raise journal_unwritable(error) from error
        try:
            result = call()
        except VoiceIDError as error:
            self.journal.failed(operation, self.domain_id, error=error.api_error.code, **keys)
            raise
        if result is False:
            self.journal.failed(operation, self.domain_id, error="ResourceNotFoundException", **keys)
        elif isinstance(result, Confirmed):
            value = result.value
            keys["watchlist_id"] = value.get("watchlist_id", watchlist_id) if isinstance(value, dict) else watchlist_id
            extra: Dict[str, Any] = {"answer_lost": True} if operation == DELETE else {}
            self.journal.done(operation, self.domain_id, confirmed_by="read", **keys, **extra)
        else:
            if isinstance(result, dict) and result.get("WatchlistId"):
                keys["watchlist_id"] = str(result["WatchlistId"])
            self.journal.done(operation, self.domain_id, **keys)
        return result


def take_out(
    client: WatchlistClient, domain_id: str, outcome: WatchlistOutcome, check_mode: bool, journal: AnyJournal
) -> TakeOutResult:
    """Every fraudster of the watchlist taken out of it (fraudsters/takeout.py), before its forced deletion.
    Raises WatchlistChangeError, the watchlist left in place, when one could not be taken out or the run stopped
    (outcome.taken_out says which were and which failed, by id; the message only counts and codes)."""
    if outcome.before is None:
        raise AssertionError("before is set by the plan")
    watchlist_id = str(outcome.before["watchlist_id"])
    outcome.taken_out = taken = take_out_of_watchlist(client, domain_id, watchlist_id, check_mode, journal)
    if not taken.failures and taken.abort is None:
        return taken
    problems = [by_code(str(failure.get("code")) for failure in taken.failures)] if taken.failures else []
    if taken.abort is not None:
        problems.append(f"the run stopped at {taken.abort.code}")
    raise WatchlistChangeError(
        f"{fraudsters(len(taken.failures))} could not be taken out of watchlist {watchlist_id} ({', '.join(problems)};"
        f" see failures), so it was not deleted. The task {outcome.taken_out_text(check_mode)}",
        outcome,
    )


def quota_warning(plan: WatchlistPlan, count: int) -> List[str]:
    """A warning before a creation the default quota refuses."""
    if CREATE not in plan.calls or count < WATCHLISTS_PER_DOMAIN:
        return []
    return [
        f"the domain already holds {count} watchlists, the default one included; the default quota is"
        f" {WATCHLISTS_PER_DOMAIN} per domain, so creating another fails unless AWS raised it"
    ]


class WatchlistRun:
    """One task of voiceid_watchlist, in the domain domain_id."""

    def __init__(
        self,
        client: WatchlistClient,
        domain_id: str,
        wanted: WantedWatchlist,
        check_mode: bool,
        journal: AnyJournal = NO_JOURNAL,
    ) -> None:
        self.client = client
        self.domain_id = domain_id
        self.wanted = wanted
        self.check_mode = check_mode
        self.journal = journal
        self._journaled = Journaled(journal, domain_id, wanted.name)
        self.warnings: List[str] = []  # for the task's result, whether the run succeeds or fails

    def _read(self) -> Tuple[Optional[WatchlistFacts], int, Optional[bool]]:
        """The watchlist of the name (or None), how many watchlists the domain holds, and for a deletion
        whether it holds fraudsters (None when not asked)."""
        watchlists = [watchlist_facts(item) for item in self.client.list_watchlists(self.domain_id)]
        current = the_one_named(watchlists, self.wanted.name, self.domain_id)
        if self.wanted.state != ABSENT or current is None or is_default(current):
            return current, len(watchlists), None
        watchlist_id = str(current["watchlist_id"])
        try:
            return current, len(watchlists), holds_fraudsters(self.client, self.domain_id, watchlist_id)
        except VoiceIDError as error:
            if error.api_error.missing_resource != "WATCHLIST":
                raise
            self.warnings.append(
                f"watchlist {watchlist_id} was deleted by another writer while this task read it"
                f" ({error.api_error.code} from ListFraudsters); it is absent, as the task asks"
            )
            return None, len(watchlists) - 1, None

    def run(self) -> WatchlistOutcome:
        before, count, holds = self._read()
        plan = plan_watchlist(before, self.wanted, holds)
        outcome = WatchlistOutcome(before=before, after=before)
        self.warnings.extend(quota_warning(plan, count))
        if self.check_mode:
            if TAKE_OUT in plan.calls:
                outcome.taken_out = take_out(self.client, self.domain_id, outcome, True, self.journal)
            outcome.planned = plan.changed
            outcome.after = predicted(before, plan, self.wanted.name, self.domain_id)
            return outcome
        try:
            self._act(plan, outcome)
        except VoiceIDError as error:
            if outcome.taken_out is None or not outcome.taken_out.changed:
                raise
            raise WatchlistChangeError(f"{error} (after the task {outcome.taken_out_text(False)})", outcome) from error
        return outcome

    def _act(self, plan: WatchlistPlan, outcome: WatchlistOutcome) -> None:
        if CREATE in plan.calls:
            self._create(plan, outcome)
        elif UPDATE in plan.calls:
            self._update(plan, outcome)
        elif DELETE in plan.calls:
            if TAKE_OUT in plan.calls:
                outcome.taken_out = take_out(self.client, self.domain_id, outcome, False, self.journal)
            self._delete(outcome)

    def _create(self, plan: WatchlistPlan, outcome: WatchlistOutcome) -> None:
        token = str(uuid.uuid4())  # one token for every attempt of this request: a retry creates one watchlist
        write = functools.partial(
            self.client.create_watchlist, self.domain_id, self.wanted.name, token, plan.description
        )
        confirm = functools.partial(the_watchlist_named, self.client, self.domain_id, self.wanted.name)
        created = self._journaled(
            CREATE, None, lambda: confirmed(write, CREATE, confirm, lambda after: True, outcome, self.warnings)
        )
        outcome.writes.append(CREATE)
        outcome.after = created.value if isinstance(created, Confirmed) else watchlist_facts(created)

    def _update(self, plan: WatchlistPlan, outcome: WatchlistOutcome) -> None:
        if outcome.before is None:
            raise AssertionError("before is set by the plan")
        watchlist_id = str(outcome.before["watchlist_id"])
        write = functools.partial(
            self.client.update_watchlist, self.domain_id, watchlist_id, description=plan.description
        )
        confirm = functools.partial(the_watchlist, self.client, self.domain_id, watchlist_id)
        shows = functools.partial(lambda description, after: after.get("description") == description, plan.description)
        updated = self._journaled(
            UPDATE, watchlist_id, lambda: confirmed(write, UPDATE, confirm, shows, outcome, self.warnings)
        )
        outcome.writes.append(UPDATE)
        outcome.after = updated.value if isinstance(updated, Confirmed) else watchlist_facts(updated)

    def _delete(self, outcome: WatchlistOutcome) -> None:
        """DeleteWatchlist; a deletion whose answer was lost and whose effect is found is this run's."""
        if outcome.before is None:
            raise AssertionError("before is set by the plan")
        watchlist_id = str(outcome.before["watchlist_id"])
        deleted = self._journaled(
            DELETE, watchlist_id, functools.partial(delete_confirmed, self.client, self.domain_id, watchlist_id)
        )
        if isinstance(deleted, Confirmed):
            deleted = outcome.answer_lost = True
        outcome.after = None
        if deleted:
            outcome.writes.append(DELETE)
