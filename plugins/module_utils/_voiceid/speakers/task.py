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

from ..api.client import VoiceIDClient
from ..api.operations import api_name
from ..api.ratelimit import RequestRateLimiter
from ..api.ratelimit import check_request_rates
from ..domains.lookup import resolve_domain_id
from ..journal import AnyJournal
from ..journal import ending
from ..journal import open_journal
from ..module import VoiceIDModule
from ..rules import check_domain_options
from ..rules import check_speaker_options
from .plan import GOALS
from .plan import RunResult
from .run import SpeakerRun
from .run import change_one
from .run import stopping_on_signals


def run_speaker_task(module: VoiceIDModule, state: str) -> NoReturn:
    params = module.params
    with module.failing_on_errors():
        # Every option is checked before the first call; the journal is opened (its `start` line written).
        check_domain_options(params["domain_id"], params["domain_name"])
        check_speaker_options(params["speaker_id"], params["speaker_ids"])
        rates = check_request_rates("request_rates", params["request_rates"])
        bulk = params["speaker_ids"] is not None
        requested = len(params["speaker_ids"]) if bulk else 1
        client = module.voiceid_client(limiter=RequestRateLimiter(rates))
        journal = open_journal(
            params["journal"], module._name, start_fields(params, state, requested, module.check_mode)
        )

    summary: Dict[str, Any] = {"requested": requested}
    with ending(journal, summary):
        _run(module, state, client, rates["list_speakers"] > 0, journal, summary)


def start_fields(params: Dict[str, Any], state: str, requested: int, check_mode: bool) -> Dict[str, Any]:
    """The `start` line's fields: no speaker id."""
    fields: Dict[str, Any] = {
        "operation": api_name(GOALS[state].operation),
        "domain_id": params["domain_id"],
        "state": state,
        "requested": requested,
        "check_mode": check_mode,
    }
    if params["domain_name"] is not None:
        fields["domain_name"] = params["domain_name"]
    return fields


def end_counts(outcome: RunResult) -> Dict[str, Any]:
    """The counts of the `end` line. (The result's `summary`, once the speaker results carry one, replaces
    them.)"""
    failures = outcome.failures
    by_code: Dict[str, int] = {}
    for failure in failures:
        by_code[failure["code"]] = by_code.get(failure["code"], 0) + 1
    changed = len(outcome.changed_speaker_ids)
    counts: Dict[str, Any] = {
        "distinct": len(outcome.records),
        "changed": changed,
        "failed": len(failures),
        "unchanged": len(outcome.records) - changed - len(failures),
        "failed_by_code": by_code,
    }
    if outcome.abort is not None:
        counts["stopped"] = outcome.abort.code  # why the run stopped: Interrupted after a signal
    return counts


def _run(
    module: VoiceIDModule,
    state: str,
    client: VoiceIDClient,
    use_list: bool,
    journal: AnyJournal,
    summary: Dict[str, Any],
) -> NoReturn:
    """Resolve the domain, run the engine for one speaker or many, and report; summary gets the counts."""
    params = module.params
    bulk = params["speaker_ids"] is not None
    result: Dict[str, Any]
    with stopping_on_signals(client):
        with module.failing_on_errors():
            domain_id = resolve_domain_id(client, params["domain_id"], params["domain_name"])
        with module.failing_on_errors(context=f" in domain {domain_id}"):
            if not bulk:
                one = change_one(client, domain_id, params["speaker_id"], state, module.check_mode, journal)
                summary["changed"] = int(one.changed)
                result = {"changed": one.changed, "speaker": one.speaker(domain_id, params["speaker_id"])}
                _warn_lost(module, journal)
                if module._diff:
                    result["diff"] = one.diff()
                module.exit_json(**result)
            run = SpeakerRun(
                client,
                domain_id,
                params["speaker_ids"],
                state,
                module.check_mode,
                use_list=use_list,
                journal=journal,
            )
            outcome = run.run()

    result = outcome.result(speakers=False)
    result["summary"] = client.request_counts()
    if module._diff:
        result["diff"] = outcome.diff()
    summary.update(end_counts(outcome))
    for warning in run.warnings:
        module.warn(warning)
    _warn_lost(module, journal)
    message = outcome.failure_message(explain=module.explain)
    # The speakers' facts are made from the run's records as they are printed (100,000 with as many speakers):
    # never all at once where ansible-core's result handling can print them one by one.
    module.exit_with_speakers(result, outcome.iter_speakers, len(outcome.records), message)


def _warn_lost(module: VoiceIDModule, journal: AnyJournal) -> None:
    lost = journal.lost()
    if lost is not None:
        module.warn(lost)
