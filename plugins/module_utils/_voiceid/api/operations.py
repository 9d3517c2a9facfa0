# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The one table of the Voice ID operations the collection calls: the only place a per-operation fact lives.

The default request rates (ratelimit.py), the `request_rates` option specs (argspec.py), the check of the
user's rates, the page sizes and result keys of the list calls (pagination.py) all derive from it, and a unit
test holds every module's documentation to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict
from typing import Optional
from typing import Tuple


@dataclass(frozen=True)
class Operation:
    """One operation: `name` is boto3's (describe_speaker), `api_name` the service's (DescribeSpeaker)."""

    name: str
    # AWS's default request-rate quota (requests per second, per account and region).
    default_rate: float
    # For list operations: MaxResults sent with every page (the most the service returns) and the member of
    # the answer that holds the page's items (as in botocore's paginator model for voice-id).
    page_size: Optional[int] = None
    result_key: Optional[str] = None
    # Whether a rate of 0 (do not call it) is accepted, in the modules that can do without the operation.
    may_be_zero: bool = False
    # The member of a successful answer that the collection reads (the list of a list operation is its
    # result_key): an answer without it, or with it in another shape, is malformed (answers.py). None: the
    # collection reads nothing of the answer.
    answer_key: Optional[str] = None
    # For list operations: the most items one listing can hold, from the service's quotas; with the page size
    # it bounds the pages of a listing (pagination.py), so that a broken NextToken cannot page for ever.
    max_items: Optional[int] = None
    # A write: an attempt answered 5xx, timed out or cut off may have been carried out (errors.py
    # mark_lost_attempts); a read's lost answer changes nothing.
    writes: bool = False

    @property
    def carries(self) -> Optional[str]:
        """The member of the answer that answers.py checks: the list of a list operation, else answer_key."""
        return self.result_key or self.answer_key

    @property
    def api_name(self) -> str:
        return api_name(self.name)


def writes(operation: str) -> bool:
    """Whether operation (boto3's name) is a write."""
    entry = OPERATIONS.get(operation)
    return entry is not None and entry.writes


def api_name(operation: str) -> str:
    """describe_speaker -> DescribeSpeaker."""
    return "".join(part.title() for part in operation.split("_"))


# The most items a listing holds, from "Amazon Connect Voice ID service quotas" in the Amazon Connect
# administrator guide: 3 domains per account and region, at most 100,000 speakers and 500 fraudsters per domain.
# The same guide gives 3 watchlists per domain, the default watchlist included (voiceid_watchlist warns before a
# creation beyond it); the listing of watchlists keeps the fraudsters' bound, which is far above it.
# Quotas can be raised: the bound of the pages allows QUOTA_HEADROOM times these (pagination.py).
DOMAINS_PER_ACCOUNT = 3
SPEAKERS_PER_DOMAIN = 100_000
FRAUDSTERS_PER_DOMAIN = 500
WATCHLISTS_PER_DOMAIN = 3

# AWS publishes quotas for the speaker and domain operations: 10, 5 and 2 per second ("Voice ID quotas" in
# the Amazon Connect administrator guide; CreateDomain, UpdateDomain and DeleteDomain share the domain
# quota, 2), and 10 per second for DescribeFraudster and DeleteFraudster. Operations without a published
# quota (the tag and watchlist operations, AssociateFraudster, DisassociateFraudster) get the lowest documented
# Voice ID quota, 2 per second, until a user who knows better sets request_rates.
_TABLE: Tuple[Operation, ...] = (
    Operation("describe_speaker", 10.0, answer_key="Speaker"),
    Operation("opt_out_speaker", 10.0, answer_key="Speaker", writes=True),
    Operation("delete_speaker", 10.0, writes=True),
    # 0: read with DescribeSpeaker alone (voiceid_speaker and voiceid_speaker_optout).
    Operation(
        "list_speakers",
        5.0,
        page_size=100,
        result_key="SpeakerSummaries",
        may_be_zero=True,
        max_items=SPEAKERS_PER_DOMAIN,
    ),
    Operation("describe_domain", 2.0, answer_key="Domain"),
    Operation("list_domains", 2.0, page_size=10, result_key="DomainSummaries", max_items=DOMAINS_PER_ACCOUNT),
    Operation("create_domain", 2.0, answer_key="Domain", writes=True),
    Operation("update_domain", 2.0, answer_key="Domain", writes=True),
    Operation("delete_domain", 2.0, writes=True),
    Operation("tag_resource", 2.0, writes=True),
    Operation("untag_resource", 2.0, writes=True),
    Operation("list_tags_for_resource", 2.0, answer_key="Tags"),
    # The most ListWatchlists and ListFraudsters return per page (MaxResultsForList in the service model).
    Operation("list_watchlists", 2.0, page_size=100, result_key="WatchlistSummaries", max_items=FRAUDSTERS_PER_DOMAIN),
    Operation("list_fraudsters", 2.0, page_size=100, result_key="FraudsterSummaries", max_items=FRAUDSTERS_PER_DOMAIN),
    Operation("describe_watchlist", 2.0, answer_key="Watchlist"),
    Operation("create_watchlist", 2.0, answer_key="Watchlist", writes=True),
    Operation("update_watchlist", 2.0, answer_key="Watchlist", writes=True),
    Operation("delete_watchlist", 2.0, writes=True),
    Operation("describe_fraudster", 10.0, answer_key="Fraudster"),
    Operation("delete_fraudster", 10.0, writes=True),
    Operation("associate_fraudster", 2.0, answer_key="Fraudster", writes=True),
    Operation("disassociate_fraudster", 2.0, answer_key="Fraudster", writes=True),
)

OPERATIONS: Dict[str, Operation] = {operation.name: operation for operation in _TABLE}


def page_size(name: str) -> int:
    """MaxResults of the list operation `name`."""
    size = OPERATIONS[name].page_size
    if size is None:
        raise ValueError(f"{name} is not a list operation")
    return size
