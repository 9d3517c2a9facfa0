# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Voice ID operations the emulator implements, on validated request documents."""

from __future__ import annotations

import base64
import binascii
import json
import time
import typing as t

from .errors import ApiError
from .errors import conflict
from .errors import resource_not_found
from .state import Domain
from .state import Speaker
from .state import Store

DEFAULT_LIST_SPEAKERS_PAGE = 100
DEFAULT_LIST_DOMAINS_PAGE = 10


def encode_token(kind: str, scope: str, after_seq: int) -> str:
    raw = json.dumps({"k": kind, "d": scope, "s": after_seq}, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_token(token: str | None, kind: str, scope: str) -> int:
    """The sequence number a NextToken resumes after (0: from the start)."""
    if not token:
        return 0
    try:
        document = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ApiError("ValidationException", "The provided NextToken is not valid.") from exc
    if (
        not isinstance(document, dict)
        or document.get("k") != kind
        or document.get("d") != scope
        or isinstance(document.get("s"), bool)
        or not isinstance(document.get("s"), int)
    ):
        raise ApiError("ValidationException", "The provided NextToken is not valid.")
    return t.cast(int, document["s"])


class VoiceIdService:
    """Operation handlers. Each takes the request's region and its (already validated) parameters."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def call(self, operation: str, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        handler = getattr(self, f"op_{operation}")
        with self.store.lock:
            return t.cast(dict[str, t.Any], handler(region, params))

    # -- helpers ---------------------------------------------------------------------------------------------

    def domain(self, domain_id: str) -> Domain:
        domain = self.store.domains.get(domain_id)
        if domain is None:
            raise resource_not_found("DOMAIN", f"The domain {domain_id} does not exist.")
        return domain

    @staticmethod
    def require_active(domain: Domain) -> None:
        if domain.status != "ACTIVE":
            raise conflict(
                "DOMAIN_NOT_ACTIVE", f"The domain {domain.domain_id} is not active (status {domain.status})."
            )

    @staticmethod
    def speaker(domain: Domain, speaker_id: str) -> Speaker:
        speaker = domain.speakers.find(speaker_id)
        if speaker is None:
            # The speaker id is sensitive: it is not repeated in the message.
            raise resource_not_found("SPEAKER", f"The speaker does not exist in domain {domain.domain_id}.")
        return speaker

    def speaker_aliases(self, params: t.Mapping[str, t.Any]) -> set[str]:
        """The request's SpeakerId and, if it names an existing speaker, both of that speaker's ids."""
        speaker_id = params.get("SpeakerId")
        if not isinstance(speaker_id, str):
            return set()
        aliases = {speaker_id}
        with self.store.lock:
            domain = self.store.domains.get(params.get("DomainId", ""))
            speaker = domain.speakers.find(speaker_id) if domain is not None else None
            if speaker is not None:
                aliases.add(speaker.generated_speaker_id)
                if speaker.customer_speaker_id is not None:
                    aliases.add(speaker.customer_speaker_id)
        return aliases

    # -- speakers --------------------------------------------------------------------------------------------

    def op_DescribeSpeaker(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(params["DomainId"])
        return {"Speaker": self.speaker(domain, params["SpeakerId"]).to_api()}

    def op_OptOutSpeaker(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(params["DomainId"])
        self.require_active(domain)
        speaker_id: str = params["SpeakerId"]
        now = time.time()
        existing = domain.speakers.find(speaker_id)
        if existing is not None:
            existing.status = "OPTED_OUT"
            existing.updated_at = now
            return {"Speaker": existing.to_api()}
        if speaker_id.startswith("id#"):
            # A generated id can only name an existing speaker.
            raise resource_not_found("SPEAKER", f"The speaker does not exist in domain {domain.domain_id}.")
        if len(domain.speakers) >= self.store.max_speakers_per_domain:
            raise ApiError(
                "ServiceQuotaExceededException",
                f"The domain {domain.domain_id} already holds the maximum of "
                f"{self.store.max_speakers_per_domain} speakers.",
            )
        speaker = Speaker(
            domain.domain_id, speaker_id, self.store.new_generated_speaker_id(domain), "OPTED_OUT", now, now, None
        )
        domain.speakers.add(speaker)
        return {"Speaker": speaker.to_api()}

    def op_DeleteSpeaker(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(params["DomainId"])
        self.require_active(domain)
        domain.speakers.remove(self.speaker(domain, params["SpeakerId"]))
        return {}

    def op_ListSpeakers(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(params["DomainId"])
        after = decode_token(params.get("NextToken"), "speakers", domain.domain_id)
        limit = params.get("MaxResults") or DEFAULT_LIST_SPEAKERS_PAGE
        speakers, more = domain.speakers.page(after, limit)
        result: dict[str, t.Any] = {"SpeakerSummaries": [speaker.to_api() for speaker in speakers]}
        if more and speakers:
            result["NextToken"] = encode_token("speakers", domain.domain_id, speakers[-1].seq)
        return result

    # -- domains ---------------------------------------------------------------------------------------------

    def op_DescribeDomain(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        return {"Domain": self.domain(params["DomainId"]).to_api()}

    def op_ListDomains(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        after = decode_token(params.get("NextToken"), "domains", self.store.account_id)
        limit = params.get("MaxResults") or DEFAULT_LIST_DOMAINS_PAGE
        domains, more = self.store.domain_page(after, limit)
        result: dict[str, t.Any] = {"DomainSummaries": [domain.to_api() for domain in domains]}
        if more and domains:
            result["NextToken"] = encode_token("domains", self.store.account_id, domains[-1].seq)
        return result

    def op_CreateDomain(self, region: str, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        store = self.store
        token = params.get("ClientToken")
        fingerprint = json.dumps({key: value for key, value in params.items() if key != "ClientToken"}, sort_keys=True)
        if token is not None and token in store.client_tokens:
            seen_fingerprint, domain_id = store.client_tokens[token]
            if seen_fingerprint != fingerprint:
                raise ApiError(
                    "ConflictException",
                    "The ClientToken was already used by a CreateDomain request with other parameters.",
                )
            existing = store.domains.get(domain_id)
            if existing is not None:
                return {"Domain": existing.to_api()}
        if len(store.domains) >= store.max_domains:
            raise ApiError(
                "ServiceQuotaExceededException", f"The account already has the maximum of {store.max_domains} domains."
            )
        domain = store.new_domain(
            name=params["Name"],
            region=region,
            kms_key_id=params["ServerSideEncryptionConfiguration"]["KmsKeyId"],
            description=params.get("Description"),
            sse_update_details={"UpdateStatus": "COMPLETED"},
            tags=list(params.get("Tags") or []),
        )
        store.add_domain(domain)
        if token is not None:
            store.client_tokens[token] = (fingerprint, domain.domain_id)
        return {"Domain": domain.to_api()}
