# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domain operations: CreateDomain (idempotency, quota), DescribeDomain, ListDomains paging."""

from __future__ import annotations

import re
import typing as t

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import PENDING_DOMAIN
from emulator_support import SUSPENDED_DOMAIN
from emulator_support import make_client
from voiceid_emulator import EmulatorServer

DOMAIN_FIELDS = {
    "Arn",
    "CreatedAt",
    "Description",
    "DomainId",
    "DomainStatus",
    "Name",
    "ServerSideEncryptionConfiguration",
    "ServerSideEncryptionUpdateDetails",
    "UpdatedAt",
    "WatchlistDetails",
}
KMS = {"KmsKeyId": "arn:aws:kms:eu-central-1:111122223333:key/abc"}


def error_of(call: t.Callable[..., t.Any], **params: t.Any) -> dict[str, t.Any]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return t.cast(dict[str, t.Any], caught.value.response)


@pytest.fixture
def empty() -> t.Iterator[EmulatorServer]:
    with EmulatorServer({"account_id": "111122223333"}, random_seed=7) as server:
        yield server


def test_create_domain(empty: EmulatorServer) -> None:
    client = make_client(empty.url, region="eu-central-1")
    domain = client.create_domain(
        Name="my-domain",
        Description="Opt-out tests",
        ServerSideEncryptionConfiguration=KMS,
        Tags=[{"Key": "team", "Value": "speakerops"}],
    )["Domain"]
    assert set(domain) == DOMAIN_FIELDS
    assert re.fullmatch(r"[a-zA-Z0-9]{22}", domain["DomainId"])
    assert domain["Arn"] == f"arn:aws:voiceid:eu-central-1:111122223333:domain/{domain['DomainId']}"
    assert domain["DomainStatus"] == "ACTIVE"
    assert domain["Name"] == "my-domain"
    assert domain["ServerSideEncryptionConfiguration"] == KMS
    assert re.fullmatch(r"[a-zA-Z0-9]{22}", domain["WatchlistDetails"]["DefaultWatchlistId"])
    described = client.describe_domain(DomainId=domain["DomainId"])["Domain"]
    assert described == domain
    state = empty.state()["domains"][0]
    assert state["tags"] == [{"Key": "team", "Value": "speakerops"}]
    assert state["region"] == "eu-central-1"


def test_create_domain_is_idempotent_with_a_client_token(empty: EmulatorServer) -> None:
    client = make_client(empty.url)
    first = client.create_domain(Name="d", ServerSideEncryptionConfiguration=KMS, ClientToken="token-1")["Domain"]
    again = client.create_domain(Name="d", ServerSideEncryptionConfiguration=KMS, ClientToken="token-1")["Domain"]
    assert again["DomainId"] == first["DomainId"]
    assert len(client.list_domains()["DomainSummaries"]) == 1
    response = error_of(
        client.create_domain, Name="other", ServerSideEncryptionConfiguration=KMS, ClientToken="token-1"
    )
    assert response["Error"]["Code"] == "ConflictException"
    # botocore fills in a fresh token when none is given, so plain retries create new domains.
    client.create_domain(Name="d", ServerSideEncryptionConfiguration=KMS)
    assert len(client.list_domains()["DomainSummaries"]) == 2
    tokens = [call["params"].get("ClientToken") for call in empty.calls("CreateDomain")]
    assert tokens[:3] == ["token-1", "token-1", "token-1"] and tokens[3]


def test_domain_quota(empty: EmulatorServer) -> None:
    client = make_client(empty.url)
    for number in range(3):
        client.create_domain(Name=f"d{number}", ServerSideEncryptionConfiguration=KMS, ClientToken=f"t{number}")
    response = error_of(client.create_domain, Name="d3", ServerSideEncryptionConfiguration=KMS)
    assert response["Error"]["Code"] == "ServiceQuotaExceededException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # A retry of a request that succeeded is still answered at the quota.
    retried = client.create_domain(Name="d0", ServerSideEncryptionConfiguration=KMS, ClientToken="t0")
    assert retried["Domain"]["Name"] == "d0"


def test_describe_domain(client: t.Any) -> None:
    domain = client.describe_domain(DomainId=ACTIVE_DOMAIN)["Domain"]
    assert set(domain) == DOMAIN_FIELDS
    assert domain["Description"] == "Tests"
    assert domain["Arn"] == f"arn:aws:voiceid:us-east-1:111122223333:domain/{ACTIVE_DOMAIN}"
    assert domain["ServerSideEncryptionUpdateDetails"] == {"UpdateStatus": "COMPLETED"}
    assert client.describe_domain(DomainId=SUSPENDED_DOMAIN)["Domain"]["DomainStatus"] == "SUSPENDED"
    assert client.describe_domain(DomainId=PENDING_DOMAIN)["Domain"]["DomainStatus"] == "PENDING"


def test_describe_unknown_domain(client: t.Any) -> None:
    response = error_of(client.describe_domain, DomainId="NoSuchDomain0000000000")
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResourceType"] == "DOMAIN"


def test_list_domains_pages(client: t.Any) -> None:
    pages = []
    token = None
    while True:
        params: dict[str, t.Any] = {"MaxResults": 1}
        if token:
            params["NextToken"] = token
        page = client.list_domains(**params)
        pages.append(page["DomainSummaries"])
        token = page.get("NextToken")
        if not token:
            break
    assert [[summary["DomainId"] for summary in page] for page in pages] == [
        [ACTIVE_DOMAIN],
        [SUSPENDED_DOMAIN],
        [PENDING_DOMAIN],
    ]
    assert set(pages[0][0]) == DOMAIN_FIELDS
    two = client.list_domains(MaxResults=2)
    assert len(two["DomainSummaries"]) == 2 and "NextToken" in two
    everything = client.list_domains()
    assert len(everything["DomainSummaries"]) == 3 and "NextToken" not in everything
    paged = list(client.get_paginator("list_domains").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["DomainSummaries"]) for page in paged] == [2, 1]


def test_list_domains_more_than_ten(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(max_domains=25)
    emulator.load_seed({"domains": [{"name": f"d{number}"} for number in range(23)]})
    pages = list(client.get_paginator("list_domains").paginate())
    assert [len(page["DomainSummaries"]) for page in pages] == [10, 10, 3]
    assert [summary["Name"] for page in pages for summary in page["DomainSummaries"]] == [
        f"d{number}" for number in range(23)
    ]
