#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_watchlist
short_description: Manage the fraudster watchlists of an Amazon Connect Voice ID domain
version_added: 0.1.0
description:
  - Creates, updates and deletes a fraudster watchlist of an Amazon Connect Voice ID domain, found by its name
    (O(name)) among the domain's watchlists (C(ListWatchlists)).
  - With O(state=present), a watchlist that does not exist is created (C(CreateWatchlist), with a client token, so
    that a retried request creates one watchlist only); an existing one is updated (C(UpdateWatchlist)) only
    when its description differs from O(description). The name is never changed.
  - With O(state=absent), the watchlist is deleted (C(DeleteWatchlist)) if it exists. The module first reads
    whether it holds fraudsters (one page of C(ListFraudsters)). Voice ID does not delete a watchlist that holds
    fraudsters (conflict type C(CANNOT_DELETE_NON_EMPTY_WATCHLIST)); the task then fails before any write, unless
    O(force) takes them out first.
  - Every domain has a default watchlist, which Voice ID can neither delete nor change. A task that would delete
    it, or change its description, fails before any write.
  - A domain holds at most 3 watchlists, the default one included (Voice ID's default quota). A creation beyond
    it fails with C(ServiceQuotaExceededException) and a warning that says why.
  - Watchlist names are sensitive to AWS (its model marks them so). The module's messages and warnings name a
    watchlist by its id, never by its name; RV(watchlist) holds the name.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  name:
    description:
      - The name of the watchlist, 1 to 256 letters, digits, C(_) or C(-), starting with a letter or digit.
        Names are unique in a domain and matched exactly.
    type: str
    required: true
  description:
    description:
      - The description of the watchlist, 1 to 1024 letters, digits, spaces and the characters C(_.:/=+-%@).
      - Left out, the current description is kept (and a new watchlist has none). Voice ID cannot remove a
        watchlist's description, so an empty string is refused.
    type: str
  state:
    description:
      - V(present) creates or updates the watchlist, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), take the watchlist's fraudsters out of it before deleting it, as Voice ID requires.
        The module lists them (C(ListFraudsters)) and reads each one (C(DescribeFraudster)). A fraudster that
        belongs to another watchlist too is disassociated from this one (C(DisassociateFraudster)) and stays in
        the others.
      - B(A fraudster that belongs to this watchlist only is deleted) (C(DeleteFraudster)), as Voice ID keeps no
        fraudster outside a watchlist. That erases its voiceprint, for good. To keep such a fraudster, add it to
        another watchlist first (M(speakerops.voiceid.voiceid_fraudster)).
      - RV(disassociated_fraudster_ids) and RV(deleted_fraudster_ids) say which fraudsters were taken out how, and
        the task's C(msg) how many. In check mode they say what the task would do, and nothing is changed.
      - When a fraudster cannot be taken out, the watchlist is not deleted and the task fails; RV(failures) names
        those fraudsters, and the others stay taken out. Running the task again takes out the rest.
      - Fraudsters are changed at the rates of O(request_rates); each write is journaled (O(journal), its lines
        with C(fraudster_id) and C(watchlist_id)) and, when its answer is lost, confirmed by C(DescribeFraudster),
        as M(speakerops.voiceid.voiceid_fraudster) does.
      - Has no effect with O(state=present), or on a watchlist that holds no fraudster.
    type: bool
    default: false
  request_rates:
    suboptions:
      list_domains:
        description: Requests per second of C(ListDomains), called only with O(domain_name); the default quota
          is 2.
        type: float
      list_watchlists:
        description: Requests per second of C(ListWatchlists), in pages of 100; AWS publishes no quota for it,
          the default is 2.
        type: float
      list_fraudsters:
        description: Requests per second of C(ListFraudsters), called before a deletion; AWS publishes no quota for
          it, the default is 2.
        type: float
      create_watchlist:
        description: Requests per second of C(CreateWatchlist); AWS publishes no quota for it, the default is 2.
        type: float
      update_watchlist:
        description: Requests per second of C(UpdateWatchlist); AWS publishes no quota for it, the default is 2.
        type: float
      delete_watchlist:
        description: Requests per second of C(DeleteWatchlist); AWS publishes no quota for it, the default is 2.
        type: float
      describe_fraudster:
        description: Requests per second of C(DescribeFraudster), called with O(force); the default quota is 10.
        type: float
      disassociate_fraudster:
        description: Requests per second of C(DisassociateFraudster), called with O(force); AWS publishes no quota
          for it, the default is 2.
        type: float
      delete_fraudster:
        description: Requests per second of C(DeleteFraudster), called with O(force); the default quota is 10.
        type: float
notes:
  - A write whose answer is lost (an internal server error, a read timeout or a connection closed after the
    request was sent) is retried; when no attempt is answered, the module reads the watchlists again
    (C(ListWatchlists)) and reports the write as made when the read shows it. A retried C(CreateWatchlist) sends
    the same client token, so that Voice ID creates one watchlist only.
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
  - module: speakerops.voiceid.voiceid_watchlist_info
  - module: speakerops.voiceid.voiceid_fraudster_info
  - module: speakerops.voiceid.voiceid_domain
  - name: CreateWatchlist API reference
    description: The Voice ID API that this module calls to create a watchlist.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_CreateWatchlist.html
  - name: UpdateWatchlist API reference
    description: The Voice ID API that this module calls to change a watchlist.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_UpdateWatchlist.html
  - name: DeleteWatchlist API reference
    description: The Voice ID API that this module calls to delete a watchlist.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_DeleteWatchlist.html
"""

EXAMPLES = r"""
- name: A watchlist for the fraudsters of the chargeback team
  speakerops.voiceid.voiceid_watchlist:
    domain_name: contact-center
    name: chargeback-fraud
    description: Fraudsters reported by the chargeback team
    region: eu-west-2
  register: voiceid_watchlist

- name: Change its description
  speakerops.voiceid.voiceid_watchlist:
    domain_id: "{{ voiceid_watchlist.watchlist.domain_id }}"
    name: chargeback-fraud
    description: Fraudsters reported by the chargeback and the support teams

- name: Delete it (Voice ID refuses while it holds fraudsters)
  speakerops.voiceid.voiceid_watchlist:
    domain_name: contact-center
    name: chargeback-fraud
    state: absent

- name: Retire a watchlist that holds fraudsters; those in no other watchlist are deleted with it
  speakerops.voiceid.voiceid_watchlist:
    domain_name: contact-center
    name: vip-fraud
    state: absent
    force: true
  register: retired

- name: Keep which fraudsters were deleted (erased) and which only left the watchlist
  ansible.builtin.copy:
    content: >-
      {{ {'deleted': retired.deleted_fraudster_ids, 'disassociated': retired.disassociated_fraudster_ids}
         | to_nice_json }}
    dest: exports/retired-watchlist.json
    mode: "0600"
  delegate_to: localhost
"""

RETURN = r"""
watchlist:
  description:
    - The watchlist after the task, with the keys of
      RV(speakerops.voiceid.voiceid_watchlist_info#module:watchlists). In check mode, what the task would make of
      it (without what only the service can know, such as the id of a new watchlist).
    - With O(state=absent), the watchlist as it was before it was deleted; empty when there was none.
  returned: success
  type: dict
  contains:
    watchlist_id:
      description: The identifier of the watchlist.
      returned: when the watchlist exists
      type: str
      sample: WaTcHlIsTiDaBcDeFgHiJk
    name:
      description: The name of the watchlist.
      returned: always
      type: str
      sample: chargeback-fraud
    description:
      description: The description of the watchlist.
      returned: when the watchlist has one
      type: str
      sample: Fraudsters reported by the chargeback team
    default_watchlist:
      description: Whether this is the domain's default watchlist.
      returned: when the service reports it
      type: bool
      sample: false
    domain_id:
      description: The identifier of the domain.
      returned: when the service reports it
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    created_at:
      description: When the watchlist was created, ISO 8601 in UTC.
      returned: when the watchlist exists
      type: str
      sample: "2024-11-05T10:00:00+00:00"
    updated_at:
      description: When the watchlist was last updated, ISO 8601 in UTC.
      returned: when the watchlist exists and the task did not just change it in check mode
      type: str
      sample: "2025-02-01T08:15:00+00:00"
answer_lost:
  description:
    - V(true) when the task deleted the watchlist but the answer to C(DeleteWatchlist) was lost, though the
      watchlist existed when the task read it, the task sent the deletion, and a later answer found it gone. The
      task reports V(changed=true).
  returned: with O(state=absent), when the answer to the deletion was lost
  type: bool
  sample: true
disassociated_fraudster_ids:
  description:
    - With O(force), the fraudsters taken out of the watchlist that stay in their other watchlists (in check
      mode, those the task would take out).
  returned: with O(force), when the watchlist held fraudsters
  type: list
  elements: str
  sample: ["id#AbCdEfGhIjKlMnOpQrStUv"]
deleted_fraudster_ids:
  description:
    - With O(force), the fraudsters deleted because the watchlist was their only one (in check mode, those the
      task would delete).
  returned: with O(force), when the watchlist held fraudsters
  type: list
  elements: str
  sample: ["id#ZyXwVuTsRqPoNmLkJiHgFe"]
failures:
  description:
    - With O(force), the fraudsters that could not be taken out of the watchlist, which was then not deleted.
  returned: with O(force), when the watchlist held fraudsters
  type: list
  elements: dict
  contains:
    fraudster_id:
      description: The fraudster's id.
      type: str
      sample: id#AbCdEfGhIjKlMnOpQrStUv
    code:
      description: The error code of the service's answer.
      type: str
      sample: AccessDeniedException
    message:
      description: The error code and the service's message (and the conflict or resource type).
      type: str
      sample: "AccessDeniedException: User is not authorized to perform voiceid:DeleteFraudster"
summary:
  description:
    - How the run went with the service.
  returned: success
  type: dict
  contains:
    throttled:
      description:
        - The throttled answers the service gave during the task. Throttled requests are retried until they
          succeed; many throttled answers say that O(request_rates) is above the account's quota.
      type: int
      sample: 0
    retried:
      description: The requests sent more than once (after a throttled answer, a fault or no answer).
      type: int
      sample: 0
"""

from typing import Any
from typing import Dict

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import JOURNAL_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import resolve_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import ending
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import open_journal
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import resource_start
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_options
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_watchlist_description
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_watchlist_name
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.plan import WantedWatchlist
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.run import WatchlistChangeError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.run import WatchlistRun

OPERATIONS = (
    "list_domains",
    "list_watchlists",
    "list_fraudsters",
    "create_watchlist",
    "update_watchlist",
    "delete_watchlist",
    "describe_fraudster",
    "disassociate_fraudster",
    "delete_fraudster",
)


def check_options(params: Dict[str, Any]) -> WantedWatchlist:
    """The options as a WantedWatchlist, after checking them against the service's rules (no call made yet)."""
    check_domain_options(params["domain_id"], params["domain_name"])
    check_watchlist_name("name", params["name"])
    if params["description"] is not None:
        check_watchlist_description("description", params["description"])
    return WantedWatchlist(
        name=params["name"], state=params["state"], description=params["description"], force=params["force"]
    )


def main() -> None:
    spec = DOMAIN_SPEC.merge(
        ArgumentSpec(
            {
                "name": {"type": "str", "required": True},
                "description": {"type": "str"},
                "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
                "force": {"type": "bool", "default": False},
            }
        ),
        JOURNAL_SPEC,
        request_rates_spec(*OPERATIONS),
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    params = module.params

    with module.failing_on_errors():
        wanted = check_options(params)
        rates = check_request_rates("request_rates", params["request_rates"], may_be_zero=())
        client = module.watchlist_client(limiter=RequestRateLimiter(rates))
        journal = open_journal(
            params["journal"],
            module._name,
            resource_start(params["domain_id"], params["name"], params["state"], module.check_mode),
        )

    summary: Dict[str, Any] = {}
    with ending(journal, summary):
        with module.failing_on_errors():
            domain_id = resolve_domain_id(client, domain_id=params["domain_id"], domain_name=params["domain_name"])
        with module.failing_on_errors(context=f" in domain {domain_id}"):
            run = WatchlistRun(client, domain_id, wanted, module.check_mode, journal=journal)
            try:
                outcome = run.run()
            except Exception as error:
                for warning in run.warnings:  # before the module fails, so that the result carries them
                    module.warn(warning)
                if isinstance(error, WatchlistChangeError):
                    summary.update(
                        changed=error.outcome.changed, writes=error.outcome.writes, **client.request_counts()
                    )
                    module.fail_json(
                        msg=error.message,
                        diff=error.outcome.diff(),
                        summary=client.request_counts(),
                        **error.outcome.result(),
                    )
                raise
            for warning in run.warnings:
                module.warn(warning)
        summary.update(changed=outcome.changed, writes=outcome.writes, **client.request_counts())
        lost = journal.lost()
        if lost is not None:
            module.warn(lost)
        taken_out = outcome.taken_out_text(module.check_mode)
        if taken_out is not None:
            module.exit_json(msg=taken_out, diff=outcome.diff(), summary=client.request_counts(), **outcome.result())
        module.exit_json(diff=outcome.diff(), summary=client.request_counts(), **outcome.result())


if __name__ == "__main__":
    main()
