# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The options several modules share, specified once: each with the constraints that go with it.

A module builds its specification from these pieces and its own options:

    spec = DOMAIN_SPEC.merge(SPEAKER_SPEC, ArgumentSpec({"state": {...}}))
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)

Their documentation is the doc fragment speakerops.voiceid._voiceid.domain (domain_id, domain_name); the
request_rates option is documented by each module, since each names only the operations it calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import List
from typing import Tuple

from .api.operations import OPERATIONS

Constraint = Tuple[str, ...]


@dataclass(frozen=True)
class ArgumentSpec:
    """Options and the constraints between them, in the shape AnsibleModule takes them."""

    argument_spec: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    mutually_exclusive: List[Constraint] = field(default_factory=list)
    required_one_of: List[Constraint] = field(default_factory=list)
    required_if: List[Tuple[Any, ...]] = field(default_factory=list)

    def merge(self, *others: ArgumentSpec) -> ArgumentSpec:
        """A new specification with the options and constraints of self and others; an option named twice is an
        error in the collection, not something to resolve silently."""
        argument_spec = {name: dict(spec) for name, spec in self.argument_spec.items()}
        mutually_exclusive = list(self.mutually_exclusive)
        required_one_of = list(self.required_one_of)
        required_if = list(self.required_if)
        for other in others:
            twice = sorted(set(argument_spec) & set(other.argument_spec))
            if twice:
                raise ValueError(f"options specified twice: {', '.join(twice)}")
            argument_spec.update({name: dict(spec) for name, spec in other.argument_spec.items()})
            mutually_exclusive.extend(other.mutually_exclusive)
            required_one_of.extend(other.required_one_of)
            required_if.extend(other.required_if)
        return ArgumentSpec(argument_spec, mutually_exclusive, required_one_of, required_if)

    def module_kwargs(self) -> Dict[str, Any]:
        """Keyword arguments for AnsibleModule (and so VoiceIDModule)."""
        kwargs: Dict[str, Any] = {"argument_spec": {name: dict(spec) for name, spec in self.argument_spec.items()}}
        for name in ("mutually_exclusive", "required_one_of", "required_if"):
            constraints = getattr(self, name)
            if constraints:
                kwargs[name] = [list(constraint) for constraint in constraints]
        return kwargs


def domain_spec(required: bool = True, name_aliases: Tuple[str, ...] = ()) -> ArgumentSpec:
    """The domain a module works in: domain_id or domain_name, exactly one when required, at most one otherwise.
    voiceid_domain_info, which filters by either, keeps `name` as an alias of domain_name."""
    options: Dict[str, Dict[str, Any]] = {"domain_id": {"type": "str"}, "domain_name": {"type": "str"}}
    if name_aliases:
        options["domain_name"]["aliases"] = list(name_aliases)
    pair = ("domain_id", "domain_name")
    return ArgumentSpec(options, mutually_exclusive=[pair], required_one_of=[pair] if required else [])


DOMAIN_SPEC = domain_spec()

# What a module does with invalid ids of speaker_ids (documented by the doc fragment
# speakerops.voiceid._voiceid.ON_INVALID): fail before any call, or leave them out and go on with the others.
ON_INVALID_SKIP = "skip"
ON_INVALID_CHOICES = ("fail", ON_INVALID_SKIP)

# The speakers a module acts on: one (speaker_id) or a list (speaker_ids), exactly one of them.
SPEAKER_SPEC = ArgumentSpec(
    {
        "speaker_id": {"type": "str"},
        "speaker_ids": {"type": "list", "elements": "str"},
        "on_invalid": {"type": "str", "choices": list(ON_INVALID_CHOICES), "default": "fail"},
    },
    mutually_exclusive=[("speaker_id", "speaker_ids")],
    required_one_of=[("speaker_id", "speaker_ids")],
)

# The durable write journal (journal.py): a path on the host that runs the module, documented by the doc
# fragment speakerops.voiceid._voiceid.journal.
JOURNAL_SPEC = ArgumentSpec({"journal": {"type": "path"}})


def request_rates_spec(*operations: str) -> ArgumentSpec:
    """The module's `request_rates` option: a float suboption per operation the module calls, in requests per
    second (the defaults are api/operations.py's)."""
    unknown = sorted(set(operations) - set(OPERATIONS))
    if unknown:
        raise ValueError(f"not in the operations table: {', '.join(unknown)}")
    return ArgumentSpec(
        {"request_rates": {"type": "dict", "options": {operation: {"type": "float"} for operation in operations}}}
    )
