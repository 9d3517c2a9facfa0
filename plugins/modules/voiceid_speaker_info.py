#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_speaker_info
short_description: Gather facts about the speakers of an Amazon Connect Voice ID domain
version_added: 0.1.0
description:
  - Returns one speaker of an Amazon Connect Voice ID domain, by its customer or generated speaker id, or every
    speaker of the domain, optionally only those with some statuses.
  - A speaker that the domain does not hold gives an empty list, not a failure. A domain that does not exist
    is a failure.
  - Listing pages through C(ListSpeakers), 100 speakers per page, at no more than the account's default request
    rate (see O(request_rates)). A domain holds at most 100,000 speakers, so listing a full domain takes at least
    200 seconds at the default rate of 5 pages per second.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  speaker_id:
    description:
      - Return only this speaker, by its customer speaker id (1 to 256 letters, digits, C(_) or C(-), starting
        with a letter or digit) or by the id Voice ID generated for it (C(id#) followed by 22 letters or digits).
      - Calls C(DescribeSpeaker); without O(speaker_id) the module lists every speaker of the domain.
    type: str
  status:
    description:
      - Return only the speakers with one of these statuses.
      - Voice ID cannot filter by status, so the module reads every speaker and keeps the matching ones.
      - Applies to O(speaker_id) too; a speaker with another status gives an empty list.
      - An empty list, like leaving the option out, keeps every status.
    type: list
    elements: str
    choices: [ENROLLED, EXPIRED, OPTED_OUT, PENDING]
  request_rates:
    suboptions:
      describe_speaker:
        description: Requests per second of C(DescribeSpeaker), called only with O(speaker_id); the default
          quota is 10.
        type: float
      list_speakers:
        description: Requests per second of C(ListSpeakers) (pages of 100 speakers), called without
          O(speaker_id); the default quota is 5.
        type: float
      list_domains:
        description: Requests per second of C(ListDomains), called only with O(domain_name); the default quota
          is 2.
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
  - module: speakerops.voiceid.voiceid_domain_info
  - module: speakerops.voiceid.voiceid_speaker
  - module: speakerops.voiceid.voiceid_speaker_optout
  - ref: ansible_collections.speakerops.voiceid.docsite.speakers_and_opt_out
    description: Speakers, their statuses, and what the audit shows.
  - ref: ansible_collections.speakerops.voiceid.docsite.privacy
    description: Speaker ids are personal data; keeping them out of logs.
  - ref: ansible_collections.speakerops.voiceid.docsite.end_of_support
    description: AWS ended support for Voice ID on 2026-05-20, and what it asks customers to do.
  - name: ListSpeakers API reference
    description: The Voice ID API that this module calls to list speakers.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_ListSpeakers.html
  - name: DescribeSpeaker API reference
    description: The Voice ID API that this module calls for one speaker.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeSpeaker.html
"""

EXAMPLES = r"""
# An audit: how many speakers of the domain have each status.
- name: List every speaker of the contact center's domain
  speakerops.voiceid.voiceid_speaker_info:
    domain_name: contact-center
    region: eu-west-2
  register: voiceid_speakers
  no_log: true  # speaker ids are personal data

- name: Count the speakers by status
  ansible.builtin.debug:
    msg: "{{ item.0 }}: {{ item.1 | length }}"
  loop: "{{ voiceid_speakers.speakers | groupby('status') | map('list') }}"  # [status, speakers] pairs
  loop_control:
    label: "{{ item.0 }}"

# Opt out everyone on the withdrawn-consent list kept in Git (encrypted with ansible-vault) who is still enrolled.
- name: Find the speakers still enrolled
  speakerops.voiceid.voiceid_speaker_info:
    domain_id: "{{ voiceid_domain_id }}"
    status: [ENROLLED]
  register: enrolled
  no_log: true

- name: Opt out those on the list, in one task
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_ids: >-
      {{ enrolled.speakers | selectattr('customer_speaker_id', 'defined')
         | map(attribute='customer_speaker_id') | intersect(withdrawn_customer_ids) }}
  vars:
    withdrawn_customer_ids: >-
      {{ lookup('ansible.builtin.file', 'privacy/withdrawn_consent.txt').splitlines()
         | map('trim') | reject('match', '#') | select | list }}
  no_log: true

- name: Look up one speaker; the list is empty if the domain does not know it
  speakerops.voiceid.voiceid_speaker_info:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_id: "{{ customer_id }}"
  register: speaker
  no_log: true

- name: List a large domain faster, in an account whose ListSpeakers quota AWS raised to 20 per second
  speakerops.voiceid.voiceid_speaker_info:
    domain_id: "{{ voiceid_domain_id }}"
    status: [ENROLLED, PENDING]
    request_rates:
      list_speakers: 20
  register: active_speakers
  no_log: true
"""

RETURN = r"""
speakers:
  description:
    - The speakers that match, with the facts the service reports, in the order it lists them. Empty when none
      does.
  returned: success
  type: list
  elements: dict
  contains:
    customer_speaker_id:
      description: The client-provided identifier of the speaker.
      returned: when known
      type: str
      sample: customer-0042
    generated_speaker_id:
      description: The service-generated identifier of the speaker.
      returned: when known
      type: str
      sample: id#AbCdEfGhIjKlMnOpQrStUv
    domain_id:
      description: The identifier of the domain that holds the speaker.
      returned: always
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    status:
      description: The speaker's status, C(ENROLLED), C(EXPIRED), C(OPTED_OUT) or C(PENDING).
      returned: always
      type: str
      sample: ENROLLED
    created_at:
      description: When the speaker was created, ISO 8601 in UTC.
      returned: when known
      type: str
      sample: "2025-03-01T09:30:00+00:00"
    updated_at:
      description: When the speaker was last updated, ISO 8601 in UTC.
      returned: when known
      type: str
      sample: "2026-04-02T10:00:00+00:00"
    last_accessed_at:
      description: When the speaker was last accessed for enrollment or a successful authentication (to the hour).
      returned: when the service reports it
      type: str
      sample: "2026-01-15T13:00:00+00:00"
"""

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import resolve_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_options
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_speaker_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.facts import SPEAKER_STATUSES
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.reading import find_speakers


def main() -> None:
    spec = DOMAIN_SPEC.merge(
        ArgumentSpec(
            {
                "speaker_id": {"type": "str"},
                "status": {"type": "list", "elements": "str", "choices": list(SPEAKER_STATUSES)},
            }
        ),
        request_rates_spec("describe_speaker", "list_speakers", "list_domains"),
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    params = module.params

    with module.failing_on_errors():
        check_domain_options(params["domain_id"], params["domain_name"])
        if params["speaker_id"] is not None:
            check_speaker_id("speaker_id", params["speaker_id"])
        rates = check_request_rates("request_rates", params["request_rates"], may_be_zero=())
        client = module.voiceid_client(limiter=RequestRateLimiter(rates))
        domain_id = resolve_domain_id(client, domain_id=params["domain_id"], domain_name=params["domain_name"])

    asked = [params["speaker_id"]] if params["speaker_id"] is not None else []
    with module.failing_on_errors(context=f" in domain {domain_id}", speaker_ids=asked):
        speakers = find_speakers(client, domain_id, speaker_id=params["speaker_id"], statuses=params["status"])

    module.exit_json(changed=False, speakers=speakers)


if __name__ == "__main__":
    main()
