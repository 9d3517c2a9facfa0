# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
from typing import Any
from typing import Dict
from typing import List

import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import DomainNameError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import domain_facts
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import resolve_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import record_api_calls
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_domains


@pytest.fixture
def client(voiceid: Stubber) -> VoiceIDClient:
    return VoiceIDClient(voiceid.client, retry=RetryPolicy(max_attempts=1))


def test_domain_facts_snake_case_nested_structures_and_utc_times() -> None:
    plus_one = datetime.timezone(datetime.timedelta(hours=1))
    api = {
        "DomainId": domain_id(1),
        "Name": "contact-center",
        "DomainStatus": "ACTIVE",
        "Arn": "arn:aws:voiceid:eu-west-2:111122223333:domain/" + domain_id(1),
        "Description": "support line",
        "CreatedAt": datetime.datetime(2025, 1, 2, 4, 0, tzinfo=plus_one),
        "UpdatedAt": datetime.datetime(2025, 1, 3, 4, 5, 6),
        "ServerSideEncryptionConfiguration": {"KmsKeyId": "new-key"},
        "ServerSideEncryptionUpdateDetails": {"OldKmsKeyId": "old-key", "UpdateStatus": "IN_PROGRESS"},
        "WatchlistDetails": {"DefaultWatchlistId": "W" * 22},
    }
    assert domain_facts(api) == {
        "domain_id": domain_id(1),
        "name": "contact-center",
        "domain_status": "ACTIVE",
        "arn": "arn:aws:voiceid:eu-west-2:111122223333:domain/" + domain_id(1),
        "description": "support line",
        "created_at": "2025-01-02T03:00:00+00:00",
        "updated_at": "2025-01-03T04:05:06+00:00",
        "server_side_encryption_configuration": {"kms_key_id": "new-key"},
        "server_side_encryption_update_details": {"old_kms_key_id": "old-key", "update_status": "IN_PROGRESS"},
        "watchlist_details": {"default_watchlist_id": "W" * 22},
    }


def test_domain_facts_leave_absent_fields_absent() -> None:
    assert domain_facts({"DomainId": domain_id(1), "Name": "n"}) == {"domain_id": domain_id(1), "name": "n"}


def test_a_domain_id_is_returned_as_is_without_a_call(voiceid: Stubber, client: VoiceIDClient) -> None:
    calls = record_api_calls(voiceid)

    assert resolve_domain_id(client, domain_id=domain_id(5)) == domain_id(5)
    assert resolve_domain_id(client, domain_id=domain_id(5), domain_name="ignored") == domain_id(5)
    assert calls == []


@pytest.mark.parametrize(
    "pages, expected",
    [
        pytest.param([[api_domain(1, name="cc")]], domain_id(1), id="only-domain"),
        pytest.param([[api_domain(1), api_domain(2)], [api_domain(3, name="cc")]], domain_id(3), id="last-page"),
        pytest.param(
            [[api_domain(1, name="cc"), api_domain(2, name="cc-2")], [api_domain(3)]], domain_id(1), id="prefix"
        ),
    ],
)
def test_a_domain_name_resolves_to_its_one_domain(
    voiceid: Stubber, client: VoiceIDClient, pages: List[List[Dict[str, Any]]], expected: str
) -> None:
    expect_list_domains(voiceid, pages)

    assert resolve_domain_id(client, domain_name="cc") == expected


@pytest.mark.parametrize(
    "pages, message",
    [
        pytest.param(
            [[]],
            "domain_name 'cc' matches no Voice ID domain in region eu-west-2 of this account (0 domains listed)",
            id="no-domains",
        ),
        pytest.param(
            [[api_domain(1, name="CC")], [api_domain(2, name="cc-x")]],
            "domain_name 'cc' matches no Voice ID domain in account 111122223333, region eu-west-2 (2 domains listed)",
            id="no-exact-match",
        ),
        pytest.param(
            [[api_domain(1, name="cc"), api_domain(2)], [api_domain(3, name="cc")]],
            f"domain_name 'cc' matches 2 domains (ids {domain_id(1)}, {domain_id(3)}); use domain_id",
            id="two-matches",
        ),
        pytest.param(
            [[api_domain(1, name="cc"), api_domain(2, name="cc"), api_domain(3, name="cc")]],
            f"domain_name 'cc' matches 3 domains (ids {domain_id(1)}, {domain_id(2)}, {domain_id(3)}); use domain_id",
            id="three-matches",
        ),
    ],
)
def test_a_domain_name_matching_none_or_several_domains_is_an_error(
    voiceid: Stubber, client: VoiceIDClient, pages: List[List[Dict[str, Any]]], message: str
) -> None:
    expect_list_domains(voiceid, pages)

    with pytest.raises(DomainNameError) as raised:
        resolve_domain_id(client, domain_name="cc")

    assert str(raised.value) == message
    # VoiceIDModule.failing_on_errors turns InvalidParameterError into a failure with this message.
    assert isinstance(raised.value, InvalidParameterError)
    assert isinstance(raised.value, ValueError)


def test_a_failing_list_domains_is_a_voiceid_error(voiceid: Stubber, client: VoiceIDClient) -> None:
    voiceid.add_client_error("list_domains", "AccessDeniedException", "no", http_status_code=403)

    with pytest.raises(VoiceIDError) as raised:
        resolve_domain_id(client, domain_name="cc")

    assert str(raised.value) == "Failed to list domains: AccessDeniedException: no"


def test_neither_id_nor_name_is_an_invalid_parameter(voiceid: Stubber, client: VoiceIDClient) -> None:
    calls = record_api_calls(voiceid)

    with pytest.raises(InvalidParameterError, match=r"^one of domain_id and domain_name is required$"):
        resolve_domain_id(client, domain_id=None, domain_name=None)

    assert calls == []
