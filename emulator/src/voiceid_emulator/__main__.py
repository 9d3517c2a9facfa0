# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line: ``voiceid-emulator [options]``, or ``python -m voiceid_emulator [options]``."""

from __future__ import annotations

import argparse
import logging
import os
import pathlib
import signal
import sys
import threading
import typing as t

from .engine import normalize_config
from .server import EmulatorServer
from .state import load_seed_file
from .state import read_mapping_file

DESCRIPTION = """\
Serve a local emulator of the Amazon Connect Voice ID API (JSON 1.0, SigV4) on a loopback port.

The URL (e.g. http://127.0.0.1:43123) is printed as the first line of standard output, and written to
--url-file if given. Point boto3 at it with endpoint_url=URL (or AWS_ENDPOINT_URL_VOICE_ID=URL).
The server runs until SIGTERM or SIGINT, then stops cleanly and exits 0.
"""

EPILOG = """\
implemented operations:
  CreateDomain, DescribeDomain, UpdateDomain, DeleteDomain, ListDomains, DescribeSpeaker, OptOutSpeaker,
  DeleteSpeaker, ListSpeakers, TagResource, UntagResource, ListTagsForResource, ListWatchlists, ListFraudsters.
  State is kept per account (from the access key, mapped in the seed's access_keys) and region (from the
  request's SigV4 credential scope).
  Any other X-Amz-Target answers 400 UnknownOperationException.

control API (same port):
  GET    /_emulator/health                      {"status": "ok", "bugs": N}
  GET    /_emulator/bugs                        emulator bugs seen (responses the model does not allow)
  GET    /_emulator/calls[?operation=NAME]      recorded calls (list)
  DELETE /_emulator/calls                       clear the recorded calls
  GET    /_emulator/state[?domain_id=ID][&account_id=N][&region=R][&speakers=false]
  POST   /_emulator/seed                        replace all state with a seed document (JSON or YAML body)
  GET    /_emulator/config                      current configuration
  POST   /_emulator/config                      change configuration keys at run time
  POST   /_emulator/reset                       back to the start-up seed and configuration

configuration keys (--config FILE and POST /_emulator/config):
  enforce_quotas, rates, latency_ms, throttle_rate, fault_rate, random_seed, rules, credentials,
  max_domains, max_speakers_per_domain, max_recorded_calls, debug, default_region,
  kms_update_delay_seconds, kms_update_failures, strict, next_token_ttl_seconds, realism, list_lag_seconds
  A rule: {"code": "ThrottlingException", "operation": "OptOutSpeaker", "speaker_id": "cust-1",
           "domain_id": "...", "times": 2, "conflict_type": "...", "resource_type": "...", "message": "...",
           "status": 400}

seed document (JSON or YAML):
  {"account_id": "123456789012", "region": "us-east-1", "access_keys": {"AKID2": "222233334444"},
   "domains": [{"domain_id": "<22 alphanumerics, optional>", "name": "demo", "status": "ACTIVE",
                "account_id": "222233334444", "region": "eu-west-2",
                "watchlists": [{"name": "vip"}], "fraudsters": [{"watchlists": ["vip"]}],
                "speakers": [{"customer_speaker_id": "cust-1", "status": "ENROLLED"}],
                "generate": [{"count": 10000, "prefix": "bulk-", "status": "OPTED_OUT"}]}]}

See the package's README.md (emulator/README.md in the speakerops.voiceid repository) for every detail.

exit status: 0 after SIGTERM/SIGINT, 2 on a usage or start-up error.
"""


def _credential(text: str) -> tuple[str, str]:
    akid, sep, secret = text.partition(":")
    if not sep or not akid or not secret:
        raise argparse.ArgumentTypeError("expected AKID:SECRET")
    return akid, secret


def _rate(text: str) -> tuple[str, float]:
    operation, sep, value = text.partition("=")
    if not sep or not operation:
        raise argparse.ArgumentTypeError("expected OPERATION=REQUESTS_PER_SECOND")
    try:
        return operation, float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected OPERATION=REQUESTS_PER_SECOND") from exc


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("expected a probability between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voiceid-emulator",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to bind (127.0.0.1, ::1 or localhost; default %(default)s)",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free port (default)")
    parser.add_argument("--seed", metavar="FILE", help="initial state: a JSON or YAML (.yaml/.yml) seed document")
    parser.add_argument(
        "--config", metavar="FILE", help="JSON or YAML mapping of configuration keys; the options below override it"
    )
    parser.add_argument(
        "--enforce-quotas",
        action="store_true",
        default=None,
        help="throttle calls beyond AWS's default request rates (token bucket, burst = rate)",
    )
    parser.add_argument(
        "--rate",
        action="append",
        type=_rate,
        metavar="OPERATION=RPS",
        default=[],
        help="override one operation's request rate (repeatable), e.g. OptOutSpeaker=20",
    )
    parser.add_argument("--latency-ms", type=float, metavar="N", help="added latency per call, in milliseconds")
    parser.add_argument(
        "--throttle-rate",
        type=_probability,
        metavar="R",
        help="probability (0..1) of answering an injected ThrottlingException",
    )
    parser.add_argument(
        "--fault-rate",
        type=_probability,
        metavar="R",
        help="probability (0..1) of answering an injected 500 InternalServerException",
    )
    parser.add_argument(
        "--random-seed", type=int, metavar="N", help="seed for injected faults and generated ids (reproducible runs)"
    )
    parser.add_argument(
        "--credentials",
        action="append",
        type=_credential,
        metavar="AKID:SECRET",
        default=[],
        help="verify SigV4 signatures against these keys (repeatable); default: accept any key",
    )
    parser.add_argument("--max-domains", type=int, metavar="N", help="domains per account (default 3)")
    parser.add_argument("--max-speakers-per-domain", type=int, metavar="N", help="speakers per domain (default 100000)")
    parser.add_argument(
        "--max-recorded-calls", type=int, metavar="N", help="keep only the last N recorded calls (default: all)"
    )
    parser.add_argument(
        "--default-region",
        metavar="REGION",
        help="region of the seed's domains when the seed names none (default us-east-1)",
    )
    parser.add_argument(
        "--kms-update-delay-seconds",
        type=float,
        metavar="S",
        help="seconds a KMS re-encryption started by UpdateDomain stays IN_PROGRESS (default 3; 0 allowed)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="check every response against the model's output shape; one that breaks it is an emulator bug: "
        "500, a loud log line, and GET /_emulator/bugs lists it",
    )
    parser.add_argument(
        "--realism",
        action="store_true",
        default=None,
        help="behave like the distributed service: overlapping writes to one speaker answer ConflictException "
        "CONCURRENT_CHANGES (a write is in flight for its --latency-ms), and ListSpeakers shows a change only "
        "after --list-lag-seconds (DescribeSpeaker stays current)",
    )
    parser.add_argument(
        "--list-lag-seconds",
        type=float,
        metavar="S",
        help="with --realism: seconds a speaker change takes to show in ListSpeakers (default 1)",
    )
    parser.add_argument("--url-file", metavar="PATH", help="also write the URL to this file")
    parser.add_argument(
        "--debug", action="store_true", default=None, help="log every request (including speaker ids) to standard error"
    )
    return parser


def configuration(args: argparse.Namespace) -> dict[str, t.Any]:
    config = read_mapping_file(args.config, "configuration") if args.config else {}
    options = {
        "enforce_quotas": args.enforce_quotas,
        "latency_ms": args.latency_ms,
        "throttle_rate": args.throttle_rate,
        "fault_rate": args.fault_rate,
        "random_seed": args.random_seed,
        "max_domains": args.max_domains,
        "max_speakers_per_domain": args.max_speakers_per_domain,
        "max_recorded_calls": args.max_recorded_calls,
        "debug": args.debug,
        "default_region": args.default_region,
        "kms_update_delay_seconds": args.kms_update_delay_seconds,
        "strict": args.strict,
        "realism": args.realism,
        "list_lag_seconds": args.list_lag_seconds,
    }
    config.update({key: value for key, value in options.items() if value is not None})
    if args.rate:
        rates = dict(config.get("rates") or {})
        rates.update(dict(args.rate))
        config["rates"] = rates
    if args.credentials:
        credentials = dict(config.get("credentials") or {})
        credentials.update(dict(args.credentials))
        config["credentials"] = credentials
    return config


def _write_url_file(path: str, url: str) -> None:
    target = pathlib.Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    partial.write_text(url + "\n", encoding="utf-8")
    os.replace(partial, target)


def main(argv: t.Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: t.Any) -> None:
        stop.set()

    # Installed first, so that a signal arriving during start-up still ends in a clean stop.
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        config = normalize_config(configuration(args))
        seed = load_seed_file(args.seed) if args.seed else None
        server = EmulatorServer(seed, host=args.host, port=args.port, **config)
        server.start()
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.url_file:  # before the URL line, so that whoever reads that line finds the file too
            _write_url_file(args.url_file, server.url)
        print(server.url, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
