# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the outcome of the decommission playbook against the emulator's state, read independently.

    python tests/decommission/check.py PHASE BEFORE_STATE AFTER_STATE CALLS EXPORT_ROOT
    python tests/decommission/check.py rules-failing|rules-interrupted|rules-apply BEFORE_STATE   # a run's rules
    python tests/decommission/check.py interrupt URL PGID SECONDS   # SIGINT once the late DeleteDomain was sent

PHASE is `check` (check mode: nothing deleted, nothing written), `failing` (the run that fails in every region,
see run.sh: nothing deleted where the export's cross-check or the inventory failed, a DeleteDomain refused with a
500 left named as sent, every region's evidence saying so), `interrupted` (the run interrupted between a
DeleteDomain and its answer: the domain deleted and named in the evidence) or `apply` (the rerun: every domain
exported and deleted, the one whose deletion was sent and refused exported and deleted again, the one another
writer deleted during the run listed as already absent, exports equal to the data the emulator held, each
region's last evidence naming every domain deleted across the runs, without speaker ids, the accounts and
regions handled together). Prints what it checked; exits 1 on the first problem.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pathlib
import signal
import stat
import sys
import time
import urllib.request
from typing import Any
from typing import Dict
from typing import List
from typing import Tuple

WRITES = {"CreateDomain", "UpdateDomain", "DeleteDomain", "TagResource", "UntagResource", "OptOutSpeaker"}
ACCOUNT_A, ACCOUNT_B = "111111111111", "222222222222"
PAIRS = [(ACCOUNT_A, "eu-west-2"), (ACCOUNT_A, "us-east-1"), (ACCOUNT_B, "eu-west-2"), (ACCOUNT_B, "us-east-1")]
# The failing run (run.sh): another writer deletes a fraudster of this domain (account A, eu-west-2) between the
# export's domain-wide ListFraudsters and its per-watchlist ones: each answer is well-formed, only the playbook's
# cross-check of the two can see that they do not add up ...
BROKEN_EXPORT = (ACCOUNT_A, "eu-west-2", "Support line")
CROSS_CHECKED_WATCHLIST = "vip"  # the deleted fraudster is the one in this watchlist alone
# ... account B's credentials are wrong: both its regions fail at the inventory ...
FAILED_INVENTORY = [(ACCOUNT_B, "eu-west-2"), (ACCOUNT_B, "us-east-1")]
# ... and in account A's us-east-1 the first domain is deleted, the second's DeleteDomain is answered 500 and not
# carried out: the region fails with that deletion sent and unanswered, for the rerun to export and delete again.
DONE_FIRST = (ACCOUNT_A, "us-east-1", "ivr")
UNANSWERED = (ACCOUNT_A, "us-east-1", "Callback requests")
# The rerun: another writer deletes this domain after its export's last read, before the run comes to delete it.
GONE_BEFORE_DELETE = (ACCOUNT_B, "eu-west-2", "support")
# The interrupted run, in account A's eu-west-2 alone: the DeleteDomain of its first domain is answered late.
INTERRUPTED = BROKEN_EXPORT
# Evidence records per region after the rerun: the failing run, the interrupted one (that region only), the rerun.
RUNS = {
    (ACCOUNT_A, "eu-west-2"): 3,
    (ACCOUNT_A, "us-east-1"): 2,
    (ACCOUNT_B, "eu-west-2"): 2,
    (ACCOUNT_B, "us-east-1"): 2,
}


def fail(message: str) -> None:
    print(f"decommission check: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def load(path: str) -> Any:
    return json.loads(pathlib.Path(path).read_text())


def pair(domain: Dict[str, Any]) -> Tuple[str, str]:
    return str(domain["account_id"]), str(domain["region"])


def domains_of(state: Dict[str, Any], account: str, region: str) -> List[Dict[str, Any]]:
    return [d for d in state["domains"] if pair(d) == (account, region)]


def seeded_id(before: Dict[str, Any], account: str, region: str, name_or_description: str) -> str:
    (domain_id,) = [
        d["domain_id"]
        for d in domains_of(before, account, region)
        if name_or_description in (d["name"], d.get("description"))
    ]
    return str(domain_id)


def cross_checked_fraudster(before: Dict[str, Any]) -> str:
    """The fraudster of BROKEN_EXPORT's domain that the failing run has another writer delete: the one in
    CROSS_CHECKED_WATCHLIST alone (so that listing that watchlist no longer shows it)."""
    domain_id = seeded_id(before, *BROKEN_EXPORT)
    (domain,) = [d for d in before["domains"] if d["domain_id"] == domain_id]
    (watchlist_id,) = [w["watchlist_id"] for w in domain["watchlists"] if w["name"] == CROSS_CHECKED_WATCHLIST]
    (fraudster_id,) = [
        f["generated_fraudster_id"] for f in domain["fraudsters"] if f["watchlist_ids"] == [watchlist_id]
    ]
    return str(fraudster_id)


def as_left(before: Dict[str, Any]) -> Dict[str, Any]:
    """The seeded state without the fraudster the failing run had another writer delete (check_failing checks
    that the emulator holds exactly that): what the later runs export."""
    left = copy.deepcopy(before)
    gone = cross_checked_fraudster(before)
    for domain in left["domains"]:
        domain["fraudsters"] = [f for f in domain["fraudsters"] if f["generated_fraudster_id"] != gone]
    return left


def journal_lines(root: pathlib.Path, account: str, region: str, domain_id: str) -> List[Dict[str, Any]]:
    """The DeleteDomain lines of a region's journal about one domain."""
    path = root / account / region / "journal.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return [line for line in lines if line.get("operation") == "DeleteDomain" and line.get("domain_id") == domain_id]


def evidence_files(directory: pathlib.Path) -> List[pathlib.Path]:
    """The evidence records of a region, oldest first; each must be readable by its owner only."""
    records = sorted(directory.glob("evidence-*.json"))
    for record in records:
        mode = stat.S_IMODE(record.stat().st_mode)
        if mode != 0o600:
            fail(f"{record} has mode {oct(mode)}, expected 0o600")
    return records


def read_evidence(path: pathlib.Path, personal: List[str]) -> Dict[str, Any]:
    text = path.read_text()
    leaked = [value for value in personal if value in text]
    if leaked:
        fail(f"{path} holds {len(leaked)} speaker or fraudster ids")
    evidence: Dict[str, Any] = json.loads(text)
    return evidence


def personal_ids(before: Dict[str, Any]) -> List[str]:
    """Every speaker id (customer and generated) and every fraudster id of the seeded state."""
    return sorted(
        {s["customer_speaker_id"] for d in before["domains"] for s in d["speakers"]}
        | {s["generated_speaker_id"] for d in before["domains"] for s in d["speakers"]}
        | {f["generated_fraudster_id"] for d in before["domains"] for f in d.get("fraudsters", [])}
    )


def no_ids_in(log_path: str, before_path: str) -> None:
    """The output of a run (at -v, which prints each task's result unless no_log hides it) names no speaker
    and no fraudster of the seeded state."""
    text = pathlib.Path(log_path).read_text()
    leaked = [value for value in personal_ids(load(before_path)) if value in text]
    if leaked:
        fail(f"{log_path} names {len(leaked)} speaker or fraudster ids")


def expect(path: pathlib.Path, evidence: Dict[str, Any], expected: Dict[str, Any]) -> None:
    for key, value in expected.items():
        found = evidence.get(key)
        if isinstance(value, list) and isinstance(found, list):
            found = sorted(found)
            value = sorted(value)
        if found != value:
            fail(f"{path}: {key} is {evidence.get(key)!r}, expected {value!r}")


def rules(which: str, before_path: str) -> None:
    """The fault rules of the failing or the interrupted run, as JSON for the emulator's configuration."""
    before = load(before_path)
    domain_id = seeded_id(before, *BROKEN_EXPORT)
    if which == "rules-failing":
        fraudster_id = cross_checked_fraudster(before)
        found = [
            # The domain's first ListFraudsters, the domain-wide one (export_domain.yml reads the domain's
            # fraudsters, then each watchlist's), answered in full; then another writer deletes a fraudster
            # of one watchlist, which the per-watchlist listings no longer show.
            {
                "operation": "ListFraudsters",
                "domain_id": domain_id,
                "skip": 0,
                "times": 1,
                "answer": "ok",
                "then_delete": {"domain_id": domain_id, "fraudster_id": fraudster_id},
            },
            # Every DeleteDomain of this domain refused with a 500, not carried out: sent, its outcome unknown.
            {
                "operation": "DeleteDomain",
                "domain_id": seeded_id(before, *UNANSWERED),
                "answer": "error",
                "code": "InternalServerException",
            },
        ]
    elif which == "rules-interrupted":
        # carried out, and answered only after the run was interrupted
        found = [{"operation": "DeleteDomain", "domain_id": domain_id, "answer": "late", "delay_seconds": 600}]
    else:
        # rules-apply: the domain deleted by another writer once its export's last read (the fraudsters of its
        # only watchlist, the default one) was answered, before the run comes to delete it
        gone = seeded_id(before, *GONE_BEFORE_DELETE)
        (domain,) = [d for d in before["domains"] if d["domain_id"] == gone]
        found = [
            {
                "operation": "ListFraudsters",
                "domain_id": gone,
                "watchlist_id": domain["watchlist_id"],
                "times": 1,
                "answer": "ok",
                "then_delete": {"domain_id": gone},
            }
        ]
    print(json.dumps({"rules": found}))


def interrupt(url: str, pgid: int, seconds: float) -> None:
    """SIGINT to the process group ``pgid`` (what Ctrl-C in a terminal does) as soon as a DeleteDomain answered
    late was carried out: the playbook then waits for its answer (up to the modules' 10 s read timeout)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{url}/_emulator/calls?operation=DeleteDomain") as answer:
            late = [call for call in json.load(answer) if call.get("answer") == "late"]
        if late:
            os.killpg(pgid, signal.SIGINT)
            print("the late DeleteDomain was carried out: SIGINT sent to the playbook's process group")
            return
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            fail("the playbook ended before its DeleteDomain was sent")
        time.sleep(0.2)
    fail(f"no DeleteDomain answered late after {seconds} s")


def check_journals(after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path) -> None:
    """Each region's journal (voiceid_domain's `journal`, appended across runs) against the emulator: every
    DeleteDomain it carried out in this phase has a `done` line, or a `sent` line when its answer never came
    (answered late: the interrupted run); no `done` line names a domain the emulator has not deleted; the
    journal is readable by its owner only."""
    gone = {d["domain_id"] for d in after["deleted_domains"]}
    carried_out = [
        c
        for c in calls
        if c["operation"] == "DeleteDomain" and (c["status"] == 200 or c.get("answer") in ("late", "carried_out"))
    ]
    for account, region in PAIRS:
        path = root / account / region / "journal.jsonl"
        lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        if lines and stat.S_IMODE(path.stat().st_mode) != 0o600:
            fail(f"{path} has mode {oct(stat.S_IMODE(path.stat().st_mode))}, expected 0o600")
        deletes = [line for line in lines if line.get("operation") == "DeleteDomain"]
        journaled = {
            event: {line["domain_id"] for line in deletes if line["event"] == event} for event in ("sent", "done")
        }
        for call in carried_out:
            if (str(call["account_id"]), str(call["region"])) != (account, region):
                continue
            event = "sent" if call.get("answer") == "late" else "done"
            if call["params"]["DomainId"] not in journaled[event]:
                fail(f"{path}: the DeleteDomain the emulator carried out has no {event} line")
        phantom = journaled["done"] - gone
        if phantom:
            fail(f"{path}: done lines for {len(phantom)} domains the emulator has not deleted: {sorted(phantom)}")


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
    runs: int,
    absent: List[str],
) -> Dict[str, Any]:
    """The last of ``runs`` evidence records of a region: complete, naming every domain deleted across runs, but
    those in ``absent`` (deleted by another writer before this run came to delete them), named apart."""
    records = evidence_files(directory)
    if len(records) != runs:
        fail(f"{directory}: {len(records)} evidence records, expected {runs} (one per run)")
    for record in records[:-1]:
        read_evidence(record, personal)
    evidence = read_evidence(records[-1], personal)
    expect(
        records[-1],
        evidence,
        {
            "outcome": "every domain exported and deleted",
            "account": account,
            "region": region,
            "domains_left": 0,
            "deleted_domain_ids": [d["domain_id"] for d in domains if d["domain_id"] not in absent],
            "already_absent_domain_ids": absent,
            "deletion_sent_domain_ids": [],
            "not_deleted_domain_ids": [],
            "earlier_evidence": [path.name for path in records[:-1]],
        },
    )
    if not evidence.get("run_by") or not evidence.get("started_at") or not evidence.get("finished_at"):
        fail(f"{records[-1]}: run_by, started_at and finished_at are required")
    by_id = {record["domain_id"]: record for record in evidence["domains"]}
    for domain in domains:
        record = by_id.get(domain["domain_id"])
        if record is None:
            fail(f"{records[-1]}: no record of domain {domain['domain_id']}")
        statuses: Dict[str, int] = {}
        for speaker in domain["speakers"]:
            statuses[speaker["status"]] = statuses.get(speaker["status"], 0) + 1
        counts = (record["speakers"], record["speakers_by_status"], record["watchlists"], record["fraudsters"])
        if counts != (len(domain["speakers"]), statuses, len(domain["watchlists"]), len(domain["fraudsters"])):
            fail(f"{records[-1]}: the counts of {domain['domain_id']} are {counts}")
        if record["files_sha256"] != hashes[domain["domain_id"]]:
            fail(f"{records[-1]}: the sha256 of the exports of {domain['domain_id']} do not match the files")
    return evidence


def check_region_evidence(
    root: pathlib.Path, account: str, region: str, runs: int, personal: List[str], expected: Dict[str, Any]
) -> Dict[str, Any]:
    """The region's last evidence record (of ``runs``) holds the ``expected`` values."""
    records = evidence_files(root / account / region)
    if len(records) != runs:
        fail(f"{root / account / region}: {len(records)} evidence records, expected {runs}")
    evidence = read_evidence(records[-1], personal)
    expect(records[-1], evidence, {"account": account, "region": region, **expected})
    if expected.get("outcome") == "failed" and not evidence.get("error"):
        fail(f"{records[-1]}: a failed region's evidence gives no reason")
    print(f"{account}/{region}: evidence {json.dumps(expected)}")
    return evidence


def check_failing(
    before: Dict[str, Any], after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path
) -> None:
    broken, done = seeded_id(before, *BROKEN_EXPORT), seeded_id(before, *DONE_FIRST)
    unanswered = seeded_id(before, *UNANSWERED)
    # The emulator's state: only the domain deleted before the refused DeleteDomain is gone.
    deleted = sorted(d["domain_id"] for d in after["deleted_domains"])
    if deleted != [done]:
        fail(f"deleted domains {deleted}, expected only {done}")
    # The call log: one DeleteDomain for that domain, carried out; then the next domain's, refused (by the rule)
    # with a 500 each time it was sent, retries included; none in the other regions.
    deletes = [(c["params"]["DomainId"], c["status"], c["answer"]) for c in calls if c["operation"] == "DeleteDomain"]
    if not deletes or deletes[0] != (done, 200, None) or not deletes[1:]:
        fail(f"DeleteDomain calls {deletes}: expected {done}'s carried out, then {unanswered}'s refused")
    if any(call != (unanswered, 500, "error") for call in deletes[1:]):
        fail(f"DeleteDomain calls {deletes}: after {done}'s, only {unanswered}'s, each refused with a 500")
    # The cross-check: the domain-wide ListFraudsters, answered in full, then the fraudster deleted by another
    # writer; each watchlist then listed (well-formed answers, one fraudster short); nothing deleted.
    fraudster = cross_checked_fraudster(before)
    listings = [c for c in calls if c["operation"] == "ListFraudsters" and c["params"]["DomainId"] == broken]
    removed = [c for c in listings if c.get("then_deleted")]
    if len(removed) != 1 or "WatchlistId" in removed[0]["params"] or removed[0]["status"] != 200:
        fail(f"{len(removed)} ListFraudsters of {broken} removed a fraudster: expected its domain-wide one")
    if removed[0]["then_deleted"].get("fraudster_id") != fraudster or removed[0]["then_deleted"]["deleted"] is not True:
        fail(f"the ListFraudsters rule did not delete the fraudster: {removed[0]['then_deleted']}")
    (seeded,) = [d for d in before["domains"] if d["domain_id"] == broken]
    per_watchlist = sorted(c["params"]["WatchlistId"] for c in listings if "WatchlistId" in c["params"])
    if per_watchlist != sorted(w["watchlist_id"] for w in seeded["watchlists"]):
        fail(f"the export listed the fraudsters of watchlists {per_watchlist}, expected each of {broken}'s")
    if any(c["status"] != 200 or c["answer"] not in (None, "ok") for c in listings):
        fail(f"a ListFraudsters of {broken} was not answered in full: {[(c['status'], c['answer']) for c in listings]}")
    (held,) = [d for d in after["domains"] if d["domain_id"] == broken]
    (expected,) = [d for d in as_left(before)["domains"] if d["domain_id"] == broken]
    if sorted(f["generated_fraudster_id"] for f in held["fraudsters"]) != sorted(
        f["generated_fraudster_id"] for f in expected["fraudsters"]
    ):
        fail(f"{broken} holds {len(held['fraudsters'])} fraudsters, expected all but the one deleted")
    refused = {(c["account_id"], c["region"]) for c in calls if c["error_code"] == "InvalidSignatureException"}
    if refused != set(FAILED_INVENTORY):
        fail(f"calls refused for a wrong signature in {sorted(refused)}, expected {FAILED_INVENTORY}")
    personal = personal_ids(before)
    nothing = {"deleted_domain_ids": [], "deletion_sent_domain_ids": []}
    evidence = check_region_evidence(
        root,
        *BROKEN_EXPORT[:2],
        1,
        personal,
        {
            "outcome": "failed",
            "failed_task": f"Check the answers about {broken}",
            **nothing,
            "not_deleted_domain_ids": [d["domain_id"] for d in domains_of(before, *BROKEN_EXPORT[:2])],
        },
    )
    if "do not add up" not in str(evidence["error"]) or "nothing deleted" not in str(evidence["error"]):
        fail(f"the evidence of {broken}'s region does not give the cross-check's reason: {evidence['error']!r}")
    for account, region in FAILED_INVENTORY:
        failed_task = "Inventory the domains of the account and region"
        expected = {"outcome": "failed", "failed_task": failed_task, **nothing, "not_deleted_domain_ids": []}
        check_region_evidence(root, account, region, 1, personal, {**expected, "domains": []})
    check_region_evidence(
        root,
        *DONE_FIRST[:2],
        1,
        personal,
        {
            "outcome": "failed",
            "failed_task": f"Delete {unanswered}",
            "deleted_domain_ids": [done],
            "deletion_sent_domain_ids": [unanswered],
            "already_absent_domain_ids": [],
            "not_deleted_domain_ids": [],
            "domains_left": None,
        },
    )
    # The journal: the refused deletion was sent and never done.
    events = [line["event"] for line in journal_lines(root, *UNANSWERED[:2], unanswered)]
    if "sent" not in events or "done" in events:
        fail(f"the journal's lines about {unanswered}'s DeleteDomain are {events}: expected sent, never done")
    print(
        f"failing run: {broken}'s region (the cross-check) and account B's regions deleted nothing; {done} deleted,"
        f" {unanswered}'s deletion sent and refused"
    )


def check_interrupted(
    before: Dict[str, Any], after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path
) -> None:
    interrupted = seeded_id(before, *INTERRUPTED)
    account, region = INTERRUPTED[:2]
    others = [d["domain_id"] for d in domains_of(before, account, region) if d["domain_id"] != interrupted]
    # The emulator's state: the domain whose DeleteDomain was sent is gone, the region's other domain is not.
    gone = {d["domain_id"] for d in after["deleted_domains"]}
    if interrupted not in gone or any(domain_id in gone for domain_id in others):
        fail(f"deleted domains {sorted(gone)}: expected {interrupted}, not {others}")
    # The call log: one DeleteDomain, carried out and answered late (not retried: the run was interrupted first).
    deletes = [(c["params"]["DomainId"], c["answer"], c["status"]) for c in calls if c["operation"] == "DeleteDomain"]
    if deletes != [(interrupted, "late", 200)]:
        fail(f"DeleteDomain calls {deletes}, expected one for {interrupted}, answered late")
    evidence = check_region_evidence(
        root,
        account,
        region,
        2,
        personal_ids(before),
        {
            "outcome": "in progress",
            "finished_at": None,
            "deleted_domain_ids": [],
            "deletion_sent_domain_ids": [interrupted],
            "not_deleted_domain_ids": others,
        },
    )
    # The record holds the export of the deleted domain, verified, with the checksums of its files.
    records = {record["domain_id"]: record for record in evidence["domains"]}
    domain = next(d for d in as_left(before)["domains"] if d["domain_id"] == interrupted)
    hashes = check_exports(domain, root / account / region / interrupted)
    if interrupted not in records or records[interrupted]["files_sha256"] != hashes:
        fail(f"the interrupted region's evidence does not hold the checksums of {interrupted}'s export")
    print(f"interrupted run: {interrupted} deleted, named in the evidence before its answer came")


def check_applied(
    before: Dict[str, Any], after: Dict[str, Any], calls: List[Dict[str, Any]], root: pathlib.Path
) -> None:
    if after["domains"]:
        fail(f"{len(after['domains'])} domains left: {[d['domain_id'] for d in after['domains']]}")
    deleted = sorted(d["domain_id"] for d in after["deleted_domains"])
    if deleted != sorted(d["domain_id"] for d in before["domains"]):
        fail(f"the deleted domains {deleted} are not the seeded ones")
    gone = seeded_id(before, *GONE_BEFORE_DELETE)
    last = check_every_region(as_left(before), root, {GONE_BEFORE_DELETE[:2]: [gone]})
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
    # The rerun deleted what the earlier runs had not, but the domain another writer deleted first.
    earlier = [seeded_id(before, *DONE_FIRST), seeded_id(before, *INTERRUPTED)]
    deletes = sorted(c["params"]["DomainId"] for c in calls if c["operation"] == "DeleteDomain")
    expected = sorted(d["domain_id"] for d in before["domains"] if d["domain_id"] not in [*earlier, gone])
    if deletes != expected:
        fail(f"the rerun's DeleteDomain calls {deletes}: expected one per domain but {earlier} and {gone}")
    if any(c["status"] != 200 for c in calls if c["operation"] == "DeleteDomain"):
        fail("a DeleteDomain of the rerun failed")
    # That domain: deleted by the rule once its export's last read was answered; its journal has no done line.
    removed = [c for c in calls if c.get("then_deleted")]
    if [(c["operation"], c["params"]["DomainId"], c["then_deleted"]["deleted"]) for c in removed] != [
        ("ListFraudsters", gone, True)
    ]:
        fail(f"the rerun's rule deleted {[c['then_deleted'] for c in removed]}, expected {gone} once")
    events = [line["event"] for line in journal_lines(root, *GONE_BEFORE_DELETE[:2], gone)]
    if "done" in events:
        fail(f"the journal has a done line for {gone}, which another writer deleted: {events}")
    # The domain whose DeleteDomain the failing run sent and saw refused: still listed, so exported again and
    # deleted by the rerun (its record is the rerun's export, its files equal to the domain's data).
    unanswered = seeded_id(before, *UNANSWERED)
    evidence = last[UNANSWERED[:2]]
    (record,) = [r for r in evidence["domains"] if r["domain_id"] == unanswered]
    if record["exported_by_run"] != evidence["started_at"]:
        fail(f"{unanswered} was not exported again by the rerun: its record is from {record['exported_by_run']}")
    print(
        f"4 account/region pairs handled together; {len(deletes)} DeleteDomain calls, one per domain left;"
        f" {unanswered} exported and deleted again, {gone} already absent (no DeleteDomain, no done line)"
    )


def check_every_region(
    before: Dict[str, Any], root: pathlib.Path, absent: Dict[Tuple[str, str], List[str]]
) -> Dict[Tuple[str, str], Dict[str, Any]]:
    """Every region's exports equal the data (``before``); its last evidence names every domain deleted across
    runs, and the domains of ``absent`` as already absent. Returns each region's last evidence."""
    personal = personal_ids(before)
    last = {}
    for account, region in PAIRS:
        domains = domains_of(before, account, region)
        directory = root / account / region
        hashes = {d["domain_id"]: check_exports(d, directory / d["domain_id"]) for d in domains}
        last[(account, region)] = check_evidence(
            account,
            region,
            domains,
            hashes,
            directory,
            personal,
            RUNS[(account, region)],
            absent.get((account, region), []),
        )
        print(
            f"{account}/{region}: {len(domains)} domains exported (files equal to the seeded data) and deleted;"
            f" the last of {RUNS[(account, region)]} evidence records names them all, with counts and sha256,"
            " no speaker id"
        )
    return last


def main() -> None:
    if sys.argv[1].startswith("rules-"):
        rules(sys.argv[1], sys.argv[2])
        return
    if sys.argv[1] == "no-ids-in":
        no_ids_in(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == "interrupt":
        interrupt(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
        return
    phase, before_path, after_path, calls_path, root = sys.argv[1:6]
    before, after, calls = load(before_path), load(after_path), load(calls_path)
    checks = {
        "check": check_nothing_changed,
        "failing": check_failing,
        "interrupted": check_interrupted,
        "apply": check_applied,
    }
    checks[phase](before, after, calls, pathlib.Path(root))
    check_journals(after, calls, pathlib.Path(root))


if __name__ == "__main__":
    main()
