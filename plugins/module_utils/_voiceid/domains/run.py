# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Bringing one Voice ID domain, found by its name, to the state a task describes: find -> plan (plan.py, a
pure function) -> act (not in check mode) -> wait for a change of KMS key -> report."""

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
from .lookup import DomainNameError
from .lookup import domain_facts
from .lookup import find_domains_named
from .plan import FAILED
from .plan import IN_PROGRESS
from .plan import PRESENT
from .plan import DomainPlan
from .plan import WantedDomain
from .plan import diff_view
from .plan import kms_key_of
from .plan import plan_domain
from .plan import predicted
from .plan import update_status
from .tags import apply_tags

DEFAULT_DOMAIN_QUOTA = 3  # domains per account and region (Voice ID's default quota)
# Pauses between two DescribeDomain calls while a change of key is under way: 1, 2, 4, 8, then every 15 s.
_FIRST_POLL = 1.0
_LONGEST_POLL = 15.0


class DomainChangeError(Exception):
    """The task failed after it had changed the domain (or while waiting for its change of key): the
    result must still say what was written."""

    def __init__(self, message: str, outcome: DomainOutcome) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome


@dataclass
class DomainOutcome:
    before: Optional[DomainFacts]
    after: Optional[DomainFacts]
    writes: List[str] = field(default_factory=list)  # the API calls that changed something, in order
    planned: bool = False  # check mode: the plan would change something

    @property
    def changed(self) -> bool:
        return self.planned or bool(self.writes)

    def result(self) -> Dict[str, Any]:
        return {"changed": self.changed, "domain": self.after if self.after is not None else (self.before or {})}

    def diff(self) -> Dict[str, Any]:
        return {"before": diff_view(self.before), "after": diff_view(self.after)}


def facts_with_tags(client: DomainClient, api_domain: ApiDomain) -> DomainFacts:
    facts = domain_facts(api_domain)
    facts["tags"] = client.list_tags(str(api_domain["Arn"])) if api_domain.get("Arn") else {}
    return facts


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
        """The domain the task is about, and how many domains the account and region hold (0 when unknown).

        Raises DomainNameError, before anything is written, when more than one domain has the name.
        """
        if self.wanted.domain_id is None:
            if self.wanted.name is None:
                raise AssertionError("domain_name or domain_id is required by the argument spec")
            named = find_domains_named(self.client, self.wanted.name)
            if len(named.matches) > 1:
                raise DomainNameError(
                    f"{len(named.matches)} Voice ID domains are named '{self.wanted.name}' in this account and region"
                    f" (ids {named.ids}); voiceid_domain finds a domain by its name, cannot tell which one is meant,"
                    " and changed nothing. Delete or rename all but one (voiceid_domain_info lists them with their"
                    " ids)"
                )
            return (named.matches[0] if named.matches else None), named.total
        found = self.client.describe_domain(self.wanted.domain_id)
        if found is not None and self.wanted.name is not None and found.get("Name") != self.wanted.name:
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
        self._warn(before, plan, count)
        outcome = DomainOutcome(before=before, after=before)
        if self.check_mode:
            outcome.planned = plan.changed
            if plan.delete:
                outcome.after = None
            elif plan.changed:
                outcome.after = predicted(before, plan, self._name(before))
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
            wait_for_encryption(self.client, outcome, self.clock, self.wait_timeout)
        return outcome

    def _name(self, before: Optional[DomainFacts]) -> str:
        """The name CreateDomain and UpdateDomain send: the task's, or the domain's own when the task named it by
        domain_id alone (UpdateDomain requires a name; the module never renames)."""
        if self.wanted.name is not None:
            return self.wanted.name
        if before is None or not before.get("name"):
            raise AssertionError("a domain found by domain_id alone exists and has a name")
        return str(before["name"])

    def _warn(self, before: Optional[DomainFacts], plan: DomainPlan, count: int) -> None:
        """What the task's result should tell besides the change: a failed re-encryption left as it is, a
        creation the default quota refuses."""
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

    def _act(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        if not plan.changed:
            return
        if plan.delete:
            self._delete(outcome)
        elif plan.create:
            self._create(plan, outcome)
        else:
            self._update(plan, outcome)

    def _delete(self, outcome: DomainOutcome) -> None:
        if outcome.before is None:
            raise AssertionError("before is set by the plan")
        deleted = self.client.delete_domain(str(outcome.before["domain_id"]))
        outcome.after = None
        if deleted:
            outcome.writes.append("DeleteDomain")

    def _create(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        if plan.kms_key_id is None:
            raise AssertionError("plan.kms_key_id is set by the plan")
        created = self.client.create_domain(
            self._name(None), plan.kms_key_id, str(uuid.uuid4()), plan.description, plan.tags_to_set
        )
        outcome.writes.append("CreateDomain")
        outcome.after = dict(domain_facts(created), tags=dict(plan.tags_to_set))

    def _update(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        """UpdateDomain if the description or the key differs, then the tags (removed, then set)."""
        before = outcome.before
        if before is None:
            raise AssertionError("before is set by the plan")
        after = dict(before)
        if plan.update:
            if plan.kms_key_id is None:
                raise AssertionError("plan.kms_key_id is set by the plan")
            updated = self.client.update_domain(
                str(before["domain_id"]), self._name(before), plan.kms_key_id, plan.description
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


def wait_for_encryption(client: DomainClient, outcome: DomainOutcome, clock: Clock, timeout: float) -> None:
    """Poll DescribeDomain until the re-encryption is no longer IN_PROGRESS; fail on FAILED and on timeout."""
    if outcome.after is None:
        raise AssertionError("outcome.after is set by the plan")
    domain_id = str(outcome.after["domain_id"])
    tags = outcome.after.get("tags") or {}
    deadline = clock.monotonic() + timeout
    pause = _FIRST_POLL
    while True:
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise DomainChangeError(
                f"Timed out after {timeout:g} seconds waiting for Voice ID to re-encrypt domain"
                f" {domain_id} with its new KMS key (update_status still {IN_PROGRESS}). The re-encryption goes"
                " on at AWS; run the task again (with a longer wait_timeout) to wait for it",
                outcome,
            )
        clock.sleep(min(pause, remaining))
        pause = min(pause * 2, _LONGEST_POLL)
        try:
            current = client.describe_domain(domain_id)
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
