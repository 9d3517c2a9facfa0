# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Writing for a speaker run and for one speaker: the write operation of the desired state, and what its
answer means (the speaker as written; deleted meanwhile by someone else; failed)."""

from __future__ import annotations

import functools
from typing import Callable
from typing import List
from typing import Optional

from ..api.client import ApiSpeaker
from ..api.client import VoiceIDClient
from ..api.errors import INTERRUPTED
from ..api.errors import ApiError
from ..api.errors import VoiceIDError
from ..api.operations import api_name
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from .plan import DELETE
from .plan import GOALS
from .shared import SharedLedger
from .workers import Workers


def write(
    client: VoiceIDClient, operation: str, domain_id: str, speaker_id: str, journal: AnyJournal = NO_JOURNAL
) -> Optional[ApiSpeaker]:
    """Make the write (OPT_OUT or DELETE); the speaker as the service answered, None once deleted. The journal
    gets `sent` before the request leaves, then `done` once the service confirmed it or `failed` (its code)."""
    name = api_name(operation)
    try:
        journal.sent(name, domain_id, speaker_id)
    except OSError as error:
        # No write leaves without its line: the run stops as at a signal.
        raise VoiceIDError(
            "Failed to journal the write",
            api_error=ApiError(INTERRUPTED, f"the journal could not be written: {error.strerror}"),
        ) from error
    try:
        if operation == DELETE:
            client.delete_speaker(domain_id, speaker_id)
            answer = None
        else:
            answer = client.opt_out_speaker(domain_id, speaker_id)
    except VoiceIDError as error:
        journal.failed(name, domain_id, speaker_id, error=error.api_error.code)
        raise
    journal.done(name, domain_id, speaker_id)
    return answer


def deleted_meanwhile(operation: str, error: ApiError) -> bool:
    """Whether a failed write found the speaker gone: a deletion someone else made first (nothing was done)."""
    return operation == DELETE and error.missing_resource == "SPEAKER"


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
            if deleted_meanwhile(self._operation, api_error):
                self._ledger.gone(speaker_id)
            else:
                self._ledger.write_failed(speaker_id, api_error)
            if api_error.ends_run:
                self._client.stop(api_error)
            return
        except Exception as error:  # pylint: disable=broad-except
            self._ledger.write_failed(speaker_id, ApiError.from_exception(error))
            return
        self._ledger.written(speaker_id, after)
