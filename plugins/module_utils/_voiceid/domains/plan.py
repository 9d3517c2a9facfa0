# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The pure decision of voiceid_domain: given the domain as it is (its facts with its tags, or None) and what
the task wants, what to call (plan_domain), what check mode predicts (predicted), and the parts --diff shows
(diff_view). No I/O: the run (run.py) finds, acts and waits."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ..rules import InvalidParameterError
from .lookup import DomainFacts
from .tags import apply_tags
from .tags import compare_tags

PRESENT = "present"
ABSENT = "absent"
IN_PROGRESS = "IN_PROGRESS"
FAILED = "FAILED"


@dataclass(frozen=True)
class WantedDomain:
    """What the task asks for. description None keeps the current one, '' removes it; kms_key_id None keeps
    the current key; tags None leaves the tags alone. name None (only with domain_id): the domain found by its
    id, whatever its name."""

    name: Optional[str]
    state: str = PRESENT
    domain_id: Optional[str] = None  # pins one domain among several of the name, or names it alone

    description: Optional[str] = None
    kms_key_id: Optional[str] = None
    tags: Optional[Dict[str, str]] = None
    purge_tags: bool = True

    @property
    def shown(self) -> str:
        """The domain as messages name it: its name in quotes, or its id when the task gave no name."""
        return f"'{self.name}'" if self.name is not None else str(self.domain_id)


@dataclass
class DomainPlan:
    create: bool = False
    delete: bool = False
    update: bool = False  # UpdateDomain: the description or the key differs
    description: Optional[str] = None  # what UpdateDomain/CreateDomain sends (None: no description)
    kms_key_id: Optional[str] = None
    key_change: bool = False
    tags_to_set: Dict[str, str] = field(default_factory=dict)
    tags_to_unset: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.create or self.delete or self.update or bool(self.tags_to_set) or bool(self.tags_to_unset)


def update_status(facts: Optional[DomainFacts]) -> Optional[str]:
    details = (facts or {}).get("server_side_encryption_update_details") or {}
    status = details.get("update_status")
    return None if status is None else str(status)


def kms_key_of(facts: Optional[DomainFacts]) -> Optional[str]:
    key = ((facts or {}).get("server_side_encryption_configuration") or {}).get("kms_key_id")
    return None if key is None else str(key)


def plan_domain(current: Optional[DomainFacts], wanted: WantedDomain) -> DomainPlan:
    """What to do to go from current (the domain's facts with its tags, None when there is none) to wanted.

    Raises InvalidParameterError when a domain must be created without kms_key_id, or when the key must change
    while Voice ID is still re-encrypting the domain for an earlier change (it would refuse the call).
    """
    if wanted.state == ABSENT:
        return DomainPlan(delete=current is not None)
    if current is None:
        if not wanted.kms_key_id:
            raise InvalidParameterError(
                f"kms_key_id is required to create the domain {wanted.shown}, which does not exist in this"
                " account and region"
            )
        return DomainPlan(
            create=True,
            description=wanted.description or None,
            kms_key_id=wanted.kms_key_id,
            tags_to_set=dict(wanted.tags or {}),
        )
    current_description = current.get("description")
    description = current_description if wanted.description is None else (wanted.description or None)
    current_key = kms_key_of(current)
    key = wanted.kms_key_id or current_key
    key_change = key != current_key
    if key_change and update_status(current) == IN_PROGRESS:
        raise InvalidParameterError(
            f"kms_key_id cannot change now: Voice ID is still re-encrypting the domain {wanted.shown}"
            f" ({current.get('domain_id')}) for an earlier change of key (update_status {IN_PROGRESS}) and refuses"
            " another until it completes (conflict type DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES); run again later"
        )
    to_set, to_unset = compare_tags(current.get("tags") or {}, wanted.tags, wanted.purge_tags)
    return DomainPlan(
        update=key_change or description != current_description,
        description=description,
        kms_key_id=key,
        key_change=key_change,
        tags_to_set=to_set,
        tags_to_unset=to_unset,
    )


def predicted(current: Optional[DomainFacts], plan: DomainPlan, name: str) -> DomainFacts:
    """The domain as the plan would leave it, for check mode: what only the service can know (a new id, ARN,
    times) is left out."""
    if plan.create:
        after: DomainFacts = {"name": name, "domain_status": "ACTIVE"}
        if plan.description:
            after["description"] = plan.description
        after["server_side_encryption_configuration"] = {"kms_key_id": plan.kms_key_id}
        after["tags"] = dict(plan.tags_to_set)
        return after
    if current is None:
        raise AssertionError("current is set by the plan")
    after = {key: value for key, value in current.items() if key != "updated_at"}
    if plan.update:
        after.pop("description", None)
        if plan.description:
            after["description"] = plan.description
        if plan.key_change:
            after["server_side_encryption_configuration"] = {"kms_key_id": plan.kms_key_id}
            after["server_side_encryption_update_details"] = {
                "old_kms_key_id": kms_key_of(current),
                "update_status": IN_PROGRESS,
            }
    after["tags"] = apply_tags(current.get("tags") or {}, plan.tags_to_set, plan.tags_to_unset)
    return after


def diff_view(facts: Optional[DomainFacts]) -> Dict[str, Any]:
    """The parts of a domain that a task manages, for --diff."""
    if not facts:
        return {}
    view: Dict[str, Any] = {"name": facts.get("name")}
    for key in ("domain_id", "description"):
        if facts.get(key) is not None:
            view[key] = facts[key]
    view["kms_key_id"] = kms_key_of(facts)
    view["tags"] = dict(facts.get("tags") or {})
    return view
