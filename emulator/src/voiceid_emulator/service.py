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
from .entities import Fraudster
from .entities import Speaker
from .entities import Watchlist
from .errors import ApiError
from .errors import conflict
from .errors import resource_not_found
from .paging import Entries
from .paging import Pager
from .paging import sequenced_page
from .store import Store

Scope = tuple[str, str]  # (account id, region) of the request


class ClientToken(t.NamedTuple):
    """A create request's ClientToken: its key in the store (None: no token), the fingerprint of the request's
    other parameters, and the id of what an earlier request with the same token and parameters created."""

    key: tuple[str, str, str, str] | None
    fingerprint: str
    created_id: str | None


# Operations on what a domain holds (speakers, watchlists, fraudsters): they take the domain's own lock.
# (CreateWatchlist is not one: it also reads and writes the store's client tokens, under the store's lock.)
CONTENT_OPERATIONS = frozenset(
    {
        "DescribeSpeaker",
        "OptOutSpeaker",
        "DeleteSpeaker",
        "ListSpeakers",
        "DescribeWatchlist",
        "UpdateWatchlist",
        "DeleteWatchlist",
        "ListWatchlists",
        "DescribeFraudster",
        "DeleteFraudster",
        "AssociateFraudster",
        "DisassociateFraudster",
        "ListFraudsters",
    }
)
# Writes to one resource, by the input member that names it (realism: a second write to the same resource while
# one is in flight answers ConflictException CONCURRENT_CHANGES).
WRITES: dict[str, str] = {
    "OptOutSpeaker": "SpeakerId",
    "DeleteSpeaker": "SpeakerId",
    "UpdateWatchlist": "WatchlistId",
    "DeleteWatchlist": "WatchlistId",
    "DeleteFraudster": "FraudsterId",
    "AssociateFraudster": "FraudsterId",
    "DisassociateFraudster": "FraudsterId",
}
_WRITTEN = {"SpeakerId": "speaker", "WatchlistId": "watchlist", "FraudsterId": "fraudster"}


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
    def write(self, scope: Scope, operation: str, params: t.Mapping[str, t.Any]) -> t.Iterator[None]:
        """Realism: a write to a speaker, watchlist or fraudster while another write to it is in flight is refused
        with ConflictException CONCURRENT_CHANGES (a conflict type AWS documents as transient)."""
        member = WRITES[operation]
        key = self.write_key(scope, params, member)
        with self.in_flight_lock:
            if key in self.in_flight:
                raise conflict(
                    "CONCURRENT_CHANGES",
                    f"Another change to this {_WRITTEN[member]} is in progress; retry the request.",
                )
            self.in_flight.add(key)
        try:
            yield
        finally:
            with self.in_flight_lock:
                self.in_flight.discard(key)

    def write_key(self, scope: Scope, params: t.Mapping[str, t.Any], member: str = "SpeakerId") -> tuple[str, ...]:
        """One key per speaker (whichever of its ids the request names), watchlist or fraudster."""
        domain_id = str(params.get("DomainId", ""))
        if member != "SpeakerId":  # watchlists and fraudsters have one id each
            return (*scope, domain_id, member, str(params.get(member, "")))
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
    def watchlist(domain: Domain, watchlist_id: str) -> Watchlist:
        watchlist = domain.watchlists.get(watchlist_id)
        if watchlist is None:
            raise resource_not_found(
                "WATCHLIST", f"The watchlist {watchlist_id} does not exist in domain {domain.domain_id}."
            )
        return watchlist

    @staticmethod
    def fraudster(domain: Domain, fraudster_id: str) -> Fraudster:
        fraudster = domain.fraudsters.get(fraudster_id)
        if fraudster is None:
            # The fraudster id is sensitive (the model says so): it is not repeated in the message.
            raise resource_not_found("FRAUDSTER", f"The fraudster does not exist in domain {domain.domain_id}.")
        return fraudster

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

    def client_token(self, operation: str, scope: Scope, params: t.Mapping[str, t.Any]) -> ClientToken:
        """CreateDomain / CreateWatchlist idempotency (call with the store's lock held): the request's token, and
        what an earlier request with the same token and parameters created. The same token with other parameters
        answers ConflictException."""
        fingerprint = json.dumps({key: value for key, value in params.items() if key != "ClientToken"}, sort_keys=True)
        token = params.get("ClientToken")
        if token is None:
            return ClientToken(None, fingerprint, None)
        key = (*scope, operation, token)
        seen = self.store.client_tokens.get(key)
        if seen is None:
            return ClientToken(key, fingerprint, None)
        if seen[0] != fingerprint:
            raise ApiError(
                "ConflictException", f"The ClientToken was already used by a {operation} request with other parameters."
            )
        return ClientToken(key, fingerprint, seen[1])

    def remember(self, token: ClientToken, created_id: str) -> None:
        if token.key is not None:
            self.store.client_tokens[token.key] = (token.fingerprint, created_id)

    def op_CreateDomain(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        store = self.store
        account_id, region = scope
        token = self.client_token("CreateDomain", scope, params)
        existing = store.find_domain(scope, token.created_id) if token.created_id is not None else None
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
        self.remember(token, domain.domain_id)
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
    #
    # Every domain has a default watchlist that can be neither updated nor deleted; names are unique in a domain;
    # a fraudster belongs to at least one watchlist. Writes need an ACTIVE domain, as the speaker writes do.

    def op_CreateWatchlist(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        # Under the store's lock (not a content operation): the client token and the watchlist are one step.
        domain = self.domain(scope, params["DomainId"])
        token = self.client_token("CreateWatchlist", scope, params)
        with domain.lock:
            existing = domain.watchlists.get(token.created_id) if token.created_id is not None else None
            if existing is not None:  # the same request again: the same watchlist, even at the quota
                return {"Watchlist": existing.to_api()}
            self.require_active(domain)
            self.require_free_name(domain, params["Name"])
            if len(domain.watchlists) >= self.store.max_watchlists_per_domain:
                raise ApiError(
                    "ServiceQuotaExceededException",
                    f"The domain {domain.domain_id} already holds the maximum of "
                    f"{self.store.max_watchlists_per_domain} watchlists, its default watchlist included.",
                )
            now = time.time()
            watchlist = Watchlist(
                self.store.new_watchlist_id(domain),
                domain.domain_id,
                params["Name"],
                False,
                now,
                now,
                params.get("Description"),
            )
            domain.add_watchlist(watchlist)
        self.remember(token, watchlist.watchlist_id)
        return {"Watchlist": watchlist.to_api()}

    def op_DescribeWatchlist(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        with domain.lock:
            return {"Watchlist": self.watchlist(domain, params["WatchlistId"]).to_api()}

    def op_UpdateWatchlist(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        with domain.lock:
            watchlist = self.changeable_watchlist(domain, params["WatchlistId"], "updated")
            name = params.get("Name")
            if name is not None and name != watchlist.name:
                self.require_free_name(domain, name)
                watchlist.name = name
            if params.get("Description") is not None:  # omitted: kept (a description cannot be emptied)
                watchlist.description = params["Description"]
            watchlist.updated_at = time.time()
            return {"Watchlist": watchlist.to_api()}

    def op_DeleteWatchlist(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        with domain.lock:
            watchlist = self.changeable_watchlist(domain, params["WatchlistId"], "deleted")
            members = sum(watchlist.watchlist_id in fraudster.watchlist_ids for fraudster in domain.fraudsters.values())
            if members:
                raise conflict(
                    "CANNOT_DELETE_NON_EMPTY_WATCHLIST",
                    f"The watchlist {watchlist.watchlist_id} still holds {members} fraudster(s); disassociate or "
                    "delete them first.",
                )
            del domain.watchlists[watchlist.watchlist_id]
        return {}

    def changeable_watchlist(self, domain: Domain, watchlist_id: str, change: str) -> Watchlist:
        """The watchlist, unless it is the domain's default watchlist, which AWS says cannot be updated or
        deleted (the API reference of UpdateWatchlist and DeleteWatchlist; the error is the emulator's choice)."""
        watchlist = self.watchlist(domain, watchlist_id)
        if watchlist.default:
            raise ApiError(
                "ValidationException",
                f"1 validation error detected: the default watchlist of domain {domain.domain_id} cannot be {change}.",
            )
        return watchlist

    @staticmethod
    def require_free_name(domain: Domain, name: str) -> None:
        if any(watchlist.name == name for watchlist in domain.watchlists.values()):
            # The name is sensitive (the model says so): it is not repeated in the message.
            raise ApiError("ConflictException", f"The domain {domain.domain_id} already has a watchlist of that name.")

    def op_DescribeFraudster(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        with domain.lock:
            return {"Fraudster": self.fraudster(domain, params["FraudsterId"]).to_api()}

    def op_DeleteFraudster(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        with domain.lock:
            del domain.fraudsters[self.fraudster(domain, params["FraudsterId"]).generated_fraudster_id]
        return {}

    def op_AssociateFraudster(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        store = self.store
        with domain.lock:
            fraudster = self.fraudster(domain, params["FraudsterId"])
            watchlist = self.watchlist(domain, params["WatchlistId"])
            if watchlist.watchlist_id in fraudster.watchlist_ids:  # already there: nothing to do
                return {"Fraudster": fraudster.to_api()}
            if len(fraudster.watchlist_ids) >= store.max_watchlists_per_fraudster:
                raise ApiError(
                    "ServiceQuotaExceededException",
                    f"The fraudster already belongs to the maximum of {store.max_watchlists_per_fraudster} watchlists.",
                )
            members = sum(watchlist.watchlist_id in other.watchlist_ids for other in domain.fraudsters.values())
            if members >= store.max_fraudsters_per_watchlist:
                raise ApiError(
                    "ServiceQuotaExceededException",
                    f"The watchlist {watchlist.watchlist_id} already holds the maximum of "
                    f"{store.max_fraudsters_per_watchlist} fraudsters.",
                )
            fraudster.watchlist_ids.append(watchlist.watchlist_id)
            return {"Fraudster": fraudster.to_api()}

    def op_DisassociateFraudster(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        domain = self.domain(scope, params["DomainId"])
        self.require_active(domain)
        with domain.lock:
            fraudster = self.fraudster(domain, params["FraudsterId"])
            watchlist = self.watchlist(domain, params["WatchlistId"])
            if watchlist.watchlist_id not in fraudster.watchlist_ids:  # not there: nothing to do
                return {"Fraudster": fraudster.to_api()}
            if len(fraudster.watchlist_ids) == 1:
                raise conflict(
                    "FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST",
                    f"The watchlist {watchlist.watchlist_id} is the fraudster's only watchlist; a fraudster belongs "
                    "to at least one watchlist.",
                )
            fraudster.watchlist_ids.remove(watchlist.watchlist_id)
            return {"Fraudster": fraudster.to_api()}

    def op_ListWatchlists(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        def read(after: int, limit: int) -> tuple[Entries, bool]:
            domain = self.domain(scope, params["DomainId"])
            with domain.lock:
                watchlists = list(domain.watchlists.values())
                return sequenced_page(watchlists, after, limit, lambda watchlist: watchlist.seq, Watchlist.to_api)

        return self.pager.respond("ListWatchlists", scope, params, read)

    def op_ListFraudsters(self, scope: Scope, params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        def read(after: int, limit: int) -> tuple[Entries, bool]:
            domain = self.domain(scope, params["DomainId"])
            watchlist_id = params.get("WatchlistId")
            with domain.lock:
                if watchlist_id is not None:
                    self.watchlist(domain, watchlist_id)  # ResourceNotFoundException WATCHLIST if there is none
                fraudsters = [
                    fraudster
                    for fraudster in domain.fraudsters.values()
                    if watchlist_id is None or watchlist_id in fraudster.watchlist_ids
                ]
                return sequenced_page(fraudsters, after, limit, lambda fraudster: fraudster.seq, Fraudster.to_api)

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
