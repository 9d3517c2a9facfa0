# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Running the decisions of plan.py against the service, for one speaker or many.

One speaker: DescribeSpeaker, decide, then OptOutSpeaker or DeleteSpeaker (not in check mode).

Many speakers: a SpeakerRun composes three jobs, each in its own module, around one SharedLedger (shared.py):
page reading (pages.py: the ListSpeakers pipeline), read scheduling (scheduling.py: DescribeSpeaker for the
speakers pages have not settled, when paging would not reach them sooner) and writing (writing.py). Reads take
both paths at once, each within its own quota; whichever learns a speaker's state first settles it in the
ledger, and a write starts as soon as a speaker is known to need one. Worker threads follow the observed
latency (workers.py).

A domain-wide error, an unreachable endpoint or a signal (SIGINT, SIGTERM) stops the run: no request starts
after it, those in flight finish, and the result still reports every write that was made.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

from ..api.client import VoiceIDClient
from ..api.errors import VoiceIDError
from ..bulk.failed import Failed
from ..journal import NO_JOURNAL
from ..journal import AnyJournal
from .facts import Facts
from .facts import SpeakerFacts
from .facts import speaker_facts
from .pages import PageReader
from .plan import GOALS
from .plan import NOTHING
from .plan import STATE_OPTED_OUT
from .plan import RunResult
from .plan import decide
from .plan import predicted
from .plan import request_facts
from .reading import LIST_SPEAKERS_PAGE_SIZE
from .scheduling import ReadScheduler
from .shared import SharedLedger
from .writing import Writer
from .writing import settle
from .writing import write

# --- one speaker ----------------------------------------------------------------------------------------------


class OneResult:
    """The outcome of bringing one speaker to the desired state."""

    def __init__(
        self,
        state: str,
        changed: bool,
        before: Optional[SpeakerFacts],
        after: Optional[SpeakerFacts],
        answer_lost: bool = False,
    ):
        self.state = state
        self.changed = changed
        self.before = before
        self.after = after
        self.answer_lost = answer_lost  # the write was done, its answer lost (writing.after_failure)

    def speaker(self, domain_id: str, speaker_id: str) -> SpeakerFacts:
        """opted_out: the speaker as written (or predicted, or as read when unchanged); absent: as read before
        the deletion, or only its id when there was no such speaker."""
        facts = self.after if self.state == STATE_OPTED_OUT else self.before
        facts = facts if facts is not None else request_facts(domain_id, speaker_id)
        return dict(facts, answer_lost=True) if self.answer_lost else facts

    def diff(self) -> Dict[str, Any]:
        return {"before": self.before or {}, "after": self.after or {}}


def change_one(
    client: VoiceIDClient,
    domain_id: str,
    speaker_id: str,
    state: str,
    check_mode: bool,
    journal: AnyJournal = NO_JOURNAL,
) -> OneResult:
    """Describe, decide, act (not in check mode). Failures raise VoiceIDError."""
    current = client.describe_speaker(domain_id, speaker_id)
    before = speaker_facts(current) if current is not None else None
    decision = decide(state, before, speaker_id, check_mode)
    if decision.failure is not None:
        raise VoiceIDError(f"Failed to {GOALS[state].verb} speaker", api_error=decision.failure)
    if decision.action == NOTHING:
        return OneResult(state, False, before, before)
    if not decision.call:
        return OneResult(state, True, before, predicted(state, before, domain_id, speaker_id))
    try:
        answer = write(client, decision.action, domain_id, speaker_id, journal)
    except VoiceIDError as error:
        meaning, current = settle(client, decision.action, domain_id, speaker_id, error.api_error, journal)
        if meaning is Failed.DELETED_MEANWHILE:
            return OneResult(state, False, None, None)  # deleted meanwhile by someone else: nothing was done
        if meaning is Failed.FAILED:
            raise
        return OneResult(state, True, before, speaker_facts(current) if current is not None else None, True)
    return OneResult(state, True, before, speaker_facts(answer) if answer is not None else None)


# --- many speakers --------------------------------------------------------------------------------------------


class SpeakerRun:
    """One run over a list of speaker ids: page reading, read scheduling and writing around one shared ledger;
    see the module docstring."""

    def __init__(
        self,
        client: VoiceIDClient,
        domain_id: str,
        speaker_ids: Iterable[str],
        state: str,
        check_mode: bool,
        use_list: bool = True,
        page_size: int = LIST_SPEAKERS_PAGE_SIZE,
        journal: AnyJournal = NO_JOURNAL,
    ) -> None:
        self.client = client
        self.journal = journal
        self.domain_id = domain_id
        self.state = state
        self.use_list = use_list
        self.page_size = page_size
        self.ledger = SharedLedger(domain_id, speaker_ids, state, check_mode)
        self._pages: Optional[PageReader] = None
        self._scheduler: Optional[ReadScheduler] = None
        self._writer: Optional[Writer] = None

    @property
    def warnings(self) -> List[str]:
        """What the task warns of, once the run is over (paging that failed, the rest having been described)."""
        return list(self._pages.warnings) if self._pages is not None else []

    def _latency(self) -> float:
        return self.client.latency

    def _learn(self, found: Dict[str, Optional[Facts]], confirmed: bool) -> None:
        """Record what a read found of some requested ids; queue the writes that are needed, and (for a page)
        the describes that must confirm a speaker before its write."""
        if self._writer is None or self._scheduler is None:  # only while run() runs
            raise RuntimeError("reads learnt outside a run")
        writes, suspected = self.ledger.learn(found, confirmed)
        self._scheduler.confirm(suspected)
        self._writer.submit(writes)

    def _confirm(self, speaker_ids: List[str]) -> None:
        if self._scheduler is not None:
            self._scheduler.confirm(speaker_ids)

    def run(self) -> RunResult:
        self._writer = Writer(self.client, self.ledger, self.state, self._latency, self.journal)
        if self.use_list and self.ledger.unknown():
            self._pages = PageReader(self.client, self.ledger, self.state, self.page_size, self._learn, self._confirm)
        self._scheduler = ReadScheduler(self.client, self.ledger, self._pages, self._learn, self._latency)
        if self._pages is not None:
            self._pages.start()
        try:
            self._scheduler.run()
        finally:
            if self._pages is not None:
                self._pages.join()
            self._writer.close()
        stopped = self.client.stopped.is_set()
        return self.ledger.finish(self.client.stop_reason if stopped else None)
