# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""botocore's voice-id service model, and request validation against it in the service's own style."""

from __future__ import annotations

import functools
import json
import re
import sys
import typing as t
import unicodedata

import botocore.session  # type: ignore[import-untyped, unused-ignore]

from .errors import PROTOCOL_ERROR_STATUS
from .errors import ApiError

SERVICE_NAME = "voice-id"
TARGET_PREFIX = "VoiceID"

# Operations the emulator answers. Every other Voice ID operation answers UnknownOperationException.
IMPLEMENTED_OPERATIONS: tuple[str, ...] = (
    "AssociateFraudster",
    "CreateDomain",
    "CreateWatchlist",
    "DeleteDomain",
    "DeleteFraudster",
    "DeleteSpeaker",
    "DeleteWatchlist",
    "DescribeDomain",
    "DescribeFraudster",
    "DescribeSpeaker",
    "DescribeWatchlist",
    "DisassociateFraudster",
    "ListDomains",
    "ListFraudsters",
    "ListSpeakers",
    "ListTagsForResource",
    "ListWatchlists",
    "OptOutSpeaker",
    "TagResource",
    "UntagResource",
    "UpdateDomain",
    "UpdateWatchlist",
)


@functools.lru_cache(maxsize=1)
def service_model() -> t.Any:
    """The botocore ServiceModel for voice-id (loaded once per process)."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


def operation_names() -> list[str]:
    return list(service_model().operation_names)


def input_shape(operation: str) -> t.Any:
    return service_model().operation_model(operation).input_shape


def output_shape(operation: str) -> t.Any:
    return service_model().operation_model(operation).output_shape


# ---------------------------------------------------------------------------------------------------------------
# Java-style patterns (the model's dialect) to Python's re.

_PROPERTY = re.compile(r"\\([pP])\{([A-Za-z_]+)\}")
_NAMED_CLASSES: dict[str, str] = {
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Print": "\\x20-\\x7e",
    "Space": " \\t\\n\\x0b\\f\\r",
}


def _escape_for_class(char: str) -> str:
    code = ord(char)
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"


@functools.lru_cache(maxsize=1)
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """Runs of consecutive code points sharing a Unicode general category: (first, last, category)."""
    runs: list[tuple[int, int, str]] = []
    first = 0
    current = unicodedata.category(chr(0))
    for code in range(1, sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category != current:
            runs.append((first, code - 1, current))
            first = code
            current = category
    runs.append((first, sys.maxunicode, current))
    return tuple(runs)


@functools.lru_cache(maxsize=None)
def _category_ranges(category: str) -> str:
    """A character-class body (no brackets) matching Unicode general category ``category`` (one or two letters)."""
    return "".join(_range_text(first, last) for first, last, name in _category_runs() if name.startswith(category))


def _range_text(first: int, last: int) -> str:
    if first == last:
        return _escape_for_class(chr(first))
    return f"{_escape_for_class(chr(first))}-{_escape_for_class(chr(last))}"


def _property_class(name: str) -> str:
    if name in _NAMED_CLASSES:
        return _NAMED_CLASSES[name]
    if name.startswith("Is") and len(name) > 2:
        name = name[2:]
    if 1 <= len(name) <= 2 and name[0].isupper():
        return _category_ranges(name)
    raise ValueError(f"unsupported pattern property \\p{{{name}}}")


def translate_pattern(pattern: str) -> str:
    """Translate the ``\\p{...}`` classes of a Java pattern into ranges Python's re understands."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            match = _PROPERTY.match(pattern, index)
            if match:
                negated = match.group(1) == "P"
                body = _property_class(match.group(2))
                if in_class:
                    if negated:
                        raise ValueError("negated property classes inside [...] are not supported")
                    out.append(body)
                else:
                    out.append(f"[{'^' if negated else ''}{body}]")
                index = match.end()
                continue
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            index += 1
            # A ']' or '^]' right after '[' is literal.
            if pattern.startswith("^", index):
                out.append("^")
                index += 1
            if pattern.startswith("]", index):
                out.append("\\]")
                index += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


@functools.lru_cache(maxsize=None)
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(translate_pattern(pattern), re.DOTALL)


def matches_pattern(pattern: str, value: str) -> bool:
    """Whole-string match, as the service checks a member's pattern."""
    return compiled_pattern(pattern).fullmatch(value) is not None


# ---------------------------------------------------------------------------------------------------------------
# Validation


def _member_path(parent: str, member: str) -> str:
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


def _show(value: t.Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, sort_keys=True)


class _Validator:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, value: t.Any, sensitive: bool, constraint: str) -> None:
        if value is None:
            subject = "Value null"
        elif sensitive:
            subject = "Value (redacted: sensitive)"
        else:
            subject = f"Value '{_show(value)}'"
        self.errors.append(f"{subject} at '{path}' failed to satisfy constraint: {constraint}")

    def validate(self, shape: t.Any, value: t.Any, path: str, sensitive: bool = False) -> None:
        sensitive = sensitive or bool(shape.metadata.get("sensitive"))
        handler = getattr(self, f"_check_{shape.type_name}", None)
        if handler is not None:
            handler(shape, value, path, sensitive)

    def _wrong_type(self, path: str, type_name: str) -> None:
        self.errors.append(f"Value at '{path}' failed to satisfy constraint: Member must be of type {type_name}")

    def _check_structure(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, dict):
            self._wrong_type(path or shape.name, "structure")
            return
        for required in shape.required_members:
            if value.get(required) is None:
                self.fail(_member_path(path, required), None, False, "Member must not be null")
        members = shape.members
        for key, item in value.items():
            if key not in members:
                where = f"{path}.{key}" if path else key
                self.errors.append(
                    f"Value at '{where}' failed to satisfy constraint: Member is not a member of {shape.name}"
                )
                continue
            if item is None:
                continue
            self.validate(members[key], item, _member_path(path, key), sensitive)

    def _check_list(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, list):
            self._wrong_type(path, "list")
            return
        self._check_length(shape, len(value), value, path, sensitive)
        for index, item in enumerate(value, start=1):
            item_path = f"{path}.{index}.member"
            if item is None:
                self.fail(item_path, None, False, "Member must not be null")
                continue
            self.validate(shape.member, item, item_path, sensitive)

    def _check_map(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, dict):
            self._wrong_type(path, "map")
            return
        self._check_length(shape, len(value), value, path, sensitive)
        for key, item in value.items():
            self.validate(shape.key, key, f"{path}.{key}.key" if not sensitive else f"{path}.key", sensitive)
            if item is None:
                self.fail(f"{path}.value", None, False, "Member must not be null")
                continue
            self.validate(shape.value, item, f"{path}.value" if sensitive else f"{path}.{key}.value", sensitive)

    def _check_length(self, shape: t.Any, length: int, value: t.Any, path: str, sensitive: bool) -> None:
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        if minimum is not None and length < minimum:
            self.fail(path, value, sensitive, f"Member must have length greater than or equal to {minimum}")
        if maximum is not None and length > maximum:
            self.fail(path, value, sensitive, f"Member must have length less than or equal to {maximum}")

    def _check_string(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, str):
            self._wrong_type(path, "string")
            return
        self._check_length(shape, len(value), value, path, sensitive)
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            self.fail(path, value, sensitive, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern is not None and not matches_pattern(pattern, value):
            self.fail(path, value, sensitive, f"Member must satisfy regular expression pattern: {pattern}")

    def _check_range(self, shape: t.Any, value: float, path: str, sensitive: bool) -> None:
        minimum = shape.metadata.get("min")
        maximum = shape.metadata.get("max")
        if minimum is not None and value < minimum:
            self.fail(path, value, sensitive, f"Member must have value greater than or equal to {minimum}")
        if maximum is not None and value > maximum:
            self.fail(path, value, sensitive, f"Member must have value less than or equal to {maximum}")

    def _check_integer(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong_type(path, shape.type_name)
            return
        self._check_range(shape, value, path, sensitive)

    _check_long = _check_integer

    def _check_float(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._wrong_type(path, shape.type_name)
            return
        self._check_range(shape, float(value), path, sensitive)

    _check_double = _check_float

    def _check_boolean(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, bool):
            self._wrong_type(path, "boolean")

    def _check_timestamp(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self._wrong_type(path, "timestamp")

    def _check_blob(self, shape: t.Any, value: t.Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, str):
            self._wrong_type(path, "blob")


def validation_errors(shape: t.Any, document: t.Any) -> list[str]:
    """Every constraint ``document`` breaks, in the service's words (sensitive values are not echoed)."""
    validator = _Validator()
    validator.validate(shape, document, "")
    return validator.errors


def validation_message(errors: t.Sequence[str]) -> str:
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors)


def validate_request(operation: str, document: t.Any) -> None:
    """Raise ValidationException if ``document`` does not satisfy the operation's input shape."""
    shape = input_shape(operation)
    if shape is None:
        if document not in (None, {}):
            raise ApiError("ValidationException", "1 validation error detected: the operation takes no input")
        return
    errors = validation_errors(shape, document)
    if errors:
        raise ApiError("ValidationException", validation_message(errors))


def validate_response(operation: str, document: t.Any) -> list[str]:
    """Every constraint a response ``document`` breaks against the operation's output shape (empty: it is valid)."""
    shape = output_shape(operation)
    if shape is None:
        return [] if document in (None, {}) else ["the operation has no output, but the response has members"]
    return validation_errors(shape, document)


# ---------------------------------------------------------------------------------------------------------------
# Errors: which are possible where


@functools.lru_cache(maxsize=None)
def modelled_errors(operation: str) -> frozenset[str]:
    """The error codes the model lists for ``operation``."""
    return frozenset(shape.name for shape in service_model().operation_model(operation).error_shapes)


@functools.lru_cache(maxsize=None)
def enum_values(shape_name: str) -> tuple[str, ...]:
    return tuple(service_model().shape_for(shape_name).metadata.get("enum", ()))


def conflict_types() -> tuple[str, ...]:
    return enum_values("ConflictType")


def resource_types() -> tuple[str, ...]:
    return enum_values("ResourceType")


def input_members(operation: str) -> frozenset[str]:
    shape = input_shape(operation)
    return frozenset(shape.members) if shape is not None else frozenset()


def output_members(operation: str) -> frozenset[str]:
    shape = output_shape(operation)
    return frozenset(shape.members) if shape is not None else frozenset()


def error_problems(operation: str | None, code: str, extra: t.Mapping[str, t.Any]) -> list[str]:
    """Why an error could not come from ``operation`` as the model describes it (empty: it could).

    ``operation`` None: the request never reached an operation, so only protocol errors are possible.
    """
    problems: list[str] = []
    if code in PROTOCOL_ERROR_STATUS:
        return problems
    if operation is None or operation not in operation_names():
        return [f"{code} is not a protocol error, and no Voice ID operation was called"]
    if code not in modelled_errors(operation):
        problems.append(
            f"{code} is not an error of {operation} (the model lists {', '.join(sorted(modelled_errors(operation)))}; "
            f"protocol errors: {', '.join(sorted(PROTOCOL_ERROR_STATUS))})"
        )
        return problems
    members = set(service_model().shape_for(code).members) - {"Message"}
    for key in sorted(set(extra) - members):
        problems.append(f"{code} has no member {key}")
    if "ConflictType" in extra and extra["ConflictType"] not in conflict_types():
        problems.append(f"ConflictType {extra['ConflictType']!r} is not one of {', '.join(conflict_types())}")
    if "ResourceType" in extra and extra["ResourceType"] not in resource_types():
        problems.append(f"ResourceType {extra['ResourceType']!r} is not one of {', '.join(resource_types())}")
    return problems
