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
from typing import Callable
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
    check_id(SPEAKER_IDS, option, value)


# How many invalid positions a message names at most: the count says the rest.
MOST_NAMED = 20


@dataclass(frozen=True)
class InvalidId:
    """One invalid id of a list: its position, its value (personal data: for structured results only, never
    for a message), the rule it breaks, in words that do not repeat the value, and the result key of the value
    (speaker_id, fraudster_id)."""

    index: int
    value: object
    problem: str
    key: str = "speaker_id"

    def position(self, option: str) -> str:
        return f"{option}[{self.index}]"

    def as_result(self) -> Dict[str, object]:
        """The entry of the result key `invalid`."""
        return {"index": self.index, self.key: self.value, "rule": self.problem}


InvalidSpeakerId = InvalidId


@dataclass(frozen=True)
class IdKind:
    """A kind of id a module takes one of (`<key>`) or many of (`<key>s`): how to tell what is wrong with one
    (None: nothing), and the rule as messages state it."""

    key: str
    problem: Callable[[str], Optional[str]]
    rule: str


def check_id(kind: IdKind, option: str, value: str) -> None:
    """Raise InvalidParameterError naming the option and the kind's rule unless value is an id of the kind; the
    message says what is wrong without repeating the value (ids are personal data)."""
    problem = kind.problem(value)
    if problem is not None:
        raise InvalidParameterError(f"{option} must be {kind.rule}; the value given {problem}.")


def skipped_warning(kind: IdKind, skipped: List[InvalidId]) -> str:
    """The warning of on_invalid: skip, by positions in `<key>s` (the values are in the result key `invalid`)."""
    shown = ", ".join(item.position(kind.key + "s") for item in skipped[:MOST_NAMED])
    more = f" and {len(skipped) - MOST_NAMED} more" if len(skipped) > MOST_NAMED else ""
    noun = kind.key.replace("_", " ") + "s"
    return f"{len(skipped)} invalid {noun} were skipped ({shown}{more}; see invalid for the rules they break)"


def invalid_ids(values: List[str], kind: IdKind) -> List[InvalidId]:
    """The ids of the list that are not ids of this kind, in list order."""
    invalid: List[InvalidId] = []
    for index, value in enumerate(values):
        problem = "is not a string" if not isinstance(value, str) else kind.problem(value)
        if problem is not None:
            invalid.append(InvalidId(index, value, problem, kind.key))
    return invalid


def describe_invalid(option: str, invalid: List[InvalidId], rule: str) -> str:
    """How many ids of the list are invalid and, for the first MOST_NAMED, where and why: positions and rules,
    never the values (ids are personal data; the values are in the result key `invalid`)."""
    named = "; ".join(f"{item.position(option)} {item.problem}" for item in invalid[:MOST_NAMED])
    more = f"; and {len(invalid) - MOST_NAMED} more" if len(invalid) > MOST_NAMED else ""
    how_many = "1 of them does not" if len(invalid) == 1 else f"{len(invalid)} of them do not"
    return f"{option} must each be {rule}; {how_many}: {named}{more} (see invalid)."


class InvalidIdsError(InvalidParameterError):
    """Ids of a list break the service's rules; `invalid` holds them for the result, the message only positions."""

    def __init__(self, option: str, invalid: List[InvalidId], rule: str = SPEAKER_ID_RULE) -> None:
        super().__init__(describe_invalid(option, invalid, rule))
        self.invalid = invalid


InvalidSpeakerIdsError = InvalidIdsError


def check_id_options(
    kind: IdKind, one: Optional[str], many: Optional[List[str]], skip_invalid: bool = False
) -> List[InvalidId]:
    """Check a module's options `<key>` and `<key>s`: exactly one set (null counts as unset, which the argument
    spec lets through), and valid. skip_invalid (on_invalid: skip): the invalid ids of the list are returned, to
    be left out, instead of raised; an invalid single id is always an error. Messages name positions and rules,
    never the values."""
    plural = kind.key + "s"
    if one is None and many is None:
        raise InvalidParameterError(f"one of {kind.key} and {plural} is required (a null value does not count)")
    if one is not None:
        check_id(kind, kind.key, one)
    elif many is not None:
        invalid = invalid_ids(many, kind)
        if invalid and not skip_invalid:
            raise InvalidIdsError(plural, invalid, kind.rule)
        return invalid
    return []


SPEAKER_IDS = IdKind("speaker_id", speaker_id_problem, SPEAKER_ID_RULE)


def invalid_speaker_ids(values: List[str]) -> List[InvalidId]:
    """The ids of the list that are not speaker ids, in list order."""
    return invalid_ids(values, SPEAKER_IDS)


def check_speaker_ids(option: str, values: List[str]) -> None:
    """Raise one InvalidSpeakerIdsError naming the invalid ids of the list by position (the first MOST_NAMED of
    them) and the rule each breaks, without their values."""
    invalid = invalid_speaker_ids(values)
    if invalid:
        raise InvalidIdsError(option, invalid, SPEAKER_ID_RULE)


def check_speaker_options(
    speaker_id: Optional[str], speaker_ids: Optional[List[str]], skip_invalid: bool = False
) -> List[InvalidId]:
    """Check the options `speaker_id` and `speaker_ids` of a module (see check_id_options)."""
    return check_id_options(SPEAKER_IDS, speaker_id, speaker_ids, skip_invalid)


# Fraudster ids: generated by the service only (botocore's FraudsterId, marked sensitive).
FRAUDSTER_ID_RULE = "'id#' followed by exactly 22 letters or digits (pattern ^id#[a-zA-Z0-9]{22}$)"
FRAUDSTER_ID_LENGTH = 25


def fraudster_id_problem(value: str) -> Optional[str]:
    """Why value is not a fraudster id, in words that do not repeat the value; None if it is one."""
    if _GENERATED_SPEAKER_ID.fullmatch(value) is not None:  # the same form as a generated speaker id
        return None
    if not value:
        return "is empty"
    if not value.startswith("id#"):
        return "does not start with 'id#'"
    if len(value) != FRAUDSTER_ID_LENGTH:
        return f"has {len(value)} characters, not {FRAUDSTER_ID_LENGTH}"
    return "has a character other than a letter or digit after 'id#'"


FRAUDSTER_IDS = IdKind("fraudster_id", fraudster_id_problem, FRAUDSTER_ID_RULE)


def check_fraudster_id(option: str, value: str) -> None:
    """Raise InvalidParameterError naming the option and the rule unless value is a fraudster id (an option
    alone, as voiceid_fraudster_info's). The message does not repeat the value."""
    check_id(FRAUDSTER_IDS, option, value)


def check_fraudster_options(
    fraudster_id: Optional[str], fraudster_ids: Optional[List[str]], skip_invalid: bool = False
) -> List[InvalidId]:
    """Check the options `fraudster_id` and `fraudster_ids` of a module (see check_id_options)."""
    return check_id_options(FRAUDSTER_IDS, fraudster_id, fraudster_ids, skip_invalid)


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
