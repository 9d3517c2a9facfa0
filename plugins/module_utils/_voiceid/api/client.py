# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""A thin, typed wrapper of the boto3 voice-id client: retries, optional rate limiting, one error handler."""

from __future__ import annotations

import threading
import time
from typing import Any
from typing import Dict
from typing import Iterator
from typing import Optional
from typing import Protocol

from .errors import INTERRUPTED
from .errors import MALFORMED_RESPONSE
from .errors import ApiError
from .errors import DomainErrorHandler
from .errors import VoiceIDError
from .errors import handles_errors
from .errors import is_botocore_error
from .errors import none_if_missing
from .retry import RetryPolicy

ApiSpeaker = Dict[str, Any]

# Requests in flight per operation, at most. The connection pool holds one connection per possible request
# in flight: describers and writers, the lister, and one spare for the single-speaker path.
MAX_WORKERS_PER_OPERATION = 64
CONNECTION_POOL_SIZE = 2 * MAX_WORKERS_PER_OPERATION + 2
# The most time one request may take, all its attempts and pauses included (timeouts are botocore's, per
# attempt: see module.py). A request that has not succeeded by then fails with its last error.
REQUEST_TIME_BUDGET = 60.0
# The breaker: when this many attempts of a run end without an answer (refused, unresolvable, timed out) and
# none has ever been answered, the endpoint is taken to be unreachable and every request fails at once.
BREAKER_FAILURES = 3
# Weight of the newest observation in the moving average of request latency.
_LATENCY_WEIGHT = 0.2
INITIAL_LATENCY = 0.4


class RateLimiter(Protocol):
    def acquire(self, operation: str) -> None:
        """Block until one request of operation may be sent."""

    def rate(self, operation: str) -> Optional[float]:
        """The operation's requests per second, None when it is not limited."""


class VoiceIDClient:
    """The calls the collection makes. Each attempt waits for the rate limiter (if any); answers that a
    retry may cure are retried under the RetryPolicy; the error handlers turn the rest into VoiceIDError."""

    def __init__(
        self,
        client: Any,
        retry: Optional[RetryPolicy] = None,
        limiter: Optional[RateLimiter] = None,
        time_budget: float = REQUEST_TIME_BUDGET,
    ) -> None:
        self._client = client
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter
        self.time_budget = time_budget
        # Set (with the reason) to stop the run: no request starts after it.
        self.stopped = threading.Event()
        self.stop_reason = ApiError(INTERRUPTED, "the run was stopped")
        self._lock = threading.Lock()
        self._answered = False  # some request of this run got an answer (a success or a service error)
        self._unanswered = 0
        self._unreachable: Optional[ApiError] = None
        self.latency = INITIAL_LATENCY  # moving average of the seconds one answered request takes

    def stop(self, reason: ApiError) -> None:
        """No request starts after this; those in flight finish. Their callers get reason as the error."""
        self.stop_reason = reason
        self.stopped.set()

    def _observe(self, started: float, answered: bool, error: Optional[ApiError] = None) -> None:
        with self._lock:
            if answered:
                self._answered = True
                self.latency += _LATENCY_WEIGHT * (time.monotonic() - started - self.latency)
            elif error is not None and error.transport and not self._answered:
                self._unanswered += 1
                if self._unanswered >= BREAKER_FAILURES and self._unreachable is None:
                    self._unreachable = ApiError(
                        error.code,
                        f"the Voice ID endpoint did not answer any request of this run ({self._unanswered} attempts"
                        f" failed: {error.message}); stopped instead of retrying every speaker",
                        unreachable=True,
                    )

    def _check_open(self) -> None:
        if self.stopped.is_set():
            raise VoiceIDError("Stopped before the request", api_error=self.stop_reason)
        if self._unreachable is not None:
            raise VoiceIDError("The endpoint is unreachable", api_error=self._unreachable)

    def _call(self, operation: str, **params: Any) -> Dict[str, Any]:
        method = getattr(self._client, operation)
        failed_attempts = 0
        deadline = time.monotonic() + self.time_budget
        while True:
            self._check_open()
            if self.limiter is not None:
                self.limiter.acquire(operation)
                self._check_open()
            started = time.monotonic()
            try:
                response: Dict[str, Any] = method(**params)
            except Exception as exc:  # pylint: disable=broad-except
                if not is_botocore_error(exc):
                    # botocore could not parse the answer into the operation's output (a body that is not
                    # JSON of the right shape): the endpoint answered, but not as the service does.
                    self._observe(started, answered=True)
                    raise malformed(api_name(operation), f"botocore could not read it ({type(exc).__name__})") from exc
                error = ApiError.from_exception(exc)
                self._observe(started, answered=not error.transport, error=error)
                failed_attempts += 1
                if failed_attempts >= self.retry.max_attempts or not error.retryable:
                    raise
                if time.monotonic() + self.retry.delay_ceiling(failed_attempts) > deadline:
                    raise
                self._check_open()
                self.retry.pause(failed_attempts)
                continue
            self._observe(started, answered=True)
            if not isinstance(response, dict):
                raise malformed(api_name(operation), "not a JSON object")
            return response

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
        self, domain_id: str, next_token: Optional[str] = None, page_size: int = 100
    ) -> Dict[str, Any]:
        params: Dict[str, Any] = {"DomainId": domain_id, "MaxResults": page_size}
        if next_token:
            params["NextToken"] = next_token
        page = self._call("list_speakers", **params)
        summaries = page.get("SpeakerSummaries")
        if not isinstance(summaries, list) or not all(_is_speaker(summary) for summary in summaries):
            raise malformed("ListSpeakers", "SpeakerSummaries is not a list of speakers")
        if page.get("NextToken") is not None and not isinstance(page["NextToken"], str):
            raise malformed("ListSpeakers", "NextToken is not a string")
        return page

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
        domain = self._call("describe_domain", DomainId=domain_id).get("Domain")
        if not isinstance(domain, dict) or not isinstance(domain.get("DomainId"), str):
            raise malformed("DescribeDomain", "Domain is not a domain")
        return domain

    @handles_errors("list domains")
    def list_domains_page(self, next_token: Optional[str] = None) -> Dict[str, Any]:
        params: Dict[str, Any] = {"MaxResults": 10}
        if next_token:
            params["NextToken"] = next_token
        page = self._call("list_domains", **params)
        summaries = page.get("DomainSummaries")
        if not isinstance(summaries, list) or not all(
            isinstance(summary, dict) and isinstance(summary.get("DomainId"), str) for summary in summaries
        ):
            raise malformed("ListDomains", "DomainSummaries is not a list of domains")
        return page

    def list_domains(self) -> Iterator[Dict[str, Any]]:
        token: Optional[str] = None
        while True:
            page = self.list_domains_page(token)
            yield from page.get("DomainSummaries", [])
            token = page.get("NextToken")
            if not token:
                return


def api_name(operation: str) -> str:
    """describe_speaker -> DescribeSpeaker."""
    return "".join(part.title() for part in operation.split("_"))


def malformed(operation: str, what: str) -> VoiceIDError:
    """The error for an answer that does not have the shape of the service's output (a broken endpoint or proxy)."""
    return VoiceIDError(
        f"Failed to read the answer to {operation}",
        api_error=ApiError(
            MALFORMED_RESPONSE, f"the answer to {operation} does not match the service's output shape: {what}"
        ),
    )


def _is_speaker(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Status"), str)


def speaker_of(operation: str, response: Dict[str, Any]) -> ApiSpeaker:
    """The Speaker member of an answer, checked for the members the collection reads."""
    speaker = response.get("Speaker")
    if not isinstance(speaker, dict) or not _is_speaker(speaker):
        raise malformed(operation, "Speaker is not a speaker with a status")
    return speaker
