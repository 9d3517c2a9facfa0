#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_speaker_optout
short_description: Opt a speaker out of Amazon Connect Voice ID
version_added: 0.1.0
description:
  - Makes sure a speaker of an Amazon Connect Voice ID domain is opted out of voice authentication.
  - Describes the speaker first and calls C(OptOutSpeaker) only when its status is not C(OPTED_OUT), so
    every run after the first changes nothing.
  - A speaker Voice ID does not know yet, named by its customer speaker id, is created in the opted-out
    state, so that it can never be enrolled. Opting out removes the speaker's voiceprint and stored audio.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  domain_id:
    description:
      - The identifier of the Voice ID domain that holds the speaker, 22 letters or digits.
    type: str
    required: true
  speaker_id:
    description:
      - The speaker, by its customer speaker id (1 to 256 letters, digits, C(_) or C(-), starting with a letter
        or digit) or by the id Voice ID generated for it (C(id#) followed by 22 letters or digits).
      - A generated id can only name a speaker that exists.
    type: str
    required: true
extends_documentation_fragment:
  - speakerops.voiceid._voiceid
  - speakerops.voiceid._voiceid.WRITE_MODULE
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
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

- name: Opt out a speaker by the id Voice ID generated for it
  speakerops.voiceid.voiceid_speaker_optout:
    domain_id: "{{ voiceid_domain_id }}"
    speaker_id: "id#{{ generated_suffix }}"

- name: Set the AWS options once for the play, for this collection's modules and amazon.aws's
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/speakerops.voiceid.aws:
      region: eu-west-2
      profile: privacy-automation
  tasks:
    - name: Opt out every customer who withdrew consent
      speakerops.voiceid.voiceid_speaker_optout:
        domain_id: "{{ voiceid_domain_id }}"
        speaker_id: "{{ item }}"
      loop: "{{ withdrawn_customer_ids }}"
      no_log: true

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
  returned: success
  type: dict
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
"""

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.ids import check_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.ids import check_speaker_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.optout import opt_out_speaker


def main() -> None:
    argument_spec = dict(
        domain_id=dict(type="str", required=True),
        speaker_id=dict(type="str", required=True),
    )
    module = VoiceIDModule(argument_spec=argument_spec, supports_check_mode=True)
    domain_id = module.params["domain_id"]
    speaker_id = module.params["speaker_id"]

    with module.failing_on_errors(context=f" in domain {domain_id}"):
        check_domain_id("domain_id", domain_id)
        check_speaker_id("speaker_id", speaker_id)
        outcome = opt_out_speaker(module.voiceid_client(), domain_id, speaker_id, check_mode=module.check_mode)

    result = dict(changed=outcome.changed, speaker=outcome.after)
    if module._diff:
        result["diff"] = outcome.diff()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
