# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault rules that carry a call out and then break its answer: lost, reset, late, partial and endless answers,
a resource deleted by another writer, and the rules' skip / every (README "Fault rules")."""

from __future__ import annotations

import concurrent.futures
import time
import typing as t

import botocore.config
import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import CUST1_GENERATED
from emulator_support import make_client
from voiceid_emulator import EmulatorServer

DOMAIN_ARN = f"arn:aws:voiceid:us-east-1:111122223333:domain/{ACTIVE_DOMAIN}"


def outcome(call: t.Callable[..., t.Any], **params: t.Any) -> str:
    """'ok' or the error code."""
    try:
        call(**params)
    except botocore.exceptions.ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


def speaker_ids(emulator: EmulatorServer) -> list[str]:
    return [speaker["customer_speaker_id"] for speaker in emulator.state(ACTIVE_DOMAIN)["domains"][0]["speakers"]]


def live_domains(emulator: EmulatorServer) -> list[str]:
    return [domain["domain_id"] for domain in emulator.state(include_speakers=False)["domains"]]


def test_skip_and_every_choose_the_calls_a_rule_applies_to(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[{"operation": "DescribeDomain", "code": "ThrottlingException", "skip": 1, "every": 2, "times": 2}]
    )
    outcomes = [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _n in range(7)]
    # the 1st is skipped; of the rest, every 2nd (the 3rd and 5th calls) until it has applied twice
    assert outcomes == ["ok", "ok", "ThrottlingException", "ok", "ThrottlingException", "ok", "ok"]
    rule = emulator.config()["rules"][0]
    assert (rule["seen"], rule["matched"]) == (5, 2)
    recorded = [(call["rule"], call["answer"], call["error_code"]) for call in emulator.calls("DescribeDomain")]
    assert recorded[2] == (0, "error", "ThrottlingException")
    assert recorded[1] == (None, None, None)


def test_a_call_a_rule_lets_through_is_left_to_the_next_rule(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[
            {"operation": "DescribeDomain", "code": "ThrottlingException", "every": 2},
            {"operation": "DescribeDomain", "code": "AccessDeniedException"},
        ]
    )
    outcomes = [outcome(client.describe_domain, DomainId=ACTIVE_DOMAIN) for _n in range(4)]
    assert outcomes == ["AccessDeniedException", "ThrottlingException"] * 2
    assert [call["rule"] for call in emulator.calls()] == [1, 0, 1, 0]


def test_carried_out_answers_the_error_after_the_write(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[{"operation": "DeleteSpeaker", "answer": "carried_out", "code": "InternalServerException", "times": 1}]
    )
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    assert caught.value.response["Error"]["Code"] == "InternalServerException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "cust-1" not in speaker_ids(emulator)  # carried out all the same
    # the retry a client makes finds the speaker gone
    assert outcome(client.delete_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1") == "ResourceNotFoundException"
    first, retry = emulator.calls("DeleteSpeaker")
    assert (first["answer"], first["status"], first["error_code"]) == ("carried_out", 500, "InternalServerException")
    assert (retry["answer"], retry["error_code"]) == (None, "ResourceNotFoundException")


def test_carried_out_answers_the_operations_own_error_when_it_fails(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[{"operation": "DeleteSpeaker", "answer": "carried_out", "code": "InternalServerException"}]
    )
    assert outcome(client.delete_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="nobody") == "ResourceNotFoundException"
    (call,) = emulator.calls("DeleteSpeaker")
    assert (call["rule"], call["answer"]) == (0, None)  # the rule matched, but nothing was carried out


def test_reset_closes_the_connection_after_the_write(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(rules=[{"operation": "OptOutSpeaker", "speaker_id": "cust-1", "answer": "reset"}])
    # botocore sees a connection error (one it retries), not an answer
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    speaker = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=CUST1_GENERATED)["Speaker"]
    assert speaker["Status"] == "OPTED_OUT"  # carried out; the same client still works on a new connection
    (call,) = emulator.calls("OptOutSpeaker")
    assert (call["answer"], call["status"], call["error_code"]) == ("reset", None, None)


def test_a_late_answer_comes_after_the_delay_with_the_write_done(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[{"operation": "UpdateDomain", "answer": "late", "delay_seconds": 0.5}],
    )
    started = time.monotonic()
    answer = client.update_domain(
        DomainId=ACTIVE_DOMAIN,
        Name="renamed",
        ServerSideEncryptionConfiguration={"KmsKeyId": "alias/other"},
    )
    assert time.monotonic() - started >= 0.5
    assert answer["Domain"]["Name"] == "renamed"  # a success, answered in full
    (call,) = emulator.calls("UpdateDomain")
    assert (call["answer"], call["delay_seconds"], call["status"]) == ("late", 0.5, 200)


def test_a_late_answer_after_the_read_timeout_leaves_the_write_done(emulator: EmulatorServer) -> None:
    impatient = make_client(
        emulator.url,
        config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=1, connect_timeout=5),
    )
    emulator.configure(rules=[{"operation": "DeleteDomain", "answer": "late", "delay_seconds": 60}])
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(impatient.delete_domain, DomainId=ACTIVE_DOMAIN)
        with pytest.raises(botocore.exceptions.ReadTimeoutError):
            pending.result(timeout=30)
    assert ACTIVE_DOMAIN not in live_domains(emulator)
    (call,) = emulator.calls("DeleteDomain")
    assert (call["answer"], call["status"]) == ("late", 200)
    # stopping the server (the fixture) drops the answer still waiting instead of waiting 60 s for it


def test_omit_answers_200_without_the_members(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        max_domains=4,
        rules=[
            {"operation": "CreateDomain", "answer": "omit", "omit": ["Domain"]},
            {"operation": "ListFraudsters", "answer": "omit", "omit": ["FraudsterSummaries"]},
        ],
    )
    created = client.create_domain(
        Name="made-anyway", ServerSideEncryptionConfiguration={"KmsKeyId": "alias/k"}, ClientToken="token-1"
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Domain" not in created
    assert [d["name"] for d in emulator.state(include_speakers=False)["domains"]][-1] == "made-anyway"
    listed = client.list_fraudsters(DomainId=ACTIVE_DOMAIN)
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "FraudsterSummaries" not in listed
    calls = emulator.calls()
    assert [(call["answer"], call["omitted"], call["status"]) for call in calls] == [
        ("omit", ["Domain"], 200),
        ("omit", ["FraudsterSummaries"], 200),
    ]
    assert "emulator_bug" not in calls[0]  # strict mode (on in these tests) does not call this a bug


def test_repeat_token_never_advances(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(rules=[{"operation": "ListSpeakers", "answer": "repeat_token"}])
    first = client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=1)
    token = first["NextToken"]
    pages = [client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=1, NextToken=token) for _n in range(3)]
    assert [page["NextToken"] for page in pages] == [token] * 3
    assert [page["SpeakerSummaries"] for page in pages] == [first["SpeakerSummaries"]] * 3
    # botocore's own paginator notices the token that does not move
    with pytest.raises(botocore.exceptions.PaginationError):
        list(client.get_paginator("list_speakers").paginate(DomainId=ACTIVE_DOMAIN, PaginationConfig={"PageSize": 1}))
    assert {call["answer"] for call in emulator.calls("ListSpeakers")} == {"repeat_token"}


def test_repeat_token_on_a_single_page_listing(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(rules=[{"operation": "ListWatchlists", "answer": "repeat_token"}])
    first = client.list_watchlists(DomainId=ACTIVE_DOMAIN)
    second = client.list_watchlists(DomainId=ACTIVE_DOMAIN, NextToken=first["NextToken"])
    assert second["NextToken"] == first["NextToken"]
    assert second["WatchlistSummaries"] == first["WatchlistSummaries"]


def test_then_delete_removes_a_domain_after_the_answer(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(
        rules=[{"operation": "ListDomains", "answer": "ok", "then_delete": {"domain_id": ACTIVE_DOMAIN}, "times": 1}]
    )
    listed = [domain["DomainId"] for domain in client.list_domains()["DomainSummaries"]]
    assert ACTIVE_DOMAIN in listed  # answered before the other writer came
    assert ACTIVE_DOMAIN not in live_domains(emulator)
    assert outcome(client.list_tags_for_resource, ResourceArn=DOMAIN_ARN) == "ResourceNotFoundException"
    (call,) = emulator.calls("ListDomains")
    assert (call["answer"], call["then_deleted"]) == ("ok", {"domain_id": ACTIVE_DOMAIN, "deleted": True})


def test_then_delete_removes_a_speaker(emulator: EmulatorServer, client: t.Any) -> None:
    target = {"domain_id": ACTIVE_DOMAIN, "speaker_id": "cust-2"}
    emulator.configure(rules=[{"operation": "ListSpeakers", "answer": "ok", "then_delete": target}])
    listed = client.list_speakers(DomainId=ACTIVE_DOMAIN)["SpeakerSummaries"]
    assert "cust-2" in [speaker["CustomerSpeakerId"] for speaker in listed]
    assert "cust-2" not in speaker_ids(emulator)
    assert outcome(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2") == "ResourceNotFoundException"
    client.list_speakers(DomainId=ACTIVE_DOMAIN)  # the rule applies again: nothing left to delete
    assert [call["then_deleted"]["deleted"] for call in emulator.calls("ListSpeakers")] == [True, False]


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"operation": "DeleteSpeaker", "answer": "carried_out"}, "rule.code: required"),
        ({"operation": "DescribeDomain", "answer": "ok", "code": "ThrottlingException"}, "rule.code: only with"),
        ({"operation": "DescribeDomain", "answer": "late", "message": "m"}, "rule.message: only with"),
        ({"operation": "DescribeDomain", "answer": "sometimes"}, "rule.answer: one of"),
        ({"operation": "DescribeDomain", "answer": "late"}, "rule.delay_seconds: required"),
        ({"operation": "DescribeDomain", "answer": "late", "delay_seconds": 0}, "rule.delay_seconds: seconds"),
        ({"operation": "DescribeDomain", "answer": "late", "delay_seconds": 601}, "rule.delay_seconds: seconds"),
        ({"operation": "DescribeDomain", "code": "ThrottlingException", "delay_seconds": 1}, "only with answer late"),
        ({"operation": "DescribeDomain", "answer": "omit"}, "rule.omit: required"),
        ({"operation": "DescribeDomain", "answer": "omit", "omit": []}, "rule.omit: a non-empty list"),
        ({"operation": "DeleteDomain", "answer": "omit", "omit": ["Domain"]}, "DeleteDomain answers no member Domain"),
        ({"answer": "omit", "omit": ["Domain"]}, "name an operation"),
        ({"operation": "DescribeDomain", "answer": "repeat_token"}, "DescribeDomain takes no NextToken"),
        ({"answer": "repeat_token"}, "takes no NextToken"),
        ({"operation": "DescribeDomain", "code": "ThrottlingException", "skip": -1}, "rule.skip"),
        ({"operation": "DescribeDomain", "code": "ThrottlingException", "every": 0}, "rule.every"),
        ({"operation": "ListDomains", "answer": "ok", "then_delete": {"speaker_id": "x"}}, "rule.then_delete"),
        ({"operation": "ListDomains", "answer": "ok", "then_delete": {"domain_id": 1}}, "rule.then_delete"),
        (
            {"operation": "DescribeSpeaker", "answer": "carried_out", "code": "ConflictException"},
            "not an error of DescribeSpeaker",
        ),
    ],
)
def test_impossible_fault_answers_are_refused(emulator: EmulatorServer, rule: dict[str, t.Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        emulator.configure(rules=[rule])
    assert fragment in str(caught.value)
    assert emulator.config()["rules"] == []
