# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the bulk benchmarks share: ansible-playbook runs against a local emulator, timed, and their reports.

bulk_optout.py (speakers) and bulk_fraudsters.py (fraudsters) import it; run from benchmarks/ on the path (as
`python benchmarks/NAME.py` puts it)."""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Tuple

from voiceid_emulator import EmulatorServer  # the package in emulator/ (make emulator-wheel installs it)

REPO = pathlib.Path(__file__).resolve().parents[1]
DOMAIN_ID = "BenchmarkDomain0000001"


class Bench:
    """Runs playbooks (templates with {module}, {domain_id}, {ids_file} and {extra}: the task's further options)
    against the emulator, through the collection installed at collections_path."""

    def __init__(self, server: EmulatorServer, collections_path: pathlib.Path, workdir: pathlib.Path) -> None:
        self.server = server
        self.workdir = workdir
        self.env = dict(
            os.environ,
            AWS_ENDPOINT_URL_VOICE_ID=server.url,
            AWS_REGION="eu-west-2",
            AWS_ACCESS_KEY_ID="AKIDBENCHMARK000000",
            AWS_SECRET_ACCESS_KEY="benchmark-secret",
            ANSIBLE_COLLECTIONS_PATH=str(collections_path),
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        )
        self.bin = pathlib.Path(sys.executable).parent
        self.last_stdout = ""
        self.started_at = self.ended_at = 0.0  # wall clock of the latest playbook run, as the call log's timestamps

    def playbook(
        self,
        template: str,
        ids: List[str],
        module: str = "voiceid_speaker_optout",
        state: Optional[str] = None,
        request_rates: Optional[Mapping[str, float]] = None,
        options: Optional[Dict[str, Any]] = None,
    ) -> float:
        """Seconds one ansible-playbook run takes, start to finish (the ids go in through a file)."""
        ids_file = self.workdir / "ids.json"
        ids_file.write_text(json.dumps(ids))
        playbook = self.workdir / "playbook.yml"
        extra = ""
        every = dict(options or {})
        if state is not None:
            every["state"] = state
        if request_rates is not None:
            every["request_rates"] = request_rates
        for name, value in every.items():
            extra += f"\n        {name}: {json.dumps(value)}"  # JSON is YAML
        playbook.write_text(template.format(domain_id=DOMAIN_ID, ids_file=ids_file, module=module, extra=extra))
        started = time.monotonic()
        self.started_at = time.time()
        command = [str(self.bin / "ansible-playbook"), str(playbook)]
        run = subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        self.ended_at = time.time()
        self.last_stdout = run.stdout
        if run.returncode != 0:
            raise SystemExit(f"ansible-playbook failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        return elapsed

    def startup(self, template: str, repeats: int = 3, **playbook_args: Any) -> float:
        """Ansible's fixed cost: the same playbook and module with an empty list (median of repeats)."""
        return statistics.median(self.playbook(template, [], **playbook_args) for _repeat in range(repeats))


def report(name: str, beyond: float, bound: float, goal: float) -> None:
    ratio = beyond / bound
    verdict = "meets" if ratio <= goal else "MISSES"
    print(f"{name:<52} {beyond:7.2f} s {bound:6.1f} s {ratio:6.2f}  {verdict} goal <= {goal}")


def answered_and_throttled(server: EmulatorServer) -> Tuple[int, int]:
    """(calls answered other than throttled, throttled answers), from the emulator's call log."""
    calls = [call for call in server.calls() if call.get("operation")]
    throttled_calls = sum(1 for call in calls if call.get("error_code") == "ThrottlingException")
    return len(calls) - throttled_calls, throttled_calls


def throttled(server: EmulatorServer) -> List[Dict[str, Any]]:
    return [call for call in server.calls() if call.get("error_code") == "ThrottlingException"]
