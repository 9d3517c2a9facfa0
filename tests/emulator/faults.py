# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: random throttles and internal errors, and targeted rules."""

from __future__ import annotations

import dataclasses
import random
import threading
import typing as t

from .errors import ERROR_STATUS
from .errors import ApiError

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
CONFLICT_TYPES = (
    "ANOTHER_ACTIVE_STREAM",
    "DOMAIN_NOT_ACTIVE",
    "CANNOT_CHANGE_SPEAKER_AFTER_ENROLLMENT",
    "ENROLLMENT_ALREADY_EXISTS",
    "SPEAKER_NOT_SET",
    "SPEAKER_OPTED_OUT",
    "CONCURRENT_CHANGES",
    "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES",
    "CANNOT_DELETE_NON_EMPTY_WATCHLIST",
    "FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST",
)
RESOURCE_TYPES = ("BATCH_JOB", "COMPLIANCE_CONSENT", "DOMAIN", "FRAUDSTER", "SESSION", "SPEAKER", "WATCHLIST")


def _optional_str(document: t.Mapping[str, t.Any], key: str) -> str | None:
    value = document.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"rule.{key}: expected a string")
    return value


@dataclasses.dataclass
class FaultRule:
    """Answer ``code`` to calls matching every given criterion (``times``: only the first N matches)."""

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
        code = document.get("code")
        if not isinstance(code, str) or not code:
            raise ValueError("rule.code: required, e.g. ThrottlingException")
        times = document.get("times")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
            raise ValueError("rule.times: a non-negative integer")
        status = document.get("status")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599):
            raise ValueError("rule.status: an HTTP error status (400-599)")
        conflict_type = _optional_str(document, "conflict_type")
        if conflict_type is not None and conflict_type not in CONFLICT_TYPES:
            raise ValueError(f"rule.conflict_type: one of {', '.join(CONFLICT_TYPES)}")
        resource_type = _optional_str(document, "resource_type")
        if resource_type is not None and resource_type not in RESOURCE_TYPES:
            raise ValueError(f"rule.resource_type: one of {', '.join(RESOURCE_TYPES)}")
        return cls(
            code=code,
            operation=_optional_str(document, "operation"),
            speaker_id=_optional_str(document, "speaker_id"),
            domain_id=_optional_str(document, "domain_id"),
            times=times,
            message=_optional_str(document, "message"),
            conflict_type=conflict_type,
            resource_type=resource_type,
            status=status,
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
        extra: dict[str, t.Any] = {}
        if self.code == "ConflictException" and self.conflict_type is not None:
            extra["ConflictType"] = self.conflict_type
        if self.code == "ResourceNotFoundException":
            default_type = "SPEAKER" if self.speaker_id is not None or "Speaker" in operation else "DOMAIN"
            extra["ResourceType"] = self.resource_type or default_type
        return ApiError(self.code, self.message, status=self.status or ERROR_STATUS.get(self.code, 400), extra=extra)


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
