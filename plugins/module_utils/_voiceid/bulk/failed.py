# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""What a write that ended in an error means, for every bulk run (speakers/writing.py and fraudsters/writing.py
decide it, each for its own resource, in their after_failure), and how the journal records it."""

from __future__ import annotations

import enum
from typing import Any
from typing import Optional

from ..api.errors import ApiError
from ..journal import AnyJournal


class Failed(enum.Enum):
    """What a write that ended in an error means."""

    FAILED = "failed"  # not done, or not known to be done
    DELETED_MEANWHILE = "deleted meanwhile"  # a deletion someone else made before this run's: nothing was done
    ANSWER_LOST = "answer lost"  # done: an attempt was carried out, its answer lost, and the effect is confirmed


class Confirmed:
    """What a write answers when its own answer was lost or broken and a later read confirmed its effect (the
    single-resource runs: domains/run.py, watchlists/run.py)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def journal_meaning(
    journal: AnyJournal,
    operation: str,
    domain_id: str,
    meaning: Failed,
    error: ApiError,
    confirmed_by_retry: bool,
    speaker_id: Optional[str] = None,
    **keys: Any,
) -> None:
    """Journal a failed write once its meaning is known: one confirmed although its answer was lost is `done`
    (confirmed_by "retry" when the retry of a deletion found the resource gone, else "read"; answer_lost); any
    other is `failed` with its code, and `outcome_unknown` when it may still have been carried out (its `sent`
    line stands for it). operation: the service's name; keys: the line's other keys (fraudster_id, ...)."""
    if meaning is Failed.ANSWER_LOST:
        how = "retry" if confirmed_by_retry else "read"
        journal.done(operation, domain_id, speaker_id, confirmed_by=how, answer_lost=True, **keys)
    elif meaning is Failed.FAILED and error.outcome_unknown:
        journal.failed(operation, domain_id, speaker_id, error=error.code, outcome_unknown=True, **keys)
    else:
        journal.failed(operation, domain_id, speaker_id, error=error.code, **keys)
