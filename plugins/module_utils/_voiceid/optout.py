# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Bringing one speaker to OPTED_OUT: describe, decide, act (not in check mode), report."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
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

UNKNOWN_GENERATED_ID_MESSAGE = (
    "no speaker has this generated speaker id in the domain, and a generated id can only name an existing"
    " speaker (use the customer speaker id to opt out a speaker Voice ID has not seen yet)"
)


@dataclass
class OptOutOutcome:
    changed: bool
    before: Optional[SpeakerFacts]  # None: the domain had no such speaker
    after: SpeakerFacts

    warnings: List[str] = field(default_factory=list)

    def diff(self) -> Dict[str, Any]:
        return {"before": self.before or {}, "after": self.after}

    def result(self) -> Dict[str, Any]:
        return {"changed": self.changed, "speaker": self.after}

    def failure_message(self) -> Optional[str]:
        return None  # a single speaker's failure is raised as VoiceIDError


def needs_opt_out(before: Optional[SpeakerFacts]) -> bool:
    return before is None or before.get("status") != OPTED_OUT


def opt_out_speaker(client: VoiceIDClient, domain_id: str, speaker_id: str, check_mode: bool) -> OptOutOutcome:
    current = client.describe_speaker(domain_id, speaker_id)
    before = speaker_facts(current) if current is not None else None
    if before is not None and not needs_opt_out(before):
        return OptOutOutcome(changed=False, before=before, after=before)
    if before is None and is_generated_speaker_id(speaker_id):
        raise VoiceIDError(
            message="Failed to opt out speaker",
            api_error=ApiError("ResourceNotFoundException", UNKNOWN_GENERATED_ID_MESSAGE, resource_type="SPEAKER"),
        )
    if check_mode:
        return OptOutOutcome(changed=True, before=before, after=predicted_opt_out(before, domain_id, speaker_id))
    return OptOutOutcome(
        changed=True, before=before, after=speaker_facts(client.opt_out_speaker(domain_id, speaker_id))
    )
