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
from .model import resource_types

_RULE_KEYS = {
    "code",
    "operation",
    "speaker_id",
    "domain_id",
    "times",
    "message",
    "conflict_type",
    "resource_type",
    "status",
}
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
    for resource_type in ("SPEAKER", "WATCHLIST", "FRAUDSTER", "DOMAIN"):
        if any(member in members for member in _RESOURCE_MEMBERS[resource_type]):
            return resource_type
    return "DOMAIN"


def _possible_resource_types(operation: str) -> set[str]:
    members = input_members(operation)
    possible = {kind for kind, names in _RESOURCE_MEMBERS.items() if any(name in members for name in names)}
    return possible or set(resource_types())


def rule_operations(operation: str | None, speaker_id: str | None, domain_id: str | None) -> list[str]:
    """The implemented operations a rule with these criteria can match."""
    candidates = [operation] if operation is not None else list(IMPLEMENTED_OPERATIONS)
    if speaker_id is not None:
        candidates = [name for name in candidates if "SpeakerId" in input_members(name)]
    if domain_id is not None:
        candidates = [name for name in candidates if "DomainId" in input_members(name)]
    return candidates


@dataclasses.dataclass
class FaultRule:
    """Answer ``code`` to calls matching every given criterion (``times``: only the first N matches).

    A rule is refused unless the service could answer it: ``code`` must be an error the model lists for every
    operation the rule can match (or a protocol error), ``conflict_type`` only with ConflictException and one
    of the model's ConflictType values, ``resource_type`` only with ResourceNotFoundException and a resource the
    operation names, ``status`` only the documented status of the code.
    """

    code: str
    operation: str | None = None
    speaker_id: str | None = None
    domain_id: str | None = None
    times: int | None = None
    message: str | None = None
    conflict_type: str | None = None
    resource_type: str | None = None
    status: int | None = None
    matched: int = 0

    @classmethod
    def from_mapping(cls, document: t.Any) -> FaultRule:
        if isinstance(document, FaultRule):
            return dataclasses.replace(document, matched=0)
        if not isinstance(document, dict):
            raise ValueError("a rule is a mapping")
        unknown = sorted(set(document) - _RULE_KEYS)
        if unknown:
            raise ValueError(f"rule: unknown key(s) {', '.join(unknown)}")
        code = _check_code(document.get("code"))
        times = document.get("times")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
            raise ValueError("rule.times: a non-negative integer")
        operation = _optional_str(document, "operation")
        if operation is not None and operation not in IMPLEMENTED_OPERATIONS:
            raise ValueError(
                f"rule.operation: {operation} is not an operation the emulator answers; "
                f"one of {', '.join(IMPLEMENTED_OPERATIONS)}"
            )
        speaker_id = _optional_str(document, "speaker_id")
        domain_id = _optional_str(document, "domain_id")
        operations = rule_operations(operation, speaker_id, domain_id)
        if not operations:
            taken = "SpeakerId" if speaker_id is not None else "DomainId"
            raise ValueError(f"rule: {operation} takes no {taken}, so a rule naming one could never match")
        status = document.get("status")
        if status is not None and status != ERROR_STATUS[code]:
            raise ValueError(
                f"rule.status: {code} answers HTTP {ERROR_STATUS[code]} (Voice ID API reference); omit status"
            )
        conflict_type = _check_detail(document, "conflict_type", code, "ConflictException", conflict_types())
        resource_type = _check_detail(document, "resource_type", code, "ResourceNotFoundException", resource_types())
        rule = cls(
            code=code,
            operation=operation,
            speaker_id=speaker_id,
            domain_id=domain_id,
            times=times,
            conflict_type=conflict_type,
            resource_type=resource_type,
            status=status,
        )
        for name in operations:
            rule.check_possible(name)
        rule.message = _optional_str(document, "message")
        return rule

    def check_possible(self, name: str) -> None:
        """ValueError unless operation ``name`` could answer this rule's error."""
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
        if self.exhausted:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        if self.domain_id is not None and params.get("DomainId") != self.domain_id:
            return False
        return self.speaker_id is None or self.speaker_id in speaker_aliases()

    def error(self, operation: str) -> ApiError:
        return ApiError(self.code, self.message, extra=self.extra(operation))

    def extra(self, operation: str) -> dict[str, t.Any]:
        """The error's members beyond Message when answered to ``operation``."""
        extra: dict[str, t.Any] = {}
        if self.code == "ConflictException" and self.conflict_type is not None:
            extra["ConflictType"] = self.conflict_type
        if self.code == "ResourceNotFoundException":
            extra["ResourceType"] = self.resource_type or (
                "SPEAKER" if self.speaker_id is not None else _default_resource_type(operation)
            )
        return extra


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
    ) -> ApiError | None:
        """The injected error for this call, if any: the first matching rule, then the random rates."""
        with self.lock:
            for rule in self.rules:
                if rule.matches(operation, params, speaker_aliases):
                    rule.matched += 1
                    return rule.error(operation)
            if self.throttle_rate > 0 and self.rng.random() < self.throttle_rate:
                return ApiError("ThrottlingException", "Rate exceeded")
            if self.fault_rate > 0 and self.rng.random() < self.fault_rate:
                return ApiError("InternalServerException")
        return None
