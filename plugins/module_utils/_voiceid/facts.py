# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The facts the modules return: the service's speakers and domains with snake_case keys and ISO 8601 times."""

from __future__ import annotations

import datetime
from typing import Any
from typing import Dict
from typing import Mapping
from typing import Optional
from typing import Tuple

from .ids import is_generated_speaker_id

OPTED_OUT = "OPTED_OUT"
SPEAKER_STATUSES = ("ENROLLED", "EXPIRED", OPTED_OUT, "PENDING")

SpeakerFacts = Dict[str, Any]

_SPEAKER_KEYS: Tuple[Tuple[str, str], ...] = (
    ("CustomerSpeakerId", "customer_speaker_id"),
    ("GeneratedSpeakerId", "generated_speaker_id"),
    ("DomainId", "domain_id"),
    ("Status", "status"),
    ("CreatedAt", "created_at"),
    ("UpdatedAt", "updated_at"),
    ("LastAccessedAt", "last_accessed_at"),
)


def iso_timestamp(value: Any) -> Any:
    """A datetime as an ISO 8601 string in UTC; anything else unchanged."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).isoformat()
    return value


def speaker_facts(speaker: Mapping[str, Any]) -> SpeakerFacts:
    """A Speaker or SpeakerSummary of the API as the modules return it; absent fields stay absent."""
    return {key: iso_timestamp(speaker[api_key]) for api_key, key in _SPEAKER_KEYS if api_key in speaker}


def predicted_opt_out(before: Optional[SpeakerFacts], domain_id: str, speaker_id: str) -> SpeakerFacts:
    """What OptOutSpeaker would make of the speaker, for check mode: what cannot be known yet
    (a new generated id, the new update time) is left out."""
    if before is not None:
        after = {key: value for key, value in before.items() if key != "updated_at"}
    else:
        after = {"domain_id": domain_id}
        if not is_generated_speaker_id(speaker_id):
            after["customer_speaker_id"] = speaker_id
    after["status"] = OPTED_OUT
    return after
