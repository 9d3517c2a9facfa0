# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Voice ID operations the emulator implements, on validated request documents."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import typing as t

from .entities import MAX_TAGS
from .entities import Domain
from .entities import Speaker
from .errors import ApiError
from .errors import conflict
from .errors import resource_not_found
from .paging import Entries
from .paging import Pager
from .paging import indexed_page
from .store import Store

Scope = tuple[str, str]  # (account id, region) of the request
# Operations on what a domain holds (speakers, watchlists, fraudsters): they take the domain's own lock.
CONTENT_OPERATIONS = frozenset(
    {"DescribeSpeaker", "OptOutSpeaker", "DeleteSpeaker", "ListSpeakers", "ListWatchlists", "ListFraudsters"}
)
SPEAKER_WRITES = frozenset({"OptOutSpeaker", "DeleteSpeaker"})


class VoiceIdService:
    """Operation handlers. Each takes the request's account and region, and its (already validated) parameters."""

    def __init__(self, store: Store, pager: Pager | None = None) -> None:
        self.store = store
        self.pager = pager if pager is not None else Pager()
        self.in_flight_lock = threading.Lock()
        self.in_flight: set[tuple[str, ...]] = set()

    def call(self, operation: str, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        handler = getattr(self, f"op_{operation}")
        if operation in CONTENT_OPERATIONS:
            # Finds the domain under the store's lock, then works under that domain's own lock only: calls
            # about different domains (and reads of domains) run side by side.
            return t.cast(dict[str, t.Any], handler(scope, params))
        with self.store.lock:
            return t.cast(dict[str, t.Any], handler(scope, params))

    @contextlib.contextmanager
    def speaker_write(self, scope: Scope, params: t.Mapping[str, t.Any]) -> t.Iterator[None]:
        """Realism: a write to a speaker while another write to that speaker is in flight is refused with
        ConflictException CONCURRENT_CHANGES (a conflict type AWS documents as transient)."""
        key = self.write_key(scope, params)
        with self.in_flight_lock:
            if key in self.in_flight:
                raise conflict(
                    "CONCURRENT_CHANGES",
                    "Another change to this speaker is in progress; retry the request.",
                )
            self.in_flight.add(key)
        try:
            yield
        finally:
            with self.in_flight_lock:
                self.in_flight.discard(key)

    def write_key(self, scope: Scope, params: t.Mapping[str, t.Any]) -> tuple[str, ...]:
        """One key per speaker, whichever of its ids the request names."""
        domain_id = str(params.get("DomainId", ""))
        speaker_id = str(params.get("SpeakerId", ""))
        with self.store.lock:
            domain = self.store.find_domain(scope, domain_id)
        if domain is None:
            return (*scope, domain_id, speaker_id)
        with domain.lock:
            speaker = domain.speakers.find(speaker_id)
            return (domain_id, speaker.generated_speaker_id if speaker is not None else f"customer:{speaker_id}")

    # -- helpers ---------------------------------------------------------------------------------------------

    def domain(self, scope: Scope, domain_id: str) -> Domain:
        with self.store.lock:
            domain = self.store.find_domain(scope, domain_id)
            if domain is None:
                raise resource_not_found("DOMAIN", f"The domain {domain_id} does not exist.")
            domain.settle(time.time())
            return domain

    def domain_by_arn(self, scope: Scope, arn: str) -> Domain:
        """The live domain an ARN names, if it lives in the caller's account and region."""
        account_id, region = scope
        prefix = f"arn:aws:voiceid:{region}:{account_id}:domain/"
        domain = self.store.find_domain(scope, arn[len(prefix) :]) if arn.startswith(prefix) else None
        if domain is None:
            raise resource_not_found("DOMAIN", f"The resource {arn} does not exist.")
        domain.settle(time.time())
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

    def speaker_aliases(self, scope: Scope, params: t.Mapping[str, t.Any]) -> set[str]:
        """The request's SpeakerId and, if it names an existing speaker, both of that speaker's ids."""
        speaker_id = params.get("SpeakerId")
        if not isinstance(speaker_id, str):
            return set()
        aliases = {speaker_id}
        with self.store.lock:
            domain = self.store.find_domain(scope, params.get("DomainId", ""))
        if domain is None:
            return aliases
        with domain.lock:
            speaker = domain.speakers.find(speaker_id)
            if speaker is not None:
                aliases.add(speaker.generated_speaker_id)
                if speaker.customer_speaker_id is not None:
                    aliases.add(speaker.customer_speaker_id)
        return aliases

    # -- speakers --------------------------------------------------------------------------------------------

    def op_DescribeSpeaker(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        with domain.lock:  # always current, even while ListSpeakers lags (realism)
            return {"Speaker": self.speaker(domain, params["SpeakerId"]).to_api()}

    def op_OptOutSpeaker(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        speaker_id: str = params["SpeakerId"]
        now = time.time()
        lag = self.store.list_lag
        with domain.lock:
            existing = domain.speakers.find(speaker_id)
            if existing is not None:
                domain.speakers.before_change(existing, now, lag)
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
            domain.speakers.add(speaker, now if lag > 0 else None)
            return {"Speaker": speaker.to_api()}

    def op_DeleteSpeaker(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        with domain.lock:
            domain.speakers.remove(self.speaker(domain, params["SpeakerId"]), time.time(), self.store.list_lag)
        return {}

    def op_ListSpeakers(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        def read(after: int, limit: int) -> tuple[Entries, bool]:
            domain = self.domain(scope, params["DomainId"])
            with domain.lock:
                return domain.speakers.page(after, limit, time.time(), self.store.list_lag)

        return self.pager.respond("ListSpeakers", scope, params, read)

    # -- domains ---------------------------------------------------------------------------------------------

    def op_DescribeDomain(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        return {"Domain": self.domain(scope, params["DomainId"]).to_api()}

    def op_ListDomains(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        def read(after: int, limit: int) -> tuple[Entries, bool]:
            domains, more = self.store.domain_page(scope, after, limit)
            now = time.time()
            for domain in domains:
                domain.settle(now)
            return [(domain.seq, domain.to_api()) for domain in domains], more

        return self.pager.respond("ListDomains", scope, params, read)

    def op_CreateDomain(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        store = self.store
        account_id, region = scope
        token = params.get("ClientToken")
        fingerprint = json.dumps({key: value for key, value in params.items() if key != "ClientToken"}, sort_keys=True)
        token_key = (account_id, region, token) if token is not None else None
        if token_key is not None and token_key in store.client_tokens:
            seen_fingerprint, domain_id = store.client_tokens[token_key]
            if seen_fingerprint != fingerprint:
                raise ApiError(
                    "ConflictException",
                    "The ClientToken was already used by a CreateDomain request with other parameters.",
                )
            existing = store.find_domain(scope, domain_id)
            if existing is not None:
                existing.settle(time.time())
                return {"Domain": existing.to_api()}
        tags = checked_tags(params.get("Tags") or [], {})
        if len(store.domains_in(scope)) >= store.max_domains:
            raise ApiError(
                "ServiceQuotaExceededException",
                f"The account already has the maximum of {store.max_domains} domains in {region}.",
            )
        domain = store.new_domain(
            name=params["Name"],
            region=region,
            account_id=account_id,
            kms_key_id=params["ServerSideEncryptionConfiguration"]["KmsKeyId"],
            description=params.get("Description"),
            sse_update_details={"UpdateStatus": "COMPLETED"},
            tags=tags,
        )
        store.add_domain(domain)
        if token_key is not None:
            store.client_tokens[token_key] = (fingerprint, domain.domain_id)
        return {"Domain": domain.to_api()}

    def op_UpdateDomain(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        new_key: str = params["ServerSideEncryptionConfiguration"]["KmsKeyId"]
        now = time.time()
        if new_key != domain.kms_key_id:
            if domain.encryption_update_in_progress:
                raise conflict(
                    "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES",
                    f"The domain {domain.domain_id} is being re-encrypted with its new KMS key; "
                    "its key cannot change again until that completes.",
                )
            domain.sse_update_details = {"OldKmsKeyId": domain.kms_key_id, "UpdateStatus": "IN_PROGRESS"}
            domain.sse_due = now + self.store.kms_update_delay
            domain.sse_failure = self.store.kms_update_failures.get(new_key)
            domain.kms_key_id = new_key
        domain.name = params["Name"]
        domain.description = params.get("Description")  # UpdateDomain replaces it: omitted, it is gone
        domain.updated_at = now
        return {"Domain": domain.to_api()}

    def op_DeleteDomain(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        with domain.lock:  # waits for calls on its speakers that are under way
            self.store.delete_domain(domain, time.time())
        return {}

    # -- tags ------------------------------------------------------------------------------------------------

    def op_TagResource(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain_by_arn(scope, params["ResourceArn"])
        domain.tags = checked_tags(params["Tags"], domain.tags)
        return {}

    def op_UntagResource(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain_by_arn(scope, params["ResourceArn"])
        for key in params["TagKeys"]:
            domain.tags.pop(key, None)
        return {}

    def op_ListTagsForResource(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        return {"Tags": self.domain_by_arn(scope, params["ResourceArn"]).tag_list()}

    # -- watchlists and fraudsters ---------------------------------------------------------------------------

    def op_ListWatchlists(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        def read(after: int, limit: int) -> tuple[Entries, bool]:
            domain = self.domain(scope, params["DomainId"])
            with domain.lock:
                watchlists = list(domain.watchlists.values())
            return indexed_page(watchlists, after, limit, lambda watchlist: watchlist.to_api())

        return self.pager.respond("ListWatchlists", scope, params, read)

    def op_ListFraudsters(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        def read(after: int, limit: int) -> tuple[Entries, bool]:
            domain = self.domain(scope, params["DomainId"])
            watchlist_id = params.get("WatchlistId")
            if watchlist_id is not None and watchlist_id not in domain.watchlists:
                raise resource_not_found(
                    "WATCHLIST", f"The watchlist {watchlist_id} does not exist in domain {domain.domain_id}."
                )
            with domain.lock:
                fraudsters = [
                    fraudster
                    for fraudster in domain.fraudsters.values()
                    if watchlist_id is None or watchlist_id in fraudster.watchlist_ids
                ]
            return indexed_page(fraudsters, after, limit, lambda fraudster: fraudster.to_api())

        return self.pager.respond("ListFraudsters", scope, params, read)


# Tag rules of the Voice ID API reference (Tag, TagResource): at most MAX_TAGS tags on a resource; keys 1-128 and
# values 0-256 characters (the model checks those); and, as for every AWS service, the "aws:" prefix is reserved.


def checked_tags(tags: t.Sequence[t.Mapping[str, str]], current: t.Mapping[str, str]) -> dict[str, str]:
    """``current`` with ``tags`` applied, or ValidationException if the request breaks a tag rule."""
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise ApiError("ValidationException", "1 validation error detected: the request has duplicate tag keys.")
    if any(key.lower().startswith("aws:") for key in keys):
        raise ApiError(
            "ValidationException", "1 validation error detected: tag keys starting with 'aws:' are reserved."
        )
    merged = dict(current)
    merged.update({tag["Key"]: tag["Value"] for tag in tags})
    if len(merged) > MAX_TAGS:
        raise ApiError(
            "ValidationException",
            f"1 validation error detected: a resource has at most {MAX_TAGS} tags ({len(merged)} requested).",
        )
    return merged
