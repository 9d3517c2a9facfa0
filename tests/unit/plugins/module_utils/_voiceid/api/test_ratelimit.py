# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client-side rate limiter, on a fake clock."""

from __future__ import annotations

import threading
from typing import List

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import DEFAULT_REQUEST_RATES
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError


class FakeClock:
    """Time moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []
        self.lock = threading.Lock()

    def monotonic(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)


def test_requests_are_spread_at_the_rate_with_no_burst() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"describe_speaker": 10.0}, clock)
    waits = [limiter.reserve("describe_speaker") for _request in range(5)]
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])


def test_time_that_passed_is_not_saved_up_as_burst() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"list_speakers": 5.0}, clock)
    assert limiter.reserve("list_speakers") == 0.0
    clock.now += 10.0  # idle for 10 s
    assert limiter.reserve("list_speakers") == 0.0
    assert limiter.reserve("list_speakers") == pytest.approx(0.2)


def test_operations_have_separate_schedules_and_unknown_ones_are_free() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter(DEFAULT_REQUEST_RATES, clock)
    assert limiter.reserve("describe_speaker") == 0.0
    assert limiter.reserve("opt_out_speaker") == 0.0
    assert limiter.reserve("list_speakers") == 0.0
    assert limiter.reserve("describe_speaker") == pytest.approx(0.1)
    assert limiter.reserve("list_speakers") == pytest.approx(0.2)
    assert limiter.reserve("untracked_operation") == 0.0
    assert limiter.rate("untracked_operation") is None
    assert limiter.rate("list_speakers") == 5.0


def test_acquire_sleeps_for_the_reserved_slot() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"opt_out_speaker": 4.0}, clock)
    limiter.acquire("opt_out_speaker")
    limiter.acquire("opt_out_speaker")
    limiter.acquire("opt_out_speaker")
    assert clock.sleeps == pytest.approx([0.25, 0.5])


def test_concurrent_callers_get_distinct_slots() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"describe_speaker": 10.0}, clock)
    waits: List[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _request in range(50):
            wait = limiter.reserve("describe_speaker")
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=take) for _thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(round(wait, 6) for wait in waits) == [round(slot / 10.0, 6) for slot in range(400)]


def test_rates_default_to_aws_quotas_and_take_overrides() -> None:
    rates = check_request_rates(
        "request_rates", {"describe_speaker": 50.0, "opt_out_speaker": None, "list_speakers": 0}
    )
    assert rates["describe_speaker"] == 50.0
    assert rates["opt_out_speaker"] == 10.0
    assert rates["list_speakers"] == 0.0
    assert check_request_rates("request_rates", None) == DEFAULT_REQUEST_RATES


BOUNDS = "between 0.01 and 10000 requests per second"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"describe_speaker": 0.0}, f"request_rates.describe_speaker must be {BOUNDS}; got 0.0."),
        ({"opt_out_speaker": -1.0}, f"request_rates.opt_out_speaker must be {BOUNDS}; got -1.0."),
        ({"list_speakers": -5.0}, f"request_rates.list_speakers must be {BOUNDS} (or 0: do not use); got -5.0."),
        # rates must be finite and within the bounds: inf would crash the limiter, nan switch it off, 1e-300 stall it
        ({"describe_speaker": float("inf")}, f"request_rates.describe_speaker must be {BOUNDS}; got inf."),
        ({"delete_speaker": float("nan")}, f"request_rates.delete_speaker must be {BOUNDS}; got nan."),
        ({"opt_out_speaker": 1e-300}, f"request_rates.opt_out_speaker must be {BOUNDS}; got 1e-300."),
        ({"list_speakers": 1e9}, f"request_rates.list_speakers must be {BOUNDS} (or 0: do not use); got 1000000000.0."),
    ],
)
def test_bad_rates_are_refused(overrides: dict, message: str) -> None:
    with pytest.raises(InvalidParameterError) as error:
        check_request_rates("request_rates", overrides)
    assert str(error.value) == message


def test_sane_rates_pass() -> None:
    overrides = {"list_speakers": 0.0, "delete_speaker": 0.01, "describe_speaker": 10000.0}
    rates = check_request_rates("request_rates", overrides)
    assert rates["list_speakers"] == 0.0 and rates["delete_speaker"] == 0.01 and rates["describe_speaker"] == 10000
