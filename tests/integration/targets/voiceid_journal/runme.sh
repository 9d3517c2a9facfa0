#!/usr/bin/env bash
# The `journal` option against the emulator's call log: under throttling and internal errors (faults.yml);
# interrupted by SIGINT to the process group, as Ctrl-C does, and by SIGKILL of ansible-playbook, then of what
# was left of its process group, as a CI runner that times out does; a rerun after the kill converges and
# appends to the same journal. The bulk guide's jq one-liners are run on the killed run's journal.
set -euo pipefail

here=$(pwd)
config=$(cd ../.. && pwd)/integration_config.yml
export ANSIBLE_ROLES_PATH=$(cd .. && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

playbook() {
    ansible-playbook -i "$INVENTORY_PATH" -e "@$config" -e "work=$work" "$@"
}

done_lines() {
    if [ -f "$1" ]; then grep -c '"event":"done"' "$1" || true; else echo 0; fi
}

# Waits (up to 120 s) until the journal $1 holds at least $2 done lines.
wait_for_done() {
    local deadline=$((SECONDS + 120))
    until [ "$(done_lines "$1")" -ge "$2" ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "journal $1: fewer than $2 done lines after 120 s" >&2
            return 1
        fi
        sleep 0.2
    done
}

# The processes descending from $1, deepest last. ansible-core's workers start sessions of their own: a
# signal to ansible-playbook's process group does not reach them or the modules they run.
descendants() {
    local child
    for child in $(pgrep -P "$1" || true); do
        echo "$child"
        descendants "$child"
    done
}

# Waits (up to 120 s) until none of the processes $@ is left.
wait_for_exit() {
    local deadline=$((SECONDS + 120)) process
    for process in "$@"; do
        while kill -0 "$process" 2>/dev/null; do
            if [ "$SECONDS" -ge "$deadline" ]; then
                echo "process $process still running after 120 s" >&2
                return 1
            fi
            sleep 0.2
        done
    done
}

# Starts run.yml in a process group of its own (setsid) and sets pid, which is also the group's id.
start_run() {
    setsid ansible-playbook -i "$INVENTORY_PATH" -e "@$config" -e "work=$work" -e "journal_path=$1" \
        -e "speaker_count=$2" run.yml >"$work/run.log" 2>&1 &
    pid=$!
}

# 1. Throttling, 500s, a denied speaker, check mode, bad paths.
playbook faults.yml "$@"

# 2. SIGINT to ansible-playbook's process group, as Ctrl-C in a terminal, once some writes are journaled.
playbook seed.yml -e speaker_count=40 -e '{"voiceid_config": {"latency_ms": 150}}' "$@"
journal=$work/interrupted.jsonl
start_run "$journal" 40
wait_for_done "$journal" 5
tree=$(descendants "$pid")
kill -INT -- "-$pid"
wait "$pid" && { echo "ansible-playbook was not interrupted" >&2; exit 1; }
# shellcheck disable=SC2086 # one pid a word
wait_for_exit $tree
grep -q '"event":"end"' "$journal" || { echo "the module did not write its end line after SIGINT" >&2; exit 1; }
grep -q '"stopped":"Interrupted"' "$journal" || { echo "the end line does not say the run was interrupted" >&2; exit 1; }
# 3. SIGKILL of ansible-playbook; its module outlives it and goes on journaling; then SIGKILL of every process
# that was left (the module with writes in flight), as a CI runner that tears a timed-out job down does.
# 400 ms a call at 10 writes per second: about four writes are in flight at any time. (One ansible-playbook
# checks the interrupted run's journal, then seeds for this one: a start-up less.)
playbook check.yml seed.yml -e "journal_path=$journal" -e expect=interrupted \
    -e speaker_count=60 -e '{"voiceid_config": {"latency_ms": 400}}' "$@"
journal=$work/killed.jsonl
start_run "$journal" 60
wait_for_done "$journal" 5
tree=$(descendants "$pid")
kill -KILL "$pid"
wait "$pid" || true
seen=$(done_lines "$journal")
wait_for_done "$journal" $((seen + 3))
# shellcheck disable=SC2086 # one pid a word
kill -KILL $tree 2>/dev/null || true
# shellcheck disable=SC2086
wait_for_exit $tree
if grep -q '"event":"end"' "$journal"; then
    echo "the run ended before it was killed: nothing was tested" >&2
    exit 1
fi
cp "$journal" "$work/killed-before-rerun.jsonl"

# The guide's reconciliation, run as the guide prints it: its one-liners between the markers, in a directory
# holding the journal (journal.jsonl) and the list of requested ids (requested.txt).
guide=$(find "${ANSIBLE_COLLECTIONS_PATH:-$here/../../../..}" "$here/../../../.." -path '*/docs/docsite/rst/bulk_opt_outs.rst' 2>/dev/null | head -n 1)
[ -n "$guide" ] || { echo "bulk_opt_outs.rst not found" >&2; exit 1; }
mkdir "$work/reconcile"
cp "$journal" "$work/reconcile/journal.jsonl"
for index in $(seq 0 59); do printf 'jr-%03d\n' "$index"; done >"$work/reconcile/requested.txt"
sed -n '/^\.\. journal-reconcile-begin/,/^\.\. journal-reconcile-end/p' "$guide" | sed -n 's/^   \$ //p' >"$work/one-liners.sh"
[ "$(wc -l <"$work/one-liners.sh")" -ge 3 ] || { echo "the guide's one-liners were not found" >&2; exit 1; }
(cd "$work/reconcile" && bash -euo pipefail "$work/one-liners.sh")
playbook check.yml configure.yml -e "journal_path=$journal" -e expect=interrupted -e "reconciled=$work/reconcile" \
    -e '{"voiceid_config": {"latency_ms": 0}}' "$@"

# 4. A rerun converges and appends to the same journal.
playbook run.yml check.yml -e "journal_path=$journal" -e speaker_count=60 -e expect=interrupted "$@"
before=$(wc -c <"$work/killed-before-rerun.jsonl")
cmp -n "$before" "$work/killed-before-rerun.jsonl" "$journal"
[ "$(grep -c '"event":"start"' "$journal")" -eq 2 ] || { echo "the rerun did not append one run" >&2; exit 1; }
echo "journal: every interrupted run's writes are in its journal; the rerun converged and appended"
