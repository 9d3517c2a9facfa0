# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
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
        return (self.by_seq[seq] for seq in self.order)

    def add(self, speaker: Speaker) -> None:
        speaker.seq = self.next_seq
        self.next_seq += 1
        self.by_generated[speaker.generated_speaker_id] = speaker
        if speaker.customer_speaker_id is not None:
            self.by_customer[speaker.customer_speaker_id] = speaker
        self.by_seq[speaker.seq] = speaker
        self.order.append(speaker.seq)

    def remove(self, speaker: Speaker) -> None:
        del self.by_generated[speaker.generated_speaker_id]
        if speaker.customer_speaker_id is not None:
            self.by_customer.pop(speaker.customer_speaker_id, None)
        del self.by_seq[speaker.seq]
        position = bisect.bisect_left(self.order, speaker.seq)
        del self.order[position]

    def find(self, speaker_id: str) -> Speaker | None:
        """A speaker named by either its generated id (``id#...``) or its customer id."""
        if speaker_id.startswith("id#"):
            return self.by_generated.get(speaker_id)
        return self.by_customer.get(speaker_id)

    def page(self, after_seq: int, limit: int) -> tuple[list[Speaker], bool]:
        """Up to ``limit`` speakers created after ``after_seq``, and whether more follow."""
        start = bisect.bisect_right(self.order, after_seq)
        seqs = self.order[start : start + limit]
        return [self.by_seq[seq] for seq in seqs], start + limit < len(self.order)


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
    tags: list[dict[str, str]] = dataclasses.field(default_factory=list)
    speakers: SpeakerIndex = dataclasses.field(default_factory=SpeakerIndex)
    seq: int = 0

    @property
    def arn(self) -> str:
        return f"arn:aws:voiceid:{self.region}:{self.account_id}:domain/{self.domain_id}"

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
            "region": self.region,
            "arn": self.arn,
            "kms_key_id": self.kms_key_id,
            "watchlist_id": self.watchlist_id,
            "server_side_encryption_update_details": self.sse_update_details,
            "tags": [dict(tag) for tag in self.tags],
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "speaker_count": len(self.speakers),
        }
        if include_speakers:
            document["speakers"] = [speaker.to_state() for speaker in self.speakers]
        return document


class Store:
    """All state of one emulated account. Callers hold ``lock`` around every read-modify-write."""

    def __init__(
        self,
        rng: random.Random | None = None,
        max_domains: int = DEFAULT_MAX_DOMAINS,
        max_speakers_per_domain: int = DEFAULT_MAX_SPEAKERS_PER_DOMAIN,
    ) -> None:
        self.lock = threading.RLock()
        self.rng = rng if rng is not None else random.Random()
        self.max_domains = max_domains
        self.max_speakers_per_domain = max_speakers_per_domain
        self.account_id = DEFAULT_ACCOUNT_ID
        self.default_region = DEFAULT_REGION
        self.domains: dict[str, Domain] = {}
        self.next_domain_seq = 1
        # CreateDomain idempotency: client token -> (request fingerprint, domain id)
        self.client_tokens: dict[str, tuple[str, str]] = {}

    # -- ids -------------------------------------------------------------------------------------------------

    def random_alphanumeric(self, length: int = 22) -> str:
        # Random bytes mapped onto the 62 characters (the slight bias is irrelevant here); fast for 100k ids.
        return self.rng.randbytes(length).translate(_BYTE_TO_ALPHANUMERIC).decode("ascii")

    def new_domain_id(self) -> str:
        while True:
            candidate = self.random_alphanumeric()
            if candidate not in self.domains:
                return candidate

    def new_generated_speaker_id(self, domain: Domain) -> str:
        while True:
            candidate = "id#" + self.random_alphanumeric()
            if candidate not in domain.speakers.by_generated:
                return candidate

    # -- domains ---------------------------------------------------------------------------------------------

    def add_domain(self, domain: Domain) -> Domain:
        domain.seq = self.next_domain_seq
        self.next_domain_seq += 1
        self.domains[domain.domain_id] = domain
        return domain

    def domain_page(self, after_seq: int, limit: int) -> tuple[list[Domain], bool]:
        remaining = [domain for domain in self.domains.values() if domain.seq > after_seq]
        return remaining[:limit], len(remaining) > limit

    def new_domain(
        self,
        name: str,
        region: str,
        kms_key_id: str,
        *,
        description: str | None = None,
        status: str = "ACTIVE",
        domain_id: str | None = None,
        created_at: float | None = None,
        updated_at: float | None = None,
        watchlist_id: str | None = None,
        sse_update_details: dict[str, t.Any] | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> Domain:
        """Build (not add) a domain with defaults filled in."""
        now = time.time()
        created = created_at if created_at is not None else now
        return Domain(
            domain_id=domain_id or self.new_domain_id(),
            name=name,
            status=status,
            account_id=self.account_id,
            region=region,
            kms_key_id=kms_key_id,
            watchlist_id=watchlist_id or self.random_alphanumeric(),
            created_at=created,
            updated_at=updated_at if updated_at is not None else created,
            description=description,
            sse_update_details=sse_update_details,
            tags=list(tags or []),
        )

    def default_kms_key_id(self, region: str) -> str:
        return f"arn:aws:kms:{region}:{self.account_id}:alias/voiceid-emulator"

    # -- snapshots and seeding -------------------------------------------------------------------------------

    def snapshot(self, domain_id: str | None = None, include_speakers: bool = True) -> dict[str, t.Any]:
        with self.lock:
            domains = [domain for domain in self.domains.values() if domain_id is None or domain.domain_id == domain_id]
            return {
                "account_id": self.account_id,
                "region": self.default_region,
                "domains": [domain.to_state(include_speakers) for domain in domains],
            }

    def load(self, seed: t.Mapping[str, t.Any] | None) -> None:
        """Replace all state with ``seed`` (see README.md for the format). Atomic: on SeedError nothing changes."""
        staging = Store(self.rng, self.max_domains, self.max_speakers_per_domain)
        _SeedLoader(staging).load(seed or {})
        with self.lock:
            self.account_id = staging.account_id
            self.default_region = staging.default_region
            self.domains = staging.domains
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


_TOP_KEYS = {"account_id", "region", "domains"}
_DOMAIN_KEYS = {
    "domain_id",
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
}
_SPEAKER_KEYS = {
    "customer_speaker_id",
    "generated_speaker_id",
    "status",
    "created_at",
    "updated_at",
    "last_accessed_at",
}
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


def _check_int(value: t.Any, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SeedError(f"{what}: must be an integer >= {minimum}")
    return value


class _SeedLoader:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.now = time.time()

    def load(self, seed: t.Mapping[str, t.Any]) -> None:
        _check_keys(seed, _TOP_KEYS, "seed")
        store = self.store
        if "account_id" in seed:
            account_id = seed["account_id"]
            if not isinstance(account_id, str) or len(account_id) != 12 or not account_id.isdigit():
                raise SeedError("account_id: must be a string of 12 digits")
            store.account_id = account_id
        if "region" in seed:
            store.default_region = _check_string(seed["region"], "^[a-z0-9-]+$", "region", 64)
        domains = seed.get("domains") or []
        if not isinstance(domains, list):
            raise SeedError("domains: expected a list")
        if len(domains) > store.max_domains:
            raise SeedError(f"domains: at most {store.max_domains} domains per account")
        for number, document in enumerate(domains, start=1):
            self.load_domain(document, number)

    def load_domain(self, document: t.Any, number: int) -> None:
        what = f"domains[{number - 1}]"
        document = _check_keys(document, _DOMAIN_KEYS, what)
        store = self.store
        domain_id = document.get("domain_id")
        if domain_id is not None:
            _check_string(domain_id, DOMAIN_ID_PATTERN, f"{what}.domain_id", 22)
            if domain_id in store.domains:
                raise SeedError(f"{what}.domain_id: duplicate domain id {domain_id}")
        region = document.get("region") or store.default_region
        _check_string(region, "^[a-z0-9-]+$", f"{what}.region", 64)
        description = document.get("description")
        if description is not None and (not isinstance(description, str) or not 1 <= len(description) <= 1024):
            raise SeedError(f"{what}.description: a string of 1 to 1024 characters")
        watchlist_id = document.get("watchlist_id")
        if watchlist_id is not None:
            _check_string(watchlist_id, DOMAIN_ID_PATTERN, f"{what}.watchlist_id", 22)
        kms_key_id = document.get("kms_key_id") or store.default_kms_key_id(region)
        if not isinstance(kms_key_id, str) or not 1 <= len(kms_key_id) <= 2048:
            raise SeedError(f"{what}.kms_key_id: a string of 1 to 2048 characters")
        sse = document.get("server_side_encryption_update_details", {"UpdateStatus": "COMPLETED"})
        if sse is not None:
            sse = dict(
                _check_keys(
                    sse, {"Message", "OldKmsKeyId", "UpdateStatus"}, f"{what}.server_side_encryption_update_details"
                )
            )
            if "UpdateStatus" in sse:
                _check_choice(sse["UpdateStatus"], SSE_UPDATE_STATUSES, f"{what}.UpdateStatus")
        tags = document.get("tags") or []
        if not isinstance(tags, list) or not all(
            isinstance(tag, dict) and set(tag) == {"Key", "Value"} for tag in tags
        ):
            raise SeedError(f"{what}.tags: a list of {{Key, Value}} mappings")
        created_at = parse_time(document["created_at"], f"{what}.created_at") if "created_at" in document else None
        updated_at = parse_time(document["updated_at"], f"{what}.updated_at") if "updated_at" in document else None
        domain = store.new_domain(
            name=_check_string(document.get("name", f"domain-{number}"), DOMAIN_NAME_PATTERN, f"{what}.name"),
            region=region,
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
        store.add_domain(domain)
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
