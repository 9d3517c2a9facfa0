# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: random throttles and internal errors, and targeted rules."""

from __future__ import annotations

import dataclasses
import random
import threading
import typing as t

from .errors import ERROR_STATUS
from .errors import ApiError
from .model import IMPLEMENTED_OPERATIONS
from .model import conflict_types
from .model import error_problems
from .model import input_members
from .model import output_members
from .model import resource_types

_RULE_KEYS = {
    "code",
    "operation",
    "speaker_id",
    "domain_id",
    "fraudster_id",
    "watchlist_id",
    "times",
    "message",
    "conflict_type",
    "resource_type",
    "status",
    "skip",
    "every",
    "answer",
    "delay_seconds",
    "omit",
    "then_delete",
}
# How a rule answers the calls it applies to (README "Fault rules"). "error" is not carried out; every other
# answer is given after the operation was carried out (if the operation itself fails, its own error is answered).
ANSWERS = ("error", "carried_out", "reset", "late", "omit", "repeat_token", "ok")
ERROR_ANSWERS = frozenset({"error", "carried_out"})  # the answers that give `code`
_ERROR_KEYS = ("message", "conflict_type", "resource_type", "status")  # details of `code`
MAX_DELAY_SECONDS = 600.0
# The input member that names each resource type: a ResourceNotFoundException of that type is possible only in
# an operation that takes it (ResourceArn names a domain: tags live on domains).
_RESOURCE_MEMBERS: dict[str, tuple[str, ...]] = {
    "DOMAIN": ("DomainId", "ResourceArn"),
    "SPEAKER": ("SpeakerId",),
    "WATCHLIST": ("WatchlistId",),
    "FRAUDSTER": ("FraudsterId",),
    "BATCH_JOB": ("JobId",),
    "SESSION": ("SessionNameOrId",),
}


def _optional_str(document: t.Mapping[str, t.Any], key: str) -> str | None:
    value = document.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"rule.{key}: expected a string")
    return value


def _default_resource_type(operation: str) -> str:
    members = input_members(operation)
    for resource_type in ("SPEAKER", "FRAUDSTER", "WATCHLIST", "DOMAIN"):
        if any(member in members for member in _RESOURCE_MEMBERS[resource_type]):
            return resource_type
    return "DOMAIN"


def _possible_resource_types(operation: str) -> set[str]:
    members = input_members(operation)
    possible = {kind for kind, names in _RESOURCE_MEMBERS.items() if any(name in members for name in names)}
    return possible or set(resource_types())


# The criteria that name a resource, and the input member each one matches.
CRITERIA: dict[str, str] = {
    "speaker_id": "SpeakerId",
    "domain_id": "DomainId",
    "fraudster_id": "FraudsterId",
    "watchlist_id": "WatchlistId",
}


def rule_operations(operation: str | None, criteria: t.Mapping[str, str | None]) -> list[str]:
    """The implemented operations a rule with these criteria (``CRITERIA`` keys) can match."""
    candidates = [operation] if operation is not None else list(IMPLEMENTED_OPERATIONS)
    for key, value in criteria.items():
        if value is not None:
            candidates = [name for name in candidates if CRITERIA[key] in input_members(name)]
    return candidates


@dataclasses.dataclass
class FaultRule:
    """Answer the calls matching every given criterion as ``answer`` says (README "Fault rules").

    ``skip`` lets the first N matching calls through untouched, ``every`` applies the rule to every N-th
    matching call only, ``times`` limits how often it applies. ``answer`` "error" answers ``code`` instead of
    carrying the call out (the rule's only answer before these keys existed); the others carry it out first.

    A rule is refused unless the service could answer it: ``code`` must be an error the model lists for every
    operation the rule can match (or a protocol error), ``conflict_type`` only with ConflictException and one
    of the model's ConflictType values, ``resource_type`` only with ResourceNotFoundException and a resource the
    operation names, ``status`` only the documented status of the code; ``omit`` only members of the output of
    every operation the rule can match, "repeat_token" only list operations.
    """

    code: str | None = None
    operation: str | None = None
    speaker_id: str | None = None
    domain_id: str | None = None
    fraudster_id: str | None = None
    watchlist_id: str | None = None
    times: int | None = None
    message: str | None = None
    conflict_type: str | None = None
    resource_type: str | None = None
    status: int | None = None
    skip: int = 0
    every: int = 1
    answer: str = "error"
    delay_seconds: float | None = None
    omit: list[str] | None = None
    then_delete: dict[str, str] | None = None
    seen: int = 0  # matching calls, including those let through (skip, every)
    matched: int = 0  # calls the rule applied to

    @classmethod
    def from_mapping(cls, document: t.Any) -> FaultRule:
        if isinstance(document, FaultRule):
            return dataclasses.replace(document, seen=0, matched=0)
        if not isinstance(document, dict):
            raise ValueError("a rule is a mapping")
        unknown = sorted(set(document) - _RULE_KEYS)
        if unknown:
            raise ValueError(f"rule: unknown key(s) {', '.join(unknown)}")
        answer = _check_answer(document)
        code = _check_code(document.get("code")) if answer in ERROR_ANSWERS else None
        operation, criteria, operations = _check_target(document)
        rule = cls(
            code=code,
            operation=operation,
            speaker_id=criteria["speaker_id"],
            domain_id=criteria["domain_id"],
            fraudster_id=criteria["fraudster_id"],
            watchlist_id=criteria["watchlist_id"],
            times=_count(document, "times", 0, None),
            skip=_count(document, "skip", 0, 0),
            every=_count(document, "every", 1, 1),
            answer=answer,
            delay_seconds=_check_delay(document, answer),
            omit=_check_omit(document, answer, operations),
            then_delete=_check_then_delete(document.get("then_delete")),
        )
        if code is not None:
            rule.set_error_details(document)
        if answer == "repeat_token":
            _check_listings(operations)
        for name in operations:
            rule.check_possible(name)
        return rule

    def set_error_details(self, document: t.Mapping[str, t.Any]) -> None:
        """status, conflict_type, resource_type and message of a rule that answers ``code``."""
        code = t.cast(str, self.code)
        status = document.get("status")
        if status is not None and status != ERROR_STATUS[code]:
            raise ValueError(
                f"rule.status: {code} answers HTTP {ERROR_STATUS[code]} (Voice ID API reference); omit status"
            )
        self.status = status
        self.conflict_type = _check_detail(document, "conflict_type", code, "ConflictException", conflict_types())
        self.resource_type = _check_detail(
            document, "resource_type", code, "ResourceNotFoundException", resource_types()
        )
        self.message = _optional_str(document, "message")

    def check_possible(self, name: str) -> None:
        """ValueError unless operation ``name`` could answer this rule's error."""
        if self.code is None:
            return
        problems = error_problems(name, self.code, self.extra(name))
        if problems:
            named = self.operation is not None
            scope = f"operation {name}" if named else f"every operation it can match ({name})"
            hint = "" if named else "; name an operation that can answer it"
            raise ValueError(f"rule: impossible for {scope}: {'; '.join(problems)}{hint}")
        if self.resource_type is not None and self.resource_type not in _possible_resource_types(name):
            raise ValueError(
                f"rule.resource_type: {name} names no {self.resource_type} "
                f"(possible: {', '.join(sorted(_possible_resource_types(name)))})"
            )

    def to_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.matched >= self.times

    def matches(self, operation: str, params: t.Mapping[str, t.Any], speaker_aliases: t.Callable[[], set[str]]) -> bool:
        """Whether the call meets every criterion (and the rule has applications left)."""
        if self.exhausted:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        if self.domain_id is not None and params.get("DomainId") != self.domain_id:
            return False
        if self.fraudster_id is not None and params.get("FraudsterId") != self.fraudster_id:
            return False
        if self.watchlist_id is not None and params.get("WatchlistId") != self.watchlist_id:
            return False
        return self.speaker_id is None or self.speaker_id in speaker_aliases()

    def applies(self, operation: str, params: t.Mapping[str, t.Any], speaker_aliases: t.Callable[[], set[str]]) -> bool:
        """Whether the rule applies to this call: it matches and is not one of the calls let through (skip,
        every). Counts the call (``seen``) and the application (``matched``)."""
        if not self.matches(operation, params, speaker_aliases):
            return False
        self.seen += 1
        number = self.seen - self.skip
        if number <= 0 or number % self.every != 0:
            return False
        self.matched += 1
        return True

    def error(self, operation: str) -> ApiError:
        return ApiError(t.cast(str, self.code), self.message, extra=self.extra(operation))

    def named_resource_type(self) -> str | None:
        """The resource the rule names (a speaker, fraudster or watchlist), if it names one."""
        for kind, value in (
            ("SPEAKER", self.speaker_id),
            ("FRAUDSTER", self.fraudster_id),
            ("WATCHLIST", self.watchlist_id),
        ):
            if value is not None:
                return kind
        return None

    def extra(self, operation: str) -> dict[str, t.Any]:
        """The error's members beyond Message when answered to ``operation``."""
        extra: dict[str, t.Any] = {}
        if self.code == "ConflictException" and self.conflict_type is not None:
            extra["ConflictType"] = self.conflict_type
        if self.code == "ResourceNotFoundException":
            extra["ResourceType"] = (
                self.resource_type or self.named_resource_type() or _default_resource_type(operation)
            )
        return extra


def _check_target(document: t.Mapping[str, t.Any]) -> tuple[str | None, dict[str, str | None], list[str]]:
    """The rule's operation and criteria, and the operations it can match (at least one)."""
    operation = _optional_str(document, "operation")
    if operation is not None and operation not in IMPLEMENTED_OPERATIONS:
        raise ValueError(
            f"rule.operation: {operation} is not an operation the emulator answers; "
            f"one of {', '.join(IMPLEMENTED_OPERATIONS)}"
        )
    criteria = {key: _optional_str(document, key) for key in CRITERIA}
    operations = rule_operations(operation, criteria)
    if not operations:
        named = [CRITERIA[key] for key, value in criteria.items() if value is not None]
        if operation is not None:
            missing = next(member for member in named if member not in input_members(operation))
            raise ValueError(f"rule: {operation} takes no {missing}, so a rule naming one could never match")
        raise ValueError(f"rule: no operation takes {' and '.join(named)} together, so the rule could never match")
    return operation, criteria, operations


def _check_answer(document: t.Mapping[str, t.Any]) -> str:
    """The rule's answer; the keys that belong to other answers are refused."""
    answer = document.get("answer", "error")
    if answer not in ANSWERS:
        raise ValueError(f"rule.answer: one of {', '.join(ANSWERS)}")
    if answer not in ERROR_ANSWERS:
        for key in ("code", *_ERROR_KEYS):
            if key in document:
                raise ValueError(
                    f"rule.{key}: only with answer error or carried_out (answer {answer} answers no error)"
                )
    for key, owner in (("delay_seconds", "late"), ("omit", "omit")):
        if key in document and answer != owner:
            raise ValueError(f"rule.{key}: only with answer {owner}")
        if key not in document and answer == owner:
            raise ValueError(f"rule.{key}: required with answer {owner}")
    return str(answer)


def _count(document: t.Mapping[str, t.Any], key: str, minimum: int, default: int | None) -> t.Any:
    value = document.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(
            f"rule.{key}: an integer of at least {minimum}" if minimum else f"rule.{key}: a non-negative integer"
        )
    return value


def _check_delay(document: t.Mapping[str, t.Any], answer: str) -> float | None:
    if answer != "late":
        return None
    value = document["delay_seconds"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_DELAY_SECONDS:
        raise ValueError(f"rule.delay_seconds: seconds, more than 0 and at most {MAX_DELAY_SECONDS:g}")
    return float(value)


def _check_omit(document: t.Mapping[str, t.Any], answer: str, operations: t.Sequence[str]) -> list[str] | None:
    """The output members an "omit" answer leaves out: members of every operation the rule can match."""
    if answer != "omit":
        return None
    members = document["omit"]
    if (
        not isinstance(members, list)
        or not members
        or not all(isinstance(member, str) and member for member in members)
        or len(set(members)) != len(members)
    ):
        raise ValueError('rule.omit: a non-empty list of distinct output member names, e.g. ["Domain"]')
    for name in operations:
        missing = [member for member in members if member not in output_members(name)]
        if missing:
            has = ", ".join(sorted(output_members(name))) or "none"
            raise ValueError(
                f"rule.omit: {name} answers no member {', '.join(missing)} (its members: {has})"
                + ("" if len(operations) == 1 else "; name an operation that answers it")
            )
    return list(members)


def _check_listings(operations: t.Sequence[str]) -> None:
    for name in operations:
        if "NextToken" not in input_members(name):
            raise ValueError(
                f"rule.answer: repeat_token needs a list operation, and {name} takes no NextToken"
                + ("" if len(operations) == 1 else "; name one")
            )


def _check_then_delete(value: t.Any) -> dict[str, str] | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or "domain_id" not in value
        or set(value) - {"domain_id", "speaker_id", "fraudster_id"}
        or {"speaker_id", "fraudster_id"} <= set(value)
        or not all(isinstance(item, str) and item for item in value.values())
    ):
        raise ValueError(
            'rule.then_delete: {"domain_id": ID}, {"domain_id": ID, "speaker_id": ID} or '
            '{"domain_id": ID, "fraudster_id": ID}'
        )
    return dict(value)


def _check_code(code: t.Any) -> str:
    if not isinstance(code, str) or not code:
        raise ValueError("rule.code: required, e.g. ThrottlingException")
    if code not in ERROR_STATUS:
        raise ValueError(
            f"rule.code: {code} is not an error Voice ID answers; one of {', '.join(sorted(ERROR_STATUS))}"
        )
    return code


def _check_detail(
    document: t.Mapping[str, t.Any], key: str, code: str, owner: str, choices: t.Sequence[str]
) -> str | None:
    """conflict_type / resource_type: only on the error that has one (``owner``), and one of ``choices``."""
    value = _optional_str(document, key)
    if value is None:
        return None
    if code != owner:
        raise ValueError(f"rule.{key}: only a {owner} has a {key.replace('_', ' ')}, not {code}")
    if value not in choices:
        raise ValueError(f"rule.{key}: one of {', '.join(choices)}")
    return value


class FaultInjector:
    """Decides, per call, whether to answer an injected error instead of the real one."""

    def __init__(
        self,
        throttle_rate: float = 0.0,
        fault_rate: float = 0.0,
        random_seed: int | None = None,
        rules: t.Iterable[t.Any] = (),
    ) -> None:
        self.lock = threading.Lock()
        self.throttle_rate = throttle_rate
        self.fault_rate = fault_rate
        self.rng = random.Random(random_seed)
        self.rules = [FaultRule.from_mapping(rule) for rule in rules]

    def reseed(self, random_seed: int | None) -> None:
        with self.lock:
            self.rng = random.Random(random_seed)

    def set_rules(self, rules: t.Iterable[t.Any]) -> None:
        parsed = [FaultRule.from_mapping(rule) for rule in rules]
        with self.lock:
            self.rules = parsed

    def rule_states(self) -> list[dict[str, t.Any]]:
        with self.lock:
            return [rule.to_dict() for rule in self.rules]

    def pick(
        self, operation: str, params: t.Mapping[str, t.Any], speaker_aliases: t.Callable[[], set[str]]
    ) -> Injection | None:
        """What to do with this call, if anything: the first rule that applies, then the random rates."""
        with self.lock:
            for index, rule in enumerate(self.rules):
                if rule.applies(operation, params, speaker_aliases):
                    return Injection(rule, index)
            if self.throttle_rate > 0 and self.rng.random() < self.throttle_rate:
                return Injection(FaultRule(code="ThrottlingException", message="Rate exceeded"), None)
            if self.fault_rate > 0 and self.rng.random() < self.fault_rate:
                return Injection(FaultRule(code="InternalServerException"), None)
        return None


@dataclasses.dataclass(frozen=True)
class Injection:
    """A rule that applies to a call (``index`` in the configured rules), or a random fault (``index`` None)."""

    rule: FaultRule
    index: int | None
