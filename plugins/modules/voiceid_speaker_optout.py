#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_speaker_optout
short_description: Opt speakers out of Amazon Connect Voice ID
version_added: 0.1.0
description:
  - Makes sure a speaker of an Amazon Connect Voice ID domain is opted out of voice authentication.
  - Describes the speaker first and calls C(OptOutSpeaker) only when its status is not C(OPTED_OUT), so
    every run after the first changes nothing.
  - A speaker Voice ID does not know yet, named by its customer speaker id, is created in the opted-out
    state, so that it can never be enrolled. Opting out removes the speaker's voiceprint and stored audio.
  - With O(speaker_ids), opts out a whole list in one task, as fast as the service's request quotas allow.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  speaker_id:
    description:
      - The speaker, by its customer speaker id (1 to 256 letters, digits, C(_) or C(-), starting with a letter
        or digit) or by the id Voice ID generated for it (C(id#) followed by 22 letters or digits).
      - A generated id can only name a speaker that exists.
      - Exactly one of O(speaker_id) and O(speaker_ids) is required.
    type: str
  speaker_ids:
    description:
      - Many speakers at once, each as in O(speaker_id), in one task and at the speed the service's request
        quotas allow. An id given twice is read and written once, and answered in RV(speakers) at each place.
      - Every id is checked before any call; what happens to invalid ones is O(on_invalid)'s choice.
      - One speaker's failure never stops the others. If any failed, the task fails at the end, counting them
        by error code (C(msg) never names a speaker id), and RV(failures) says which and why; the others are
        opted out, and a rerun converges.
      - An error that concerns the whole domain (deleted, suspended), an endpoint that never answers, or
        C(SIGINT)/C(SIGTERM) stops the run; the task then fails and still returns every write already made.
      - Speakers are read with C(DescribeSpeaker) per id and by paging C(ListSpeakers) at the same time, each
        within its own quota, until every requested speaker is known; writes start as soon as a speaker is
        known to need one.
    type: list
    elements: str
  request_rates:
    suboptions:
      describe_speaker:
        description: Requests per second of C(DescribeSpeaker); the default quota is 10.
        type: float
      opt_out_speaker:
        description: Requests per second of C(OptOutSpeaker); the default quota is 10.
        type: float
      list_speakers:
        description: Requests per second of C(ListSpeakers) (pages of 100 speakers), called only with
          O(speaker_ids); the default quota is 5. V(0) reads with C(DescribeSpeaker) only.
        type: float
      list_domains:
        description: Requests per second of C(ListDomains), called only with O(domain_name); the default quota
          is 2.
        type: float
extends_documentation_fragment:
  - speakerops.voiceid._voiceid
  - speakerops.voiceid._voiceid.domain
  - speakerops.voiceid._voiceid.REQUEST_RATES
  - speakerops.voiceid._voiceid.ON_INVALID
  - speakerops.voiceid._voiceid.JOURNAL
  - speakerops.voiceid._voiceid.WRITE_MODULE
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - speakerops.voiceid._requirements
seealso:
  - module: speakerops.voiceid.voiceid_speaker
    description: Opts out or deletes speakers, on the same engine.
  - module: speakerops.voiceid.voiceid_speaker_info
  - module: speakerops.voiceid.voiceid_domain_info
  - ref: ansible_collections.speakerops.voiceid.docsite.speakers_and_opt_out
    description: What opting out means for a speaker, and how it differs from deleting one.
  - ref: ansible_collections.speakerops.voiceid.docsite.bulk_opt_outs
    description: Opting out tens of thousands of speakers at the speed of the request quotas.
  - ref: ansible_collections.speakerops.voiceid.docsite.privacy
    description: Speaker ids are personal data; keeping them out of logs.
  - ref: ansible_collections.speakerops.voiceid.docsite.end_of_support
    description: AWS ended support for Voice ID on 2026-05-20.
  - name: OptOutSpeaker API reference
    description: The Voice ID API that this module calls.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_OptOutSpeaker.html
"""

EXAMPLES = r"""
- name: Opt out a customer by the id the contact center knows them by
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_id: "{{ customer_id }}"
    region: eu-west-2
  no_log: true  # speaker ids are personal data

- name: Name the domain as people know it
  speakerops.voiceid.voiceid_speaker_optout:
    domain_name: contact-center
    speaker_id: "{{ customer_id }}"

- name: Opt out a speaker by the id Voice ID generated for it
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_id: "id#{{ generated_suffix }}"

- name: Set the AWS options once for a block (or a whole play), for this collection's modules and amazon.aws's
  module_defaults:
    group/speakerops.voiceid.aws:
      region: eu-west-2
      profile: privacy-automation
  block:
    - name: Opt out every customer who withdrew consent, in one task
      speakerops.voiceid.voiceid_speaker_optout:
        domain_id: "{{ voiceid_domain_id }}"
        speaker_ids: "{{ withdrawn_customer_ids }}"
      no_log: true

- name: Opt out everyone on the list kept in Git, in one task (blank lines and lines starting with # skipped)
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_ids: >-
      {{ lookup('ansible.builtin.file', 'optouts.txt').splitlines()
         | map('trim') | reject('match', '#') | select | list }}
  no_log: true
  register: optouts

- name: The same in an account whose quotas AWS raised
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_ids: "{{ withdrawn_customer_ids }}"
    request_rates:
      describe_speaker: 50
      opt_out_speaker: 50
      list_speakers: 20

- name: See what would change without changing anything
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_id: "{{ customer_id }}"
  check_mode: true
  diff: true
  register: preview
"""

RETURN = r"""
speaker:
  description:
    - The speaker's facts as the service reports them after the call.
    - In check mode, when a change is predicted, the facts the speaker would have; what cannot be known before
      the change (a new generated id, the time of the update) is left out.
  returned: with O(speaker_id)
  type: dict
  contains: &speaker_facts
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
      description: The speaker's status, C(OPTED_OUT) after a successful run.
      returned: always
      type: str
      sample: OPTED_OUT
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
    answer_lost:
      description:
        - V(true) when the task changed the speaker but the answer to its write was lost (an internal server
          error, a read timeout or a connection closed after the request was sent) and the change was confirmed
          by a later answer (a deletion's retry that finds the speaker gone, or a read).
      returned: when the answer to the speaker's write was lost
      type: bool
      sample: true
speakers:
  description:
    - With O(speaker_ids), one entry per requested id, in request order, duplicates included (an id given twice
      has two entries), with the keys of RV(speaker) and RV(speakers[].requested_id).
    - For a speaker in RV(failures), its facts as last read, or only its id and domain if it could not be read.
    - No entry for an id that O(on_invalid=skip) left out (see RV(invalid)).
  returned: with O(speaker_ids)
  type: list
  elements: dict
  contains:
    <<: *speaker_facts
    requested_id:
      description: The id this entry answers, exactly as given in O(speaker_ids).
      returned: always
      type: str
      sample: customer-0042
summary:
  description:
    - Counts only, never an id, so that it can be shown after a C(no_log) task (for instance with
      C(ansible.builtin.debug) of C(result.summary)).
    - C(requested) equals C(invalid) + C(duplicates) + C(changed) + C(unchanged) + C(failed).
    - C(throttled) and C(retried) say how the run went with the service.
  returned: unless the task fails before working on the speakers (invalid options, a domain not found)
  type: dict
  contains:
    requested:
      description: How many ids were given (1 with O(speaker_id)), duplicates and invalid ones included.
      type: int
      sample: 300
    invalid:
      description: How many ids O(on_invalid=skip) left out.
      type: int
      sample: 0
    duplicates:
      description: How many ids repeated one given before them.
      type: int
      sample: 0
    changed:
      description: How many distinct ids were opted out (in check mode, would be), as in RV(changed_speaker_ids).
      type: int
      sample: 297
    unchanged:
      description: How many distinct ids needed nothing.
      type: int
      sample: 0
    failed:
      description: How many distinct ids could not be opted out, as in RV(failures).
      type: int
      sample: 3
    failed_by_code:
      description: The failed ids counted by error code.
      type: dict
      sample: {"AccessDeniedException": 2, "ThrottlingException": 1}
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
invalid:
  description:
    - The ids of O(speaker_ids) that break the service's rules, in list order. With O(on_invalid=skip) they were
      left out; with O(on_invalid=fail) (returned with the failure) nothing was called.
  returned: with O(on_invalid=skip), or when invalid ids failed the task
  type: list
  elements: dict
  contains:
    index:
      description: The id's position in O(speaker_ids), from 0.
      type: int
      sample: 299
    speaker_id:
      description: The id as given.
      type: str
      sample: crm 00012
    rule:
      description: What is wrong with it, in words that do not repeat it.
      type: str
      sample: contains a character outside the allowed set or does not start with a letter or digit
changed_speaker_ids:
  description: The requested ids of the speakers that were opted out (in check mode, that would be).
  returned: with O(speaker_ids)
  type: list
  elements: str
  sample: ["customer-0042", "id#AbCdEfGhIjKlMnOpQrStUv"]
answers_lost:
  description:
    - How many of the speakers in RV(changed_speaker_ids) were changed with the answer to their write lost (see
      RV(speakers[].answer_lost)); a write that may have been carried out is never reported as not done because a
      retry found the speaker gone.
  returned: with O(speaker_ids), when the answer to a write was lost
  type: int
  sample: 10
failures:
  description: The speakers that could not be opted out, and why.
  returned: with O(speaker_ids)
  type: list
  elements: dict
  contains:
    speaker_id:
      description: The speaker id as requested.
      type: str
      sample: customer-0042
    code:
      description: The AWS error code.
      type: str
      sample: AccessDeniedException
    message:
      description: The error code and the service's message (and the conflict or resource type).
      type: str
      sample: "AccessDeniedException: User is not authorized to perform voiceid:OptOutSpeaker"
"""

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import JOURNAL_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import SPEAKER_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_OPTED_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.task import run_speaker_task


def main() -> None:
    spec = DOMAIN_SPEC.merge(
        SPEAKER_SPEC,
        JOURNAL_SPEC,
        request_rates_spec("describe_speaker", "opt_out_speaker", "list_speakers", "list_domains"),
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    run_speaker_task(module, STATE_OPTED_OUT)


if __name__ == "__main__":
    main()
