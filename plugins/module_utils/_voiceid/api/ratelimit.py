# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Client-side request rates per operation, so that concurrent requests stay within the service's quotas.

Voice ID's quotas are per account, region and operation (requests per second). Each operation gets a
schedule: request n may start no earlier than start + n / rate. Requests are spread evenly, with no burst
at the start, so that a run does not spend the account's burst on its first second and then get throttled.
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


class RequestRateLimiter:
    """Thread-safe: acquire(operation) blocks until the operation's next slot, then returns.

    Operations without a rate (or with a rate of 0 or less) are not limited.
    """

    def __init__(self, rates: Mapping[str, float], clock: Optional[Clock] = None) -> None:
        self._intervals = {operation: 1.0 / rate for operation, rate in rates.items() if rate and rate > 0}
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._next_slot: Dict[str, float] = {}
        self._lock = threading.Lock()

    def rate(self, operation: str) -> Optional[float]:
        interval = self._intervals.get(operation)
        return None if interval is None else 1.0 / interval

    def reserve(self, operation: str) -> float:
        """Take the operation's next slot; return how long to wait for it (0 when it is now)."""
        interval = self._intervals.get(operation)
        if interval is None:
            return 0.0
        with self._lock:
            now = self._clock.monotonic()
            slot = max(now, self._next_slot.get(operation, now))
            self._next_slot[operation] = slot + interval
        return slot - now

    def acquire(self, operation: str) -> None:
        wait = self.reserve(operation)
        if wait > 0:
            self._clock.sleep(wait)


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
