# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Page reading for a speaker run: the ListSpeakers pipeline.

One thread requests page after page, each as soon as the previous one's NextToken is known; another reads them
meanwhile, so reading a page never delays the request for the next. What a page shows of requested speakers
goes to the run's learn(); how fast pages come and how many requested speakers they found tell the scheduler
whether paging will reach the rest sooner than DescribeSpeaker would.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional

from ..api.client import VoiceIDClient
from ..api.errors import VoiceIDError
from ..api.operations import SPEAKERS_PER_DOMAIN
from ..api.pagination import PageGuard
from .facts import Facts
from .plan import STATE_OPTED_OUT
from .shared import SharedLedger

# A domain holds at most 100,000 speakers (AWS's quota): the most pages paging can take.
MAX_SPEAKERS_PER_DOMAIN = SPEAKERS_PER_DOMAIN

Page = Dict[str, Any]


class Pace(NamedTuple):
    """What paging has shown so far."""

    listing: bool  # pages are still being read
    pages_read: int
    found: int  # requested ids the pages have found
    page_seconds: float  # moving average of the time from one page to the next


class PageReader:
    """Reads every page of the domain (until no requested speaker is left unseen), on its own threads."""

    def __init__(
        self,
        client: VoiceIDClient,
        ledger: SharedLedger,
        state: str,
        page_size: int,
        learn: Callable[[Dict[str, Optional[Facts]], bool], None],
        suspected: Callable[[List[str]], None],
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._state = state
        self._page_size = page_size
        self._learn = learn  # what a page found; False: not confirmed (a page may lag behind a speaker)
        self._suspected = suspected  # ids the whole domain's pages made suspected, for describes to confirm
        self.warnings: List[str] = []
        self._lock = threading.Lock()
        self._pace = Pace(listing=True, pages_read=0, found=0, page_seconds=0.0)
        self._thread = threading.Thread(target=self._list, name="list-speakers", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def pace(self) -> Pace:
        with self._lock:
            return self._pace

    def _list(self) -> None:
        try:
            self._read_pages()
        except Exception as error:  # pylint: disable=broad-except
            self.warnings.append(f"Reading ListSpeakers pages stopped ({type(error).__name__}); the rest was described")
        finally:
            with self._lock:
                self._pace = self._pace._replace(listing=False)

    def _fetch_pages(self, pages: queue.Queue[Optional[Page]], failed: List[BaseException]) -> None:
        """Request the pages into pages; None ends them. A repeated or endless NextToken fails the listing."""
        token: Optional[str] = None
        guard = PageGuard("list_speakers", self._page_size)
        try:
            while not self._client.stopped.is_set() and self._ledger.unseen() > 0:
                page = self._client.list_speakers_page(self._ledger.domain_id, token, self._page_size)
                pages.put(page)
                token = guard.next_token(page)
                if token is None:
                    return
        except Exception as error:  # pylint: disable=broad-except
            failed.append(error)
        finally:
            pages.put(None)

    def _read_pages(self) -> None:
        pages: queue.Queue[Optional[Page]] = queue.Queue(maxsize=4)
        failed: List[BaseException] = []
        fetcher = threading.Thread(target=self._fetch_pages, args=(pages, failed), name="list-pages", daemon=True)
        fetcher.start()
        last = time.monotonic()
        try:
            while True:
                page = pages.get()
                if page is None:
                    break
                self._read_page(page, last)
                last = time.monotonic()
                if not page.get("NextToken") and self._state == STATE_OPTED_OUT:
                    # The whole domain has been read: a requested speaker not in it does not exist, as far as the
                    # pages tell; DescribeSpeaker confirms before the opt-out. (Not for deletions: paging while
                    # speakers are deleted may skip some; those left are described anyway.)
                    self._suspected(self._ledger.domain_read())
        finally:
            while page is not None:  # let the fetcher end
                page = pages.get()
            fetcher.join()
        for error in failed:
            self._failed(error)

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, VoiceIDError):
            raise error
        if error.api_error.ends_run:
            self._ledger.stop(error.api_error)
            self._client.stop(error.api_error)
        elif not self._client.stopped.is_set():
            self.warnings.append(
                f"ListSpeakers failed ({error.api_error.describe()}); speakers were read with DescribeSpeaker"
            )

    def _read_page(self, page: Page, last: float) -> None:
        found: Dict[str, Optional[Facts]] = {}
        for summary in page["SpeakerSummaries"]:
            for key in ("CustomerSpeakerId", "GeneratedSpeakerId"):
                speaker_id = summary.get(key)
                if speaker_id in self._ledger:
                    found[speaker_id] = self._ledger.facts(summary)
        self._learn(found, False)
        interval = time.monotonic() - last
        with self._lock:
            pace = self._pace
            page_seconds = interval if not pace.pages_read else 0.8 * pace.page_seconds + 0.2 * interval
            self._pace = pace._replace(
                pages_read=pace.pages_read + 1, found=pace.found + len(found), page_seconds=page_seconds
            )
