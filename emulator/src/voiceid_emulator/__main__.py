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
import textwrap
import threading
import typing as t

from . import config as settings
from .model import IMPLEMENTED_OPERATIONS
from .seed import load_seed_file
from .seed import read_mapping_file
from .server import EmulatorServer

DESCRIPTION = """\
Serve a local emulator of the Amazon Connect Voice ID API (JSON 1.0, SigV4) on a loopback port.

The URL (e.g. http://127.0.0.1:43123) is printed as the first line of standard output, and written to
--url-file if given. Point boto3 at it with endpoint_url=URL (or AWS_ENDPOINT_URL_VOICE_ID=URL).
The server runs until SIGTERM or SIGINT, then stops cleanly and exits 0.
"""

# The operations, from model.IMPLEMENTED_OPERATIONS, then what cannot be derived.
EPILOG_HEAD = (
    "implemented operations:\n"
    + textwrap.fill(", ".join(IMPLEMENTED_OPERATIONS) + ".", width=112, initial_indent="  ", subsequent_indent="  ")
    + """
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
"""
)
EPILOG_TAIL = """\
  A rule: {"code": "ThrottlingException", "operation": "OptOutSpeaker", "speaker_id": "cust-1",
           "domain_id": "...", "fraudster_id": "id#...", "watchlist_id": "...", "times": 2,
           "conflict_type": "...", "resource_type": "...", "message": "...", "status": 400}
  or, carried out and then answered otherwise: {"operation": "DeleteSpeaker", "skip": 0, "every": 3,
           "answer": "carried_out" | "reset" | "late" | "omit" | "repeat_token" | "ok", "code": "...",
           "delay_seconds": 12, "omit": ["Domain"],
           "then_delete": {"domain_id": "...", "speaker_id": "..." | "fraudster_id": "..."}}

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voiceid-emulator",
        description=DESCRIPTION,
        epilog=EPILOG_HEAD + settings.keys_help() + "\n" + EPILOG_TAIL,
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
    parser.add_argument("--url-file", metavar="PATH", help="also write the URL to this file")
    settings.add_options(parser)  # one option per configuration key that has one (config.py)
    return parser


def configuration(args: argparse.Namespace) -> dict[str, t.Any]:
    config = read_mapping_file(args.config, "configuration") if args.config else {}
    return settings.from_options(args, config)


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
        config = settings.check_config(configuration(args))
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
