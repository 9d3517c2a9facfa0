#!/usr/bin/env bash
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The pieces of `make test`, which the Makefile runs two at a time (test-pieces): each piece's output goes to
# its own log, so that two pieces running at once do not interleave and a failure stays readable.
#
#   tests/matrix/piece.sh begin                 a new run: empties .build/logs, notes the start time
#   tests/matrix/piece.sh run NAME COMMAND...   runs COMMAND with its output in .build/logs/NAME.log; prints
#                                               one line when it starts, one when it ends (with its seconds and
#                                               the log's test summaries, "N passed"), and the log if it fails
#   tests/matrix/piece.sh end STATUS            the seconds of every piece, the total, and the closing line;
#                                               exits with STATUS
#
# .build/logs/times.txt keeps "NAME SECONDS" per piece, in the order they ended.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
logs=$repo/.build/logs
# A failing piece's log is printed whole up to this many lines, else its last lines.
print_lines=400

minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

begin() {
    rm -rf "$logs" "$repo/.build/matrix/times.txt"
    mkdir -p "$logs"
    date +%s >"$logs/start"
}

run() {
    local name=$1 log start status=0 seconds lines
    shift
    log=$logs/$name.log
    mkdir -p "$logs"
    start=$(date +%s)
    echo "piece $name: started ($(date +%H:%M:%S))"
    "$@" >"$log" 2>&1 </dev/null || status=$?
    seconds=$(($(date +%s) - start))
    echo "$name $seconds" >>"$logs/times.txt"
    # What shows that tests ran: pytest's summaries, the matrix's per-Python times, the integration targets run,
    # ansible-test's counts of failures.
    grep -E '^(=+ )?[0-9]+ (passed|failed|errors?)|^matrix: .* took |^(WARNING|ERROR): (The )?[0-9]+ .*(failed|error)|^Running .* integration test role' \
        "$log" | sed "s/^/piece $name:   /" || true
    if [[ $status -eq 0 ]]; then
        echo "piece $name: ok in ${seconds}s ($(minutes "$seconds")), log .build/logs/$name.log"
        return 0
    fi
    echo "$name" >>"$logs/failed"
    lines=$(wc -l <"$log")
    echo "piece $name: FAILED (exit status $status) after ${seconds}s; its log, .build/logs/$name.log:"
    echo "---- $name ----------------------------------------------------------------------------------------"
    if [[ $lines -gt $print_lines ]]; then
        echo "[... the first $((lines - print_lines)) of $lines lines are in .build/logs/$name.log ...]"
    fi
    tail -n "$print_lines" "$log"
    echo "---- end of $name (.build/logs/$name.log) --------------------------------------------------------"
    return "$status"
}

end() {
    local status=${1:-1} start total sum=0 name seconds
    start=$(cat "$logs/start" 2>/dev/null || date +%s)
    total=$(($(date +%s) - start))
    echo
    echo "make test: seconds per piece (two at a time; .build/logs/NAME.log has each piece's output):"
    if [[ -f $logs/times.txt ]]; then
        while read -r name seconds; do
            printf '  %-28s %6ss\n' "$name" "$seconds"
            sum=$((sum + seconds))
        done <"$logs/times.txt"
    fi
    printf '  %-28s %6ss  (%s; the pieces add up to %ss)\n' total "$total" "$(minutes "$total")" "$sum"
    echo "$total" >"$logs/total"
    if [[ $status -eq 0 ]]; then
        echo "make test: all checks passed in $(minutes "$total")"
    else
        echo "make test: FAILED after $(minutes "$total"): $(paste -sd' ' "$logs/failed" 2>/dev/null || echo 'see above') (logs in .build/logs/)"
    fi
    return "$status"
}

command=${1:-}
shift || true
case $command in
begin) begin ;;
run) run "$@" ;;
end) end "$@" ;;
*)
    echo "usage: $0 begin | run NAME COMMAND... | end STATUS" >&2
    exit 2
    ;;
esac
