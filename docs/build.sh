#!/usr/bin/env bash
# Build the documentation site into docs/build/html: a page per module, generated from its DOCUMENTATION,
# EXAMPLES and RETURN, and the guides of docs/docsite/rst/ (listed in docs/docsite/extra-docs.yml).
#
# antsibull-docs sphinx-init lays out a Sphinx project in docs/build/, antsibull-docs writes its RST there,
# and sphinx-build renders it. Any antsibull-docs error or Sphinx warning fails the build.
# Works offline: intersphinx reads a small local inventory instead of downloading docs.ansible.com's.
#
# Environment:
#   VENV_BIN          directory with antsibull-docs, sphinx-build and python (default: .venv/bin)
#   COLLECTIONS_PATH  use this tree, holding ansible_collections/speakerops/voiceid and
#                     ansible_collections/amazon/aws, instead of laying out a temporary one
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV_BIN=$(cd -- "${VENV_BIN:-.venv/bin}" && pwd)
export PATH="$VENV_BIN:$PATH"
# shellcheck source=docs/tree.sh
source "$ROOT/docs/tree.sh"
lay_out_collections_tree
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_PATH"
# Only the tree: amazon.aws in .venv lies inside this git checkout, where antsibull-docs would copy it with
# git ls-files, that is, as an empty directory (seen on a fresh clone).
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

DEST="$ROOT/docs/build"
rm -rf -- "$DEST"
mkdir -p "$DEST"

antsibull-docs sphinx-init \
    --use-current \
    --squash-hierarchy \
    --fail-on-error \
    --dest-dir "$DEST" \
    --project speakerops.voiceid \
    --copyright "Contributors to the speakerops.voiceid project" \
    --title "speakerops.voiceid" \
    speakerops.voiceid >/dev/null

# intersphinx: the generated conf.py downloads docs.ansible.com's inventories, which an offline build cannot.
# Generated pages link to a few labels of the Ansible docs; a local inventory resolves them to the same URLs.
# A new "undefined label" warning means a label is missing here: add it with its page on docs.ansible.com.
"$VENV_BIN/python" - "$DEST/ansible_devel.inv" <<'EOF'
import sys
import zlib

LABELS = [
    # label, page#anchor, title
    ("ansible_configuration_settings", "reference_appendices/config.html#ansible-configuration-settings",
     "Ansible Configuration Settings"),
    ("common_return_values", "reference_appendices/common_return_values.html#common-return-values",
     "Return Values"),
    # used by the guides in docs/docsite/rst/
    ("module_defaults_groups", "playbook_guide/playbooks_module_defaults.html#module-defaults-groups",
     "Module defaults groups"),
]
header = (
    "# Sphinx inventory version 2\n"
    "# Project: Ansible\n"
    "# Version: devel\n"
    "# The remainder of this file is compressed using zlib.\n"
)
body = "".join(f"{label} std:label -1 {uri} {title}\n" for label, uri, title in LABELS)
with open(sys.argv[1], "wb") as inventory:
    inventory.write(header.encode() + zlib.compress(body.encode()))
EOF
cat >>"$DEST/conf.py" <<EOF

# Added by docs/build.sh: offline intersphinx (see there).
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '$DEST/ansible_devel.inv'),
}
# No top bar of links to Ansible's blog and forum: this site is not Ansible's.
html_theme_options = {'topbar_links': {}}
EOF

# antsibull-docs wants its output directory writable by its owner only.
mkdir -p "$DEST/rst"
chmod og-w "$DEST/rst"
antsibull-docs \
    --config-file "$DEST/antsibull-docs.cfg" \
    collection \
    --use-current \
    --squash-hierarchy \
    --fail-on-error \
    --cleanup everything \
    --dest-dir "$DEST/rst" \
    speakerops.voiceid

# Guides include the example playbooks (docs/examples) that make demo runs, so the site shows the tested files.
rm -rf "$DEST/examples" && cp -r docs/examples "$DEST/examples"

sphinx-build -b html -W --keep-going -q -d "$DEST/doctrees" -c "$DEST" "$DEST/rst" "$DEST/html"
echo "docs/build.sh: site built in docs/build/html (open docs/build/html/index.html)"
