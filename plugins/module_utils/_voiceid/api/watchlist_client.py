# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The calls of the watchlist and fraudster modules: read, create, change and delete watchlists; read,
move and delete fraudsters. WatchlistClient extends DomainClient, whose watchlist and fraudster listings
these modules need too; all send through the same Transport, and every answer is checked (answers.py)."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional

from .domain_client import DomainClient
from .errors import FraudsterErrorHandler
from .errors import WatchlistErrorHandler
from .errors import deleted_unless_missing
from .errors import handles_errors
from .errors import none_if_missing

ApiWatchlist = Dict[str, Any]
ApiFraudster = Dict[str, Any]


class WatchlistClient(DomainClient):
    """DomainClient with the watchlist and fraudster calls."""

    retried_item = "request"

    @none_if_missing("describe watchlist", WatchlistErrorHandler)
    def describe_watchlist(self, domain_id: str, watchlist_id: str) -> Optional[ApiWatchlist]:
        """The watchlist, or None when the domain has no watchlist with this id."""
        watchlist: ApiWatchlist = self._ask("describe_watchlist", DomainId=domain_id, WatchlistId=watchlist_id)[
            "Watchlist"
        ]
        return watchlist

    @handles_errors("create watchlist")
    def create_watchlist(
        self, domain_id: str, name: str, client_token: str, description: Optional[str] = None
    ) -> ApiWatchlist:
        """The new watchlist. client_token makes retries of this one request create one watchlist only."""
        params: Dict[str, Any] = {"DomainId": domain_id, "Name": name, "ClientToken": client_token}
        if description:
            params["Description"] = description
        watchlist: ApiWatchlist = self._ask("create_watchlist", **params)["Watchlist"]
        return watchlist

    @handles_errors("update watchlist")
    def update_watchlist(
        self, domain_id: str, watchlist_id: str, name: Optional[str] = None, description: Optional[str] = None
    ) -> ApiWatchlist:
        """Sets what is given (None: left as it is)."""
        params: Dict[str, Any] = {"DomainId": domain_id, "WatchlistId": watchlist_id}
        if name is not None:
            params["Name"] = name
        if description is not None:
            params["Description"] = description
        watchlist: ApiWatchlist = self._ask("update_watchlist", **params)["Watchlist"]
        return watchlist

    @deleted_unless_missing("delete watchlist", WatchlistErrorHandler)
    def delete_watchlist(self, domain_id: str, watchlist_id: str) -> bool:
        """True once deleted; False when the watchlist did not exist (any more) before any attempt was sent."""
        self._ask("delete_watchlist", DomainId=domain_id, WatchlistId=watchlist_id)
        return True

    @none_if_missing("describe fraudster", FraudsterErrorHandler)
    def describe_fraudster(self, domain_id: str, fraudster_id: str) -> Optional[ApiFraudster]:
        """The fraudster, or None when the domain has no fraudster with this id."""
        fraudster: ApiFraudster = self._ask("describe_fraudster", DomainId=domain_id, FraudsterId=fraudster_id)[
            "Fraudster"
        ]
        return fraudster

    @deleted_unless_missing("delete fraudster", FraudsterErrorHandler)
    def delete_fraudster(self, domain_id: str, fraudster_id: str) -> bool:
        """True once deleted; False when the fraudster did not exist (any more) before any attempt was sent. A
        missing fraudster after an attempt that may have been carried out raises (deleted_by_lost_attempt)."""
        self._ask("delete_fraudster", DomainId=domain_id, FraudsterId=fraudster_id)
        return True

    @handles_errors("associate fraudster")
    def associate_fraudster(self, domain_id: str, fraudster_id: str, watchlist_id: str) -> ApiFraudster:
        fraudster: ApiFraudster = self._ask(
            "associate_fraudster", DomainId=domain_id, FraudsterId=fraudster_id, WatchlistId=watchlist_id
        )["Fraudster"]
        return fraudster

    @handles_errors("disassociate fraudster")
    def disassociate_fraudster(self, domain_id: str, fraudster_id: str, watchlist_id: str) -> ApiFraudster:
        fraudster: ApiFraudster = self._ask(
            "disassociate_fraudster", DomainId=domain_id, FraudsterId=fraudster_id, WatchlistId=watchlist_id
        )["Fraudster"]
        return fraudster
