# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Running the decisions of plan.py against the service: readers, writers, the limiter, stops.

One speaker: DescribeSpeaker, decide, then OptOutSpeaker or DeleteSpeaker (not in check mode).

Many speakers: reads take two paths at once, each within its own quota: DescribeSpeaker per requested id and
paging ListSpeakers. Whichever learns a speaker's state first settles it in the ledger, and a write starts as
soon as a speaker is known to need one. Describes are not sent while paging is sure to reach the remaining
speakers sooner (a domain holds at most 100,000 speakers, so paging has a known worst case), so that reads do
not waste quota or CPU racing the pages. Worker threads follow the observed latency: rate x latency requests in
flight per operation, up to a bound, so a slow endpoint still gets the quota's speed.

A domain-wide error, an unreachable endpoint or a signal (SIGINT, SIGTERM) stops the run: no request starts
after it, those in flight finish, and the result still reports every write that was made.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import math
import queue
import signal
import threading
import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import Iterator
from typing import List
from typing import Optional

from ..api.client import MAX_WORKERS_PER_OPERATION
from ..api.client import VoiceIDClient
from ..api.errors import INTERRUPTED
from ..api.errors import ApiError
from ..api.errors import VoiceIDError
from .facts import SPEAKER_STATUSES
from .facts import CompactSpeakerFacts
from .facts import Facts
from .facts import SpeakerFacts
from .facts import speaker_facts
from .plan import DELETE
from .plan import NOTHING
from .plan import STATE_ABSENT
from .plan import STATE_OPTED_OUT
from .plan import Ledger
from .plan import RunResult
from .plan import decide
from .plan import predicted
from .plan import request_facts
from .reading import LIST_SPEAKERS_PAGE_SIZE

# A domain holds at most 100,000 speakers: the most pages paging can take.
MAX_SPEAKERS_PER_DOMAIN = 100_000
MAX_PAGES = MAX_SPEAKERS_PER_DOMAIN // LIST_SPEAKERS_PAGE_SIZE
_HEADROOM = 1.25  # workers beyond rate x latency, for the latency's spread
_STATUSES = {status: status for status in SPEAKER_STATUSES}


def workers_for(rate: Optional[float], latency: float) -> int:
    """Requests in flight needed to keep up with rate (per second) when each takes latency seconds."""
    if rate is None:
        return MAX_WORKERS_PER_OPERATION
    return max(2, min(MAX_WORKERS_PER_OPERATION, math.ceil(rate * latency * _HEADROOM) + 1))


class Workers:
    """Threads that run queued tasks. Threads start as the queue needs them, up to workers_for(rate, latency)
    with the latency observed so far, so the pool grows when the endpoint turns slow."""

    def __init__(self, name: str, rate: Optional[float], latency: Callable[[], float]) -> None:
        self._name = name
        self._rate = rate
        self._latency = latency
        self._tasks: collections.deque[Callable[[], None]] = collections.deque()
        self._threads: List[threading.Thread] = []
        self._busy = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def size(self) -> int:
        return len(self._threads)

    def pending(self) -> int:
        with self._cond:
            return len(self._tasks) + self._busy

    def submit(self, task: Callable[[], None]) -> None:
        with self._cond:
            self._tasks.append(task)
            self._grow()
            self._cond.notify()

    def _grow(self) -> None:
        """Start a thread if the queue has more tasks than idle threads and the bound allows (lock held)."""
        wanted = workers_for(self._rate, self._latency())
        idle = len(self._threads) - self._busy
        if self._tasks and idle < len(self._tasks) and len(self._threads) < wanted and not self._closed:
            thread = threading.Thread(target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._tasks and not self._closed:
                    self._cond.wait()
                if not self._tasks:
                    return
                task = self._tasks.popleft()
                self._busy += 1
            try:
                task()
            finally:
                with self._cond:
                    self._busy -= 1
                    self._grow()
                    self._cond.notify_all()

    def wait_for_room(self, most: int, stopped: threading.Event) -> None:
        """Block while more than `most` tasks are queued or running (unless the run stops)."""
        with self._cond:
            while len(self._tasks) + self._busy > most and not stopped.is_set():
                self._cond.wait(0.1)

    def close(self) -> None:
        """Run what is queued, then end the threads."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in list(self._threads):
            thread.join()


@contextlib.contextmanager
def stopping_on_signals(client: VoiceIDClient) -> Iterator[None]:
    """While inside: SIGINT and SIGTERM stop the client (no request starts after them; those in flight finish)
    instead of ending the process. Only in the main thread, where Python delivers signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        name = signal.Signals(signum).name
        client.stop(
            ApiError(
                INTERRUPTED,
                f"the run was stopped by {name}: no request was started after it, and those in flight finished",
            )
        )

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


# --- one speaker ----------------------------------------------------------------------------------------------


class OneResult:
    """The outcome of bringing one speaker to the desired state."""

    def __init__(self, state: str, changed: bool, before: Optional[SpeakerFacts], after: Optional[SpeakerFacts]):
        self.state = state
        self.changed = changed
        self.before = before
        self.after = after
        self.warnings: List[str] = []

    def speaker(self, domain_id: str, speaker_id: str) -> SpeakerFacts:
        """opted_out: the speaker as written (or predicted, or as read when unchanged); absent: as read before
        the deletion, or only its id when there was no such speaker."""
        facts = self.after if self.state == STATE_OPTED_OUT else self.before
        return facts if facts is not None else request_facts(domain_id, speaker_id)

    def diff(self) -> Dict[str, Any]:
        return {"before": self.before or {}, "after": self.after or {}}


def change_one(client: VoiceIDClient, domain_id: str, speaker_id: str, state: str, check_mode: bool) -> OneResult:
    """Describe, decide, act (not in check mode). Failures raise VoiceIDError."""
    current = client.describe_speaker(domain_id, speaker_id)
    before = speaker_facts(current) if current is not None else None
    decision = decide(state, before, speaker_id, check_mode)
    verb = "delete" if state == STATE_ABSENT else "opt out"
    if decision.failure is not None:
        raise VoiceIDError(f"Failed to {verb} speaker", api_error=decision.failure)
    if decision.action == NOTHING:
        return OneResult(state, False, before, before)
    if not decision.call:
        return OneResult(state, True, before, predicted(state, before, domain_id, speaker_id))
    if decision.action == DELETE:
        try:
            client.delete_speaker(domain_id, speaker_id)
        except VoiceIDError as error:
            if error.api_error.missing_resource != "SPEAKER":
                raise
            return OneResult(state, False, None, None)  # deleted meanwhile by someone else: nothing was done
        return OneResult(state, True, before, None)
    return OneResult(state, True, before, speaker_facts(client.opt_out_speaker(domain_id, speaker_id)))


# --- many speakers --------------------------------------------------------------------------------------------


class SpeakerRun:
    """One run over a list of speaker ids; see the module docstring for the strategy."""

    def __init__(
        self,
        client: VoiceIDClient,
        domain_id: str,
        speaker_ids: Iterable[str],
        state: str,
        check_mode: bool,
        use_list: bool = True,
        page_size: int = LIST_SPEAKERS_PAGE_SIZE,
    ) -> None:
        self.client = client
        self.domain_id = domain_id
        self.state = state
        self.use_list = use_list
        self.page_size = page_size
        self.ledger = Ledger(domain_id, speaker_ids, state, check_mode)
        self.warnings: List[str] = []
        self._lock = threading.Lock()
        self._listing = False
        self._pages_read = 0
        self._found_by_pages = 0  # requested ids the pages have found
        self._page_seconds = 0.0  # moving average of the time from one page to the next
        self._to_confirm: collections.deque[str] = collections.deque()  # suspected by a page: describe first
        self._writers: Optional[Workers] = None

    def _rate(self, operation: str) -> Optional[float]:
        limiter = self.client.limiter
        return limiter.rate(operation) if limiter is not None else None

    def _stop(self, reason: ApiError) -> None:
        with self._lock:
            self.ledger.stop(reason)
        self.client.stop(reason)

    # --- what reads learn -----------------------------------------------------------------------------------

    def _facts(self, api_speaker: Dict[str, Any]) -> Facts:
        """speaker_facts(), with the strings every speaker repeats (status, domain id, the requested ids) shared
        rather than held once per speaker, and kept compact: a run may hold 100,000 of them."""
        facts = speaker_facts(api_speaker)
        status = facts.get("status")
        facts["status"] = _STATUSES.get(status, status) if isinstance(status, str) else status
        if facts.get("domain_id") == self.domain_id:
            facts["domain_id"] = self.domain_id
        for key in ("customer_speaker_id", "generated_speaker_id"):
            value = facts.get(key)
            record = self.ledger.records.get(value) if isinstance(value, str) else None
            if record is not None:
                facts[key] = record.speaker_id
        if facts["status"] is None:
            del facts["status"]
        return CompactSpeakerFacts.of(facts)

    def _learn(self, found: Dict[str, Optional[Facts]], confirmed: bool = True) -> None:
        """Record what a read found of some requested ids; queue the writes that are needed, and (for a page)
        the describes that must confirm a speaker before its write."""
        writes = []
        with self._lock:
            for speaker_id, before in found.items():
                suspected = speaker_id in self.ledger.suspected
                if self.ledger.learn(speaker_id, before, confirmed):
                    writes.append(speaker_id)
                elif not suspected and speaker_id in self.ledger.suspected:
                    self._to_confirm.append(speaker_id)
        self._queue_writes(writes)

    def _queue_writes(self, speaker_ids: List[str]) -> None:
        if self._writers is None:  # only while run() runs
            raise RuntimeError("writes queued outside a run")
        for speaker_id in speaker_ids:
            self._writers.submit(functools.partial(self._write, speaker_id))

    def _describe(self, speaker_id: str) -> None:
        with self._lock:
            if not self.ledger.is_unknown(speaker_id):
                return  # settled by a page meanwhile: no request
        try:
            current = self.client.describe_speaker(self.domain_id, speaker_id)
        except VoiceIDError as error:
            self._read_failed(speaker_id, error.api_error)
            return
        except Exception as error:  # pylint: disable=broad-except
            # Not an answer of the service (a bug): this speaker fails, the others go on.
            self._read_failed(speaker_id, ApiError.from_exception(error))
            return
        self._learn({speaker_id: self._facts(current) if current is not None else None})

    def _read_failed(self, speaker_id: str, error: ApiError) -> None:
        with self._lock:
            self.ledger.read_failed(speaker_id, error)
        if error.ends_run:
            self.client.stop(error)

    def _list(self) -> None:
        try:
            self._read_pages()
        except Exception as error:  # pylint: disable=broad-except
            self.warnings.append(f"Reading ListSpeakers pages stopped ({type(error).__name__}); the rest was described")
        finally:
            with self._lock:
                self._listing = False

    def _fetch_pages(self, pages: queue.Queue[Optional[Dict[str, Any]]], failed: List[BaseException]) -> None:
        """Request page after page, each as soon as the previous one's NextToken is known; the pages are read
        by _read_pages meanwhile, so reading a page never delays the request for the next. None ends them."""
        token: Optional[str] = None
        try:
            while not self.client.stopped.is_set() and self.ledger.unseen() > 0:
                page = self.client.list_speakers_page(self.domain_id, token, self.page_size)
                pages.put(page)
                token = page.get("NextToken")
                if not token:
                    return
        except Exception as error:  # pylint: disable=broad-except
            failed.append(error)
        finally:
            pages.put(None)

    def _read_pages(self) -> None:
        pages: queue.Queue[Optional[Dict[str, Any]]] = queue.Queue(maxsize=4)
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
                if not page.get("NextToken") and self.state == STATE_OPTED_OUT:
                    # The whole domain has been read: a requested speaker not in it does not exist, as far as the
                    # pages tell; DescribeSpeaker confirms before the opt-out. (Not for deletions: paging while
                    # speakers are deleted may skip some; those left are described anyway.)
                    with self._lock:
                        before = set(self.ledger.suspected)
                        self.ledger.domain_read()
                        self._to_confirm.extend(self.ledger.suspected - before)
        finally:
            while page is not None:  # let the fetcher end
                page = pages.get()
            fetcher.join()
        for error in failed:
            if not isinstance(error, VoiceIDError):
                raise error
            if error.api_error.ends_run:
                self._stop(error.api_error)
            elif not self.client.stopped.is_set():
                self.warnings.append(
                    f"ListSpeakers failed ({error.api_error.describe()}); speakers were read with DescribeSpeaker"
                )

    def _read_page(self, page: Dict[str, Any], last: float) -> None:
        found: Dict[str, Optional[Facts]] = {}
        for summary in page["SpeakerSummaries"]:
            for key in ("CustomerSpeakerId", "GeneratedSpeakerId"):
                speaker_id = summary.get(key)
                if speaker_id in self.ledger:
                    found[speaker_id] = self._facts(summary)
        self._learn(found, confirmed=False)
        interval = time.monotonic() - last
        with self._lock:
            self._found_by_pages += len(found)
            self._page_seconds = interval if not self._pages_read else 0.8 * self._page_seconds + 0.2 * interval
            self._pages_read += 1

    def _write(self, speaker_id: str) -> None:
        after: Optional[Facts] = None
        try:
            if self.state == STATE_ABSENT:
                self.client.delete_speaker(self.domain_id, speaker_id)
            else:
                after = self._facts(self.client.opt_out_speaker(self.domain_id, speaker_id))
        except VoiceIDError as error:
            api_error = error.api_error
            with self._lock:
                if self.state == STATE_ABSENT and api_error.missing_resource == "SPEAKER":
                    self.ledger.gone(speaker_id)  # deleted meanwhile by someone else: nothing was done
                else:
                    self.ledger.write_failed(speaker_id, api_error)
            if api_error.ends_run:
                self.client.stop(api_error)
            return
        except Exception as error:  # pylint: disable=broad-except
            with self._lock:
                self.ledger.write_failed(speaker_id, ApiError.from_exception(error))
            return
        with self._lock:
            self.ledger.written(speaker_id, after)

    # --- the run --------------------------------------------------------------------------------------------

    def _paging_comes_first(self) -> bool:
        """True while paging will reach every remaining speaker before DescribeSpeaker would, in the worst case
        at the pace of the pages so far. Describes wait for the first page, which tells that pace.

        The pages left are estimated from the share of requested ids found so far (as if they were spread evenly
        over the domain), and at most what the largest domain holds; with none found yet, the largest domain.
        """
        with self._lock:
            if not self._listing:
                return False
            if not self._pages_read:
                return True
            unknown = self.ledger.unseen()
            worst = max(MAX_PAGES - self._pages_read, 1)
            if self._found_by_pages:
                total = self._pages_read * len(self.ledger.records) / self._found_by_pages
                pages_left = min(max(total - self._pages_read, 1.0), worst)
            else:
                pages_left = worst
            page_seconds = self._page_seconds
        describe_rate = self._rate("describe_speaker")
        if describe_rate:
            describe_seconds = unknown / describe_rate
        else:
            describe_seconds = unknown * self.client.latency / MAX_WORKERS_PER_OPERATION
        return describe_seconds > pages_left * page_seconds

    def run(self) -> RunResult:
        write_operation = "delete_speaker" if self.state == STATE_ABSENT else "opt_out_speaker"

        def latency() -> float:
            return self.client.latency

        self._writers = Workers("write", self._rate(write_operation), latency)
        describers = Workers("describe", self._rate("describe_speaker"), latency)
        lister: Optional[threading.Thread] = None
        if self.use_list and self.ledger.unknown:
            self._listing = True
            lister = threading.Thread(target=self._list, name="list-speakers", daemon=True)
            lister.start()
        stopped = self.client.stopped
        in_order = collections.deque(self.ledger.records)
        described: set[str] = set()
        try:
            while not stopped.is_set():
                with self._lock:
                    urgent = self._to_confirm.popleft() if self._to_confirm else None
                if urgent is None:
                    while in_order and (in_order[0] in described or not self.ledger.is_unknown(in_order[0])):
                        in_order.popleft()
                    if not in_order and not self._listing and not self._to_confirm:
                        break
                    if not in_order or self._paging_comes_first():
                        stopped.wait(0.02)  # wait for pages: they settle speakers, or ask for confirmation
                        continue
                speaker_id = urgent if urgent is not None else in_order.popleft()
                if speaker_id in described or not self.ledger.is_unknown(speaker_id):
                    continue
                described.add(speaker_id)
                # Keep the queue short so that each describe is decided with what the pages have taught.
                describers.wait_for_room(2 * max(describers.size, 2), stopped)
                describers.submit(functools.partial(self._describe, speaker_id))
        finally:
            describers.close()
            if lister is not None:
                lister.join()
            self._writers.close()
        with self._lock:
            if stopped.is_set():
                self.ledger.stop(self.client.stop_reason)
            return self.ledger.finish()
