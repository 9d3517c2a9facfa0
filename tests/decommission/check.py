# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the outcome of the decommission playbook against the emulator's state, read independently.

    python tests/decommission/check.py PHASE BEFORE_STATE AFTER_STATE CALLS EXPORT_ROOT

PHASE is `check` (check mode: nothing deleted, nothing written), `apply` (every domain exported and deleted,
exports equal to the seeded data, evidence without speaker ids, the accounts and regions were handled together) or
`again` (a second run: no domain to delete, nothing deleted). Prints what it checked; exits 1 on the first
problem.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import sys
from typing import Any
from typing import Dict
from typing import List
from typing import Tuple

WRITES = {"CreateDomain", "UpdateDomain", "DeleteDomain", "TagResource", "UntagResource", "OptOutSpeaker"}


def fail(message: str) -> None:
    print(f"decommission check: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def load(path: str) -> Any:
    return json.loads(pathlib.Path(path).read_text())


def pair(domain: Dict[str, Any]) -> Tuple[str, str]:
    return str(domain["account_id"]), str(domain["region"])


def check_nothing_changed(
    before: Dict[str, Any], after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path
) -> None:
    if after["domains"] != before["domains"]:
        fail("check mode changed the emulator's domains")
    writes = [call["operation"] for call in calls if call["operation"] in WRITES]
    if writes:
        fail(f"check mode made writes: {writes}")
    files = [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
    if files:
        fail(f"check mode wrote files: {files[:5]}")
    print(f"check mode: {len(before['domains'])} domains untouched, no write call, no file written")


def check_exports(domain: Dict[str, Any], directory: pathlib.Path) -> Dict[str, str]:
    """The export files of one domain hold exactly its seeded data; returns file name -> sha256."""
    exported = {
        name: json.loads((directory / name).read_text())
        for name in ("domain.json", "speakers.json", "watchlists.json", "fraudsters.json")
    }
    if exported["domain.json"]["domain_id"] != domain["domain_id"]:
        fail(f"{directory}/domain.json names {exported['domain.json'].get('domain_id')}")
    seeded_speakers = sorted(
        (s["customer_speaker_id"], s["generated_speaker_id"], s["status"]) for s in domain["speakers"]
    )
    speakers = sorted(
        (s.get("customer_speaker_id"), s.get("generated_speaker_id"), s.get("status"))
        for s in exported["speakers.json"]
    )
    if speakers != seeded_speakers:
        fail(f"{directory}/speakers.json differs from the {len(seeded_speakers)} seeded speakers")
    seeded_fraudsters = sorted((f["generated_fraudster_id"], sorted(f["watchlist_ids"])) for f in domain["fraudsters"])
    fraudsters = sorted((f["generated_fraudster_id"], sorted(f["watchlist_ids"])) for f in exported["fraudsters.json"])
    if fraudsters != seeded_fraudsters:
        fail(f"{directory}/fraudsters.json differs from the {len(seeded_fraudsters)} seeded fraudsters")
    seeded_watchlists = sorted((w["watchlist_id"], w["name"], w["default_watchlist"]) for w in domain["watchlists"])
    watchlists = sorted((w["watchlist_id"], w["name"], w["default_watchlist"]) for w in exported["watchlists.json"])
    if watchlists != seeded_watchlists:
        fail(f"{directory}/watchlists.json differs from the seeded watchlists")
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in exported}


def check_evidence(
    account: str,
    region: str,
    domains: List[Dict[str, Any]],
    hashes: Dict[str, Dict[str, str]],
    directory: pathlib.Path,
    personal: List[str],
) -> Dict[str, Any]:
    records = sorted(directory.glob("evidence-*.json"))
    if len(records) != 1:
        fail(f"{directory}: {len(records)} evidence records, expected 1")
    text = records[0].read_text()
    leaked = [value for value in personal if value in text]
    if leaked:
        fail(f"{records[0]} holds {len(leaked)} speaker ids")
    evidence = json.loads(text)
    expected = {"outcome": "every domain exported and deleted", "account": account, "region": region, "domains_left": 0}
    for key, value in expected.items():
        if evidence.get(key) != value:
            fail(f"{records[0]}: {key} is {evidence.get(key)!r}, expected {value!r}")
    if not evidence.get("run_by") or not evidence.get("started_at") or not evidence.get("finished_at"):
        fail(f"{records[0]}: run_by, started_at and finished_at are required")
    if sorted(evidence["deleted_domain_ids"]) != sorted(d["domain_id"] for d in domains):
        fail(f"{records[0]}: deleted_domain_ids {evidence['deleted_domain_ids']} are not the seeded domains")
    by_id = {record["domain_id"]: record for record in evidence["domains"]}
    for domain in domains:
        record = by_id.get(domain["domain_id"])
        if record is None:
            fail(f"{records[0]}: no record of domain {domain['domain_id']}")
        statuses: Dict[str, int] = {}
        for speaker in domain["speakers"]:
            statuses[speaker["status"]] = statuses.get(speaker["status"], 0) + 1
        counts = (record["speakers"], record["speakers_by_status"], record["watchlists"], record["fraudsters"])
        if counts != (len(domain["speakers"]), statuses, len(domain["watchlists"]), len(domain["fraudsters"])):
            fail(f"{records[0]}: the counts of {domain['domain_id']} are {counts}")
        if record["files_sha256"] != hashes[domain["domain_id"]]:
            fail(f"{records[0]}: the sha256 of the exports of {domain['domain_id']} do not match the files")
    return evidence


def check_applied(
    before: Dict[str, Any], after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path
) -> None:
    if after["domains"]:
        fail(f"{len(after['domains'])} domains left: {[d['domain_id'] for d in after['domains']]}")
    deleted = sorted(d["domain_id"] for d in after["deleted_domains"])
    if deleted != sorted(d["domain_id"] for d in before["domains"]):
        fail(f"the deleted domains {deleted} are not the seeded ones")
    personal = sorted(
        {s["customer_speaker_id"] for d in before["domains"] for s in d["speakers"]}
        | {s["generated_speaker_id"] for d in before["domains"] for s in d["speakers"]}
    )
    pairs = sorted(
        {pair(d) for d in before["domains"]} | {("111111111111", "us-east-1"), ("222222222222", "us-east-1")}
    )
    for account, region in pairs:
        domains = [d for d in before["domains"] if pair(d) == (account, region)]
        directory = root / account / region
        hashes = {d["domain_id"]: check_exports(d, directory / d["domain_id"]) for d in domains}
        check_evidence(account, region, domains, hashes, directory, personal)
        print(
            f"{account}/{region}: {len(domains)} domains exported (files equal to the seeded data) and deleted;"
            " evidence with counts and sha256, no speaker id"
        )
    # The pairs were handled in one run, task by task (forks only decide how many at once, which this does not
    # time): the calls of every pair span a time that the calls of every other pair overlap.
    spans: Dict[Tuple[str, str], Tuple[float, float]] = {}
    for call in calls:
        key = (str(call.get("account_id")), str(call.get("region")))
        start, end = spans.get(key, (call["timestamp"], call["timestamp"]))
        spans[key] = (min(start, call["timestamp"]), max(end, call["timestamp"]))
    if len(spans) != 4:
        fail(f"calls came from {sorted(spans)}, expected the 4 account/region pairs")
    latest_start = max(span[0] for span in spans.values())
    earliest_end = min(span[1] for span in spans.values())
    if latest_start >= earliest_end:
        fail("the account/region pairs ran one after another, not task by task together")
    deletes = [c for c in calls if c["operation"] == "DeleteDomain"]
    if len(deletes) != len(before["domains"]) or any(c["status"] != 200 for c in deletes):
        fail(f"{len(deletes)} DeleteDomain calls for {len(before['domains'])} domains")
    print(f"4 account/region pairs handled together; {len(deletes)} DeleteDomain calls, one per domain")


def check_again(before: Dict[str, Any], after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path) -> None:
    writes = [call["operation"] for call in calls if call["operation"] in WRITES]
    if writes or after["domains"]:
        fail(f"the second run wrote {writes} or found domains {after['domains']}")
    print("second run: no domain left, nothing deleted")


def main() -> None:
    phase, before_path, after_path, calls_path, root = sys.argv[1:6]
    before, after, calls = load(before_path), load(after_path), load(calls_path)
    checks = {"check": check_nothing_changed, "apply": check_applied, "again": check_again}
    checks[phase](before, after, calls, pathlib.Path(root))


if __name__ == "__main__":
    main()
