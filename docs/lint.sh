#!/usr/bin/env bash
# Lint the collection's documentation as the docs site will use it: the guides in docs/docsite/ (labels,
# toctree, references to modules and their options) and every plugin's DOCUMENTATION, EXAMPLES and RETURN
# (schema, markup, and the generated RST run through rstcheck).
#
# Environment:
#   VENV_BIN          directory with antsibull-docs and python (default: .venv/bin)
#   COLLECTIONS_PATH  use this tree for amazon.aws instead of laying out a temporary one; it must lie outside
#                     any git work tree (see docs/tree.sh)
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV_BIN=$(cd -- "${VENV_BIN:-.venv/bin}" && pwd)
export PATH="$VENV_BIN:$PATH"
# shellcheck source=docs/tree.sh
source "$ROOT/docs/tree.sh"
lay_out_collections_tree
if git -C "$COLLECTIONS_PATH/ansible_collections/amazon/aws" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "COLLECTIONS_PATH=$COLLECTIONS_PATH lies in a git work tree; antsibull-docs would copy amazon.aws" \
        "from it as an empty directory. Leave COLLECTIONS_PATH unset to use a temporary tree." >&2
    exit 2
fi
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_PATH"
# Only the tree: amazon.aws in .venv lies inside this git checkout, where antsibull-docs would copy it with
# git ls-files, that is, as an empty directory (seen on a fresh clone).
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

# Lint this checkout itself, so that messages name its files (antsibull-docs copies what git does not ignore);
# amazon.aws comes from the tree. Outside git, lint the tree's copy, which leaves out .venv and build output.
collection=.
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    collection="$COLLECTIONS_PATH/ansible_collections/speakerops/voiceid"
fi
antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs "$collection"
# The permissions guide is rendered from the one IAM table (docs/iam/permissions.yml).
"$VENV_BIN/python" "$ROOT/tests/tools/iam_policies.py" --check
echo "docs/lint.sh: collection docs are clean"
