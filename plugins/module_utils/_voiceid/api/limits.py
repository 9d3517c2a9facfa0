# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The numbers that bound one request, the only place they live: attempts, backoff, timeouts, time budget,
breaker, and how the request rate of an operation adapts to throttling. The doc fragment and the guides quote
them; a unit test holds the quotes to these values."""

from __future__ import annotations

# At most 10 attempts with delays capped at 8 s: a faulting call (5xx, no answer, a conflict that may pass)
# gives up after roughly 30 s of waiting on average, and at worst about a minute. Throttled answers count
# neither as attempts nor against the budget: a throttled request is retried (with the same backoff) for as
# long as the run goes on, and the operation's rate adapts (below).
MAX_ATTEMPTS = 10
BASE_DELAY = 0.25
MAX_DELAY = 8.0
# Timeouts are per attempt, a few seconds (botocore's 60 s would let a hung endpoint hold each request for
# 10 minutes); aws_config overrides them.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
# The most time one request may take over its faulting attempts and the pauses after them (time waiting
# in the rate limiter's queue and after throttled answers is not counted). A request that has not
# succeeded by then fails with its last error.
REQUEST_TIME_BUDGET = 60.0
# The breaker: when this many attempts of a run end without an answer (refused, unresolvable, timed out) and
# none has ever been answered, the endpoint is taken to be unreachable and every request fails at once.
BREAKER_FAILURES = 3
# Paging: a listing may hold this many times the service's default quota (operations.py, max_items; AWS can
# raise a quota) before its pages count as endless. With the page size this bounds the pages of each listing.
QUOTA_HEADROOM = 10
# The adaptive request rate (ratelimit.py), AIMD as TCP's: an operation starts at its request_rates value
# (the ceiling); a throttled answer cuts its rate to THROTTLE_CUT times the rate (at most once per
# CUT_WINDOW requests sent after the last cut: answers to requests already on their way when the rate was cut
# say nothing new), and each success raises it by RECOVERY_PER_SECOND of the ceiling per second of successes,
# back up to the ceiling. It never goes below RATE_FLOOR times the ceiling.
THROTTLE_CUT = 0.8
CUT_WINDOW = 4
RECOVERY_PER_SECOND = 0.05
RATE_FLOOR = 0.05
