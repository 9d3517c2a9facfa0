#!/usr/bin/python
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: voiceid_watchlist_info
short_description: List the fraudster watchlists of an Amazon Connect Voice ID domain
version_added: 0.1.0
description:
  - Returns every watchlist of an Amazon Connect Voice ID domain, the default one included, paging through
    C(ListWatchlists) (100 per page), 2 requests per second unless O(request_rates) says otherwise.
  - With O(watchlist_id), returns that one watchlist (C(DescribeWatchlist)) instead of listing them.
  - A domain that does not exist is a failure. A watchlist that the domain does not hold gives an empty list,
    not a failure.
  - With M(speakerops.voiceid.voiceid_fraudster_info) and M(speakerops.voiceid.voiceid_speaker_info), this is the
    export AWS asks for before a domain is deleted at the end of support.
author:
  - speakerops.voiceid maintainers (@speakerops)
options:
  watchlist_id:
    description:
      - Return only this watchlist, 22 letters or digits
        (RV(speakerops.voiceid.voiceid_watchlist_info#module:watchlists[].watchlist_id)), read with
        C(DescribeWatchlist).
      - Left out, every watchlist of the domain is listed with C(ListWatchlists).
    type: str
  request_rates:
    suboptions:
      list_watchlists:
        description: Requests per second of C(ListWatchlists), called without O(watchlist_id); AWS publishes no
          quota for it, the default is 2.
        type: float
      describe_watchlist:
        description: Requests per second of C(DescribeWatchlist), called only with O(watchlist_id); AWS publishes
          no quota for it, the default is 2.
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
  - module: speakerops.voiceid.voiceid_watchlist
  - module: speakerops.voiceid.voiceid_fraudster
  - module: speakerops.voiceid.voiceid_fraudster_info
  - module: speakerops.voiceid.voiceid_domain_info
  - module: speakerops.voiceid.voiceid_domain
  - module: speakerops.voiceid.voiceid_speaker_info
  - ref: ansible_collections.speakerops.voiceid.docsite.decommission
    description: Export and delete every Voice ID domain of every account and region.
  - ref: ansible_collections.speakerops.voiceid.docsite.end_of_support
    description: AWS ended support for Voice ID on 2026-05-20, and what it asks customers to do.
  - name: ListWatchlists API reference
    description: The Voice ID API that this module calls to list watchlists.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_ListWatchlists.html
  - name: DescribeWatchlist API reference
    description: The Voice ID API that this module calls for one watchlist.
    link: https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-voice-id_DescribeWatchlist.html
"""

EXAMPLES = r"""
- name: List the watchlists of the contact center's domain
  speakerops.voiceid.voiceid_watchlist_info:
    domain_name: contact-center
    region: eu-west-2
  register: voiceid_watchlists

- name: Save them next to the other exports
  ansible.builtin.copy:
    content: "{{ voiceid_watchlists.watchlists | to_nice_json }}"
    dest: exports/watchlists.json
    mode: "0600"
  delegate_to: localhost

- name: Look up one watchlist; the list is empty if the domain does not hold it
  speakerops.voiceid.voiceid_watchlist_info:
    domain_name: contact-center
    watchlist_id: "{{ watchlist_id }}"
  register: watchlist
"""

RETURN = r"""
watchlists:
  description:
    - The watchlists of the domain, in the order the service lists them.
    - With O(watchlist_id), that watchlist alone, or an empty list when the domain does not hold it.
  returned: success
  type: list
  elements: dict
  contains:
    watchlist_id:
      description: The identifier of the watchlist.
      returned: always
      type: str
      sample: WaTcHlIsTiDaBcDeFgHiJk
    name:
      description: The name of the watchlist.
      returned: when the service reports it
      type: str
      sample: default
    description:
      description: The description of the watchlist.
      returned: when the watchlist has one
      type: str
      sample: Known fraudsters of the support line
    default_watchlist:
      description: Whether this is the domain's default watchlist.
      returned: when the service reports it
      type: bool
      sample: true
    domain_id:
      description: The identifier of the domain.
      returned: when the service reports it
      type: str
      sample: AbCdEfGhIjKlMnOpQrStUv
    created_at:
      description: When the watchlist was created, ISO 8601 in UTC.
      returned: when the service reports it
      type: str
      sample: "2024-11-05T10:00:00+00:00"
    updated_at:
      description: When the watchlist was last updated, ISO 8601 in UTC.
      returned: when the service reports it
      type: str
      sample: "2025-02-01T08:15:00+00:00"
"""

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import check_request_rates
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import DOMAIN_SPEC
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import ArgumentSpec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.argspec import request_rates_spec
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.lookup import resolve_domain_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_domain_options
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import check_watchlist_id
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.facts import find_watchlists
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.watchlists.facts import look_up_watchlist


def main() -> None:
    spec = DOMAIN_SPEC.merge(
        ArgumentSpec({"watchlist_id": {"type": "str"}}),
        request_rates_spec("list_watchlists", "describe_watchlist", "list_domains"),
    )
    module = VoiceIDModule(**spec.module_kwargs(), supports_check_mode=True)
    params = module.params
    watchlist_id = params["watchlist_id"]

    with module.failing_on_errors():
        check_domain_options(params["domain_id"], params["domain_name"])
        if watchlist_id is not None:
            check_watchlist_id("watchlist_id", watchlist_id)
        rates = check_request_rates("request_rates", params["request_rates"], may_be_zero=())
        client = module.watchlist_client(limiter=RequestRateLimiter(rates))
        domain_id = resolve_domain_id(client, domain_id=params["domain_id"], domain_name=params["domain_name"])

    with module.failing_on_errors(context=f" of domain {domain_id}"):
        if watchlist_id is None:
            watchlists = find_watchlists(client, domain_id)
        else:
            watchlists = look_up_watchlist(client, domain_id, watchlist_id)

    module.exit_json(changed=False, watchlists=watchlists)


if __name__ == "__main__":
    main()
