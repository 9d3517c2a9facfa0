# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's configuration: every key once, with its type, bounds, default, help and command-line option.

``EmulatorConfig`` is the only place a configuration key is written. From its fields come ``CONFIG_KEYS``,
``default_config()``, ``check_config()`` (the check of ``--config FILE``, ``POST /_emulator/config`` and
``EmulatorServer(**config)``), the command-line options of ``__main__`` with their help, the epilog's list of
keys, and which part of the emulator ``VoiceIdEmulator.configure`` updates (``applies``: a method name).
"""

from __future__ import annotations

import argparse
import dataclasses
import textwrap
import typing as t

from .entities import REGION_PATTERN
from .faults import FaultInjector
from .model import matches_pattern
from .model import operation_names
from .quotas import RESOURCE_QUOTAS

# -- checks of one value: each returns the clean value or raises ValueError naming the key ------------------


@dataclasses.dataclass(frozen=True)
class Flag:
    def check(self, value: t.Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"{key}: expected true or false")
        return value


@dataclasses.dataclass(frozen=True)
class Number:
    minimum: float = 0.0
    maximum: float | None = None

    def check(self, value: t.Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{key}: expected a number")
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            if self.maximum is not None:
                raise ValueError(f"{key}: must be between {self.minimum} and {self.maximum}")
            raise ValueError(f"{key}: must be >= {self.minimum}")
        return float(value)

    @property
    def parse(self) -> t.Callable[[str], float]:
        """The command-line argument: a number; with an upper bound, a probability checked at once."""
        return float if self.maximum is None else self._probability

    def _probability(self, text: str) -> float:
        value = float(text)
        if not self.minimum <= value <= t.cast(float, self.maximum):
            raise argparse.ArgumentTypeError(f"expected a probability between {self.minimum:g} and {self.maximum:g}")
        return value


@dataclasses.dataclass(frozen=True)
class Integer:
    minimum: int = 0
    nullable: bool = False

    def check(self, value: t.Any, key: str) -> int | None:
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            raise ValueError(f"{key}: expected an integer >= {self.minimum}")
        return value

    parse: t.ClassVar[t.Callable[[str], int]] = int


@dataclasses.dataclass(frozen=True)
class AnyInteger:
    """An integer or null, without bounds (a random seed)."""

    @staticmethod
    def check(value: t.Any, key: str) -> int | None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{key}: an integer or null")
        return value

    parse: t.ClassVar[t.Callable[[str], int]] = int


@dataclasses.dataclass(frozen=True)
class Region:
    max_length: int = 64

    def check(self, value: t.Any, key: str) -> str:
        if not isinstance(value, str) or not matches_pattern(REGION_PATTERN, value) or len(value) > self.max_length:
            raise ValueError(f"{key}: a region name such as eu-west-2 (matching {REGION_PATTERN})")
        return value

    parse: t.ClassVar[t.Callable[[str], str]] = str


@dataclasses.dataclass(frozen=True)
class Rates:
    """Operation name -> requests per second (each a Number)."""

    rate: Number = Number()

    def check(self, value: t.Any, key: str) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ValueError(f"{key}: a mapping of operation name to requests per second")
        known = set(operation_names())
        rates: dict[str, float] = {}
        for operation, rate in value.items():
            if operation not in known:
                raise ValueError(f"{key}: {operation} is not a Voice ID operation")
            rates[operation] = self.rate.check(rate, f"{key}.{operation}")
        return rates

    @staticmethod
    def parse(text: str) -> tuple[str, float]:
        operation, sep, value = text.partition("=")
        if not sep or not operation:
            raise argparse.ArgumentTypeError("expected OPERATION=REQUESTS_PER_SECOND")
        try:
            return operation, float(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError("expected OPERATION=REQUESTS_PER_SECOND") from exc


@dataclasses.dataclass(frozen=True)
class Credentials:
    """Null (accept any key) or access key id -> secret key."""

    @staticmethod
    def check(value: t.Any, key: str) -> dict[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, dict) or not all(
            isinstance(akid, str) and isinstance(secret, str) and akid for akid, secret in value.items()
        ):
            raise ValueError(f"{key}: null (accept any key) or a mapping of access key id to secret key")
        return dict(value)

    @staticmethod
    def parse(text: str) -> tuple[str, str]:
        akid, sep, secret = text.partition(":")
        if not sep or not akid or not secret:
            raise argparse.ArgumentTypeError("expected AKID:SECRET")
        return akid, secret


@dataclasses.dataclass(frozen=True)
class Rules:
    """A list of fault rules (faults.FaultRule checks each)."""

    @staticmethod
    def check(value: t.Any, key: str) -> list[t.Any]:
        if not isinstance(value, list):
            raise ValueError(f"{key}: a list of rules")
        FaultInjector(rules=value)  # raises ValueError on a bad rule
        return list(value)


@dataclasses.dataclass(frozen=True)
class KmsFailures:
    """KMS key id -> the Message of a re-encryption to that key that ends FAILED."""

    @staticmethod
    def check(value: t.Any, key: str) -> dict[str, str]:
        if not isinstance(value, dict) or not all(
            isinstance(kms_key, str) and kms_key and isinstance(message, str) and message
            for kms_key, message in value.items()
        ):
            raise ValueError(
                f"{key}: a mapping of KMS key id to the Message of a re-encryption to that key that ends FAILED"
            )
        return dict(value)


class Kind(t.Protocol):
    def check(self, value: t.Any, key: str) -> t.Any:
        """The clean value, or ValueError naming the key."""


# -- the command-line form of a key ---------------------------------------------------------------------------

SWITCH = "switch"  # --name sets true
VALUE = "value"  # --name VALUE, parsed by the kind's parse()
REPEAT = "repeat"  # --name ITEM, repeatable; the items are merged into the key's mapping


@dataclasses.dataclass(frozen=True)
class Option:
    form: str
    metavar: str | None = None
    flag: str | None = None  # default: --key-with-dashes


@dataclasses.dataclass(frozen=True)
class Setting:
    """What the field of a configuration key carries besides its type and default."""

    kind: Kind
    help: str
    option: Option | None = None
    applies: str | None = None  # the VoiceIdEmulator method that puts a new value into effect (None: read per call)


def _about(kind: Kind, help: str, option: Option | None = None, applies: str | None = None) -> dict[str, Setting]:
    return {"setting": Setting(kind, help, option, applies)}


def _key(default: t.Any, kind: Kind, help: str, option: Option | None = None, applies: str | None = None) -> t.Any:
    """The field of a key with an immutable default (mutable ones: dataclasses.field(default_factory=...))."""
    # The field is made here and placed in EmulatorConfig's body, which is a dataclass.
    return dataclasses.field(  # pylint: disable=invalid-field-call
        default=default, metadata=_about(kind, help, option, applies)
    )


@dataclasses.dataclass
class EmulatorConfig:
    """Every configuration key, in the order the configuration is shown."""

    enforce_quotas: bool = _key(
        False,
        Flag(),
        "throttle calls beyond AWS's default request rates (token bucket, burst = rate)",
        Option(SWITCH),
        "_apply_enforce_quotas",
    )
    rates: dict[str, float] = dataclasses.field(
        default_factory=dict,
        metadata=_about(
            Rates(),
            "override one operation's request rate (repeatable), e.g. OptOutSpeaker=20",
            Option(REPEAT, "OPERATION=RPS", "--rate"),
            "_apply_rates",
        ),
    )
    latency_ms: float = _key(0.0, Number(), "added latency per call, in milliseconds", Option(VALUE, "N"))
    throttle_rate: float = _key(
        0.0,
        Number(0.0, 1.0),
        "probability (0..1) of answering an injected ThrottlingException",
        Option(VALUE, "R"),
        "_apply_throttle_rate",
    )
    fault_rate: float = _key(
        0.0,
        Number(0.0, 1.0),
        "probability (0..1) of answering an injected 500 InternalServerException",
        Option(VALUE, "R"),
        "_apply_fault_rate",
    )
    random_seed: int | None = _key(
        None,
        AnyInteger(),
        "seed for injected faults and generated ids (reproducible runs)",
        Option(VALUE, "N"),
        "_apply_random_seed",
    )
    rules: list[dict[str, t.Any]] = dataclasses.field(
        default_factory=list, metadata=_about(Rules(), "fault rules (see the epilog)", applies="_apply_rules")
    )
    credentials: dict[str, str] | None = _key(  # noqa: RUF009  # None: immutable
        None,
        Credentials(),
        "verify SigV4 signatures against these keys (repeatable); unset: accept any key",
        Option(REPEAT, "AKID:SECRET"),
    )
    max_domains: int = _key(
        RESOURCE_QUOTAS["domains"], Integer(0), "domains per account", Option(VALUE, "N"), "_apply_max_domains"
    )
    max_speakers_per_domain: int = _key(
        RESOURCE_QUOTAS["speakers_per_domain"],
        Integer(0),
        "speakers per domain",
        Option(VALUE, "N"),
        "_apply_max_speakers_per_domain",
    )
    max_watchlists_per_domain: int = _key(
        RESOURCE_QUOTAS["watchlists_per_domain"],
        Integer(1),
        "watchlists per domain, the default watchlist included",
        Option(VALUE, "N"),
        "_apply_watchlist_quotas",
    )
    max_fraudsters_per_watchlist: int = _key(
        RESOURCE_QUOTAS["fraudsters_per_watchlist"],
        Integer(0),
        "fraudsters per watchlist",
        Option(VALUE, "N"),
        "_apply_watchlist_quotas",
    )
    max_watchlists_per_fraudster: int = _key(
        RESOURCE_QUOTAS["watchlists_per_fraudster"],
        Integer(1),
        "watchlists one fraudster may belong to",
        Option(VALUE, "N"),
        "_apply_watchlist_quotas",
    )
    max_recorded_calls: int | None = _key(
        None,
        Integer(0, nullable=True),
        "keep only the last N recorded calls; unset: all",
        Option(VALUE, "N"),
        "_apply_max_recorded_calls",
    )
    debug: bool = _key(
        False, Flag(), "log every request (including speaker ids) to standard error", Option(SWITCH), "_apply_debug"
    )
    default_region: str = _key(
        "us-east-1",
        Region(),
        "region of the seed's domains when the seed names none",
        Option(VALUE, "REGION"),
        "_apply_default_region",
    )
    kms_update_delay_seconds: float = _key(
        3.0,
        Number(),
        "seconds a KMS re-encryption started by UpdateDomain stays IN_PROGRESS (0 allowed)",
        Option(VALUE, "S"),
        "_apply_kms_update_delay_seconds",
    )
    kms_update_failures: dict[str, str] = dataclasses.field(
        default_factory=dict,
        metadata=_about(
            KmsFailures(),
            "KMS key id -> Message of a re-encryption to that key that ends FAILED",
            applies="_apply_kms_update_failures",
        ),
    )
    strict: bool = _key(
        False,
        Flag(),
        "check every response against the model's output shape; one that breaks it is an emulator bug: "
        "500, a loud log line, and GET /_emulator/bugs lists it",
        Option(SWITCH),
    )
    next_token_ttl_seconds: float = _key(
        3600.0,  # the emulator's choice: AWS does not document how long a NextToken lives
        Number(),
        "seconds a NextToken stays valid",
        applies="_apply_next_token_ttl_seconds",
    )
    realism: bool = _key(
        False,
        Flag(),
        "behave like the distributed service: overlapping writes to one speaker answer ConflictException "
        "CONCURRENT_CHANGES (a write is in flight for its --latency-ms), and ListSpeakers shows a change only "
        "after --list-lag-seconds (DescribeSpeaker stays current)",
        Option(SWITCH),
        "_apply_list_lag",
    )
    list_lag_seconds: float = _key(
        1.0,
        Number(),
        "with --realism: seconds a speaker change takes to show in ListSpeakers",
        Option(VALUE, "S"),
        "_apply_list_lag",
    )


FIELDS: tuple[dataclasses.Field[t.Any], ...] = dataclasses.fields(EmulatorConfig)
CONFIG_KEYS: tuple[str, ...] = tuple(field.name for field in FIELDS)
DEFAULTS = EmulatorConfig()  # read-only: the defaults of every key


def setting(field: dataclasses.Field[t.Any]) -> Setting:
    return t.cast(Setting, field.metadata["setting"])


SETTINGS: dict[str, Setting] = {field.name: setting(field) for field in FIELDS}


def default_config() -> dict[str, t.Any]:
    """Every key with its default (a fresh copy)."""
    return dataclasses.asdict(EmulatorConfig())


def check_config(changes: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Check a (partial) configuration; raise ValueError naming the first bad key."""
    unknown = sorted(set(changes) - set(CONFIG_KEYS))
    if unknown:
        raise ValueError(f"unknown configuration key(s): {', '.join(unknown)}")
    return {key: SETTINGS[key].kind.check(value, key) for key, value in changes.items()}


# -- the command line -----------------------------------------------------------------------------------------


def _flag(key: str, option: Option) -> str:
    return option.flag or "--" + key.replace("_", "-")


def _help(field: dataclasses.Field[t.Any], text: str) -> str:
    default = field.default
    if default is None or default is False or default is dataclasses.MISSING:
        return text
    return f"{text} (default {default:g})" if isinstance(default, (int, float)) else f"{text} (default {default})"


def add_options(parser: argparse.ArgumentParser) -> None:
    """One command-line option per key that has one; an option not given is None (or [] if repeatable)."""
    for field in FIELDS:
        spec = setting(field)
        option = spec.option
        if option is None:
            continue
        flag = _flag(field.name, option)
        if option.form == SWITCH:
            parser.add_argument(flag, dest=field.name, action="store_true", default=None, help=_help(field, spec.help))
            continue
        parse = spec.kind.parse  # type: ignore[attr-defined]  # every kind with an option has one
        if option.form == REPEAT:
            parser.add_argument(
                flag, dest=field.name, action="append", type=parse, metavar=option.metavar, default=[], help=spec.help
            )
            continue
        parser.add_argument(flag, dest=field.name, type=parse, metavar=option.metavar, help=_help(field, spec.help))


def from_options(args: argparse.Namespace, config: dict[str, t.Any]) -> dict[str, t.Any]:
    """``config`` (from a file) with the options given on the command line applied over it: single values
    first, then the items of repeatable options merged into their mappings."""
    given = {
        field.name: (option, getattr(args, field.name))
        for field in FIELDS
        if (option := setting(field).option) is not None and getattr(args, field.name) not in (None, [])
    }
    config.update({key: value for key, (option, value) in given.items() if option.form != REPEAT})
    for key, (option, value) in given.items():
        if option.form == REPEAT:
            config[key] = {**(config.get(key) or {}), **dict(value)}
    return config


def keys_help(width: int = 112) -> str:
    """The epilog's list of configuration keys."""
    return textwrap.fill(", ".join(CONFIG_KEYS), width=width, initial_indent="  ", subsequent_indent="  ")
