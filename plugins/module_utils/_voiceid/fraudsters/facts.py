# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""A fraudster's facts as the modules return them (voiceid_fraudster, voiceid_fraudster_info)."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from ..api.domain_client import DomainClient
from ..api.shapes import snake_keys
from ..api.watchlist_client import WatchlistClient

_FRAUDSTER_KEYS: Tuple[Tuple[str, str], ...] = (
    ("GeneratedFraudsterId", "generated_fraudster_id"),
    ("WatchlistIds", "watchlist_ids"),
    ("DomainId", "domain_id"),
    ("CreatedAt", "created_at"),
)


def fraudster_facts(api: Mapping[str, Any]) -> Dict[str, Any]:
    facts = snake_keys(api, _FRAUDSTER_KEYS)
    if "watchlist_ids" in facts:
        facts["watchlist_ids"] = list(facts["watchlist_ids"])
    return facts


def find_fraudsters(client: DomainClient, domain_id: str, watchlist_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every fraudster of the domain, or of one of its watchlists (ListFraudsters, all pages)."""
    return [fraudster_facts(fraudster) for fraudster in client.list_fraudsters(domain_id, watchlist_id)]


def look_up_fraudster(client: WatchlistClient, domain_id: str, fraudster_id: str) -> List[Dict[str, Any]]:
    """The fraudster with this id (DescribeFraudster) in a list of one; an empty list when the domain has no
    fraudster with this id."""
    fraudster = client.describe_fraudster(domain_id, fraudster_id)
    return [] if fraudster is None else [fraudster_facts(fraudster)]
