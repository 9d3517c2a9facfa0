# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Dict
from typing import Optional

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid import rules as ids


@pytest.mark.parametrize(
    "value, valid",
    [
        ("a", True),
        ("9", True),
        ("customer_0042-x", True),
        ("x" * 256, True),
        ("id#" + "A1" * 11, True),
        ("", False),
        ("x" * 257, False),
        ("_leading", False),
        ("-leading", False),
        ("has space", False),
        ("dot.ted", False),
        ("id#" + "A" * 21, False),
        ("id#" + "A" * 23, False),
        ("id#" + "A" * 21 + "_", False),
        ("ID#" + "A" * 22, False),
        ("caf\u00e9", False),
    ],
)
def test_speaker_id_rule(value: str, valid: bool) -> None:
    assert ids.is_valid_speaker_id(value) is valid
    assert (ids.speaker_id_problem(value) is None) is valid


@pytest.mark.parametrize(
    "value, valid",
    [("A" * 22, True), ("a1" * 11, True), ("A" * 21, False), ("A" * 23, False), ("A" * 21 + "-", False), ("", False)],
)
def test_domain_id_rule(value: str, valid: bool) -> None:
    assert ids.is_valid_domain_id(value) is valid


def test_generated_ids_are_recognised() -> None:
    assert ids.is_generated_speaker_id("id#" + "b" * 22)
    assert not ids.is_generated_speaker_id("customer-1")


def test_check_speaker_id_names_option_and_rule_without_the_value() -> None:
    with pytest.raises(ids.InvalidParameterError) as error:
        ids.check_speaker_id("speaker_ids[3]", "jane doe")
    message = str(error.value)
    assert message.startswith("speaker_ids[3] must be either a customer speaker id of 1 to 256 characters")
    assert "jane doe" not in message


def test_check_domain_name() -> None:
    ids.check_domain_name("domain_name", "contact-center_1")
    with pytest.raises(ids.InvalidParameterError, match=r"^domain_name must be 1 to 256 characters"):
        ids.check_domain_name("domain_name", "bad name")


@pytest.mark.parametrize(
    "value, valid",
    [
        ("", True),  # empty: no description
        ("x" * 1024, True),
        ("Support line: 50% of calls for team@ops/2 = +1 _ . -", True),
        ("caf\u00e9 \u00e0 la carte", True),  # any letter, not only ASCII
        ("x" * 1025, False),
        ("a, b", False),
        ("line\nbreak", False),
    ],
)
def test_description_rule(value: str, valid: bool) -> None:
    if valid:
        ids.check_description("description", value)
    else:
        with pytest.raises(ids.InvalidParameterError, match=r"^description must be 1 to 1024 letters"):
            ids.check_description("description", value)


@pytest.mark.parametrize("value, valid", [("", False), ("x" * 1024, True), ("x" * 1025, False), ("a, b", False)])
def test_watchlist_description_rule_is_the_domains_without_empty(value: str, valid: bool) -> None:
    """botocore's WatchlistDescription is the domain's Description shape; UpdateWatchlist cannot remove one."""
    if valid:
        ids.check_watchlist_description("description", value)
    else:
        with pytest.raises(ids.InvalidParameterError, match=r"^description must be 1 to 1024 letters"):
            ids.check_watchlist_description("description", value)


@pytest.mark.parametrize("value", ["secret name", "-secret", "secret" * 50, ""])
def test_watchlist_name_rule_never_repeats_the_name(value: str) -> None:
    ids.check_watchlist_name("name", "vip-fraud_2")
    with pytest.raises(ids.InvalidParameterError, match=r"^name must be 1 to 256 characters") as error:
        ids.check_watchlist_name("name", value)
    assert not value or value not in str(error.value)


@pytest.mark.parametrize(
    "tags, problem",
    [
        ({"k" * 128: "v" * 256, "team": "", "a b_.:/=+-@": "\u00e9"}, None),
        ({"k" * 129: "v"}, "a key of 129 characters"),
        ({"": "v"}, "a key of 0 characters"),
        ({"k": "v" * 257}, "the value of 'k' has 257 characters"),
        ({"k%": "v"}, "the key 'k%' has a character outside the allowed set"),
        ({"k": "50%"}, "the value of 'k' has a character outside the allowed set"),
        ({"aws:team": "v"}, "the key 'aws:team' starts with 'aws:', which AWS reserves for itself"),
        ({f"k{index}": "v" for index in range(201)}, "201 tags, more than 200"),
    ],
)
def test_tag_rules(tags: Dict[str, str], problem: Optional[str]) -> None:
    if problem is None:
        ids.check_tags("tags", tags)
        return
    with pytest.raises(ids.InvalidParameterError) as error:
        ids.check_tags("tags", tags)
    assert str(error.value).startswith("tags must have letters, digits, spaces and _ . : / = + - @")
    assert problem in str(error.value)


def test_tag_values_are_not_repeated_in_the_message() -> None:
    with pytest.raises(ids.InvalidParameterError) as error:
        ids.check_tags("tags", {"k": "secret,value"})
    assert "secret" not in str(error.value)
