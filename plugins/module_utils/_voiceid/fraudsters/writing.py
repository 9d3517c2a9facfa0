# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Writing for a fraudster run: one AssociateFraudster, DisassociateFraudster or DeleteFraudster, journaled,
and what its answer means (the fraudster as written; deleted meanwhile by someone else; done though its answer
was lost; failed), decided once in `after_failure`, as speakers/writing.py does for speakers."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional
from typing import Tuple

from ..api.errors import ApiError
from ..api.errors import VoiceIDError
from ..api.errors import journal_unwritable
from ..api.operations import api_name
from ..api.watchlist_client import ApiFraudster
from ..api.watchlist_client import WatchlistClient
from ..bulk.failed import Failed
from ..bulk.failed import journal_meaning
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from .plan import ASSOCIATE
from .plan import DELETE
from .plan import DISASSOCIATE
from .plan import Call

# What a deletion of a fraudster that was missing before any attempt was sent ends in.
GONE_BEFORE_SENT = ApiError(
    "ResourceNotFoundException", "the fraudster was deleted meanwhile", resource_type="FRAUDSTER"
)


def _keys(fraudster_id: str, call: Call) -> Dict[str, Any]:
    """The journal line's keys beside operation and domain_id."""
    keys: Dict[str, Any] = {"fraudster_id": fraudster_id}
    if call.watchlist_id is not None:
        keys["watchlist_id"] = call.watchlist_id
    return keys


def write(
    client: WatchlistClient, call: Call, domain_id: str, fraudster_id: str, journal: AnyJournal = NO_JOURNAL
) -> Optional[ApiFraudster]:
    """Make the write; the fraudster as the service answered, None once deleted. The journal gets `sent` before
    the request leaves and `done` once the service answered it; a write that ends in an error is journaled by
    settle(), once after_failure() has told what it means."""
    name = api_name(call.operation)
    keys = _keys(fraudster_id, call)
    try:
        journal.sent(name, domain_id, None, **keys)
    except OSError as error:
        raise journal_unwritable(error) from error
    answer: Optional[ApiFraudster]
    if call.operation == DELETE:
        if not client.delete_fraudster(domain_id, fraudster_id):
            # Missing before any attempt was sent: someone else deleted it; settle() journals it `failed`.
            raise VoiceIDError("Failed to delete fraudster", api_error=GONE_BEFORE_SENT)
        answer = None
    elif call.operation == ASSOCIATE:
        answer = client.associate_fraudster(domain_id, fraudster_id, call.watchlist_id or "")
    elif call.operation == DISASSOCIATE:
        answer = client.disassociate_fraudster(domain_id, fraudster_id, call.watchlist_id or "")
    else:
        raise ValueError(f"not a fraudster write: {call.operation}")
    journal.done(name, domain_id, None, **keys)
    return answer


def after_failure(
    client: WatchlistClient, call: Call, domain_id: str, fraudster_id: str, error: ApiError
) -> Tuple[Failed, Optional[ApiFraudster]]:
    """What a failed write means, and the fraudster as it now is (None: gone, or not read).

    A write that may have been carried out is never taken as "not done" on the strength of a later answer: a
    deletion whose retry finds the fraudster missing made it go (the run read it before it sent the deletion);
    an association or disassociation is confirmed by reading the fraudster once (DescribeFraudster), and is
    done if the fraudster's watchlists show its effect."""
    if call.operation == DELETE and error.deleted_before_sent("FRAUDSTER"):
        return Failed.DELETED_MEANWHILE, None
    if call.operation == DELETE and error.deleted_by_lost_attempt("FRAUDSTER"):
        return Failed.ANSWER_LOST, None
    if not error.outcome_unknown or error.ends_run:
        return Failed.FAILED, None
    try:
        current = client.describe_fraudster(domain_id, fraudster_id)
    except VoiceIDError:
        return Failed.FAILED, None
    if call.operation == DELETE:
        return (Failed.ANSWER_LOST, None) if current is None else (Failed.FAILED, None)
    if current is None:
        return Failed.FAILED, None
    member = call.watchlist_id in current.get("WatchlistIds", [])
    if member == (call.operation == ASSOCIATE):
        return Failed.ANSWER_LOST, current
    return Failed.FAILED, None


def settle(
    client: WatchlistClient,
    call: Call,
    domain_id: str,
    fraudster_id: str,
    error: ApiError,
    journal: AnyJournal = NO_JOURNAL,
) -> Tuple[Failed, Optional[ApiFraudster]]:
    """after_failure(), journaled: a write confirmed although its answer was lost is `done` (confirmed_by
    "retry" when the retry of a deletion found the fraudster gone, "read" when DescribeFraudster showed its
    effect; answer_lost); any other is `failed` with its code, and `outcome_unknown` when it may still have been
    carried out (its `sent` line stands for it)."""
    meaning, current = after_failure(client, call, domain_id, fraudster_id, error)
    by_retry = call.operation == DELETE and error.deleted_by_lost_attempt("FRAUDSTER")
    journal_meaning(
        journal, api_name(call.operation), domain_id, meaning, error, by_retry, None, **_keys(fraudster_id, call)
    )
    return meaning, current
