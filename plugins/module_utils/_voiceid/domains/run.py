# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Bringing one Voice ID domain, found by its name, to the state a task describes: find -> plan (plan.py, a
pure function) -> act (not in check mode) -> wait for a change of KMS key -> report."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple
from typing import TypeVar

from ..api.domain_client import ApiDomain
from ..api.domain_client import DomainClient
from ..api.errors import MALFORMED_RESPONSE
from ..api.errors import VoiceIDError
from ..api.errors import journal_unwritable
from ..api.operations import DOMAINS_PER_ACCOUNT
from ..api.ratelimit import Clock
from ..api.ratelimit import SystemClock
from ..bulk.failed import Confirmed
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from ..rules import InvalidParameterError
from .lookup import DomainFacts
from .lookup import DomainNameError
from .lookup import NamedDomains
from .lookup import domain_facts
from .lookup import domain_gone
from .lookup import find_domains_named
from .lookup import where
from .plan import ABSENT
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

DEFAULT_DOMAIN_QUOTA = DOMAINS_PER_ACCOUNT  # domains per account and region (Voice ID's default quota)
# Pauses between two DescribeDomain calls while a change of key is under way: 1, 2, 4, 8, then every 15 s.
_FIRST_POLL = 1.0
_LONGEST_POLL = 15.0

T = TypeVar("T")


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
    answer_lost: bool = False  # the deletion was done, its answer lost (see DomainRun._delete)

    @property
    def changed(self) -> bool:
        return self.planned or bool(self.writes)

    def result(self) -> Dict[str, Any]:
        result = {"changed": self.changed, "domain": self.after if self.after is not None else (self.before or {})}
        if self.answer_lost:
            result["answer_lost"] = True
        return result

    def diff(self) -> Dict[str, Any]:
        return {"before": diff_view(self.before), "after": diff_view(self.after)}


def facts_with_tags(client: DomainClient, api_domain: ApiDomain) -> DomainFacts:
    facts = domain_facts(api_domain)
    facts["tags"] = client.list_tags(str(api_domain["Arn"])) if api_domain.get("Arn") else {}
    return facts


def read_domain(
    client: DomainClient, found: Optional[ApiDomain], state: str, warnings: List[str]
) -> Optional[DomainFacts]:
    """The facts and tags of the domain found, None when there is none. A domain that another writer deletes
    between the lookup and the read of its tags is absent: for state absent that is the state wanted (a
    warning says what happened); otherwise the error stands."""
    if found is None:
        return None
    try:
        return facts_with_tags(client, found)
    except VoiceIDError as error:
        if state != ABSENT or not domain_gone(error):
            raise
        warnings.append(
            f"Domain {found.get('DomainId')} was deleted by another writer while this task read it"
            f" ({error.api_error.code} from ListTagsForResource); it is absent, as the task asks"
        )
        return None


# No answer came back to a request that was sent: it may have been carried out.
_ANSWER_LOST_CODES = frozenset({"ReadTimeoutError", "ConnectionClosedError"})


def answer_lost(error: VoiceIDError) -> bool:
    """The write may have been carried out though it failed: its last attempt was answered 5xx, timed out or
    was cut off after it was sent (a connection refused or never made sent nothing)."""
    api_error = error.api_error
    if api_error.ends_run:
        return False
    return api_error.code in _ANSWER_LOST_CODES or (api_error.status_code or 0) >= 500


def confirmed_write(
    operation: str,
    error: VoiceIDError,
    confirm: Callable[[], Optional[DomainFacts]],
    outcome: DomainOutcome,
    warnings: List[str],
    done: Callable[[DomainFacts], bool] = lambda after: True,
) -> DomainFacts:
    """The domain after a write whose answer did not say so: answered 200 without the domain (the write was
    carried out), or lost (it may have been). The domain is read again (confirm) and the write is reported when
    the read shows it (done). Other errors are raised as they are. An answer without the domain whose domain
    the second read does not find fails the task with the write reported as made; a lost answer whose effect
    the read does not show fails it with the write's own error."""
    answered = error.api_error.code == MALFORMED_RESPONSE
    if not answered and not answer_lost(error):
        raise error
    try:
        after = confirm()
        problem = "the domain was not found when it was read again"
    except VoiceIDError as read_error:
        after, problem = None, f"reading the domain again failed ({read_error})"
    if not answered:
        if after is None or not done(after):
            raise error
        warnings.append(
            f"the answer to {operation} was lost ({error.api_error.describe()}); the domain was read again and"
            " shows the change"
        )
        return after
    if after is None:
        outcome.writes.append(operation)
        raise DomainChangeError(
            f"{error}. The service answered {operation} with success, so it was carried out, but {problem}",
            outcome,
        )
    warnings.append(
        f"{operation} was answered with success but without the domain ({error.api_error.describe()}); the domain"
        " was read again to confirm the change"
    )
    return after


def the_domain_named(client: DomainClient, name: str) -> Optional[DomainFacts]:
    """The facts and tags of the one domain of this name; None when there is none, or more than one."""
    named = find_domains_named(client, name)
    return facts_with_tags(client, named.matches[0]) if len(named.matches) == 1 else None


def shows_update(plan: DomainPlan, after: DomainFacts) -> bool:
    """Whether the domain has the key and the description the plan's UpdateDomain sends."""
    return kms_key_of(after) == plan.kms_key_id and after.get("description") == plan.description


def the_domain(client: DomainClient, domain_id: str) -> Optional[DomainFacts]:
    """The facts of the domain with this id (without its tags); None when there is none."""
    found = client.describe_domain(domain_id)
    return None if found is None else domain_facts(found)


def failed_re_encryption(outcome: DomainOutcome, asked_for: bool) -> str:
    """The warning about a domain whose re-encryption to its current key FAILED, a task that does not ask for a
    key leaves as it is. When the task asks for that key (asked_for), raises: the key it wants is not in effect."""
    before = outcome.before or {}
    details = before.get("server_side_encryption_update_details") or {}
    reason = details.get("message") or "no reason given"
    if asked_for:
        raise DomainChangeError(
            f"Voice ID failed to re-encrypt domain {before.get('domain_id')} with the KMS key this task asks for,"
            f" {kms_key_of(before)}: {reason} (update_status {FAILED}; the previous key was"
            f" {details.get('old_kms_key_id')}). That key is not in effect; the task changed nothing",
            outcome,
        )
    return (
        f"Voice ID failed to re-encrypt domain {before.get('domain_id')} with its current KMS key ({reason}); the"
        " task does not retry it"
    )


def duplicate_names_error(named: NamedDomains, region: Optional[str]) -> DomainNameError:
    """voiceid_domain cannot tell which of several domains of one name is meant: domain_id is the way out (it
    never renames a domain, so it does not advise renaming)."""
    return DomainNameError(
        f"{len(named.matches)} Voice ID domains are named '{named.name}' in {where(region, named.account)}"
        f" (ids {named.ids}); voiceid_domain cannot tell which one is meant and changed nothing. Set domain_id to"
        " the one you mean (voiceid_domain_info lists them with their ids)"
    )


def name_to_send(wanted: WantedDomain, before: Optional[DomainFacts]) -> str:
    """The name CreateDomain and UpdateDomain send: the task's, or the domain's own when the task named it by
    domain_id alone (UpdateDomain requires a name; the module never renames)."""
    if wanted.name is not None:
        return wanted.name
    if before is None or not before.get("name"):
        raise AssertionError("a domain found by domain_id alone exists and has a name")
    return str(before["name"])


def notes(plan: DomainPlan, outcome: DomainOutcome, count: int, asks_for_key: bool) -> List[str]:
    """What the task's result should tell besides the change: a failed re-encryption left as it is, a creation
    the default quota refuses. (failed_re_encryption raises when the task asks for the key that failed.)"""
    warnings = []
    if update_status(outcome.before) == FAILED and not plan.key_change and not plan.delete:
        warnings.append(failed_re_encryption(outcome, asks_for_key))
    if plan.create and count >= DEFAULT_DOMAIN_QUOTA:
        warnings.append(
            f"this account and region already hold {count} Voice ID domains; the default quota is"
            f" {DEFAULT_DOMAIN_QUOTA}, so creating another fails unless AWS raised it"
        )
    return warnings


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
        journal: AnyJournal = NO_JOURNAL,
    ) -> None:
        self.client = client
        self._journaled = Journaled(journal, wanted.name)
        self.wanted = wanted
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.warnings: List[str] = []  # for the task's result, whether the run succeeds or fails

    def _find(self) -> Tuple[Optional[ApiDomain], int]:
        """The domain the task is about, and how many domains the account and region hold (0 when unknown);
        raises DomainNameError, before anything is written, when more than one domain has the name."""
        if self.wanted.domain_id is None:
            if self.wanted.name is None:
                raise AssertionError("domain_name or domain_id is required by the argument spec")
            named = find_domains_named(self.client, self.wanted.name)
            if len(named.matches) > 1:
                raise duplicate_names_error(named, self.client.region)
            return (named.matches[0] if named.matches else None), named.total
        found = self.client.describe_domain(self.wanted.domain_id)
        if found is not None and self.wanted.name is not None and found.get("Name") != self.wanted.name:
            raise InvalidParameterError(
                f"domain_id {self.wanted.domain_id} names a domain called '{found.get('Name')}', not"
                f" '{self.wanted.name}'; nothing was changed (name and domain_id must name the same domain)"
            )
        if found is None and self.wanted.state == PRESENT:
            raise InvalidParameterError(
                f"no domain has the id {self.wanted.domain_id} in {where(self.client.region)}; leave domain_id out"
                " to create a domain"
            )
        return found, 0

    def run(self) -> DomainOutcome:
        found, count = self._find()
        before = read_domain(self.client, found, self.wanted.state, self.warnings)
        plan = plan_domain(before, self.wanted)
        outcome = DomainOutcome(before=before, after=before)
        self.warnings.extend(notes(plan, outcome, count, self.wanted.kms_key_id is not None))
        if self.check_mode:
            outcome.planned = plan.changed
            if plan.delete:
                outcome.after = None
            elif plan.changed:
                outcome.after = predicted(before, plan, name_to_send(self.wanted, before))
            return outcome
        try:
            self._act(plan, outcome)
        except VoiceIDError as error:
            if not outcome.writes:
                raise
            raise DomainChangeError(
                f"{error} (after {', '.join(outcome.writes)} succeeded: the domain was changed in part)", outcome
            ) from error
        # A re-encryption is waited for when this task changed the key, or when it is to the key the task asks
        # for (a rerun after a timeout); never for one that a task without kms_key_id did not start.
        asks_for_key = plan.key_change or self.wanted.kms_key_id is not None
        if self.wait and asks_for_key and not plan.delete and update_status(outcome.after) == IN_PROGRESS:
            wait_for_encryption(self.client, outcome, self.clock, self.wait_timeout, new_key=plan.key_change)
        return outcome

    def _act(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        if plan.delete:  # a deletion and a creation are changes
            self._delete(outcome)
        elif plan.create:
            self._create(plan, outcome)
        elif plan.changed:
            self._update(plan, outcome)

    def _delete(self, outcome: DomainOutcome) -> None:
        """DeleteDomain; a deletion whose answer was lost and whose effect is found is this run's (delete_confirmed)."""
        if outcome.before is None:
            raise AssertionError("before is set by the plan")
        domain_id = str(outcome.before["domain_id"])
        deleted = self._journaled(
            "DeleteDomain", domain_id, functools.partial(delete_confirmed, self.client, domain_id)
        )
        if isinstance(deleted, Confirmed):
            deleted = outcome.answer_lost = True
        outcome.after = None
        if deleted:
            outcome.writes.append("DeleteDomain")

    def _create(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        kms_key_id = plan.kms_key_id
        if kms_key_id is None:
            raise AssertionError("plan.kms_key_id is set by the plan")
        token = str(uuid.uuid4())
        create = functools.partial(self.client.create_domain, name_to_send(self.wanted, None), kms_key_id, token)
        confirm = functools.partial(the_domain_named, self.client, name_to_send(self.wanted, None))
        written = functools.partial(create, plan.description, plan.tags_to_set)
        after = self._journaled(
            "CreateDomain", None, lambda: confirmed(written, "CreateDomain", confirm, outcome, self.warnings)
        )
        facts = after.value if isinstance(after, Confirmed) else dict(domain_facts(after), tags=dict(plan.tags_to_set))
        outcome.writes.append("CreateDomain")
        outcome.after = facts

    def _update(self, plan: DomainPlan, outcome: DomainOutcome) -> None:
        """UpdateDomain if the description or the key differs, then the tags (removed, then set)."""
        before = outcome.before
        if before is None:
            raise AssertionError("before is set by the plan")
        after = dict(before)
        domain_id = str(before["domain_id"])
        if plan.update:
            kms_key_id = plan.kms_key_id
            if kms_key_id is None:
                raise AssertionError("plan.kms_key_id is set by the plan")
            confirm = functools.partial(the_domain, self.client, domain_id)
            shows = functools.partial(shows_update, plan)
            written = functools.partial(
                self.client.update_domain, domain_id, name_to_send(self.wanted, before), kms_key_id, plan.description
            )
            updated = self._journaled(
                "UpdateDomain",
                domain_id,
                lambda: confirmed(written, "UpdateDomain", confirm, outcome, self.warnings, shows),
            )
            updated = updated.value if isinstance(updated, Confirmed) else domain_facts(updated)
            outcome.writes.append("UpdateDomain")
            after = dict(updated, tags=before.get("tags") or {})
            outcome.after = after
        arn = str(before.get("arn"))
        if plan.tags_to_unset:
            self._journaled("UntagResource", domain_id, lambda: self.client.untag_resource(arn, plan.tags_to_unset))
            outcome.writes.append("UntagResource")
        if plan.tags_to_set:
            self._journaled("TagResource", domain_id, lambda: self.client.tag_resource(arn, plan.tags_to_set))
            outcome.writes.append("TagResource")
        after["tags"] = apply_tags(before.get("tags") or {}, plan.tags_to_set, plan.tags_to_unset)
        outcome.after = after


def gone_after(client: DomainClient, error: VoiceIDError, domain_id: str) -> bool:
    """Whether a deletion that may have been carried out (error.api_error.outcome_unknown) left the domain
    gone, by one DescribeDomain; False when that cannot be told."""
    if not error.api_error.outcome_unknown:
        return False
    try:
        return client.describe_domain(domain_id) is None
    except VoiceIDError:
        return False


def delete_confirmed(client: DomainClient, domain_id: str) -> Any:
    """DeleteDomain: False when the domain was already gone; Confirmed(True) when an attempt may have been
    carried out (answered 5xx, timed out, cut off) and the domain is then found gone, by the retry's
    ResourceNotFoundException or by one DescribeDomain: this run deleted it, its answer was lost."""
    try:
        return client.delete_domain(domain_id)
    except VoiceIDError as error:
        if not (error.api_error.deleted_by_lost_attempt("DOMAIN") or gone_after(client, error, domain_id)):
            raise
        return Confirmed(True)


def confirmed(
    write: Callable[[], Any],
    operation: str,
    confirm: Callable[[], Optional[DomainFacts]],
    outcome: DomainOutcome,
    warnings: List[str],
    done: Callable[[DomainFacts], bool] = lambda after: True,
) -> Any:
    """The write's answer, or Confirmed(the domain as read again) when its answer was lost or broken and a read
    shows the write (confirmed_write)."""
    try:
        return write()
    except VoiceIDError as error:
        return Confirmed(confirmed_write(operation, error, confirm, outcome, warnings, done))


class Journaled:
    """Makes the writes of a task about the domain called name (None: named by its id alone), journaled."""

    def __init__(self, journal: AnyJournal, name: Optional[str]) -> None:
        self.journal = journal
        self.name = name

    def __call__(self, operation: str, domain_id: Optional[str], call: Callable[[], T]) -> T:
        return journaled(self.journal, self.name, operation, domain_id, call)


def journaled(
    journal: AnyJournal, name: Optional[str], operation: str, domain_id: Optional[str], call: Callable[[], T]
) -> T:
    """Make one write of a domain named name, journaled: `sent` before it leaves; `done` once answered (with
    the id the answer gives a new domain), or `failed` with its code (DeleteDomain answers False when the
    domain was gone: ResourceNotFoundException)."""
    try:
        journal.sent(operation, domain_id, name=name)
    except OSError as error:
        raise journal_unwritable(error) from error
    try:
        result = call()
    except VoiceIDError as error:
        journal.failed(operation, domain_id, error=error.api_error.code, name=name)
        raise
    if result is False:
        journal.failed(operation, domain_id, error="ResourceNotFoundException", name=name)
    elif isinstance(result, Confirmed):
        value = result.value
        confirmed_id = value.get("domain_id") if isinstance(value, dict) else None
        extra: Dict[str, Any] = {"answer_lost": True} if operation == "DeleteDomain" else {}
        journal.done(
            operation, str(confirmed_id) if confirmed_id else domain_id, name=name, confirmed_by="read", **extra
        )
    else:
        answered_id = result.get("DomainId") if isinstance(result, dict) else None
        journal.done(operation, str(answered_id) if answered_id else domain_id, name=name)
    return result


def wait_for_encryption(
    client: DomainClient, outcome: DomainOutcome, clock: Clock, timeout: float, new_key: bool = True
) -> None:
    """Poll DescribeDomain until the re-encryption is no longer IN_PROGRESS; fail on FAILED and on timeout.
    new_key: this task changed the key (else it waits for an earlier change to the key it asks for). A timeout
    of 0 does not wait: one read of the status, which fails the task only when the re-encryption failed."""
    if outcome.after is None:
        raise AssertionError("outcome.after is set by the plan")
    domain_id = str(outcome.after["domain_id"])
    tags = outcome.after.get("tags") or {}
    if timeout <= 0:
        _poll(client, outcome, domain_id, tags)
        return
    deadline = clock.monotonic() + timeout
    pause = _FIRST_POLL
    while True:
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise DomainChangeError(
                f"Timed out after {timeout:g} seconds waiting for Voice ID to re-encrypt domain {domain_id} with"
                f" {'its new KMS key' if new_key else 'the KMS key the task asks for'} (update_status still"
                f" {IN_PROGRESS}). The re-encryption goes on at AWS; run the task again (with a longer wait_timeout)"
                " to wait for it",
                outcome,
            )
        clock.sleep(min(pause, remaining))
        pause = min(pause * 2, _LONGEST_POLL)
        if _poll(client, outcome, domain_id, tags) != IN_PROGRESS:
            return


def _poll(client: DomainClient, outcome: DomainOutcome, domain_id: str, tags: Dict[str, str]) -> Optional[str]:
    """One read of the domain's re-encryption into outcome.after: its status; raises when it FAILED."""
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
    return status
