# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How close the bulk mode of voiceid_fraudster runs to the limit set by Voice ID's request quotas.

    make bench            (or: python benchmarks/bulk_fraudsters.py --collections-path .build/installed)

Runs real ansible-playbook processes against the local emulator with the quotas enforced (AWS's defaults:
DescribeFraudster and DeleteFraudster 10/s, AssociateFraudster and DisassociateFraudster 2/s; then raised tenfold,
the module told through request_rates) and 25 ms added to every call. Two cases: deleting fraudsters (state:
absent: DescribeFraudster, then DeleteFraudster) and moving fraudsters to another watchlist with purge_watchlists
(DescribeFraudster, AssociateFraudster, then DisassociateFraudster). For each it prints the time beyond Ansible's
fixed start-up (the same playbook with an empty list, measured in the same run), the bound (the slowest
operation's calls at its rate: reads and writes of different fraudsters overlap), their ratio, and the span from
the first call to the last in the emulator's call log (which the start-up does not blur). After each case it
checks, in the emulator's state and call log, that every fraudster was handled, and says so. Then the speed-up
over a `loop:` of single-fraudster tasks, for a small list. Figures, not assertions: nothing here fails on a slow
machine, only a fraudster not handled stops it.

The emulator's resource quotas bound the lists: at most 500 fraudsters in a watchlist, 3 watchlists in a domain
(the default one and two more: `source` and `target`).
"""

from __future__ import annotations

import argparse
import collections
import json
import pathlib
import tempfile
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from harness import DOMAIN_ID
from harness import REPO
from harness import Bench
from harness import report
from harness import throttled
from voiceid_emulator import EmulatorServer  # the package in emulator/ (make emulator-wheel installs it)

DEFAULT_WATCHLIST = "BenchmarkDefaultList01"
SOURCE = "BenchmarkSourceList001"
TARGET = "BenchmarkTargetList001"
FRAUDSTERS_PER_WATCHLIST = 500  # the emulator's (and AWS's) quota

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - speakerops.voiceid.voiceid_fraudster:
        domain_id: {domain_id}
        fraudster_ids: "{{{{ lookup('ansible.builtin.file', '{ids_file}') | from_json }}}}"{extra}
      register: result
    - ansible.builtin.assert:
        that: result.failures | length == 0
"""
LOOP_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - speakerops.voiceid.voiceid_fraudster:
        domain_id: {domain_id}
        fraudster_id: "{{{{ item }}}}"{extra}
      loop: "{{{{ lookup('ansible.builtin.file', '{ids_file}') | from_json }}}}"
"""
# The two cases: the task's options, and what the report calls them.
OPTIONS: Dict[str, Dict[str, Any]] = {
    "delete": {"state": "absent"},
    "move": {"watchlists": ["target"], "purge_watchlists": True},  # by name: ListWatchlists resolves it
}
LABEL = {
    "delete": "delete {count:,} ({count:,} describe + delete at {rate:g}/s)",
    "move": "move {count:,} ({count:,} associate + disassociate at {rate:g}/s)",
}

# AWS's default quotas of the operations a run calls (the emulator's quotas.py; the module's defaults are the same).
DEFAULT_QUOTAS = {
    "DescribeFraudster": 10.0,
    "DeleteFraudster": 10.0,
    "AssociateFraudster": 2.0,
    "DisassociateFraudster": 2.0,
    "ListWatchlists": 2.0,
}
# Raised tenfold, as an account may have them: the module is told, the emulator enforces them.
RAISED_QUOTAS = {operation: rate * 10 for operation, rate in DEFAULT_QUOTAS.items()}
RAISED_REQUEST_RATES: Dict[str, float] = {
    "describe_fraudster": 100,
    "delete_fraudster": 100,
    "associate_fraudster": 20,
    "disassociate_fraudster": 20,
    "list_watchlists": 20,
}
# The calls each fraudster of a case needs, one of each (ListWatchlists is once a run, and not a bound here).
CASE_OPERATIONS = {
    "delete": ("DescribeFraudster", "DeleteFraudster"),
    "move": ("DescribeFraudster", "AssociateFraudster", "DisassociateFraudster"),
}


def fraudster_ids(numbers: range) -> List[str]:
    return [f"id#bench{number:017d}" for number in numbers]  # id# and 22 letters or digits


def seed(in_default: int, in_source: int) -> Dict[str, Any]:
    """A domain with in_default fraudsters in its default watchlist, then in_source in `source`; `target` empty."""
    everyone = fraudster_ids(range(in_default + in_source))
    return {
        "region": "eu-west-2",  # the region the benchmark's module runs use
        "domains": [
            {
                "domain_id": DOMAIN_ID,
                "name": "benchmark",
                "watchlist_id": DEFAULT_WATCHLIST,
                "watchlists": [{"name": "source", "watchlist_id": SOURCE}, {"name": "target", "watchlist_id": TARGET}],
                "fraudsters": [
                    {"generated_fraudster_id": fraudster_id, "watchlists": [DEFAULT_WATCHLIST]}
                    for fraudster_id in everyone[:in_default]
                ]
                + [
                    {"generated_fraudster_id": fraudster_id, "watchlists": [SOURCE]}
                    for fraudster_id in everyone[in_default:]
                ],
            }
        ],
    }


def bound(case: str, count: int, quotas: Dict[str, float]) -> float:
    """Seconds the quotas allow at best: the slowest operation's calls at its rate (the others overlap it)."""
    return max(count / quotas[operation] for operation in CASE_OPERATIONS[case])


def handled(server: EmulatorServer, case: str, requested: List[str]) -> str:
    """Check in the emulator's state and call log that every requested fraudster was handled, exactly once;
    a line saying so (SystemExit otherwise)."""
    domain = server.state(DOMAIN_ID, include_speakers=False)["domains"][0]
    memberships = {
        fraudster["generated_fraudster_id"]: fraudster["watchlist_ids"] for fraudster in domain["fraudsters"]
    }
    wanted = set(requested)
    if case == "delete":
        wrong = wanted & set(memberships)
        writes: Dict[str, Optional[str]] = {"DeleteFraudster": None}  # operation: the watchlist of its calls
    else:
        wrong = {fraudster_id for fraudster_id in wanted if memberships.get(fraudster_id) != [TARGET]}
        writes = {"AssociateFraudster": TARGET, "DisassociateFraudster": SOURCE}
    problems = [f"{len(wrong)} of {len(wanted)} fraudsters not in the state wanted"] if wrong else []
    for operation, watchlist_id in writes.items():
        answered = [call["params"] for call in server.calls(operation) if call.get("status") == 200]
        per_fraudster = collections.Counter(params["FraudsterId"] for params in answered)
        if set(per_fraudster) != wanted or max(per_fraudster.values()) != 1:
            problems.append(f"{operation}: {len(answered)} answered calls for {len(per_fraudster)} fraudsters")
        if watchlist_id is not None and {params["WatchlistId"] for params in answered} - {watchlist_id}:
            problems.append(f"{operation}: a call for another watchlist")
    if problems:
        raise SystemExit(f"{case}: not every fraudster was handled: {'; '.join(problems)}")
    done = "deleted (gone from the domain)" if case == "delete" else "moved (each now in `target` only)"
    calls = ", ".join(f"{operation} {len(server.calls(operation))}" for operation in CASE_OPERATIONS[case])
    return f"all {len(wanted)} {done}; one answered write each; calls: {calls}, throttled {len(throttled(server))}"


def run_case(
    server: EmulatorServer,
    bench: Bench,
    startup: Dict[str, float],
    case: str,
    count: int,
    quotas: Dict[str, float],
    request_rates: Optional[Dict[str, float]],
) -> float:
    """One bulk run over count fraudsters, reported; the playbook's whole time."""
    requested = fraudster_ids(range(count))
    if case == "delete":
        server.load_seed(seed(min(count, FRAUDSTERS_PER_WATCHLIST), max(0, count - FRAUDSTERS_PER_WATCHLIST)))
    else:
        server.load_seed(seed(0, count))
    server.clear_calls()
    total = bench.playbook(
        PLAYBOOK, requested, module="voiceid_fraudster", request_rates=request_rates, options=OPTIONS[case]
    )
    case_bound = bound(case, count, quotas)
    slowest = min(quotas[operation] for operation in CASE_OPERATIONS[case])
    report(
        LABEL[case].format(count=count, rate=slowest),
        total - startup[case],
        case_bound,
        1.15 if request_rates is None else 1.5,
    )
    stamps = [call["timestamp"] for call in server.calls() if call.get("operation")]
    span = max(stamps) - min(stamps)
    print(f"{'':<52} first call to last: {span:.2f} s, {span / case_bound:.2f} x the bound")
    print(f"{'':<52} {handled(server, case, requested)}")
    return total


def loop_case(server: EmulatorServer, bench: Bench, startup: Dict[str, float], case: str, count: int) -> float:
    """A loop: of single-fraudster tasks against one bulk task, count fraudsters each, at the default quotas;
    the loop's seconds per fraudster beyond start-up."""
    requested = fraudster_ids(range(count))
    fresh = seed(count, 0) if case == "delete" else seed(0, count)
    server.load_seed(fresh)
    server.clear_calls()
    loop_total = bench.playbook(LOOP_PLAYBOOK, requested, module="voiceid_fraudster", options=OPTIONS[case])
    loop_check = handled(server, case, requested)
    server.load_seed(fresh)
    server.clear_calls()
    bulk_total = bench.playbook(PLAYBOOK, requested, module="voiceid_fraudster", options=OPTIONS[case])
    handled(server, case, requested)
    per_item = (loop_total - startup[case]) / count
    print(
        f"{'loop: of single tasks, ' + case + ' ' + str(count):<52} {loop_total:7.2f} s"
        f"  ({per_item:.2f} s per fraudster beyond start-up; {loop_check.split(';')[0]})"
    )
    print(
        f"{'one bulk task, the same ' + str(count):<52} {bulk_total:7.2f} s  speed-up {loop_total / bulk_total:.1f} x"
    )
    return per_item


def extrapolated(startup: Dict[str, float], per_item: Dict[str, float], runs: List[Tuple[str, int, float]]) -> None:
    """The loop: over each bulk run's list, from the loop's time per fraudster (which the quotas hardly touch:
    Ansible's cost per task dominates), against the bulk run."""
    for case, count, bulk_total in runs:
        if case in per_item:
            loop_total = startup[case] + per_item[case] * count
            print(
                f"{'loop: over the ' + format(count, ',') + ' of ' + case + ' (extrapolated)':<52} {loop_total:7.0f} s"
                f"  bulk {bulk_total:.1f} s: speed-up {loop_total / bulk_total:.0f} x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections-path", type=pathlib.Path, default=REPO / ".build" / "installed")
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--delete", type=int, default=300, help="fraudsters deleted at the default quotas")
    parser.add_argument("--move", type=int, default=60, help="fraudsters moved at the default quotas")
    parser.add_argument("--raised-delete", type=int, default=1000, help="fraudsters deleted at raised quotas (<= 1000)")
    parser.add_argument("--raised-move", type=int, default=400, help="fraudsters moved at raised quotas (<= 500)")
    parser.add_argument("--loop-sample", type=int, default=10, help="fraudsters of the loop: figure")
    parser.add_argument("--cases", default="default,raised,loop", help="which groups to run: default, raised, loop")
    options = parser.parse_args()
    cases = set(options.cases.split(","))
    collections_path = options.collections_path.resolve()

    emulator = EmulatorServer(enforce_quotas=True, latency_ms=options.latency_ms, realism=True)
    with tempfile.TemporaryDirectory() as temp, emulator as server:
        bench = Bench(server, collections_path, pathlib.Path(temp))
        print(f"Emulator: AWS's default quotas enforced, {options.latency_ms:g} ms per call")
        print(f"{'case':<52} {'beyond':>9} {'bound':>8} {'ratio':>6}")
        server.load_seed(seed(0, 0))
        startup = {case: bench.startup(PLAYBOOK, module="voiceid_fraudster", options=OPTIONS[case]) for case in OPTIONS}
        for case, seconds in startup.items():
            print(f"{'Ansible start-up (' + case + ', empty list)':<52} {seconds:7.2f} s")

        runs: List[Tuple[str, int, float]] = []  # (case, fraudsters, seconds) of each bulk run
        if "default" in cases:
            for case, count in (("delete", options.delete), ("move", options.move)):
                runs.append((case, count, run_case(server, bench, startup, case, count, DEFAULT_QUOTAS, None)))

        per_item: Dict[str, float] = {}
        if "loop" in cases:
            for case in OPTIONS:
                per_item[case] = loop_case(server, bench, startup, case, options.loop_sample)

        if "raised" in cases:
            print(f"Quotas raised tenfold: {json.dumps(RAISED_QUOTAS)}")
            server.configure(rates=RAISED_QUOTAS)
            for case, count in (("delete", options.raised_delete), ("move", options.raised_move)):
                total = run_case(server, bench, startup, case, count, RAISED_QUOTAS, RAISED_REQUEST_RATES)
                runs.append((case, count, total))

        extrapolated(startup, per_item, runs)


if __name__ == "__main__":
    main()
