# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The facts the modules return: the service's speakers and domains with snake_case keys and ISO 8601 times."""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import Mapping
from typing import Optional
from typing import Tuple

from ..api.shapes import snake_keys
from ..rules import is_generated_speaker_id

OPTED_OUT = "OPTED_OUT"
SPEAKER_STATUSES = ("ENROLLED", "EXPIRED", OPTED_OUT, "PENDING")

SpeakerFacts = Dict[str, Any]
# What the engine keeps of a speaker: a SpeakerFacts, or the same in CompactSpeakerFacts.
Facts = Mapping[str, Any]

_SPEAKER_KEYS: Tuple[Tuple[str, str], ...] = (
    ("CustomerSpeakerId", "customer_speaker_id"),
    ("GeneratedSpeakerId", "generated_speaker_id"),
    ("DomainId", "domain_id"),
    ("Status", "status"),
    ("CreatedAt", "created_at"),
    ("UpdatedAt", "updated_at"),
    ("LastAccessedAt", "last_accessed_at"),
)


_FACT_KEYS = tuple(key for _api_key, key in _SPEAKER_KEYS)
# The facts that name a speaker (a speaker may be requested by either).
SPEAKER_ID_KEYS = _FACT_KEYS[:2]
_STATUSES = {status: status for status in SPEAKER_STATUSES}


class CompactSpeakerFacts(Mapping[str, Any]):
    """A speaker's facts, read-only, equal to the dict speaker_facts() made them from (same keys, same order,
    same values) in a third of its memory: a bulk run keeps one per requested speaker, 100,000 of them."""

    __slots__ = _FACT_KEYS

    def __init__(self, facts: Mapping[str, Any]) -> None:
        for key, value in facts.items():
            setattr(self, key, value)

    @staticmethod
    def of(facts: SpeakerFacts) -> Facts:
        """facts in compact form, or facts itself when it has a key CompactSpeakerFacts does not hold."""
        return CompactSpeakerFacts(facts) if all(key in _FACT_KEYS for key in facts) else facts

    def __getitem__(self, key: str) -> Any:
        if key not in _FACT_KEYS:
            raise KeyError(key)
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return (key for key in _FACT_KEYS if hasattr(self, key))

    def __len__(self) -> int:
        return sum(1 for _key in self)

    def __repr__(self) -> str:
        return f"CompactSpeakerFacts({dict(self)!r})"


def speaker_facts(speaker: Mapping[str, Any]) -> SpeakerFacts:
    """A Speaker or SpeakerSummary of the API as the modules return it; absent fields stay absent."""
    return snake_keys(speaker, _SPEAKER_KEYS)


def compact_speaker_facts(
    speaker: Mapping[str, Any], domain_id: str, shared_id: Callable[[str], Optional[str]]
) -> Facts:
    """speaker_facts(), with the strings every speaker repeats (status, domain id, the requested ids: shared_id
    gives the requested id's own string, or None) shared rather than held once per speaker, and kept compact: a
    run may hold 100,000 of them."""
    facts = speaker_facts(speaker)
    status = facts.get("status")
    facts["status"] = _STATUSES.get(status, status) if isinstance(status, str) else status
    if facts.get("domain_id") == domain_id:
        facts["domain_id"] = domain_id
    for key in SPEAKER_ID_KEYS:
        value = facts.get(key)
        shared = shared_id(value) if isinstance(value, str) else None
        if shared is not None:
            facts[key] = shared
    if facts["status"] is None:
        del facts["status"]
    return CompactSpeakerFacts.of(facts)


def predicted_opt_out(before: Optional[Facts], domain_id: str, speaker_id: str) -> SpeakerFacts:
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
