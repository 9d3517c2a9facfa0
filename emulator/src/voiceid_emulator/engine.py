# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's core, independent of HTTP: configuration, the request pipeline, recording."""

from __future__ import annotations

import collections
import copy
import dataclasses
import json
import logging
import random
import threading
import time
import typing as t
import uuid

from .auth import HeaderSource
from .auth import check_request
from .auth import verify_signature
from .errors import ApiError
from .faults import FaultInjector
from .model import IMPLEMENTED_OPERATIONS
from .model import TARGET_PREFIX
from .model import error_problems
from .model import matches_pattern
from .model import operation_names
from .model import validate_request
from .model import validate_response
from .paging import DEFAULT_TOKEN_TTL_SECONDS
from .quotas import RateLimiter
from .service import SPEAKER_WRITES
from .service import VoiceIdService
from .state import DEFAULT_MAX_DOMAINS
from .state import DEFAULT_MAX_SPEAKERS_PER_DOMAIN
from .state import DEFAULT_REGION
from .state import REGION_PATTERN
from .state import Store

LOG = logging.getLogger("voiceid_emulator")
CONTENT_TYPE = "application/x-amz-json-1.0"

CONFIG_KEYS = (
    "enforce_quotas",
    "rates",
    "latency_ms",
    "throttle_rate",
    "fault_rate",
    "random_seed",
    "rules",
    "credentials",
    "max_domains",
    "max_speakers_per_domain",
    "max_recorded_calls",
    "debug",
    "default_region",
    "kms_update_delay_seconds",
    "kms_update_failures",
    "strict",
    "next_token_ttl_seconds",
    "realism",
    "list_lag_seconds",
)
DEFAULT_LIST_LAG_SECONDS = 1.0
# Strict mode: every response is checked against the model's output shape. The emulator's own tests switch the
# default on (emulator/tests/conftest.py); the integration runner and the demo pass --strict.
DEFAULT_STRICT = False
# Every emulator bug seen in this process (a response or error the model does not allow), for test suites that
# start many emulators: they check it is empty after each test.
BUGS_SEEN: list[dict[str, t.Any]] = []
DEFAULT_KMS_UPDATE_DELAY_SECONDS = 3.0


@dataclasses.dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


def _number(value: t.Any, key: str, minimum: float = 0.0, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: expected a number")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(
            f"{key}: must be between {minimum} and {maximum}" if maximum is not None else f"{key}: must be >= {minimum}"
        )
    return float(value)


def _integer(value: t.Any, key: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key}: expected an integer >= {minimum}")
    return value


def _flag(value: t.Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false")
    return value


def normalize_config(changes: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Check a (partial) configuration; raise ValueError naming the first bad key."""
    unknown = sorted(set(changes) - set(CONFIG_KEYS))
    if unknown:
        raise ValueError(f"unknown configuration key(s): {', '.join(unknown)}")
    clean: dict[str, t.Any] = {}
    for key, value in changes.items():
        if key in ("next_token_ttl_seconds", "list_lag_seconds", "kms_update_delay_seconds", "latency_ms"):
            clean[key] = _number(value, key)
        elif key in ("enforce_quotas", "debug", "strict", "realism"):
            clean[key] = _flag(value, key)
        elif key == "rates":
            if not isinstance(value, dict):
                raise ValueError("rates: a mapping of operation name to requests per second")
            known = set(operation_names())
            rates: dict[str, float] = {}
            for operation, rate in value.items():
                if operation not in known:
                    raise ValueError(f"rates: {operation} is not a Voice ID operation")
                rates[operation] = _number(rate, f"rates.{operation}")
            clean[key] = rates
        elif key == "latency_ms":
            clean[key] = _number(value, key)
        elif key in ("throttle_rate", "fault_rate"):
            clean[key] = _number(value, key, 0.0, 1.0)
        elif key == "random_seed":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError("random_seed: an integer or null")
            clean[key] = value
        elif key == "rules":
            if not isinstance(value, list):
                raise ValueError("rules: a list of rules")
            FaultInjector(rules=value)  # raises ValueError on a bad rule
            clean[key] = list(value)
        elif key == "credentials":
            if value is not None and (
                not isinstance(value, dict)
                or not all(isinstance(akid, str) and isinstance(secret, str) and akid for akid, secret in value.items())
            ):
                raise ValueError("credentials: null (accept any key) or a mapping of access key id to secret key")
            clean[key] = None if value is None else dict(value)
        elif key in ("max_domains", "max_speakers_per_domain"):
            clean[key] = _integer(value, key, 0)
        elif key == "max_recorded_calls":
            clean[key] = None if value is None else _integer(value, key, 0)
        elif key == "default_region":
            if not isinstance(value, str) or not matches_pattern(REGION_PATTERN, value) or len(value) > 64:
                raise ValueError(f"default_region: a region name such as eu-west-2 (matching {REGION_PATTERN})")
            clean[key] = value
        elif key == "kms_update_delay_seconds":
            clean[key] = _number(value, key)
        elif key == "kms_update_failures":
            if not isinstance(value, dict) or not all(
                isinstance(kms_key, str) and kms_key and isinstance(message, str) and message
                for kms_key, message in value.items()
            ):
                raise ValueError(
                    "kms_update_failures: a mapping of KMS key id to the Message of a re-encryption to that key "
                    "that ends FAILED"
                )
            clean[key] = dict(value)
    return clean


class CallRecorder:
    def __init__(self, limit: int | None = None) -> None:
        self.lock = threading.Lock()
        self.calls: collections.deque[dict[str, t.Any]] = collections.deque(maxlen=limit)

    def set_limit(self, limit: int | None) -> None:
        with self.lock:
            self.calls = collections.deque(self.calls, maxlen=limit)

    def add(self, record: dict[str, t.Any]) -> None:
        with self.lock:
            self.calls.append(record)

    def list(self, operation: str | None = None) -> list[dict[str, t.Any]]:
        with self.lock:
            return [copy.deepcopy(call) for call in self.calls if operation is None or call["operation"] == operation]

    def clear(self) -> int:
        with self.lock:
            count = len(self.calls)
            self.calls.clear()
            return count


class VoiceIdEmulator:
    """State, configuration and request handling of one emulated account. Thread-safe."""

    def __init__(self, seed: t.Mapping[str, t.Any] | None = None, **config: t.Any) -> None:
        self.initial_seed = copy.deepcopy(dict(seed or {}))
        self.initial_config = normalize_config(config)
        self.config_lock = threading.Lock()
        self.config: dict[str, t.Any] = {}
        self.store = Store()
        self.service = VoiceIdService(self.store)
        self.limiter = RateLimiter()
        self.injector = FaultInjector()
        self.recorder = CallRecorder()
        self.bugs_lock = threading.Lock()
        self.bugs: list[dict[str, t.Any]] = []
        self.reset()

    # -- configuration and control ---------------------------------------------------------------------------

    @staticmethod
    def default_config() -> dict[str, t.Any]:
        return {
            "enforce_quotas": False,
            "rates": {},
            "latency_ms": 0.0,
            "throttle_rate": 0.0,
            "fault_rate": 0.0,
            "random_seed": None,
            "rules": [],
            "credentials": None,
            "max_domains": DEFAULT_MAX_DOMAINS,
            "max_speakers_per_domain": DEFAULT_MAX_SPEAKERS_PER_DOMAIN,
            "max_recorded_calls": None,
            "debug": False,
            "default_region": DEFAULT_REGION,
            "kms_update_delay_seconds": DEFAULT_KMS_UPDATE_DELAY_SECONDS,
            "kms_update_failures": {},
            "strict": DEFAULT_STRICT,
            "next_token_ttl_seconds": DEFAULT_TOKEN_TTL_SECONDS,
            "realism": False,
            "list_lag_seconds": DEFAULT_LIST_LAG_SECONDS,
        }

    def configure(self, changes: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Apply a partial configuration (all keys are checked before any is applied); return the result."""
        clean = normalize_config(changes)
        with self.config_lock:
            self.config.update(clean)
            config = self.config
            if "rates" in clean:
                self.limiter.set_rates(config["rates"])
            if "enforce_quotas" in clean:
                self.limiter.reset()
            if "throttle_rate" in clean:
                self.injector.throttle_rate = config["throttle_rate"]
            if "fault_rate" in clean:
                self.injector.fault_rate = config["fault_rate"]
            if "random_seed" in clean:
                seed_value = config["random_seed"]
                self.injector.reseed(seed_value)
                with self.store.lock:
                    self.store.rng = random.Random(f"ids:{seed_value}") if seed_value is not None else random.Random()
            if "rules" in clean:
                self.injector.set_rules(config["rules"])
            if "max_domains" in clean:
                self.store.max_domains = config["max_domains"]
            if "max_speakers_per_domain" in clean:
                self.store.max_speakers_per_domain = config["max_speakers_per_domain"]
            if "default_region" in clean:
                with self.store.lock:
                    self.store.configured_region = config["default_region"]
            if "kms_update_delay_seconds" in clean:
                with self.store.lock:
                    self.store.kms_update_delay = config["kms_update_delay_seconds"]
            if "kms_update_failures" in clean:
                with self.store.lock:
                    self.store.kms_update_failures = dict(config["kms_update_failures"])
            if "realism" in clean or "list_lag_seconds" in clean:
                lag = config.get("list_lag_seconds", DEFAULT_LIST_LAG_SECONDS) if config.get("realism") else 0.0
                with self.store.lock:
                    self.store.list_lag = lag
            if "next_token_ttl_seconds" in clean:
                self.service.tokens.ttl_seconds = config["next_token_ttl_seconds"]
            if "max_recorded_calls" in clean:
                self.recorder.set_limit(config["max_recorded_calls"])
            if "debug" in clean:
                LOG.setLevel(logging.DEBUG if config["debug"] else logging.WARNING)
        return self.config_view()

    def config_view(self) -> dict[str, t.Any]:
        """The configuration as JSON; secrets are not shown, and rules carry their match counts."""
        with self.config_lock:
            view = copy.deepcopy({key: value for key, value in self.config.items() if key != "credentials"})
            credentials = self.config["credentials"]
        view["credentials"] = None if credentials is None else {akid: "***" for akid in credentials}
        view["rules"] = self.injector.rule_states()
        view["effective_rates"] = dict(self.limiter.rates)
        return view

    def load_seed(self, seed: t.Mapping[str, t.Any] | None) -> dict[str, int]:
        """Replace the state with ``seed``; return counts. Raises SeedError (a ValueError)."""
        self.store.load(seed)
        with self.store.lock:
            return {
                "domains": len(self.store.domains),
                "speakers": sum(len(domain.speakers) for domain in self.store.domains.values()),
            }

    def reset(self) -> None:
        """Back to the state and configuration given at construction; calls cleared, quota buckets full."""
        with self.config_lock:
            self.config = {}
        self.injector = FaultInjector()
        self.limiter = RateLimiter()
        self.configure({**self.default_config(), **self.initial_config})
        self.store.load(self.initial_seed)
        self.recorder.clear()

    def state(
        self,
        domain_id: str | None = None,
        include_speakers: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, t.Any]:
        return self.store.snapshot(domain_id, include_speakers, account_id, region)

    # -- request handling ------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: HeaderSource, body: bytes) -> Response:
        """Answer one API request (anything but the control paths)."""
        request_id = str(uuid.uuid4())
        started = time.time()
        record: dict[str, t.Any] = {
            "request_id": request_id,
            "timestamp": started,
            "operation": None,
            "params": None,
            "region": None,
            "access_key_id": None,
            "account_id": None,
            "status": None,
            "error_code": None,
        }
        with self.config_lock:
            strict = self.config["strict"]
        try:
            status, document = 200, self._dispatch(method, path, headers, body, record)
            operation = record["operation"]
            problems = validate_response(operation, document) if strict else []
            if problems:
                status, document = self._bug(record, f"the {operation} response breaks its output shape", problems)
        except ApiError as error:
            status, document = error.status, error.body()
            record["error_code"] = error.code
            reached = record["operation"] if record["operation"] in operation_names() else None
            problems = error_problems(reached, error.code, error.extra)
            if problems:
                status, document = self._bug(record, f"the emulator answered {error.code}", problems)
        except Exception:
            LOG.exception("internal error while handling %s", record["operation"])
            fault = ApiError("InternalServerException")
            status, document = fault.status, fault.body()
            record["error_code"] = fault.code
        record["status"] = status
        record["duration_ms"] = round((time.time() - started) * 1000.0, 3)
        self.recorder.add(record)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug(
                "%s %s -> %s %s", record["operation"], json.dumps(record["params"]), status, record["error_code"] or ""
            )
        payload = json.dumps(document, separators=(",", ":")).encode("utf-8")
        return Response(status, payload, {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id})

    def _bug(self, record: dict[str, t.Any], what: str, problems: t.Sequence[str]) -> tuple[int, dict[str, t.Any]]:
        """A response the model does not allow is an emulator bug: say so loudly, answer 500, remember it."""
        bug = {
            "request_id": record["request_id"],
            "operation": record["operation"],
            "what": what,
            "problems": list(problems),
        }
        LOG.error("EMULATOR BUG (%s): %s: %s", record["request_id"], what, "; ".join(problems))
        with self.bugs_lock:
            self.bugs.append(bug)
        BUGS_SEEN.append(bug)
        record["emulator_bug"] = f"{what}: {'; '.join(problems)}"
        fault = ApiError("InternalServerException", "The Voice ID emulator has a bug; see its log.")
        record["error_code"] = fault.code
        return fault.status, fault.body()

    def refuse(self, headers: HeaderSource, error: ApiError) -> Response:
        """Answer (and record) a request refused before its body was read."""
        request_id = str(uuid.uuid4())
        target = str(headers.get("X-Amz-Target") or "")
        prefix, dot, operation = target.partition(".")
        self.recorder.add(
            {
                "request_id": request_id,
                "timestamp": time.time(),
                "operation": operation if prefix == TARGET_PREFIX and dot else (target or None),
                "params": None,
                "region": None,
                "access_key_id": None,
                "account_id": None,
                "status": error.status,
                "error_code": error.code,
                "duration_ms": 0.0,
            }
        )
        payload = json.dumps(error.body(), separators=(",", ":")).encode("utf-8")
        return Response(error.status, payload, {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id})

    def bug_reports(self) -> list[dict[str, t.Any]]:
        with self.bugs_lock:
            return copy.deepcopy(self.bugs)

    def _dispatch(
        self, method: str, path: str, headers: HeaderSource, body: bytes, record: dict[str, t.Any]
    ) -> dict[str, t.Any]:
        target = str(headers.get("X-Amz-Target") or "")
        prefix, dot, operation = target.partition(".")
        record["operation"] = operation if prefix == TARGET_PREFIX and dot else (target or None)
        params, parse_error = _parse_body(body)
        record["params"] = params if parse_error is None else None

        auth = check_request(headers)
        record["access_key_id"] = auth.access_key_id
        record["region"] = auth.region
        with self.store.lock:
            account_id = self.store.account_for(auth.access_key_id)
        record["account_id"] = account_id
        scope = (account_id, auth.region)
        with self.config_lock:
            credentials = self.config["credentials"]
            enforce_quotas = self.config["enforce_quotas"]
            latency_ms = self.config["latency_ms"]
            realism = self.config["realism"]
        if credentials is not None:
            verify_signature(auth, headers, method, path, body, credentials)

        if method != "POST" or prefix != TARGET_PREFIX or not dot or operation not in IMPLEMENTED_OPERATIONS:
            if method == "POST" and prefix == TARGET_PREFIX and operation in operation_names():
                message = f"Operation {operation} is not implemented by the Voice ID emulator."
            else:
                message = f"Operation {target or '(no X-Amz-Target)'} is not supported by this service."
            raise ApiError("UnknownOperationException", message)
        if parse_error is not None:
            raise ApiError("SerializationException", parse_error)

        if enforce_quotas and not self.limiter.allow(account_id, auth.region, operation):
            raise ApiError("ThrottlingException", "Rate exceeded")
        # Realism: a write to a speaker is in flight for its whole latency, and a second write to the same
        # speaker arriving meanwhile answers ConflictException CONCURRENT_CHANGES.
        write_window = realism and operation in SPEAKER_WRITES
        if latency_ms > 0 and not write_window:
            time.sleep(latency_ms / 1000.0)
        validate_request(operation, params)
        injected = self.injector.pick(operation, params, lambda: self.service.speaker_aliases(scope, params))
        if injected is not None:
            raise injected
        if write_window:
            with self.service.speaker_write(scope, params):
                if latency_ms > 0:
                    time.sleep(latency_ms / 1000.0)
                return self.service.call(operation, scope, params)
        return self.service.call(operation, scope, params)


# The deepest nesting any Voice ID request needs is 4 (CreateDomain: Tags -> list -> Tag -> Key); a body nested
# deeper than this is refused as unreadable before anything recurses over it. AWS documents no limit.
MAX_JSON_DEPTH = 32


def _reject_constant(name: str) -> t.Any:
    raise ValueError(f"{name} is not valid JSON")


def _depth_exceeds(document: t.Any, limit: int) -> bool:
    """Whether ``document`` nests containers deeper than ``limit`` (iterative: no recursion)."""
    stack: list[tuple[t.Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: t.Iterable[t.Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _parse_body(body: bytes) -> tuple[dict[str, t.Any], str | None]:
    """The request document, or the reason it cannot be read (answered as SerializationException)."""
    if not body.strip():
        return {}, None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}, "The request body is not valid UTF-8."
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return {}, f"The request body nests deeper than {MAX_JSON_DEPTH} levels."
    except ValueError as exc:
        return {}, f"Unable to parse the request body as JSON: {exc}"
    if not isinstance(document, dict):
        return {}, "The request body must be a JSON object."
    if _depth_exceeds(document, MAX_JSON_DEPTH):
        return {}, f"The request body nests deeper than {MAX_JSON_DEPTH} levels."
    return document, None
