# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The task of voiceid_speaker and voiceid_speaker_optout: check every option, resolve the domain, run the
engine for one speaker or many, and report (a failed or stopped run still reports every write it made).

Messages (msg, warnings) never carry a speaker id or the value of an invalid one: counts, error codes,
positions and rules only. The ids are in the structured keys (speaker, speakers, changed_speaker_ids,
failures, invalid), which no_log hides."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import NoReturn

from ..api.client import VoiceIDClient
from ..api.errors import VoiceIDError
from ..api.operations import api_name
from ..api.ratelimit import RequestRateLimiter
from ..api.ratelimit import check_request_rates
from ..argspec import ON_INVALID_SKIP
from ..bulk.signals import stopping_on_signals
from ..domains.lookup import resolve_domain_id
from ..journal import AnyJournal
from ..journal import bulk_start
from ..journal import ending
from ..journal import open_journal
from ..module import VoiceIDModule
from ..rules import SPEAKER_IDS
from ..rules import InvalidSpeakerId
from ..rules import check_domain_options
from ..rules import check_speaker_options
from ..rules import skipped_warning
from .plan import GOALS
from .run import SpeakerRun
from .run import change_one
from .summary import one_summary
from .summary import run_summary


def run_speaker_task(module: VoiceIDModule, state: str) -> NoReturn:
    params = module.params
    with module.failing_on_errors():
        # Every option is checked before the first call; the journal is opened (its `start` line written).
        check_domain_options(params["domain_id"], params["domain_name"])
        skipped = check_speaker_options(
            params["speaker_id"], params["speaker_ids"], skip_invalid=params["on_invalid"] == ON_INVALID_SKIP
        )
        rates = check_request_rates("request_rates", params["request_rates"])
        bulk = params["speaker_ids"] is not None
        requested = len(params["speaker_ids"]) if bulk else 1
        client = module.voiceid_client(limiter=RequestRateLimiter(rates))
        journal = open_journal(
            params["journal"],
            module._name,
            bulk_start(api_name(GOALS[state].operation), state, params, requested, module.check_mode),
        )

    summary: Dict[str, Any] = {"requested": requested}
    with ending(journal, summary):
        _run(module, state, client, rates["list_speakers"] > 0, journal, summary, skipped)


def _run(
    module: VoiceIDModule,
    state: str,
    client: VoiceIDClient,
    use_list: bool,
    journal: AnyJournal,
    summary: Dict[str, Any],
    skipped: List[InvalidSpeakerId],
) -> NoReturn:
    """Resolve the domain, run the engine for one speaker or many, and report; summary (the journal's `end`
    line) gets the result's summary."""
    params = module.params
    with stopping_on_signals(client):
        with module.failing_on_errors():
            domain_id = resolve_domain_id(client, params["domain_id"], params["domain_name"])
        if params["speaker_ids"] is None:
            _change_one_speaker(module, client, domain_id, state, journal, summary)
        invalid = {item.index for item in skipped}
        valid = [speaker_id for index, speaker_id in enumerate(params["speaker_ids"]) if index not in invalid]
        with module.failing_on_errors(context=f" in domain {domain_id}", speaker_ids=set(valid)):
            run = SpeakerRun(client, domain_id, valid, state, module.check_mode, use_list=use_list, journal=journal)
            outcome = run.run()

    result: Dict[str, Any] = outcome.result(speakers=False)
    result["summary"] = dict(run_summary(outcome, invalid=len(skipped)), **client.request_counts())
    summary.update(result["summary"])
    if outcome.abort is not None:
        summary["stopped"] = outcome.abort.code  # why the run stopped: Interrupted after a signal
    if params["on_invalid"] == ON_INVALID_SKIP:
        result["invalid"] = [item.as_result() for item in skipped]
    if module._diff:
        result["diff"] = outcome.diff()
    for warning in run.warnings:
        module.warn(warning)
    if skipped:
        module.warn(skipped_warning(SPEAKER_IDS, skipped))
    _warn_lost(module, journal)
    message = outcome.failure_message(explain=module.explain, region=client.region)
    # The speakers' facts are made from the run's records as they are printed (100,000 with as many speakers):
    # never all at once where ansible-core's result handling can print them one by one.
    module.exit_with_speakers(result, outcome.iter_speakers, len(outcome.requested), message)


def _change_one_speaker(
    module: VoiceIDModule,
    client: VoiceIDClient,
    domain_id: str,
    state: str,
    journal: AnyJournal,
    summary: Dict[str, Any],
) -> NoReturn:
    speaker_id = module.params["speaker_id"]
    try:
        one = change_one(client, domain_id, speaker_id, state, module.check_mode, journal)
    except VoiceIDError as error:
        failed = dict(one_summary(False, error.api_error.code), **client.request_counts())
        summary.update(failed)
        module.fail_voiceid(error, f" in domain {domain_id}", [speaker_id], summary=failed)
    result: Dict[str, Any] = {
        "changed": one.changed,
        "speaker": one.speaker(domain_id, speaker_id),
        "summary": dict(one_summary(one.changed), **client.request_counts()),
    }
    summary.update(result["summary"])
    _warn_lost(module, journal)
    if module._diff:
        result["diff"] = one.diff()
    module.exit_json(**result)


def _warn_lost(module: VoiceIDModule, journal: AnyJournal) -> None:
    lost = journal.lost()
    if lost is not None:
        module.warn(lost)
