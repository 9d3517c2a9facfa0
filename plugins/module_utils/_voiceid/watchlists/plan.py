# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The pure decision of voiceid_watchlist: given the watchlist as it is (its facts, or None), whether it holds
fraudsters, and what the task wants, what to call (plan_watchlist, or InvalidParameterError for what the service
would refuse), what check mode predicts (predicted), and the parts --diff shows (diff_view). No I/O: the run
(run.py) finds, acts and confirms.

Messages never name the watchlist by its name (botocore marks watchlist names sensitive): by its id, or as
"the watchlist the task names"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

from ..rules import InvalidParameterError

PRESENT = "present"
ABSENT = "absent"

# The steps of a plan, in the order the run takes them. TAKE_OUT: every fraudster of the watchlist taken out of
# it (fraudsters/takeout.py), before the deletion of a watchlist that holds fraudsters (force).
CREATE = "CreateWatchlist"
UPDATE = "UpdateWatchlist"
TAKE_OUT = "TakeOutFraudsters"
DELETE = "DeleteWatchlist"

# What the service answers a deletion of a watchlist that holds fraudsters (ConflictException).
NON_EMPTY = "CANNOT_DELETE_NON_EMPTY_WATCHLIST"

WatchlistFacts = Dict[str, Any]


@dataclass(frozen=True)
class WantedWatchlist:
    """What the task asks for. description None keeps the current one. force: take the fraudsters out of a
    watchlist that holds some before deleting it."""

    name: str
    state: str = PRESENT
    description: Optional[str] = None
    force: bool = False


@dataclass(frozen=True)
class WatchlistPlan:
    calls: Tuple[str, ...] = ()
    description: Optional[str] = None  # what CreateWatchlist / UpdateWatchlist send (None: none)

    @property
    def changed(self) -> bool:
        return bool(self.calls)


class NonEmptyWatchlistError(InvalidParameterError):
    """The watchlist to delete holds fraudsters and the task does not force its deletion."""


def is_default(current: Optional[WatchlistFacts]) -> bool:
    return bool(current and current.get("default_watchlist"))


def plan_watchlist(
    current: Optional[WatchlistFacts], wanted: WantedWatchlist, holds_fraudsters: Optional[bool] = None
) -> WatchlistPlan:
    """What to call to go from current (the watchlist's facts, None when the domain has none of the name) to
    wanted. holds_fraudsters: whether the watchlist holds fraudsters (None: not known; the service then
    answers for it).

    Raises InvalidParameterError, before any write, for what the service refuses: deleting or changing the
    domain's default watchlist, and (NonEmptyWatchlistError) deleting a watchlist that holds fraudsters
    without force.
    """
    if wanted.state == ABSENT:
        if current is None:
            return WatchlistPlan()
        watchlist_id = current.get("watchlist_id")
        if is_default(current):
            raise InvalidParameterError(
                f"the watchlist the task names is the domain's default watchlist ({watchlist_id}), which Voice ID"
                " cannot delete; nothing was changed"
            )
        if holds_fraudsters and not wanted.force:
            raise NonEmptyWatchlistError(
                f"watchlist {watchlist_id} holds fraudsters, and Voice ID does not delete a watchlist that holds"
                f" fraudsters (ConflictException, conflict type {NON_EMPTY}); nothing was changed. Set force to"
                " take them out first (a fraudster in no other watchlist is then deleted)"
            )
        return WatchlistPlan((TAKE_OUT, DELETE) if wanted.force and holds_fraudsters is not False else (DELETE,))
    if current is None:
        return WatchlistPlan((CREATE,), description=wanted.description)
    if wanted.description is None or wanted.description == current.get("description"):
        return WatchlistPlan(description=current.get("description"))
    if is_default(current):
        raise InvalidParameterError(
            f"the watchlist the task names is the domain's default watchlist ({current.get('watchlist_id')}),"
            " whose description Voice ID cannot change; nothing was changed"
        )
    return WatchlistPlan((UPDATE,), description=wanted.description)


def predicted(
    current: Optional[WatchlistFacts], plan: WatchlistPlan, name: str, domain_id: str
) -> Optional[WatchlistFacts]:
    """The watchlist as the plan would leave it, for check mode (None once deleted): what only the service can
    know (a new id, times) is left out."""
    if DELETE in plan.calls:
        return None
    if CREATE in plan.calls:
        after: WatchlistFacts = {"name": name, "default_watchlist": False, "domain_id": domain_id}
        if plan.description:
            after["description"] = plan.description
        return after
    if UPDATE not in plan.calls:
        return None if current is None else dict(current)
    if current is None:
        raise AssertionError("current is set by the plan")
    after = {key: value for key, value in current.items() if key != "updated_at"}
    after["description"] = plan.description
    return after


def diff_view(facts: Optional[WatchlistFacts]) -> Dict[str, Any]:
    """The parts of a watchlist that a task manages, for --diff."""
    if not facts:
        return {}
    return {key: facts[key] for key in ("name", "watchlist_id", "description") if facts.get(key) is not None}
