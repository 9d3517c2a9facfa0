# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Watchlists and fraudsters: CreateWatchlist (idempotency, quota, unique names), DescribeWatchlist,
UpdateWatchlist, DeleteWatchlist (the default watchlist, non-empty ones), DescribeFraudster, DeleteFraudster,
AssociateFraudster and DisassociateFraudster (memberships, quotas), their errors, rates, realism and seeds."""

from __future__ import annotations

import concurrent.futures
import re
import time
import typing as t

import botocore.exceptions
import pytest
from emulator_support import make_client
from emulator_support import signed_request
from voiceid_emulator import DEFAULT_RATES
from voiceid_emulator import EmulatorServer
from voiceid_emulator.quotas import RESOURCE_QUOTAS

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
OTHER_ACCOUNT_KEY = "AKIDOTHERACCOUNT0001"
DOMAIN = "WatchDomain00000000001"
DEFAULT = "DefaultWatchlist000001"
VIP = "VipWatchlist0000000001"
EMPTY_DOMAIN = "EmptyDomain00000000001"
EMPTY_DEFAULT = "EmptyDefaultWatchlist1"
SUSPENDED_DOMAIN = "SuspendedDomain0000001"
SUSPENDED_DEFAULT = "SuspendedDefaultWatch1"
SUSPENDED_VIP = "SuspendedVipWatchlist1"
OTHER_DOMAIN = "OtherAccountDomain0001"
LONER = "id#Fraudster0000000000001"  # only in the default watchlist
TWICE = "id#Fraudster0000000000002"  # in vip and the default watchlist
VIP_ONLY = "id#Fraudster0000000000003"  # only in vip
SUSPECT = "id#Fraudster0000000000009"  # in the suspended domain
MISSING = "id#NoSuchFraudster0000001"
NO_SUCH_WATCHLIST = "NoSuchWatchlist0000001"
WATCHLIST_FIELDS = {"CreatedAt", "DefaultWatchlist", "Description", "DomainId", "Name", "UpdatedAt", "WatchlistId"}
FRAUDSTER_FIELDS = {"CreatedAt", "DomainId", "GeneratedFraudsterId", "WatchlistIds"}


def seed() -> dict[str, t.Any]:
    return {
        "account_id": ACCOUNT,
        "access_keys": {OTHER_ACCOUNT_KEY: OTHER_ACCOUNT},
        "domains": [
            {
                "domain_id": DOMAIN,
                "name": "watch",
                "watchlist_id": DEFAULT,
                "watchlists": [{"watchlist_id": VIP, "name": "vip", "description": "Known fraudsters"}],
                "fraudsters": [
                    {"generated_fraudster_id": LONER, "created_at": 1700000000},
                    {"generated_fraudster_id": TWICE, "watchlists": ["vip", "Default"]},
                    {"generated_fraudster_id": VIP_ONLY, "watchlists": [VIP]},
                ],
            },
            {"domain_id": EMPTY_DOMAIN, "name": "empty", "watchlist_id": EMPTY_DEFAULT},
            {
                "domain_id": SUSPENDED_DOMAIN,
                "name": "suspended",
                "status": "SUSPENDED",
                "watchlist_id": SUSPENDED_DEFAULT,
                "watchlists": [{"watchlist_id": SUSPENDED_VIP, "name": "vip"}],
                "fraudsters": [{"generated_fraudster_id": SUSPECT, "watchlists": ["vip", "Default"]}],
            },
            {"domain_id": OTHER_DOMAIN, "name": "other", "account_id": OTHER_ACCOUNT},
        ],
    }


@pytest.fixture
def server() -> t.Iterator[EmulatorServer]:
    with EmulatorServer(seed(), random_seed=21) as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> t.Any:
    return make_client(server.url)


def error_of(call: t.Callable[..., t.Any], **params: t.Any) -> dict[str, t.Any]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**params)
    return t.cast(dict[str, t.Any], caught.value.response)


def code_of(call: t.Callable[..., t.Any], **params: t.Any) -> tuple[str, str | None]:
    """The error code with its ConflictType or ResourceType (None if it has neither)."""
    response = error_of(call, **params)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response.get("ConflictType", response.get("ResourceType"))


def state_domain(server: EmulatorServer, domain_id: str) -> dict[str, t.Any]:
    [domain] = server.state(domain_id, include_speakers=False)["domains"]
    return t.cast(dict[str, t.Any], domain)


def memberships(server: EmulatorServer, domain_id: str = DOMAIN) -> dict[str, list[str]]:
    """The emulator's own record of which watchlists each fraudster is in (not an API answer)."""
    return {
        fraudster["generated_fraudster_id"]: fraudster["watchlist_ids"]
        for fraudster in state_domain(server, domain_id)["fraudsters"]
    }


def watchlist_names(client: t.Any, domain_id: str) -> dict[str, str]:
    summaries = client.list_watchlists(DomainId=domain_id)["WatchlistSummaries"]
    return {summary["WatchlistId"]: summary["Name"] for summary in summaries}


# -- CreateWatchlist ---------------------------------------------------------------------------------------------


def test_create_watchlist(server: EmulatorServer, client: t.Any) -> None:
    before = time.time()
    created = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="high-risk", Description="Seen twice")["Watchlist"]
    assert set(created) == WATCHLIST_FIELDS
    assert re.fullmatch(r"[a-zA-Z0-9]{22}", created["WatchlistId"])
    assert created["WatchlistId"] != EMPTY_DEFAULT
    assert (created["DomainId"], created["Name"], created["Description"]) == (EMPTY_DOMAIN, "high-risk", "Seen twice")
    assert created["DefaultWatchlist"] is False
    assert created["CreatedAt"] == created["UpdatedAt"]
    assert created["CreatedAt"].timestamp() >= before - 1
    # Every reader sees it: DescribeWatchlist, ListWatchlists, ListFraudsters by it, the state view.
    assert client.describe_watchlist(DomainId=EMPTY_DOMAIN, WatchlistId=created["WatchlistId"])["Watchlist"] == created
    assert watchlist_names(client, EMPTY_DOMAIN) == {EMPTY_DEFAULT: "Default", created["WatchlistId"]: "high-risk"}
    listed = client.list_watchlists(DomainId=EMPTY_DOMAIN)["WatchlistSummaries"][1]
    assert listed == created
    members = client.list_fraudsters(DomainId=EMPTY_DOMAIN, WatchlistId=created["WatchlistId"])
    assert members["FraudsterSummaries"] == []
    [_default, viewed] = state_domain(server, EMPTY_DOMAIN)["watchlists"]
    assert viewed["watchlist_id"] == created["WatchlistId"]
    assert (viewed["name"], viewed["description"], viewed["default_watchlist"]) == ("high-risk", "Seen twice", False)
    # Without a description, the answer has none (as AWS omits absent members).
    plain = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="plain")["Watchlist"]
    assert set(plain) == WATCHLIST_FIELDS - {"Description"}


def test_create_watchlist_is_idempotent_with_a_client_token(server: EmulatorServer, client: t.Any) -> None:
    first = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="w1", ClientToken="token-1")["Watchlist"]
    again = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="w1", ClientToken="token-1")["Watchlist"]
    assert again == first
    assert len(watchlist_names(client, EMPTY_DOMAIN)) == 2
    # The same token with another body: another name, a description, another domain.
    for other in (
        {"DomainId": EMPTY_DOMAIN, "Name": "w2"},
        {"DomainId": EMPTY_DOMAIN, "Name": "w1", "Description": "more"},
        {"DomainId": DOMAIN, "Name": "w1"},
    ):
        response = error_of(client.create_watchlist, ClientToken="token-1", **other)
        assert response["Error"]["Code"] == "ConflictException"
        assert "ConflictType" not in response
        assert "ClientToken" in response["Error"]["Message"]
    assert len(watchlist_names(client, EMPTY_DOMAIN)) == 2
    assert len(watchlist_names(client, DOMAIN)) == 2
    # At the quota (3 with the default), a retry of a request that succeeded still answers its watchlist.
    client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="w3", ClientToken="token-3")
    assert client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="w1", ClientToken="token-1")["Watchlist"] == first
    # botocore fills in a fresh token when none is given.
    tokens = [call["params"].get("ClientToken") for call in server.calls("CreateWatchlist")]
    client.create_watchlist(DomainId=DOMAIN, Name="w4")
    fresh = server.calls("CreateWatchlist")[-1]["params"]["ClientToken"]
    assert fresh and fresh not in tokens
    # The token of a deleted watchlist creates a new one.
    client.delete_watchlist(DomainId=EMPTY_DOMAIN, WatchlistId=first["WatchlistId"])
    renewed = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="w1", ClientToken="token-1")["Watchlist"]
    assert renewed["WatchlistId"] != first["WatchlistId"]


def test_client_tokens_are_per_account_and_operation(server: EmulatorServer, client: t.Any) -> None:
    other = make_client(server.url, access_key=OTHER_ACCOUNT_KEY)
    mine = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="w", ClientToken="shared")["Watchlist"]
    theirs = other.create_watchlist(DomainId=OTHER_DOMAIN, Name="w", ClientToken="shared")["Watchlist"]
    assert theirs["DomainId"] == OTHER_DOMAIN and theirs["WatchlistId"] != mine["WatchlistId"]
    # A CreateDomain with the token of a CreateWatchlist is a request of its own.
    server.configure(max_domains=5)
    domain = client.create_domain(
        Name="d", ServerSideEncryptionConfiguration={"KmsKeyId": "alias/k"}, ClientToken="shared"
    )["Domain"]
    assert domain["DomainId"] not in (EMPTY_DOMAIN, OTHER_DOMAIN)


def test_watchlists_per_domain_quota(server: EmulatorServer, client: t.Any) -> None:
    assert RESOURCE_QUOTAS["watchlists_per_domain"] == 3
    assert server.config()["max_watchlists_per_domain"] == 3
    # DOMAIN has the default and vip: one more fits.
    client.create_watchlist(DomainId=DOMAIN, Name="third")
    assert code_of(client.create_watchlist, DomainId=DOMAIN, Name="fourth") == ("ServiceQuotaExceededException", None)
    assert len(watchlist_names(client, DOMAIN)) == 3
    server.configure(max_watchlists_per_domain=4)
    client.create_watchlist(DomainId=DOMAIN, Name="fourth")
    assert sorted(watchlist_names(client, DOMAIN).values()) == ["Default", "fourth", "third", "vip"]


def test_watchlist_names_are_unique_in_a_domain(client: t.Any) -> None:
    for name in ("vip", "Default"):
        response = error_of(client.create_watchlist, DomainId=DOMAIN, Name=name)
        assert response["Error"]["Code"] == "ConflictException" and "ConflictType" not in response
        assert name not in response["Error"]["Message"]  # names are sensitive
    # Names are compared exactly, and another domain's names do not count.
    assert client.create_watchlist(DomainId=DOMAIN, Name="VIP")["Watchlist"]["Name"] == "VIP"
    assert client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="vip")["Watchlist"]["Name"] == "vip"


def test_create_watchlist_checks(server: EmulatorServer, client: t.Any) -> None:
    assert code_of(client.create_watchlist, DomainId="NoSuchDomain0000000000", Name="w") == (
        "ResourceNotFoundException",
        "DOMAIN",
    )
    # Another account's or region's domain is not found.
    assert code_of(client.create_watchlist, DomainId=OTHER_DOMAIN, Name="w") == ("ResourceNotFoundException", "DOMAIN")
    elsewhere = make_client(server.url, region="eu-west-2")
    assert code_of(elsewhere.create_watchlist, DomainId=DOMAIN, Name="w") == ("ResourceNotFoundException", "DOMAIN")
    # The model's rules, checked by the service (botocore checks only required members, types and minimums).
    for params, fragment in (
        ({"DomainId": DOMAIN, "Name": "-starts-with-a-dash"}, "Value (redacted: sensitive) at 'name'"),
        ({"DomainId": DOMAIN, "Name": "w" * 257}, "length less than or equal to 256"),
        ({"DomainId": DOMAIN, "Name": "w", "Description": "semi;colon"}, "at 'description'"),
        ({"DomainId": DOMAIN, "Name": "w", "ClientToken": "no spaces"}, "at 'clientToken'"),
        ({"DomainId": DOMAIN}, "Value null at 'name' failed to satisfy constraint: Member must not be null"),
    ):
        status, _headers, document = signed_request(server.url, "CreateWatchlist", params)
        assert (status, document["__type"]) == (400, "ValidationException")
        assert fragment in document["Message"]
        assert "starts-with" not in document["Message"] and "semi" not in document["Message"]
    assert len(watchlist_names(client, DOMAIN)) == 2


# -- DescribeWatchlist, UpdateWatchlist, DeleteWatchlist ----------------------------------------------------------


def test_describe_watchlist(client: t.Any) -> None:
    vip = client.describe_watchlist(DomainId=DOMAIN, WatchlistId=VIP)["Watchlist"]
    assert set(vip) == WATCHLIST_FIELDS
    assert (vip["Name"], vip["Description"], vip["DefaultWatchlist"]) == ("vip", "Known fraudsters", False)
    default = client.describe_watchlist(DomainId=DOMAIN, WatchlistId=DEFAULT)["Watchlist"]
    assert (default["Name"], default["DefaultWatchlist"]) == ("Default", True)
    assert code_of(client.describe_watchlist, DomainId=DOMAIN, WatchlistId=NO_SUCH_WATCHLIST) == (
        "ResourceNotFoundException",
        "WATCHLIST",
    )
    # Another domain's watchlist is not in this one.
    assert code_of(client.describe_watchlist, DomainId=EMPTY_DOMAIN, WatchlistId=VIP) == (
        "ResourceNotFoundException",
        "WATCHLIST",
    )
    assert code_of(client.describe_watchlist, DomainId="NoSuchDomain0000000000", WatchlistId=VIP) == (
        "ResourceNotFoundException",
        "DOMAIN",
    )


def test_update_watchlist(server: EmulatorServer, client: t.Any) -> None:
    before = client.describe_watchlist(DomainId=DOMAIN, WatchlistId=VIP)["Watchlist"]
    renamed = client.update_watchlist(DomainId=DOMAIN, WatchlistId=VIP, Name="very-important")["Watchlist"]
    assert renamed["Name"] == "very-important"
    assert renamed["Description"] == "Known fraudsters"  # omitted: kept
    assert renamed["CreatedAt"] == before["CreatedAt"] and renamed["UpdatedAt"] > before["UpdatedAt"]
    described = client.update_watchlist(DomainId=DOMAIN, WatchlistId=VIP, Description="Changed")["Watchlist"]
    assert (described["Name"], described["Description"]) == ("very-important", "Changed")
    both = client.update_watchlist(DomainId=DOMAIN, WatchlistId=VIP, Name="vip2", Description="Both")["Watchlist"]
    assert (both["Name"], both["Description"]) == ("vip2", "Both")
    assert client.describe_watchlist(DomainId=DOMAIN, WatchlistId=VIP)["Watchlist"] == both
    assert watchlist_names(client, DOMAIN) == {DEFAULT: "Default", VIP: "vip2"}
    viewed = state_domain(server, DOMAIN)["watchlists"][1]
    assert (viewed["name"], viewed["description"]) == ("vip2", "Both")
    # Its own name again is no clash; another watchlist's name is.
    assert client.update_watchlist(DomainId=DOMAIN, WatchlistId=VIP, Name="vip2")["Watchlist"]["Name"] == "vip2"
    third = client.create_watchlist(DomainId=DOMAIN, Name="third")["Watchlist"]
    assert code_of(client.update_watchlist, DomainId=DOMAIN, WatchlistId=third["WatchlistId"], Name="vip2") == (
        "ConflictException",
        None,
    )
    assert code_of(client.update_watchlist, DomainId=DOMAIN, WatchlistId=NO_SUCH_WATCHLIST, Name="x") == (
        "ResourceNotFoundException",
        "WATCHLIST",
    )
    assert watchlist_names(client, DOMAIN)[third["WatchlistId"]] == "third"


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("update_watchlist", {"Name": "renamed"}),
        ("update_watchlist", {"Description": "Changed"}),
        ("update_watchlist", {}),
        ("delete_watchlist", {}),
    ],
)
def test_the_default_watchlist_can_be_neither_updated_nor_deleted(
    server: EmulatorServer, client: t.Any, operation: str, params: dict[str, str]
) -> None:
    before = state_domain(server, DOMAIN)["watchlists"]
    response = error_of(getattr(client, operation), DomainId=DOMAIN, WatchlistId=DEFAULT, **params)
    assert response["Error"]["Code"] == "ValidationException"
    assert "default watchlist" in response["Error"]["Message"]
    assert state_domain(server, DOMAIN)["watchlists"] == before


def test_delete_watchlist(server: EmulatorServer, client: t.Any) -> None:
    # vip holds TWICE and VIP_ONLY: the service refuses, and nothing changes.
    assert code_of(client.delete_watchlist, DomainId=DOMAIN, WatchlistId=VIP) == (
        "ConflictException",
        "CANNOT_DELETE_NON_EMPTY_WATCHLIST",
    )
    assert VIP in watchlist_names(client, DOMAIN)
    # Emptied (one fraudster moved out, the other deleted), it can go.
    client.disassociate_fraudster(DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=VIP)
    assert code_of(client.delete_watchlist, DomainId=DOMAIN, WatchlistId=VIP)[1] == "CANNOT_DELETE_NON_EMPTY_WATCHLIST"
    client.delete_fraudster(DomainId=DOMAIN, FraudsterId=VIP_ONLY)
    assert set(client.delete_watchlist(DomainId=DOMAIN, WatchlistId=VIP)) == {"ResponseMetadata"}
    assert watchlist_names(client, DOMAIN) == {DEFAULT: "Default"}
    assert [watchlist["watchlist_id"] for watchlist in state_domain(server, DOMAIN)["watchlists"]] == [DEFAULT]
    for call in (client.describe_watchlist, client.delete_watchlist, client.list_fraudsters):
        assert code_of(call, DomainId=DOMAIN, WatchlistId=VIP) == ("ResourceNotFoundException", "WATCHLIST")
    # Its name is free again, and the domain has room again.
    assert client.create_watchlist(DomainId=DOMAIN, Name="vip")["Watchlist"]["WatchlistId"] != VIP


# -- fraudsters ---------------------------------------------------------------------------------------------------


def test_describe_fraudster(server: EmulatorServer, client: t.Any) -> None:
    loner = client.describe_fraudster(DomainId=DOMAIN, FraudsterId=LONER)["Fraudster"]
    assert set(loner) == FRAUDSTER_FIELDS
    assert (loner["DomainId"], loner["GeneratedFraudsterId"], loner["WatchlistIds"]) == (DOMAIN, LONER, [DEFAULT])
    assert loner["CreatedAt"].timestamp() == 1700000000
    twice = client.describe_fraudster(DomainId=DOMAIN, FraudsterId=TWICE)["Fraudster"]
    assert twice["WatchlistIds"] == [VIP, DEFAULT]  # in the order it joined them
    response = error_of(client.describe_fraudster, DomainId=DOMAIN, FraudsterId=MISSING)
    assert (response["Error"]["Code"], response["ResourceType"]) == ("ResourceNotFoundException", "FRAUDSTER")
    assert MISSING not in response["Error"]["Message"]  # fraudster ids are sensitive
    assert code_of(client.describe_fraudster, DomainId=EMPTY_DOMAIN, FraudsterId=LONER)[1] == "FRAUDSTER"
    status, _headers, document = signed_request(
        server.url, "DescribeFraudster", {"DomainId": DOMAIN, "FraudsterId": "cust-1"}
    )
    assert (status, document["__type"]) == (400, "ValidationException")
    assert "Value (redacted: sensitive) at 'fraudsterId'" in document["Message"]
    assert "cust-1" not in document["Message"]


def test_associate_and_disassociate_fraudsters(server: EmulatorServer, client: t.Any) -> None:
    joined = client.associate_fraudster(DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP)["Fraudster"]
    assert set(joined) == FRAUDSTER_FIELDS
    assert joined["WatchlistIds"] == [DEFAULT, VIP]
    assert memberships(server)[LONER] == [DEFAULT, VIP]
    listed = client.list_fraudsters(DomainId=DOMAIN, WatchlistId=VIP)["FraudsterSummaries"]
    assert [summary["GeneratedFraudsterId"] for summary in listed] == [LONER, TWICE, VIP_ONLY]
    # Associating again changes nothing.
    assert client.associate_fraudster(DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP)["Fraudster"] == joined
    left = client.disassociate_fraudster(DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=DEFAULT)["Fraudster"]
    assert left["WatchlistIds"] == [VIP]
    assert [
        summary["GeneratedFraudsterId"]
        for summary in client.list_fraudsters(DomainId=DOMAIN, WatchlistId=DEFAULT)["FraudsterSummaries"]
    ] == [TWICE]
    assert client.describe_fraudster(DomainId=DOMAIN, FraudsterId=LONER)["Fraudster"] == left
    # Disassociating from a watchlist it is not in changes nothing; from its only watchlist is refused.
    assert client.disassociate_fraudster(DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=DEFAULT)["Fraudster"] == left
    assert code_of(client.disassociate_fraudster, DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP) == (
        "ConflictException",
        "FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST",
    )
    assert memberships(server) == {LONER: [VIP], TWICE: [VIP, DEFAULT], VIP_ONLY: [VIP]}


@pytest.mark.parametrize("operation", ["associate_fraudster", "disassociate_fraudster"])
def test_associations_name_what_exists(server: EmulatorServer, client: t.Any, operation: str) -> None:
    call = getattr(client, operation)
    assert code_of(call, DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=NO_SUCH_WATCHLIST) == (
        "ResourceNotFoundException",
        "WATCHLIST",
    )
    # The fraudster is checked first.
    assert code_of(call, DomainId=DOMAIN, FraudsterId=MISSING, WatchlistId=NO_SUCH_WATCHLIST) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    assert code_of(call, DomainId=DOMAIN, FraudsterId=MISSING, WatchlistId=VIP) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    assert code_of(call, DomainId=EMPTY_DOMAIN, FraudsterId=TWICE, WatchlistId=EMPTY_DEFAULT) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    assert code_of(call, DomainId="NoSuchDomain0000000000", FraudsterId=TWICE, WatchlistId=VIP) == (
        "ResourceNotFoundException",
        "DOMAIN",
    )
    assert memberships(server) == {LONER: [DEFAULT], TWICE: [VIP, DEFAULT], VIP_ONLY: [VIP]}


def test_watchlists_per_fraudster_quota(server: EmulatorServer, client: t.Any) -> None:
    assert RESOURCE_QUOTAS["watchlists_per_fraudster"] == 3
    third = client.create_watchlist(DomainId=DOMAIN, Name="third")["Watchlist"]["WatchlistId"]
    # At the default quota (3, as many as a domain holds) TWICE joins a third watchlist.
    joined = client.associate_fraudster(DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=third)["Fraudster"]
    assert joined["WatchlistIds"] == [VIP, DEFAULT, third]
    server.configure(max_watchlists_per_fraudster=2)
    client.associate_fraudster(DomainId=DOMAIN, FraudsterId=VIP_ONLY, WatchlistId=third)  # its second: room
    assert code_of(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=VIP_ONLY, WatchlistId=DEFAULT) == (
        "ServiceQuotaExceededException",
        None,
    )
    # A watchlist it is in already is no new membership.
    assert client.associate_fraudster(DomainId=DOMAIN, FraudsterId=VIP_ONLY, WatchlistId=VIP)["Fraudster"][
        "WatchlistIds"
    ] == [VIP, third]
    assert memberships(server) == {LONER: [DEFAULT], TWICE: [VIP, DEFAULT, third], VIP_ONLY: [VIP, third]}


def test_fraudsters_per_watchlist_quota(server: EmulatorServer, client: t.Any) -> None:
    assert RESOURCE_QUOTAS["fraudsters_per_watchlist"] == 500
    server.configure(max_fraudsters_per_watchlist=2)  # vip holds TWICE and VIP_ONLY
    assert code_of(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP) == (
        "ServiceQuotaExceededException",
        None,
    )
    assert memberships(server)[LONER] == [DEFAULT]
    # A fraudster already in it is no newcomer; once one leaves there is room.
    client.associate_fraudster(DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=VIP)
    client.disassociate_fraudster(DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=VIP)
    client.associate_fraudster(DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP)
    assert memberships(server)[LONER] == [DEFAULT, VIP]


def test_delete_fraudster(server: EmulatorServer, client: t.Any) -> None:
    answer = client.delete_fraudster(DomainId=DOMAIN, FraudsterId=TWICE)
    assert set(answer) == {"ResponseMetadata"}
    assert TWICE not in memberships(server)
    assert code_of(client.describe_fraudster, DomainId=DOMAIN, FraudsterId=TWICE) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    for watchlist_id in (None, VIP, DEFAULT):
        params = {"DomainId": DOMAIN} if watchlist_id is None else {"DomainId": DOMAIN, "WatchlistId": watchlist_id}
        listed = client.list_fraudsters(**params)["FraudsterSummaries"]
        assert TWICE not in [summary["GeneratedFraudsterId"] for summary in listed]
    # Deleting it again: it is not found, and nothing else changed.
    assert code_of(client.delete_fraudster, DomainId=DOMAIN, FraudsterId=TWICE) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    assert memberships(server) == {LONER: [DEFAULT], VIP_ONLY: [VIP]}


# -- listings while things change ----------------------------------------------------------------------------------


def fraudster_ids(page: dict[str, t.Any]) -> list[str]:
    return [summary["GeneratedFraudsterId"] for summary in page["FraudsterSummaries"]]


def test_listings_neither_skip_nor_repeat_while_fraudsters_and_watchlists_go(client: t.Any) -> None:
    first = client.list_fraudsters(DomainId=DOMAIN, MaxResults=1)
    assert fraudster_ids(first) == [LONER]
    client.delete_fraudster(DomainId=DOMAIN, FraudsterId=LONER)
    rest = client.list_fraudsters(DomainId=DOMAIN, MaxResults=5, NextToken=first["NextToken"])
    assert fraudster_ids(rest) == [TWICE, VIP_ONLY] and "NextToken" not in rest
    # A watchlist's members: one leaving between pages does not push the next out of the listing.
    first = client.list_fraudsters(DomainId=DOMAIN, WatchlistId=VIP, MaxResults=1)
    assert fraudster_ids(first) == [TWICE]
    client.disassociate_fraudster(DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=VIP)
    rest = client.list_fraudsters(DomainId=DOMAIN, WatchlistId=VIP, NextToken=first["NextToken"])
    assert fraudster_ids(rest) == [VIP_ONLY]
    # Watchlists: one deleted between pages; one created later comes last.
    created = [client.create_watchlist(DomainId=EMPTY_DOMAIN, Name=name)["Watchlist"]["WatchlistId"] for name in "ab"]
    first = client.list_watchlists(DomainId=EMPTY_DOMAIN, MaxResults=2)
    assert [summary["WatchlistId"] for summary in first["WatchlistSummaries"]] == [EMPTY_DEFAULT, created[0]]
    client.delete_watchlist(DomainId=EMPTY_DOMAIN, WatchlistId=created[0])
    rest = client.list_watchlists(DomainId=EMPTY_DOMAIN, MaxResults=2, NextToken=first["NextToken"])
    assert [summary["WatchlistId"] for summary in rest["WatchlistSummaries"]] == [created[1]]
    later = client.create_watchlist(DomainId=EMPTY_DOMAIN, Name="c")["Watchlist"]["WatchlistId"]
    assert list(watchlist_names(client, EMPTY_DOMAIN)) == [EMPTY_DEFAULT, created[1], later]


# -- the domain's status, rates, realism ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("create_watchlist", {"Name": "new"}),
        ("update_watchlist", {"WatchlistId": SUSPENDED_VIP, "Name": "renamed"}),
        ("delete_watchlist", {"WatchlistId": SUSPENDED_VIP}),
        ("delete_fraudster", {"FraudsterId": SUSPECT}),
        ("associate_fraudster", {"FraudsterId": SUSPECT, "WatchlistId": SUSPENDED_VIP}),
        ("disassociate_fraudster", {"FraudsterId": SUSPECT, "WatchlistId": SUSPENDED_VIP}),
    ],
)
def test_writes_need_an_active_domain(
    server: EmulatorServer, client: t.Any, operation: str, params: dict[str, str]
) -> None:
    before = state_domain(server, SUSPENDED_DOMAIN)
    assert code_of(getattr(client, operation), DomainId=SUSPENDED_DOMAIN, **params) == (
        "ConflictException",
        "DOMAIN_NOT_ACTIVE",
    )
    assert state_domain(server, SUSPENDED_DOMAIN) == before
    # Reads answer.
    assert client.describe_fraudster(DomainId=SUSPENDED_DOMAIN, FraudsterId=SUSPECT)["Fraudster"]["WatchlistIds"] == [
        SUSPENDED_VIP,
        SUSPENDED_DEFAULT,
    ]
    assert client.describe_watchlist(DomainId=SUSPENDED_DOMAIN, WatchlistId=SUSPENDED_VIP)["Watchlist"]["Name"] == "vip"


def test_default_rates() -> None:
    expected = {
        "DescribeFraudster": 10,
        "DeleteFraudster": 10,  # published
        "CreateWatchlist": 2,
        "DescribeWatchlist": 2,
        "UpdateWatchlist": 2,
        "DeleteWatchlist": 2,
        "AssociateFraudster": 2,
        "DisassociateFraudster": 2,  # not published: the lowest published Voice ID rate
    }
    assert {operation: DEFAULT_RATES[operation] for operation in expected} == expected


class FrozenClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def outcome(call: t.Callable[..., t.Any], **params: t.Any) -> str:
    try:
        call(**params)
    except botocore.exceptions.ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


def test_rates_are_enforced_per_operation() -> None:
    with EmulatorServer(seed(), enforce_quotas=True) as server:
        server.emulator.limiter.clock = FrozenClock()
        client = make_client(server.url)
        describes = [outcome(client.describe_fraudster, DomainId=DOMAIN, FraudsterId=LONER) for _n in range(11)]
        assert describes == ["ok"] * 10 + ["ThrottlingException"]
        watchlists = [outcome(client.describe_watchlist, DomainId=DOMAIN, WatchlistId=VIP) for _n in range(3)]
        assert watchlists == ["ok", "ok", "ThrottlingException"]
        moves = [
            outcome(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP) for _n in range(3)
        ]
        assert moves == ["ok", "ok", "ThrottlingException"]
        # A throttled call changes nothing; its own bucket is separate from the other operations'.
        assert outcome(client.disassociate_fraudster, DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP) == "ok"
        assert memberships(server)[LONER] == [DEFAULT]


def _wait_until_in_flight(server: EmulatorServer) -> None:
    service = server.emulator.service
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with service.in_flight_lock:
            if service.in_flight:
                return
        time.sleep(0.005)
    raise AssertionError("the first write never went in flight")


def _conflict_outcome(call: t.Callable[..., t.Any], **params: t.Any) -> str:
    try:
        call(**params)
    except botocore.exceptions.ClientError as error:
        return f"{error.response['Error']['Code']}/{error.response.get('ConflictType', '')}"
    return "ok"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # Two writes to one fraudster conflict, whichever operations they are.
        (
            ("associate_fraudster", {"FraudsterId": LONER, "WatchlistId": VIP}),
            ("delete_fraudster", {"FraudsterId": LONER}),
            "ConflictException/CONCURRENT_CHANGES",
        ),
        (
            ("disassociate_fraudster", {"FraudsterId": TWICE, "WatchlistId": VIP}),
            ("associate_fraudster", {"FraudsterId": TWICE, "WatchlistId": VIP}),
            "ConflictException/CONCURRENT_CHANGES",
        ),
        # Two writes to one watchlist conflict.
        (
            ("update_watchlist", {"WatchlistId": VIP, "Name": "a"}),
            ("update_watchlist", {"WatchlistId": VIP, "Name": "b"}),
            "ConflictException/CONCURRENT_CHANGES",
        ),
        # Different fraudsters joining one watchlist do not.
        (
            ("associate_fraudster", {"FraudsterId": LONER, "WatchlistId": VIP}),
            ("disassociate_fraudster", {"FraudsterId": TWICE, "WatchlistId": VIP}),
            "ok",
        ),
    ],
)
def test_realism_overlapping_writes(
    server: EmulatorServer,
    client: t.Any,
    first: tuple[str, dict[str, str]],
    second: tuple[str, dict[str, str]],
    expected: str,
) -> None:
    server.configure(realism=True, latency_ms=800)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_conflict_outcome, getattr(client, first[0]), DomainId=DOMAIN, **first[1])
        _wait_until_in_flight(server)
        assert _conflict_outcome(getattr(client, second[0]), DomainId=DOMAIN, **second[1]) == expected
        assert pending.result() == "ok"


# -- fault rules ------------------------------------------------------------------------------------------------


def test_rules_can_name_one_fraudster_or_watchlist(server: EmulatorServer, client: t.Any) -> None:
    server.configure(
        rules=[
            {"operation": "AssociateFraudster", "fraudster_id": TWICE, "code": "ThrottlingException"},
            {"operation": "AssociateFraudster", "watchlist_id": DEFAULT, "code": "ResourceNotFoundException"},
            {"fraudster_id": LONER, "code": "ResourceNotFoundException", "times": 1},
        ]
    )
    assert outcome(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=TWICE, WatchlistId=VIP) == (
        "ThrottlingException"
    )
    # ResourceNotFoundException names the resource the rule names.
    assert code_of(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=VIP_ONLY, WatchlistId=DEFAULT) == (
        "ResourceNotFoundException",
        "WATCHLIST",
    )
    assert code_of(client.describe_fraudster, DomainId=DOMAIN, FraudsterId=LONER) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    assert outcome(client.describe_fraudster, DomainId=DOMAIN, FraudsterId=LONER) == "ok"  # times: 1
    assert outcome(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP) == "ok"
    assert [rule["matched"] for rule in server.config()["rules"]] == [1, 1, 1]
    assert memberships(server) == {LONER: [DEFAULT, VIP], TWICE: [VIP, DEFAULT], VIP_ONLY: [VIP]}


def test_a_lost_answer_and_a_fraudster_deleted_by_another_writer(server: EmulatorServer, client: t.Any) -> None:
    server.configure(
        rules=[
            {
                "operation": "DeleteFraudster",
                "fraudster_id": TWICE,
                "answer": "carried_out",
                "code": "InternalServerException",
            },
            {
                "operation": "ListFraudsters",
                "times": 1,
                "answer": "ok",
                "then_delete": {"domain_id": DOMAIN, "fraudster_id": LONER},
            },
        ]
    )
    response = error_of(client.delete_fraudster, DomainId=DOMAIN, FraudsterId=TWICE)
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "InternalServerException",
        500,
    )
    assert TWICE not in memberships(server)  # carried out all the same
    assert fraudster_ids(client.list_fraudsters(DomainId=DOMAIN)) == [LONER, VIP_ONLY]  # listed, then deleted
    assert code_of(client.associate_fraudster, DomainId=DOMAIN, FraudsterId=LONER, WatchlistId=VIP) == (
        "ResourceNotFoundException",
        "FRAUDSTER",
    )
    [listed] = server.calls("ListFraudsters")
    assert listed["then_deleted"] == {"domain_id": DOMAIN, "fraudster_id": LONER, "deleted": True}


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        (
            {"operation": "DescribeWatchlist", "fraudster_id": LONER, "code": "ThrottlingException"},
            "takes no FraudsterId",
        ),
        ({"operation": "DeleteFraudster", "watchlist_id": VIP, "code": "ThrottlingException"}, "takes no WatchlistId"),
        (
            {"speaker_id": "cust-1", "fraudster_id": LONER, "code": "ThrottlingException"},
            "no operation takes SpeakerId and FraudsterId",
        ),
        ({"fraudster_id": LONER, "code": "ConflictException"}, "not an error of DescribeFraudster"),
        (
            {"operation": "DescribeFraudster", "code": "ServiceQuotaExceededException"},
            "not an error of DescribeFraudster",
        ),
        (
            {"operation": "DeleteWatchlist", "answer": "omit", "omit": ["Watchlist"]},
            "DeleteWatchlist answers no member Watchlist",
        ),
        (
            {"operation": "AssociateFraudster", "code": "ResourceNotFoundException", "resource_type": "SPEAKER"},
            "AssociateFraudster names no SPEAKER",
        ),
        (
            {"answer": "ok", "then_delete": {"domain_id": DOMAIN, "speaker_id": "x", "fraudster_id": LONER}},
            "then_delete",
        ),
    ],
)
def test_impossible_rules_about_watchlists_and_fraudsters_are_refused(
    server: EmulatorServer, rule: dict[str, t.Any], fragment: str
) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        server.configure(rules=[rule])
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "rule",
    [
        {
            "operation": "DeleteWatchlist",
            "code": "ConflictException",
            "conflict_type": "CANNOT_DELETE_NON_EMPTY_WATCHLIST",
        },
        {
            "operation": "DisassociateFraudster",
            "code": "ConflictException",
            "conflict_type": "FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST",
        },
        {"operation": "DisassociateFraudster", "code": "ValidationException"},
        {"operation": "CreateWatchlist", "code": "ServiceQuotaExceededException"},
        {"operation": "AssociateFraudster", "code": "ServiceQuotaExceededException", "fraudster_id": LONER},
        {"operation": "CreateWatchlist", "answer": "omit", "omit": ["Watchlist"]},
        {"watchlist_id": VIP, "code": "ResourceNotFoundException"},
    ],
)
def test_rules_the_service_could_answer_are_accepted(server: EmulatorServer, rule: dict[str, t.Any]) -> None:
    server.configure(rules=[rule])
    assert len(server.config()["rules"]) == 1


# -- seeds ----------------------------------------------------------------------------------------------------------


def test_seeded_memberships_in_the_state_view(server: EmulatorServer) -> None:
    domain = state_domain(server, DOMAIN)
    assert [(w["watchlist_id"], w["name"], w["default_watchlist"]) for w in domain["watchlists"]] == [
        (DEFAULT, "Default", True),
        (VIP, "vip", False),
    ]
    assert memberships(server) == {LONER: [DEFAULT], TWICE: [VIP, DEFAULT], VIP_ONLY: [VIP]}
    # The state view seeds back to the same watchlists and memberships.
    snapshot = server.state()
    server.load_seed(snapshot)
    assert server.state() == snapshot


@pytest.mark.parametrize(
    ("config", "domain_changes", "fragment"),
    [
        ({}, {"watchlists": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}, "at most 3 watchlists"),
        (
            {"max_watchlists_per_domain": 4, "max_watchlists_per_fraudster": 2},
            {"watchlists": [{"name": "a"}, {"name": "b"}], "fraudsters": [{"watchlists": ["a", "b", "Default"]}]},
            "belongs to at most 2 watchlists",
        ),
        (
            {"max_fraudsters_per_watchlist": 1},
            {"watchlists": [{"name": "a"}], "fraudsters": [{"watchlists": ["a"]}, {"watchlists": ["a", "Default"]}]},
            "already holds the maximum of 1 fraudsters",
        ),
    ],
)
def test_seeds_respect_the_quotas(
    server: EmulatorServer, config: dict[str, int], domain_changes: dict[str, t.Any], fragment: str
) -> None:
    server.configure(**config)
    document: dict[str, t.Any] = {"domains": [{"name": "d", **domain_changes}]}
    before = server.state()
    with pytest.raises(ValueError, match=r".") as caught:
        server.load_seed(document)
    assert fragment in str(caught.value)
    assert server.state() == before


def test_seeds_at_the_quotas_load() -> None:
    fraudsters = [{"watchlists": ["a", "b"] if number % 2 else ["Default", "a"]} for number in range(500)]
    document = {"domains": [{"name": "d", "watchlists": [{"name": "a"}, {"name": "b"}], "fraudsters": fraudsters}]}
    with EmulatorServer(document) as server:
        [domain] = server.state(include_speakers=False)["domains"]
        assert len(domain["watchlists"]) == 3 and len(domain["fraudsters"]) == 500
