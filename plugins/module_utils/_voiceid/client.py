# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""A thin, typed wrapper of the boto3 voice-id client: retries, optional rate limiting, one error handler."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterator
from typing import Optional
from typing import Protocol

from .errors import ApiError
from .errors import DomainErrorHandler
from .errors import handles_errors
from .errors import is_botocore_error
from .errors import none_if_missing
from .retry import RetryPolicy

ApiSpeaker = Dict[str, Any]


class RateLimiter(Protocol):
    def acquire(self, operation: str) -> None:
        """Block until one request of operation may be sent."""

    def rate(self, operation: str) -> Optional[float]:
        """The operation's requests per second, None when it is not limited."""


class VoiceIDClient:
    """The calls the collection makes. Each attempt waits for the rate limiter (if any); answers that a
    retry may cure are retried under the RetryPolicy; the error handlers turn the rest into VoiceIDError."""

    def __init__(self, client: Any, retry: Optional[RetryPolicy] = None, limiter: Optional[RateLimiter] = None) -> None:
        self._client = client
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter

    def _call(self, operation: str, **params: Any) -> Dict[str, Any]:
        method = getattr(self._client, operation)
        failed_attempts = 0
        while True:
            if self.limiter is not None:
                self.limiter.acquire(operation)
            try:
                response: Dict[str, Any] = method(**params)
                return response
            except Exception as exc:  # pylint: disable=broad-except
                if not is_botocore_error(exc):
                    raise
                failed_attempts += 1
                if failed_attempts >= self.retry.max_attempts or not ApiError.from_exception(exc).retryable:
                    raise
                self.retry.pause(failed_attempts)

    @none_if_missing("describe speaker")
    def describe_speaker(self, domain_id: str, speaker_id: str) -> Optional[ApiSpeaker]:
        """The speaker, or None when the domain has no speaker with this id."""
        speaker: ApiSpeaker = self._call("describe_speaker", DomainId=domain_id, SpeakerId=speaker_id)["Speaker"]
        return speaker

    @handles_errors("opt out speaker")
    def opt_out_speaker(self, domain_id: str, speaker_id: str) -> ApiSpeaker:
        speaker: ApiSpeaker = self._call("opt_out_speaker", DomainId=domain_id, SpeakerId=speaker_id)["Speaker"]
        return speaker

    @handles_errors("list speakers")
    def list_speakers_page(
        self, domain_id: str, next_token: Optional[str] = None, page_size: int = 100
    ) -> Dict[str, Any]:
        params: Dict[str, Any] = {"DomainId": domain_id, "MaxResults": page_size}
        if next_token:
            params["NextToken"] = next_token
        return self._call("list_speakers", **params)

    def list_speakers(self, domain_id: str, page_size: int = 100) -> Iterator[ApiSpeaker]:
        """Every speaker of the domain, one page in memory at a time."""
        token: Optional[str] = None
        while True:
            page = self.list_speakers_page(domain_id, token, page_size)
            yield from page.get("SpeakerSummaries", [])
            token = page.get("NextToken")
            if not token:
                return

    @none_if_missing("describe domain", DomainErrorHandler)
    def describe_domain(self, domain_id: str) -> Optional[Dict[str, Any]]:
        domain: Dict[str, Any] = self._call("describe_domain", DomainId=domain_id)["Domain"]
        return domain

    @handles_errors("list domains")
    def list_domains_page(self, next_token: Optional[str] = None) -> Dict[str, Any]:
        params: Dict[str, Any] = {"MaxResults": 10}
        if next_token:
            params["NextToken"] = next_token
        return self._call("list_domains", **params)

    def list_domains(self) -> Iterator[Dict[str, Any]]:
        token: Optional[str] = None
        while True:
            page = self.list_domains_page(token)
            yield from page.get("DomainSummaries", [])
            token = page.get("NextToken")
            if not token:
                return
