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

access_key=AKIDINTEGRATIONTEST1
secret_key=integration-secret-$RANDOM$RANDOM
# shellcheck source=tests/tools/emulator.sh
source "$repo/tests/tools/emulator.sh"
start_emulator "$repo" "${EMULATOR_BIN:-$bin}" --credentials "$access_key:$secret_key"
url=$emulator_url
echo "Voice ID emulator at $url"

cat >"$collection/tests/integration/integration_config.yml" <<CONFIG
---
voiceid_endpoint_url: $url
voiceid_access_key: $access_key
voiceid_secret_key: $secret_key
voiceid_region: eu-west-2
CONFIG

cd "$collection"
python=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PATH="$bin:$PATH" "$bin/ansible-test" integration --python "$python" --color no "$@"
