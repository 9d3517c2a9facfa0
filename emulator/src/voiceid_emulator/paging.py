# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging of every List* operation: one table of page sizes and result keys, one way to answer a page.

Each listing is a sequence of entries in a stable order, each with a position (an increasing integer: the
creation sequence number of a speaker, a domain, or a watchlist or fraudster in its domain); a page is the
entries after the position the request's NextToken carries, so that pages neither skip nor repeat entries while
others are added or deleted. ``Pager.respond`` answers every List* call.

NextToken: opaque, signed, bound to the request it was issued for, and expiring.

A token carries the operation, the account and region, a digest of the request's arguments (every member but
NextToken and MaxResults, which may change between pages), the position to resume after, and an expiry time; an
HMAC with a secret of this emulator makes it tamper-proof. A token used with another operation, account, region
or arguments, a corrupt one and an expired one all answer ValidationException, as AWS does for tokens it did not
issue for the request.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import hmac
import json
import secrets
import time
import typing as t

from .config import DEFAULTS
from .errors import ApiError

T = t.TypeVar("T")
Entries = t.Sequence[tuple[int, dict[str, t.Any]]]  # (position, API document) in listing order

# Operation -> (the result's list member, the page size when the request gives no MaxResults).
PAGED_OPERATIONS: dict[str, tuple[str, int]] = {
    "ListDomains": ("DomainSummaries", 10),
    "ListSpeakers": ("SpeakerSummaries", 100),
    "ListWatchlists": ("WatchlistSummaries", 100),
    "ListFraudsters": ("FraudsterSummaries", 100),
}
_UNBOUND = ("NextToken", "MaxResults")


def _digest(params: t.Mapping[str, t.Any]) -> str:
    bound = {key: value for key, value in params.items() if key not in _UNBOUND}
    text = json.dumps(bound, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class TokenCodec:
    def __init__(
        self, ttl_seconds: float = DEFAULTS.next_token_ttl_seconds, clock: t.Callable[[], float] = time.time
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


class Pager:
    """Answers a page of a List* operation: decodes the request's NextToken, reads the page, issues the next."""

    def __init__(self, tokens: TokenCodec | None = None) -> None:
        self.tokens = tokens if tokens is not None else TokenCodec()

    def respond(
        self,
        operation: str,
        scope: tuple[str, str],
        params: t.Mapping[str, t.Any],
        read: t.Callable[[int, int], tuple[Entries, bool]],
    ) -> dict[str, t.Any]:
        """``read(after, limit)`` gives up to ``limit`` entries after position ``after`` and whether more follow;
        it runs after the NextToken is checked. A NextToken is issued when more follow a non-empty page."""
        result_key, page_size = PAGED_OPERATIONS[operation]
        after = self.tokens.decode(operation, scope, params)
        entries, more = read(after, params.get("MaxResults") or page_size)
        result: dict[str, t.Any] = {result_key: [document for _position, document in entries]}
        if more and entries:
            result["NextToken"] = self.tokens.encode(operation, scope, params, entries[-1][0])
        return result


def sequenced_page(
    items: t.Sequence[T], after: int, limit: int, seq: t.Callable[[T], int], to_api: t.Callable[[T], dict[str, t.Any]]
) -> tuple[Entries, bool]:
    """A page of ``items`` (in the increasing order of their sequence numbers ``seq``): up to ``limit`` of those
    after position ``after``, as (position, API document), and whether more follow."""
    start = bisect.bisect_right([seq(item) for item in items], after)
    page = items[start : start + limit]
    return [(seq(item), to_api(item)) for item in page], start + limit < len(items)
