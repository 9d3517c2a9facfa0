# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Paging, once for every list call: the request of one page and the walk through all pages.

The token and limit members come from botocore's paginator model for voice-id; the page size and the result
key from the operations table (a unit test holds the table's result keys to botocore's model). Each page is one
request of the client (Transport._call: rate limiter and retries per page), not botocore's paginator, which
would send the pages past them.

A listing never ends as if it were complete on a broken page: PageGuard fails it, naming the operation, at a
NextToken seen before in the listing (a token that never advances would page for ever) and at more pages than
the service's quotas allow (operations.py's max_items with limits.py's QUOTA_HEADROOM, over the page size).
"""

from __future__ import annotations

import functools
import math
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import Optional
from typing import Set

try:
    import botocore.session
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore; these helpers are not reached without it.

from .errors import malformed
from .limits import QUOTA_HEADROOM
from .operations import OPERATIONS
from .operations import api_name
from .operations import page_size

Page = Dict[str, Any]


@functools.lru_cache(maxsize=None)
def paginator_model(operation: str) -> Dict[str, Any]:
    """botocore's paginator configuration of the list operation (input_token, output_token, limit_key, result_key)."""
    model = botocore.session.get_session().get_paginator_model("voice-id")
    return dict(model.get_paginator(api_name(operation)))


def page_request(
    operation: str, next_token: Optional[str], size: Optional[int] = None, **params: Any
) -> Dict[str, Any]:
    """The parameters of one page: params (those that are None left out), the page size, the token if any."""
    paging = paginator_model(operation)
    request = {name: value for name, value in params.items() if value is not None}
    request[paging["limit_key"]] = page_size(operation) if size is None else size
    if next_token:
        request[paging["input_token"]] = next_token
    return request


def max_pages(operation: str, size: Optional[int] = None) -> int:
    """The most pages one listing of operation can take at this page size: as many as QUOTA_HEADROOM times the
    service's quota of items fills, and one more (the page after a full last one may be empty)."""
    entry = OPERATIONS[operation]
    if entry.max_items is None:
        raise ValueError(f"{operation} has no bound of items")
    return math.ceil(entry.max_items * QUOTA_HEADROOM / (page_size(operation) if size is None else size)) + 1


class PageGuard:
    """The tokens of one listing: next_token(page) is the token of the next page, None at the end. Raises a
    MalformedResponse error at a NextToken the listing has seen before, or past max_pages."""

    def __init__(self, operation: str, size: Optional[int] = None) -> None:
        self.operation = operation
        self.limit = max_pages(operation, size)
        self.pages = 0
        self._output_token = paginator_model(operation)["output_token"]
        self._seen: Set[str] = set()

    def next_token(self, page: Page) -> Optional[str]:
        self.pages += 1
        token = page.get(self._output_token)
        if not token:
            return None
        if token in self._seen:
            raise malformed(
                api_name(self.operation),
                f"page {self.pages} repeats the NextToken of an earlier page, so the listing would never end;"
                " the listing was stopped instead of returning part of it",
            )
        if self.pages >= self.limit:
            raise malformed(
                api_name(self.operation),
                f"its pages go on past {self.limit}, more than the service's quotas allow for one listing;"
                " the listing was stopped instead of returning part of it",
            )
        self._seen.add(str(token))
        return str(token)


def all_items(
    operation: str, read_page: Callable[[Optional[str]], Page], size: Optional[int] = None
) -> Iterator[Dict[str, Any]]:
    """Every item of the list operation, reading one page at a time with read_page(next_token); each page is
    checked (answers.py) by the client before it gets here, each token by a PageGuard."""
    result_key = OPERATIONS[operation].result_key
    guard = PageGuard(operation, size)
    token: Optional[str] = None
    while True:
        page = read_page(token)
        yield from page[result_key]  # type: ignore[index]
        token = guard.next_token(page)
        if token is None:
            return
