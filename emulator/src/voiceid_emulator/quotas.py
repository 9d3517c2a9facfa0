# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request-rate quotas: one token bucket per (account, region, operation).

Each bucket holds at most ``rate`` tokens (one second's worth; at least one token so that rates below 1/s still
admit a call) and refills continuously at ``rate`` tokens per second. A call takes one token or is throttled.
AWS does not publish its burst sizes; one second's worth is the conservative reading of "N requests per second".
"""

from __future__ import annotations

import threading
import time
import typing as t

# AWS's default Voice ID request-rate quotas (requests per second, per account and region), kept here on their
# own and never imported from the collection, so that the collection's limiter is checked against an independent
# table. Source: "Connect Customer Voice ID Service API throttling quotas" in the Amazon Connect Administrator
# Guide's service quotas page
# (https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html#voiceid-api-quotas):
# EvaluateSession 60/s; the domain operations 2/s; ListSpeakers 5/s; DescribeSpeaker, OptOutSpeaker, DeleteSpeaker,
# DescribeFraudster and DeleteFraudster 10/s; TagResource, UntagResource and ListTagsForResource 2/s.
DEFAULT_RATES: dict[str, float] = {
    "CreateDomain": 2.0,
    "DeleteDomain": 2.0,
    "DeleteSpeaker": 10.0,
    "DescribeDomain": 2.0,
    "DescribeSpeaker": 10.0,
    "ListDomains": 2.0,
    "ListSpeakers": 5.0,
    "OptOutSpeaker": 10.0,
    "UpdateDomain": 2.0,
    "EvaluateSession": 60.0,
    "TagResource": 2.0,
    "UntagResource": 2.0,
    "ListTagsForResource": 2.0,
    "DescribeFraudster": 10.0,
    "DeleteFraudster": 10.0,
    # Not in AWS's published table: the rates of the watchlist operations, of AssociateFraudster and
    # DisassociateFraudster, and of the watchlist and fraudster listings are unknown, so the emulator uses the
    # lowest documented Voice ID rate (2/s, the domain operations') as a conservative value.
    "CreateWatchlist": 2.0,
    "DescribeWatchlist": 2.0,
    "UpdateWatchlist": 2.0,
    "DeleteWatchlist": 2.0,
    "ListWatchlists": 2.0,
    "AssociateFraudster": 2.0,
    "DisassociateFraudster": 2.0,
    "ListFraudsters": 2.0,
}

# AWS's default Voice ID resource quotas: how many of a thing the service holds (configuration keys max_<name>,
# config.py, take their defaults from here). Source: "Connect Customer Voice ID service quotas" in the same page
# (#voiceid-quotas): 3 domains (per account and region), 100,000 speakers per domain, 3 watchlists per domain
# "including the default watchlist of a domain", 500 fraudsters per watchlist. A breach is answered with
# ServiceQuotaExceededException (CreateDomain, OptOutSpeaker of a new speaker, CreateWatchlist,
# AssociateFraudster).
RESOURCE_QUOTAS: dict[str, int] = {
    "domains": 3,
    "speakers_per_domain": 100_000,
    "watchlists_per_domain": 3,
    "fraudsters_per_watchlist": 500,
    # Not in AWS's table: how many watchlists one fraudster may belong to. AssociateFraudster's
    # ServiceQuotaExceededException says there is a bound; the emulator takes the watchlists-per-domain quota,
    # which bounds it anyway (lower the configuration key to exercise it).
    "watchlists_per_fraudster": 3,
}


class TokenBucket:
    def __init__(self, rate: float, clock: t.Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0) if rate > 0 else 0.0
        self.tokens = self.capacity
        self.clock = clock
        self.stamp = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RateLimiter:
    """Thread-safe collection of token buckets, created on first use."""

    def __init__(
        self, rates: t.Mapping[str, float] | None = None, clock: t.Callable[[], float] = time.monotonic
    ) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.rates: dict[str, float] = dict(DEFAULT_RATES)
        self.rates.update(rates or {})
        self.buckets: dict[tuple[str, str, str], TokenBucket] = {}

    def set_rates(self, rates: t.Mapping[str, float]) -> None:
        """Defaults overridden by ``rates``; every bucket starts full again."""
        with self.lock:
            self.rates = dict(DEFAULT_RATES)
            self.rates.update(rates)
            self.buckets = {}

    def reset(self) -> None:
        with self.lock:
            self.buckets = {}

    def allow(self, account_id: str, region: str, operation: str) -> bool:
        rate = self.rates.get(operation)
        if rate is None:
            return True
        key = (account_id, region, operation)
        with self.lock:
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket(rate, self.clock)
            return bucket.take()
