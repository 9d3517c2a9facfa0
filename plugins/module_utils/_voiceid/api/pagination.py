# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Paging, once for every list call: the request of one page and the walk through all pages.

The token and limit members come from botocore's paginator model for voice-id; the page size and the result
key from the operations table (a unit test holds the table's result keys to botocore's model). Each page is one
request of the client (Transport._call: rate limiter and retries per page), not botocore's paginator, which
would send the pages past them.
"""

from __future__ import annotations

import functools
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import Optional

try:
    import botocore.session
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore; these helpers are not reached without it.

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


def all_items(operation: str, read_page: Callable[[Optional[str]], Page]) -> Iterator[Dict[str, Any]]:
    """Every item of the list operation, reading one page at a time with read_page(next_token)."""
    output_token = paginator_model(operation)["output_token"]
    result_key = OPERATIONS[operation].result_key
    token: Optional[str] = None
    while True:
        page = read_page(token)
        yield from page.get(result_key, [])  # type: ignore[arg-type]
        token = page.get(output_token)
        if not token:
            return
