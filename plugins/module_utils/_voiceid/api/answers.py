# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Every answer of the service checked before use, in one place: the member an operation's answer carries
(operations.py: answer_key, or the result_key of a list operation) must be there, in the shape the collection
reads. A 200 answer without it (a broken endpoint or proxy) is a MalformedResponse error naming the operation,
never an empty list, no tags or a KeyError. What the callers do with such an error is theirs: a read fails; a
write was carried out, and its caller confirms it by reading the resource again."""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import Optional
from typing import Tuple

from .errors import malformed
from .operations import OPERATIONS


def _has_str(*keys: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return isinstance(value, dict) and all(isinstance(value.get(key), str) for key in keys)

    return check


def _list_of(item: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return isinstance(value, list) and all(item(element) for element in value)

    return check


is_speaker = _has_str("Status")
is_domain = _has_str("DomainId")
is_watchlist = _has_str("WatchlistId", "Name")


def is_fraudster(value: Any) -> bool:
    """A fraudster with its id and the ids of its watchlists: the membership decisions read both."""
    return _has_str("GeneratedFraudsterId")(value) and _list_of(lambda item: isinstance(item, str))(
        value.get("WatchlistIds")
    )


# Each member an answer may carry: how to check it, and what it must be (for the message).
_MEMBERS: Dict[str, Tuple[Callable[[Any], bool], str]] = {
    "Speaker": (is_speaker, "a speaker with a status"),
    "SpeakerSummaries": (_list_of(is_speaker), "a list of speakers with a status"),
    "Domain": (is_domain, "a domain with its id"),
    "DomainSummaries": (_list_of(is_domain), "a list of domains with their ids"),
    "Tags": (_list_of(_has_str("Key", "Value")), "a list of tags with a key and a value"),
    "WatchlistSummaries": (_list_of(_has_str("WatchlistId")), "a list of watchlists with their ids"),
    "FraudsterSummaries": (_list_of(_has_str("GeneratedFraudsterId")), "a list of fraudsters with their ids"),
    "Watchlist": (is_watchlist, "a watchlist with its id and name"),
    "Fraudster": (is_fraudster, "a fraudster with its id and the ids of its watchlists"),
}


def check_answer(operation: str, answer: Any) -> Dict[str, Any]:
    """answer, once it carries what the table says operation answers; else raises a MalformedResponse error."""
    entry = OPERATIONS[operation]
    if not isinstance(answer, dict):
        raise malformed(entry.api_name, "not a JSON object")
    key = entry.carries
    if key is not None:
        check, shape = _MEMBERS[key]
        if key not in answer:
            raise malformed(entry.api_name, f"{key} is missing")
        if not check(answer[key]):
            raise malformed(entry.api_name, f"{key} is not {shape}")
    if entry.page_size is not None:
        token: Optional[Any] = answer.get("NextToken")
        if token is not None and not isinstance(token, str):
            raise malformed(entry.api_name, "NextToken is not a string")
    return answer


def answer_keys() -> Dict[str, str]:
    """operation -> the member its answer carries, for the tests that hold the table to botocore's model."""
    return {name: entry.carries for name, entry in OPERATIONS.items() if entry.carries is not None}
