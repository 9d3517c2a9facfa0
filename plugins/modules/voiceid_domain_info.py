#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_domain_info
short_description: Gather facts about Amazon Connect Voice ID domains
version_added: 0.1.0
description:
  - Returns the Amazon Connect Voice ID domains of the account and region, one domain by its id, or the domains
    with a given name.
  - O(domain_id) and O(domain_name) are optional filters here, and at most one of them may be set. Without
    either, every domain of the account and region is returned. Voice ID does not make names unique, so more
    than one domain can match O(domain_name).
  - A domain id or a name that matches no domain gives an empty list, not a failure.
  - Each domain's tags are read with C(ListTagsForResource), one request per domain. A domain that another
    writer deletes between its listing and the read of its tags is left out, with a warning naming its id.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  domain_name:
    aliases: [name]
  request_rates:
    suboptions:
      describe_domain:
        description: Requests per second of C(DescribeDomain), called only with O(domain_id); the default quota
          is 2.
        type: float
      list_domains:
        description: Requests per second of C(ListDomains) (pages of 10 domains), called without O(domain_id);
          the default quota is 2.
        type: float
      list_tags_for_resource:
        description: Requests per second of C(ListTagsForResource), called once per domain returned; AWS
          publishes no quota for it, the default is 2.
        type: float
extends_documentation_fragment:
  - speakerops.voiceid._voiceid
  - speakerops.voiceid._voiceid.domain
  - speakerops.voiceid._voiceid.REQUEST_RATES
  - speakerops.voiceid._voiceid.INFO_MODULE
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - speakerops.voiceid._requirements
seealso:
  - module: speakerops.voiceid.voiceid_speaker_info
  - module: speakerops.voiceid.voiceid_speaker_optout
  - module: speakerops.voiceid.voiceid_domain
  - module: speakerops.voiceid.voiceid_watchlist_info
  - module: speakerops.voiceid.voiceid_fraudster_info
  - ref: ansible_collections.speakerops.voiceid.docsite.getting_started
    description: Finding the domain to work in, and the AWS options every module takes.
  - ref: ansible_collections.speakerops.voiceid.docsite.end_of_support
    description: AWS ended support for Voice ID on 2026-05-20, and what it asks customers to do.
  - ref: ansible_collections.speakerops.voiceid.docsite.decommission
    description: Inventory, export and delete every domain of every account and region, as AWS asks.
  - name: DescribeDomain API reference
    description: The Voice ID API that this module calls for one domain id.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeDomain.html
  - name: ListDomains API reference
    description: The Voice ID API that this module calls otherwise.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_ListDomains.html
"""

EXAMPLES = r"""
- name: List every Voice ID domain of the region
  speakerops.voiceid.voiceid_domain_info:
    region: eu-west-2
  register: voiceid_domains

- name: Find the domain of the contact center by its name
  speakerops.voiceid.voiceid_domain_info:
    domain_name: contact-center
  register: contact_center

- name: Fail unless exactly one domain has that name
  ansible.builtin.assert:
    that: contact_center.domains | length == 1
    fail_msg: "expected one domain named contact-center, found {{ contact_center.domains | length }}"

- name: Check that the domain is active and not in the middle of a change of KMS key
  ansible.builtin.assert:
    that:
      - domain.domain_status == 'ACTIVE'
      - domain.server_side_encryption_update_details.update_status | default('COMPLETED') == 'COMPLETED'
  vars:
    domain: "{{ contact_center.domains | first }}"

- name: Describe one domain by its id; the list is empty if the domain does not exist
  speakerops.voiceid.voiceid_domain_info:
    domain_id: "{{ voiceid_domain_id }}"
  register: one_domain
"""

RETURN = r"""
domains:
  description:
    - The domains that match, in the order the service lists them. Empty when none does.
  returned: success
  type: list
  elements: dict
  contains:
    domain_id:
      description: The identifier of the domain.
      returned: always
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    name:
      description: The name of the domain.
      returned: when the service reports it
      type: str
      sample: contact-center
    domain_status:
      description: The status of the domain, C(ACTIVE), C(PENDING) or C(SUSPENDED).
      returned: when the service reports it
      type: str
      sample: ACTIVE
    arn:
      description: The Amazon Resource Name of the domain.
      returned: when the service reports it
      type: str
      sample: arn:aws:voiceid:eu-west-2:111122223333:domain/AbCdEfGhIjKlMnOpQrStUv
    description:
      description: The description of the domain.
      returned: when the domain has one
      type: str
      sample: Voice authentication for the support line
    created_at:
      description: When the domain was created, ISO 8601 in UTC.
      returned: when the service reports it
      type: str
      sample: "2024-11-05T10:00:00+00:00"
    updated_at:
      description: When the domain was last updated, ISO 8601 in UTC.
      returned: when the service reports it
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
      description:
        - The domain's tags, key to value (C(ListTagsForResource) on its ARN).
        - Left out, with a warning, when the caller may not list tags (C(AccessDeniedException)).
      returned: when the caller may list tags
      type: dict
      sample: {"team": "contact-center"}
"""

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import domain_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import add_tags
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import find_domains
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_options


def main() -> None:
    spec = domain_spec(required=False, name_aliases=("name",)).merge(
        request_rates_spec("describe_domain", "list_domains", "list_tags_for_resource")
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    params = module.params
    domain_id = params["domain_id"]

    with module.failing_on_errors(context=f" {domain_id}" if domain_id is not None else ""):
        check_domain_options(domain_id, params["domain_name"])
        rates = check_request_rates("request_rates", params["request_rates"], may_be_zero=())
        client = module.domain_client(limiter=RequestRateLimiter(rates))
        domains = find_domains(client, domain_id=domain_id, name=params["domain_name"])
        warnings = add_tags(client, domains)

    for warning in warnings:
        module.warn(warning)

    module.exit_json(changed=False, domains=domains)


if __name__ == "__main__":
    main()
