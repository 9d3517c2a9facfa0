# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's core, independent of HTTP: applying the configuration, the request pipeline, recording."""

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
from .config import SETTINGS
from .config import check_config
from .config import default_config
from .errors import ApiError
from .faults import FaultInjector
from .faults import Injection
from .model import IMPLEMENTED_OPERATIONS
from .model import TARGET_PREFIX
from .model import error_problems
from .model import operation_names
from .model import validate_request
from .model import validate_response
from .quotas import RateLimiter
from .seed import load_seed
from .service import WRITES
from .service import VoiceIdService
from .store import Store

LOG = logging.getLogger("voiceid_emulator")
CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclasses.dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    delay_seconds: float = 0.0  # a "late" answer: sent this many seconds after the call was carried out
    reset: bool = False  # a "reset" answer: the connection is closed without any answer


@dataclasses.dataclass
class _Call:
    """What the fault rules did to one call (filled in by _dispatch, used by handle)."""

    injection: Injection | None = None
    scope: tuple[str, str] | None = None
    params: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    delay_seconds: float = 0.0
    reset: bool = False


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
        self.initial_config = check_config(config)
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

    def configure(self, changes: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Apply a partial configuration (all keys are checked before any is applied); return the result."""
        clean = check_config(changes)
        with self.config_lock:
            self.config.update(clean)
            # Each key names (config.py) the method that puts it into effect; keys sharing one run it once.
            appliers = dict.fromkeys(SETTINGS[key].applies for key in self.config if key in clean)
            for name in appliers:
                if name is not None:
                    getattr(self, name)(self.config)
        return self.config_view()

    # Called with the config lock held, by configure(), with the whole (updated) configuration.

    def _apply_rates(self, config: dict[str, t.Any]) -> None:
        self.limiter.set_rates(config["rates"])

    def _apply_enforce_quotas(self, config: dict[str, t.Any]) -> None:
        self.limiter.reset()

    def _apply_throttle_rate(self, config: dict[str, t.Any]) -> None:
        self.injector.throttle_rate = config["throttle_rate"]

    def _apply_fault_rate(self, config: dict[str, t.Any]) -> None:
        self.injector.fault_rate = config["fault_rate"]

    def _apply_random_seed(self, config: dict[str, t.Any]) -> None:
        seed_value = config["random_seed"]
        self.injector.reseed(seed_value)
        with self.store.lock:
            self.store.rng = random.Random(f"ids:{seed_value}") if seed_value is not None else random.Random()

    def _apply_rules(self, config: dict[str, t.Any]) -> None:
        self.injector.set_rules(config["rules"])

    def _apply_max_domains(self, config: dict[str, t.Any]) -> None:
        self.store.max_domains = config["max_domains"]

    def _apply_max_speakers_per_domain(self, config: dict[str, t.Any]) -> None:
        self.store.max_speakers_per_domain = config["max_speakers_per_domain"]

    def _apply_watchlist_quotas(self, config: dict[str, t.Any]) -> None:
        with self.store.lock:
            self.store.max_watchlists_per_domain = config["max_watchlists_per_domain"]
            self.store.max_fraudsters_per_watchlist = config["max_fraudsters_per_watchlist"]
            self.store.max_watchlists_per_fraudster = config["max_watchlists_per_fraudster"]

    def _apply_default_region(self, config: dict[str, t.Any]) -> None:
        with self.store.lock:
            self.store.configured_region = config["default_region"]

    def _apply_kms_update_delay_seconds(self, config: dict[str, t.Any]) -> None:
        with self.store.lock:
            self.store.kms_update_delay = config["kms_update_delay_seconds"]

    def _apply_kms_update_failures(self, config: dict[str, t.Any]) -> None:
        with self.store.lock:
            self.store.kms_update_failures = dict(config["kms_update_failures"])

    def _apply_list_lag(self, config: dict[str, t.Any]) -> None:
        lag = config["list_lag_seconds"] if config["realism"] else 0.0
        with self.store.lock:
            self.store.list_lag = lag

    def _apply_next_token_ttl_seconds(self, config: dict[str, t.Any]) -> None:
        self.service.pager.tokens.ttl_seconds = config["next_token_ttl_seconds"]

    def _apply_max_recorded_calls(self, config: dict[str, t.Any]) -> None:
        self.recorder.set_limit(config["max_recorded_calls"])

    def _apply_debug(self, config: dict[str, t.Any]) -> None:
        LOG.setLevel(logging.DEBUG if config["debug"] else logging.WARNING)

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
        load_seed(self.store, seed)
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
        self.configure({**default_config(), **self.initial_config})
        load_seed(self.store, self.initial_seed)
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
            "rule": None,
            "answer": None,
        }
        with self.config_lock:
            strict = self.config["strict"]
        call = _Call()
        try:
            status, document = 200, self._dispatch(method, path, headers, body, record, call)
            operation = record["operation"]
            problems = validate_response(operation, document) if strict else []
            if problems:
                status, document = self._bug(record, f"the {operation} response breaks its output shape", problems)
            elif call.injection is not None:
                # A deliberate break of a correct answer: after the strict check, so it is never an emulator bug.
                document = self._break_answer(call, operation, document, record)
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
        if call.injection is not None and call.injection.rule.then_delete is not None:
            record["then_deleted"] = self._then_delete(call.injection.rule.then_delete)
        record["status"] = None if call.reset else status
        record["duration_ms"] = round((time.time() - started) * 1000.0, 3)
        self.recorder.add(record)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug(
                "%s %s -> %s %s", record["operation"], json.dumps(record["params"]), status, record["error_code"] or ""
            )
        payload = json.dumps(document, separators=(",", ":")).encode("utf-8")
        headers_out = {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id}
        return Response(status, payload, headers_out, delay_seconds=call.delay_seconds, reset=call.reset)

    def _break_answer(
        self, call: _Call, operation: str, document: dict[str, t.Any], record: dict[str, t.Any]
    ) -> dict[str, t.Any]:
        """The answer a rule gives to a call it let be carried out (README "Fault rules")."""
        assert call.injection is not None
        rule = call.injection.rule
        record["answer"] = rule.answer
        if rule.answer == "carried_out":
            raise rule.error(operation)
        if rule.answer == "reset":
            call.reset = True
        elif rule.answer == "late":
            call.delay_seconds = record["delay_seconds"] = t.cast(float, rule.delay_seconds)
        elif rule.answer == "omit":
            record["omitted"] = list(rule.omit or ())
            return {key: value for key, value in document.items() if key not in record["omitted"]}
        elif rule.answer == "repeat_token":
            # The request's own token again; on a first page, a token that resumes at the start (position 0).
            token = call.params.get("NextToken") or self.service.pager.tokens.encode(
                operation, t.cast(tuple[str, str], call.scope), call.params, 0
            )
            return {**document, "NextToken": token}
        return document

    def _then_delete(self, target: t.Mapping[str, str]) -> dict[str, t.Any]:
        """Delete a domain, speaker or fraudster as another writer would; what was deleted, for the call record."""
        now = time.time()
        with self.store.lock:
            domain = self.store.domains.get(target["domain_id"])
            if domain is not None and "speaker_id" not in target and "fraudster_id" not in target:
                with domain.lock:
                    self.store.delete_domain(domain, now)
                return {**target, "deleted": True}
            lag = self.store.list_lag
        if domain is None:
            return {**target, "deleted": False}
        with domain.lock:
            if "fraudster_id" in target:
                return {**target, "deleted": domain.fraudsters.pop(target["fraudster_id"], None) is not None}
            speaker = domain.speakers.find(target["speaker_id"])
            if speaker is not None:
                domain.speakers.remove(speaker, now, lag)
        return {**target, "deleted": speaker is not None}

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
        record["emulator_bug"] = f"{what}: {'; '.join(problems)}"
        fault = ApiError("InternalServerException", "The Voice ID emulator has a bug; see its log.")
        record["error_code"] = fault.code
        return fault.status, fault.body()

    def refuse(self, headers: HeaderSource, error: ApiError) -> Response:
        """Answer (and record) a request refused before its body was read."""
        request_id = str(uuid.uuid4())
        target = str(headers.get("X-Amz-Target") or "")
        self.recorder.add(
            {
                "request_id": request_id,
                "timestamp": time.time(),
                "operation": _recorded_operation(target),
                "params": None,
                "region": None,
                "access_key_id": None,
                "account_id": None,
                "status": error.status,
                "error_code": error.code,
                "rule": None,
                "answer": None,
                "duration_ms": 0.0,
            }
        )
        payload = json.dumps(error.body(), separators=(",", ":")).encode("utf-8")
        return Response(error.status, payload, {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id})

    def bug_reports(self) -> list[dict[str, t.Any]]:
        with self.bugs_lock:
            return copy.deepcopy(self.bugs)

    def _dispatch(
        self, method: str, path: str, headers: HeaderSource, body: bytes, record: dict[str, t.Any], call: _Call
    ) -> dict[str, t.Any]:
        target = str(headers.get("X-Amz-Target") or "")
        record["operation"] = _recorded_operation(target)
        params, parse_error = _parse_body(body)
        record["params"] = params if parse_error is None else None
        with self.config_lock:
            credentials = self.config["credentials"]
            enforce_quotas = self.config["enforce_quotas"]
            latency_ms = self.config["latency_ms"]
            realism = self.config["realism"]
        scope = self._authenticate(method, path, headers, body, record, credentials)
        operation = _check_operation(method, target, parse_error)
        if enforce_quotas and not self.limiter.allow(*scope, operation):
            raise ApiError("ThrottlingException", "Rate exceeded")
        # Realism: a write to a speaker, watchlist or fraudster is in flight for its whole latency, and a second
        # write to the same one arriving meanwhile answers ConflictException CONCURRENT_CHANGES.
        write_window = realism and operation in WRITES
        if not write_window:
            _sleep_ms(latency_ms)
        validate_request(operation, params)
        injection = self.injector.pick(operation, params, lambda: self.service.speaker_aliases(scope, params))
        call.injection, call.scope, call.params = injection, scope, params
        if injection is not None:
            record["rule"] = injection.index
            if injection.rule.answer == "error":
                record["answer"] = "error" if injection.index is not None else None
                raise injection.rule.error(operation)
        if not write_window:
            return self.service.call(operation, scope, params)
        with self.service.write(scope, operation, params):
            _sleep_ms(latency_ms)
            return self.service.call(operation, scope, params)

    def _authenticate(
        self,
        method: str,
        path: str,
        headers: HeaderSource,
        body: bytes,
        record: dict[str, t.Any],
        credentials: t.Mapping[str, str] | None,
    ) -> tuple[str, str]:
        """The request's (account, region) from its SigV4 header; its signature checked when keys are configured."""
        auth = check_request(headers)
        record["access_key_id"] = auth.access_key_id
        record["region"] = auth.region
        with self.store.lock:
            account_id = self.store.account_for(auth.access_key_id)
        record["account_id"] = account_id
        if credentials is not None:
            verify_signature(auth, headers, method, path, body, credentials)
        return account_id, auth.region


def _recorded_operation(target: str) -> str | None:
    """The operation a call is recorded under: the name after "VoiceID.", else the whole X-Amz-Target."""
    prefix, dot, operation = target.partition(".")
    return operation if prefix == TARGET_PREFIX and dot else (target or None)


def _check_operation(method: str, target: str, parse_error: str | None) -> str:
    """The operation; UnknownOperationException unless the request is a POST of an operation the emulator
    answers, then SerializationException if its body could not be read."""
    prefix, dot, operation = target.partition(".")
    if method != "POST" or prefix != TARGET_PREFIX or not dot or operation not in IMPLEMENTED_OPERATIONS:
        if method == "POST" and prefix == TARGET_PREFIX and operation in operation_names():
            message = f"Operation {operation} is not implemented by the Voice ID emulator."
        else:
            message = f"Operation {target or '(no X-Amz-Target)'} is not supported by this service."
        raise ApiError("UnknownOperationException", message)
    if parse_error is not None:
        raise ApiError("SerializationException", parse_error)
    return operation


def _sleep_ms(latency_ms: float) -> None:
    if latency_ms > 0:
        time.sleep(latency_ms / 1000.0)


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
