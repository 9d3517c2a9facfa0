# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Client-side request rates per operation, so that concurrent requests stay within the service's quotas, and
adapt when the service says they do not.

Voice ID's quotas are per account, region and operation (requests per second). Each operation gets a
schedule: the next request may start no earlier than 1 / rate after the one before. Requests are spread
evenly, with no burst at the start, so that a run does not spend the account's burst on its first second and
then get throttled.

The rate adapts (AIMD, as TCP's congestion control; botocore's adaptive retry mode does the same with CUBIC):
it starts at the configured rate, the ceiling; a throttled answer cuts it, successes raise it back toward the
ceiling (the numbers are in limits.py). A run whose request_rates exceed the account's real quota thus settles
near the quota instead of spending most of its requests on throttled answers. Only answers to requests sent
well after the last cut (CUT_WINDOW of them) cut again: the answers to requests already on their way when the
rate was cut say nothing new.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Dict
from typing import Mapping
from typing import Optional
from typing import Protocol
from typing import Tuple

from ..rules import InvalidParameterError
from .limits import CUT_WINDOW
from .limits import RATE_FLOOR
from .limits import RECOVERY_PER_SECOND
from .limits import THROTTLE_CUT
from .operations import OPERATIONS

# AWS's default request-rate quotas for Voice ID (requests per second, per account and region): the table's.
DEFAULT_REQUEST_RATES: Dict[str, float] = {name: operation.default_rate for name, operation in OPERATIONS.items()}
# The operations whose rate may be 0 (do not call it), in the modules that can do without them.
MAY_BE_ZERO: Tuple[str, ...] = tuple(name for name, operation in OPERATIONS.items() if operation.may_be_zero)


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds since an arbitrary point, never going back."""

    def sleep(self, seconds: float) -> None:
        """Wait that long."""


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class AdaptiveRate:
    """One operation's schedule and its rate, between RATE_FLOOR x ceiling and the ceiling. Not thread-safe:
    the limiter holds its lock around every use."""

    def __init__(self, ceiling: float) -> None:
        self.ceiling = ceiling
        self.floor = ceiling * RATE_FLOOR
        self.rate = ceiling
        self.next_slot: Optional[float] = None
        self.sent = 0  # requests let through so far; the n-th one's ticket is n
        self.cut_at = -CUT_WINDOW  # `sent` when the rate was last cut
        self.generation = 0  # counts the cuts: a request that waited for a slot of an older schedule waits again

    def reserve(self, now: float) -> float:
        """Take the next slot; return when it is."""
        slot = now if self.next_slot is None else max(now, self.next_slot)
        self.next_slot = slot + 1.0 / self.rate
        return slot

    def send(self) -> int:
        self.sent += 1
        return self.sent

    def throttled(self, ticket: int, now: float) -> None:
        if ticket < self.cut_at + CUT_WINDOW:
            return  # sent before the last cut took hold
        self.rate = max(self.floor, self.rate * THROTTLE_CUT)
        self.cut_at = self.sent
        self.generation += 1
        self.next_slot = now + 1.0 / self.rate  # the slots taken at the old rate are void

    def succeeded(self) -> None:
        # RECOVERY_PER_SECOND x ceiling per second at `rate` successes per second.
        self.rate = min(self.ceiling, self.rate + RECOVERY_PER_SECOND * self.ceiling / self.rate)


class RequestRateLimiter:
    """Thread-safe: acquire(operation) blocks until the operation's next slot and returns the request's ticket;
    answered(operation, ticket, throttled) tells the limiter how the service answered it.

    Operations without a rate (or with a rate of 0 or less) are not limited (their ticket is None).
    """

    def __init__(self, rates: Mapping[str, float], clock: Optional[Clock] = None) -> None:
        self._rates = {operation: AdaptiveRate(rate) for operation, rate in rates.items() if rate and rate > 0}
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()

    def rate(self, operation: str) -> Optional[float]:
        """The configured rate (the ceiling), None when the operation is not limited."""
        adaptive = self._rates.get(operation)
        return None if adaptive is None else adaptive.ceiling

    def current_rate(self, operation: str) -> Optional[float]:
        """The rate now, after the cuts and recoveries so far."""
        adaptive = self._rates.get(operation)
        if adaptive is None:
            return None
        with self._lock:
            return adaptive.rate

    def reserve(self, operation: str) -> float:
        """Take the operation's next slot; return how long to wait for it (0 when it is now)."""
        adaptive = self._rates.get(operation)
        if adaptive is None:
            return 0.0
        with self._lock:
            now = self._clock.monotonic()
            return adaptive.reserve(now) - now

    def acquire(self, operation: str) -> Optional[int]:
        """Block until one request of operation may be sent; return its ticket (None: not limited). The time
        spent here is the queue's, not the request's."""
        adaptive = self._rates.get(operation)
        if adaptive is None:
            return None
        while True:
            with self._lock:
                now = self._clock.monotonic()
                wait = adaptive.reserve(now) - now
                generation = adaptive.generation
                if wait <= 0:
                    return adaptive.send()
            self._clock.sleep(wait)
            with self._lock:
                if adaptive.generation == generation:
                    return adaptive.send()

    def answered(self, operation: str, ticket: Optional[int], throttled: bool) -> None:
        """The service answered the request of that ticket: throttled cuts the rate, anything else raises it."""
        adaptive = self._rates.get(operation)
        if adaptive is None or ticket is None:
            return
        with self._lock:
            if throttled:
                adaptive.throttled(ticket, self._clock.monotonic())
            else:
                adaptive.succeeded()


def request_rates(overrides: Optional[Mapping[str, Optional[float]]]) -> Dict[str, float]:
    """The default quotas with the user's overrides (for accounts with raised quotas) applied."""
    rates = dict(DEFAULT_REQUEST_RATES)
    for operation, rate in (overrides or {}).items():
        if rate is not None:
            rates[operation] = float(rate)
    return rates


# Sane bounds for a request rate: one request in 100 seconds at the slowest; far above any quota AWS grants
# at the fastest. Outside them a rate is a typo (and 1e-300 or inf would break the arithmetic of the limiter).
MIN_REQUEST_RATE = 0.01
MAX_REQUEST_RATE = 10_000.0


def check_request_rates(
    option: str, overrides: Optional[Mapping[str, Optional[float]]], may_be_zero: Tuple[str, ...] = MAY_BE_ZERO
) -> Dict[str, float]:
    """request_rates() after checking the overrides: finite requests per second within the sane bounds,
    or 0 where the operation is optional."""
    bounds = f"between {MIN_REQUEST_RATE:g} and {MAX_REQUEST_RATE:g} requests per second"
    for operation, rate in sorted((overrides or {}).items()):
        if rate is None:
            continue
        if operation in may_be_zero and rate == 0:
            continue
        if not (math.isfinite(rate) and MIN_REQUEST_RATE <= rate <= MAX_REQUEST_RATE):
            zero = " (or 0: do not use)" if operation in may_be_zero else ""
            raise InvalidParameterError(f"{option}.{operation} must be {bounds}{zero}; got {rate}.")
    return request_rates(overrides)
