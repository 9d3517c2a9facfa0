#!/usr/bin/env bash
# make decommission-test: the decommission playbook of the docs (docs/examples/decommission) end to end, through
# the packaged collection, against a local Voice ID emulator holding two accounts and two regions.
#
#   tests/decommission/run.sh VENV_BIN COLLECTIONS_PATH
#
# The four account/region pairs of tests/decommission/inventory.yml run at once (--forks 4), each with the AWS
# profile of its account, as they would against AWS. Four runs, each checked against the emulator's state and
# recorded calls (tests/decommission/check.py):
#   1. check mode: the plan; nothing deleted, no file written;
#   2. a run that fails in every region: in account A's eu-west-2, another writer deletes a fraudster of a domain
#      between the export's domain-wide ListFraudsters and its per-watchlist ones (each answer well-formed: only the
#      playbook's cross-check sees that they do not add up; that region must delete nothing); account B's profile
#      holds a wrong secret (both its regions fail at the inventory); in account A's us-east-1 the first domain is
#      deleted and the second's DeleteDomain is refused with a 500, not carried out (that region fails with the
#      deletion sent and its outcome unknown); each region must write evidence saying what was and was not deleted;
#   3. account A's eu-west-2 alone (--limit), interrupted (SIGINT to the playbook's process group, as Ctrl-C does)
#      between the DeleteDomain of its first domain, carried out but answered late, and that answer: its evidence
#      must name the domain;
#   4. the rerun: every domain left exported (equal to the data the emulator holds) and deleted, the one whose
#      deletion was refused exported and deleted again; in account B's eu-west-2 another writer deletes the domain
#      after its export and before the run comes to delete it (listed as already absent, not as deleted); each
#      region's last evidence names every domain deleted across the runs, without speaker ids, in regions with
#      nothing left to do too.
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

# The same profiles, with a wrong secret for account B: its calls are refused (InvalidSignatureException).
sed "s/= $secret_b\$/= wrong-$secret_b/" "$work/credentials" >"$work/credentials-b-broken"

control() {  # control PATH OUTPUT: a GET of the emulator's control API into a file
    "$bin/python" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' \
        "$url/_emulator/$1" >"$2"
}
clear_calls() {
    "$bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="DELETE"))' \
        "$url/_emulator/calls"
}
configure() {  # configure JSON: a POST of the emulator's configuration
    "$bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST", headers={"Content-Type": "application/json"}))' \
        "$url/_emulator/config" "$1"
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
echo "== decommission (${SECONDS} s): the plan (--check)"
playbook "$work/check.log" --check -v
check check
"$bin/python" "$repo/tests/decommission/check.py" no-ids-in "$work/check.log" "$work/before.json"
grep -q "would export and delete 2 domain(s): contact-center" "$work/check.log" \
    || { echo "decommission: the plan does not show the domains to delete" >&2; exit 1; }

echo "== decommission (${SECONDS} s): a run that fails in every region"
configure "$("$bin/python" "$repo/tests/decommission/check.py" rules-failing "$work/before.json")"
status=0
AWS_SHARED_CREDENTIALS_FILE="$work/credentials-b-broken" playbook "$work/failing.log" || status=$?
[ "$status" -ne 0 ] || { echo "decommission: the failing run exited 0" >&2; exit 1; }
configure '{"rules": []}'
check failing

echo "== decommission (${SECONDS} s): one region, interrupted between DeleteDomain and its answer"
configure "$("$bin/python" "$repo/tests/decommission/check.py" rules-interrupted "$work/before.json")"
# setsid: the playbook and its workers in a process group of their own, the group a terminal's Ctrl-C reaches
setsid "$bin/ansible-playbook" -i "$repo/tests/decommission/inventory.yml" --limit account-a-eu-west-2 \
    -e "voiceid_export_root=$exports" "$repo/docs/examples/decommission/decommission.yml" >"$work/interrupted.log" 2>&1 &
run_pid=$!
# SIGINT to that group as soon as the late DeleteDomain was carried out (well within the modules' read timeout).
"$bin/python" "$repo/tests/decommission/check.py" interrupt "$url" "$run_pid" 600 \
    || { kill -KILL -- "-$run_pid" 2>/dev/null; cat "$work/interrupted.log"; exit 1; }
status=0
wait "$run_pid" || status=$?
cat "$work/interrupted.log"
[ "$status" -ne 0 ] || { echo "decommission: the interrupted run exited 0" >&2; exit 1; }
configure '{"rules": []}'
check interrupted

echo "== decommission (${SECONDS} s): the rerun"
configure "$("$bin/python" "$repo/tests/decommission/check.py" rules-apply "$work/before.json")"
playbook "$work/apply.log"
configure '{"rules": []}'
check apply

check_emulator_bugs
echo "decommission: ${SECONDS} s"
echo "decommission: every domain of 2 accounts x 2 regions exported, checked and deleted; evidence across failed and interrupted runs"
