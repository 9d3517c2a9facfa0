# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared option specifications: one domain interface, one speaker interface, one request_rates."""

from __future__ import annotations

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import SPEAKER_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import domain_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec


def test_merge_keeps_every_option_and_constraint() -> None:
    spec = DOMAIN_SPEC.merge(SPEAKER_SPEC, request_rates_spec("describe_speaker"), ArgumentSpec({"state": {}}))

    kwargs = spec.module_kwargs()

    assert sorted(kwargs["argument_spec"]) == [
        "domain_id",
        "domain_name",
        "on_invalid",
        "request_rates",
        "speaker_id",
        "speaker_ids",
        "state",
    ]
    assert kwargs["mutually_exclusive"] == [["domain_id", "domain_name"], ["speaker_id", "speaker_ids"]]
    assert kwargs["required_one_of"] == [["domain_id", "domain_name"], ["speaker_id", "speaker_ids"]]
    assert "required_if" not in kwargs
    assert kwargs["argument_spec"]["on_invalid"] == {"type": "str", "choices": ["fail", "skip"], "default": "fail"}
    assert kwargs["argument_spec"]["request_rates"] == {
        "type": "dict",
        "options": {"describe_speaker": {"type": "float"}},
    }


def test_merge_refuses_an_option_named_twice() -> None:
    with pytest.raises(ValueError, match="options specified twice: domain_id"):
        DOMAIN_SPEC.merge(ArgumentSpec({"domain_id": {"type": "str"}}))


def test_merging_never_changes_the_shared_pieces() -> None:
    module_kwargs = DOMAIN_SPEC.merge(SPEAKER_SPEC).module_kwargs()
    module_kwargs["argument_spec"]["domain_id"]["required"] = True
    module_kwargs["mutually_exclusive"].append(["x", "y"])

    assert DOMAIN_SPEC.argument_spec["domain_id"] == {"type": "str"}
    assert DOMAIN_SPEC.mutually_exclusive == [("domain_id", "domain_name")]


def test_an_optional_domain_is_at_most_one_of_the_two_and_may_keep_an_alias() -> None:
    kwargs = domain_spec(required=False, name_aliases=("name",)).module_kwargs()

    assert kwargs["argument_spec"]["domain_name"] == {"type": "str", "aliases": ["name"]}
    assert kwargs["mutually_exclusive"] == [["domain_id", "domain_name"]]
    assert "required_one_of" not in kwargs
    assert "aliases" not in DOMAIN_SPEC.argument_spec["domain_name"]
