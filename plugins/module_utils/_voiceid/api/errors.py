# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The one error handler of the Voice ID service: how its answers are classified and turned into exceptions."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any
from typing import Callable
from typing import Container
from typing import Optional
from typing import Type
from typing import TypeVar
from typing import cast

try:
    import botocore.exceptions
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore; these helpers are not reached without it.

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# Answers worth another attempt: throttling, the service's own faults, and changes racing on one speaker.
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "InternalServerException",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
RETRYABLE_CONFLICT_TYPES = frozenset({"CONCURRENT_CHANGES"})
# Answers that ask the caller to slow down: retried for as long as the run goes on, and they cut the rate.
THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException"})
# Transport-level failures: no answer came back. A second attempt commonly cures them, but when every
# request of a run ends like this the endpoint is unreachable, and the run stops (see the client's breaker).
TRANSPORT_ERRORS = frozenset(
    {
        "ConnectionClosedError",
        "ReadTimeoutError",
        "ConnectTimeoutError",
        "EndpointConnectionError",
        "ConnectionError",
        "ProxyConnectionError",
        "HTTPClientError",
    }
)
# Transport failures after the request was sent: the service may have carried it out, and its answer was lost
# (read timed out, or the connection closed before the answer). A 5xx answer may hide a carried-out request too.
SENT_THEN_LOST_ERRORS = frozenset({"ReadTimeoutError", "ConnectionClosedError"})
# Set by the Transport on the exception it raises when an earlier attempt of the same request may have been
# carried out (see ApiError.earlier_attempt_lost).
EARLIER_ATTEMPT_LOST = "voiceid_earlier_attempt_lost"
# Conflicts that concern the whole domain: no speaker of it can succeed until the domain changes.
DOMAIN_CONFLICT_TYPES = frozenset({"DOMAIN_NOT_ACTIVE", "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES"})
# Codes this collection gives to what is not an answer of the service.
INTERRUPTED = "Interrupted"
MALFORMED_RESPONSE = "MalformedResponse"
# Answers that say there is no Voice ID service to talk to: nothing listens at the endpoint (or its name does
# not resolve: botocore builds an endpoint for any region), or the endpoint answers that the service is not
# available. From AWS's own endpoint, since 2026-05-20, these mean the end of support.
UNAVAILABLE_CODES = frozenset(
    {
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "UnknownEndpointError",
        "ServiceUnavailableException",
        "ServiceUnavailable",
    }
)
# What the failure adds, with the endpoint that did not answer: the end of support is the likely cause, not the
# only one (a proxy, a firewall or no network look the same from here).
END_OF_SUPPORT_NOTICE = (
    "No Voice ID service answered at {endpoint}. AWS ended support for Amazon Connect Voice ID on 2026-05-20;"
    " a proxy or network problem looks the same from here. Read the end-of-support guide of speakerops.voiceid"
    " (docs/docsite/rst/end_of_support.rst) for what AWS asks of its customers and what still works"
)


# What stands in a message for a speaker id that the service's own message repeated.
REDACTED_ID = "<speaker id>"
REDACTED_FRAUDSTER_ID = "<fraudster id>"  # the same place-holder for a fraudster id
# A run of characters that may be a speaker id (customer or generated) inside a message.
_ID_LIKE = re.compile(r"(?:id#)?[A-Za-z0-9][A-Za-z0-9_-]*")


def redact(text: str, speaker_ids: Container[str], placeholder: str = REDACTED_ID) -> str:
    """text with every word that is one of speaker_ids replaced by placeholder (REDACTED_ID; for fraudster ids
    REDACTED_FRAUDSTER_ID): for a message (msg) that quotes the service, whose messages might repeat the id a
    request named. speaker_ids: a set or mapping (fast membership) of the run's requested ids."""
    return _ID_LIKE.sub(lambda match: placeholder if match.group(0) in speaker_ids else match.group(0), text)


@dataclass(frozen=True)
class ApiError:
    """What went wrong with one API call, in the service's own terms."""

    code: str
    message: str
    resource_type: Optional[str] = None
    conflict_type: Optional[str] = None
    status_code: Optional[int] = None
    # Set on the error of a run whose endpoint never answered (the client's breaker): the run stops.
    unreachable: bool = False
    # An earlier attempt of the same request was sent and may have been carried out, its answer lost (a 5xx,
    # a read timeout, a closed connection): this answer (a ResourceNotFoundException, say) may be about the
    # effect of that attempt, not about the state the request found.
    earlier_attempt_lost: bool = False

    @classmethod
    def from_exception(cls, exc: BaseException) -> ApiError:
        response = getattr(exc, "response", None)
        earlier_attempt_lost = bool(getattr(exc, EARLIER_ATTEMPT_LOST, False))
        if isinstance(response, dict) and "Error" in response:
            error = response.get("Error") or {}
            metadata = response.get("ResponseMetadata") or {}
            return cls(
                code=str(error.get("Code") or "Unknown"),
                message=str(error.get("Message") or ""),
                resource_type=response.get("ResourceType"),
                conflict_type=response.get("ConflictType"),
                status_code=metadata.get("HTTPStatusCode"),
                earlier_attempt_lost=earlier_attempt_lost,
            )
        return cls(
            code=type(exc).__name__,
            message=str(exc),
            earlier_attempt_lost=bool(getattr(exc, EARLIER_ATTEMPT_LOST, False)),
        )

    @property
    def retryable(self) -> bool:
        if self.code in RETRYABLE_CODES or self.transport:
            return True
        if self.code == "ConflictException":
            return self.conflict_type in RETRYABLE_CONFLICT_TYPES
        return self.status_code is not None and self.status_code >= 500

    @property
    def throttled(self) -> bool:
        """The service asked to slow down (HTTP 429 or a throttling code)."""
        return self.code in THROTTLING_CODES or self.status_code == 429

    @property
    def missing_resource(self) -> Optional[str]:
        """The type of the resource (SPEAKER, DOMAIN, ...) that does not exist, None for other errors."""
        if self.code == "ResourceNotFoundException":
            return self.resource_type or "UNKNOWN"
        return None

    @property
    def transport(self) -> bool:
        """No answer came back from the endpoint (refused, unresolvable, timed out, cut off)."""
        return self.code in TRANSPORT_ERRORS

    @property
    def maybe_carried_out(self) -> bool:
        """This attempt was sent and may have been carried out though no success came back: a 5xx answer, a
        read timeout, a connection closed after the request was sent, or a 200 answer that is malformed (the
        service carried the request out; only its answer is broken)."""
        if self.code in SENT_THEN_LOST_ERRORS or self.code == MALFORMED_RESPONSE:
            return True
        return self.status_code is not None and self.status_code >= 500

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request (any of its attempts) may have been carried out: a write ending in this error is
        not known to be "not done", and is confirmed by reading its effect."""
        return self.maybe_carried_out or self.earlier_attempt_lost

    def deleted_before_sent(self, resource_type: str) -> bool:
        """A deletion's answer that the resource was missing before the request was first sent (someone else
        deleted it): ResourceNotFoundException for resource_type, and no earlier attempt may have deleted it."""
        return self.missing_resource == resource_type and not self.earlier_attempt_lost

    def deleted_by_lost_attempt(self, resource_type: str) -> bool:
        """A deletion's answer that the resource is missing after an earlier attempt of this very deletion was
        sent and its answer lost: that attempt deleted it (the resource existed when the run read it)."""
        return self.missing_resource == resource_type and self.earlier_attempt_lost

    @property
    def domain_wide(self) -> bool:
        """No request on this domain can succeed: the domain is missing, suspended or locked."""
        if self.missing_resource == "DOMAIN":
            return True
        return self.code == "ConflictException" and self.conflict_type in DOMAIN_CONFLICT_TYPES

    @property
    def ends_run(self) -> bool:
        """The run stops at this error: it concerns the whole domain, the endpoint, or the run was interrupted."""
        return self.domain_wide or self.unreachable or self.code == INTERRUPTED

    @property
    def service_unavailable(self) -> bool:
        """The endpoint cannot be reached, or answers that the service is not available."""
        return self.code in UNAVAILABLE_CODES or self.status_code == 503

    def describe(self) -> str:
        """'Code: message (conflict type X)', the part of a failure message that comes from AWS."""
        text = f"{self.code}: {self.message}" if self.message else self.code
        if self.conflict_type:
            text += f" (conflict type {self.conflict_type})"
        if self.resource_type:
            text += f" (resource type {self.resource_type})"
        if self.earlier_attempt_lost:
            text += " (an earlier attempt of this request may have been carried out: its answer was lost)"
        return text


class VoiceIDError(AnsibleAWSError):
    """A Voice ID call failed for good: after the retries, or for a reason no retry cures."""

    def __init__(
        self,
        message: Optional[str] = None,
        exception: Optional[BaseException] = None,
        api_error: Optional[ApiError] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message=message, exception=exception, **kwargs)
        if api_error is None:
            api_error = ApiError.from_exception(exception) if exception is not None else ApiError("Unknown", "")
        self.api_error = api_error

    def __str__(self) -> str:
        return f"{self.message}: {self.api_error.describe()}"


def mark_lost_attempts(exc: BaseException, earlier_lost: bool) -> bool:
    """For the Transport, at each failed attempt of a request: marks exc (the error the request may end with) if
    an earlier attempt may have been carried out; returns whether any attempt so far may have been."""
    if earlier_lost:
        setattr(exc, EARLIER_ATTEMPT_LOST, True)
    return earlier_lost or ApiError.from_exception(exc).maybe_carried_out


def is_missing(resource_type: str) -> Type[BaseException]:
    """For an `except` clause: matches the exception being handled if it is a ResourceNotFoundException
    for resource_type (SPEAKER, DOMAIN, ...), like amazon.aws's is_boto3_error_code does for codes."""
    exc = sys.exc_info()[1]
    if exc is not None:
        api_error = ApiError.from_exception(exc)
        if api_error.code == "ResourceNotFoundException" and api_error.resource_type == resource_type:
            return type(exc)
    return type("NeverRaisedException", (Exception,), {})


class VoiceIDErrorHandler(AWSErrorHandler):
    """Wraps each API call: a missing speaker becomes the default value, everything else a VoiceIDError."""

    _CUSTOM_EXCEPTION = VoiceIDError

    @classmethod
    def _is_missing(cls) -> Type[BaseException]:
        return is_missing("SPEAKER")


class DomainErrorHandler(VoiceIDErrorHandler):
    """The same for domain calls, where the missing resource is the domain."""

    @classmethod
    def _is_missing(cls) -> Type[BaseException]:
        return is_missing("DOMAIN")


class FraudsterErrorHandler(VoiceIDErrorHandler):
    """The same for fraudster calls."""

    @classmethod
    def _is_missing(cls) -> Type[BaseException]:
        return is_missing("FRAUDSTER")


class WatchlistErrorHandler(VoiceIDErrorHandler):
    """The same for watchlist calls."""

    @classmethod
    def _is_missing(cls) -> Type[BaseException]:
        return is_missing("WATCHLIST")


def is_botocore_error(exc: BaseException) -> bool:
    """True for the exceptions botocore raises for failed calls (service answers and transport failures)."""
    return isinstance(exc, (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError))


Call = TypeVar("Call", bound=Callable[..., Any])


def handles_errors(description: str) -> Callable[[Call], Call]:
    """Decorator: botocore errors of the call become VoiceIDError("Failed to <description>")."""
    return cast(Callable[[Call], Call], VoiceIDErrorHandler.common_error_handler(description))


def none_if_missing(
    description: str, handler: Type[VoiceIDErrorHandler] = VoiceIDErrorHandler
) -> Callable[[Call], Call]:
    """Decorator: as handles_errors, but the handler's missing resource makes the call return None."""
    return cast(Callable[[Call], Call], handler.list_error_handler(description, default_value=None))


def deleted_unless_missing(
    description: str, handler: Type[VoiceIDErrorHandler] = VoiceIDErrorHandler
) -> Callable[[Call], Call]:
    """Decorator for deletions (amazon.aws's deletion handler): the handler's missing resource makes the call
    return False, as the resource is gone already; other botocore errors are as in handles_errors. A missing
    resource after an earlier attempt of the deletion may have been carried out is not "gone already": it is
    raised, for the caller to count the deletion as its own (ApiError.deleted_by_lost_attempt)."""

    def missing_before_sent(_cls: Type[VoiceIDErrorHandler]) -> Type[BaseException]:
        if getattr(sys.exc_info()[1], EARLIER_ATTEMPT_LOST, False):
            return type("NeverRaisedException", (Exception,), {})
        return handler._is_missing()

    deletion = cast(
        Type[VoiceIDErrorHandler],
        type("Deletion" + handler.__name__, (handler,), {"_is_missing": classmethod(missing_before_sent)}),
    )
    return cast(Callable[[Call], Call], deletion.deletion_error_handler(description))


def malformed(operation: str, what: str) -> VoiceIDError:
    """The error for an answer that does not have the shape of the service's output (a broken endpoint or proxy)."""
    return VoiceIDError(
        f"Failed to read the answer to {operation}",
        api_error=ApiError(
            MALFORMED_RESPONSE, f"the answer to {operation} does not match the service's output shape: {what}"
        ),
    )


def journal_unwritable(error: OSError) -> VoiceIDError:
    """The error a run stops with, as at a signal, when the journal cannot take a write's `sent` line: no write
    leaves without its line."""
    return VoiceIDError(
        "Failed to journal the write",
        api_error=ApiError(INTERRUPTED, f"the journal could not be written: {error.strerror}"),
    )
