# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Writing for a speaker run and for one speaker: the write operation of the desired state, and what its
answer means (the speaker as written; deleted meanwhile by someone else; done though its answer was lost;
failed). What a failed write means is decided here once (`after_failure`), for both paths."""

from __future__ import annotations

import functools
from typing import Callable
from typing import List
from typing import Optional
from typing import Tuple

from ..api.client import ApiSpeaker
from ..api.client import VoiceIDClient
from ..api.errors import ApiError
from ..api.errors import VoiceIDError
from ..api.errors import journal_unwritable
from ..api.operations import api_name
from ..bulk.failed import Failed
from ..bulk.failed import journal_meaning
from ..bulk.workers import Workers
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from .facts import OPTED_OUT
from .plan import DELETE
from .plan import GOALS
from .shared import SharedLedger


def write(
    client: VoiceIDClient, operation: str, domain_id: str, speaker_id: str, journal: AnyJournal = NO_JOURNAL
) -> Optional[ApiSpeaker]:
    """Make the write (OPT_OUT or DELETE); the speaker as the service answered, None once deleted. The journal
    gets `sent` before the request leaves and `done` once the service answered it; a write that ends in an error
    is journaled by settle(), once after_failure() has told what it means."""
    name = api_name(operation)
    try:
        journal.sent(name, domain_id, speaker_id)
    except OSError as error:
        raise journal_unwritable(error) from error
    if operation == DELETE:
        client.delete_speaker(domain_id, speaker_id)
        answer = None
    else:
        answer = client.opt_out_speaker(domain_id, speaker_id)
    journal.done(name, domain_id, speaker_id)
    return answer


def after_failure(
    client: VoiceIDClient, operation: str, domain_id: str, speaker_id: str, error: ApiError
) -> Tuple[Failed, Optional[ApiSpeaker]]:
    """What a failed write means, and the speaker as it now is (None: gone, or not read).

    A write that may have been carried out (an attempt answered 5xx, timed out or was cut off after it was sent)
    is never taken as "not done" on the strength of a later answer: a deletion whose retry finds the speaker
    missing made that speaker go (the run read it before it sent the deletion); any other such write is
    confirmed by reading the speaker once, and is done if the speaker is in the state the write makes.
    ANSWER_LOST is where a write is confirmed by something other than its own answer: a journal of the writes
    records it `done` (confirmed by the retry's answer, or by the read) when this returns it."""
    if operation == DELETE and error.deleted_before_sent("SPEAKER"):
        return Failed.DELETED_MEANWHILE, None
    if operation == DELETE and error.deleted_by_lost_attempt("SPEAKER"):
        return Failed.ANSWER_LOST, None
    if not error.outcome_unknown or error.ends_run:
        return Failed.FAILED, None
    try:
        current = client.describe_speaker(domain_id, speaker_id)
    except VoiceIDError:
        return Failed.FAILED, None
    if operation == DELETE and current is None:
        return Failed.ANSWER_LOST, None
    if operation != DELETE and current is not None and current.get("Status") == OPTED_OUT:
        return Failed.ANSWER_LOST, current
    return Failed.FAILED, None


def settle(
    client: VoiceIDClient,
    operation: str,
    domain_id: str,
    speaker_id: str,
    error: ApiError,
    journal: AnyJournal = NO_JOURNAL,
) -> Tuple[Failed, Optional[ApiSpeaker]]:
    """after_failure(), journaled: a write confirmed although its answer was lost is `done` (confirmed_by
    "retry" when the retry of a deletion found the speaker gone, "read" when a DescribeSpeaker showed its
    effect; answer_lost); any other is `failed` with its code, and `outcome_unknown` when it may still have
    been carried out (its `sent` line stands for it)."""
    meaning, current = after_failure(client, operation, domain_id, speaker_id, error)
    by_retry = operation == DELETE and error.deleted_by_lost_attempt("SPEAKER")
    journal_meaning(journal, api_name(operation), domain_id, meaning, error, by_retry, speaker_id)
    return meaning, current


class Writer:
    """Makes each write the ledger asks for, on its workers, and reports how it turned out."""

    def __init__(
        self,
        client: VoiceIDClient,
        ledger: SharedLedger,
        state: str,
        latency: Callable[[], float],
        journal: AnyJournal = NO_JOURNAL,
    ):
        self._client = client
        self._journal = journal
        self._ledger = ledger
        self._operation = GOALS[state].operation
        rate = client.limiter.rate(self._operation) if client.limiter is not None else None
        self._workers = Workers("write", rate, latency)

    def submit(self, speaker_ids: List[str]) -> None:
        for speaker_id in speaker_ids:
            self._workers.submit(functools.partial(self._write, speaker_id))

    def close(self) -> None:
        """Make the writes submitted, then end the threads."""
        self._workers.close()

    def _write(self, speaker_id: str) -> None:
        try:
            answer = write(self._client, self._operation, self._ledger.domain_id, speaker_id, self._journal)
            after = self._ledger.facts(answer) if answer is not None else None
        except VoiceIDError as error:
            api_error = error.api_error
            meaning, current = settle(
                self._client, self._operation, self._ledger.domain_id, speaker_id, api_error, self._journal
            )
            if meaning is Failed.DELETED_MEANWHILE:
                self._ledger.gone(speaker_id)
            elif meaning is Failed.ANSWER_LOST:
                self._ledger.written(speaker_id, self._ledger.facts(current) if current else None, answer_lost=True)
            else:
                self._ledger.write_failed(speaker_id, api_error)
            if api_error.ends_run:
                self._client.stop(api_error)
            return
        except Exception as error:  # pylint: disable=broad-except
            self._ledger.write_failed(speaker_id, ApiError.from_exception(error))
            return
        self._ledger.written(speaker_id, after)
