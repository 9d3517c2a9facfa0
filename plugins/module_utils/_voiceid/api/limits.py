# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The numbers that bound one request, the only place they live: attempts, backoff, timeouts, time budget and
breaker. The doc fragment and the guides quote them; a unit test holds the quotes to these values."""

from __future__ import annotations

# At most 10 attempts with delays capped at 8 s: a throttled or faulting call gives up after roughly
# 30 s of waiting on average, and at worst about a minute.
MAX_ATTEMPTS = 10
BASE_DELAY = 0.25
MAX_DELAY = 8.0
# Timeouts are per attempt, a few seconds (botocore's 60 s would let a hung endpoint hold each request for
# 10 minutes); aws_config overrides them.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
# The most time one request may take, all its attempts and pauses included. A request that has not
# succeeded by then fails with its last error.
REQUEST_TIME_BUDGET = 60.0
# The breaker: when this many attempts of a run end without an answer (refused, unresolvable, timed out) and
# none has ever been answered, the endpoint is taken to be unreachable and every request fails at once.
BREAKER_FAILURES = 3
# Paging: a listing may hold this many times the service's default quota (operations.py, max_items; AWS can
# raise a quota) before its pages count as endless. With the page size this bounds the pages of each listing.
QUOTA_HEADROOM = 10
