# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Worker threads that follow the observed latency: rate x latency requests in flight per operation, up to a
bound, so a slow endpoint still gets the quota's speed."""

from __future__ import annotations

import collections
import math
import threading
from typing import Callable
from typing import List
from typing import Optional

from ..api.client import MAX_WORKERS_PER_OPERATION

_HEADROOM = 1.25  # workers beyond rate x latency, for the latency's spread


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
