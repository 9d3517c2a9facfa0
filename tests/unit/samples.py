# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Voice ID domains and speakers as the API returns them, the facts the modules make of them, and the
Stubber expectations of the paginated list calls."""

from __future__ import annotations

import datetime
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence

from botocore.stub import Stubber

CREATED = datetime.datetime(2024, 11, 5, 10, 0, tzinfo=datetime.timezone.utc)
UPDATED = datetime.datetime(2025, 2, 1, 8, 15, tzinfo=datetime.timezone.utc)
CREATED_ISO = "2024-11-05T10:00:00+00:00"
UPDATED_ISO = "2025-02-01T08:15:00+00:00"
KMS_KEY = "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def domain_id(n: int) -> str:
    """A valid domain id, different for every n."""
    return f"Domain{n:016d}"


def api_domain(n: int, name: Optional[str] = None, status: str = "ACTIVE") -> Dict[str, Any]:
    return {
        "DomainId": domain_id(n),
        "Name": name or f"domain-{n}",
        "DomainStatus": status,
        "Arn": f"arn:aws:voiceid:eu-west-2:111122223333:domain/{domain_id(n)}",
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
        "arn": f"arn:aws:voiceid:eu-west-2:111122223333:domain/{domain_id(n)}",
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


def record_api_calls(stub: Stubber) -> List[str]:
    """The names of the operations the stubbed client is asked for from now on, stubbed or not (an unstubbed
    call raises a botocore error that a module would turn into an ordinary failure)."""
    calls: List[str] = []

    def record(model: Any, **_kwargs: Any) -> None:
        calls.append(model.name)

    stub.client.meta.events.register("before-parameter-build.voice-id", record)
    return calls
