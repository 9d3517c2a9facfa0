#!/usr/bin/env bash
# make demo: the collection at work on a local Voice ID emulator, no AWS account needed.
#
#   tests/demo/run.sh VENV_BIN COLLECTIONS_PATH
#
# Starts the emulator with a seeded domain (tests/demo/seed.yml), runs the example playbook from the docs
# (docs/examples/opt_out_from_git.yml) twice through the collection installed in COLLECTIONS_PATH, says what
# happened, and stops the emulator. It checks its own outcome: the first run must change speakers and the
# second must change none, so `make test` uses it to try the packaged collection too. It prints the playbook's
# output and its own text only (no tool noise), and ends with where the collection is installed and the three
# commands to go on by hand.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$(cd "$1" && pwd)
collections=$(cd "$2" && pwd)
# shellcheck source=tests/tools/emulator.sh
source "$repo/tests/tools/emulator.sh"
start_emulator "$repo" "$bin" --seed tests/demo/seed.yml --default-region eu-west-2 --strict --realism \
    --enforce-quotas --latency-ms 25
url=$emulator_url
workdir=$emulator_workdir

# What a real run would take from the environment; here they point at the emulator.
export AWS_ENDPOINT_URL_VOICE_ID="$url" AWS_REGION=eu-west-2
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-real-secret
export ANSIBLE_COLLECTIONS_PATH="$collections" ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export PYTHONWARNINGS=ignore  # the Python packages' deprecation warnings are not the demo's business
unset AWS_PROFILE AWS_DEFAULT_PROFILE

statuses() {
    "$bin/python" - "$url" <<'PY'
import collections, json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/_emulator/state?domain_id=DemoContactCenter00001") as answer:
    speakers = json.load(answer)["domains"][0]["speakers"]
counts = collections.Counter(speaker["status"] for speaker in speakers)
print("   ", ", ".join(f"{status} {counts[status]}" for status in sorted(counts)), f"({len(speakers)} speakers)")
PY
}

playbook() {
    "$bin/ansible-playbook" "$repo/docs/examples/opt_out_from_git.yml" | tee "$workdir/run.log"
    cat "$workdir/run.log" >>"$workdir/runs.log"
}

recap() {  # "changed failed" from the last run's PLAY RECAP
    grep -E '^localhost +:' "$workdir/run.log" | sed -E 's/.*changed=([0-9]+).*failed=([0-9]+).*/\1 \2/'
}

cat <<TEXT
== speakerops.voiceid demo =====================================================================
A local Voice ID emulator is running at $url with AWS's default request quotas
and 25 ms per call. Its domain 'contact-center' holds 40 speakers:
$(statuses)
The playbook docs/examples/opt_out_from_git.yml opts out the customers listed in
docs/examples/optouts.txt (9 ids, one of them new to Voice ID), in one task.

-- First run --------------------------------------------------------------------------------------
TEXT
playbook
read -r first_changed first_failed < <(recap)
cat <<TEXT

The emulator's domain now:
$(statuses)

-- Second run, same playbook, same list ---------------------------------------------------------
TEXT
playbook
read -r second_changed second_failed < <(recap)
cat <<TEXT

== What happened ===============================================================================
First run:  changed=$first_changed. The module read every listed speaker (ListSpeakers and
            DescribeSpeaker at once, within their quotas) and called OptOutSpeaker only for those
            not yet OPTED_OUT; the new customer was created opted out, so Voice ID can never enroll them.
Second run: changed=$second_changed. Everyone listed is OPTED_OUT already: the module only read, wrote nothing.
The playbook names no endpoint: AWS_ENDPOINT_URL_VOICE_ID sent it to the emulator. Without it, it
would call AWS, where Voice ID calls fail since AWS ended support for it on 2026-05-20.

== Go on by hand ================================================================================
The collection is installed in $collections/ansible_collections/speakerops/voiceid
and the emulator in $bin. From $repo:

1. Start the emulator with the demo's domain (it serves until Ctrl+C):
     $bin/voiceid-emulator --seed tests/demo/seed.yml --default-region eu-west-2 --port 8765
2. In another shell there, point Ansible and the modules at it (dummy credentials: it takes any):
     export ANSIBLE_COLLECTIONS_PATH=$collections AWS_ENDPOINT_URL_VOICE_ID=http://127.0.0.1:8765
     export AWS_REGION=eu-west-2 AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-real-secret
3. Run a playbook (the demo's, or your own):
     $bin/ansible-playbook docs/examples/opt_out_from_git.yml
The testing guide (docs/docsite/rst/testing_locally.rst) says more.
================================================================================================
TEXT

check_emulator_bugs
if [ "$first_changed" != 1 ] || [ "$second_changed" != 0 ] || [ "$first_failed" != 0 ] || [ "$second_failed" != 0 ]; then
    echo "demo: expected the first run to change (changed=1) and the second not to (changed=0)" >&2
    exit 1
fi
# The playbook's summary line (counts only), as the testing guide tells it: 7 of the 9 listed needed a write.
for line in "7 of 9 listed speakers opted out in this run, 2 were opted out already, 0 failed." \
    "0 of 9 listed speakers opted out in this run, 9 were opted out already, 0 failed."; do
    grep -qF "\"msg\": \"$line\"" "$workdir/runs.log" || { echo "demo: no line '$line' in the playbook's output" >&2; exit 1; }
done
