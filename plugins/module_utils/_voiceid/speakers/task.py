# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The task of voiceid_speaker and voiceid_speaker_optout: check every option, resolve the domain, run the
engine for one speaker or many, and report (a failed or stopped run still reports every write it made)."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import NoReturn

from ..api.ratelimit import RequestRateLimiter
from ..api.ratelimit import check_request_rates
from ..domains.lookup import resolve_domain_id
from ..module import VoiceIDModule
from ..rules import check_domain_options
from ..rules import check_speaker_options
from .run import SpeakerRun
from .run import change_one
from .run import stopping_on_signals


def run_speaker_task(module: VoiceIDModule, state: str) -> NoReturn:
    params = module.params
    with module.failing_on_errors():
        # Every option is checked before the first call.
        check_domain_options(params["domain_id"], params["domain_name"])
        check_speaker_options(params["speaker_id"], params["speaker_ids"])
        rates = check_request_rates("request_rates", params["request_rates"])
        bulk = params["speaker_ids"] is not None
        client = module.voiceid_client(limiter=RequestRateLimiter(rates))

    result: Dict[str, Any]
    with stopping_on_signals(client):
        with module.failing_on_errors():
            domain_id = resolve_domain_id(client, params["domain_id"], params["domain_name"])
        with module.failing_on_errors(context=f" in domain {domain_id}"):
            if not bulk:
                one = change_one(client, domain_id, params["speaker_id"], state, module.check_mode)
                result = {"changed": one.changed, "speaker": one.speaker(domain_id, params["speaker_id"])}
                if module._diff:
                    result["diff"] = one.diff()
                module.exit_json(**result)
            run = SpeakerRun(
                client, domain_id, params["speaker_ids"], state, module.check_mode, use_list=rates["list_speakers"] > 0
            )
            outcome = run.run()

    result = outcome.result(speakers=False)
    result["summary"] = client.request_counts()
    if module._diff:
        result["diff"] = outcome.diff()
    for warning in run.warnings:
        module.warn(warning)
    message = outcome.failure_message(explain=module.explain)
    # The speakers' facts are made from the run's records as they are printed (100,000 with as many speakers):
    # never all at once where ansible-core's result handling can print them one by one.
    module.exit_with_speakers(result, outcome.iter_speakers, len(outcome.records), message)
