# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The calls of the speaker modules and the domain lookups every module makes, each with its answer checks,
on the Transport (retries, rate limiting, breaker) and the one error handler."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterator
from typing import Optional

from .answers import check_answer
from .errors import DomainErrorHandler
from .errors import handles_errors
from .errors import none_if_missing
from .pagination import all_items
from .pagination import page_request
from .transport import CONNECTION_POOL_SIZE
from .transport import MAX_WORKERS_PER_OPERATION
from .transport import RateLimiter
from .transport import Transport

# Transport's names are re-exported: module.py sizes botocore's pool and types the limiter with them,
# speakers/run.py sizes its workers.
__all__ = [
    "CONNECTION_POOL_SIZE",
    "MAX_WORKERS_PER_OPERATION",
    "ApiSpeaker",
    "RateLimiter",
    "VoiceIDClient",
]

ApiSpeaker = Dict[str, Any]


class VoiceIDClient(Transport):
    """The speaker calls and the domain lookups. A botocore error of a call becomes a VoiceIDError
    ("Failed to <what>"); answers without the members the collection reads are MalformedResponse errors
    (answers.py, for every call through _ask)."""

    retried_item = "speaker"

    def _ask(self, operation: str, **params: Any) -> Dict[str, Any]:
        """The answer to one request, checked for what the operations table says it carries."""
        return check_answer(operation, self._call(operation, **params))

    @property
    def region(self) -> Optional[str]:
        """The region the client sends requests to, for messages (None when the client does not say)."""
        region = getattr(getattr(self._client, "meta", None), "region_name", None)
        return region if isinstance(region, str) and region else None

    @none_if_missing("describe speaker")
    def describe_speaker(self, domain_id: str, speaker_id: str) -> Optional[ApiSpeaker]:
        """The speaker, or None when the domain has no speaker with this id."""
        speaker: ApiSpeaker = self._ask("describe_speaker", DomainId=domain_id, SpeakerId=speaker_id)["Speaker"]
        return speaker

    @handles_errors("opt out speaker")
    def opt_out_speaker(self, domain_id: str, speaker_id: str) -> ApiSpeaker:
        speaker: ApiSpeaker = self._ask("opt_out_speaker", DomainId=domain_id, SpeakerId=speaker_id)["Speaker"]
        return speaker

    @handles_errors("delete speaker")
    def delete_speaker(self, domain_id: str, speaker_id: str) -> None:
        """Deletes the speaker; DeleteSpeaker answers nothing but success (a missing speaker raises)."""
        self._ask("delete_speaker", DomainId=domain_id, SpeakerId=speaker_id)

    @handles_errors("list speakers")
    def list_speakers_page(
        self, domain_id: str, next_token: Optional[str] = None, page_size: Optional[int] = None
    ) -> Dict[str, Any]:
        return self._ask("list_speakers", **page_request("list_speakers", next_token, page_size, DomainId=domain_id))

    def list_speakers(self, domain_id: str, page_size: Optional[int] = None) -> Iterator[ApiSpeaker]:
        """Every speaker of the domain, one page in memory at a time."""
        return all_items("list_speakers", lambda token: self.list_speakers_page(domain_id, token, page_size), page_size)

    @none_if_missing("describe domain", DomainErrorHandler)
    def describe_domain(self, domain_id: str) -> Optional[Dict[str, Any]]:
        domain: Dict[str, Any] = self._ask("describe_domain", DomainId=domain_id)["Domain"]
        return domain

    @handles_errors("list domains")
    def list_domains_page(self, next_token: Optional[str] = None) -> Dict[str, Any]:
        return self._ask("list_domains", **page_request("list_domains", next_token))

    def list_domains(self) -> Iterator[Dict[str, Any]]:
        return all_items("list_domains", self.list_domains_page)
