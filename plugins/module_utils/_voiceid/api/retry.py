# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Retries with jittered exponential backoff ("full jitter", as AWS's architecture blog recommends)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Callable
from typing import Optional

from .limits import BASE_DELAY
from .limits import MAX_ATTEMPTS
from .limits import MAX_DELAY


@dataclass
class RetryPolicy:
    max_attempts: int = MAX_ATTEMPTS
    base_delay: float = BASE_DELAY
    max_delay: float = MAX_DELAY
    sleep: Optional[Callable[[float], None]] = field(default=None, repr=False)  # None: time.sleep
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)

    def delay_ceiling(self, failed_attempts: int) -> float:
        """The longest delay() can be after the failed_attempts-th failure."""
        return min(self.max_delay, self.base_delay * 2.0 ** (failed_attempts - 1))

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after the failed_attempts-th failure: uniform in [0, min(cap, base * 2**(n-1))]."""
        return self.uniform(0.0, self.delay_ceiling(failed_attempts))

    def pause(self, failed_attempts: int) -> None:
        """Wait before the next attempt."""
        (self.sleep or time.sleep)(self.delay(failed_attempts))
