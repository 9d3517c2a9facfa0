# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the tests feed the modules and expect back: Voice ID domains, speakers, tags, watchlists and
fraudsters as the API returns them, the facts the modules make of them, and the Stubber expectations that
queue those answers (every request a Stubber gets is checked against botocore's service model)."""

from __future__ import annotations

import datetime
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence

from botocore.stub import Stubber

DOMAIN_ID = "AbCdEfGhIjKlMnOpQrStUv"
REGION = "eu-west-2"

CREATED = datetime.datetime(2024, 11, 5, 10, 0, tzinfo=datetime.timezone.utc)
UPDATED = datetime.datetime(2025, 2, 1, 8, 15, tzinfo=datetime.timezone.utc)
CREATED_ISO = "2024-11-05T10:00:00+00:00"
UPDATED_ISO = "2025-02-01T08:15:00+00:00"
KMS_KEY = "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def domain_id(n: int) -> str:
    """A valid domain id, different for every n."""
    return f"Domain{n:016d}"


def arn(n: int) -> str:
    return f"arn:aws:voiceid:eu-west-2:111122223333:domain/{domain_id(n)}"


def api_domain(n: int, name: Optional[str] = None, status: str = "ACTIVE") -> Dict[str, Any]:
    return {
        "DomainId": domain_id(n),
        "Name": name or f"domain-{n}",
        "DomainStatus": status,
        "Arn": arn(n),
        "Description": f"Domain number {n}",
        "CreatedAt": CREATED,
        "UpdatedAt": UPDATED,
        "ServerSideEncryptionConfiguration": {"KmsKeyId": KMS_KEY},
    }


def domain_facts(n: int, name: Optional[str] = None, status: str = "ACTIVE") -> Dict[str, Any]:
    return {
        "domain_id": domain_id(n),
        "name": name or f"domain-{n}",
        "domain_status": status,
        "arn": arn(n),
        "description": f"Domain number {n}",
        "created_at": CREATED_ISO,
        "updated_at": UPDATED_ISO,
        "server_side_encryption_configuration": {"kms_key_id": KMS_KEY},
    }


def expect_list_domains(stub: Stubber, pages: Sequence[List[Dict[str, Any]]]) -> None:
    """ListDomains answers these pages in turn, each but the last with a NextToken that the next request sends."""
    for index, page in enumerate(pages):
        params: Dict[str, Any] = {"MaxResults": 10}
        if index:
            params["NextToken"] = f"domains-token-{index}"
        response: Dict[str, Any] = {"DomainSummaries": page}
        if index + 1 < len(pages):
            response["NextToken"] = f"domains-token-{index + 1}"
        stub.add_response("list_domains", response, params)


def api_speaker(n: int, status: str, in_domain: str) -> Dict[str, Any]:
    return {
        "CustomerSpeakerId": f"customer-{n:04d}",
        "GeneratedSpeakerId": f"id#Generated{n:013d}",
        "DomainId": in_domain,
        "Status": status,
        "CreatedAt": CREATED,
        "UpdatedAt": UPDATED,
    }


def speaker_facts(n: int, status: str, in_domain: str) -> Dict[str, Any]:
    return {
        "customer_speaker_id": f"customer-{n:04d}",
        "generated_speaker_id": f"id#Generated{n:013d}",
        "domain_id": in_domain,
        "status": status,
        "created_at": CREATED_ISO,
        "updated_at": UPDATED_ISO,
    }


def expect_list_speakers(stub: Stubber, in_domain: str, pages: Sequence[List[Dict[str, Any]]]) -> None:
    """ListSpeakers answers these pages in turn, chained by NextToken, 100 speakers per page asked for."""
    for index, page in enumerate(pages):
        params: Dict[str, Any] = {"DomainId": in_domain, "MaxResults": 100}
        if index:
            params["NextToken"] = f"speakers-token-{index}"
        response: Dict[str, Any] = {"SpeakerSummaries": page}
        if index + 1 < len(pages):
            response["NextToken"] = f"speakers-token-{index + 1}"
        stub.add_response("list_speakers", response, params)


def add_domain_not_found(stub: Stubber, operation: str, expected_params: Dict[str, Any]) -> None:
    stub.add_client_error(
        operation,
        service_error_code="ResourceNotFoundException",
        service_message="The domain was not found.",
        http_status_code=400,
        modeled_fields={"ResourceType": "DOMAIN"},
        expected_params=expected_params,
    )


# --- tags, re-encryption, watchlists, fraudsters -------------------------------------------------------------

OLD_KEY = "arn:aws:kms:eu-west-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"
NEW_KEY = "arn:aws:kms:eu-west-2:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab"


def api_tags(tags: Dict[str, str]) -> List[Dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def expect_tags(stub: Stubber, n: int, tags: Dict[str, str]) -> None:
    stub.add_response("list_tags_for_resource", {"Tags": api_tags(tags)}, {"ResourceArn": arn(n)})


def keyed_domain(n: int, key: str, status: Optional[str] = None, **changes: Any) -> Dict[str, Any]:
    """api_domain(n) encrypted with key, with a re-encryption in the given status (none when status is None)."""
    domain = dict(api_domain(n, name=changes.pop("name", None)), ServerSideEncryptionConfiguration={"KmsKeyId": key})
    if status is not None:
        domain["ServerSideEncryptionUpdateDetails"] = {"OldKmsKeyId": OLD_KEY, "UpdateStatus": status}
    domain.update(changes)
    return domain


def watchlist_id(n: int) -> str:
    return f"Watchlist{n:013d}"


def fraudster_id(n: int) -> str:
    return f"id#Fraudster{n:013d}"


def api_watchlist(n: int, in_domain: str, default: bool = False) -> Dict[str, Any]:
    return {
        "WatchlistId": watchlist_id(n),
        "Name": f"watchlist-{n}",
        "Description": f"Watchlist number {n}",
        "DefaultWatchlist": default,
        "DomainId": in_domain,
        "CreatedAt": CREATED,
        "UpdatedAt": CREATED,
    }


def watchlist_facts(n: int, in_domain: str, default: bool = False) -> Dict[str, Any]:
    return {
        "watchlist_id": watchlist_id(n),
        "name": f"watchlist-{n}",
        "description": f"Watchlist number {n}",
        "default_watchlist": default,
        "domain_id": in_domain,
        "created_at": CREATED_ISO,
        "updated_at": CREATED_ISO,
    }


def api_fraudster(n: int, in_domain: str, watchlists: List[int]) -> Dict[str, Any]:
    return {
        "GeneratedFraudsterId": fraudster_id(n),
        "WatchlistIds": [watchlist_id(w) for w in watchlists],
        "DomainId": in_domain,
        "CreatedAt": CREATED,
    }


def fraudster_facts(n: int, in_domain: str, watchlists: List[int]) -> Dict[str, Any]:
    return {
        "generated_fraudster_id": fraudster_id(n),
        "watchlist_ids": [watchlist_id(w) for w in watchlists],
        "domain_id": in_domain,
        "created_at": CREATED_ISO,
    }


# --- the one speaker of voiceid_speaker's and voiceid_speaker_optout's tests, and their bulk arguments --------

CUSTOMER_ID = "customer-0042"
GENERATED_ID = "id#GeNeRaTeDsPeAkErId0042"
SPEAKER_CREATED = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.timezone.utc)
SPEAKER_UPDATED = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
SPEAKER_ACCESSED = datetime.datetime(2025, 9, 1, 13, 0, tzinfo=datetime.timezone.utc)
OPTED_OUT_AT = datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.timezone.utc)


class OneSpeaker:
    """The speaker CUSTOMER_ID (GENERATED_ID) in DOMAIN_ID: as DescribeSpeaker and OptOutSpeaker answer it, as
    the modules report it, and queued on a Stubber. With last_accessed, the answers carry a LastAccessedAt and
    the facts a last_accessed_at."""

    def __init__(self, last_accessed: bool = False) -> None:
        self.last_accessed = last_accessed

    def answer(self, status: str, updated: datetime.datetime = SPEAKER_UPDATED) -> Dict[str, Any]:
        speaker: Dict[str, Any] = {
            "CustomerSpeakerId": CUSTOMER_ID,
            "GeneratedSpeakerId": GENERATED_ID,
            "DomainId": DOMAIN_ID,
            "Status": status,
            "CreatedAt": SPEAKER_CREATED,
            "UpdatedAt": updated,
        }
        if self.last_accessed:
            speaker["LastAccessedAt"] = SPEAKER_ACCESSED
        return speaker

    def facts(self, status: str, updated: Optional[str] = "2025-06-01T12:00:00+00:00") -> Dict[str, Any]:
        """The speaker as a module reports it; updated=None when the report has no updated_at."""
        result = {
            "customer_speaker_id": CUSTOMER_ID,
            "generated_speaker_id": GENERATED_ID,
            "domain_id": DOMAIN_ID,
            "status": status,
            "created_at": "2025-03-01T09:30:00+00:00",
        }
        if self.last_accessed:
            result["last_accessed_at"] = "2025-09-01T13:00:00+00:00"
        if updated is not None:
            result["updated_at"] = updated
        return result

    def expect_describe(self, stub: Stubber, speaker_id: str, status: Optional[str]) -> None:
        """DescribeSpeaker of speaker_id answers the speaker in this status (None: no such speaker)."""
        params = {"DomainId": DOMAIN_ID, "SpeakerId": speaker_id}
        if status is None:
            stub.add_client_error(
                "describe_speaker",
                service_error_code="ResourceNotFoundException",
                service_message="The speaker was not found.",
                http_status_code=400,
                modeled_fields={"ResourceType": "SPEAKER"},
                expected_params=params,
            )
        else:
            stub.add_response("describe_speaker", {"Speaker": self.answer(status)}, params)

    def expect_opt_out(self, stub: Stubber, speaker_id: str) -> None:
        """OptOutSpeaker of speaker_id answers the speaker opted out at OPTED_OUT_AT."""
        stub.add_response(
            "opt_out_speaker",
            {"Speaker": self.answer("OPTED_OUT", updated=OPTED_OUT_AT)},
            {"DomainId": DOMAIN_ID, "SpeakerId": speaker_id},
        )


def bulk_args(*speaker_ids: str, **extra: Any) -> Dict[str, Any]:
    """The arguments of voiceid_speaker or voiceid_speaker_optout for these speaker_ids in DOMAIN_ID."""
    return dict({"domain_id": DOMAIN_ID, "speaker_ids": list(speaker_ids), "region": "eu-west-2"}, **extra)
