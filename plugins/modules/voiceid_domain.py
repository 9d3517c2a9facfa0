#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_domain
short_description: Manage Amazon Connect Voice ID domains
version_added: 0.1.0
description:
  - Creates, updates and deletes an Amazon Connect Voice ID domain, found by its name (O(domain_name)) in the
    account and region or by its id (O(domain_id)), with its description, the KMS key that encrypts its data, and
    its tags.
  - With O(state=present), a domain that does not exist is created (C(CreateDomain)); an existing one is
    updated (C(UpdateDomain)) only when its description or its KMS key differs, and its tags are changed
    (C(TagResource), C(UntagResource)) only for the keys that differ.
  - A new KMS key makes Voice ID re-encrypt the domain's data. With O(wait), the module returns when the
    re-encryption has completed, and fails if it failed or did not complete within O(wait_timeout).
  - With O(state=absent), the domain is deleted (C(DeleteDomain)) if it exists. Voice ID deletes a domain
    softly - its data is erased after 30 days, and until then AWS Support can restore it.
  - Voice ID does not make domain names unique. When more than one domain has the name, the module fails
    naming how many there are and their ids, and changes nothing; O(domain_id) then picks one of them.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  domain_name:
    description:
      - The name of the domain, 1 to 256 letters, digits, C(_) or C(-), starting with a letter or digit.
      - The module finds the domain by this name (C(ListDomains)); the name itself is never changed.
      - Required to create a domain. With O(domain_id), the two must name the same domain.
    type: str
    aliases: [name]
  domain_id:
    description:
      - The identifier of the domain, 22 letters or digits. The module then works on this domain (found with
        C(DescribeDomain)); with O(state=present) it must exist.
      - Given with O(domain_name), the module fails, changing nothing, unless the domain is called that.
      - Voice ID does not make names unique; this is how to update or delete one of several domains that share a
        name. O(state=absent) needs only one of O(domain_id) and O(domain_name).
    type: str
  description:
    description:
      - The description of the domain, 1 to 1024 letters, digits, spaces and the characters C(_.:/=+-%@).
      - Left out, the current description is kept. An empty string removes it.
    type: str
  kms_key_id:
    description:
      - The KMS key that encrypts the domain's data (key id, key ARN, alias name or alias ARN).
      - Required to create a domain. Left out, an existing domain keeps its key.
      - Give it in the form the domain reports it (RV(domain.server_side_encryption_configuration.kms_key_id));
        any other string counts as a new key and starts a re-encryption.
      - Voice ID refuses a change of key while it is still re-encrypting the domain for an earlier one; the
        module then fails before it changes anything.
    type: str
  state:
    description:
      - V(present) creates or updates the domain, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - After a change of KMS key, wait until Voice ID has re-encrypted the domain (C(DescribeDomain) every few
        seconds, at most every 15 seconds). Also waits for a re-encryption to the key O(kms_key_id) names that is
        already under way (a rerun after a timeout). A task without O(kms_key_id) never waits for a
        re-encryption it did not start.
      - A re-encryption to the key O(kms_key_id) names that Voice ID reports as C(FAILED) fails the task, rerun or
        not, as that key is not in effect.
      - Without O(wait), the module returns while RV(domain.server_side_encryption_update_details.update_status)
        is still C(IN_PROGRESS).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the re-encryption before the module fails. The re-encryption goes on at AWS
        after that; running the task again waits again.
      - V(0) does not wait. The module reads the status once (C(DescribeDomain)) and returns it, failing only if
        the re-encryption has already failed.
    type: int
    default: 900
  request_rates:
    suboptions:
      list_domains:
        description: Requests per second of C(ListDomains); the default quota is 2.
        type: float
      describe_domain:
        description: Requests per second of C(DescribeDomain), called with O(domain_id) and while waiting; the
          default quota is 2.
        type: float
      create_domain:
        description: Requests per second of C(CreateDomain); the default quota is 2.
        type: float
      update_domain:
        description: Requests per second of C(UpdateDomain); the default quota is 2.
        type: float
      delete_domain:
        description: Requests per second of C(DeleteDomain); the default quota is 2.
        type: float
      list_tags_for_resource:
        description: Requests per second of C(ListTagsForResource); AWS publishes no quota for it, the default is 2.
        type: float
      tag_resource:
        description: Requests per second of C(TagResource); AWS publishes no quota for it, the default is 2.
        type: float
      untag_resource:
        description: Requests per second of C(UntagResource); AWS publishes no quota for it, the default is 2.
        type: float
notes:
  - Tag keys and values are text of letters, digits, spaces and the characters C(_.:/=+-@); keys 1 to 128 characters,
    values at most 256, at most 200 tags. Other values (numbers, booleans) are turned into text as amazon.aws
    modules do. Keys starting with C(aws:) are reserved by AWS.
  - Deleting a domain deletes its speakers, fraudsters and watchlists with it. Export what must be kept first;
    the decommission guide shows how.
extends_documentation_fragment:
  - speakerops.voiceid._voiceid
  - speakerops.voiceid._voiceid.REQUEST_RATES
  - speakerops.voiceid._voiceid.JOURNAL
  - speakerops.voiceid._voiceid.WRITE_MODULE
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - speakerops.voiceid._requirements
seealso:
  - module: speakerops.voiceid.voiceid_domain_info
  - module: speakerops.voiceid.voiceid_watchlist_info
  - module: speakerops.voiceid.voiceid_fraudster_info
  - module: speakerops.voiceid.voiceid_speaker_info
  - ref: ansible_collections.speakerops.voiceid.docsite.decommission
    description: Export and delete every Voice ID domain of every account and region.
  - ref: ansible_collections.speakerops.voiceid.docsite.end_of_support
    description: What AWS's end of support for Voice ID means for this collection.
  - name: CreateDomain API reference
    description: The Voice ID API that this module calls to create a domain.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_CreateDomain.html
  - name: UpdateDomain API reference
    description: The Voice ID API that this module calls to change a domain.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_UpdateDomain.html
  - name: DeleteDomain API reference
    description: The Voice ID API that this module calls to delete a domain.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_DeleteDomain.html
"""

EXAMPLES = r"""
- name: A Voice ID domain for the support line, encrypted with the team's key and tagged
  speakerops.voiceid.voiceid_domain:
    domain_name: contact-center
    description: Voice authentication for the support line
    kms_key_id: arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      team: contact-center
      cost-center: "4711"
    region: eu-west-2
  register: voiceid_domain

- name: Move the domain to a new key and wait (up to an hour) until Voice ID has re-encrypted it
  speakerops.voiceid.voiceid_domain:
    domain_name: contact-center
    kms_key_id: arn:aws:kms:eu-west-2:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab
    wait_timeout: 3600

- name: Add a tag and keep the others
  speakerops.voiceid.voiceid_domain:
    domain_name: contact-center
    tags:
      data-classification: personal
    purge_tags: false

- name: Keep only the tags listed, removing the others (purge_tags defaults to true)
  speakerops.voiceid.voiceid_domain:
    domain_name: contact-center
    tags:
      team: contact-center

- name: Delete one of two domains that share a name, by its id
  speakerops.voiceid.voiceid_domain:
    domain_id: "{{ duplicate_domain_id }}"
    state: absent

- name: Delete the domain (Voice ID erases its data after 30 days)
  speakerops.voiceid.voiceid_domain:
    domain_name: contact-center
    state: absent
"""

RETURN = r"""
answer_lost:
  description:
    - V(true) when the task deleted the domain but the answer to C(DeleteDomain) was lost (an internal server
      error, a read timeout or a connection closed after the request was sent), though the domain existed when the task
      read it, the task sent the deletion, and a later answer found it gone. The task reports V(changed=true).
  returned: with O(state=absent), when the answer to the deletion was lost
  type: bool
  sample: true
domain:
  description:
    - The domain after the task, with the keys of RV(speakerops.voiceid.voiceid_domain_info#module:domains)
      and its tags. In check mode, what the task would make of it (without what only the service can know, such
      as the id of a new domain).
    - With O(state=absent), the domain as it was before it was deleted; empty when there was none.
  returned: success
  type: dict
  contains:
    domain_id:
      description: The identifier of the domain.
      returned: when the domain exists
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    name:
      description: The name of the domain.
      returned: always
      type: str
      sample: contact-center
    domain_status:
      description: The status of the domain, C(ACTIVE), C(PENDING) or C(SUSPENDED).
      returned: when the service reports it
      type: str
      sample: ACTIVE
    arn:
      description: The Amazon Resource Name of the domain.
      returned: when the domain exists
      type: str
      sample: arn:aws:voiceid:eu-west-2:111122223333:domain/AbCdEfGhIjKlMnOpQrStUv
    description:
      description: The description of the domain.
      returned: when the domain has one
      type: str
      sample: Voice authentication for the support line
    created_at:
      description: When the domain was created, ISO 8601 in UTC.
      returned: when the domain exists
      type: str
      sample: "2024-11-05T10:00:00+00:00"
    updated_at:
      description: When the domain was last updated, ISO 8601 in UTC.
      returned: when the domain exists and the task did not just change it in check mode
      type: str
      sample: "2025-02-01T08:15:00+00:00"
    server_side_encryption_configuration:
      description: How the domain's data is encrypted at rest.
      returned: when the service reports it
      type: dict
      contains:
        kms_key_id:
          description: The identifier of the KMS key that encrypts the domain's data.
          returned: always
          type: str
          sample: arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    server_side_encryption_update_details:
      description: The progress of the latest change of the domain's KMS key.
      returned: when the service reports it
      type: dict
      contains:
        message:
          description: Why the change of key failed.
          returned: when the service reports it
          type: str
          sample: The KMS key is disabled.
        old_kms_key_id:
          description: The KMS key the domain used before the change.
          returned: when the service reports it
          type: str
          sample: arn:aws:kms:eu-west-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab
        update_status:
          description: The status of the change, C(IN_PROGRESS), C(COMPLETED) or C(FAILED).
          returned: when the service reports it
          type: str
          sample: COMPLETED
    watchlist_details:
      description: The domain's watchlists of fraudsters.
      returned: when the service reports it
      type: dict
      contains:
        default_watchlist_id:
          description: The identifier of the domain's default watchlist.
          returned: always
          type: str
          sample: WaTcHlIsTiDaBcDeFgHiJk
    tags:
      description: The domain's tags, key to value.
      returned: always
      type: dict
      sample: {"team": "contact-center"}
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
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import JOURNAL_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.plan import WantedDomain
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.run import DomainChangeError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.run import DomainRun
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.tags import normalize_tags
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import ending
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import open_journal
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.journal import resource_start
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_description
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_name

OPERATIONS = (
    "list_domains",
    "describe_domain",
    "create_domain",
    "update_domain",
    "delete_domain",
    "list_tags_for_resource",
    "tag_resource",
    "untag_resource",
)


def check_options(params: Dict[str, Any]) -> WantedDomain:
    """The options as a WantedDomain, after checking them against the service's rules (no call made yet)."""
    if params["domain_name"] is not None:
        check_domain_name("domain_name", params["domain_name"])
    if params["domain_id"] is not None:
        check_domain_id("domain_id", params["domain_id"])
    description = params["description"]
    if description is not None:
        check_description("description", description)
    kms_key_id = params["kms_key_id"]
    if kms_key_id is not None and not 1 <= len(kms_key_id) <= 2048:
        raise InvalidParameterError("kms_key_id must be 1 to 2048 characters.")
    if params["wait_timeout"] < 0:
        raise InvalidParameterError(f"wait_timeout must be 0 or more seconds; got {params['wait_timeout']}.")
    return WantedDomain(
        name=params["domain_name"],
        state=params["state"],
        domain_id=params["domain_id"],
        description=description,
        kms_key_id=kms_key_id,
        tags=normalize_tags("tags", params["tags"]),
        purge_tags=params["purge_tags"],
    )


def main() -> None:
    # Not DOMAIN_SPEC: the two options may come together (domain_id pins one of several domains of the name), and
    # creating a domain needs its name.
    spec = ArgumentSpec(
        {
            "domain_name": {"type": "str", "aliases": ["name"]},
            "domain_id": {"type": "str"},
            "description": {"type": "str"},
            "kms_key_id": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "wait": {"type": "bool", "default": True},
            "wait_timeout": {"type": "int", "default": 900},
            "tags": {"type": "dict", "aliases": ["resource_tags"]},
            "purge_tags": {"type": "bool", "default": True},
        },
        required_one_of=[("domain_name", "domain_id")],
    ).merge(JOURNAL_SPEC, request_rates_spec(*OPERATIONS))
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    params = module.params

    domain = f"'{params['domain_name']}'" if params["domain_name"] is not None else params["domain_id"]
    with module.failing_on_errors(context=f" {domain}"):
        wanted = check_options(params)
        rates = check_request_rates("request_rates", params["request_rates"], may_be_zero=())
        client = module.domain_client(limiter=RequestRateLimiter(rates))
        journal = open_journal(
            params["journal"],
            module._name,
            resource_start(params["domain_id"], params["domain_name"], params["state"], module.check_mode),
        )

    summary: Dict[str, Any] = {}
    with ending(journal, summary):
        with module.failing_on_errors(context=f" {domain}"):
            run = DomainRun(
                client,
                wanted,
                module.check_mode,
                wait=params["wait"],
                wait_timeout=params["wait_timeout"],
                journal=journal,
            )
            try:
                outcome = run.run()
            except Exception as error:
                for warning in run.warnings:  # before the module fails, so that the result carries them
                    module.warn(warning)
                if isinstance(error, DomainChangeError):
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
        module.exit_json(diff=outcome.diff(), summary=client.request_counts(), **outcome.result())


if __name__ == "__main__":
    main()
