#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_fraudster_info
short_description: List the fraudsters of an Amazon Connect Voice ID domain
version_added: 0.1.0
description:
  - Returns every fraudster of an Amazon Connect Voice ID domain, or of one of its watchlists, paging through
    C(ListFraudsters) (100 per page), 2 requests per second unless O(request_rates) says otherwise.
  - With O(fraudster_id), returns that one fraudster (C(DescribeFraudster)) instead of listing them.
  - A domain or a watchlist that does not exist is a failure. A fraudster that the domain does not hold gives an
    empty list, not a failure.
  - Fraudster ids point at voiceprints, biometric data of a person, and AWS marks them sensitive. The module
    never puts one in a message, and tasks that handle them may want C(no_log) (see the privacy guide).
  - With M(speakerops.voiceid.voiceid_watchlist_info) and M(speakerops.voiceid.voiceid_speaker_info), this is the
    export AWS asks for before a domain is deleted at the end of support.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  watchlist_id:
    description:
      - Return only the fraudsters of this watchlist, 22 letters or digits
        (RV(speakerops.voiceid.voiceid_watchlist_info#module:watchlists[].watchlist_id)).
      - Left out, every fraudster of the domain is returned, whatever its watchlists.
      - Mutually exclusive with O(fraudster_id).
    type: str
  fraudster_id:
    description:
      - Return only this fraudster, by the id Voice ID generated for it (C(id#) followed by 22 letters or digits,
        RV(fraudsters[].generated_fraudster_id)), read with C(DescribeFraudster), whatever its watchlists.
      - Left out, the module lists fraudsters with C(ListFraudsters).
      - Mutually exclusive with O(watchlist_id), the option of the listing.
    type: str
  request_rates:
    suboptions:
      list_fraudsters:
        description: Requests per second of C(ListFraudsters), called without O(fraudster_id); AWS publishes no
          quota for it, the default is 2.
        type: float
      describe_fraudster:
        description: Requests per second of C(DescribeFraudster), called only with O(fraudster_id); the default
          quota is 10.
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
  - module: speakerops.voiceid.voiceid_fraudster
  - module: speakerops.voiceid.voiceid_watchlist_info
  - module: speakerops.voiceid.voiceid_domain_info
  - module: speakerops.voiceid.voiceid_domain
  - module: speakerops.voiceid.voiceid_speaker_info
  - ref: ansible_collections.speakerops.voiceid.docsite.decommission
    description: Export and delete every Voice ID domain of every account and region.
  - ref: ansible_collections.speakerops.voiceid.docsite.end_of_support
    description: AWS ended support for Voice ID on 2026-05-20, and what it asks customers to do.
  - ref: ansible_collections.speakerops.voiceid.docsite.privacy
    description: Speaker and fraudster ids are personal data; keeping them out of logs, erasing a fraudster.
  - name: ListFraudsters API reference
    description: The Voice ID API that this module calls to list fraudsters.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_ListFraudsters.html
  - name: DescribeFraudster API reference
    description: The Voice ID API that this module calls for one fraudster.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_DescribeFraudster.html
"""

EXAMPLES = r"""
- name: List every fraudster of the contact center's domain
  speakerops.voiceid.voiceid_fraudster_info:
    domain_name: contact-center
    region: eu-west-2
  register: voiceid_fraudsters

- name: Say how many there are
  ansible.builtin.debug:
    msg: "{{ voiceid_fraudsters.fraudsters | length }} fraudsters"

- name: List only the fraudsters of one watchlist
  speakerops.voiceid.voiceid_fraudster_info:
    domain_name: contact-center
    watchlist_id: "{{ watchlist_id }}"
  register: watched

- name: Look up one fraudster; the list is empty if the domain does not hold it
  speakerops.voiceid.voiceid_fraudster_info:
    domain_name: contact-center
    fraudster_id: "{{ fraudster_id }}"
  register: fraudster
  no_log: true  # fraudster ids point at voiceprints
"""

RETURN = r"""
fraudsters:
  description:
    - The fraudsters of the domain (or of the watchlist), in the order the service lists them.
    - With O(fraudster_id), that fraudster alone, or an empty list when the domain does not hold it.
  returned: success
  type: list
  elements: dict
  contains:
    generated_fraudster_id:
      description: The identifier Voice ID generated for the fraudster.
      returned: always
      type: str
      sample: id#AbCdEfGhIjKlMnOpQrStUv
    watchlist_ids:
      description: The watchlists the fraudster belongs to.
      returned: when the service reports it
      type: list
      elements: str
      sample: [WaTcHlIsTiDaBcDeFgHiJk]
    domain_id:
      description: The identifier of the domain.
      returned: when the service reports it
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    created_at:
      description: When the fraudster was registered, ISO 8601 in UTC.
      returned: when the service reports it
      type: str
      sample: "2024-11-05T10:00:00+00:00"
"""

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import REDACTED_FRAUDSTER_ID
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import resolve_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.facts import find_fraudsters
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.fraudsters.facts import look_up_fraudster
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_options
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_fraudster_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_watchlist_id


def main() -> None:
    spec = DOMAIN_SPEC.merge(
        ArgumentSpec(
            {
                "watchlist_id": {"type": "str"},
                "fraudster_id": {"type": "str"},
            },
            mutually_exclusive=[("watchlist_id", "fraudster_id")],
        ),
        request_rates_spec("list_fraudsters", "describe_fraudster", "list_domains"),
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    params = module.params
    fraudster_id = params["fraudster_id"]

    with module.failing_on_errors():
        check_domain_options(params["domain_id"], params["domain_name"])
        if params["watchlist_id"] is not None:
            check_watchlist_id("watchlist_id", params["watchlist_id"])
        if fraudster_id is not None:
            check_fraudster_id("fraudster_id", fraudster_id)
        rates = check_request_rates("request_rates", params["request_rates"], may_be_zero=())
        client = module.watchlist_client(limiter=RequestRateLimiter(rates))
        domain_id = resolve_domain_id(client, domain_id=params["domain_id"], domain_name=params["domain_name"])

    # Should AWS's message about a failed call repeat the fraudster id, it is redacted from msg and error.
    asked = [fraudster_id] if fraudster_id is not None else []
    with module.failing_on_errors(
        context=f" of domain {domain_id}", speaker_ids=asked, placeholder=REDACTED_FRAUDSTER_ID
    ):
        if fraudster_id is None:
            fraudsters = find_fraudsters(client, domain_id, params["watchlist_id"])
        else:
            fraudsters = look_up_fraudster(client, domain_id, fraudster_id)

    module.exit_json(changed=False, fraudsters=fraudsters)


if __name__ == "__main__":
    main()
