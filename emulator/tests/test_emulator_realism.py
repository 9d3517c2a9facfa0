# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Realism mode: overlapping writes to one speaker conflict, ListSpeakers lags, and locks are per domain."""

from __future__ import annotations

import concurrent.futures
import threading
import time
import typing as t

import botocore.config
import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import CUST1_GENERATED
from emulator_support import SUSPENDED_DOMAIN
from emulator_support import make_client
from voiceid_emulator import EmulatorServer


def _wait_until_in_flight(server: EmulatorServer, count: int = 1) -> None:
    service = server.emulator.service
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with service.in_flight_lock:
            if len(service.in_flight) >= count:
                return
        time.sleep(0.005)
    raise AssertionError("the first write never went in flight")


def _outcome(call: t.Callable[..., t.Any], **params: t.Any) -> str:
    try:
        call(**params)
    except botocore.exceptions.ClientError as error:
        return f"{error.response['Error']['Code']}/{error.response.get('ConflictType', '')}"
    return "ok"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("opt_out_speaker", "cust-1"), ("opt_out_speaker", CUST1_GENERATED)),  # one speaker, either id
        (("opt_out_speaker", "cust-1"), ("delete_speaker", "cust-1")),
        (("delete_speaker", CUST1_GENERATED), ("opt_out_speaker", "cust-1")),
        (("opt_out_speaker", "brand-new"), ("opt_out_speaker", "brand-new")),  # a speaker being created
    ],
)
def test_overlapping_writes_to_one_speaker_conflict(
    emulator: EmulatorServer, first: tuple[str, str], second: tuple[str, str]
) -> None:
    emulator.configure(realism=True, latency_ms=1500)
    client = make_client(emulator.url)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_outcome, getattr(client, first[0]), DomainId=ACTIVE_DOMAIN, SpeakerId=first[1])
        _wait_until_in_flight(emulator)
        overlapping = _outcome(getattr(client, second[0]), DomainId=ACTIVE_DOMAIN, SpeakerId=second[1])
        assert overlapping == "ConflictException/CONCURRENT_CHANGES"
        assert pending.result() == "ok"
    # Once the first write is done, the same write goes through.
    emulator.configure(latency_ms=0)
    assert _outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1") == "ok"
    assert [call["error_code"] for call in emulator.calls()].count("ConflictException") == 1


def test_writes_to_other_speakers_and_reads_do_not_conflict(emulator: EmulatorServer) -> None:
    emulator.configure(realism=True, latency_ms=1500)
    client = make_client(emulator.url)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_outcome, client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
        _wait_until_in_flight(emulator)
        emulator.configure(latency_ms=0)
        assert _outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2") == "ok"
        assert _outcome(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1") == "ok"
        assert pending.result() == "ok"


def test_without_realism_overlapping_writes_both_succeed(emulator: EmulatorServer) -> None:
    emulator.configure(latency_ms=300)
    client = make_client(emulator.url)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        outcomes = list(
            pool.map(lambda _n: _outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1"), range(4))
        )
    assert outcomes == ["ok"] * 4


def _listed(client: t.Any) -> dict[str, str]:
    summaries = client.list_speakers(DomainId=ACTIVE_DOMAIN)["SpeakerSummaries"]
    return {summary["CustomerSpeakerId"]: summary["Status"] for summary in summaries}


def test_list_speakers_lags_while_describe_stays_current(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(realism=True, list_lag_seconds=3600)
    assert _listed(client) == {"cust-1": "ENROLLED", "cust-2": "EXPIRED", "cust-3": "PENDING"}
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")  # twice: still the settled view
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="fresh")
    client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2")
    # DescribeSpeaker is current ...
    assert client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")["Speaker"]["Status"] == "OPTED_OUT"
    assert client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="fresh")["Speaker"]["Status"] == "OPTED_OUT"
    with pytest.raises(botocore.exceptions.ClientError):
        client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2")
    # ... ListSpeakers shows the world as it was, until the lag has passed.
    assert _listed(client) == {"cust-1": "ENROLLED", "cust-2": "EXPIRED", "cust-3": "PENDING"}
    assert emulator.state(ACTIVE_DOMAIN)["domains"][0]["speaker_count"] == 3  # cust-1, cust-3, fresh
    emulator.configure(list_lag_seconds=0.001)
    time.sleep(0.01)
    assert _listed(client) == {"cust-1": "OPTED_OUT", "cust-3": "PENDING", "fresh": "OPTED_OUT"}


def test_the_lag_passes_on_its_own(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(realism=True, list_lag_seconds=0.2)
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="later")
    deadline = time.monotonic() + 10
    while "later" not in _listed(client):
        assert time.monotonic() < deadline, "the new speaker never showed in ListSpeakers"
        time.sleep(0.05)


def test_without_realism_list_speakers_is_current(emulator: EmulatorServer, client: t.Any) -> None:
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="fresh")
    assert _listed(client)["cust-1"] == "OPTED_OUT" and "fresh" in _listed(client)


def test_a_busy_domain_does_not_block_others(emulator: EmulatorServer) -> None:
    quick = make_client(emulator.url, config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=5))
    lock = emulator.emulator.store.domains[ACTIVE_DOMAIN].lock
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(10)
        # Other domains' speakers and every domain's own fields are served meanwhile.
        assert quick.describe_speaker(DomainId=SUSPENDED_DOMAIN, SpeakerId="cust-s")["Speaker"]["Status"]
        assert quick.describe_domain(DomainId=ACTIVE_DOMAIN)["Domain"]["DomainId"] == ACTIVE_DOMAIN
        assert len(quick.list_domains()["DomainSummaries"]) == 3
    finally:
        release.set()
        holder.join()


def test_concurrent_writes_to_many_speakers_lose_nothing(emulator: EmulatorServer) -> None:
    emulator.configure(realism=True, latency_ms=5, list_lag_seconds=0.001)
    client = make_client(emulator.url)
    names = [f"many-{number}" for number in range(200)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        outcomes = list(
            pool.map(lambda name: _outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId=name), names)
        )
    assert outcomes == ["ok"] * len(names)
    speakers = emulator.state(ACTIVE_DOMAIN)["domains"][0]["speakers"]
    assert {speaker["customer_speaker_id"] for speaker in speakers} >= set(names)
    assert len({speaker["generated_speaker_id"] for speaker in speakers}) == len(speakers)


def test_realism_configuration(emulator: EmulatorServer) -> None:
    assert emulator.config()["realism"] is False
    with pytest.raises(ValueError, match="list_lag_seconds"):
        emulator.configure(list_lag_seconds=-1)
    with pytest.raises(ValueError, match="realism"):
        emulator.configure(realism="yes")
