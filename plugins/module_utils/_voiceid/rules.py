# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The input rules of the Voice ID service (ids, names, a domain's description and tags), checked before any
API call.

The rules are those of botocore's voice-id service model (2021-09-27). botocore itself only checks
minimum lengths, so without these checks a malformed value would reach the service and come back as
a ValidationException after a round trip, or, in a list, fail one speaker after another.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional

DOMAIN_ID_RULE = "exactly 22 letters or digits (pattern ^[a-zA-Z0-9]{22}$)"
WATCHLIST_ID_RULE = DOMAIN_ID_RULE  # the same pattern in the service model
SPEAKER_ID_RULE = (
    "either a customer speaker id of 1 to 256 characters that starts with a letter or digit and"
    " continues with letters, digits, '_' or '-' (pattern ^[a-zA-Z0-9][a-zA-Z0-9_-]*$), or a"
    " generated speaker id: 'id#' followed by exactly 22 letters or digits"
)
DOMAIN_NAME_RULE = (
    "1 to 256 characters that start with a letter or digit and continue with letters, digits,"
    " '_' or '-' (pattern ^[a-zA-Z0-9][a-zA-Z0-9_-]*$)"
)

# A watchlist's name: botocore's WatchlistName has DomainName's length and pattern (both marked sensitive).
WATCHLIST_NAME_RULE = DOMAIN_NAME_RULE

MAX_ID_LENGTH = 256

_DOMAIN_ID = re.compile(r"[a-zA-Z0-9]{22}")
_GENERATED_SPEAKER_ID = re.compile(r"id#[a-zA-Z0-9]{22}")
_CUSTOMER_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]*")


class InvalidParameterError(ValueError):
    """A module option breaks one of the service's rules; raised before any API call."""


def is_generated_speaker_id(value: str) -> bool:
    """True when value has the form of a service-generated speaker id (id# + 22 alphanumerics)."""
    return _GENERATED_SPEAKER_ID.fullmatch(value) is not None


def is_valid_speaker_id(value: object) -> bool:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
        return False
    return is_generated_speaker_id(value) or _CUSTOMER_ID.fullmatch(value) is not None


def is_valid_domain_id(value: object) -> bool:
    return isinstance(value, str) and _DOMAIN_ID.fullmatch(value) is not None


def is_valid_domain_name(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= MAX_ID_LENGTH and _CUSTOMER_ID.fullmatch(value) is not None


def _describe_length(value: str) -> str:
    return "is empty" if not value else f"has {len(value)} characters"


def check_domain_id(option: str, value: str) -> None:
    """Raise InvalidParameterError naming the option and the rule unless value is a domain id."""
    if not is_valid_domain_id(value):
        raise InvalidParameterError(f"{option} must be {DOMAIN_ID_RULE}; the value given {_describe_length(value)}.")


def check_watchlist_id(option: str, value: str) -> None:
    """Raise InvalidParameterError naming the option and the rule unless value is a watchlist id."""
    if _DOMAIN_ID.fullmatch(value) is None:
        raise InvalidParameterError(f"{option} must be {WATCHLIST_ID_RULE}; the value given {_describe_length(value)}.")


def check_domain_name(option: str, value: str) -> None:
    if not is_valid_domain_name(value):
        raise InvalidParameterError(f"{option} must be {DOMAIN_NAME_RULE}; the value given {_describe_length(value)}.")


def check_watchlist_name(option: str, value: str) -> None:
    """Raise InvalidParameterError naming the option and the rule unless value is a watchlist name; the message
    never repeats the value (the service marks watchlist names sensitive)."""
    if not is_valid_domain_name(value):
        raise InvalidParameterError(
            f"{option} must be {WATCHLIST_NAME_RULE}; the value given {_describe_length(value)}."
        )


def check_domain_options(domain_id: Optional[str], domain_name: Optional[str]) -> None:
    """Check the options `domain_id` and `domain_name` of a module, those that are set."""
    if domain_id is not None:
        check_domain_id("domain_id", domain_id)
    if domain_name is not None:
        check_domain_name("domain_name", domain_name)


def speaker_id_problem(value: str) -> Optional[str]:
    """Why value is not a speaker id, in words that do not repeat the (personal) value; None if it is one."""
    if is_valid_speaker_id(value):
        return None
    if not value:
        return "is empty"
    if len(value) > MAX_ID_LENGTH:
        return f"has {len(value)} characters, more than {MAX_ID_LENGTH}"
    if value.startswith("id#"):
        return "starts with 'id#' but is not followed by exactly 22 letters or digits"
    return "contains a character outside the allowed set or does not start with a letter or digit"


def check_speaker_id(option: str, value: str) -> None:
    """Raise InvalidParameterError naming the option and the rule unless value is a speaker id.

    The message describes what is wrong without repeating the value: speaker ids are personal data.
    """
    problem = speaker_id_problem(value)
    if problem is not None:
        raise InvalidParameterError(f"{option} must be {SPEAKER_ID_RULE}; the value given {problem}.")


# How many invalid positions a message names at most: the count says the rest.
MOST_NAMED = 20


@dataclass(frozen=True)
class InvalidSpeakerId:
    """One invalid id of a list: its position, its value (personal data: for structured results only, never
    for a message) and the rule it breaks, in words that do not repeat the value."""

    index: int
    value: object
    problem: str

    def position(self, option: str) -> str:
        return f"{option}[{self.index}]"

    def as_result(self) -> Dict[str, object]:
        """The entry of the result key `invalid`."""
        return {"index": self.index, "speaker_id": self.value, "rule": self.problem}


def invalid_speaker_ids(values: List[str]) -> List[InvalidSpeakerId]:
    """The ids of the list that are not speaker ids, in list order."""
    invalid: List[InvalidSpeakerId] = []
    for index, value in enumerate(values):
        problem = "is not a string" if not isinstance(value, str) else speaker_id_problem(value)
        if problem is not None:
            invalid.append(InvalidSpeakerId(index, value, problem))
    return invalid


def describe_invalid(option: str, invalid: List[InvalidSpeakerId]) -> str:
    """How many ids of the list are invalid and, for the first MOST_NAMED, where and why: positions and rules,
    never the values (speaker ids are personal data; the values are in the result key `invalid`)."""
    named = "; ".join(f"{item.position(option)} {item.problem}" for item in invalid[:MOST_NAMED])
    more = f"; and {len(invalid) - MOST_NAMED} more" if len(invalid) > MOST_NAMED else ""
    how_many = "1 of them does not" if len(invalid) == 1 else f"{len(invalid)} of them do not"
    return f"{option} must each be {SPEAKER_ID_RULE}; {how_many}: {named}{more} (see invalid)."


class InvalidSpeakerIdsError(InvalidParameterError):
    """Ids of a list break the service's rules; `invalid` holds them for the result, the message only positions."""

    def __init__(self, option: str, invalid: List[InvalidSpeakerId]) -> None:
        super().__init__(describe_invalid(option, invalid))
        self.invalid = invalid


def check_speaker_ids(option: str, values: List[str]) -> None:
    """Raise one InvalidSpeakerIdsError naming the invalid ids of the list by position (the first MOST_NAMED of
    them) and the rule each breaks, without their values."""
    invalid = invalid_speaker_ids(values)
    if invalid:
        raise InvalidSpeakerIdsError(option, invalid)


def check_speaker_options(
    speaker_id: Optional[str], speaker_ids: Optional[List[str]], skip_invalid: bool = False
) -> List[InvalidSpeakerId]:
    """Check the options `speaker_id` and `speaker_ids` of a module: exactly one set (null counts as unset,
    which the argument spec lets through), and valid. skip_invalid (on_invalid: skip): the invalid ids of
    speaker_ids are returned, to be left out, instead of raised; an invalid speaker_id is always an error."""
    if speaker_id is None and speaker_ids is None:
        raise InvalidParameterError("one of speaker_id and speaker_ids is required (a null value does not count)")
    if speaker_id is not None:
        check_speaker_id("speaker_id", speaker_id)
    elif speaker_ids is not None:
        if skip_invalid:
            return invalid_speaker_ids(speaker_ids)
        check_speaker_ids("speaker_ids", speaker_ids)
    return []


# A domain's description and tags (botocore's Description, TagKey and TagValue shapes).
MAX_TAGS = 200
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
TAG_RULE = (
    "letters, digits, spaces and _ . : / = + - @ (pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$), keys 1 to 128"
    " characters, values at most 256"
)
RESERVED_PREFIX = "aws:"
_PUNCTUATION = frozenset("_.:/=+-@")


def _allowed(text: str, punctuation: frozenset[str] = _PUNCTUATION) -> bool:
    """True when text matches the model's ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$ (with other punctuation if given)."""
    return all(char in punctuation or unicodedata.category(char)[0] in "LZN" for char in text)


DESCRIPTION_RULE = (
    "1 to 1024 letters, digits, spaces and _ . : / = + - % @ (pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-%@]*)$)"
)
MAX_DESCRIPTION_LENGTH = 1024


def check_description(option: str, value: str) -> None:
    """Raise InvalidParameterError unless value is a domain description (empty: none, allowed)."""
    if len(value) > MAX_DESCRIPTION_LENGTH:
        raise InvalidParameterError(f"{option} must be {DESCRIPTION_RULE}; it has {len(value)} characters.")
    if not _allowed(value, _PUNCTUATION | {"%"}):
        raise InvalidParameterError(f"{option} must be {DESCRIPTION_RULE}; it has a character outside that set.")


def check_watchlist_description(option: str, value: str) -> None:
    """Raise InvalidParameterError unless value is a watchlist description (botocore's WatchlistDescription, the
    domain's Description rule). Unlike a domain's, it cannot be empty: UpdateWatchlist has no way to remove a
    description."""
    if not value:
        raise InvalidParameterError(
            f"{option} must be {DESCRIPTION_RULE}; it is empty, and Voice ID cannot remove a watchlist's"
            " description (leave the option out to keep the current one)."
        )
    check_description(option, value)


def check_tags(option: str, tags: Mapping[str, str]) -> None:
    """Raise one InvalidParameterError listing every way tags (keys and values as text) break the service's
    rules. Values are never repeated in the message (the service marks them sensitive); keys are named so that
    they can be found."""
    problems: List[str] = []
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags, more than {MAX_TAGS}")
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            problems.append(f"a key of {len(key)} characters")
        elif not _allowed(key):
            problems.append(f"the key {key!r} has a character outside the allowed set")
        elif key.startswith(RESERVED_PREFIX):
            problems.append(f"the key {key!r} starts with '{RESERVED_PREFIX}', which AWS reserves for itself")
        if len(value) > MAX_VALUE_LENGTH:
            problems.append(f"the value of {key!r} has {len(value)} characters")
        elif not _allowed(value):
            problems.append(f"the value of {key!r} has a character outside the allowed set")
    if problems:
        raise InvalidParameterError(f"{option} must have {TAG_RULE}; {'; '.join(problems)}.")
