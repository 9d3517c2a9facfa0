# shellcheck shell=bash
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the scripts that run playbooks against the local Voice ID emulator:
#
#   source tests/tools/emulator.sh
#   start_emulator REPO VENV_BIN [emulator options...]
#
# Starts `voiceid-emulator` (the package in emulator/, installed into VENV_BIN's environment by `make
# emulator-wheel`) on a free loopback port in the background, waits for its URL, and sets
# `emulator_url` and `emulator_workdir` (a temporary directory the caller may use). The emulator is stopped
# and the directory removed when the calling shell exits.

start_emulator() {
    local repo=$1 bin=$2
    shift 2
    emulator_workdir=$(mktemp -d)
    emulator_python=$bin/python
    # From the repository root, so that seed paths given relative to it work.
    (cd "$repo" && exec "$bin/voiceid-emulator" --port 0 --url-file "$emulator_workdir/url" "$@" \
        >"$emulator_workdir/emulator.log" 2>&1) &
    emulator_pid=$!
    trap stop_emulator EXIT
    for _ in $(seq 100); do
        [ -s "$emulator_workdir/url" ] && break
        kill -0 "$emulator_pid" 2>/dev/null || { cat "$emulator_workdir/emulator.log" >&2; return 1; }
        sleep 0.1
    done
    # shellcheck disable=SC2034  # read by the calling script
    emulator_url=$(cat "$emulator_workdir/url")
}

# Fails (status 1, the bugs on standard error) if the emulator answered anything its model does not allow.
check_emulator_bugs() {
    "$emulator_python" - "$emulator_url" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/_emulator/bugs") as answer:
    bugs = json.load(answer)
for bug in bugs:
    print(f"EMULATOR BUG in {bug['operation']}: {bug['what']}: {'; '.join(bug['problems'])}", file=sys.stderr)
sys.exit(1 if bugs else 0)
PY
}

stop_emulator() {
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    rm -rf "$emulator_workdir"
}
