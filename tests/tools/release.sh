#!/usr/bin/env bash
# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make release VERSION=x.y.z: cut a release from a clean checkout of a main whose CI is green.
#
#   tests/tools/release.sh VERSION VENV_BIN
#
# 1. checks VERSION (semantic versioning, above the last release) and that the work tree is clean;
# 2. writes VERSION into galaxy.yml and into the user agent (plugins/module_utils/_voiceid/version.py);
# 3. antsibull-changelog release: the fragments move into changelogs/changelog.yaml, CHANGELOG.rst is written;
#    the rendered notes must name each module once (tests/tools/check_release_notes.py);
# 4. make package demo: builds the tarball, installs it into a clean collections path and runs the example
#    playbook through it against the emulator (changed, then unchanged);
# 5. commits "Release VERSION" and tags it VERSION (annotated). Nothing is pushed or published: the script
#    prints the commands that do.
# If a step fails, nothing is committed: `git reset --hard` undoes the edits.
set -euo pipefail

version=${1:-}
bin=$(cd "${2:?usage: $0 VERSION VENV_BIN}" && pwd)
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

die() { echo "release: $*" >&2; exit 1; }

[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
    die "VERSION must be MAJOR.MINOR.PATCH (semantic versioning), e.g. make release VERSION=0.2.0; got '$version'"
[[ -z $(git status --porcelain) ]] || die "the work tree has changes: commit or stash them first"
! git rev-parse -q --verify "refs/tags/$version" >/dev/null || die "tag $version exists already"
last=$(git describe --tags --abbrev=0 --match '[0-9]*' 2>/dev/null || true)
if [[ -n $last ]]; then
    [[ $(printf '%s\n%s\n' "$last" "$version" | sort -V | tail -n 1) == "$version" && $last != "$version" ]] ||
        die "$version is not above the last release, $last"
fi

echo "release: $version (last release: ${last:-none})"
sed -i "s/^version: .*/version: $version/" galaxy.yml
sed -i "s/^COLLECTION_VERSION = \"[^\"]*\"/COLLECTION_VERSION = \"$version\"/" plugins/module_utils/_voiceid/version.py
grep -q "^COLLECTION_VERSION = \"$version\"" plugins/module_utils/_voiceid/version.py ||
    die "could not set COLLECTION_VERSION in plugins/module_utils/_voiceid/version.py"

PATH=$bin:$PATH "$bin/antsibull-changelog" release --version "$version"
"$bin/python" tests/tools/check_release_notes.py CHANGELOG.rst plugins/modules
# staged, so that the tarball (built from what git knows) has the release's files and not the moved fragments
git add --all galaxy.yml plugins/module_utils/_voiceid/version.py changelogs CHANGELOG.rst

make package demo

git commit --quiet -m "Release $version" -m "Changelog: none (the release itself: fragments moved into changelogs/changelog.yaml)"
git tag --annotate "$version" --message "speakerops.voiceid $version"
echo "release: committed and tagged $version; the tarball is $(ls .build/dist/speakerops-voiceid-"$version".tar.gz)"
echo "release: publish with"
echo "    git push origin HEAD $version"
echo "    ansible-galaxy collection publish .build/dist/speakerops-voiceid-$version.tar.gz --api-key ..."
