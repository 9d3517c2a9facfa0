# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""A watchlist's facts as the modules return them (voiceid_watchlist, voiceid_watchlist_info)."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Tuple

from ..api.domain_client import DomainClient
from ..api.shapes import snake_keys
from ..api.watchlist_client import WatchlistClient

_WATCHLIST_KEYS: Tuple[Tuple[str, str], ...] = (
    ("WatchlistId", "watchlist_id"),
    ("Name", "name"),
    ("Description", "description"),
    ("DefaultWatchlist", "default_watchlist"),
    ("DomainId", "domain_id"),
    ("CreatedAt", "created_at"),
    ("UpdatedAt", "updated_at"),
)


def watchlist_facts(api: Mapping[str, Any]) -> Dict[str, Any]:
    return snake_keys(api, _WATCHLIST_KEYS)


def find_watchlists(client: DomainClient, domain_id: str) -> List[Dict[str, Any]]:
    """Every watchlist of the domain (ListWatchlists, all pages)."""
    return [watchlist_facts(watchlist) for watchlist in client.list_watchlists(domain_id)]


def look_up_watchlist(client: WatchlistClient, domain_id: str, watchlist_id: str) -> List[Dict[str, Any]]:
    """The watchlist with this id (DescribeWatchlist) in a list of one; an empty list when the domain has no
    watchlist with this id."""
    watchlist = client.describe_watchlist(domain_id, watchlist_id)
    return [] if watchlist is None else [watchlist_facts(watchlist)]
