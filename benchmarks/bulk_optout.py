# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How close the bulk mode of voiceid_speaker_optout and voiceid_speaker runs to the limit set by Voice ID's
request quotas.

    make bench            (or: python benchmarks/bulk_optout.py --collections-path .build/installed)

Runs real ansible-playbook processes against the local emulator with the quotas enforced (AWS's defaults, then
quotas raised tenfold: 100/s for DescribeSpeaker, OptOutSpeaker and DeleteSpeaker, 50/s for ListSpeakers) and
25 ms added to every call, and prints for each case the time beyond Ansible's fixed start-up (the same playbook
with an empty list, measured in the same run), the bound, and their ratio; then the speed-up over a `loop:` of
single-speaker tasks, the tail after the last page of a paging-bound run next to the paging time, the adaptive
rate (request_rates ten times the quotas: the span from the first call to the last against the bound, and the
throttled answers per answered call; every 2nd call throttled and every 7th a 500: every speaker done, and
summary.throttled against the call log), and the peak memory of the module process for a 100,000-speaker domain.
Figures, not assertions: nothing here fails on a slow machine. Other processes on the machine make them noisy.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from harness import DOMAIN_ID
from harness import REPO
from harness import Bench
from harness import answered_and_throttled
from harness import report
from harness import throttled
from voiceid_emulator import EmulatorServer  # the package in emulator/ (make emulator-wheel installs it)

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - speakerops.voiceid.{module}:
        domain_id: {domain_id}
        speaker_ids: "{{{{ lookup('ansible.builtin.file', '{ids_file}') | from_json }}}}"{extra}
      register: result
    - ansible.builtin.assert:
        that: result.failures | length == 0
"""
# AWS's quotas raised tenfold, as an account may have them: the module is told, the emulator enforces them.
RAISED_REQUEST_RATES = {"describe_speaker": 100, "opt_out_speaker": 100, "list_speakers": 50}
RAISED_QUOTAS = {"DescribeSpeaker": 100.0, "OptOutSpeaker": 100.0, "DeleteSpeaker": 100.0, "ListSpeakers": 50.0}
# The same, printing what the run did: it must not fail the play, whatever happened.
FAULTS_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - speakerops.voiceid.{module}:
        domain_id: {domain_id}
        speaker_ids: "{{{{ lookup('ansible.builtin.file', '{ids_file}') | from_json }}}}"{extra}
      register: result
      ignore_errors: true
    - ansible.builtin.debug:
        msg: >-
          SUMMARY failed={{{{ result.failures | default([]) | length }}}}
          throttled={{{{ result.summary.throttled | default(-1) }}}}
          retried={{{{ result.summary.retried | default(-1) }}}}
"""
LOOP_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - speakerops.voiceid.voiceid_speaker_optout:
        domain_id: {domain_id}
        speaker_id: "{{{{ item }}}}"
      loop: "{{{{ lookup('ansible.builtin.file', '{ids_file}') | from_json }}}}"
"""


def seed(count: int, status: str, enrolled: Optional[List[str]] = None) -> Dict[str, Any]:
    speakers = [{"customer_speaker_id": speaker_id, "status": "ENROLLED"} for speaker_id in enrolled or []]
    return {
        "region": "eu-west-2",  # the region the benchmark's module runs use
        "domains": [
            {
                "domain_id": DOMAIN_ID,
                "name": "benchmark",
                "speakers": speakers,
                "generate": [{"count": count - len(speakers), "prefix": "bench-", "width": 6, "status": status}],
            }
        ],
    }


def ids(numbers: range) -> List[str]:
    return [f"bench-{number:06d}" for number in numbers]


def memory_case(collections_path: pathlib.Path, workdir: pathlib.Path, count: int) -> int:
    """Peak RSS (KiB) of the module process opting out every speaker of a count-speaker domain, all opted out."""
    with EmulatorServer(seed=seed(count, "OPTED_OUT"), latency_ms=0) as server:
        args_file = workdir / "memory-args.json"
        args = {
            "domain_id": DOMAIN_ID,
            "speaker_ids": ids(range(count)),
            "endpoint_url": server.url,
            "region": "eu-west-2",
            "access_key": "AKIDBENCHMARK000000",
            "secret_key": "benchmark-secret",
            # The quotas are not enforced here: memory does not depend on speed, and this keeps the run short.
            "request_rates": {"describe_speaker": 200, "list_speakers": 200, "opt_out_speaker": 200},
        }
        args_file.write_text(json.dumps(args))
        run = subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "run_module.py"),
                str(collections_path),
                "voiceid_speaker_optout",
                str(args_file),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    result = json.loads(run.stdout)
    if result.get("failed") or len(result["speakers"]) != count:
        raise SystemExit(f"memory case failed: {result.get('msg')}")
    return int(run.stderr.strip().rsplit("peak_rss_kib=", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections-path", type=pathlib.Path, default=REPO / ".build" / "installed")
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--loop-sample", type=int, default=40, help="single-speaker tasks timed for the loop figure")
    parser.add_argument("--memory-speakers", type=int, default=100_000)
    parser.add_argument(
        "--cases",
        default="default,raised,adaptive,memory",
        help="which groups to run: default quotas, raised, adaptive (rates above the quotas, heavy throttling), memory",
    )
    options = parser.parse_args()
    cases = set(options.cases.split(","))
    collections_path = options.collections_path.resolve()

    # realism: overlapping writes to one speaker conflict and ListSpeakers lags, as on the real service
    emulator = EmulatorServer(enforce_quotas=True, latency_ms=options.latency_ms, realism=True)
    with tempfile.TemporaryDirectory() as temp, emulator as server:
        workdir = pathlib.Path(temp)
        bench = Bench(server, collections_path, workdir)
        print(f"Emulator: AWS's default quotas enforced, {options.latency_ms:g} ms per call")
        print(f"{'case':<52} {'beyond':>9} {'bound':>8} {'ratio':>6}")

        server.load_seed(seed(10_000, "OPTED_OUT"))
        startup = bench.startup(PLAYBOOK)
        print(f"{'Ansible start-up (same playbook, empty list)':<52} {startup:7.2f} s")

        all_ids = ids(range(10_000))
        if "default" in cases:
            server.clear_calls()
            bulk_total = bench.playbook(PLAYBOOK, all_ids)
            writes = len(server.calls("OptOutSpeaker"))
            report("10,000 opted out, all requested (100 pages at 5/s)", bulk_total - startup, 20.0, 1.25)
            print(f"{'':<52} OptOutSpeaker calls: {writes}, throttled calls: {len(throttled(server))}")

            sample = all_ids[: options.loop_sample]
            loop_total = bench.playbook(LOOP_PLAYBOOK, sample)
            per_item = (loop_total - startup) / len(sample)
            loop_10k = startup + per_item * 10_000
            print(
                f"{'loop: of single tasks, 10,000 speakers (extrapolated)':<52} {loop_10k:7.0f} s"
                f"  ({per_item:.3f} s per item, timed over {len(sample)})"
            )
            speed_up = loop_10k / bulk_total
            print(f"{'bulk speed-up over the loop (whole playbook runs)':<52} {speed_up:7.0f} x  goal >= 100")

            server.load_seed(seed(10_000, "OPTED_OUT"))
            spread = ids(range(0, 10_000, 500))  # 20 speakers spread over the domain
            spread_total = bench.playbook(PLAYBOOK, spread)
            report("20 of a 10,000-speaker domain (20 describes at 10/s)", spread_total - startup, 2.0, 1.5)

            enrolled = [f"enrolled-{number:04d}" for number in range(300)]
            server.load_seed(seed(10_000, "OPTED_OUT", enrolled=enrolled))
            server.clear_calls()
            enrolled_total = bench.playbook(PLAYBOOK, enrolled)
            report("300 enrolled of 10,000 (300 opt-outs at 10/s)", enrolled_total - startup, 30.0, 1.15)
            writes = len(server.calls("OptOutSpeaker"))
            print(f"{'':<52} OptOutSpeaker calls: {writes}, throttled calls: {len(throttled(server))}")

            server.load_seed(seed(10_000, "OPTED_OUT", enrolled=enrolled))
            server.clear_calls()
            erase_total = bench.playbook(PLAYBOOK, enrolled, module="voiceid_speaker", state="absent")
            report("voiceid_speaker: erase 300 of 10,000 (300 at 10/s)", erase_total - startup, 30.0, 1.15)
            writes = len(server.calls("DeleteSpeaker"))
            print(f"{'':<52} DeleteSpeaker calls: {writes}, throttled calls: {len(throttled(server))}")

        if "raised" in cases:
            print(f"Quotas raised tenfold: {json.dumps(RAISED_QUOTAS)}")
            server.configure(rates=RAISED_QUOTAS)
            many_enrolled = [f"enrolled-{number:04d}" for number in range(3_000)]
            server.load_seed(seed(10_000, "OPTED_OUT", enrolled=many_enrolled))
            server.clear_calls()
            raised_total = bench.playbook(PLAYBOOK, many_enrolled, request_rates=RAISED_REQUEST_RATES)
            report("3,000 enrolled of 10,000 (3,000 opt-outs at 100/s)", raised_total - startup, 30.0, 1.15)
            writes = len(server.calls("OptOutSpeaker"))
            describes = len(server.calls("DescribeSpeaker"))
            print(f"{'':<52} OptOutSpeaker calls: {writes}, DescribeSpeaker calls: {describes}")

            server.load_seed(seed(10_000, "OPTED_OUT"))
            server.clear_calls()
            paged_total = bench.playbook(PLAYBOOK, all_ids, request_rates=RAISED_REQUEST_RATES)
            paging = 100 * options.latency_ms / 1000  # 100 pages one after the other
            bound = max(100 / RAISED_QUOTAS["ListSpeakers"], paging)
            report("10,000 opted out (100 pages: max(2 s, 100 x latency))", paged_total - startup, bound, 2.0)
            describes = len(server.calls("DescribeSpeaker"))
            pages = [call["timestamp"] for call in server.calls("ListSpeakers")]
            print(f"{'':<52} DescribeSpeaker calls: {describes}, ListSpeakers calls: {len(pages)}")
            print(
                f"{'':<52} paging {max(pages) - min(pages):.2f} s (first to last page),"
                f" then {bench.ended_at - max(pages):.2f} s to the end of the playbook"
            )

        if "adaptive" in cases:
            adaptive_cases(server, bench, startup)

    if "memory" in cases:
        with tempfile.TemporaryDirectory() as temp:
            peak = memory_case(collections_path, pathlib.Path(temp), options.memory_speakers)
            print(
                f"{'peak memory of the module, ' + format(options.memory_speakers, ',') + ' speakers requested':<52} "
                f"{peak / 1024:7.0f} MiB"
            )


# request_rates ten times AWS's default quotas, against an emulator that enforces the defaults.
TENFOLD_REQUEST_RATES = {"describe_speaker": 100, "opt_out_speaker": 100, "list_speakers": 50}
# Every 2nd call throttled and every 7th answered 500 (the emulator's fault rules, counted over all calls).
HEAVY_FAULT_RULES = [{"every": 2, "code": "ThrottlingException"}, {"every": 7, "code": "InternalServerException"}]


def adaptive_cases(server: EmulatorServer, bench: Bench, startup: float) -> None:
    """The adaptive rate: request_rates above the real quota, and heavy throttling with faults."""
    enrolled = [f"enrolled-{number:04d}" for number in range(150)]
    mixed = enrolled + ids(range(150))
    mixed_seed = seed(300, "OPTED_OUT", enrolled=enrolled)
    print("Adaptive rate: AWS's default quotas enforced, 300 speakers (150 enrolled, 150 opted out), all requested")
    # The bound at the real quotas: 150 opt-outs at 10/s (the reads, 3 pages, take well under a second).
    bound = 150 / 10.0
    for name, rates in (
        ("request_rates at the quotas (the defaults)", None),
        ("request_rates 10x the quotas", TENFOLD_REQUEST_RATES),
    ):
        server.configure(rates={}, rules=[], throttle_rate=0.0, fault_rate=0.0)
        server.load_seed(mixed_seed)
        server.clear_calls()
        total = bench.playbook(PLAYBOOK, mixed, request_rates=rates)
        report(f"{name} (bound {bound:g} s)", total - startup, bound, 1.3)
        answered_calls, throttled_calls = answered_and_throttled(server)
        stamps = [call["timestamp"] for call in server.calls()]
        span = max(stamps) - min(stamps)  # free of Ansible's start-up, which a loaded machine makes noisy
        print(
            f"{'':<52} first call to last: {span:.2f} s, {span / bound:.2f} x the bound (goal <= 1.3);"
            f" throttled answers per answered call: {throttled_calls / answered_calls:.2f}"
            f" ({throttled_calls} / {answered_calls}, goal <= 0.5)"
        )

    for state, module in (("opted out", "voiceid_speaker_optout"), ("erased", "voiceid_speaker")):
        server.configure(rules=HEAVY_FAULT_RULES)
        server.load_seed(mixed_seed)
        server.clear_calls()
        extra_state = "absent" if module == "voiceid_speaker" else None
        total = bench.playbook(FAULTS_PLAYBOOK, mixed, module=module, state=extra_state)
        summary = dict(re.findall(r"(\w+)=(-?\d+)", bench.last_stdout.split("SUMMARY", 1)[1].split('"', 1)[0]))
        answered_calls, throttled_calls = answered_and_throttled(server)
        print(
            f"{'every 2nd call throttled, every 7th a 500: ' + state:<52} {total - startup:7.2f} s"
            f"  done {300 - int(summary['failed'])} of 300, failed {summary['failed']},"
            f" throttled {summary['throttled']} (call log: {throttled_calls}), retried {summary['retried']}"
        )
    server.configure(rules=[])


if __name__ == "__main__":
    main()
