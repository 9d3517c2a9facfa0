# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""How every request is sent: the rate limiter, retries within a time budget, the breaker for an endpoint
that never answers, and the stop of a run. The clients' calls are built on Transport._call.

A throttled answer is not a failure: the request is retried after a backoff for as long as the run goes on
(the limiter slows the operation down meanwhile), and neither the throttled attempts nor the time spent in
the limiter's queue count against the request's attempts or its time budget. Faults (5xx, no answer, a
conflict that may pass) keep their bounded attempts and budget."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any
from typing import Dict
from typing import Optional
from typing import Protocol

from .errors import INTERRUPTED
from .errors import ApiError
from .errors import VoiceIDError
from .errors import is_botocore_error
from .errors import malformed
from .errors import mark_lost_attempts
from .limits import BREAKER_FAILURES
from .limits import REQUEST_TIME_BUDGET
from .operations import api_name
from .operations import writes
from .retry import RetryPolicy

# Requests in flight per operation, at most. The connection pool holds one connection per possible request
# in flight: describers and writers, the lister, and one spare for the single-speaker path.
MAX_WORKERS_PER_OPERATION = 64
CONNECTION_POOL_SIZE = 2 * MAX_WORKERS_PER_OPERATION + 2
# Weight of the newest observation in the moving average of request latency.
_LATENCY_WEIGHT = 0.2
INITIAL_LATENCY = 0.4


class RateLimiter(Protocol):
    def acquire(self, operation: str) -> Optional[int]:
        """Block until one request of operation may be sent; return its ticket for answered()."""

    def answered(self, operation: str, ticket: Optional[int], throttled: bool) -> None:
        """How the service answered the request of that ticket (a throttled answer slows the operation down)."""

    def rate(self, operation: str) -> Optional[float]:
        """The operation's configured requests per second, None when it is not limited."""


class _Budget:
    """What one request has spent of its bounds: its faulting attempts and the seconds they and the pauses
    after them took. Throttled attempts and queue waits are not counted."""

    def __init__(self, retry: RetryPolicy, seconds: float) -> None:
        self.retry = retry
        self.seconds = seconds
        self.faults = 0
        self.throttles = 0
        self.spent = 0.0

    def fault_allows_retry(self, error: ApiError, attempt_seconds: float) -> bool:
        self.faults += 1
        self.spent += attempt_seconds
        if self.faults >= self.retry.max_attempts or not error.retryable:
            return False
        return self.spent + self.retry.delay_ceiling(self.faults) <= self.seconds

    def pause_after_fault(self) -> None:
        started = time.monotonic()
        self.retry.pause(self.faults)
        self.spent += time.monotonic() - started

    def pause_after_throttle(self) -> None:
        self.throttles += 1
        self.retry.pause(self.throttles)


class Transport:
    """Sends requests of a boto3 voice-id client. Each attempt waits for the rate limiter (if any); answers
    that a retry may cure are retried under the RetryPolicy; the rest are raised as botocore raised them."""

    # What the run would retry one by one if the breaker did not stop it (the unreachable message says it).
    retried_item = "request"

    def __init__(
        self,
        client: Any,
        retry: Optional[RetryPolicy] = None,
        limiter: Optional[RateLimiter] = None,
        time_budget: float = REQUEST_TIME_BUDGET,
    ) -> None:
        self._client = client
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter
        self.time_budget = time_budget
        # Set (with the reason) to stop the run: no request starts after it.
        self.stopped = threading.Event()
        self.stop_reason = ApiError(INTERRUPTED, "the run was stopped")
        self._lock = threading.Lock()
        self._answered = False  # some request of this run got an answer (a success or a service error)
        self._unanswered = 0
        self._unreachable: Optional[ApiError] = None
        self.latency = INITIAL_LATENCY  # moving average of the seconds one answered request takes
        self.throttled = 0  # throttled answers the service gave this run
        self.retried = 0  # requests sent more than once

    def request_counts(self) -> Dict[str, int]:
        """`throttled`: the throttled answers of this run; `retried`: the requests sent more than once."""
        with self._lock:
            return {"throttled": self.throttled, "retried": self.retried}

    def _count(self, throttled: bool = False, retried: bool = False) -> None:
        with self._lock:
            self.throttled += throttled
            self.retried += retried

    def stop(self, reason: ApiError) -> None:
        """No request starts after this; those in flight finish. Their callers get reason as the error."""
        self.stop_reason = reason
        self.stopped.set()

    def _observe(self, started: float, answered: bool, error: Optional[ApiError] = None) -> None:
        with self._lock:
            if answered:
                self._answered = True
                self.latency += _LATENCY_WEIGHT * (time.monotonic() - started - self.latency)
            elif error is not None and error.transport and not self._answered:
                self._unanswered += 1
                if self._unanswered >= BREAKER_FAILURES and self._unreachable is None:
                    self._unreachable = ApiError(
                        error.code,
                        f"the Voice ID endpoint did not answer any request of this run ({self._unanswered} attempts"
                        f" failed: {error.message}); stopped instead of retrying every {self.retried_item}",
                        unreachable=True,
                    )

    def _check_open(self, lost: bool = False) -> None:
        """Raises when no request may start. lost: an earlier attempt of this request may have been carried out
        (the error says so: ApiError.earlier_attempt_lost)."""
        if self.stopped.is_set():
            reason = dataclasses.replace(self.stop_reason, earlier_attempt_lost=lost)
            raise VoiceIDError("Stopped before the request", api_error=reason)
        if self._unreachable is not None:
            unreachable = dataclasses.replace(self._unreachable, earlier_attempt_lost=lost)
            raise VoiceIDError("The endpoint is unreachable", api_error=unreachable)

    def _call(self, operation: str, **params: Any) -> Dict[str, Any]:
        method = getattr(self._client, operation)
        budget = _Budget(self.retry, self.time_budget)
        attempts = 0
        lost = False  # an attempt was sent and may have been carried out, its answer lost (a 5xx, a timeout)
        while True:
            self._check_open(lost)
            ticket = self.limiter.acquire(operation) if self.limiter is not None else None
            self._check_open(lost)
            attempts += 1
            if attempts == 2:
                self._count(retried=True)
            started = time.monotonic()
            try:
                response: Dict[str, Any] = method(**params)
            except Exception as exc:  # pylint: disable=broad-except
                if not is_botocore_error(exc):
                    # botocore could not parse the answer into the operation's output (a body that is not
                    # JSON of the right shape): the endpoint answered, but not as the service does.
                    self._observe(started, answered=True)
                    raise malformed(api_name(operation), f"botocore could not read it ({type(exc).__name__})") from exc
                error = ApiError.from_exception(exc)
                lost = mark_lost_attempts(exc, lost) if writes(operation) else False
                self._observe(started, answered=not error.transport, error=error)
                self._answered_to_limiter(operation, ticket, error)
                if error.throttled:
                    self._count(throttled=True)
                    self._check_open(lost)
                    budget.pause_after_throttle()
                    continue
                if not budget.fault_allows_retry(error, time.monotonic() - started):
                    raise
                self._check_open(lost)
                budget.pause_after_fault()
                continue
            self._observe(started, answered=True)
            self._answered_to_limiter(operation, ticket, None)
            if not isinstance(response, dict):
                raise malformed(api_name(operation), "not a JSON object")
            return response

    def _answered_to_limiter(self, operation: str, ticket: Optional[int], error: Optional[ApiError]) -> None:
        if self.limiter is not None and (error is None or not error.transport):
            self.limiter.answered(operation, ticket, throttled=error is not None and error.throttled)
