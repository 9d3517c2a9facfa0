# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How long the speaker modules take to fail against an endpoint that is not there (the breaker and timeouts).

    python benchmarks/dead_endpoints.py --collections-path .build/installed

Runs voiceid_speaker (the module process, as AnsiballZ would) with its default timeouts against two loopback
endpoints: one that accepts connections and never answers, one where nothing listens. Prints the time each
run took and the message it failed with. Figures, not assertions. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any
from typing import Dict
from typing import List

REPO = pathlib.Path(__file__).resolve().parents[1]
DOMAIN_ID = "BenchmarkDomain0000001"


def hung_endpoint() -> socket.socket:
    """A loopback listener that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(256)
    accepted: List[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(collections_path: pathlib.Path, workdir: pathlib.Path, port: int, args: Dict[str, Any]) -> None:
    module_args = dict(
        args,
        domain_id=DOMAIN_ID,
        state="absent",
        endpoint_url=f"http://127.0.0.1:{port}",
        region="eu-west-2",
        access_key="AKIDBENCHMARK000000",
        secret_key="benchmark-secret",
    )
    args_file = workdir / "args.json"
    args_file.write_text(json.dumps(module_args))
    started = time.monotonic()
    process = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run_module.py"),
            str(collections_path),
            "voiceid_speaker",
            str(args_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    result = json.loads(process.stdout)
    print(f"  {elapsed:6.1f} s  failed={result.get('failed')}  msg: {result.get('msg', '')[:240]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections-path", type=pathlib.Path, default=REPO / ".build" / "installed")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        workdir = pathlib.Path(temp)
        server = hung_endpoint()
        print("One speaker, endpoint accepts connections and never answers (goal: a clear failure within 2 min):")
        run(options.collections_path.resolve(), workdir, int(server.getsockname()[1]), {"speaker_id": "customer-1"})
        server.close()
        print("200 speakers, nothing listens on the port (goal: a clear failure within 1 min):")
        ids = [f"customer-{number:03d}" for number in range(200)]
        run(options.collections_path.resolve(), workdir, refused_port(), {"speaker_ids": ids})


if __name__ == "__main__":
    main()
