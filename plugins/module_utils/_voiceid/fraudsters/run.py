# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Running the decisions of plan.py against the service, for one fraudster or many.

Each distinct requested fraudster is one task on bulk/workers.py's threads: DescribeFraudster (consistent,
unlike ListFraudsters), the decision, then its writes in order (none in check mode), each journaled
(writing.py). A fraudster's writes stop at its first failed one, so that an association that failed is never
followed by the disassociations it was to precede. Every request waits for the client's rate limiter, so reads
and writes each keep to their operation's quota; the number of threads follows rate x latency of
DescribeFraudster, as for speakers.

One fraudster's failure never stops the others. An error that concerns the whole domain, an endpoint that never
answers, a journal that cannot take a `sent` line, or a signal (bulk/signals.py) stops the client: no request
starts after it, those in flight finish, and the result still has every write made."""

from __future__ import annotations

import functools
from typing import Callable
from typing import Dict
from typing import List

from ..api.errors import ApiError
from ..api.errors import VoiceIDError
from ..api.watchlist_client import WatchlistClient
from ..bulk.failed import Failed
from ..bulk.workers import Workers
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from .facts import fraudster_facts
from .plan import Decision
from .plan import FraudsterRecord
from .plan import Membership
from .plan import RunResult
from .plan import membership
from .plan import predicted
from .writing import settle
from .writing import write

# What one fraudster needs, from its membership as read (plan.decide with the task's options bound).
Decider = Callable[[Membership], Decision]


class FraudsterRun:
    """A run over requested fraudster ids (duplicates allowed: each distinct id is read and written once)."""

    def __init__(
        self,
        client: WatchlistClient,
        domain_id: str,
        fraudster_ids: List[str],
        state: str,
        decide: Decider,
        check_mode: bool,
        journal: AnyJournal = NO_JOURNAL,
    ) -> None:
        self.client = client
        self.domain_id = domain_id
        self.requested = list(fraudster_ids)
        self.state = state
        self.decide = decide
        self.check_mode = check_mode
        self.journal = journal
        self.records: Dict[str, FraudsterRecord] = {
            fraudster_id: FraudsterRecord(fraudster_id) for fraudster_id in dict.fromkeys(self.requested)
        }

    def run(self) -> RunResult:
        limiter = self.client.limiter
        rate = limiter.rate("describe_fraudster") if limiter is not None else None
        workers = Workers("fraudster", rate, lambda: self.client.latency)
        try:
            for record in self.records.values():
                workers.submit(functools.partial(self._handle, record))
        finally:
            workers.close()
        abort = self.client.stop_reason if self.client.stopped.is_set() else None
        return RunResult(self.domain_id, self.state, self.requested, self.records, abort)

    def _failed(self, record: FraudsterRecord, error: ApiError) -> None:
        if error.ends_run:
            self.client.stop(error)
        record.fail(error)

    def _handle(self, record: FraudsterRecord) -> None:
        if self.client.stopped.is_set():
            return  # left unsettled: the result fails it with the reason the run stopped
        try:
            self._read_and_write(record)
        except VoiceIDError as error:
            self._failed(record, error.api_error)
        except Exception as error:  # pylint: disable=broad-except
            record.fail(ApiError.from_exception(error))

    def _read_and_write(self, record: FraudsterRecord) -> None:
        answer = self.client.describe_fraudster(self.domain_id, record.fraudster_id)
        record.read = True
        record.before = fraudster_facts(answer) if answer is not None else None
        record.after = record.before
        decision = self.decide(membership(record.before))
        if decision.failure is not None:
            record.fail(decision.failure)
            return
        record.calls = decision.calls
        if self.check_mode:
            record.done = list(decision.calls)
            record.after = predicted(record.before, decision.calls)
            record.settled = True
            return
        for call in decision.calls:
            try:
                written = write(self.client, call, self.domain_id, record.fraudster_id, self.journal)
            except VoiceIDError as error:
                api_error = error.api_error
                meaning, current = settle(
                    self.client, call, self.domain_id, record.fraudster_id, api_error, self.journal
                )
                if meaning is Failed.DELETED_MEANWHILE:
                    record.after = None  # someone else deleted it: nothing done, nothing left to do
                    break
                if meaning is Failed.FAILED:
                    self._failed(record, api_error)
                    return
                record.answer_lost = True
                written = current
            record.done.append(call)
            record.after = fraudster_facts(written) if written is not None else None
        record.settled = True


def run_fraudsters(
    client: WatchlistClient,
    domain_id: str,
    fraudster_ids: List[str],
    state: str,
    decide: Decider,
    check_mode: bool,
    journal: AnyJournal = NO_JOURNAL,
) -> RunResult:
    """One run (see FraudsterRun)."""
    return FraudsterRun(client, domain_id, fraudster_ids, state, decide, check_mode, journal).run()
