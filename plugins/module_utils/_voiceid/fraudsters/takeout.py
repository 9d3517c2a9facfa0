# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Taking every fraudster out of one watchlist, for a forced deletion of that watchlist (voiceid_watchlist's
`force`): a fraudster that belongs to another watchlist too is disassociated from this one; a fraudster that
belongs to this one only is deleted (DeleteFraudster, an erasure of its voiceprint), as the service allows no
fraudster without a watchlist."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ..api.errors import ApiError
from ..api.watchlist_client import WatchlistClient
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from .plan import DELETE
from .plan import STATE_ABSENT
from .plan import decide_take_out
from .run import run_fraudsters


@dataclass
class TakeOutResult:
    """What taking the fraudsters out of a watchlist did (in check mode: would do). Ids only in these keys,
    never in a message.

    disassociated: the fraudsters taken out of the watchlist (they stay in their other watchlists);
    deleted: the fraudsters deleted (the watchlist was their only one);
    failures: [{fraudster_id, code, message}] for the fraudsters still in the watchlist (or not known to be out);
    answers_lost: how many writes were confirmed by a later answer, their own lost;
    abort: why the run stopped early (a domain-wide error, an unreachable endpoint, a signal), None if it did not.
    """

    disassociated: List[str] = field(default_factory=list)
    deleted: List[str] = field(default_factory=list)
    failures: List[Dict[str, Any]] = field(default_factory=list)
    answers_lost: int = 0
    abort: Optional[ApiError] = None

    @property
    def changed(self) -> bool:
        return bool(self.disassociated or self.deleted)


def take_out_of_watchlist(
    client: WatchlistClient,
    domain_id: str,
    watchlist_id: str,
    check_mode: bool,
    journal: AnyJournal = NO_JOURNAL,
) -> TakeOutResult:
    """Take every fraudster of the watchlist out of it (ListFraudsters with WatchlistId, then for each a
    DescribeFraudster and DisassociateFraudster or DeleteFraudster), journaled and confirmed after lost answers
    as voiceid_fraudster's writes are. One fraudster's failure does not stop the others; the caller deletes the
    watchlist only when `failures` is empty and `abort` is None. Raises VoiceIDError when the fraudsters cannot
    be listed."""
    fraudster_ids = [fraudster["GeneratedFraudsterId"] for fraudster in client.list_fraudsters(domain_id, watchlist_id)]
    run = run_fraudsters(
        client,
        domain_id,
        fraudster_ids,
        STATE_ABSENT,
        functools.partial(decide_take_out, watchlist_id=watchlist_id),
        check_mode,
        journal,
    )
    result = TakeOutResult(failures=run.failures, answers_lost=run.answers_lost, abort=run.abort)
    for record in run.records:
        if record.changed:
            deleted = any(call.operation == DELETE for call in record.done)
            (result.deleted if deleted else result.disassociated).append(record.fraudster_id)
    return result
