# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory Voice ID state: domains and their speakers, seeding and snapshots."""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import json
import pathlib
import random
import string
import threading
import time
import typing as t

from .model import matches_pattern
from .model import service_model
from .model import validation_errors

ALPHANUMERIC = string.ascii_letters + string.digits
_BYTE_TO_ALPHANUMERIC = bytes(ord(ALPHANUMERIC[value % len(ALPHANUMERIC)]) for value in range(256))
DOMAIN_STATUSES = ("ACTIVE", "PENDING", "SUSPENDED")
SPEAKER_STATUSES = ("ENROLLED", "EXPIRED", "OPTED_OUT", "PENDING")
DOMAIN_ID_PATTERN = "^[a-zA-Z0-9]{22}$"
CUSTOMER_ID_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
GENERATED_ID_PATTERN = "^id#[a-zA-Z0-9]{22}$"
DOMAIN_NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_MAX_DOMAINS = 3
DEFAULT_MAX_SPEAKERS_PER_DOMAIN = 100_000
SSE_UPDATE_STATUSES = ("IN_PROGRESS", "COMPLETED", "FAILED")
ACCOUNT_ID_PATTERN = "^[0-9]{12}$"
REGION_PATTERN = "^[a-z0-9-]+$"
WATCHLIST_NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"
# AWS does not document the default watchlist's name; this one satisfies the model's WatchlistName pattern.
DEFAULT_WATCHLIST_NAME = "Default"
DEFAULT_WATCHLIST_DESCRIPTION = "Default watchlist"


class SeedError(ValueError):
    """A seed document that cannot be loaded."""


def hour_floor(moment: float) -> float:
    """LastAccessedAt is accurate to one hour."""
    return float(int(moment // 3600) * 3600)


def parse_time(value: t.Any, what: str) -> float:
    """Epoch seconds (number) or an ISO 8601 string."""
    if isinstance(value, bool):
        raise SeedError(f"{what}: expected a number or an ISO 8601 string")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime.datetime):  # YAML reads unquoted ISO 8601 timestamps as datetimes
        moment = value if value.tzinfo is not None else value.replace(tzinfo=datetime.timezone.utc)
        return moment.timestamp()
    if isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise SeedError(f"{what}: {exc}") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.timestamp()
    raise SeedError(f"{what}: expected a number or an ISO 8601 string")


@dataclasses.dataclass(slots=True)
class Speaker:
    domain_id: str
    customer_speaker_id: str | None
    generated_speaker_id: str
    status: str
    created_at: float
    updated_at: float
    last_accessed_at: float | None = None
    seq: int = 0
    # Eventual consistency of ListSpeakers (realism): the view it shows until ``changed_at`` is ``lag`` old
    # (None: the speaker is not listed yet), and whether the speaker is a deleted one still listed.
    listed: dict[str, t.Any] | None = None
    changed_at: float = float("-inf")
    deleted: bool = False

    def to_api(self) -> dict[str, t.Any]:
        """The Speaker / SpeakerSummary shape."""
        document: dict[str, t.Any] = {
            "CreatedAt": self.created_at,
            "DomainId": self.domain_id,
            "GeneratedSpeakerId": self.generated_speaker_id,
            "Status": self.status,
            "UpdatedAt": self.updated_at,
        }
        if self.customer_speaker_id is not None:
            document["CustomerSpeakerId"] = self.customer_speaker_id
        if self.last_accessed_at is not None:
            document["LastAccessedAt"] = self.last_accessed_at
        return document

    def to_state(self) -> dict[str, t.Any]:
        return {
            "customer_speaker_id": self.customer_speaker_id,
            "generated_speaker_id": self.generated_speaker_id,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "last_accessed_at": self.last_accessed_at,
        }


class SpeakerIndex:
    """Speakers of one domain, indexed by both ids and kept in a stable (creation) order for paging.

    ``order`` holds the speakers' sequence numbers, always sorted, so a page is a bisect plus a slice.
    """

    def __init__(self) -> None:
        self.by_customer: dict[str, Speaker] = {}
        self.by_generated: dict[str, Speaker] = {}
        self.by_seq: dict[int, Speaker] = {}
        self.order: list[int] = []
        self.next_seq = 1

    def __len__(self) -> int:
        return len(self.by_generated)

    def __iter__(self) -> t.Iterator[Speaker]:
        return (self.by_seq[seq] for seq in self.order if not self.by_seq[seq].deleted)

    def add(self, speaker: Speaker, now: float | None = None) -> None:
        """Add a speaker; with ``now`` (realism), ListSpeakers shows it only once the lag has passed."""
        speaker.seq = self.next_seq
        self.next_seq += 1
        self.by_generated[speaker.generated_speaker_id] = speaker
        if speaker.customer_speaker_id is not None:
            self.by_customer[speaker.customer_speaker_id] = speaker
        self.by_seq[speaker.seq] = speaker
        self.order.append(speaker.seq)
        if now is not None:
            speaker.listed = None
            speaker.changed_at = now

    @staticmethod
    def before_change(speaker: Speaker, now: float, lag: float) -> None:
        """Call before changing a speaker: ListSpeakers keeps showing its settled view for ``lag`` seconds."""
        if lag <= 0:
            return
        if now - speaker.changed_at >= lag:
            speaker.listed = speaker.to_api()
        speaker.changed_at = now

    def remove(self, speaker: Speaker, now: float | None = None, lag: float = 0.0) -> None:
        """Remove a speaker; with a lag (realism), ListSpeakers shows it for ``lag`` seconds more."""
        del self.by_generated[speaker.generated_speaker_id]
        if speaker.customer_speaker_id is not None:
            self.by_customer.pop(speaker.customer_speaker_id, None)
        if now is not None and lag > 0:
            self.before_change(speaker, now, lag)
            speaker.deleted = True
            return
        self._forget(speaker)

    def _forget(self, speaker: Speaker) -> None:
        del self.by_seq[speaker.seq]
        position = bisect.bisect_left(self.order, speaker.seq)
        del self.order[position]

    def find(self, speaker_id: str) -> Speaker | None:
        """A speaker named by either its generated id (``id#...``) or its customer id."""
        if speaker_id.startswith("id#"):
            return self.by_generated.get(speaker_id)
        return self.by_customer.get(speaker_id)

    def page(
        self, after_seq: int, limit: int, now: float = 0.0, lag: float = 0.0
    ) -> tuple[list[tuple[int, dict[str, t.Any]]], bool]:
        """Up to ``limit`` (seq, SpeakerSummary) created after ``after_seq`` as ListSpeakers sees them ``lag``
        seconds behind, and whether more entries follow."""
        start = bisect.bisect_right(self.order, after_seq)
        if lag <= 0:
            seqs = self.order[start : start + limit]
            return [(seq, self.by_seq[seq].to_api()) for seq in seqs], start + limit < len(self.order)
        views: list[tuple[int, dict[str, t.Any]]] = []
        settled_ghosts: list[Speaker] = []
        position = start
        while position < len(self.order) and len(views) < limit:
            speaker = self.by_seq[self.order[position]]
            position += 1
            if now - speaker.changed_at >= lag:
                if speaker.deleted:
                    settled_ghosts.append(speaker)
                else:
                    views.append((speaker.seq, speaker.to_api()))
            elif speaker.listed is not None:
                views.append((speaker.seq, dict(speaker.listed)))
        more = position < len(self.order)
        for ghost in settled_ghosts:
            self._forget(ghost)
        return views, more


@dataclasses.dataclass(slots=True)
class Watchlist:
    watchlist_id: str
    domain_id: str
    name: str
    default: bool
    created_at: float
    updated_at: float
    description: str | None = None

    def to_api(self) -> dict[str, t.Any]:
        """The WatchlistSummary shape."""
        document: dict[str, t.Any] = {
            "CreatedAt": self.created_at,
            "DefaultWatchlist": self.default,
            "DomainId": self.domain_id,
            "Name": self.name,
            "UpdatedAt": self.updated_at,
            "WatchlistId": self.watchlist_id,
        }
        if self.description is not None:
            document["Description"] = self.description
        return document

    def to_state(self) -> dict[str, t.Any]:
        return {
            "watchlist_id": self.watchlist_id,
            "name": self.name,
            "description": self.description,
            "default_watchlist": self.default,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclasses.dataclass(slots=True)
class Fraudster:
    generated_fraudster_id: str
    domain_id: str
    watchlist_ids: list[str]
    created_at: float

    def to_api(self) -> dict[str, t.Any]:
        """The FraudsterSummary shape."""
        return {
            "CreatedAt": self.created_at,
            "DomainId": self.domain_id,
            "GeneratedFraudsterId": self.generated_fraudster_id,
            "WatchlistIds": list(self.watchlist_ids),
        }

    def to_state(self) -> dict[str, t.Any]:
        return {
            "generated_fraudster_id": self.generated_fraudster_id,
            "watchlist_ids": list(self.watchlist_ids),
            "created_at": self.created_at,
        }


@dataclasses.dataclass
class Domain:
    domain_id: str
    name: str
    status: str
    account_id: str
    region: str
    kms_key_id: str
    watchlist_id: str
    created_at: float
    updated_at: float
    description: str | None = None
    sse_update_details: dict[str, t.Any] | None = None
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    speakers: SpeakerIndex = dataclasses.field(default_factory=SpeakerIndex)
    watchlists: dict[str, Watchlist] = dataclasses.field(default_factory=dict)
    fraudsters: dict[str, Fraudster] = dataclasses.field(default_factory=dict)
    seq: int = 0
    # A KMS re-encryption in progress: when it ends, and the Message it ends with (None: COMPLETED).
    sse_due: float | None = None
    sse_failure: str | None = None
    deleted_at: float | None = None
    # Guards the domain's speakers, watchlists and fraudsters; the store's lock guards which domains exist and
    # their own fields. Always take the store's lock first when both are needed.
    lock: threading.RLock = dataclasses.field(default_factory=threading.RLock, compare=False, repr=False)

    @property
    def arn(self) -> str:
        return f"arn:aws:voiceid:{self.region}:{self.account_id}:domain/{self.domain_id}"

    @property
    def scope(self) -> tuple[str, str]:
        return (self.account_id, self.region)

    def settle(self, now: float) -> None:
        """Finish a KMS re-encryption whose time has come (IN_PROGRESS -> COMPLETED or FAILED)."""
        if self.sse_due is None or now < self.sse_due or self.sse_update_details is None:
            return
        details = dict(self.sse_update_details)
        if self.sse_failure is None:
            details["UpdateStatus"] = "COMPLETED"
        else:
            details["UpdateStatus"] = "FAILED"
            details["Message"] = self.sse_failure
        self.sse_update_details = details
        self.sse_due = None
        self.sse_failure = None

    @property
    def encryption_update_in_progress(self) -> bool:
        return self.sse_update_details is not None and self.sse_update_details.get("UpdateStatus") == "IN_PROGRESS"

    def tag_list(self) -> list[dict[str, str]]:
        return [{"Key": key, "Value": value} for key, value in self.tags.items()]

    def to_api(self) -> dict[str, t.Any]:
        """The Domain / DomainSummary shape."""
        document: dict[str, t.Any] = {
            "Arn": self.arn,
            "CreatedAt": self.created_at,
            "DomainId": self.domain_id,
            "DomainStatus": self.status,
            "Name": self.name,
            "ServerSideEncryptionConfiguration": {"KmsKeyId": self.kms_key_id},
            "UpdatedAt": self.updated_at,
            "WatchlistDetails": {"DefaultWatchlistId": self.watchlist_id},
        }
        if self.description is not None:
            document["Description"] = self.description
        if self.sse_update_details is not None:
            document["ServerSideEncryptionUpdateDetails"] = dict(self.sse_update_details)
        return document

    def to_state(self, include_speakers: bool = True) -> dict[str, t.Any]:
        document: dict[str, t.Any] = {
            "domain_id": self.domain_id,
            "name": self.name,
            "description": self.description,
            "status": self.status,
            "account_id": self.account_id,
            "region": self.region,
            "arn": self.arn,
            "kms_key_id": self.kms_key_id,
            "watchlist_id": self.watchlist_id,
            "server_side_encryption_update_details": self.sse_update_details,
            "tags": self.tag_list(),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "speaker_count": len(self.speakers),
            "watchlists": [watchlist.to_state() for watchlist in self.watchlists.values()],
            "fraudsters": [fraudster.to_state() for fraudster in self.fraudsters.values()],
        }
        if self.deleted_at is not None:
            document["deleted_at"] = self.deleted_at
        if include_speakers:
            document["speakers"] = [speaker.to_state() for speaker in self.speakers]
        return document


Scope = tuple[str, str]  # (account id, region): where a domain lives


class Store:
    """All state: the domains of every account and region. Callers hold ``lock`` around every read-modify-write."""

    def __init__(
        self,
        rng: random.Random | None = None,
        max_domains: int = DEFAULT_MAX_DOMAINS,
        max_speakers_per_domain: int = DEFAULT_MAX_SPEAKERS_PER_DOMAIN,
        configured_region: str = DEFAULT_REGION,
    ) -> None:
        self.lock = threading.RLock()
        self.rng = rng if rng is not None else random.Random()
        self.max_domains = max_domains
        self.max_speakers_per_domain = max_speakers_per_domain
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
        # CreateDomain idempotency: (account, region, client token) -> (request fingerprint, domain id)
        self.client_tokens: dict[tuple[str, str, str], tuple[str, str]] = {}

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
            # AWS creates every domain with a default watchlist.
            default = Watchlist(
                domain.watchlist_id,
                domain.domain_id,
                DEFAULT_WATCHLIST_NAME,
                True,
                domain.created_at,
                domain.created_at,
                DEFAULT_WATCHLIST_DESCRIPTION,
            )
            domain.watchlists = {domain.watchlist_id: default, **domain.watchlists}
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

    def load(self, seed: t.Mapping[str, t.Any] | None) -> None:
        """Replace all state with ``seed`` (see README.md for the format). Atomic: on SeedError nothing changes."""
        staging = Store(self.rng, self.max_domains, self.max_speakers_per_domain, self.configured_region)
        staging.kms_update_delay = self.kms_update_delay
        _SeedLoader(staging).load(seed or {})
        with self.lock:
            self.account_id = staging.account_id
            self.default_region = staging.default_region
            self.access_keys = staging.access_keys
            self.domains = staging.domains
            self.deleted = staging.deleted
            self.next_domain_seq = staging.next_domain_seq
            self.client_tokens = {}


def read_mapping_file(path: str | pathlib.Path, what: str = "document") -> dict[str, t.Any]:
    """Read a mapping from a JSON or (``.yaml``/``.yml``) YAML file; an empty file is an empty mapping."""
    file_path = pathlib.Path(path)
    text = file_path.read_text(encoding="utf-8")
    if file_path.suffix.lower() in (".yaml", ".yml"):
        import yaml  # type: ignore[import-untyped, unused-ignore]  # PyYAML, only for YAML files

        document = yaml.safe_load(text)
    else:
        try:
            document = json.loads(text) if text.strip() else None
        except ValueError as exc:
            raise SeedError(f"{file_path}: not valid JSON: {exc}") from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SeedError(f"{file_path}: a {what} is a mapping")
    return document


def load_seed_file(path: str | pathlib.Path) -> dict[str, t.Any]:
    """Read a seed document from a JSON or YAML file (checked when it is loaded into a store)."""
    return read_mapping_file(path, "seed document")


_TOP_KEYS = {"account_id", "region", "access_keys", "domains", "deleted_domains"}
_DOMAIN_KEYS = {
    "domain_id",
    "account_id",
    "watchlists",
    "fraudsters",
    "name",
    "description",
    "status",
    "region",
    "kms_key_id",
    "watchlist_id",
    "server_side_encryption_update_details",
    "tags",
    "created_at",
    "updated_at",
    "speakers",
    "generate",
    # read-only keys of /_emulator/state output, accepted so a snapshot can be seeded back
    "arn",
    "speaker_count",
    "deleted_at",
}
_SPEAKER_KEYS = {
    "customer_speaker_id",
    "generated_speaker_id",
    "status",
    "created_at",
    "updated_at",
    "last_accessed_at",
}
_WATCHLIST_KEYS = {"watchlist_id", "name", "description", "created_at", "updated_at", "default_watchlist"}
_FRAUDSTER_KEYS = {"generated_fraudster_id", "watchlists", "watchlist_ids", "created_at"}
_GENERATE_KEYS = {"count", "prefix", "start", "width", "status", "created_at"}


def _check_keys(document: t.Any, allowed: set[str], what: str) -> t.Mapping[str, t.Any]:
    if not isinstance(document, dict):
        raise SeedError(f"{what}: expected a mapping")
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise SeedError(f"{what}: unknown key(s) {', '.join(unknown)}")
    return document


def _check_string(value: t.Any, pattern: str, what: str, max_length: int = 256) -> str:
    if not isinstance(value, str) or len(value) > max_length or not matches_pattern(pattern, value):
        raise SeedError(f"{what}: must be a string of at most {max_length} characters matching {pattern}")
    return value


def _check_choice(value: t.Any, choices: t.Sequence[str], what: str) -> str:
    if value not in choices:
        raise SeedError(f"{what}: must be one of {', '.join(choices)}")
    return t.cast(str, value)


def _check_shape(value: t.Any, shape_name: str, what: str) -> t.Any:
    """``value`` if it satisfies the model's shape ``shape_name`` (length, pattern, enum), else SeedError.

    A seed must not hold what the service could never return: strict mode would answer it as an emulator bug.
    """
    errors = validation_errors(service_model().shape_for(shape_name), value)
    if errors:
        constraints = "; ".join(error.split("failed to satisfy constraint: ", 1)[-1] for error in errors)
        raise SeedError(f"{what}: not a valid {shape_name} ({constraints})")
    return value


def _check_account(value: t.Any, what: str) -> str:
    if not isinstance(value, str) or not matches_pattern(ACCOUNT_ID_PATTERN, value):
        raise SeedError(f"{what}: must be a string of 12 digits (an AWS account id)")
    return value


def _check_tags(value: t.Any, what: str) -> dict[str, str]:
    """Tags as a list of {Key, Value} (the API's shape) or a mapping of key to value."""
    if value is None:
        return {}
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list) and all(isinstance(tag, dict) and set(tag) == {"Key", "Value"} for tag in value):
        pairs = [(tag["Key"], tag["Value"]) for tag in value]
    else:
        raise SeedError(f"{what}: a list of {{Key, Value}} mappings, or a mapping of key to value")
    tags: dict[str, str] = {}
    for key, tag_value in pairs:
        if (
            not isinstance(key, str)
            or not 1 <= len(key) <= 128
            or not isinstance(tag_value, str)
            or len(tag_value) > 256
        ):
            raise SeedError(f"{what}: keys are strings of 1 to 128 characters, values strings of at most 256")
        _check_shape({"Key": key, "Value": tag_value}, "Tag", what)
        if key in tags:
            raise SeedError(f"{what}: duplicate tag key")
        tags[key] = tag_value
    if len(tags) > 200:
        raise SeedError(f"{what}: at most 200 tags")
    return tags


def _check_int(value: t.Any, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SeedError(f"{what}: must be an integer >= {minimum}")
    return value


class _SeedLoader:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.now = time.time()
        self.kms_update_delay = store.kms_update_delay

    def load(self, seed: t.Mapping[str, t.Any]) -> None:
        _check_keys(seed, _TOP_KEYS, "seed")
        store = self.store
        if "account_id" in seed:
            store.account_id = _check_account(seed["account_id"], "account_id")
        if "region" in seed:
            store.default_region = _check_string(seed["region"], REGION_PATTERN, "region", 64)
        access_keys = seed.get("access_keys") or {}
        if not isinstance(access_keys, dict):
            raise SeedError("access_keys: a mapping of access key id to account id (12 digits)")
        for access_key_id, account_id in access_keys.items():
            if not isinstance(access_key_id, str) or not access_key_id:
                raise SeedError("access_keys: the keys are access key ids (non-empty strings)")
            store.access_keys[access_key_id] = _check_account(account_id, f"access_keys.{access_key_id}")
        domains = seed.get("domains") or []
        if not isinstance(domains, list):
            raise SeedError("domains: expected a list")
        for number, document in enumerate(domains, start=1):
            self.load_domain(document, number)
        # Soft-deleted domains (the state view's deleted_domains), so that a snapshot can be seeded back.
        deleted = seed.get("deleted_domains") or []
        if not isinstance(deleted, list):
            raise SeedError("deleted_domains: expected a list")
        for number, document in enumerate(deleted, start=1):
            domain = self.load_domain(document, number, "deleted_domains")
            moment = document.get("deleted_at")
            store.delete_domain(
                domain, self.now if moment is None else parse_time(moment, f"deleted_domains[{number - 1}].deleted_at")
            )

    def load_domain(self, document: t.Any, number: int, section: str = "domains") -> Domain:
        what = f"{section}[{number - 1}]"
        document = _check_keys(document, _DOMAIN_KEYS, what)
        store = self.store
        domain_id = document.get("domain_id")
        if domain_id is not None:
            _check_string(domain_id, DOMAIN_ID_PATTERN, f"{what}.domain_id", 22)
            if domain_id in store.domains or any(gone.domain_id == domain_id for gone in store.deleted):
                # ids are unique across accounts and regions
                raise SeedError(f"{what}.domain_id: duplicate domain id {domain_id}")
        region = document.get("region") or store.default_region
        _check_string(region, REGION_PATTERN, f"{what}.region", 64)
        account_id = store.account_id
        if document.get("account_id") is not None:
            account_id = _check_account(document["account_id"], f"{what}.account_id")
        if section == "domains" and len(store.domains_in((account_id, region))) >= store.max_domains:
            raise SeedError(
                f"{what}: at most {store.max_domains} domains per account and region ({account_id}, {region})"
            )
        description = document.get("description")
        if description is not None:
            _check_shape(description, "Description", f"{what}.description")
        watchlist_id = document.get("watchlist_id")
        if watchlist_id is not None:
            _check_string(watchlist_id, DOMAIN_ID_PATTERN, f"{what}.watchlist_id", 22)
        kms_key_id = document.get("kms_key_id") or store.default_kms_key_id(account_id, region)
        _check_shape(kms_key_id, "KmsKeyId", f"{what}.kms_key_id")
        sse = document.get("server_side_encryption_update_details", {"UpdateStatus": "COMPLETED"})
        if sse is not None:
            sse = dict(
                _check_keys(
                    sse, {"Message", "OldKmsKeyId", "UpdateStatus"}, f"{what}.server_side_encryption_update_details"
                )
            )
            if "UpdateStatus" in sse:
                _check_choice(sse["UpdateStatus"], SSE_UPDATE_STATUSES, f"{what}.UpdateStatus")
            _check_shape(sse, "ServerSideEncryptionUpdateDetails", f"{what}.server_side_encryption_update_details")
        tags = _check_tags(document.get("tags"), f"{what}.tags")
        created_at = parse_time(document["created_at"], f"{what}.created_at") if "created_at" in document else None
        updated_at = parse_time(document["updated_at"], f"{what}.updated_at") if "updated_at" in document else None
        domain = store.new_domain(
            name=_check_string(document.get("name", f"domain-{number}"), DOMAIN_NAME_PATTERN, f"{what}.name"),
            region=region,
            account_id=account_id,
            kms_key_id=kms_key_id,
            description=description,
            status=_check_choice(document.get("status", "ACTIVE"), DOMAIN_STATUSES, f"{what}.status"),
            domain_id=domain_id,
            created_at=created_at,
            updated_at=updated_at,
            watchlist_id=watchlist_id,
            sse_update_details=sse,
            tags=tags,
        )
        if sse is not None and sse.get("UpdateStatus") == "IN_PROGRESS":
            domain.sse_due = self.now + self.kms_update_delay
        store.add_domain(domain)
        self.load_watchlists(domain, document.get("watchlists"), f"{what}.watchlists")
        self.load_fraudsters(domain, document.get("fraudsters"), f"{what}.fraudsters")
        speakers = document.get("speakers") or []
        if not isinstance(speakers, list):
            raise SeedError(f"{what}.speakers: expected a list")
        for index, speaker in enumerate(speakers):
            self.load_speaker(domain, speaker, f"{what}.speakers[{index}]")
        generate = document.get("generate") or []
        if isinstance(generate, dict):
            generate = [generate]
        if not isinstance(generate, list):
            raise SeedError(f"{what}.generate: expected a list")
        for index, spec in enumerate(generate):
            self.generate(domain, spec, f"{what}.generate[{index}]")
        return domain

    def load_watchlists(self, domain: Domain, documents: t.Any, what: str) -> None:
        if documents is None:
            return
        if not isinstance(documents, list):
            raise SeedError(f"{what}: expected a list")
        names = {watchlist.name for watchlist in domain.watchlists.values()}
        for index, document in enumerate(documents):
            where = f"{what}[{index}]"
            document = _check_keys(document, _WATCHLIST_KEYS, where)
            name = _check_string(document.get("name"), WATCHLIST_NAME_PATTERN, f"{where}.name")
            if document.get("default_watchlist"):
                # The default watchlist is the domain's watchlist_id (as in the state view): rename it only.
                if document.get("watchlist_id", domain.watchlist_id) != domain.watchlist_id:
                    raise SeedError(f"{where}: the default watchlist's id is the domain's watchlist_id")
                default = domain.watchlists[domain.watchlist_id]
                names.discard(default.name)
                default.name = name
                names.add(name)
                if document.get("description") is not None:
                    default.description = _check_shape(
                        document["description"], "WatchlistDescription", f"{where}.description"
                    )
                continue
            if name in names:
                raise SeedError(f"{where}.name: duplicate watchlist name {name}")
            names.add(name)
            watchlist_id = document.get("watchlist_id")
            if watchlist_id is None:
                watchlist_id = self.store.new_watchlist_id(domain)
            else:
                _check_string(watchlist_id, DOMAIN_ID_PATTERN, f"{where}.watchlist_id", 22)
                if watchlist_id in domain.watchlists:
                    raise SeedError(f"{where}.watchlist_id: duplicate watchlist id {watchlist_id}")
            description = document.get("description")
            if description is not None:
                _check_shape(description, "WatchlistDescription", f"{where}.description")
            created_at = (
                parse_time(document["created_at"], f"{where}.created_at") if "created_at" in document else self.now
            )
            updated_at = (
                parse_time(document["updated_at"], f"{where}.updated_at") if "updated_at" in document else created_at
            )
            domain.watchlists[watchlist_id] = Watchlist(
                watchlist_id, domain.domain_id, name, False, created_at, updated_at, description
            )

    def load_fraudsters(self, domain: Domain, documents: t.Any, what: str) -> None:
        if documents is None:
            return
        if not isinstance(documents, list):
            raise SeedError(f"{what}: expected a list")
        by_name = {watchlist.name: watchlist.watchlist_id for watchlist in domain.watchlists.values()}
        for index, document in enumerate(documents):
            where = f"{what}[{index}]"
            document = _check_keys(document, _FRAUDSTER_KEYS, where)
            fraudster_id = document.get("generated_fraudster_id")
            if fraudster_id is None:
                fraudster_id = self.store.new_fraudster_id(domain)
            else:
                _check_string(fraudster_id, GENERATED_ID_PATTERN, f"{where}.generated_fraudster_id", 25)
                if fraudster_id in domain.fraudsters:
                    raise SeedError(f"{where}.generated_fraudster_id: duplicate fraudster id")
            references = document.get("watchlists", document.get("watchlist_ids"))
            if references is None:
                references = [domain.watchlist_id]
            if not isinstance(references, list) or not references:
                raise SeedError(
                    f"{where}.watchlists: a non-empty list of watchlist ids or names "
                    "(a fraudster belongs to at least one watchlist)"
                )
            watchlist_ids: list[str] = []
            for reference in references:
                watchlist_id = reference if reference in domain.watchlists else by_name.get(reference)
                if watchlist_id is None:
                    raise SeedError(f"{where}.watchlists: no watchlist {reference!r} in the domain")
                if watchlist_id not in watchlist_ids:
                    watchlist_ids.append(watchlist_id)
            created_at = (
                parse_time(document["created_at"], f"{where}.created_at") if "created_at" in document else self.now
            )
            domain.fraudsters[fraudster_id] = Fraudster(fraudster_id, domain.domain_id, watchlist_ids, created_at)

    def _check_capacity(self, domain: Domain, adding: int, what: str) -> None:
        if len(domain.speakers) + adding > self.store.max_speakers_per_domain:
            raise SeedError(f"{what}: a domain holds at most {self.store.max_speakers_per_domain} speakers")

    def load_speaker(self, domain: Domain, document: t.Any, what: str) -> None:
        document = _check_keys(document, _SPEAKER_KEYS, what)
        self._check_capacity(domain, 1, what)
        customer_id = _check_string(
            document.get("customer_speaker_id"), CUSTOMER_ID_PATTERN, f"{what}.customer_speaker_id"
        )
        if customer_id in domain.speakers.by_customer:
            raise SeedError(f"{what}.customer_speaker_id: duplicate customer speaker id")
        generated_id = document.get("generated_speaker_id")
        if generated_id is None:
            generated_id = self.store.new_generated_speaker_id(domain)
        else:
            _check_string(generated_id, GENERATED_ID_PATTERN, f"{what}.generated_speaker_id", 25)
            if generated_id in domain.speakers.by_generated:
                raise SeedError(f"{what}.generated_speaker_id: duplicate generated speaker id")
        status = _check_choice(document.get("status", "ENROLLED"), SPEAKER_STATUSES, f"{what}.status")
        created_at = parse_time(document["created_at"], f"{what}.created_at") if "created_at" in document else self.now
        updated_at = (
            parse_time(document["updated_at"], f"{what}.updated_at") if "updated_at" in document else created_at
        )
        if "last_accessed_at" in document:
            raw = document["last_accessed_at"]
            last_accessed = None if raw is None else hour_floor(parse_time(raw, f"{what}.last_accessed_at"))
        else:
            last_accessed = self._default_last_access(status, created_at)
        domain.speakers.add(
            Speaker(domain.domain_id, customer_id, generated_id, status, created_at, updated_at, last_accessed)
        )

    @staticmethod
    def _default_last_access(status: str, created_at: float) -> float | None:
        # Enrolled (and expired) speakers were accessed when enrolled; others never were.
        return hour_floor(created_at) if status in ("ENROLLED", "EXPIRED") else None

    def generate(self, domain: Domain, spec: t.Any, what: str) -> None:
        spec = _check_keys(spec, _GENERATE_KEYS, what)
        count = _check_int(spec.get("count"), f"{what}.count")
        self._check_capacity(domain, count, what)
        prefix = spec.get("prefix", "speaker-")
        start = _check_int(spec.get("start", 0), f"{what}.start")
        width = _check_int(spec.get("width", 0), f"{what}.width")
        statuses = spec.get("status", "ENROLLED")
        if isinstance(statuses, str):
            statuses = [statuses]
        if not isinstance(statuses, list) or not statuses:
            raise SeedError(f"{what}.status: a status or a non-empty list of statuses (cycled)")
        for status in statuses:
            _check_choice(status, SPEAKER_STATUSES, f"{what}.status")
        if not isinstance(prefix, str):
            raise SeedError(f"{what}.prefix: expected a string")
        created_at = parse_time(spec["created_at"], f"{what}.created_at") if "created_at" in spec else self.now
        if count:
            # Checking the first and the last id is enough: the rest differ only in digits.
            for number in (start, start + count - 1):
                _check_string(f"{prefix}{number:0{width}d}", CUSTOMER_ID_PATTERN, f"{what} (generated id)")
        speakers = domain.speakers
        rotation = len(statuses)
        for offset in range(count):
            customer_id = f"{prefix}{start + offset:0{width}d}"
            if customer_id in speakers.by_customer:
                raise SeedError(f"{what}: generated speaker number {start + offset} collides with an existing id")
            status = statuses[offset % rotation]
            speakers.add(
                Speaker(
                    domain.domain_id,
                    customer_id,
                    self.store.new_generated_speaker_id(domain),
                    status,
                    created_at,
                    created_at,
                    self._default_last_access(status, created_at),
                )
            )
