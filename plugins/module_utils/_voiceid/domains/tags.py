# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Tags of Voice ID domains, the way amazon.aws modules treat tags: a dict of strings, compared with
amazon.aws's compare_aws_tags (tags left out: untouched; purge_tags: remove the keys not given, except the
reserved aws: ones), and checked against the service's rules before any call."""

from __future__ import annotations

import unicodedata
from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ..rules import InvalidParameterError

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


def normalize_tags(option: str, tags: Optional[Mapping[str, Any]]) -> Optional[Dict[str, str]]:
    """tags with every key and value as text (as amazon.aws does: True becomes 'True'), after checking them
    against the service's rules. None stays None: the tags are not managed. Values are never repeated in a
    message (the service marks them sensitive); keys are named so that they can be found."""
    if tags is None:
        return None
    result = {to_text(key): to_text(value) for key, value in tags.items()}
    problems: List[str] = []
    if len(result) > MAX_TAGS:
        problems.append(f"{len(result)} tags, more than {MAX_TAGS}")
    for key, value in result.items():
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
    return result


def compare_tags(
    current: Mapping[str, str], wanted: Optional[Mapping[str, str]], purge_tags: bool
) -> Tuple[Dict[str, str], List[str]]:
    """(tags to set, keys to remove), both sorted by key, to go from current to wanted; nothing when wanted
    is None."""
    if wanted is None:
        return {}, []
    to_set, to_unset = compare_aws_tags(dict(current), dict(wanted), purge_tags=purge_tags)
    # Sorted, so that the same task always sends the same request.
    return {str(key): str(to_set[key]) for key in sorted(to_set)}, sorted(str(key) for key in to_unset)


def apply_tags(current: Mapping[str, str], to_set: Mapping[str, str], to_unset: List[str]) -> Dict[str, str]:
    """The tags after setting to_set and removing to_unset."""
    result = {key: value for key, value in current.items() if key not in to_unset}
    result.update(to_set)
    return result
