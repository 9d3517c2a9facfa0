# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Domains with tags, watchlists and fraudsters as the API returns them, for the domain-side unit tests."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.tests.unit.samples import CREATED
from ansible_collections.speakerops.voiceid.tests.unit.samples import CREATED_ISO
from ansible_collections.speakerops.voiceid.tests.unit.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.samples import domain_id

OLD_KEY = "arn:aws:kms:eu-west-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"
NEW_KEY = "arn:aws:kms:eu-west-2:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab"


def arn(n: int) -> str:
    return f"arn:aws:voiceid:eu-west-2:111122223333:domain/{domain_id(n)}"


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


def warning_texts(result: Dict[str, Any]) -> List[str]:
    """The warnings of a module's result as text: a string each before ansible-core 2.19, a summary after."""
    texts = []
    for warning in result.get("warnings", []):
        texts.append(warning if isinstance(warning, str) else str(warning.get("event", {}).get("msg", warning)))
    return texts
