# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Speaker operations: either-id addressing, opt-out semantics, deletion, listing, domain checks, quota."""

from __future__ import annotations

import re
import time
import typing as t

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import CUST1_GENERATED
from emulator_support import PENDING_DOMAIN
from emulator_support import SUSPENDED_DOMAIN
from emulator_support import make_client
from voiceid_emulator import EmulatorServer

GENERATED_ID = re.compile(r"id#[a-zA-Z0-9]{22}")
SPEAKER_FIELDS = {"CreatedAt", "CustomerSpeakerId", "DomainId", "GeneratedSpeakerId", "Status", "UpdatedAt"}


def error_of(call: t.Callable[..., t.Any], **params: t.Any) -> dict[str, t.Any]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return t.cast(dict[str, t.Any], caught.value.response)


@pytest.mark.parametrize("speaker_id", ["cust-1", CUST1_GENERATED])
def test_describe_by_either_id(client: t.Any, speaker_id: str) -> None:
    speaker = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=speaker_id)["Speaker"]
    assert speaker["CustomerSpeakerId"] == "cust-1"
    assert speaker["GeneratedSpeakerId"] == CUST1_GENERATED
    assert speaker["DomainId"] == ACTIVE_DOMAIN
    assert speaker["Status"] == "ENROLLED"
    assert SPEAKER_FIELDS | {"LastAccessedAt"} == set(speaker)
    assert speaker["LastAccessedAt"].timestamp() % 3600 == 0  # accurate to one hour


def test_seeded_generated_ids_have_the_service_form(client: t.Any) -> None:
    speaker = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-2")["Speaker"]
    assert GENERATED_ID.fullmatch(speaker["GeneratedSpeakerId"])
    assert speaker["Status"] == "EXPIRED"


def test_describe_unknown_speaker(client: t.Any) -> None:
    response = error_of(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="nobody")
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResourceType"] == "SPEAKER"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "nobody" not in response["Error"]["Message"]


def test_unknown_domain_is_reported_before_the_speaker(client: t.Any) -> None:
    for call in (client.describe_speaker, client.opt_out_speaker, client.delete_speaker):
        response = error_of(call, DomainId="NoSuchDomain0000000000", SpeakerId="nobody")
        assert response["Error"]["Code"] == "ResourceNotFoundException"
        assert response["ResourceType"] == "DOMAIN"
    response = error_of(client.list_speakers, DomainId="NoSuchDomain0000000000")
    assert response["ResourceType"] == "DOMAIN"


def test_opt_out_existing_speaker(emulator: EmulatorServer, client: t.Any) -> None:
    before = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")["Speaker"]
    time.sleep(0.01)
    after = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")["Speaker"]
    assert after["Status"] == "OPTED_OUT"
    assert after["GeneratedSpeakerId"] == CUST1_GENERATED
    assert after["CreatedAt"] == before["CreatedAt"]
    assert after["UpdatedAt"] > before["UpdatedAt"]
    assert abs(after["UpdatedAt"].timestamp() - time.time()) < 5
    stored = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=CUST1_GENERATED)["Speaker"]
    assert stored["Status"] == "OPTED_OUT"
    assert emulator.state(ACTIVE_DOMAIN)["domains"][0]["speaker_count"] == 3


def test_opt_out_by_generated_id(client: t.Any) -> None:
    speaker = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=CUST1_GENERATED)["Speaker"]
    assert speaker["CustomerSpeakerId"] == "cust-1"
    assert speaker["Status"] == "OPTED_OUT"


def test_opt_out_twice_is_stable(client: t.Any) -> None:
    first = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-3")["Speaker"]
    second = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-3")["Speaker"]
    assert first["GeneratedSpeakerId"] == second["GeneratedSpeakerId"]
    assert second["Status"] == "OPTED_OUT"


def test_opt_out_creates_a_missing_speaker(emulator: EmulatorServer, client: t.Any) -> None:
    speaker = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="brand-new_1")["Speaker"]
    assert speaker["Status"] == "OPTED_OUT"
    assert speaker["CustomerSpeakerId"] == "brand-new_1"
    assert GENERATED_ID.fullmatch(speaker["GeneratedSpeakerId"])
    assert speaker["GeneratedSpeakerId"] != CUST1_GENERATED
    assert "LastAccessedAt" not in speaker  # never enrolled nor authenticated
    again = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=speaker["GeneratedSpeakerId"])["Speaker"]
    assert again["CustomerSpeakerId"] == "brand-new_1"
    state = emulator.state(ACTIVE_DOMAIN)["domains"][0]
    assert state["speaker_count"] == 4
    assert {"customer_speaker_id": "brand-new_1", "generated_speaker_id": speaker["GeneratedSpeakerId"]}.items() <= (
        state["speakers"][-1].items()
    )


def test_opt_out_unknown_generated_id(client: t.Any) -> None:
    response = error_of(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="id#" + "Z" * 22)
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResourceType"] == "SPEAKER"


@pytest.mark.parametrize("domain_id", [SUSPENDED_DOMAIN, PENDING_DOMAIN])
def test_writes_on_inactive_domain_conflict(emulator: EmulatorServer, client: t.Any, domain_id: str) -> None:
    for call in (client.opt_out_speaker, client.delete_speaker):
        for speaker_id in ("cust-s", "someone-else"):
            response = error_of(call, DomainId=domain_id, SpeakerId=speaker_id)
            assert response["Error"]["Code"] == "ConflictException"
            assert response["ConflictType"] == "DOMAIN_NOT_ACTIVE"
    state = emulator.state(SUSPENDED_DOMAIN)["domains"][0]
    assert [speaker["status"] for speaker in state["speakers"]] == ["ENROLLED"]


def test_reads_on_inactive_domain_work(client: t.Any) -> None:
    assert client.describe_speaker(DomainId=SUSPENDED_DOMAIN, SpeakerId="cust-s")["Speaker"]["Status"] == "ENROLLED"
    assert len(client.list_speakers(DomainId=SUSPENDED_DOMAIN)["SpeakerSummaries"]) == 1


@pytest.mark.parametrize("speaker_id", ["cust-1", CUST1_GENERATED])
def test_delete_by_either_id(emulator: EmulatorServer, client: t.Any, speaker_id: str) -> None:
    response = client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=speaker_id)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    for lookup in ("cust-1", CUST1_GENERATED):
        assert error_of(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId=lookup)["ResourceType"] == "SPEAKER"
    assert emulator.state(ACTIVE_DOMAIN)["domains"][0]["speaker_count"] == 2


def test_delete_unknown_speaker(client: t.Any) -> None:
    response = error_of(client.delete_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="nobody")
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResourceType"] == "SPEAKER"


def test_opt_out_after_delete_makes_a_new_speaker(client: t.Any) -> None:
    client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    speaker = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")["Speaker"]
    assert speaker["GeneratedSpeakerId"] != CUST1_GENERATED
    assert error_of(client.describe_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId=CUST1_GENERATED)["ResourceType"] == (
        "SPEAKER"
    )


def test_speaker_quota() -> None:
    seed = {"domains": [{"domain_id": ACTIVE_DOMAIN, "generate": [{"count": 5, "prefix": "s"}]}]}
    with EmulatorServer(seed, max_speakers_per_domain=5) as server:
        client = make_client(server.url)
        response = error_of(client.opt_out_speaker, DomainId=ACTIVE_DOMAIN, SpeakerId="one-too-many")
        assert response["Error"]["Code"] == "ServiceQuotaExceededException"
        # Existing speakers can still be opted out; after a delete there is room again.
        assert client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="s0")["Speaker"]["Status"] == "OPTED_OUT"
        client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="s1")
        assert client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="one-too-many")["Speaker"]["Status"] == (
            "OPTED_OUT"
        )


def test_default_speaker_quota_is_100000() -> None:
    with EmulatorServer() as server:
        assert server.config()["max_speakers_per_domain"] == 100_000
        assert server.config()["max_domains"] == 3


def test_list_speakers_pages(emulator: EmulatorServer) -> None:
    seed = {"domains": [{"domain_id": ACTIVE_DOMAIN, "generate": [{"count": 23, "prefix": "p-", "width": 2}]}]}
    emulator.load_seed(seed)
    client = make_client(emulator.url)
    pages = []
    token = None
    while True:
        params: dict[str, t.Any] = {"DomainId": ACTIVE_DOMAIN, "MaxResults": 5}
        if token:
            params["NextToken"] = token
        page = client.list_speakers(**params)
        pages.append(page["SpeakerSummaries"])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    ids = [summary["CustomerSpeakerId"] for page in pages for summary in page]
    assert ids == [f"p-{number:02d}" for number in range(23)]
    summary = pages[0][0]
    assert SPEAKER_FIELDS | {"LastAccessedAt"} == set(summary)
    assert summary["DomainId"] == ACTIVE_DOMAIN
    assert GENERATED_ID.fullmatch(summary["GeneratedSpeakerId"])


def test_list_speakers_paginator_and_default_page(emulator: EmulatorServer) -> None:
    emulator.load_seed({"domains": [{"domain_id": ACTIVE_DOMAIN, "generate": [{"count": 250}]}]})
    client = make_client(emulator.url)
    first = client.list_speakers(DomainId=ACTIVE_DOMAIN)
    assert len(first["SpeakerSummaries"]) == 100
    assert "NextToken" in first
    pages = list(client.get_paginator("list_speakers").paginate(DomainId=ACTIVE_DOMAIN))
    assert [len(page["SpeakerSummaries"]) for page in pages] == [100, 100, 50]
    assert "NextToken" not in pages[-1]
    names = {summary["CustomerSpeakerId"] for page in pages for summary in page["SpeakerSummaries"]}
    assert len(names) == 250


def test_listing_is_stable_while_speakers_change(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.load_seed({"domains": [{"domain_id": ACTIVE_DOMAIN, "generate": [{"count": 6, "prefix": "c"}]}]})
    page = client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=3)
    assert [s["CustomerSpeakerId"] for s in page["SpeakerSummaries"]] == ["c0", "c1", "c2"]
    client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="c1")  # already listed
    client.delete_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="c4")  # not yet listed
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="c3")  # updated in place
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="late")  # created during the listing
    rest = client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=3, NextToken=page["NextToken"])
    assert [s["CustomerSpeakerId"] for s in rest["SpeakerSummaries"]] == ["c3", "c5", "late"]
    assert rest["SpeakerSummaries"][0]["Status"] == "OPTED_OUT"
    assert "NextToken" not in rest


def test_list_speakers_empty_domain(client: t.Any) -> None:
    page = client.list_speakers(DomainId=PENDING_DOMAIN)
    assert page["SpeakerSummaries"] == []
    assert "NextToken" not in page


def test_next_token_is_checked(client: t.Any) -> None:
    page = client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=1)
    for bad_token in ("garbage", page["NextToken"][:-4]):
        response = error_of(client.list_speakers, DomainId=ACTIVE_DOMAIN, NextToken=bad_token)
        assert response["Error"]["Code"] == "ValidationException"
    # A token belongs to its domain.
    response = error_of(client.list_speakers, DomainId=SUSPENDED_DOMAIN, NextToken=page["NextToken"])
    assert response["Error"]["Code"] == "ValidationException"
