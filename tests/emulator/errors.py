# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors the emulator answers with, in the shape the real service uses."""

from __future__ import annotations

import typing as t

# HTTP status for every error code the emulator can produce.
ERROR_STATUS: dict[str, int] = {
    "AccessDeniedException": 403,
    "ConflictException": 400,
    "IncompleteSignatureException": 400,
    "InternalServerException": 500,
    "InvalidSignatureException": 403,
    "MissingAuthenticationTokenException": 400,
    "ResourceNotFoundException": 400,
    "SerializationException": 400,
    "ServiceQuotaExceededException": 400,
    "ThrottlingException": 400,
    "UnknownOperationException": 400,
    "UnrecognizedClientException": 403,
    "ValidationException": 400,
}

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
    """An error response: ``{"__type": code, "Message": message, **extra}`` with an HTTP status."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        status: int | None = None,
        extra: t.Mapping[str, t.Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, code)
        self.status = status if status is not None else ERROR_STATUS.get(code, 400)
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
