# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ledger a run's threads share: plan.py's Ledger is not thread-safe (it has no threads), so every read and
change of it during a run holds SharedLedger's lock, from the page reader, the describers and the writers alike."""

from __future__ import annotations

import threading
from typing import Any
from typing import List
from typing import Tuple

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import RequestRateLimiter
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers import shared
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_ABSENT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import STATE_OPTED_OUT
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.plan import Ledger
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers.run import SpeakerRun
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

# What a Ledger holds that changes during a run. (Its `records` mapping does not: which ids were requested is
# fixed when it is made, and read without the lock; the records' stages are read through these methods.)
GUARDED = frozenset(
    (
        "learn",
        "is_unknown",
        "unseen",
        "unknown",
        "suspected",
        "abort",
        "read_failed",
        "written",
        "write_failed",
        "gone",
        "stop",
        "domain_read",
        "finish",
    )
)


class GuardedLedger(Ledger):
    """A Ledger that notes every use of what changes during a run made while its lock was not held."""

    def __getattribute__(self, name: str) -> Any:
        if name in GUARDED:
            try:
                guard, uses, unguarded = object.__getattribute__(self, "guard")
            except AttributeError:
                pass  # not handed to a run yet
            else:
                uses.append(name)
                if not guard.locked():
                    unguarded.append((name, threading.current_thread().name))
        return object.__getattribute__(self, name)


@pytest.mark.parametrize("state", [STATE_OPTED_OUT, STATE_ABSENT])
def test_every_use_of_the_ledger_during_a_run_holds_the_lock(state: str, monkeypatch: pytest.MonkeyPatch) -> None:
    statuses = ("ENROLLED", "OPTED_OUT", "EXPIRED")
    speakers = {f"c{number:03d}": statuses[number % 3] for number in range(400)}
    fake = FakeVoiceID(DOMAIN_ID, speakers)
    # Slow enough paging that pages, describes and writes overlap; requested ids the domain lacks are suspected
    # when the last page is read, for describes to confirm.
    limiter = RequestRateLimiter({"list_speakers": 20.0, "describe_speaker": 200.0})
    client = VoiceIDClient(fake, RetryPolicy(sleep=[].append), limiter=limiter)
    requested = [*speakers, *(f"new-{number}" for number in range(20))]
    monkeypatch.setattr(shared, "Ledger", GuardedLedger)
    run = SpeakerRun(client, DOMAIN_ID, requested, state, False, page_size=20)
    uses: List[str] = []
    unguarded: List[Tuple[str, str]] = []
    ledger: Any = run.ledger._ledger
    assert isinstance(ledger, GuardedLedger)
    ledger.guard = (run.ledger._lock, uses, unguarded)

    outcome = run.run()

    assert unguarded == []
    # The run did go through every path: pages, describes, writes, the whole domain read.
    assert {"learn", "unseen", "is_unknown", "written", "finish"} <= set(uses)
    assert fake.calls_to("ListSpeakers") and fake.calls_to("DescribeSpeaker") and fake.writes()
    assert outcome.failures == [] and len(outcome.changed_speaker_ids) == len(fake.writes())
