# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The store: every account's and region's domains, ids, snapshots (the state view). Seeding is in seed.py."""

from __future__ import annotations

import random
import string
import threading
import time
import typing as t

from .config import DEFAULTS
from .entities import DEFAULT_ACCOUNT_ID
from .entities import DEFAULT_WATCHLIST_DESCRIPTION
from .entities import DEFAULT_WATCHLIST_NAME
from .entities import Domain
from .entities import Scope
from .entities import Watchlist

ALPHANUMERIC = string.ascii_letters + string.digits
_BYTE_TO_ALPHANUMERIC = bytes(ord(ALPHANUMERIC[value % len(ALPHANUMERIC)]) for value in range(256))


class Store:
    """All state: the domains of every account and region. Callers hold ``lock`` around every read-modify-write."""

    def __init__(
        self,
        rng: random.Random | None = None,
        max_domains: int = DEFAULTS.max_domains,
        max_speakers_per_domain: int = DEFAULTS.max_speakers_per_domain,
        configured_region: str = DEFAULTS.default_region,
    ) -> None:
        self.lock = threading.RLock()
        self.rng = rng if rng is not None else random.Random()
        self.max_domains = max_domains
        self.max_speakers_per_domain = max_speakers_per_domain
        self.max_watchlists_per_domain = DEFAULTS.max_watchlists_per_domain  # the default watchlist included
        self.max_fraudsters_per_watchlist = DEFAULTS.max_fraudsters_per_watchlist
        self.max_watchlists_per_fraudster = DEFAULTS.max_watchlists_per_fraudster
        # The region domains go to when the seed names none (configuration key default_region).
        self.configured_region = configured_region
        self.account_id = DEFAULT_ACCOUNT_ID  # the default account: unmapped access keys, domains naming none
        self.default_region = configured_region
        self.access_keys: dict[str, str] = {}  # access key id -> account id
        self.domains: dict[str, Domain] = {}  # live domains of every account and region, by id
        self.deleted: list[Domain] = []  # soft-deleted domains (DeleteDomain), oldest first
        self.next_domain_seq = 1
        self.kms_update_delay = 0.0  # seconds a KMS re-encryption stays IN_PROGRESS (kms_update_delay_seconds)
        self.kms_update_failures: dict[str, str] = {}  # KMS key id -> Message of a re-encryption that fails
        self.list_lag = 0.0  # realism: seconds a speaker change takes to show in ListSpeakers
        # CreateDomain and CreateWatchlist idempotency: (account, region, operation, client token) ->
        # (request fingerprint, id of what the request created)
        self.client_tokens: dict[tuple[str, str, str, str], tuple[str, str]] = {}

    # -- accounts --------------------------------------------------------------------------------------------

    def account_for(self, access_key_id: str) -> str:
        """The account an access key belongs to (the default account for keys the seed does not map)."""
        return self.access_keys.get(access_key_id, self.account_id)

    # -- ids -------------------------------------------------------------------------------------------------

    def random_alphanumeric(self, length: int = 22) -> str:
        # Random bytes mapped onto the 62 characters (the slight bias is irrelevant here); fast for 100k ids.
        return self.rng.randbytes(length).translate(_BYTE_TO_ALPHANUMERIC).decode("ascii")

    def new_domain_id(self) -> str:
        taken = {domain.domain_id for domain in self.deleted}
        while True:
            candidate = self.random_alphanumeric()
            if candidate not in self.domains and candidate not in taken:
                return candidate

    def new_generated_speaker_id(self, domain: Domain) -> str:
        while True:
            candidate = "id#" + self.random_alphanumeric()
            if candidate not in domain.speakers.by_generated:
                return candidate

    def new_watchlist_id(self, domain: Domain) -> str:
        while True:
            candidate = self.random_alphanumeric()
            if candidate not in domain.watchlists:
                return candidate

    def new_fraudster_id(self, domain: Domain) -> str:
        while True:
            candidate = "id#" + self.random_alphanumeric()
            if candidate not in domain.fraudsters:
                return candidate

    # -- domains ---------------------------------------------------------------------------------------------

    def add_domain(self, domain: Domain) -> Domain:
        domain.seq = self.next_domain_seq
        self.next_domain_seq += 1
        self.domains[domain.domain_id] = domain
        if domain.watchlist_id not in domain.watchlists:
            # AWS creates every domain with a default watchlist: the first one.
            others = list(domain.watchlists.values())
            domain.watchlists = {}
            domain.add_watchlist(
                Watchlist(
                    domain.watchlist_id,
                    domain.domain_id,
                    DEFAULT_WATCHLIST_NAME,
                    True,
                    domain.created_at,
                    domain.created_at,
                    DEFAULT_WATCHLIST_DESCRIPTION,
                )
            )
            for watchlist in others:
                domain.add_watchlist(watchlist)
        return domain

    def find_domain(self, scope: Scope, domain_id: str) -> Domain | None:
        """The live domain ``domain_id`` if it lives in ``scope`` (another account's or region's is not found)."""
        domain = self.domains.get(domain_id)
        if domain is None or domain.scope != scope:
            return None
        return domain

    def domains_in(self, scope: Scope) -> list[Domain]:
        return [domain for domain in self.domains.values() if domain.scope == scope]

    def domain_page(self, scope: Scope, after_seq: int, limit: int) -> tuple[list[Domain], bool]:
        remaining = [domain for domain in self.domains_in(scope) if domain.seq > after_seq]
        return remaining[:limit], len(remaining) > limit

    def delete_domain(self, domain: Domain, now: float) -> None:
        """A soft delete: gone from the API, kept in the state view with the time of deletion."""
        del self.domains[domain.domain_id]
        domain.deleted_at = now
        self.deleted.append(domain)

    def new_domain(
        self,
        name: str,
        region: str,
        kms_key_id: str,
        *,
        account_id: str | None = None,
        description: str | None = None,
        status: str = "ACTIVE",
        domain_id: str | None = None,
        created_at: float | None = None,
        updated_at: float | None = None,
        watchlist_id: str | None = None,
        sse_update_details: dict[str, t.Any] | None = None,
        tags: t.Mapping[str, str] | None = None,
    ) -> Domain:
        """Build (not add) a domain with defaults filled in."""
        now = time.time()
        created = created_at if created_at is not None else now
        return Domain(
            domain_id=domain_id or self.new_domain_id(),
            name=name,
            status=status,
            account_id=account_id or self.account_id,
            region=region,
            kms_key_id=kms_key_id,
            watchlist_id=watchlist_id or self.random_alphanumeric(),
            created_at=created,
            updated_at=updated_at if updated_at is not None else created,
            description=description,
            sse_update_details=sse_update_details,
            tags=dict(tags or {}),
        )

    @staticmethod
    def default_kms_key_id(account_id: str, region: str) -> str:
        return f"arn:aws:kms:{region}:{account_id}:alias/voiceid-emulator"

    # -- snapshots and seeding -------------------------------------------------------------------------------

    def snapshot(
        self,
        domain_id: str | None = None,
        include_speakers: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, t.Any]:
        """The state view: every domain with the account and region it lives in, optionally filtered."""

        def wanted(domain: Domain) -> bool:
            return (
                (domain_id is None or domain.domain_id == domain_id)
                and (account_id is None or domain.account_id == account_id)
                and (region is None or domain.region == region)
            )

        with self.lock:
            now = time.time()
            for domain in self.domains.values():
                domain.settle(now)

            def view(domain: Domain) -> dict[str, t.Any]:
                with domain.lock:
                    return domain.to_state(include_speakers)

            return {
                "account_id": self.account_id,
                "region": self.default_region,
                "access_keys": dict(self.access_keys),
                "domains": [view(domain) for domain in self.domains.values() if wanted(domain)],
                "deleted_domains": [view(domain) for domain in self.deleted if wanted(domain)],
            }

    def staging(self) -> Store:
        """An empty store with this one's id generator and quotas, for a seed to be loaded into."""
        staging = Store(self.rng, self.max_domains, self.max_speakers_per_domain, self.configured_region)
        staging.max_watchlists_per_domain = self.max_watchlists_per_domain
        staging.max_fraudsters_per_watchlist = self.max_fraudsters_per_watchlist
        staging.max_watchlists_per_fraudster = self.max_watchlists_per_fraudster
        staging.kms_update_delay = self.kms_update_delay
        return staging

    def replace_with(self, staging: Store) -> None:
        """Take the state of ``staging`` (a store a seed was loaded into); client tokens are forgotten."""
        with self.lock:
            self.account_id = staging.account_id
            self.default_region = staging.default_region
            self.access_keys = staging.access_keys
            self.domains = staging.domains
            self.deleted = staging.deleted
            self.next_domain_seq = staging.next_domain_seq
            self.client_tokens = {}
