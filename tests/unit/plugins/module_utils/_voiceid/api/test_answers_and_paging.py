# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every answer is checked, in one place, for what the operations table says it carries; a listing whose
NextToken repeats, or whose pages go on past what the service's quotas allow, fails naming the operation."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import botocore.exceptions
import botocore.session
import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.answers import answer_keys
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.answers import check_answer
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.domain_client import DomainClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.operations import OPERATIONS
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.operations import api_name
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.pagination import all_items
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.pagination import max_pages
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_fraudster
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_watchlist

_MODEL = botocore.session.get_session().get_service_model("voice-id")
CARRIED = sorted(answer_keys().items())


@pytest.mark.parametrize("operation, member", CARRIED, ids=[name for name, _key in CARRIED])
def test_the_member_checked_is_in_the_services_output_shape(operation: str, member: str) -> None:
    assert member in _MODEL.operation_model(api_name(operation)).output_shape.members


def test_every_operation_that_answers_something_is_checked() -> None:
    """An operation whose output the collection reads, and that the table does not check, would be read unchecked."""
    unchecked = [
        name
        for name in OPERATIONS
        if name not in answer_keys()
        and name
        not in (
            "delete_speaker",
            "delete_domain",
            "delete_watchlist",
            "delete_fraudster",
            "tag_resource",
            "untag_resource",
        )
    ]
    assert unchecked == []


@pytest.mark.parametrize("operation, member", CARRIED, ids=[name for name, _key in CARRIED])
@pytest.mark.parametrize("missing", [True, False], ids=["missing", "wrong-shape"])
def test_an_answer_without_its_member_fails_naming_the_operation(operation: str, member: str, missing: bool) -> None:
    body: Dict[str, Any] = {} if missing else {member: "not what the model says"}
    with pytest.raises(VoiceIDError) as error:
        check_answer(operation, body)
    assert error.value.api_error.code == "MalformedResponse"
    assert api_name(operation) in str(error.value)
    assert member in str(error.value)


@pytest.mark.parametrize("operation", [name for name, entry in OPERATIONS.items() if entry.page_size])
def test_a_token_that_is_not_text_fails(operation: str) -> None:
    body = {OPERATIONS[operation].result_key: [], "NextToken": 7}
    with pytest.raises(VoiceIDError, match="NextToken is not a string"):
        check_answer(operation, body)


# --- paging ---------------------------------------------------------------------------------------------------


def fake_with_lists(items: int) -> FakeVoiceID:
    fake = FakeVoiceID(DOMAIN_ID, {f"customer-{n}": "ENROLLED" for n in range(items)}, page_size_cap=1)
    fake.watchlists = [api_watchlist(n, DOMAIN_ID) for n in range(items)]
    fake.fraudsters = [api_fraudster(n, DOMAIN_ID, [n]) for n in range(items)]
    return fake


LISTINGS = [
    ("ListSpeakers", lambda client: client.list_speakers(DOMAIN_ID)),
    ("ListWatchlists", lambda client: client.list_watchlists(DOMAIN_ID)),
    ("ListFraudsters", lambda client: client.list_fraudsters(DOMAIN_ID)),
]


@pytest.mark.parametrize("operation, listing", LISTINGS, ids=[name for name, _listing in LISTINGS])
def test_a_repeated_next_token_fails_at_the_second_page(operation: str, listing: Any) -> None:
    fake = fake_with_lists(5)
    fake.repeat_token.add(operation)
    client = DomainClient(fake, RetryPolicy(sleep=[].append))

    with pytest.raises(VoiceIDError) as error:
        list(listing(client))

    assert error.value.api_error.code == "MalformedResponse"
    assert f"the answer to {operation}" in str(error.value)
    assert "repeats the NextToken of an earlier page" in str(error.value)
    assert len(fake.calls_to(operation)) == 2


@pytest.mark.parametrize("operation, listing", LISTINGS, ids=[name for name, _listing in LISTINGS])
def test_a_listing_that_ends_reads_every_page(operation: str, listing: Any) -> None:
    fake = fake_with_lists(5)
    client = DomainClient(fake, RetryPolicy(sleep=[].append))

    assert len(list(listing(client))) == 5
    assert len(fake.calls_to(operation)) == 5


@pytest.mark.parametrize("operation, listing", LISTINGS, ids=[name for name, _listing in LISTINGS])
def test_a_page_without_its_list_fails_instead_of_ending_the_listing(operation: str, listing: Any) -> None:
    fake = fake_with_lists(5)
    fake.omit[operation] = [OPERATIONS[_name(operation)].result_key or ""]
    client = DomainClient(fake, RetryPolicy(sleep=[].append))

    with pytest.raises(VoiceIDError) as error:
        list(listing(client))

    assert error.value.api_error.code == "MalformedResponse"
    assert f"the answer to {operation}" in str(error.value)
    assert "is missing" in str(error.value)


def _name(operation: str) -> str:
    return next(name for name in OPERATIONS if api_name(name) == operation)


def test_the_bound_of_pages_follows_the_quotas_and_the_page_size() -> None:
    # 3 domains per account, 100,000 speakers and 500 fraudsters per domain (AWS's quotas), ten times that for a
    # raised quota, over the page size, and one page more.
    assert max_pages("list_domains") == 4
    assert max_pages("list_speakers") == 10_001
    assert max_pages("list_speakers", 50) == 20_001
    assert max_pages("list_fraudsters") == max_pages("list_watchlists") == 51


def test_pages_past_the_bound_fail_naming_the_operation() -> None:
    """A token that changes every time but never ends the listing."""
    requests: List[Optional[str]] = []

    def endless(token: Optional[str]) -> Dict[str, Any]:
        requests.append(token)
        assert len(requests) < 100, "the listing was not stopped"
        return {"DomainSummaries": [], "NextToken": f"token-{len(requests)}"}

    with pytest.raises(VoiceIDError) as error:
        list(all_items("list_domains", endless))

    assert "the answer to ListDomains" in str(error.value)
    assert "its pages go on past 4" in str(error.value)
    assert len(requests) == 4


# --- the unreachable endpoint's message -----------------------------------------------------------------------


class Unreachable:
    meta = None

    def __getattr__(self, operation: str) -> Any:
        def call(**_params: Any) -> Dict[str, Any]:
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

        return call


@pytest.mark.parametrize("client_class, item", [(DomainClient, "request"), (VoiceIDClient, "speaker")])
def test_the_breaker_names_what_it_did_not_retry(client_class: Any, item: str) -> None:
    client = client_class(Unreachable(), RetryPolicy(sleep=[].append))

    with pytest.raises(VoiceIDError) as error:
        list(client.list_domains())

    assert str(error.value).endswith(f"stopped instead of retrying every {item}")
