# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SigV4 checks: the Authorization header's form and scope always; the signature when credentials are configured."""

from __future__ import annotations

import calendar
import dataclasses
import hmac
import re
import time
import typing as t

from botocore.auth import SigV4Auth  # type: ignore[import-untyped, unused-ignore]
from botocore.awsrequest import AWSRequest  # type: ignore[import-untyped, unused-ignore]
from botocore.awsrequest import HTTPHeaders  # type: ignore[import-untyped, unused-ignore]
from botocore.credentials import Credentials  # type: ignore[import-untyped, unused-ignore]

from .errors import ApiError

SIGNING_NAME = "voiceid"
ALGORITHM = "AWS4-HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 300
_AMZ_DATE = re.compile(r"^\d{8}T\d{6}Z$")


@dataclasses.dataclass
class Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str


class HeaderSource(t.Protocol):
    """What http.server's ``self.headers`` (an email.message.Message) offers."""

    def get(self, name: str, default: t.Any = None) -> t.Any: ...

    def get_all(self, name: str, failobj: t.Any = None) -> t.Any: ...


def parse_authorization(header: str | None) -> Authorization:
    """Parse ``AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=..., Signature=...``."""
    if not header:
        raise ApiError("MissingAuthenticationTokenException", "Missing Authentication Token")
    algorithm, _sep, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise ApiError("IncompleteSignatureException", f"Unsupported authorization type: expected '{ALGORITHM}'")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)]
    if missing:
        raise ApiError(
            "IncompleteSignatureException",
            " ".join(f"Authorization header requires '{name}' parameter." for name in missing),
        )
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
        raise ApiError(
            "IncompleteSignatureException",
            "Credential should be scoped to a valid region, service and aws4_request terminator.",
        )
    return Authorization(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=[name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip()],
        signature=fields["Signature"],
    )


def check_request(headers: HeaderSource) -> Authorization:
    """Checks every request gets: a well-formed SigV4 Authorization header scoped to voiceid, and a date."""
    auth = parse_authorization(headers.get("Authorization"))
    if auth.service != SIGNING_NAME:
        raise ApiError(
            "InvalidSignatureException", f"Credential should be scoped to correct service: '{SIGNING_NAME}'."
        )
    amz_date = headers.get("X-Amz-Date")
    if not amz_date:
        raise ApiError(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    if not _AMZ_DATE.match(amz_date):
        raise ApiError("IncompleteSignatureException", "X-Amz-Date must be in the basic format YYYYMMDDTHHMMSSZ.")
    return auth


class _SignedHeadersOnly(SigV4Auth):  # type: ignore[misc]
    """SigV4Auth that signs exactly the headers the request says it signed (even ones botocore never signs)."""

    def headers_to_sign(self, request: t.Any) -> t.Any:
        return request.headers


def verify_signature(
    auth: Authorization,
    headers: HeaderSource,
    method: str,
    path: str,
    body: bytes,
    credentials: t.Mapping[str, str],
    now: float | None = None,
) -> None:
    """Recompute the signature with the configured secret for the access key, and compare."""
    secret = credentials.get(auth.access_key_id)
    if secret is None:
        raise ApiError("UnrecognizedClientException", "The security token included in the request is invalid.")
    amz_date = str(headers.get("X-Amz-Date"))
    if auth.date != amz_date[:8]:
        raise ApiError(
            "InvalidSignatureException",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{auth.date}' != '{amz_date[:8]}', from '{amz_date}'.",
        )
    signed_at = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    current = time.time() if now is None else now
    if abs(current - signed_at) > MAX_CLOCK_SKEW_SECONDS:
        raise ApiError(
            "InvalidSignatureException",
            f"Signature expired: {amz_date} is now earlier or later than "
            f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(current))} (+/- 5 min.)",
        )
    if "host" not in auth.signed_headers:
        raise ApiError("InvalidSignatureException", "'Host' must be a signed header.")
    signed = HTTPHeaders()
    for name in auth.signed_headers:
        values = headers.get_all(name) or []
        for value in values:
            signed[name] = value
    host = headers.get("Host") or "localhost"
    request = AWSRequest(method=method, url=f"http://{host}{path}", headers=signed, data=body)
    request.context["timestamp"] = amz_date
    signer = _SignedHeadersOnly(Credentials(auth.access_key_id, secret), auth.service, auth.region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, auth.signature):
        raise ApiError(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.",
        )
