#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_fraudster
short_description: Manage the watchlists of fraudsters of Amazon Connect Voice ID, or delete fraudsters
version_added: 0.1.0
description:
  - Makes sure fraudsters of an Amazon Connect Voice ID domain belong to the watchlists named
    (O(state=present)), or are deleted (O(state=absent)), one fraudster or many in one task.
  - Fraudsters cannot be created through the Voice ID API (they are registered from contact recordings, in
    Amazon Connect); O(state=present) on a fraudster that does not exist fails for that fraudster.
  - Describes each fraudster first (C(DescribeFraudster)) and writes only what differs, so every run after the
    first changes nothing.
  - O(state=absent) calls C(DeleteFraudster) for every fraudster that exists, which erases its voiceprint; a
    fraudster that does not exist is left alone.
  - A fraudster always belongs to at least one watchlist. The module associates a fraudster with every watchlist
    it is missing (C(AssociateFraudster)) before it disassociates it from others (C(DisassociateFraudster), with
    O(purge_watchlists)), so a fraudster is never left in no watchlist, even by a task that fails halfway.
  - A fraudster named twice in O(fraudster_ids) is read and written once, and answered at each place.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  state:
    description:
      - V(present) makes sure each fraudster exists and, with O(watchlists), belongs to those watchlists.
      - V(absent) makes sure each fraudster is deleted, with its voiceprint.
    type: str
    choices: [present, absent]
    default: present
  fraudster_id:
    description:
      - The fraudster, by the id Voice ID generated for it (C(id#) followed by 22 letters or digits).
      - Exactly one of O(fraudster_id) and O(fraudster_ids) is required.
    type: str
  fraudster_ids:
    description:
      - Many fraudsters at once, each as in O(fraudster_id), in one task and at the speed the service's request
        quotas allow.
      - Every id is checked before any call; what happens to invalid ones is O(on_invalid)'s choice.
      - One fraudster's failure never stops the others. If any failed, the task fails at the end, counting them
        by error code (C(msg) never names a fraudster id), and RV(failures) says which and why; the others are
        handled, and a rerun converges.
      - An error that concerns the whole domain (deleted, suspended), an endpoint that never answers, or
        C(SIGINT)/C(SIGTERM) stops the run; the task then fails and still returns every write already made.
    type: list
    elements: str
  on_invalid:
    description:
      - What to do with ids of O(fraudster_ids) that break the service's rules (checked before any call).
      - V(fail) fails the task before any call. Its message names the positions of the invalid ids (the first
        20, as in C(fraudster_ids[3])) and the rule each breaks, never their values; RV(invalid) lists them.
      - V(skip) leaves them out, warns by position, and goes on with the valid ids. RV(invalid) lists them and
        RV(summary) counts them; RV(fraudsters) has no entry for them.
      - An invalid O(fraudster_id) always fails the task.
    type: str
    choices: [fail, skip]
    default: fail
  watchlists:
    description:
      - With O(state=present), the watchlists each fraudster must belong to, by id or by name. An entry is taken
        as an id when it is the id of one of the domain's watchlists, else as a name (C(ListWatchlists) reads
        them before any write).
      - An entry that names no watchlist of the domain fails the task before any write; the message gives its
        position (C(watchlists[1])), never the name, which AWS marks sensitive.
      - Without it, O(state=present) only checks that each fraudster exists.
      - Not allowed with O(state=absent).
    type: list
    elements: str
  purge_watchlists:
    description:
      - With O(watchlists), also take each fraudster out of every watchlist not named, after the associations.
      - Needs at least one entry in O(watchlists), since a fraudster must belong to a watchlist.
    type: bool
    default: false
  request_rates:
    suboptions:
      describe_fraudster:
        description: Requests per second of C(DescribeFraudster); the default quota is 10.
        type: float
      delete_fraudster:
        description: Requests per second of C(DeleteFraudster), called only with O(state=absent); the default
          quota is 10.
        type: float
      associate_fraudster:
        description: Requests per second of C(AssociateFraudster), called only with O(watchlists); AWS publishes
          no quota for it, the default is 2.
        type: float
      disassociate_fraudster:
        description: Requests per second of C(DisassociateFraudster), called only with O(purge_watchlists); AWS
          publishes no quota for it, the default is 2.
        type: float
      list_watchlists:
        description: Requests per second of C(ListWatchlists), called only with O(watchlists); AWS publishes no
          quota for it, the default is 2.
        type: float
      list_domains:
        description: Requests per second of C(ListDomains), called only with O(domain_name); the default quota
          is 2.
        type: float
notes:
  - Fraudster ids are biometric records of people (AWS marks them sensitive). Use C(no_log) on tasks whose logs
    leave the team; C(msg) and warnings never carry a fraudster id, and RV(summary) only counts.
  - Because associations come first, a fraudster already in as many watchlists as the service allows cannot be
    moved to another in one task (the association fails with C(ServiceQuotaExceededException)); run one task
    that keeps it in one of its current watchlists with O(purge_watchlists), then one that moves it.
  - With O(journal), each write line has C(fraudster_id) and, for an association or a disassociation,
    C(watchlist_id) (no C(speaker_id)).
extends_documentation_fragment:
  - speakerops.voiceid._voiceid
  - speakerops.voiceid._voiceid.domain
  - speakerops.voiceid._voiceid.REQUEST_RATES
  - speakerops.voiceid._voiceid.JOURNAL
  - speakerops.voiceid._voiceid.WRITE_MODULE
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - speakerops.voiceid._requirements
seealso:
  - module: speakerops.voiceid.voiceid_fraudster_info
  - module: speakerops.voiceid.voiceid_watchlist_info
  - module: speakerops.voiceid.voiceid_speaker
  - ref: ansible_collections.speakerops.voiceid.docsite.privacy
    description: Ids of people are personal data; keeping them out of logs.
  - name: DeleteFraudster API reference
    description: The Voice ID API that O(state=absent) calls.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_DeleteFraudster.html
  - name: AssociateFraudster API reference
    description: The Voice ID API that adds a fraudster to a watchlist.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_AssociateFraudster.html
"""

EXAMPLES = r"""
- name: Erase a fraudster's voiceprint
  speakerops.voiceid.voiceid_fraudster:
    domain_name: contact-center
    fraudster_id: "{{ fraudster_erasure_id }}"
    state: absent
  no_log: true  # fraudster ids are biometric records of people

- name: Make sure a fraudster is on the vip-fraud watchlist (by name), keeping its other watchlists
  speakerops.voiceid.voiceid_fraudster:
    domain_id: "{{ voiceid_domain_id }}"
    fraudster_id: "{{ fraudster_id }}"
    watchlists: [vip-fraud]

- name: Keep fraudsters on this watchlist only (by id), at the quotas' speed
  speakerops.voiceid.voiceid_fraudster:
    domain_id: "{{ voiceid_domain_id }}"
    fraudster_ids: "{{ fraudster_ids }}"
    watchlists: ["{{ watchlist_id }}"]
    purge_watchlists: true
  no_log: true
  register: moved

- name: Show what the move did (counts only)
  ansible.builtin.debug:
    var: moved.summary

- name: See which fraudsters would be deleted, without deleting any
  speakerops.voiceid.voiceid_fraudster:
    domain_id: "{{ voiceid_domain_id }}"
    fraudster_ids: "{{ fraudster_ids }}"
    state: absent
  check_mode: true
  diff: true
  register: preview
"""

RETURN = r"""
fraudster:
  description:
    - With O(state=present), the fraudster's facts as the service reports them after the last write (in check
      mode, as predicted); with O(state=absent), as read before the deletion. Only its id and domain when the
      domain has no such fraudster.
  returned: with O(fraudster_id)
  type: dict
  contains: &fraudster_facts
    generated_fraudster_id:
      description: The service-generated identifier of the fraudster.
      returned: always
      type: str
      sample: id#AbCdEfGhIjKlMnOpQrStUv
    watchlist_ids:
      description: The identifiers of the watchlists the fraudster belongs to.
      returned: when the fraudster exists
      type: list
      elements: str
      sample: ["AbCdEfGhIjKlMnOpQrStUv"]
    domain_id:
      description: The identifier of the domain that holds the fraudster.
      returned: always
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    created_at:
      description: When the fraudster was created, ISO 8601 in UTC.
      returned: when the fraudster exists
      type: str
      sample: "2025-03-01T09:30:00+00:00"
    answer_lost:
      description:
        - V(true) when a write of the fraudster was made but its answer was lost (an internal server error, a
          read timeout or a connection closed after the request was sent), and a later answer confirmed it (a
          deletion's retry that finds the fraudster gone, or C(DescribeFraudster)).
      returned: when the answer to one of the fraudster's writes was lost
      type: bool
      sample: true
fraudsters:
  description:
    - With O(fraudster_ids), one entry per requested id, in request order, duplicates included, with the keys of
      RV(fraudster) and RV(fraudsters[].requested_id).
    - No entry for an id that O(on_invalid=skip) left out (see RV(invalid)).
  returned: with O(fraudster_ids)
  type: list
  elements: dict
  contains:
    <<: *fraudster_facts
    requested_id:
      description: The id this entry answers, exactly as given in O(fraudster_ids).
      returned: always
      type: str
      sample: id#AbCdEfGhIjKlMnOpQrStUv
summary:
  description:
    - Counts only, never an id, so that it can be shown after a C(no_log) task.
    - C(requested) equals C(invalid) + C(duplicates) + C(changed) + C(unchanged) + C(failed).
  returned: unless the task fails before working on the fraudsters (invalid options, a domain not found)
  type: dict
  contains:
    requested:
      description: How many ids were given (1 with O(fraudster_id)), duplicates and invalid ones included.
      type: int
      sample: 40
    invalid:
      description: How many ids O(on_invalid=skip) left out.
      type: int
      sample: 0
    duplicates:
      description: How many ids repeated one given before them.
      type: int
      sample: 0
    changed:
      description: How many distinct fraudsters were changed (in check mode, would be), as in
        RV(changed_fraudster_ids).
      type: int
      sample: 38
    unchanged:
      description: How many distinct fraudsters needed nothing.
      type: int
      sample: 1
    failed:
      description: How many distinct fraudsters could not be brought to the state, as in RV(failures).
      type: int
      sample: 1
    failed_by_code:
      description: The failed ids counted by error code.
      type: dict
      sample: {"ResourceNotFoundException": 1}
    throttled:
      description: The throttled answers the service gave during the task (each retried).
      type: int
      sample: 0
    retried:
      description: The requests sent more than once (after a throttled answer, a fault or no answer).
      type: int
      sample: 0
invalid:
  description:
    - The ids of O(fraudster_ids) that break the service's rules, in list order. With O(on_invalid=skip) they
      were left out; with O(on_invalid=fail) (returned with the failure) nothing was called.
  returned: with O(on_invalid=skip), or when invalid ids failed the task
  type: list
  elements: dict
  contains:
    index:
      description: The id's position in O(fraudster_ids), from 0.
      type: int
      sample: 3
    fraudster_id:
      description: The id as given.
      type: str
      sample: id#short
    rule:
      description: What is wrong with it, in words that do not repeat it.
      type: str
      sample: has 8 characters, not 25
changed_fraudster_ids:
  description: The requested ids of the fraudsters whose every write succeeded (in check mode, would).
  returned: with O(fraudster_ids)
  type: list
  elements: str
  sample: ["id#AbCdEfGhIjKlMnOpQrStUv"]
answers_lost:
  description: How many fraudsters had a write confirmed by a later answer, its own answer lost.
  returned: with O(fraudster_ids), when the answer to a write was lost
  type: int
  sample: 1
failures:
  description:
    - The fraudsters that could not be brought to the state, and why. A fraudster with some of its writes made
      before one failed is here, its writes made in RV(failures[].writes_made); no id is in both this and
      RV(changed_fraudster_ids).
  returned: with O(fraudster_ids)
  type: list
  elements: dict
  contains:
    fraudster_id:
      description: The fraudster id as requested.
      type: str
      sample: id#AbCdEfGhIjKlMnOpQrStUv
    code:
      description: The AWS error code (C(Interrupted) when a signal stopped the run before this fraudster was done).
      type: str
      sample: ResourceNotFoundException
    message:
      description: The error code and the service's message (and the conflict or resource type).
      type: str
      sample: "ResourceNotFoundException: no fraudster has this id in the domain (resource type FRAUDSTER)"
    writes_made:
      description:
        - The writes made for this fraudster before one failed (its associations, when a disassociation
          failed), in order; the service carried them out. Absent when none was made.
      type: list
      elements: dict
      returned: when some of the fraudster's writes were made
      contains:
        operation:
          description: The API operation.
          type: str
          sample: AssociateFraudster
        watchlist_id:
          description: The watchlist it associated or disassociated.
          type: str
          sample: VipWatchlist0000000001
writes_made:
  description:
    - With O(fraudster_id), when the fraudster failed after some of its writes were made (its associations, when a
      disassociation failed), those writes, in order; the service carried them out.
  returned: when a single fraudster failed after some of its writes were made
  type: list
  elements: dict
  contains:
    operation:
      description: The API operation.
      type: str
      sample: AssociateFraudster
    watchlist_id:
      description: The watchlist it associated or disassociated.
      type: str
      sample: VipWatchlist0000000001
diff:
  description:
    - In diff mode, each fraudster a write changed (in check mode, would change), by id, with its watchlist ids
      before and after (C(absent) once deleted).
  returned: in diff mode
  type: dict
  sample: {"before": {"id#AbCdEfGhIjKlMnOpQrStUv": ["AbCdEfGhIjKlMnOpQrStUv"]},
           "after": {"id#AbCdEfGhIjKlMnOpQrStUv": "absent"}}
"""

import functools
from typing import Any
from typing import Dict
from typing import List
from typing import NoReturn
from typing import Optional
from typing import Set

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import REDACTED_FRAUDSTER_ID
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.watchlist_client import WatchlistClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import JOURNAL_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ON_INVALID_CHOICES
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ON_INVALID_SKIP
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.signals import stopping_on_signals
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.summary import one_summary
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.bulk.summary import summary
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import resolve_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import STATE_PRESENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import STATES
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import RunResult
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import decide
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.plan import write_made
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.run import run_fraudsters
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import AnyJournal
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import bulk_start
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import ending
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import open_journal
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import FRAUDSTER_IDS
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import MOST_NAMED
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import WATCHLIST_NAME_RULE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidId
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_options
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_fraudster_options
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import is_valid_domain_name
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import skipped_warning

# What the messages say the fraudsters were, by state.
DONE = {STATE_PRESENT: "updated", STATE_ABSENT: "deleted"}
# The journal's start line names one operation for the run (each write line names its own).
START_OPERATION = {STATE_PRESENT: "AssociateFraudster", STATE_ABSENT: "DeleteFraudster"}


def check_membership_options(state: str, watchlists: Optional[List[str]], purge: bool) -> None:
    """watchlists and purge_watchlists: for present only; purge needs a watchlist; each entry a possible
    watchlist id or name (positions only in the message: names are sensitive)."""
    if state == STATE_ABSENT and (watchlists is not None or purge):
        raise InvalidParameterError("watchlists and purge_watchlists apply to state=present only")
    if purge and not watchlists:
        raise InvalidParameterError(
            "purge_watchlists needs at least one entry in watchlists: a fraudster must belong to at least one watchlist"
        )
    wrong = [f"watchlists[{index}]" for index, entry in enumerate(watchlists or []) if not is_valid_domain_name(entry)]
    if wrong:
        raise InvalidParameterError(
            f"watchlists must each be a watchlist id or a watchlist name, {WATCHLIST_NAME_RULE}; these are not:"
            f" {', '.join(wrong[:MOST_NAMED])}"
        )


def resolve_watchlists(client: WatchlistClient, domain_id: str, entries: List[str]) -> Set[str]:
    """The ids of the watchlists the entries name (an entry is an id when a watchlist of the domain has it, else
    a name); InvalidParameterError by position for an entry that names none (before any write)."""
    by_id: Dict[str, str] = {}
    by_name: Dict[str, str] = {}
    for watchlist in client.list_watchlists(domain_id):
        by_id[watchlist["WatchlistId"]] = watchlist["WatchlistId"]
        if isinstance(watchlist.get("Name"), str):
            by_name.setdefault(watchlist["Name"], watchlist["WatchlistId"])
    wanted: Set[str] = set()
    unknown: List[str] = []
    for index, entry in enumerate(entries):
        found = by_id.get(entry) or by_name.get(entry)
        if found is None:
            unknown.append(f"watchlists[{index}]")
        else:
            wanted.add(found)
    if unknown:
        raise InvalidParameterError(
            f"{len(unknown)} of watchlists name no watchlist of domain {domain_id}, by id or by name:"
            f" {', '.join(unknown[:MOST_NAMED])}; nothing was changed"
        )
    return wanted


def run_fraudster_task(module: VoiceIDModule) -> NoReturn:
    params = module.params
    with module.failing_on_errors():
        # Every option is checked before the first call; the journal is opened (its `start` line written).
        check_domain_options(params["domain_id"], params["domain_name"])
        skipped = check_fraudster_options(
            params["fraudster_id"], params["fraudster_ids"], skip_invalid=params["on_invalid"] == ON_INVALID_SKIP
        )
        check_membership_options(params["state"], params["watchlists"], params["purge_watchlists"])
        rates = check_request_rates("request_rates", params["request_rates"])
        requested = len(params["fraudster_ids"]) if params["fraudster_ids"] is not None else 1
        client = WatchlistClient(module._boto_client(), limiter=RequestRateLimiter(rates))
        journal = open_journal(
            params["journal"],
            module._name,
            bulk_start(START_OPERATION[params["state"]], params["state"], params, requested, module.check_mode),
        )

    counts: Dict[str, Any] = {"requested": requested}
    with ending(journal, counts):
        _run(module, client, journal, counts, skipped)


def _run(
    module: VoiceIDModule,
    client: WatchlistClient,
    journal: AnyJournal,
    counts: Dict[str, Any],
    skipped: List[InvalidId],
) -> NoReturn:
    params = module.params
    state = params["state"]
    bulk = params["fraudster_ids"] is not None
    invalid = {item.index for item in skipped}
    ids = (
        [fraudster_id for index, fraudster_id in enumerate(params["fraudster_ids"]) if index not in invalid]
        if bulk
        else [params["fraudster_id"]]
    )
    with stopping_on_signals(client):
        with module.failing_on_errors():
            domain_id = resolve_domain_id(client, params["domain_id"], params["domain_name"])
            wanted = resolve_watchlists(client, domain_id, params["watchlists"]) if params["watchlists"] else None
        decider = functools.partial(decide, state, wanted=wanted, purge=params["purge_watchlists"])
        outcome = run_fraudsters(client, domain_id, ids, state, decider, module.check_mode, journal)

    lost = journal.lost()
    if lost is not None:
        module.warn(lost)
    if not bulk:
        _exit_one(module, client, outcome, counts)
    result: Dict[str, Any] = {"changed": outcome.changed, "fraudsters": list(outcome.iter_fraudsters())}
    result["changed_fraudster_ids"] = outcome.changed_fraudster_ids
    result["failures"] = outcome.failures
    if outcome.answers_lost:
        result["answers_lost"] = outcome.answers_lost
    duplicates = len(ids) - len(outcome.records)
    changed = len(outcome.changed_fraudster_ids)
    result["summary"] = dict(
        summary(counts["requested"], len(skipped), duplicates, changed, outcome.failed_codes),
        **client.request_counts(),
    )
    counts.update(result["summary"])
    if outcome.abort is not None:
        counts["stopped"] = outcome.abort.code
    if params["on_invalid"] == ON_INVALID_SKIP:
        result["invalid"] = [item.as_result() for item in skipped]
    if module._diff:
        result["diff"] = outcome.diff()
    if skipped:
        module.warn(skipped_warning(FRAUDSTER_IDS, skipped))
    message = outcome.failure_message(DONE[state], explain=module.explain, region=client.region)
    if message:
        module.fail_json(msg=message, **result)
    module.exit_json(**result)


def _exit_one(module: VoiceIDModule, client: WatchlistClient, outcome: RunResult, counts: Dict[str, Any]) -> NoReturn:
    """The result of a task on one fraudster (fraudster_id)."""
    record = outcome.one()
    failure = record.failure
    fraudster = dict(outcome.facts(record))
    if record.answer_lost:
        fraudster["answer_lost"] = True
    result: Dict[str, Any] = {
        "changed": outcome.changed,
        "fraudster": fraudster,
        "summary": dict(one_summary(record.changed, failure.code if failure else None), **client.request_counts()),
    }
    counts.update(result["summary"])
    if module._diff:
        result["diff"] = outcome.diff()
    if failure is not None:
        verb = "delete" if outcome.state == STATE_ABSENT else "update"
        done = ""
        if record.done:
            result["writes_made"] = [write_made(call) for call in record.done]
            done = " after some of its writes were made (see writes_made)"
        # The one failure of the collection's modules: code, message and types in `error`, the fraudster id
        # redacted from what the service said.
        error = VoiceIDError(f"Failed to {verb} the fraudster in domain {outcome.domain_id}{done}", api_error=failure)
        module.fail_voiceid(error, "", {record.fraudster_id}, REDACTED_FRAUDSTER_ID, **result)
    module.exit_json(**result)


def main() -> None:
    spec = DOMAIN_SPEC.merge(
        ArgumentSpec(
            {
                "fraudster_id": {"type": "str"},
                "fraudster_ids": {"type": "list", "elements": "str"},
                "on_invalid": {"type": "str", "choices": list(ON_INVALID_CHOICES), "default": "fail"},
                "state": {"type": "str", "choices": list(STATES), "default": STATE_PRESENT},
                "watchlists": {"type": "list", "elements": "str"},
                "purge_watchlists": {"type": "bool", "default": False},
            },
            mutually_exclusive=[("fraudster_id", "fraudster_ids")],
            required_one_of=[("fraudster_id", "fraudster_ids")],
        ),
        JOURNAL_SPEC,
        request_rates_spec(
            "describe_fraudster",
            "delete_fraudster",
            "associate_fraudster",
            "disassociate_fraudster",
            "list_watchlists",
            "list_domains",
        ),
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    run_fraudster_task(module)


if __name__ == "__main__":
    main()
