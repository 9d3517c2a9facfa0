# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""plan_watchlist, the pure decision of voiceid_watchlist: the watchlist now (absent, or present: default or
not, with a description, holding fraudsters or not) x what the task wants (state, description, force) -> the
calls, or the error the service would answer, before any write."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import CREATE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import DELETE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import TAKE_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import UPDATE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import NonEmptyWatchlistError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import WantedWatchlist
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import diff_view
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import plan_watchlist
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import predicted

NAME = "secretName7"  # a marker: watchlist names are sensitive, no message may hold one
WATCHLIST_ID = "W" * 22
DOMAIN_ID = "D" * 22


def now(default: bool = False, description: Optional[str] = "desc") -> Dict[str, Any]:
    facts: Dict[str, Any] = {
        "watchlist_id": WATCHLIST_ID,
        "name": NAME,
        "default_watchlist": default,
        "domain_id": DOMAIN_ID,
        "created_at": "2024-11-05T10:00:00+00:00",
        "updated_at": "2025-02-01T08:15:00+00:00",
    }
    if description is not None:
        facts["description"] = description
    return facts


def wanted(state: str = "present", description: Optional[str] = None, force: bool = False) -> WantedWatchlist:
    return WantedWatchlist(NAME, state=state, description=description, force=force)


DEFAULT_DELETE = "the domain's default watchlist (" + WATCHLIST_ID + "), which Voice ID cannot delete"
DEFAULT_CHANGE = "whose description Voice ID cannot change"
NON_EMPTY = "holds fraudsters, and Voice ID does not delete a watchlist that holds fraudsters"

# id, the watchlist now (None: absent), holds fraudsters (None: not read), what the task wants -> the calls (a
# tuple) or the start of the error's message (a str)
TABLE = [
    # absent now
    ("absent-present", None, None, wanted(), (CREATE,)),
    ("absent-present-description", None, None, wanted(description="new"), (CREATE,)),
    ("absent-present-force", None, None, wanted(force=True), (CREATE,)),
    ("absent-absent", None, None, wanted("absent"), ()),
    ("absent-absent-force", None, None, wanted("absent", force=True), ()),
    # present now, not the default
    ("present-present", now(), None, wanted(), ()),
    ("present-present-same-description", now(), None, wanted(description="desc"), ()),
    ("present-present-other-description", now(), None, wanted(description="new"), (UPDATE,)),
    ("present-no-description-present-description", now(description=None), None, wanted(description="new"), (UPDATE,)),
    ("present-present-force", now(), True, wanted(force=True), ()),
    ("present-empty-absent", now(), False, wanted("absent"), (DELETE,)),
    ("present-empty-absent-force", now(), False, wanted("absent", force=True), (DELETE,)),
    ("present-unknown-absent", now(), None, wanted("absent"), (DELETE,)),
    ("present-unknown-absent-force", now(), None, wanted("absent", force=True), (TAKE_OUT, DELETE)),
    ("present-non-empty-absent", now(), True, wanted("absent"), NON_EMPTY),
    ("present-non-empty-absent-force", now(), True, wanted("absent", force=True), (TAKE_OUT, DELETE)),
    ("present-non-empty-absent-description", now(), True, wanted("absent", description="x"), NON_EMPTY),
    # the default watchlist
    ("default-present", now(default=True), None, wanted(), ()),
    ("default-present-same-description", now(default=True), None, wanted(description="desc"), ()),
    ("default-present-other-description", now(default=True), None, wanted(description="new"), DEFAULT_CHANGE),
    ("default-absent", now(default=True), None, wanted("absent"), DEFAULT_DELETE),
    ("default-empty-absent", now(default=True), False, wanted("absent"), DEFAULT_DELETE),
    ("default-non-empty-absent-force", now(default=True), True, wanted("absent", force=True), DEFAULT_DELETE),
]


@pytest.mark.parametrize("current, holds, task, expected", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_plan(current: Optional[Dict[str, Any]], holds: Optional[bool], task: WantedWatchlist, expected: Any) -> None:
    if isinstance(expected, str):
        with pytest.raises(InvalidParameterError) as raised:
            plan_watchlist(current, task, holds)
        message = str(raised.value)
        assert expected in message
        assert NAME not in message
        assert "nothing was changed" in message
        assert isinstance(raised.value, NonEmptyWatchlistError) == (expected == NON_EMPTY)
        if expected == NON_EMPTY:
            assert "CANNOT_DELETE_NON_EMPTY_WATCHLIST" in message and "force" in message
        return
    plan = plan_watchlist(current, task, holds)
    assert plan.calls == expected
    assert plan.changed == bool(expected)
    if expected in ((CREATE,), (UPDATE,)):
        assert plan.description == task.description


PREDICTIONS: Dict[str, Tuple[Optional[Dict[str, Any]], Optional[Dict[str, Any]]]] = {
    # id: (the prediction, its diff view)
    "absent-present-description": (
        {"name": NAME, "description": "new", "default_watchlist": False, "domain_id": DOMAIN_ID},
        {"name": NAME, "description": "new"},
    ),
    "absent-present": ({"name": NAME, "default_watchlist": False, "domain_id": DOMAIN_ID}, {"name": NAME}),
    "present-present-other-description": (
        {key: value for key, value in now(description="new").items() if key != "updated_at"},
        {"name": NAME, "watchlist_id": WATCHLIST_ID, "description": "new"},
    ),
    "present-present": (now(), {"name": NAME, "watchlist_id": WATCHLIST_ID, "description": "desc"}),
    "present-empty-absent": (None, {}),
    "present-non-empty-absent-force": (None, {}),
}


@pytest.mark.parametrize("case", sorted(PREDICTIONS))
def test_check_mode_predicts_what_the_plan_leaves(case: str) -> None:
    _id, current, holds, task, _calls = next(row for row in TABLE if row[0] == case)
    plan = plan_watchlist(current, task, holds)

    after = predicted(current, plan, NAME, DOMAIN_ID)

    assert (after, diff_view(after)) == PREDICTIONS[case]
