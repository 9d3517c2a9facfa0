#!/usr/bin/env bash
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The ansible-core test matrix, one release at a time (the Makefile's matrix-* targets call this).
#
#   tests/matrix/matrix.sh venv        RELEASE                 the release's virtualenv, .venvs/ansible-core-RELEASE
#   tests/matrix/matrix.sh tree        RELEASE                 lay out .build/matrix/RELEASE/ansible_collections/...
#   tests/matrix/matrix.sh sanity      RELEASE PYTHON [MORE...] ansible-test sanity on PYTHON (the controller's),
#                                                              then its compile and import tests on each MORE
#   tests/matrix/matrix.sh units       RELEASE PYTHON...       ansible-test units on each PYTHON
#   tests/matrix/matrix.sh integration RELEASE EMULATOR_BIN [ansible-test arguments...]
#                                                              every target under tests/integration/targets
#   tests/matrix/matrix.sh python      X.Y                     the path of pyenv's Python X.Y
#
# A release is described by tests/matrix/ansible-core-RELEASE.txt, a pip requirements file whose header says
#   # python: 3.13                  the controller Python (from pyenv) the release is tested on
#   # amazon.aws: ansible~=12.3.0   optional: amazon.aws copied from this `ansible` package's wheel, for releases
#                                   whose ansible-core has no `ansible` package to install (amazon.aws is not on
#                                   PyPI on its own)
# MATRIX_TREE=NAME puts the tree in .build/matrix/NAME instead (make test gives a release's sanity, units and
# integration a tree each, so that they can run at the same time).
# Interpreters come from pyenv ($PYENV_ROOT/versions/X.Y.*/bin/python); a missing one is named with the command
# that installs it. Each step prints how long it took.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venvs=$repo/.venvs
builds=$repo/.build/matrix

die() { echo "matrix: $*" >&2; exit 1; }

# python_for VERSION: the newest pyenv CPython X.Y.z for VERSION=X.Y, or a message saying how to get it.
python_for() {
    local version=$1 root candidate found=""
    root=${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}
    for candidate in "$root"/versions/"$version".*/bin/python; do
        [[ -x $candidate ]] && found=$candidate
    done
    [[ -n $found ]] || die "Python $version is needed but $root/versions has no $version.x: install it with 'pyenv install $version' (https://github.com/pyenv/pyenv#installation)"
    echo "$found"
}

header() { sed -n "s/^# $2: *//p" "$1" | head -n 1; }

requirements_of() {
    local file=$repo/tests/matrix/ansible-core-$1.txt
    [[ -f $file ]] || die "no tests/matrix/ansible-core-$1.txt: the releases are $(cd "$repo/tests/matrix" && ls ansible-core-*.txt | sed 's/ansible-core-//; s/\.txt//' | xargs)"
    echo "$file"
}

bin_of() { echo "$venvs/ansible-core-$1/bin"; }
tree_of() { echo "$builds/${MATRIX_TREE:-$1}"; }
collection_of() { echo "$(tree_of "$1")/ansible_collections/speakerops/voiceid"; }

timed() {
    local label=$1 start=$SECONDS
    shift
    "$@"
    echo "matrix: $label took $((SECONDS - start))s"
    mkdir -p "$builds"
    echo "$label $((SECONDS - start))" >>"$builds/times.txt"
}

# The virtualenv is rebuilt only when its requirements change: .installed holds the sha256 of the file and of
# requirements.txt (which it includes). flock keeps two concurrent makes from building the same one.
make_venv() {
    local release=$1 file venv python amazon_aws key
    file=$(requirements_of "$release")
    venv=$venvs/ansible-core-$release
    key=$(cat "$file" "$repo/requirements.txt" | sha256sum | cut -d' ' -f1)
    mkdir -p "$venvs"
    exec 9>"$venv.lock"
    flock 9
    if [[ -f $venv/.installed && $(cat "$venv/.installed") == "$key" ]]; then
        return 0
    fi
    python=$(python_for "$(header "$file" python)")
    echo "matrix: ansible-core $release: creating $venv with $python"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    (cd "$(dirname "$file")" && "$venv/bin/python" -m pip install --quiet -r "$file")
    amazon_aws=$(header "$file" amazon.aws)
    if [[ -n $amazon_aws ]]; then
        copy_amazon_aws "$venv" "$amazon_aws"
    fi
    "$venv/bin/python" - "$release" <<'PY'
import sys

import ansible
import ansible_collections.amazon.aws as amazon_aws
import yaml
from pathlib import Path

release = sys.argv[1]
core = ansible.__version__
manifest = Path(list(amazon_aws.__path__)[0]) / "MANIFEST.json"
aws = __import__("json").loads(manifest.read_text())["collection_info"]["version"]
if not core.startswith(release + "."):
    sys.exit(f"matrix: the venv of ansible-core {release} has ansible-core {core}")
print(f"matrix: ansible-core {core}, amazon.aws {aws}, Python {sys.version.split()[0]}")
PY
    echo "$key" >"$venv/.installed"
}

# amazon.aws from an `ansible` package's wheel, into the venv's site-packages where ansible-core finds it.
copy_amazon_aws() {
    local venv=$1 spec=$2 download
    download=$(mktemp -d)
    "$venv/bin/python" -m pip download --quiet --no-deps --ignore-requires-python --only-binary=:all: \
        -d "$download" "$spec"
    "$venv/bin/python" - "$download"/*.whl <<'PY'
import sys
import sysconfig
import zipfile

prefix = "ansible_collections/amazon/aws/"
site = sysconfig.get_paths()["purelib"]
with zipfile.ZipFile(sys.argv[1]) as wheel:
    members = [name for name in wheel.namelist() if name.startswith(prefix)]
    wheel.extractall(site, members)
print(f"matrix: amazon.aws copied from {sys.argv[1].rsplit('/', 1)[-1]} ({len(members)} files)")
PY
    rm -rf "$download"
}

# The tree ansible-test needs: this checkout's files (tracked and new, not ignored) and amazon.aws beside, both
# laid anew each time; tests/output is kept, so ansible-test's own virtualenvs (units --venv) are reused.
lay_out_tree() {
    local release=$1 bin collection tree
    bin=$(bin_of "$release")
    collection=$(collection_of "$release")
    tree=$(tree_of "$release")
    mkdir -p "$collection/tests/output" "$tree/ansible_collections/amazon"
    find "$collection" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
    find "$collection/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) |
        tar -xf - -C "$collection"
    rm -rf "$tree/ansible_collections/amazon/aws"
    cp -a "$("$bin/python" -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')" \
        "$tree/ansible_collections/amazon/aws"
    rm -rf "$collection/.git"
    (cd "$collection" && git init --quiet && git add --all)
}

# PATH for ansible-test: the release's venv first, then the pyenv interpreters asked for (pythonX.Y on PATH is
# how ansible-test finds them).
test_path() {
    local release=$1 version dirs=""
    shift
    for version in "$@"; do
        dirs+=$(dirname "$(python_for "$version")"):
    done
    # pyenv's shims would answer for every version, then fail for those pyenv is not set to: leave them out.
    echo "$(bin_of "$release"):$dirs$(tr ':' '\n' <<<"$PATH" | grep -v '/shims$' | paste -sd:)"
}

# Sanity tests that build their own virtualenv download get-pip.py; a stand-in serves pip from the registry.
get_pip_standin() {
    local release=$1 version cache=$HOME/.ansible/test/cache
    version=$("$(bin_of "$release")/python" -c '
import ansible_test._internal.python_requirements as r, inspect, re
print(re.search(r"pip=.([0-9.]+)", inspect.getsource(r.get_venv_packages)).group(1))')
    mkdir -p "$cache"
    [[ -e $cache/get_pip_${version//./_}.py ]] || cp "$repo/tests/tools/get_pip_standin.py" "$cache/get_pip_${version//./_}.py"
}

# Sanity on the controller Python (every test), then compile and import on each further Python. Two sanity runs
# at once may build the same virtualenv under ~/.ansible/test/venv (shared by every checkout; ansible-test
# deletes one it finds half built): a lock there lets one sanity run at a time.
sanity() {
    local release=$1 controller=$2 version
    shift 2
    get_pip_standin "$release"
    for version in "$controller" "$@"; do
        python_for "$version" >/dev/null
    done
    mkdir -p "$HOME/.ansible/test"
    exec 8>"$HOME/.ansible/test/.speakerops-voiceid-sanity.lock"
    flock 8
    (cd "$(collection_of "$release")" && PATH=$(test_path "$release" "$controller") \
        timed "ansible-core $release sanity on Python $controller" \
        ansible-test sanity --local --python "$controller" --requirements --color no)
    for version in "$@"; do
        (cd "$(collection_of "$release")" && PATH=$(test_path "$release" "$version") \
            timed "ansible-core $release sanity compile and import on Python $version" \
            ansible-test sanity --local --python "$version" --test compile --test import --requirements --color no)
    done
    exec 8>&-
}

units() {
    local release=$1 version
    shift
    get_pip_standin "$release"
    for version in "$@"; do
        (cd "$(collection_of "$release")" && PATH=$(test_path "$release" "$version") \
            timed "ansible-core $release units on Python $version" \
            ansible-test units --venv --python "$version" --requirements --color no)
    done
}

integration() {
    local release=$1 emulator_bin=$2 bin
    shift 2
    bin=$(bin_of "$release")
    EMULATOR_BIN=$emulator_bin "$repo/tests/integration/run-with-emulator.sh" "$(collection_of "$release")" "$bin" "$@"
}

command=${1:-}
if [[ $command == python ]]; then  # tests/matrix/matrix.sh python X.Y: the path of pyenv's Python X.Y
    python_for "${2:?usage: $0 python X.Y}"
    exit 0
fi
release=${2:-}
[[ -n $command && -n $release ]] || die "usage: $0 venv|tree|sanity|units|integration RELEASE [...]"
[[ $command != sanity || $# -gt 2 ]] || die "usage: $0 sanity RELEASE PYTHON [MORE...]"
shift 2
case $command in
venv) timed "ansible-core $release venv" make_venv "$release" ;;
tree) lay_out_tree "$release" ;;
sanity) sanity "$release" "$@" ;;
units) units "$release" "$@" ;;
integration) timed "ansible-core $release integration" integration "$release" "$@" ;;
*) die "unknown command $command" ;;
esac
