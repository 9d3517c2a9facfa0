# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""UpdateDomain (KMS re-encryption), DeleteDomain (soft delete), tags, watchlists and fraudsters."""

from __future__ import annotations

import time
import typing as t

import botocore.exceptions
import pytest
from emulator_support import make_client
from emulator_support import signed_request
from voiceid_emulator import EmulatorServer

DOMAIN = "LifecycleDomain0000001"
WATCHLIST = "DefaultWatchlist000001"
VIP = "VipWatchlist0000000001"
OLD_KEY = "arn:aws:kms:eu-west-2:111122223333:key/old"
NEW_KEY = "arn:aws:kms:eu-west-2:111122223333:key/new"
OTHER_KEY = "arn:aws:kms:eu-west-2:111122223333:key/other"
ARN = f"arn:aws:voiceid:eu-west-2:111122223333:domain/{DOMAIN}"
FRAUDSTER_1 = "id#Fraudster0000000000001"
FRAUDSTER_2 = "id#Fraudster0000000000002"


def seed() -> dict[str, t.Any]:
    return {
        "account_id": "111122223333",
        "region": "eu-west-2",
        "domains": [
            {
                "domain_id": DOMAIN,
                "name": "lifecycle",
                "description": "Before",
                "kms_key_id": OLD_KEY,
                "watchlist_id": WATCHLIST,
                "tags": {"team": "ops", "cost-centre": "42"},
                "watchlists": [{"watchlist_id": VIP, "name": "vip", "description": "Known fraudsters"}],
                "fraudsters": [
                    {"generated_fraudster_id": FRAUDSTER_1},  # the default watchlist
                    {"generated_fraudster_id": FRAUDSTER_2, "watchlists": ["vip", WATCHLIST]},
                ],
            }
        ],
    }


@pytest.fixture
def server() -> t.Iterator[EmulatorServer]:
    with EmulatorServer(seed(), random_seed=5, kms_update_delay_seconds=0) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> t.Any:
    return make_client(server.url, region="eu-west-2")


def error_of(call: t.Callable[..., t.Any], **params: t.Any) -> dict[str, t.Any]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return t.cast(dict[str, t.Any], caught.value.response)


# -- UpdateDomain ---------------------------------------------------------------------------------------------


def test_update_replaces_name_and_description(client: t.Any) -> None:
    domain = client.update_domain(
        DomainId=DOMAIN, Name="renamed", ServerSideEncryptionConfiguration={"KmsKeyId": OLD_KEY}
    )["Domain"]
    assert domain["Name"] == "renamed"
    assert "Description" not in domain  # omitted: the description is gone
    assert domain["ServerSideEncryptionUpdateDetails"] == {"UpdateStatus": "COMPLETED"}  # no key change
    assert domain["UpdatedAt"] > domain["CreatedAt"] or domain["UpdatedAt"] >= domain["CreatedAt"]
    again = client.update_domain(
        DomainId=DOMAIN, Name="renamed", Description="After", ServerSideEncryptionConfiguration={"KmsKeyId": OLD_KEY}
    )["Domain"]
    assert again["Description"] == "After"
    assert client.describe_domain(DomainId=DOMAIN)["Domain"]["Description"] == "After"


def test_a_new_key_starts_re_encryption_that_completes(server: EmulatorServer, client: t.Any) -> None:
    server.configure(kms_update_delay_seconds=0.3)
    domain = client.update_domain(
        DomainId=DOMAIN, Name="lifecycle", ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY}
    )["Domain"]
    assert domain["ServerSideEncryptionConfiguration"] == {"KmsKeyId": NEW_KEY}
    assert domain["ServerSideEncryptionUpdateDetails"] == {"OldKmsKeyId": OLD_KEY, "UpdateStatus": "IN_PROGRESS"}
    # Another key change meanwhile is refused; the same key (a description change) is not a key change.
    response = error_of(
        client.update_domain,
        DomainId=DOMAIN,
        Name="lifecycle",
        ServerSideEncryptionConfiguration={"KmsKeyId": OTHER_KEY},
    )
    assert response["Error"]["Code"] == "ConflictException"
    assert response["ConflictType"] == "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES"
    client.update_domain(DomainId=DOMAIN, Name="lifecycle", ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        details = client.describe_domain(DomainId=DOMAIN)["Domain"]["ServerSideEncryptionUpdateDetails"]
        if details["UpdateStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert details == {"OldKmsKeyId": OLD_KEY, "UpdateStatus": "COMPLETED"}
    listed = client.list_domains()["DomainSummaries"][0]["ServerSideEncryptionUpdateDetails"]
    assert listed["UpdateStatus"] == "COMPLETED"
    # Completed: the key can change again.
    client.update_domain(DomainId=DOMAIN, Name="lifecycle", ServerSideEncryptionConfiguration={"KmsKeyId": OTHER_KEY})


def test_a_configured_failure_ends_re_encryption_failed(server: EmulatorServer, client: t.Any) -> None:
    server.configure(kms_update_failures={NEW_KEY: "The KMS key is disabled."})
    client.update_domain(DomainId=DOMAIN, Name="lifecycle", ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY})
    details = client.describe_domain(DomainId=DOMAIN)["Domain"]["ServerSideEncryptionUpdateDetails"]
    assert details == {"OldKmsKeyId": OLD_KEY, "UpdateStatus": "FAILED", "Message": "The KMS key is disabled."}
    state = server.state(DOMAIN)["domains"][0]["server_side_encryption_update_details"]
    assert state["UpdateStatus"] == "FAILED"


@pytest.mark.parametrize("value", [-1, "", True])
def test_bad_kms_configuration_is_refused(server: EmulatorServer, value: t.Any) -> None:
    with pytest.raises(ValueError, match="kms_update_delay_seconds"):
        server.configure(kms_update_delay_seconds=value)
    with pytest.raises(ValueError, match="kms_update_failures"):
        server.configure(kms_update_failures={NEW_KEY: value})


# -- DeleteDomain ---------------------------------------------------------------------------------------------


def test_delete_is_a_soft_delete(server: EmulatorServer, client: t.Any) -> None:
    before = time.time()
    client.delete_domain(DomainId=DOMAIN)
    assert client.list_domains()["DomainSummaries"] == []
    assert error_of(client.describe_domain, DomainId=DOMAIN)["Error"]["Code"] == "ResourceNotFoundException"
    assert error_of(client.delete_domain, DomainId=DOMAIN)["ResourceType"] == "DOMAIN"
    state = server.state()
    assert state["domains"] == []
    [deleted] = state["deleted_domains"]
    assert deleted["domain_id"] == DOMAIN and deleted["deleted_at"] >= before
    assert (deleted["account_id"], deleted["region"]) == ("111122223333", "eu-west-2")
    # The quota counts live domains only, and a snapshot seeds back with the deleted domain.
    for number in range(3):
        client.create_domain(Name=f"d{number}", ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY})
    snapshot = server.state()
    server.load_seed(snapshot)
    assert server.state() == snapshot


def test_delete_in_another_region_is_not_found(server: EmulatorServer) -> None:
    other = make_client(server.url, region="us-east-1")
    assert error_of(other.delete_domain, DomainId=DOMAIN)["Error"]["Code"] == "ResourceNotFoundException"
    assert len(server.state()["domains"]) == 1


# -- tags -----------------------------------------------------------------------------------------------------


def test_tags_on_the_domain_arn(server: EmulatorServer, client: t.Any) -> None:
    assert client.list_tags_for_resource(ResourceArn=ARN)["Tags"] == [
        {"Key": "team", "Value": "ops"},
        {"Key": "cost-centre", "Value": "42"},
    ]
    client.tag_resource(ResourceArn=ARN, Tags=[{"Key": "team", "Value": "fraud"}, {"Key": "env", "Value": ""}])
    client.untag_resource(ResourceArn=ARN, TagKeys=["cost-centre", "never-there"])
    assert client.list_tags_for_resource(ResourceArn=ARN)["Tags"] == [
        {"Key": "team", "Value": "fraud"},
        {"Key": "env", "Value": ""},
    ]
    assert server.state(DOMAIN)["domains"][0]["tags"] == [
        {"Key": "team", "Value": "fraud"},
        {"Key": "env", "Value": ""},
    ]


def test_tag_limits(client: t.Any) -> None:
    many = [{"Key": f"k{number}", "Value": "v"} for number in range(199)]
    response = error_of(client.tag_resource, ResourceArn=ARN, Tags=many)  # 2 + 199 > 200
    assert response["Error"]["Code"] == "ValidationException"
    assert "200" in response["Error"]["Message"]
    client.tag_resource(ResourceArn=ARN, Tags=many[:198])  # exactly 200
    assert len(client.list_tags_for_resource(ResourceArn=ARN)["Tags"]) == 200
    for tags in (
        [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
        [{"Key": "aws:reserved", "Value": "x"}],
        [{"Key": "k" * 129, "Value": "x"}],
        [{"Key": "k", "Value": "v" * 257}],
    ):
        assert error_of(client.tag_resource, ResourceArn=ARN, Tags=tags)["Error"]["Code"] == "ValidationException"


def test_tags_of_an_arn_elsewhere_are_not_found(server: EmulatorServer, client: t.Any) -> None:
    for arn in (
        ARN.replace("eu-west-2", "us-east-1"),
        ARN.replace("111122223333", "999999999999"),
        ARN.replace(DOMAIN, "NoSuchDomain0000000000"),
    ):
        response = error_of(client.list_tags_for_resource, ResourceArn=arn)
        assert (response["Error"]["Code"], response["ResourceType"]) == ("ResourceNotFoundException", "DOMAIN")
    assert error_of(client.tag_resource, ResourceArn="arn:aws:s3:::bucket", Tags=[])["Error"]["Code"] == (
        "ValidationException"
    )


def test_create_domain_with_tags(client: t.Any) -> None:
    domain = client.create_domain(
        Name="tagged", ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY}, Tags=[{"Key": "a", "Value": "b"}]
    )["Domain"]
    assert client.list_tags_for_resource(ResourceArn=domain["Arn"])["Tags"] == [{"Key": "a", "Value": "b"}]
    response = error_of(
        client.create_domain,
        Name="bad",
        ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY},
        Tags=[{"Key": "aws:x", "Value": "b"}],
    )
    assert response["Error"]["Code"] == "ValidationException"


# -- watchlists and fraudsters --------------------------------------------------------------------------------


def test_every_domain_has_a_default_watchlist(client: t.Any) -> None:
    summaries = client.list_watchlists(DomainId=DOMAIN)["WatchlistSummaries"]
    assert [(w["WatchlistId"], w["DefaultWatchlist"]) for w in summaries] == [(WATCHLIST, True), (VIP, False)]
    assert summaries[1]["Name"] == "vip" and summaries[1]["Description"] == "Known fraudsters"
    created = client.create_domain(Name="fresh", ServerSideEncryptionConfiguration={"KmsKeyId": NEW_KEY})["Domain"]
    [default] = client.list_watchlists(DomainId=created["DomainId"])["WatchlistSummaries"]
    assert default["WatchlistId"] == created["WatchlistDetails"]["DefaultWatchlistId"]
    assert default["DefaultWatchlist"] is True


def test_list_fraudsters_by_watchlist(client: t.Any) -> None:
    every = client.list_fraudsters(DomainId=DOMAIN)["FraudsterSummaries"]
    assert [(f["GeneratedFraudsterId"], f["WatchlistIds"]) for f in every] == [
        (FRAUDSTER_1, [WATCHLIST]),
        (FRAUDSTER_2, [VIP, WATCHLIST]),
    ]
    vip = client.list_fraudsters(DomainId=DOMAIN, WatchlistId=VIP)["FraudsterSummaries"]
    assert [f["GeneratedFraudsterId"] for f in vip] == [FRAUDSTER_2]
    response = error_of(client.list_fraudsters, DomainId=DOMAIN, WatchlistId="NoSuchWatchlist0000000")
    assert (response["Error"]["Code"], response["ResourceType"]) == ("ResourceNotFoundException", "WATCHLIST")


def test_watchlists_and_fraudsters_page(server: EmulatorServer, client: t.Any) -> None:
    document = seed()
    document["domains"][0]["watchlists"] = [{"name": f"w{number}"} for number in range(4)]
    document["domains"][0]["fraudsters"] = [{"watchlists": ["w1"]} for _number in range(5)]
    server.configure(max_watchlists_per_domain=5)  # AWS's quota is 3: five watchlists make three pages of two
    server.load_seed(document)
    watchlists = list(
        client.get_paginator("list_watchlists").paginate(DomainId=DOMAIN, PaginationConfig={"PageSize": 2})
    )
    assert [len(page["WatchlistSummaries"]) for page in watchlists] == [2, 2, 1]
    fraudsters = list(
        client.get_paginator("list_fraudsters").paginate(DomainId=DOMAIN, PaginationConfig={"PageSize": 2})
    )
    assert [len(page["FraudsterSummaries"]) for page in fraudsters] == [2, 2, 1]
    assert len({f["GeneratedFraudsterId"] for page in fraudsters for f in page["FraudsterSummaries"]}) == 5
    status, _headers, answer = signed_request(
        server.url, "ListFraudsters", {"DomainId": DOMAIN, "MaxResults": 101}, region="eu-west-2"
    )
    assert (status, answer["__type"]) == (400, "ValidationException")


def test_watchlist_seed_errors(server: EmulatorServer) -> None:
    for domain_changes, fragment in (
        ({"fraudsters": [{"watchlists": ["nope"]}]}, "no watchlist 'nope'"),
        ({"fraudsters": [{"watchlists": []}]}, "at least one watchlist"),
        ({"watchlists": [{"name": "a"}, {"name": "a"}]}, "duplicate watchlist name"),
        ({"watchlists": [{"name": "bad name"}]}, "watchlists[0].name"),
    ):
        document = seed()
        document["domains"][0].update(domain_changes)
        with pytest.raises(ValueError, match=r".") as caught:
            server.load_seed(document)
        assert fragment in str(caught.value)
