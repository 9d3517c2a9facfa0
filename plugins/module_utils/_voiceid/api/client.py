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

from .errors import DomainErrorHandler
from .errors import handles_errors
from .errors import malformed
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
    "speaker_of",
]

ApiSpeaker = Dict[str, Any]


class VoiceIDClient(Transport):
    """The speaker calls and the domain lookups. A botocore error of a call becomes a VoiceIDError
    ("Failed to <what>"); answers without the members the collection reads are MalformedResponse errors."""

    @property
    def region(self) -> Optional[str]:
        """The region the client sends requests to, for messages (None when the client does not say)."""
        region = getattr(getattr(self._client, "meta", None), "region_name", None)
        return region if isinstance(region, str) and region else None

    @none_if_missing("describe speaker")
    def describe_speaker(self, domain_id: str, speaker_id: str) -> Optional[ApiSpeaker]:
        """The speaker, or None when the domain has no speaker with this id."""
        return speaker_of("DescribeSpeaker", self._call("describe_speaker", DomainId=domain_id, SpeakerId=speaker_id))

    @handles_errors("opt out speaker")
    def opt_out_speaker(self, domain_id: str, speaker_id: str) -> ApiSpeaker:
        return speaker_of("OptOutSpeaker", self._call("opt_out_speaker", DomainId=domain_id, SpeakerId=speaker_id))

    @handles_errors("delete speaker")
    def delete_speaker(self, domain_id: str, speaker_id: str) -> None:
        """Deletes the speaker; DeleteSpeaker answers nothing but success (a missing speaker raises)."""
        self._call("delete_speaker", DomainId=domain_id, SpeakerId=speaker_id)

    @handles_errors("list speakers")
    def list_speakers_page(
        self, domain_id: str, next_token: Optional[str] = None, page_size: Optional[int] = None
    ) -> Dict[str, Any]:
        page = self._call("list_speakers", **page_request("list_speakers", next_token, page_size, DomainId=domain_id))
        summaries = page.get("SpeakerSummaries")
        if not isinstance(summaries, list) or not all(_is_speaker(summary) for summary in summaries):
            raise malformed("ListSpeakers", "SpeakerSummaries is not a list of speakers")
        if page.get("NextToken") is not None and not isinstance(page["NextToken"], str):
            raise malformed("ListSpeakers", "NextToken is not a string")
        return page

    def list_speakers(self, domain_id: str, page_size: Optional[int] = None) -> Iterator[ApiSpeaker]:
        """Every speaker of the domain, one page in memory at a time."""
        return all_items("list_speakers", lambda token: self.list_speakers_page(domain_id, token, page_size))

    @none_if_missing("describe domain", DomainErrorHandler)
    def describe_domain(self, domain_id: str) -> Optional[Dict[str, Any]]:
        domain = self._call("describe_domain", DomainId=domain_id).get("Domain")
        if not isinstance(domain, dict) or not isinstance(domain.get("DomainId"), str):
            raise malformed("DescribeDomain", "Domain is not a domain")
        return domain

    @handles_errors("list domains")
    def list_domains_page(self, next_token: Optional[str] = None) -> Dict[str, Any]:
        page = self._call("list_domains", **page_request("list_domains", next_token))
        summaries = page.get("DomainSummaries")
        if not isinstance(summaries, list) or not all(
            isinstance(summary, dict) and isinstance(summary.get("DomainId"), str) for summary in summaries
        ):
            raise malformed("ListDomains", "DomainSummaries is not a list of domains")
        return page

    def list_domains(self) -> Iterator[Dict[str, Any]]:
        return all_items("list_domains", self.list_domains_page)


def _is_speaker(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Status"), str)


def speaker_of(operation: str, response: Dict[str, Any]) -> ApiSpeaker:
    """The Speaker member of an answer, checked for the members the collection reads."""
    speaker = response.get("Speaker")
    if not isinstance(speaker, dict) or not _is_speaker(speaker):
        raise malformed(operation, "Speaker is not a speaker with a status")
    return speaker
