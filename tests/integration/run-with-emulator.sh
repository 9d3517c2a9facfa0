#!/usr/bin/env bash
# Runs `ansible-test integration` against a local Voice ID emulator.
#
#   tests/integration/run-with-emulator.sh COLLECTION_DIR VENV_BIN [ansible-test integration arguments...]
#
# COLLECTION_DIR is the collection inside an ansible_collections/<namespace>/<name>/ tree (make lays one out).
# The emulator runs from this checkout on a free loopback port, with signature checking on; the targets get
# its URL and credentials from tests/integration/integration_config.yml, written into COLLECTION_DIR, and
# seed it themselves through its control API.
#
# ansible-test runs on the Python of VENV_BIN (the ansible-core release under test, see tests/matrix/); the
# emulator runs from EMULATOR_BIN if set (the development venv: it need not be installed in every release's).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
collection=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
shift 2

# Dummy credentials that no real output contains (never a common word: Ansible masks a secret option's value
# wherever it occurs in a result; see the privacy guide).
access_key=AKIDEXAMPLE
secret_key=not-a-real-secret
# Two more keys for targets that work across accounts: a target's seed maps them to account ids
# (access_keys: {AKIDEXAMPLE2: "222233334444", ...}); unmapped, they are the seed's default account.
access_key_2=AKIDEXAMPLE2
secret_key_2=not-a-real-secret-2
access_key_3=AKIDEXAMPLE3
secret_key_3=not-a-real-secret-3
# shellcheck source=tests/tools/emulator.sh
source "$repo/tests/tools/emulator.sh"
region=eu-west-2
# Seeds that name no region put their domains in the targets' region (state is per account and region).
# --strict: a response the model does not allow is an emulator bug (500, logged, counted); checked at the end.
# --realism: overlapping writes to one speaker conflict (CONCURRENT_CHANGES) and ListSpeakers lags behind.
start_emulator "$repo" "${EMULATOR_BIN:-$bin}" --credentials "$access_key:$secret_key" \
    --credentials "$access_key_2:$secret_key_2" --credentials "$access_key_3:$secret_key_3" \
    --default-region "$region" --strict --realism
url=$emulator_url
echo "Voice ID emulator at $url"

cat >"$collection/tests/integration/integration_config.yml" <<CONFIG
---
voiceid_endpoint_url: $url
voiceid_access_key: $access_key
voiceid_secret_key: $secret_key
voiceid_region: $region
voiceid_other_credentials:
  - {access_key: $access_key_2, secret_key: $secret_key_2}
  - {access_key: $access_key_3, secret_key: $secret_key_3}
CONFIG

cd "$collection"
python=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
status=0
PATH="$bin:$PATH" "$bin/ansible-test" integration --python "$python" --color no "$@" || status=$?
check_emulator_bugs || status=1
exit "$status"
