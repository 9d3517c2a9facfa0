# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Tags of Voice ID domains, the way amazon.aws modules treat tags: a dict of strings, compared with
amazon.aws's compare_aws_tags (tags left out: untouched; purge_tags: remove the keys not given, except the
reserved aws: ones). The service's rules for tags are checked by rules.check_tags, before any call."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ..rules import check_tags


def normalize_tags(option: str, tags: Optional[Mapping[str, Any]]) -> Optional[Dict[str, str]]:
    """tags with every key and value as text (as amazon.aws does: True becomes 'True'), after checking them
    against the service's rules (rules.check_tags). None stays None: the tags are not managed."""
    if tags is None:
        return None
    result = {to_text(key): to_text(value) for key, value in tags.items()}
    check_tags(option, result)
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
