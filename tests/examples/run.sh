#!/usr/bin/env bash
# make examples-test: every module's EXAMPLES as tasks, README's short playbook, and the IAM table, through the
# packaged collection against a local Voice ID emulator (tests/examples/run_examples.py says what it checks).
#
#   tests/examples/run.sh VENV_BIN COLLECTIONS_PATH
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$(cd "$1" && pwd)
collections=$(cd "$2" && pwd)
# shellcheck source=tests/tools/emulator.sh
source "$repo/tests/tools/emulator.sh"
# A re-encryption completes at once: voiceid_domain's example waits for it.
start_emulator "$repo" "$bin" --default-region eu-west-2 --strict --kms-update-delay-seconds 0.2
export ANSIBLE_COLLECTIONS_PATH="$collections"
"$bin/python" "$repo/tests/examples/run_examples.py" "$repo" "$bin" "$emulator_url" "$emulator_workdir"
check_emulator_bugs
