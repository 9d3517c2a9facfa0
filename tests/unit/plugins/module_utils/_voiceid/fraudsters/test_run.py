# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fraudsters' run on the in-memory fake (concurrent calls) and on a refused loopback port: a signal or an
unreachable endpoint stops it in order, and the result still reports every write the fake carried out."""

from __future__ import annotations

import signal
from typing import Any

import botocore.config
import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.watchlist_client import WatchlistClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.signals import stopping_on_signals
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import RunResult
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import decide
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.run import run_fraudsters
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import voiceid_client
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import SignalsAtCall
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

WATCHLIST = "W" * 22
IDS = [f"id#Fraudster{number:013d}" for number in range(200)]


def _decide(now: Any) -> Any:
    return decide(STATE_ABSENT, now, None, False)


def assert_reports_every_write(outcome: RunResult, fake: FakeVoiceID) -> None:
    """Every deletion the fake carried out is reported changed, and nothing else; no id is also a failure."""
    deleted = {params["FraudsterId"] for _name, params in fake.fraudster_writes()}
    assert set(outcome.changed_fraudster_ids) == deleted
    assert not deleted & {failure["fraudster_id"] for failure in outcome.failures}
    assert len(outcome.changed_fraudster_ids) + len(outcome.failures) == len(IDS)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_new_requests_and_the_result_reports_every_write(signum: int) -> None:
    fake = SignalsAtCall(signum, "DeleteFraudster", 5, DOMAIN_ID, {})  # a signal during the fifth deletion
    fake.add_watchlist(WATCHLIST, "default", default=True)
    for fraudster_id in IDS:
        fake.add_fraudster(fraudster_id, [WATCHLIST])
    limiter = RequestRateLimiter({"delete_fraudster": 200, "describe_fraudster": 200})
    client = WatchlistClient(fake, RetryPolicy(sleep=[].append), limiter=limiter)
    fake.client = client

    with stopping_on_signals(client):
        outcome = run_fraudsters(client, DOMAIN_ID, IDS, STATE_ABSENT, _decide, False)

    assert fake.started_after_stop == 0
    assert outcome.abort is not None and outcome.abort.code == "Interrupted"
    assert 5 <= len(fake.fraudster_writes()) < len(IDS)
    assert {failure["code"] for failure in outcome.failures} == {"Interrupted"}
    assert_reports_every_write(outcome, fake)


def test_a_refused_port_trips_the_breaker_for_the_whole_list(refused_port: int) -> None:
    boto = voiceid_client(
        f"http://127.0.0.1:{refused_port}",
        botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    client = WatchlistClient(boto, RetryPolicy(sleep=[].append))

    outcome = run_fraudsters(client, DOMAIN_ID, IDS, STATE_ABSENT, _decide, False)

    assert outcome.changed_fraudster_ids == [] and len(outcome.failures) == len(IDS)
    assert outcome.abort is not None and outcome.abort.unreachable
    message = outcome.failure_message("deleted")
    assert message is not None and "did not answer any request of this run" in message
    assert "id#" not in message
