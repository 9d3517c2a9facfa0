# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Read scheduling for a speaker run: which speakers to describe, and when.

Speakers a page made suspected are described first (no write is decided on a page alone); then the others in
request order, skipping those a read has settled. Describes are not sent while paging is sure to reach the
remaining speakers sooner (a domain holds at most 100,000 speakers, so paging has a known worst case), so that
reads do not waste quota or CPU racing the pages.
"""

from __future__ import annotations

import collections
import functools
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Set

from ..api.client import MAX_WORKERS_PER_OPERATION
from ..api.client import VoiceIDClient
from ..api.errors import ApiError
from ..api.errors import VoiceIDError
from ..bulk.workers import Workers
from .facts import Facts
from .pages import MAX_SPEAKERS_PER_DOMAIN
from .pages import PageReader
from .reading import LIST_SPEAKERS_PAGE_SIZE
from .shared import SharedLedger

MAX_PAGES = MAX_SPEAKERS_PER_DOMAIN // LIST_SPEAKERS_PAGE_SIZE
_DONE = ""  # _next(): nothing is left to describe


class ReadScheduler:
    """Sends DescribeSpeaker for the requested speakers no read has settled, on its workers, until none is left
    (or the run stops)."""

    def __init__(
        self,
        client: VoiceIDClient,
        ledger: SharedLedger,
        pages: Optional[PageReader],
        learn: Callable[[Dict[str, Optional[Facts]], bool], None],
        latency: Callable[[], float],
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._pages = pages
        self._learn = learn
        self._describe_rate = client.limiter.rate("describe_speaker") if client.limiter is not None else None
        self._describers = Workers("describe", self._describe_rate, latency)
        # Suspected by a page: describe first. Appended by the page reader before it ends (deque: thread-safe).
        self._to_confirm: collections.deque[str] = collections.deque()

    def confirm(self, speaker_ids: List[str]) -> None:
        """Speakers a page made suspected: DescribeSpeaker must confirm them before any write."""
        self._to_confirm.extend(speaker_ids)

    def run(self) -> None:
        """Describe until every requested speaker is settled or described, and paging has ended."""
        stopped = self._client.stopped
        in_order = collections.deque(self._ledger.requested_ids())
        described: Set[str] = set()
        try:
            while not stopped.is_set():
                speaker_id = self._next(in_order, described)
                if speaker_id == _DONE:
                    break
                if speaker_id is None:
                    stopped.wait(0.02)  # wait for pages: they settle speakers, or ask for confirmation
                    continue
                if speaker_id in described or not self._ledger.is_unknown(speaker_id):
                    continue
                described.add(speaker_id)
                # Keep the queue short so that each describe is decided with what the pages have taught.
                self._describers.wait_for_room(2 * max(self._describers.size, 2), stopped)
                self._describers.submit(functools.partial(self._describe, speaker_id))
        finally:
            self._describers.close()

    def _next(self, in_order: collections.deque[str], described: Set[str]) -> Optional[str]:
        """The next speaker to describe; None: wait for pages; _DONE: nothing is left."""
        if self._to_confirm:
            return self._to_confirm.popleft()
        while in_order and (in_order[0] in described or not self._ledger.is_unknown(in_order[0])):
            in_order.popleft()
        # Paging's end is checked before the queue of suspects: the page reader fills that queue before it ends.
        if not in_order and not self._listing() and not self._to_confirm:
            return _DONE
        if not in_order or self._paging_comes_first():
            return None
        return in_order.popleft()

    def _listing(self) -> bool:
        return self._pages is not None and self._pages.pace().listing

    def _paging_comes_first(self) -> bool:
        """True while paging will reach every remaining speaker before DescribeSpeaker would, in the worst case
        at the pace of the pages so far. Describes wait for the first page, which tells that pace.

        The pages left are estimated from the share of requested ids found so far (as if they were spread evenly
        over the domain), and at most what the largest domain holds; with none found yet, the largest domain.
        """
        if self._pages is None:
            return False
        pace = self._pages.pace()
        if not pace.listing:
            return False
        if not pace.pages_read:
            return True
        unknown = self._ledger.unseen()
        worst = max(MAX_PAGES - pace.pages_read, 1)
        if pace.found:
            total = pace.pages_read * self._ledger.requested / pace.found
            pages_left = min(max(total - pace.pages_read, 1.0), worst)
        else:
            pages_left = worst
        if self._describe_rate:
            describe_seconds = unknown / self._describe_rate
        else:
            describe_seconds = unknown * self._client.latency / MAX_WORKERS_PER_OPERATION
        return describe_seconds > pages_left * pace.page_seconds

    def _describe(self, speaker_id: str) -> None:
        if not self._ledger.is_unknown(speaker_id):
            return  # settled by a page meanwhile: no request
        try:
            current = self._client.describe_speaker(self._ledger.domain_id, speaker_id)
        except VoiceIDError as error:
            self._read_failed(speaker_id, error.api_error)
            return
        except Exception as error:  # pylint: disable=broad-except
            # Not an answer of the service (a bug): this speaker fails, the others go on.
            self._read_failed(speaker_id, ApiError.from_exception(error))
            return
        self._learn({speaker_id: self._ledger.facts(current) if current is not None else None}, True)

    def _read_failed(self, speaker_id: str, error: ApiError) -> None:
        self._ledger.read_failed(speaker_id, error)
        if error.ends_run:
            self._client.stop(error)
