# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the unit tests share, one module per role (the fixtures themselves are in tests/unit/conftest.py,
built from these):

- `samples`: what the tests feed the modules and expect back. Domains, speakers, tags, watchlists and
  fraudsters as the API answers them and as the modules report them (`api_*` / `*_facts`), the Stubber
  expectations that queue them (`expect_*`, `add_domain_not_found`), `DOMAIN_ID` and `REGION`, and the one
  speaker (`OneSpeaker`) and the `bulk_args` of voiceid_speaker's and voiceid_speaker_optout's tests.
- `clients`: the voice-id client a module gets: a real boto3 client for a Stubber or a loopback endpoint
  (`voiceid_client`), any stand-in put behind VoiceIDModule.client() (`serve_client`), the operations a
  stubbed client was asked for (`record_api_calls`).
- `fake_service`: `FakeVoiceID`, an in-memory, thread-safe service for the concurrent bulk runs, which a
  Stubber cannot answer (it needs calls in a fixed order).
- `running`: a module's real main() run with arguments and its printed result read back (`run_main`, the
  `ModuleRunner` type of the run_module fixture), `CHECK_MODES`.
- `compat`: what differs across the ansible-core releases the collection supports (2.17 and later):
  `patch_module_args`, `warning_texts`.

Imports go one way: `samples` and `compat` import nothing of the package; `clients` and `fake_service` take
constants from `samples`; `running` uses `compat`. Test files import from here, by the
`ansible_collections.speakerops.voiceid.tests.unit.support...` path that ansible-test puts them under.
"""
