# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NextToken: opaque, signed, bound to the request it was issued for, and expiring.

A token carries the operation, the account and region, a digest of the request's arguments (every member but
NextToken and MaxResults, which may change between pages), the position to resume after, and an expiry time; an
HMAC with a secret of this emulator makes it tamper-proof. A token used with another operation, account, region
or arguments, a corrupt one and an expired one all answer ValidationException, as AWS does for tokens it did not
issue for the request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import typing as t

from .errors import ApiError

DEFAULT_TOKEN_TTL_SECONDS = 3600.0  # the emulator's choice: AWS does not document how long a NextToken lives
_UNBOUND = ("NextToken", "MaxResults")


def _digest(params: t.Mapping[str, t.Any]) -> str:
    bound = {key: value for key, value in params.items() if key not in _UNBOUND}
    text = json.dumps(bound, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class TokenCodec:
    def __init__(
        self, ttl_seconds: float = DEFAULT_TOKEN_TTL_SECONDS, clock: t.Callable[[], float] = time.time
    ) -> None:
        self.secret = secrets.token_bytes(32)
        self.ttl_seconds = ttl_seconds
        self.clock = clock

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()[:32]

    def encode(self, operation: str, scope: tuple[str, str], params: t.Mapping[str, t.Any], position: int) -> str:
        document = {
            "o": operation,
            "a": scope[0],
            "r": scope[1],
            "h": _digest(params),
            "p": position,
            "e": round(self.clock() + self.ttl_seconds, 3),
        }
        payload = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("ascii")
        return base64.urlsafe_b64encode(payload).decode("ascii") + "." + self._mac(payload)

    def decode(self, operation: str, scope: tuple[str, str], params: t.Mapping[str, t.Any]) -> int:
        """The position the request's NextToken resumes after (0 without a token)."""
        token = params.get("NextToken")
        if not token:
            return 0
        encoded, _dot, mac = str(token).rpartition(".")
        try:
            payload = base64.urlsafe_b64decode(encoded.encode("ascii"))
            document = json.loads(payload)
        except (ValueError, binascii.Error, UnicodeError) as exc:
            raise invalid_token() from exc
        if not hmac.compare_digest(self._mac(payload), mac) or not isinstance(document, dict):
            raise invalid_token()
        if (document.get("o"), document.get("a"), document.get("r"), document.get("h")) != (
            operation,
            scope[0],
            scope[1],
            _digest(params),
        ):
            raise ApiError(
                "ValidationException",
                "The NextToken was issued for another request; call again with the same arguments, or without it.",
            )
        if self.clock() > float(document.get("e", 0)):
            raise ApiError("ValidationException", "The NextToken has expired; start the listing again without it.")
        position = document.get("p")
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise invalid_token()
        return position


def invalid_token() -> ApiError:
    return ApiError("ValidationException", "The provided NextToken is not valid.")
