# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""100,000 speakers in one domain: seeding, paging every speaker, lookups, and the per-domain quota."""

from __future__ import annotations

import time
import typing as t

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import make_client
from emulator_support import signed_request
from voiceid_emulator import EmulatorServer
from voiceid_emulator.entities import Speaker
from voiceid_emulator.entities import SpeakerIndex

FULL = 100_000


@pytest.fixture(scope="module")
def full_domain() -> t.Iterator[EmulatorServer]:
    seed = {"domains": [{"domain_id": ACTIVE_DOMAIN, "generate": [{"count": FULL, "prefix": "bulk-"}]}]}
    started = time.monotonic()
    with EmulatorServer(seed, random_seed=11) as server:
        assert time.monotonic() - started < 20
        yield server


def test_paging_through_100k_speakers(full_domain: EmulatorServer) -> None:
    seen: set[str] = set()
    generated: set[str] = set()
    token = None
    pages = 0
    started = time.monotonic()
    while True:
        params: dict[str, t.Any] = {"DomainId": ACTIVE_DOMAIN, "MaxResults": 100}
        if token:
            params["NextToken"] = token
        status, _headers, document = signed_request(full_domain.url, "ListSpeakers", params)
        assert status == 200, document
        pages += 1
        seen.update(summary["CustomerSpeakerId"] for summary in document["SpeakerSummaries"])
        generated.update(summary["GeneratedSpeakerId"] for summary in document["SpeakerSummaries"])
        token = document.get("NextToken")
        if not token:
            break
    elapsed = time.monotonic() - started
    assert pages == 1000
    assert len(seen) == FULL and len(generated) == FULL
    assert "bulk-0" in seen and "bulk-99999" in seen
    assert elapsed < 40, f"paging 100k speakers took {elapsed:.1f} s"


def test_boto3_paginator_over_a_large_domain(full_domain: EmulatorServer) -> None:
    client = make_client(full_domain.url)
    pages = client.get_paginator("list_speakers").paginate(
        DomainId=ACTIVE_DOMAIN, PaginationConfig={"PageSize": 100, "MaxItems": 1000}
    )
    names = [summary["CustomerSpeakerId"] for page in pages for summary in page["SpeakerSummaries"]]
    assert names == [f"bulk-{number}" for number in range(1000)]


def test_lookups_in_a_large_domain_are_fast(full_domain: EmulatorServer) -> None:
    client = make_client(full_domain.url)
    last = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="bulk-99999")["Speaker"]
    started = time.monotonic()
    for _number in range(50):
        client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=last["GeneratedSpeakerId"])
    assert (time.monotonic() - started) / 50 < 0.2


def test_the_domain_is_full_at_100k(full_domain: EmulatorServer) -> None:
    client = make_client(full_domain.url)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="speaker-100001")
    assert caught.value.response["Error"]["Code"] == "ServiceQuotaExceededException"
    # Existing speakers can still be opted out.
    speaker = client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="bulk-50000")["Speaker"]
    assert speaker["Status"] == "OPTED_OUT"


def test_index_pages_deep_in_constant_time() -> None:
    index = SpeakerIndex()
    for number in range(FULL):
        index.add(Speaker(ACTIVE_DOMAIN, f"c{number}", f"id#{number:022d}", "ENROLLED", 0.0, 0.0))
    for number in range(0, FULL, 7):
        index.remove(index.by_customer[f"c{number}"])
    started = time.monotonic()
    after = 0
    total = 0
    while True:
        page, more = index.page(after, 100)
        total += len(page)
        if not more:
            break
        after = page[-1][0]  # (seq, summary)
    assert total == FULL - len(range(0, FULL, 7))
    assert time.monotonic() - started < 2.0
