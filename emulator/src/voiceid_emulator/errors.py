# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors the emulator answers with, in the shape the real service uses, and which of them are possible where."""

from __future__ import annotations

import typing as t

# The errors botocore's voice-id model declares (each operation lists the ones it can return). Their HTTP status
# is the one the "Errors" section of every operation in the Voice ID API reference gives, e.g.
# https://docs.aws.amazon.com/voiceid/latest/APIReference/API_TagResource.html and API_DescribeSpeaker.html:
# AccessDeniedException 400 (not 403), ConflictException 400, InternalServerException 500,
# ResourceNotFoundException 400, ServiceQuotaExceededException 400, ThrottlingException 400,
# ValidationException 400.
MODELLED_ERROR_STATUS: dict[str, int] = {
    "AccessDeniedException": 400,
    "ConflictException": 400,
    "InternalServerException": 500,
    "ResourceNotFoundException": 400,
    "ServiceQuotaExceededException": 400,
    "ThrottlingException": 400,
    "ValidationException": 400,
}

# Protocol errors: answered by the AWS JSON 1.0 front end of every service before an operation runs, so no
# operation's model lists them. Sources: the "Common Errors" page of the AWS API references (e.g.
# https://docs.aws.amazon.com/transcribe/latest/APIReference/CommonErrors.html: IncompleteSignature 400,
# InvalidClientTokenId 403 - UnrecognizedClientException is its JSON-protocol name -, MissingAuthenticationToken
# 403) and the JSON 1.0 protocol botocore implements (SerializationException, UnknownOperationException for a
# body or target the service cannot read; InvalidSignatureException for a signature that does not match).
# RequestEntityTooLargeException (413) is the emulator's answer to a body over its size limit: AWS documents no
# limit for Voice ID, only that such a request never reaches an operation.
PROTOCOL_ERROR_STATUS: dict[str, int] = {
    "IncompleteSignatureException": 400,
    "InvalidSignatureException": 403,
    "MissingAuthenticationTokenException": 403,
    "RequestEntityTooLargeException": 413,
    "SerializationException": 400,
    "UnknownOperationException": 400,
    "UnrecognizedClientException": 403,
}

ERROR_STATUS: dict[str, int] = {**MODELLED_ERROR_STATUS, **PROTOCOL_ERROR_STATUS}

DEFAULT_MESSAGES: dict[str, str] = {
    "AccessDeniedException": "User is not authorized to perform this action",
    "ConflictException": "The request conflicts with the current state of the resource",
    "InternalServerException": "An internal error occurred. Please retry your request.",
    "ResourceNotFoundException": "The requested resource was not found",
    "ServiceQuotaExceededException": "The request would exceed a service quota",
    "ThrottlingException": "Rate exceeded",
    "ValidationException": "The request failed to satisfy constraints",
}


class ApiError(Exception):
    """An error response: ``{"__type": code, "Message": message, **extra}`` with the documented HTTP status."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        extra: t.Mapping[str, t.Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, code)
        self.status = ERROR_STATUS.get(code, 400)
        self.extra: dict[str, t.Any] = dict(extra or {})
        super().__init__(f"{code}: {self.message}")

    def body(self) -> dict[str, t.Any]:
        document: dict[str, t.Any] = {"__type": self.code, "Message": self.message}
        document.update(self.extra)
        return document


def resource_not_found(resource_type: str, message: str) -> ApiError:
    return ApiError("ResourceNotFoundException", message, extra={"ResourceType": resource_type})


def conflict(conflict_type: str, message: str) -> ApiError:
    return ApiError("ConflictException", message, extra={"ConflictType": conflict_type})
