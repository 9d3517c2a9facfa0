# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seed loader: a seed document (JSON or YAML, see README.md) checked and loaded into a store, atomically."""

from __future__ import annotations

import datetime
import json
import pathlib
import time
import typing as t

from .entities import ACCOUNT_ID_PATTERN
from .entities import CUSTOMER_ID_PATTERN
from .entities import DOMAIN_ID_PATTERN
from .entities import DOMAIN_NAME_PATTERN
from .entities import DOMAIN_STATUSES
from .entities import GENERATED_ID_PATTERN
from .entities import MAX_TAGS
from .entities import REGION_PATTERN
from .entities import SPEAKER_STATUSES
from .entities import SSE_UPDATE_STATUSES
from .entities import WATCHLIST_NAME_PATTERN
from .entities import Domain
from .entities import Fraudster
from .entities import Speaker
from .entities import Watchlist
from .model import matches_pattern
from .model import service_model
from .model import validation_errors
from .store import Store


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
    if len(tags) > MAX_TAGS:
        raise SeedError(f"{what}: at most {MAX_TAGS} tags")
    return tags


def _check_sse(value: t.Any, what: str) -> dict[str, t.Any] | None:
    if value is None:
        return None
    where = f"{what}.server_side_encryption_update_details"
    sse = dict(_check_keys(value, {"Message", "OldKmsKeyId", "UpdateStatus"}, where))
    if "UpdateStatus" in sse:
        _check_choice(sse["UpdateStatus"], SSE_UPDATE_STATUSES, f"{what}.UpdateStatus")
    _check_shape(sse, "ServerSideEncryptionUpdateDetails", where)
    return sse


def _list(value: t.Any, what: str) -> list[t.Any]:
    if not isinstance(value, list):
        raise SeedError(f"{what}: expected a list")
    return value


def _time(document: t.Mapping[str, t.Any], key: str, what: str, default: float | None) -> t.Any:
    """The time ``document[key]`` (epoch seconds or ISO 8601), or ``default`` without that key."""
    return parse_time(document[key], f"{what}.{key}") if key in document else default


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
        for number, document in enumerate(_list(seed.get("domains") or [], "domains"), start=1):
            self.load_domain(document, number)
        # Soft-deleted domains (the state view's deleted_domains), so that a snapshot can be seeded back.
        for number, document in enumerate(_list(seed.get("deleted_domains") or [], "deleted_domains"), start=1):
            domain = self.load_domain(document, number, "deleted_domains")
            moment = document.get("deleted_at")
            store.delete_domain(
                domain, self.now if moment is None else parse_time(moment, f"deleted_domains[{number - 1}].deleted_at")
            )

    def load_domain(self, document: t.Any, number: int, section: str = "domains") -> Domain:
        what = f"{section}[{number - 1}]"
        document = _check_keys(document, _DOMAIN_KEYS, what)
        store = self.store
        domain_id, account_id, region = self._domain_place(document, what, section)
        description = document.get("description")
        if description is not None:
            _check_shape(description, "Description", f"{what}.description")
        watchlist_id = document.get("watchlist_id")
        if watchlist_id is not None:
            _check_string(watchlist_id, DOMAIN_ID_PATTERN, f"{what}.watchlist_id", 22)
        kms_key_id = document.get("kms_key_id") or store.default_kms_key_id(account_id, region)
        _check_shape(kms_key_id, "KmsKeyId", f"{what}.kms_key_id")
        sse = _check_sse(document.get("server_side_encryption_update_details", {"UpdateStatus": "COMPLETED"}), what)
        tags = _check_tags(document.get("tags"), f"{what}.tags")
        created_at = _time(document, "created_at", what, None)
        updated_at = _time(document, "updated_at", what, None)
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
        self.load_contents(domain, document, what)
        return domain

    def _domain_place(self, document: t.Mapping[str, t.Any], what: str, section: str) -> tuple[str | None, str, str]:
        """The domain's id (None: a new one), account and region, checked; a live domain also against the quota."""
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
        return domain_id, account_id, region

    def load_contents(self, domain: Domain, document: t.Mapping[str, t.Any], what: str) -> None:
        """The domain's watchlists, fraudsters, listed speakers and generated speakers."""
        self.load_watchlists(domain, document.get("watchlists"), f"{what}.watchlists")
        self.load_fraudsters(domain, document.get("fraudsters"), f"{what}.fraudsters")
        for index, speaker in enumerate(_list(document.get("speakers") or [], f"{what}.speakers")):
            self.load_speaker(domain, speaker, f"{what}.speakers[{index}]")
        generate = document.get("generate") or []
        if isinstance(generate, dict):
            generate = [generate]
        for index, spec in enumerate(_list(generate, f"{what}.generate")):
            self.generate(domain, spec, f"{what}.generate[{index}]")

    def load_watchlists(self, domain: Domain, documents: t.Any, what: str) -> None:
        if documents is None:
            return
        names = {watchlist.name for watchlist in domain.watchlists.values()}
        for index, document in enumerate(_list(documents, what)):
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
            if len(domain.watchlists) >= self.store.max_watchlists_per_domain:
                raise SeedError(
                    f"{where}: a domain holds at most {self.store.max_watchlists_per_domain} watchlists, "
                    "its default watchlist included"
                )
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
            created_at = _time(document, "created_at", where, self.now)
            updated_at = _time(document, "updated_at", where, created_at)
            domain.add_watchlist(
                Watchlist(watchlist_id, domain.domain_id, name, False, created_at, updated_at, description)
            )

    def load_fraudsters(self, domain: Domain, documents: t.Any, what: str) -> None:
        if documents is None:
            return
        by_name = {watchlist.name: watchlist.watchlist_id for watchlist in domain.watchlists.values()}
        for index, document in enumerate(_list(documents, what)):
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
            self._check_memberships(domain, watchlist_ids, where)
            created_at = _time(document, "created_at", where, self.now)
            domain.add_fraudster(Fraudster(fraudster_id, domain.domain_id, watchlist_ids, created_at))

    def _check_memberships(self, domain: Domain, watchlist_ids: list[str], where: str) -> None:
        """The watchlists-per-fraudster and fraudsters-per-watchlist quotas, for one more fraudster."""
        store = self.store
        if len(watchlist_ids) > store.max_watchlists_per_fraudster:
            raise SeedError(
                f"{where}.watchlists: a fraudster belongs to at most {store.max_watchlists_per_fraudster} watchlists"
            )
        for watchlist_id in watchlist_ids:
            members = sum(watchlist_id in fraudster.watchlist_ids for fraudster in domain.fraudsters.values())
            if members >= store.max_fraudsters_per_watchlist:
                raise SeedError(
                    f"{where}.watchlists: watchlist {domain.watchlists[watchlist_id].name} already holds the "
                    f"maximum of {store.max_fraudsters_per_watchlist} fraudsters"
                )

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
        created_at = _time(document, "created_at", what, self.now)
        updated_at = _time(document, "updated_at", what, created_at)
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
        created_at = _time(spec, "created_at", what, self.now)
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


def load_seed(store: Store, seed: t.Mapping[str, t.Any] | None) -> None:
    """Replace all state of ``store`` with ``seed``. Atomic: on SeedError nothing changes."""
    staging = store.staging()
    _SeedLoader(staging).load(seed or {})
    store.replace_with(staging)
