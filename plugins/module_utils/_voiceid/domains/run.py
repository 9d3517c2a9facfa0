# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Bringing one Voice ID domain, found by its name, to the state a task describes: find -> plan (a pure
function) -> act (not in check mode) -> wait for a change of KMS key -> report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ..api.domain_client import ApiDomain
from ..api.domain_client import DomainClient
from ..api.errors import VoiceIDError
from ..api.ratelimit import Clock
from ..api.ratelimit import SystemClock
from ..rules import InvalidParameterError
from .lookup import DomainFacts
from .lookup import domain_facts
from .tags import apply_tags
from .tags import compare_tags

PRESENT = "present"
ABSENT = "absent"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
DEFAULT_DOMAIN_QUOTA = 3  # domains per account and region (Voice ID's default quota)
# Pauses between two DescribeDomain calls while a change of key is under way: 1, 2, 4, 8, then every 15 s.
_FIRST_POLL = 1.0
_LONGEST_POLL = 15.0


class DuplicateDomainNameError(InvalidParameterError):
    """More than one domain has the name: the module cannot tell which one is meant."""


class DomainChangeError(Exception):
    """The task failed after it had changed the domain (or while waiting for its change of key): the
    result must still say what was written."""

    def __init__(self, message: str, outcome: DomainOutcome) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome


@dataclass(frozen=True)
class WantedDomain:
    """What the task asks for. description None keeps the current one, '' removes it; kms_key_id None keeps
    the current key; tags None leaves the tags alone."""

    name: str
    state: str = PRESENT
    domain_id: Optional[str] = None  # pins one domain among several of the name
    description: Optional[str] = None
    kms_key_id: Optional[str] = None
    tags: Optional[Dict[str, str]] = None
    purge_tags: bool = True


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
                f"kms_key_id is required to create the domain '{wanted.name}', which does not exist in this"
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
            f"kms_key_id cannot change now: Voice ID is still re-encrypting the domain '{wanted.name}'"
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


def _diff_view(facts: Optional[DomainFacts]) -> Dict[str, Any]:
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


@dataclass
class DomainOutcome:
    before: Optional[DomainFacts]
    after: Optional[DomainFacts]
    writes: List[str] = field(default_factory=list)  # the API calls that changed something, in order
    planned: bool = False  # check mode: the plan would change something
    warnings: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.planned or bool(self.writes)

    def result(self) -> Dict[str, Any]:
        return {"changed": self.changed, "domain": self.after if self.after is not None else (self.before or {})}

    def diff(self) -> Dict[str, Any]:
        return {"before": _diff_view(self.before), "after": _diff_view(self.after)}


def facts_with_tags(client: DomainClient, api_domain: ApiDomain) -> DomainFacts:
    facts = domain_facts(api_domain)
    facts["tags"] = client.list_tags(str(api_domain["Arn"])) if api_domain.get("Arn") else {}
    return facts


def find_domain_by_name(client: DomainClient, name: str) -> Tuple[Optional[ApiDomain], int]:
    """(the one domain named name or None, how many domains the account and region hold in all).

    Raises DuplicateDomainNameError, before anything is written, when more than one domain has the name.
    """
    domains = list(client.list_domains())
    matches = [domain for domain in domains if domain.get("Name") == name]
    if len(matches) > 1:
        ids = ", ".join(str(domain.get("DomainId")) for domain in matches)
        raise DuplicateDomainNameError(
            f"{len(matches)} Voice ID domains are named '{name}' in this account and region (ids {ids});"
            " voiceid_domain finds a domain by its name, cannot tell which one is meant, and changed nothing."
            " Delete or rename all but one (voiceid_domain_info lists them with their ids)"
        )
    return (matches[0] if matches else None), len(domains)


class DomainRun:
    """One task of voiceid_domain."""

    def __init__(
        self,
        client: DomainClient,
        wanted: WantedDomain,
        check_mode: bool,
        wait: bool = True,
        wait_timeout: float = 900.0,
        clock: Optional[Clock] = None,
    ) -> None:
        self.client = client
        self.wanted = wanted
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.warnings: List[str] = []  # for the task's result, whether the run succeeds or fails

    def _find(self) -> Tuple[Optional[ApiDomain], int]:
        """The domain the task is about, and how many domains the account and region hold (0 when unknown)."""
        if self.wanted.domain_id is None:
            return find_domain_by_name(self.client, self.wanted.name)
        found = self.client.describe_domain(self.wanted.domain_id)
        if found is not None and found.get("Name") != self.wanted.name:
            raise InvalidParameterError(
                f"domain_id {self.wanted.domain_id} names a domain called '{found.get('Name')}', not"
                f" '{self.wanted.name}'; nothing was changed (name and domain_id must name the same domain)"
            )
        if found is None and self.wanted.state == PRESENT:
            raise InvalidParameterError(
                f"no domain has the id {self.wanted.domain_id} in this account and region; leave domain_id out"
                " to create a domain"
            )
        return found, 0

    def run(self) -> DomainOutcome:
        found, count = self._find()
        before = facts_with_tags(self.client, found) if found is not None else None
        plan = plan_domain(before, self.wanted)
        outcome = DomainOutcome(before=before, after=before, warnings=self.warnings)
        if update_status(before) == FAILED and not plan.key_change and not plan.delete:
            details = (before or {}).get("server_side_encryption_update_details") or {}
            self.warnings.append(
                f"Voice ID failed to re-encrypt domain {(before or {}).get('domain_id')} with its current KMS key"
                f" ({details.get('message') or 'no reason given'}); the task does not retry it"
            )
        if plan.create and count >= DEFAULT_DOMAIN_QUOTA:
            self.warnings.append(
                f"this account and region already hold {count} Voice ID domains; the default quota is"
                f" {DEFAULT_DOMAIN_QUOTA}, so creating another fails unless AWS raised it"
            )
        if self.check_mode:
            outcome.planned = plan.changed
            if plan.delete:
                outcome.after = None
            elif plan.changed:
                outcome.after = predicted(before, plan, self.wanted.name)
            return outcome
        try:
            self._act(plan, outcome)
        except VoiceIDError as error:
            if not outcome.writes:
                raise
            raise DomainChangeError(
                f"{error} (after {', '.join(outcome.writes)} succeeded: the domain was changed in part)", outcome
            ) from error
        if self.wait and not plan.delete and outcome.after is not None and update_status(outcome.after) == IN_PROGRESS:
            self._wait_for_encryption(outcome)
        return outcome

    def _act(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        before = outcome.before
        if not plan.changed:
            return
        if plan.delete:
            if before is None:
                raise AssertionError("before is set by the plan")
            deleted = self.client.delete_domain(str(before["domain_id"]))
            outcome.after = None
            if deleted:
                outcome.writes.append("DeleteDomain")
            return
        if plan.create:
            if plan.kms_key_id is None:
                raise AssertionError("plan.kms_key_id is set by the plan")
            created = self.client.create_domain(
                self.wanted.name, plan.kms_key_id, str(uuid.uuid4()), plan.description, plan.tags_to_set
            )
            outcome.writes.append("CreateDomain")
            outcome.after = dict(domain_facts(created), tags=dict(plan.tags_to_set))
            return
        if before is None:
            raise AssertionError("before is set by the plan")
        after = dict(before)
        if plan.update:
            if plan.kms_key_id is None:
                raise AssertionError("plan.kms_key_id is set by the plan")
            updated = self.client.update_domain(
                str(before["domain_id"]), self.wanted.name, plan.kms_key_id, plan.description
            )
            outcome.writes.append("UpdateDomain")
            after = dict(domain_facts(updated), tags=before.get("tags") or {})
            outcome.after = after
        arn = str(before.get("arn"))
        if plan.tags_to_unset:
            self.client.untag_resource(arn, plan.tags_to_unset)
            outcome.writes.append("UntagResource")
        if plan.tags_to_set:
            self.client.tag_resource(arn, plan.tags_to_set)
            outcome.writes.append("TagResource")
        after["tags"] = apply_tags(before.get("tags") or {}, plan.tags_to_set, plan.tags_to_unset)
        outcome.after = after

    def _wait_for_encryption(self, outcome: DomainOutcome) -> None:
        """Poll DescribeDomain until the re-encryption is no longer IN_PROGRESS; fail on FAILED and on timeout."""
        if outcome.after is None:
            raise AssertionError("outcome.after is set by the plan")
        domain_id = str(outcome.after["domain_id"])
        tags = outcome.after.get("tags") or {}
        deadline = self.clock.monotonic() + self.wait_timeout
        pause = _FIRST_POLL
        while True:
            remaining = deadline - self.clock.monotonic()
            if remaining <= 0:
                raise DomainChangeError(
                    f"Timed out after {self.wait_timeout:g} seconds waiting for Voice ID to re-encrypt domain"
                    f" {domain_id} with its new KMS key (update_status still {IN_PROGRESS}). The re-encryption goes"
                    " on at AWS; run the task again (with a longer wait_timeout) to wait for it",
                    outcome,
                )
            self.clock.sleep(min(pause, remaining))
            pause = min(pause * 2, _LONGEST_POLL)
            try:
                current = self.client.describe_domain(domain_id)
            except VoiceIDError as error:
                raise DomainChangeError(f"{error} (while waiting for the change of KMS key)", outcome) from error
            if current is None:
                raise DomainChangeError(f"Domain {domain_id} disappeared while its KMS key was changing", outcome)
            outcome.after = dict(domain_facts(current), tags=tags)
            status = update_status(outcome.after)
            if status == FAILED:
                details = outcome.after.get("server_side_encryption_update_details") or {}
                raise DomainChangeError(
                    f"Voice ID failed to re-encrypt domain {domain_id} with the KMS key"
                    f" {kms_key_of(outcome.after)}: {details.get('message') or 'no reason given'}"
                    f" (update_status {FAILED}; the previous key was {details.get('old_kms_key_id')})",
                    outcome,
                )
            if status != IN_PROGRESS:
                return
