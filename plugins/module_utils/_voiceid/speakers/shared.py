# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The ledger of a run as its threads share it: plan.py's Ledger behind one lock.

plan.py stays pure (no threads), so its Ledger is not thread-safe; the run's page reader, describers and writers
reach it only through SharedLedger, which holds the lock around every call that reads or changes it, and makes
the run's compound steps (learn, then see what became suspected) one step. What is read without the lock never
changes after the ledger is made: which ids were requested, in what order.
"""

from __future__ import annotations

import threading
from typing import Any
from typing import Iterable
from typing import Iterator
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from ..api.errors import ApiError
from .facts import Facts
from .facts import compact_speaker_facts
from .plan import Ledger
from .plan import RunResult


class SharedLedger:
    """A Ledger (made here, never handed out) and the lock every use of it holds."""

    def __init__(self, domain_id: str, speaker_ids: Iterable[str], state: str, check_mode: bool) -> None:
        self.domain_id = domain_id
        self._ledger = Ledger(domain_id, speaker_ids, state, check_mode)
        self._lock = threading.Lock()
        # Which ids were requested, in order: never changed after this (records' values change, not its keys),
        # so read without the lock.
        self._requested = self._ledger.records
        self.requested = len(self._requested)  # how many ids were requested (each once)

    def __contains__(self, speaker_id: object) -> bool:
        return speaker_id in self._requested

    def requested_ids(self) -> Iterator[str]:
        return iter(self._requested)

    def _requested_id(self, speaker_id: str) -> Optional[str]:
        """The requested id's own string (so that facts share it), or None when it was not requested."""
        record = self._requested.get(speaker_id)
        return record.speaker_id if record is not None else None

    def facts(self, api_speaker: Mapping[str, Any]) -> Facts:
        """What the run keeps of a speaker the service answered: compact, sharing the requested ids' strings."""
        return compact_speaker_facts(api_speaker, self.domain_id, self._requested_id)

    def learn(self, found: Mapping[str, Optional[Facts]], confirmed: bool = True) -> Tuple[List[str], List[str]]:
        """Ledger.learn() for each id a read found: the ids that need a write now, and those the read (a page)
        made suspected, for DescribeSpeaker to confirm."""
        writes: List[str] = []
        suspected: List[str] = []
        with self._lock:
            for speaker_id, before in found.items():
                was_suspected = speaker_id in self._ledger.suspected
                if self._ledger.learn(speaker_id, before, confirmed):
                    writes.append(speaker_id)
                elif not was_suspected and speaker_id in self._ledger.suspected:
                    suspected.append(speaker_id)
        return writes, suspected

    def domain_read(self) -> List[str]:
        with self._lock:
            return self._ledger.domain_read()

    def is_unknown(self, speaker_id: str) -> bool:
        with self._lock:
            return self._ledger.is_unknown(speaker_id)

    def unknown(self) -> int:
        with self._lock:
            return self._ledger.unknown

    def unseen(self) -> int:
        with self._lock:
            return self._ledger.unseen()

    def read_failed(self, speaker_id: str, error: ApiError) -> None:
        with self._lock:
            self._ledger.read_failed(speaker_id, error)

    def written(self, speaker_id: str, after: Optional[Facts], answer_lost: bool = False) -> None:
        with self._lock:
            self._ledger.written(speaker_id, after, answer_lost)

    def write_failed(self, speaker_id: str, error: ApiError) -> None:
        with self._lock:
            self._ledger.write_failed(speaker_id, error)

    def gone(self, speaker_id: str) -> None:
        with self._lock:
            self._ledger.gone(speaker_id)

    def stop(self, error: ApiError) -> None:
        with self._lock:
            self._ledger.stop(error)

    def finish(self, stop_reason: Optional[ApiError]) -> RunResult:
        """The result, once no read or write is in flight; stop_reason: why the run stopped, if it did."""
        with self._lock:
            if stop_reason is not None:
                self._ledger.stop(stop_reason)
            return self._ledger.finish()
