# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Opting out many speakers in one task, as fast as the service's request quotas allow.

Each speaker is read, then written only if it is not OPTED_OUT. Reads take two paths at once, each within
its own quota: DescribeSpeaker per requested id (10/s by default) and paging ListSpeakers (5 pages of 100 per
second). Whichever learns a speaker's state first settles it, and both stop as soon as every requested speaker
is known, so a short list in a large domain finishes at the speed of DescribeSpeaker and a long list at the
speed of ListSpeakers. Writes start as soon as a speaker is known to need one. Only the requested speakers are
kept in memory; pages are dropped as they are read.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

from .client import VoiceIDClient
from .errors import ApiError
from .errors import VoiceIDError
from .facts import OPTED_OUT
from .facts import SpeakerFacts
from .facts import predicted_opt_out
from .facts import speaker_facts
from .ids import is_generated_speaker_id
from .optout import UNKNOWN_GENERATED_ID_MESSAGE
from .optout import needs_opt_out

# Errors that concern the whole domain: no speaker can succeed, so the run stops at the first one.
_DOMAIN_CONFLICTS = frozenset({"DOMAIN_NOT_ACTIVE", "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES"})
# How long one request is expected to take; with the rate it sizes the worker pools (rate x latency).
_EXPECTED_LATENCY = 0.4
MAX_WORKERS_PER_OPERATION = 16


def workers_for(rate: Optional[float]) -> int:
    """Enough concurrent requests to keep up with rate when each takes about _EXPECTED_LATENCY seconds."""
    if rate is None:
        return MAX_WORKERS_PER_OPERATION
    return max(2, min(MAX_WORKERS_PER_OPERATION, math.ceil(rate * _EXPECTED_LATENCY)))


def unique_in_order(speaker_ids: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(speaker_ids))


@dataclass
class SpeakerRecord:
    """What the run knows of one requested speaker."""

    speaker_id: str
    before: Optional[SpeakerFacts] = None  # the speaker as read; None when known to be absent
    after: Optional[SpeakerFacts] = None
    changed: bool = False
    failure: Optional[ApiError] = None

    def facts(self, domain_id: str) -> SpeakerFacts:
        """The speaker's facts for the result: as written, else as read, else only what the request says."""
        if self.after is not None:
            return self.after
        if self.before is not None:
            return self.before
        key = "generated_speaker_id" if is_generated_speaker_id(self.speaker_id) else "customer_speaker_id"
        return {key: self.speaker_id, "domain_id": domain_id}


@dataclass
class BulkOutcome:
    domain_id: str
    records: List[SpeakerRecord]
    warnings: List[str] = field(default_factory=list)

    @property
    def changed_speaker_ids(self) -> List[str]:
        return [record.speaker_id for record in self.records if record.changed]

    @property
    def failures(self) -> List[Dict[str, str]]:
        return [
            {"speaker_id": record.speaker_id, "code": record.failure.code, "message": record.failure.describe()}
            for record in self.records
            if record.failure is not None
        ]

    def speakers(self) -> List[SpeakerFacts]:
        return [record.facts(self.domain_id) for record in self.records]

    def result(self) -> Dict[str, Any]:
        changed_speaker_ids = self.changed_speaker_ids
        return {
            "changed": bool(changed_speaker_ids),
            "speakers": self.speakers(),
            "changed_speaker_ids": changed_speaker_ids,
            "failures": self.failures,
        }

    def failure_message(self, most: int = 20) -> Optional[str]:
        """How many failed, and the first ones by id with the reason; None when none failed."""
        failures = self.failures
        if not failures:
            return None
        shown = "; ".join(f"{failure['speaker_id']} ({failure['message']})" for failure in failures[:most])
        more = f"; and {len(failures) - most} more (see failures)" if len(failures) > most else ""
        return (
            f"{len(failures)} of {len(self.records)} speakers in domain {self.domain_id} could not be opted out"
            f" (the others were handled; a rerun retries only what is left): {shown}{more}"
        )

    def diff(self) -> Dict[str, Any]:
        """A summary of what changes: the status of each changed speaker before ('absent' if new) and after."""
        changed = [record for record in self.records if record.changed]
        return {
            "before": {record.speaker_id: (record.before or {}).get("status", "absent") for record in changed},
            "after": {record.speaker_id: OPTED_OUT for record in changed},
        }


class BulkOptOut:
    """One run over a list of speaker ids; see the module docstring for the strategy."""

    def __init__(
        self,
        client: VoiceIDClient,
        domain_id: str,
        speaker_ids: Iterable[str],
        check_mode: bool,
        use_list: bool = True,
        page_size: int = 100,
    ) -> None:
        self.client = client
        self.domain_id = domain_id
        self.check_mode = check_mode
        self.use_list = use_list
        self.page_size = page_size
        self.records = {speaker_id: SpeakerRecord(speaker_id) for speaker_id in unique_in_order(speaker_ids)}
        self._unknown = set(self.records)
        self._lock = threading.Lock()
        self._all_known = threading.Event()
        self._abort: Optional[VoiceIDError] = None
        self._written: set[str] = set()  # generated ids of speakers already written (named twice by two ids)
        self._warnings: List[str] = []
        self._writers: Optional[ThreadPoolExecutor] = None
        if not self._unknown:
            self._all_known.set()

    # --- deciding -------------------------------------------------------------------------------------------

    def _settle(self, speaker_id: str, current: Optional[SpeakerFacts]) -> None:
        """Record what a read learnt of a speaker (first read wins) and queue a write if one is needed."""
        write = False
        with self._lock:
            if speaker_id not in self._unknown:
                return
            self._unknown.discard(speaker_id)
            record = self.records[speaker_id]
            record.before = current
            if current is not None and not needs_opt_out(current):
                record.after = current
            elif current is None and is_generated_speaker_id(speaker_id):
                record.failure = ApiError("ResourceNotFoundException", UNKNOWN_GENERATED_ID_MESSAGE, "SPEAKER")
            else:
                record.changed = True
                generated = (current or {}).get("generated_speaker_id")
                if self.check_mode or (generated is not None and generated in self._written):
                    record.after = predicted_opt_out(current, self.domain_id, speaker_id)
                else:
                    if generated is not None:
                        self._written.add(generated)
                    write = True
            if not self._unknown:
                self._all_known.set()
        if write and self._writers is not None:
            self._writers.submit(self._write, speaker_id)

    def _fail(self, speaker_id: str, error: VoiceIDError) -> None:
        api_error = error.api_error
        domain_wide = (api_error.code == "ResourceNotFoundException" and api_error.resource_type == "DOMAIN") or (
            api_error.code == "ConflictException" and api_error.conflict_type in _DOMAIN_CONFLICTS
        )
        with self._lock:
            if domain_wide and self._abort is None:
                self._abort = error
            record = self.records[speaker_id]
            record.failure = api_error
            record.changed = False
            self._unknown.discard(speaker_id)
            if not self._unknown or self._abort is not None:
                self._all_known.set()

    # --- reading and writing --------------------------------------------------------------------------------

    def _describe(self, speaker_id: str) -> None:
        if self._abort is not None or speaker_id not in self._unknown:
            return
        try:
            current = self.client.describe_speaker(self.domain_id, speaker_id)
            self._settle(speaker_id, speaker_facts(current) if current is not None else None)
        except VoiceIDError as error:
            self._fail(speaker_id, error)
        except Exception as error:  # pylint: disable=broad-except
            # Not an answer of the service (a bug, a malformed response): this speaker fails, the others go on.
            self._fail(speaker_id, VoiceIDError("Failed to describe speaker", api_error=ApiError.from_exception(error)))

    def _list(self) -> None:
        try:
            self._read_pages()
        except Exception as error:  # pylint: disable=broad-except
            self._warnings.append(
                f"Reading ListSpeakers pages stopped ({error!r}); the rest was read with DescribeSpeaker"
            )

    def _read_pages(self) -> None:
        token: Optional[str] = None
        while self._abort is None and not self._all_known.is_set():
            try:
                page = self.client.list_speakers_page(self.domain_id, token, self.page_size)
            except VoiceIDError as error:
                if error.api_error.code == "ResourceNotFoundException" and error.api_error.resource_type == "DOMAIN":
                    with self._lock:
                        self._abort = self._abort or error
                        self._all_known.set()
                else:
                    self._warnings.append(
                        f"ListSpeakers failed ({error.api_error.describe()}); speakers were read with DescribeSpeaker"
                    )
                return
            for summary in page.get("SpeakerSummaries", []):
                for key in ("CustomerSpeakerId", "GeneratedSpeakerId"):
                    speaker_id = summary.get(key)
                    if speaker_id in self.records:
                        self._settle(speaker_id, speaker_facts(summary))
            token = page.get("NextToken")
            if not token:
                # The whole domain has been read: a requested speaker not in it does not exist.
                for speaker_id in list(self._unknown):
                    self._settle(speaker_id, None)
                return

    def _write(self, speaker_id: str) -> None:
        if self._abort is not None:
            with self._lock:
                self.records[speaker_id].changed = False
            return
        try:
            after = speaker_facts(self.client.opt_out_speaker(self.domain_id, speaker_id))
        except VoiceIDError as error:
            self._fail(speaker_id, error)
            return
        except Exception as error:  # pylint: disable=broad-except
            self._fail(speaker_id, VoiceIDError("Failed to opt out speaker", api_error=ApiError.from_exception(error)))
            return
        with self._lock:
            self.records[speaker_id].after = after

    # --- the run --------------------------------------------------------------------------------------------

    def run(self) -> BulkOutcome:
        limiter = self.client.limiter
        describe_rate = limiter.rate("describe_speaker") if limiter is not None else None
        write_rate = limiter.rate("opt_out_speaker") if limiter is not None else None
        with ThreadPoolExecutor(workers_for(write_rate), thread_name_prefix="opt-out") as writers:
            self._writers = writers
            lister = threading.Thread(target=self._list, name="list-speakers", daemon=True) if self.use_list else None
            if lister is not None and self.records:
                lister.start()
            with ThreadPoolExecutor(workers_for(describe_rate), thread_name_prefix="describe") as describers:
                for speaker_id in self.records:
                    describers.submit(self._describe, speaker_id)
            if lister is not None and lister.is_alive():
                lister.join()
        # Reads and writes are over. Speakers left unknown were cut off by a domain-wide error.
        if self._abort is not None:
            raise self._abort
        for speaker_id in self._unknown:
            record = self.records[speaker_id]
            if record.failure is None:  # never expected; reported rather than lost
                record.failure = ApiError("NotProcessed", "the speaker's state could not be read")
        return BulkOutcome(self.domain_id, list(self.records.values()), list(self._warnings))
