# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""State lives per account (from the access key) and region (from the SigV4 credential scope)."""

from __future__ import annotations

import typing as t

import botocore.exceptions
import pytest
from emulator_support import make_client
from voiceid_emulator import EmulatorServer
from voiceid_emulator import SeedError

KMS = {"KmsKeyId": "arn:aws:kms:eu-west-2:111122223333:key/abc"}
PROD_KEY = "AKIDPRODUCTION000001"
PROD_ACCOUNT = "222233334444"
DEFAULT_ACCOUNT = "111122223333"
LONDON = "LondonDomain0000000001"
VIRGINIA = "VirginiaDomain00000001"
PROD_LONDON = "ProdLondonDomain000001"


def seed() -> dict[str, t.Any]:
    return {
        "account_id": DEFAULT_ACCOUNT,
        "region": "eu-west-2",
        "access_keys": {PROD_KEY: PROD_ACCOUNT},
        "domains": [
            {"domain_id": LONDON, "name": "london"},  # default account, default region
            {"domain_id": VIRGINIA, "name": "virginia", "region": "us-east-1"},
            {"domain_id": PROD_LONDON, "name": "prod", "account_id": PROD_ACCOUNT, "region": "eu-west-2"},
        ],
    }


@pytest.fixture
def world() -> t.Iterator[EmulatorServer]:
    with EmulatorServer(seed(), random_seed=3) as server:
        yield server


def listed(client: t.Any) -> list[str]:
    return [domain["DomainId"] for domain in client.list_domains()["DomainSummaries"]]


def error_code(call: t.Callable[..., t.Any], **params: t.Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return str(caught.value.response["Error"]["Code"])


def test_a_domain_is_found_only_in_its_account_and_region(world: EmulatorServer) -> None:
    london = make_client(world.url, region="eu-west-2")
    virginia = make_client(world.url, region="us-east-1")
    prod = make_client(world.url, region="eu-west-2", access_key=PROD_KEY)
    assert listed(london) == [LONDON]
    assert listed(virginia) == [VIRGINIA]
    assert listed(prod) == [PROD_LONDON]
    assert listed(make_client(world.url, region="ap-south-1")) == []
    assert error_code(london.describe_domain, DomainId=VIRGINIA) == "ResourceNotFoundException"
    assert error_code(london.describe_domain, DomainId=PROD_LONDON) == "ResourceNotFoundException"
    assert error_code(prod.list_speakers, DomainId=LONDON) == "ResourceNotFoundException"
    assert london.describe_domain(DomainId=LONDON)["Domain"]["Arn"] == (
        f"arn:aws:voiceid:eu-west-2:{DEFAULT_ACCOUNT}:domain/{LONDON}"
    )
    assert prod.describe_domain(DomainId=PROD_LONDON)["Domain"]["Arn"] == (
        f"arn:aws:voiceid:eu-west-2:{PROD_ACCOUNT}:domain/{PROD_LONDON}"
    )


def test_the_domain_quota_is_per_account_and_region(world: EmulatorServer) -> None:
    london = make_client(world.url, region="eu-west-2")
    for number in range(2):
        london.create_domain(Name=f"more-{number}", ServerSideEncryptionConfiguration=KMS)
    assert error_code(london.create_domain, Name="one-too-many", ServerSideEncryptionConfiguration=KMS) == (
        "ServiceQuotaExceededException"
    )
    # Another region and another account still have room.
    make_client(world.url, region="us-east-1").create_domain(Name="ok", ServerSideEncryptionConfiguration=KMS)
    created = make_client(world.url, region="eu-west-2", access_key=PROD_KEY).create_domain(
        Name="ok", ServerSideEncryptionConfiguration=KMS
    )["Domain"]
    assert created["Arn"].startswith(f"arn:aws:voiceid:eu-west-2:{PROD_ACCOUNT}:domain/")


def test_quota_buckets_are_per_account_and_region(world: EmulatorServer) -> None:
    world.configure(enforce_quotas=True, rates={"DescribeDomain": 1.0})
    london = make_client(world.url, region="eu-west-2")
    london.describe_domain(DomainId=LONDON)
    assert error_code(london.describe_domain, DomainId=LONDON) == "ThrottlingException"
    make_client(world.url, region="us-east-1").describe_domain(DomainId=VIRGINIA)
    make_client(world.url, region="eu-west-2", access_key=PROD_KEY).describe_domain(DomainId=PROD_LONDON)


def test_state_view_shows_and_filters_where_domains_live(world: EmulatorServer) -> None:
    state = world.state(include_speakers=False)
    assert {(d["domain_id"], d["account_id"], d["region"]) for d in state["domains"]} == {
        (LONDON, DEFAULT_ACCOUNT, "eu-west-2"),
        (VIRGINIA, DEFAULT_ACCOUNT, "us-east-1"),
        (PROD_LONDON, PROD_ACCOUNT, "eu-west-2"),
    }
    assert state["access_keys"] == {PROD_KEY: PROD_ACCOUNT}
    assert [d["domain_id"] for d in world.state(account_id=PROD_ACCOUNT)["domains"]] == [PROD_LONDON]
    assert [d["domain_id"] for d in world.state(region="us-east-1")["domains"]] == [VIRGINIA]
    assert [d["domain_id"] for d in world.state(account_id=DEFAULT_ACCOUNT, region="eu-west-2")["domains"]] == [LONDON]


def test_recorded_calls_name_the_account(world: EmulatorServer) -> None:
    make_client(world.url, region="eu-west-2", access_key=PROD_KEY).list_domains()
    call = world.calls("ListDomains")[0]
    assert (call["account_id"], call["region"], call["access_key_id"]) == (PROD_ACCOUNT, "eu-west-2", PROD_KEY)


def test_unmapped_keys_get_the_default_account() -> None:
    with EmulatorServer({"domains": [{"domain_id": LONDON, "region": "us-east-1"}]}) as server:
        domain = make_client(server.url, access_key="AKIDANYTHING").describe_domain(DomainId=LONDON)["Domain"]
        assert domain["Arn"] == f"arn:aws:voiceid:us-east-1:123456789012:domain/{LONDON}"


def test_default_region_of_a_seed_without_one() -> None:
    with EmulatorServer({"domains": [{"domain_id": LONDON}]}, default_region="eu-west-2") as server:
        assert listed(make_client(server.url, region="eu-west-2")) == [LONDON]
        assert listed(make_client(server.url, region="us-east-1")) == []
    with EmulatorServer({"domains": [{"domain_id": LONDON}]}) as server:
        assert listed(make_client(server.url, region="us-east-1")) == [LONDON]


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"access_keys": {"AKID": "12"}}, "access_keys.AKID"),
        ({"access_keys": ["AKID"]}, "access_keys"),
        ({"domains": [{"account_id": "abc"}]}, "domains[0].account_id"),
        ({"domains": [{"name": f"d{n}", "region": "eu-west-1"} for n in range(4)]}, "per account and region"),
    ],
)
def test_bad_account_seeds_are_refused(document: dict[str, t.Any], fragment: str) -> None:
    with pytest.raises(SeedError, match=r".*") as caught:
        EmulatorServer(document)
    assert fragment in str(caught.value)


def test_three_domains_in_each_of_several_regions_seed_fine() -> None:
    document = {
        "domains": [{"name": f"d{n}", "region": region} for region in ("eu-west-1", "eu-west-2") for n in range(3)]
    }
    with EmulatorServer(document) as server:
        assert len(server.state()["domains"]) == 6
