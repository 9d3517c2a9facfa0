#!/usr/bin/env bash
# make decommission-test: the decommission playbook of the docs (docs/examples/decommission) end to end, through
# the packaged collection, against a local Voice ID emulator holding two accounts and two regions.
#
#   tests/decommission/run.sh VENV_BIN COLLECTIONS_PATH
#
# The four account/region pairs of tests/decommission/inventory.yml run at once (--forks 4), each with the AWS
# profile of its account, as they would against AWS. Three runs, each checked against the emulator's state and
# recorded calls (tests/decommission/check.py): check mode (the plan; nothing deleted, no file written), for
# real (every domain exported, equal to the seeded data, and deleted; evidence without speaker ids), and again
# (nothing left to do).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$(cd "$1" && pwd)
collections=$(cd "$2" && pwd)
# shellcheck source=tests/tools/emulator.sh
source "$repo/tests/tools/emulator.sh"
secret_a=decom-a-$RANDOM$RANDOM
secret_b=decom-b-$RANDOM$RANDOM
start_emulator "$repo" "$bin" --seed tests/decommission/seed.yml --strict --realism --enforce-quotas --latency-ms 10 \
    --credentials "AKIDDECOMACCOUNTA001:$secret_a" --credentials "AKIDDECOMACCOUNTB001:$secret_b"
url=$emulator_url
work=$emulator_workdir
exports=$work/exports

# Each account's credentials in a profile, as a user (or an AWX credential type) would provide them.
cat >"$work/credentials" <<CREDENTIALS
[account-a]
aws_access_key_id = AKIDDECOMACCOUNTA001
aws_secret_access_key = $secret_a
[account-b]
aws_access_key_id = AKIDDECOMACCOUNTB001
aws_secret_access_key = $secret_b
CREDENTIALS
export AWS_SHARED_CREDENTIALS_FILE="$work/credentials" AWS_CONFIG_FILE="$work/no-config"
export AWS_ENDPOINT_URL_VOICE_ID="$url"
export ANSIBLE_COLLECTIONS_PATH="$collections" ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION \
    AWS_DEFAULT_REGION

control() {  # control PATH OUTPUT: a GET of the emulator's control API into a file
    "$bin/python" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
        "$url/_emulator/$1" >"$2"
}
clear_calls() {
    "$bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="DELETE"))' \
        "$url/_emulator/calls"
}
playbook() {  # playbook LOG [options...]
    local log=$1
    shift
    "$bin/ansible-playbook" -i "$repo/tests/decommission/inventory.yml" --forks 4 \
        -e "voiceid_export_root=$exports" "$repo/docs/examples/decommission/decommission.yml" "$@" | tee "$log"
}
check() {  # check PHASE
    control state "$work/after.json"
    control calls "$work/calls.json"
    "$bin/python" "$repo/tests/decommission/check.py" "$1" "$work/before.json" "$work/after.json" "$work/calls.json" \
        "$exports"
    clear_calls
}

control state "$work/before.json"
echo "== decommission: the plan (--check) =========================================================="
playbook "$work/check.log" --check
check check
grep -q "would export and delete 2 domain(s): contact-center" "$work/check.log" \
    || { echo "decommission: the plan does not show the domains to delete" >&2; exit 1; }

echo "== decommission: for real ======================================================================"
playbook "$work/apply.log"
check apply

echo "== decommission: again =========================================================================="
playbook "$work/again.log"
check again
check_emulator_bugs
echo "decommission: every domain of 2 accounts x 2 regions exported, checked and deleted"
