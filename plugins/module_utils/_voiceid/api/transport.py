# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""How every request is sent: the rate limiter, retries within a time budget, the breaker for an endpoint
that never answers, and the stop of a run. The clients' calls are built on Transport._call."""

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
from .retry import RetryPolicy

# Requests in flight per operation, at most. The connection pool holds one connection per possible request
# in flight: describers and writers, the lister, and one spare for the single-speaker path.
MAX_WORKERS_PER_OPERATION = 64
CONNECTION_POOL_SIZE = 2 * MAX_WORKERS_PER_OPERATION + 2
# Weight of the newest observation in the moving average of request latency.
_LATENCY_WEIGHT = 0.2
INITIAL_LATENCY = 0.4


class RateLimiter(Protocol):
    def acquire(self, operation: str) -> None:
        """Block until one request of operation may be sent."""

    def rate(self, operation: str) -> Optional[float]:
        """The operation's requests per second, None when it is not limited."""


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
        failed_attempts = 0
        lost = False  # an attempt was sent and may have been carried out, its answer lost (a 5xx, a timeout)
        deadline = time.monotonic() + self.time_budget
        while True:
            self._check_open(lost)
            if self.limiter is not None:
                self.limiter.acquire(operation)
                self._check_open(lost)
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
                lost = mark_lost_attempts(exc, lost)
                self._observe(started, answered=not error.transport, error=error)
                failed_attempts += 1
                if failed_attempts >= self.retry.max_attempts or not error.retryable:
                    raise
                if time.monotonic() + self.retry.delay_ceiling(failed_attempts) > deadline:
                    raise
                self._check_open(lost)
                self.retry.pause(failed_attempts)
                continue
            self._observe(started, answered=True)
            if not isinstance(response, dict):
                raise malformed(api_name(operation), "not a JSON object")
            return response
