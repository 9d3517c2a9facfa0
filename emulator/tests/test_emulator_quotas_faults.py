# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request-rate quotas, latency, random faults and targeted fault rules."""

from __future__ import annotations

import concurrent.futures
import time
import typing as t

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import CUST1_GENERATED
from emulator_support import base_seed
from emulator_support import make_client
from voiceid_emulator import DEFAULT_RATES
from voiceid_emulator import EmulatorServer
from voiceid_emulator.quotas import TokenBucket


def outcome(call: t.Callable[..., t.Any], **params: t.Any) -> str:
    """'ok' or the error code."""
    try:
        call(**params)
    except botocore.exceptions.ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


def test_default_rates_are_aws_defaults() -> None:
    expected = {
        "DescribeSpeaker": 10,
        "OptOutSpeaker": 10,
        "DeleteSpeaker": 10,
        "ListSpeakers": 5,
        "CreateDomain": 2,
        "DescribeDomain": 2,
        "ListDomains": 2,
    }
    assert {operation: DEFAULT_RATES[operation] for operation in expected} == expected


def test_quotas_are_off_by_default(client: t.Any) -> None:
    outcomes = [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _number in range(8)]
    assert outcomes == ["ok"] * 8


class FrozenClock:
    """Stands in for time.monotonic in the rate limiter, so bursts are judged without timing luck."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_beyond_the_rate_is_throttled() -> None:
    with EmulatorServer(base_seed(), enforce_quotas=True) as server:
        clock = FrozenClock()
        server.emulator.limiter.clock = clock
        client = make_client(server.url)
        outcomes = [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _number in range(5)]
        assert outcomes == ["ok", "ok", "ThrottlingException", "ThrottlingException", "ThrottlingException"]
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            client.list_domains()
            client.list_domains()
            client.list_domains()
        assert caught.value.response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        speakers = [outcome(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1") for _n in range(12)]
        assert speakers == ["ok"] * 10 + ["ThrottlingException"] * 2
        listing = [outcome(client.list_speakers, DomainId=ACTIVE_DOMAIN) for _n in range(6)]
        assert listing == ["ok"] * 5 + ["ThrottlingException"]
        opt_outs = [outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-3") for _n in range(11)]
        assert opt_outs == ["ok"] * 10 + ["ThrottlingException"]
        clock.now += 0.5  # half a second refills one DescribeDomain token (2/s)
        assert [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _n in range(2)] == [
            "ok",
            "ThrottlingException",
        ]
        recorded = [call["error_code"] for call in server.calls("DescribeDomain")]
        assert recorded == [None, None] + ["ThrottlingException"] * 3 + [None, "ThrottlingException"]


def test_burst_in_real_time_is_throttled() -> None:
    with EmulatorServer(base_seed(), enforce_quotas=True) as server:
        client = make_client(server.url)
        started = time.monotonic()
        outcomes = [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _number in range(6)]
        elapsed = time.monotonic() - started
        assert outcomes[:2] == ["ok", "ok"]
        # At most the burst (2) plus what refilled meanwhile (2/s) can succeed.
        assert outcomes.count("ok") <= 2 + int(2 * elapsed)
        assert set(outcomes) <= {"ok", "ThrottlingException"}


def test_calls_at_the_rate_are_not_throttled() -> None:
    with EmulatorServer(base_seed(), enforce_quotas=True) as server:
        client = make_client(server.url)
        # Drain the ListSpeakers bucket (5/s, burst 5) until a call is throttled.
        drained = [outcome(client.list_speakers, DomainId=ACTIVE_DOMAIN) for _n in range(5)]
        for _attempt in range(50):
            if drained[-1] == "ThrottlingException":
                break
            drained.append(outcome(client.list_speakers, DomainId=ACTIVE_DOMAIN))
        assert drained[:5] == ["ok"] * 5
        assert drained[-1] == "ThrottlingException"
        paced = []
        for _number in range(6):  # a little over a second at 5/s, from an empty bucket
            time.sleep(1.05 / 5)
            paced.append(outcome(client.list_speakers, DomainId=ACTIVE_DOMAIN))
        assert paced == ["ok"] * 6


def test_buckets_are_per_region_and_operation() -> None:
    with EmulatorServer(base_seed(), enforce_quotas=True) as server:
        east = make_client(server.url, region="us-east-1")
        west = make_client(server.url, region="eu-west-1")
        assert [outcome(east.list_domains) for _n in range(3)] == ["ok", "ok", "ThrottlingException"]
        assert [outcome(west.list_domains) for _n in range(2)] == ["ok", "ok"]
        assert outcome(east.describe_domain, DomainId=ACTIVE_DOMAIN) == "ok"


def test_rates_and_enforcement_change_at_run_time(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(enforce_quotas=True, rates={"ListDomains": 4})
    assert [outcome(client.list_domains) for _n in range(5)] == ["ok"] * 4 + ["ThrottlingException"]
    assert emulator.config()["effective_rates"]["ListDomains"] == 4
    assert emulator.config()["effective_rates"]["ListSpeakers"] == 5
    emulator.configure(enforce_quotas=False)
    assert [outcome(client.list_domains) for _n in range(5)] == ["ok"] * 5


def test_token_bucket_refills_at_the_rate() -> None:
    now = [100.0]
    bucket = TokenBucket(2.0, clock=lambda: now[0])
    assert [bucket.take() for _n in range(3)] == [True, True, False]
    now[0] += 0.5
    assert [bucket.take() for _n in range(2)] == [True, False]
    now[0] += 10.0  # never more than one second's worth
    assert [bucket.take() for _n in range(3)] == [True, True, False]
    slow = TokenBucket(0.5, clock=lambda: now[0])  # below 1/s: one call, then one every two seconds
    assert [slow.take(), slow.take()] == [True, False]
    now[0] += 2.0
    assert slow.take() is True


def test_latency_is_added_and_calls_overlap() -> None:
    with EmulatorServer(base_seed(), latency_ms=500) as server:
        started = time.monotonic()
        make_client(server.url).list_domains()
        single = time.monotonic() - started
        assert single >= 0.5
        clients = [make_client(server.url) for _n in range(4)]
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda c: c.describe_domain(DomainId=ACTIVE_DOMAIN), clients))
        elapsed = time.monotonic() - started
        assert len(results) == 4
        assert 0.5 <= elapsed < 1.5  # four 500 ms calls in parallel, not in series (2 s)
        assert all(call["duration_ms"] >= 500 for call in server.calls())


def test_throttle_rate_one_throttles_everything(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(throttle_rate=1.0)
    assert outcome(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1") == "ThrottlingException"
    emulator.configure(throttle_rate=0.0)
    assert outcome(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1") == "ok"


def test_fault_rate_one_answers_internal_errors(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(fault_rate=1.0)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    assert caught.value.response["Error"]["Code"] == "InternalServerException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    emulator.configure(fault_rate=0.0)
    # the injected fault did not change anything
    assert client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")["Speaker"]["Status"] == "ENROLLED"


def _pattern(random_seed: int) -> list[str]:
    with EmulatorServer(base_seed(), throttle_rate=0.3, fault_rate=0.3, random_seed=random_seed) as server:
        client = make_client(server.url)
        return [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _n in range(40)]


def test_random_faults_are_reproducible_with_a_seed() -> None:
    first = _pattern(99)
    assert first == _pattern(99)
    assert {"ok", "ThrottlingException", "InternalServerException"} == set(first)
    assert 5 <= first.count("ok") <= 30


def test_rule_by_operation_with_times(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(rules=[{"operation": "ListSpeakers", "code": "ThrottlingException", "times": 2}])
    outcomes = [outcome(client.list_speakers, DomainId=ACTIVE_DOMAIN) for _n in range(4)]
    assert outcomes == ["ThrottlingException", "ThrottlingException", "ok", "ok"]
    assert outcome(client.list_domains) == "ok"
    assert emulator.config()["rules"][0]["matched"] == 2


@pytest.mark.parametrize("rule_id", ["cust-1", CUST1_GENERATED])
@pytest.mark.parametrize("call_id", ["cust-1", CUST1_GENERATED])
def test_rule_matches_a_speaker_by_either_id(
    emulator: EmulatorServer, client: t.Any, rule_id: str, call_id: str
) -> None:
    emulator.configure(rules=[{"speaker_id": rule_id, "code": "AccessDeniedException"}])
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=call_id)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    # 400, as every operation's Errors section in the Voice ID API reference gives it (not 403)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2") == "ok"
    assert outcome(client.list_speakers, DomainId=ACTIVE_DOMAIN) == "ok"


def test_conflict_rule_carries_the_conflict_type(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[
            {
                "operation": "OptOutSpeaker",
                "speaker_id": "cust-2",
                "code": "ConflictException",
                "conflict_type": "CONCURRENT_CHANGES",
                "times": 1,
            }
        ]
    )
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2")
    assert caught.value.response["Error"]["Code"] == "ConflictException"
    assert caught.value.response["ConflictType"] == "CONCURRENT_CHANGES"
    assert client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2")["Speaker"]["Status"] == "OPTED_OUT"


@pytest.mark.parametrize(
    ("rule", "code", "status"),
    [
        ({"code": "InternalServerException"}, "InternalServerException", 500),
        ({"code": "ThrottlingException", "message": "Slow down"}, "ThrottlingException", 400),
        ({"code": "ResourceNotFoundException"}, "ResourceNotFoundException", 400),
        ({"code": "ValidationException"}, "ValidationException", 400),
    ],
)
def test_rule_codes(emulator: EmulatorServer, client: t.Any, rule: dict[str, t.Any], code: str, status: int) -> None:
    emulator.configure(rules=[dict(rule, operation="DescribeSpeaker")])
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    response = caught.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    if "message" in rule:
        assert response["Error"]["Message"] == rule["message"]
    if code == "ResourceNotFoundException":
        assert response["ResourceType"] == "SPEAKER"


def test_rule_for_an_unknown_speaker_by_customer_id(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(rules=[{"speaker_id": "not-yet", "code": "ThrottlingException", "times": 1}])
    assert outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="not-yet") == "ThrottlingException"
    assert outcome(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="not-yet") == "ok"


def test_bad_configuration_is_refused(emulator: EmulatorServer) -> None:
    for bad in (
        {"throttle_rate": 2},
        {"rules": [{"operation": "X"}]},
        {"rates": {"NoSuchOp": 1}},
        {"nope": 1},
        {"rules": [{"code": "ConflictException", "conflict_type": "NOPE"}]},
        {"latency_ms": -1},
    ):
        with pytest.raises(ValueError):
            emulator.configure(**bad)
    assert emulator.config()["throttle_rate"] == 0.0
