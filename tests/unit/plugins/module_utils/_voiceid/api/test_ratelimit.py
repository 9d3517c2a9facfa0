# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client-side rate limiter and how its rate adapts to throttling, on a fake clock."""

from __future__ import annotations

import threading
from typing import List
from typing import Optional

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import CUT_WINDOW
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import RATE_FLOOR
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import RECOVERY_PER_SECOND
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import THROTTLE_CUT
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


# The adaptive rate (limits.py's THROTTLE_CUT, CUT_WINDOW, RECOVERY_PER_SECOND, RATE_FLOOR).


def send(limiter: RequestRateLimiter, count: int, operation: str = "describe_speaker") -> List[Optional[int]]:
    return [limiter.acquire(operation) for _request in range(count)]


def test_a_throttled_answer_cuts_the_rate_and_the_schedule_follows() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"describe_speaker": 10.0}, clock)
    [ticket] = send(limiter, 1)
    limiter.answered("describe_speaker", ticket, throttled=True)
    assert limiter.current_rate("describe_speaker") == pytest.approx(10.0 * THROTTLE_CUT)
    assert limiter.rate("describe_speaker") == 10.0  # the configured rate stays the ceiling
    clock.sleeps.clear()
    send(limiter, 2)
    assert clock.sleeps == pytest.approx([1 / (10.0 * THROTTLE_CUT), 2 / (10.0 * THROTTLE_CUT)])


def test_answers_to_requests_sent_before_the_cut_do_not_cut_again() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"describe_speaker": 10.0}, clock)
    in_flight = send(limiter, 5)
    for ticket in in_flight:  # all five were on their way when the first answer came back throttled
        limiter.answered("describe_speaker", ticket, throttled=True)
    assert limiter.current_rate("describe_speaker") == pytest.approx(10.0 * THROTTLE_CUT)
    after_cut = send(limiter, CUT_WINDOW)
    limiter.answered("describe_speaker", after_cut[-2], throttled=True)  # within the window: no new cut
    assert limiter.current_rate("describe_speaker") == pytest.approx(10.0 * THROTTLE_CUT)
    limiter.answered("describe_speaker", after_cut[-1], throttled=True)
    assert limiter.current_rate("describe_speaker") == pytest.approx(10.0 * THROTTLE_CUT**2)


def test_successes_restore_the_rate_up_to_the_ceiling_and_no_further() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"opt_out_speaker": 10.0}, clock)
    [ticket] = send(limiter, 1, "opt_out_speaker")
    limiter.answered("opt_out_speaker", ticket, throttled=True)
    rates = []
    for ticket in send(limiter, 40, "opt_out_speaker"):
        limiter.answered("opt_out_speaker", ticket, throttled=False)
        rates.append(limiter.current_rate("opt_out_speaker"))
    assert rates == sorted(rates)  # climbs, never drops on success
    assert rates[0] < 10.0 and rates[-1] == 10.0
    # Each success adds RECOVERY_PER_SECOND x ceiling / rate, so r dr = RECOVERY_PER_SECOND x ceiling dn: back from
    # the cut to the ceiling after (ceiling² - cut²) / (2 x RECOVERY_PER_SECOND x ceiling) successes (36 here).
    expected = (10.0**2 - (10.0 * THROTTLE_CUT) ** 2) / (2 * RECOVERY_PER_SECOND * 10.0)
    assert abs(rates.index(10.0) + 1 - expected) <= 2


def test_the_rate_never_drops_below_the_floor() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"list_speakers": 5.0}, clock)
    for _round in range(60):
        for ticket in send(limiter, CUT_WINDOW, "list_speakers"):
            limiter.answered("list_speakers", ticket, throttled=True)
    assert limiter.current_rate("list_speakers") == pytest.approx(5.0 * RATE_FLOOR)


def test_a_request_queued_at_the_old_rate_waits_for_a_slot_of_the_new_one() -> None:
    clock = FakeClock()
    limiter = RequestRateLimiter({"describe_speaker": 10.0}, clock)
    [first] = send(limiter, 1)

    def throttled_while_waiting(seconds: float) -> None:
        clock.sleeps.append(seconds)
        if len(clock.sleeps) == 1:  # the first answer comes back throttled while the second request waits
            limiter.answered("describe_speaker", first, throttled=True)

    clock.sleep = throttled_while_waiting  # type: ignore[method-assign]
    send(limiter, 1)
    assert clock.sleeps == pytest.approx([0.1, 1 / (10.0 * THROTTLE_CUT)])


def test_unlimited_operations_have_no_ticket_and_ignore_answers() -> None:
    limiter = RequestRateLimiter({"list_speakers": 0.0}, FakeClock())
    assert limiter.acquire("list_speakers") is None
    limiter.answered("list_speakers", None, throttled=True)
    assert limiter.current_rate("list_speakers") is None
