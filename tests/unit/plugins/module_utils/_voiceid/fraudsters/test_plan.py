# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure decisions of fraudsters/plan.py, as tables: membership now x wanted x purge x state -> calls."""

from __future__ import annotations

from typing import FrozenSet
from typing import List
from typing import Optional
from typing import Tuple

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import ASSOCIATE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import DELETE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import DISASSOCIATE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import STATE_PRESENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import Call
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import decide
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import decide_take_out
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import predicted

Set = Optional[FrozenSet[str]]
A, B, C = "A" * 22, "B" * 22, "C" * 22


def s(*ids: str) -> FrozenSet[str]:
    return frozenset(ids)


def calls(*pairs: Tuple[str, Optional[str]]) -> List[Call]:
    return [Call(operation, watchlist_id) for operation, watchlist_id in pairs]


# (state, now, wanted, purge) -> calls (None: the fraudster's failure, missing)
TABLE = [
    # absent: a deletion of a fraudster that exists, whatever its membership and the other options
    (STATE_ABSENT, None, None, False, []),
    (STATE_ABSENT, s(A), None, False, calls((DELETE, None))),
    (STATE_ABSENT, s(A, B), s(A), False, calls((DELETE, None))),
    (STATE_ABSENT, None, s(A), True, []),
    # present without watchlists: only that the fraudster exists
    (STATE_PRESENT, s(A), None, False, []),
    (STATE_PRESENT, None, None, False, None),
    (STATE_PRESENT, None, s(A), False, None),
    (STATE_PRESENT, None, s(A), True, None),
    # present with watchlists, no purge: only associations
    (STATE_PRESENT, s(A), s(A), False, []),
    (STATE_PRESENT, s(A), s(B), False, calls((ASSOCIATE, B))),
    (STATE_PRESENT, s(A), s(C, B), False, calls((ASSOCIATE, B), (ASSOCIATE, C))),
    (STATE_PRESENT, s(A, B), s(B), False, []),
    (STATE_PRESENT, s(A), s(), False, []),
    # purge: associations first, then disassociations
    (STATE_PRESENT, s(A), s(A), True, []),
    (STATE_PRESENT, s(A, B), s(A), True, calls((DISASSOCIATE, B))),
    (STATE_PRESENT, s(A), s(B), True, calls((ASSOCIATE, B), (DISASSOCIATE, A))),
    (STATE_PRESENT, s(A, B), s(C), True, calls((ASSOCIATE, C), (DISASSOCIATE, A), (DISASSOCIATE, B))),
    (STATE_PRESENT, s(A, B, C), s(B), True, calls((DISASSOCIATE, A), (DISASSOCIATE, C))),
]


@pytest.mark.parametrize(("state", "now", "wanted", "purge", "expected"), TABLE)
def test_decide(state: str, now: Set, wanted: Set, purge: bool, expected: Optional[List[Call]]) -> None:
    decision = decide(state, now, wanted, purge)
    if expected is None:
        assert decision.failure is not None
        assert decision.failure.code == "ResourceNotFoundException"
        assert decision.failure.resource_type == "FRAUDSTER"
        assert decision.calls == ()
        assert not decision.changed
        return
    assert decision.failure is None
    assert list(decision.calls) == expected
    assert decision.changed == bool(expected)


@pytest.mark.parametrize(("state", "now", "wanted", "purge", "expected"), TABLE)
def test_no_decision_leaves_a_fraudster_in_no_watchlist(
    state: str, now: Set, wanted: Set, purge: bool, expected: Optional[List[Call]]
) -> None:
    """After each call in order, a fraudster that still exists is in at least one watchlist."""
    before = None if now is None else {"watchlist_ids": sorted(now)}
    done: List[Call] = []
    for call in decide(state, now, wanted, purge).calls:
        done.append(call)
        after = predicted(before, tuple(done))
        assert after is None or after["watchlist_ids"]


def test_purge_to_no_watchlist_is_refused() -> None:
    """purge_watchlists with no watchlists: an option error (raised before any call by the task)."""
    with pytest.raises(ValueError, match="at least one"):
        decide(STATE_PRESENT, s(A), s(), True)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (None, []),
        (s(B), []),
        (s(A), calls((DELETE, None))),
        (s(A, B), calls((DISASSOCIATE, A))),
        (s(A, B, C), calls((DISASSOCIATE, A))),
    ],
)
def test_decide_take_out(now: Set, expected: List[Call]) -> None:
    """Out of watchlist A: disassociated when in another watchlist too, deleted when A is its only one."""
    assert list(decide_take_out(now, A).calls) == expected


def test_predicted_membership() -> None:
    before = {"generated_fraudster_id": "id#" + "x" * 22, "watchlist_ids": [A, B]}
    assert predicted(before, tuple(calls((ASSOCIATE, C), (DISASSOCIATE, A))))["watchlist_ids"] == [B, C]
    assert predicted(before, tuple(calls((DELETE, None)))) is None
    assert predicted(None, ()) is None
