# shellcheck shell=bash
# Sourced by docs/build.sh and docs/lint.sh (not run on its own).
#
# antsibull-docs finds collections the way ansible-core does, in an ansible_collections/<namespace>/<name>/
# tree, and it also needs amazon.aws there: our modules' docs extend amazon.aws's doc fragments. Without a
# Galaxy server, amazon.aws comes from the installed `ansible` package.
#
# The tree must lie outside any git work tree: antsibull-docs' linter copies each collection with
# `git ls-files` when the collection sits inside a git work tree, and amazon.aws inside this checkout (in
# .venv or .build/) would copy as an empty directory.
#
# Expects ROOT (the checkout) and VENV_BIN to be set. Sets COLLECTIONS_PATH: as given by the caller, or a
# fresh temporary tree that is removed when the calling script exits.

lay_out_collections_tree() {
    if [[ -n "${COLLECTIONS_PATH:-}" ]]; then
        COLLECTIONS_PATH=$(cd -- "$COLLECTIONS_PATH" && pwd)
        local name
        for name in speakerops/voiceid amazon/aws; do
            if [[ ! -d "$COLLECTIONS_PATH/ansible_collections/$name" ]]; then
                echo "COLLECTIONS_PATH=$COLLECTIONS_PATH has no ansible_collections/$name" >&2
                return 1
            fi
        done
        return 0
    fi

    DOCS_TREE=$(mktemp -d "${TMPDIR:-/tmp}/speakerops-voiceid-docs.XXXXXX")
    trap 'rm -rf -- "$DOCS_TREE"' EXIT
    local collection="$DOCS_TREE/ansible_collections/speakerops/voiceid"
    mkdir -p "$collection" "$DOCS_TREE/ansible_collections/amazon"

    # This checkout's files, tracked and new, without what git ignores (.venv, build output, caches).
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
            tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$collection"
    else
        tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./.build --exclude=./docs/build -cf - . |
            tar -xf - -C "$collection"
    fi

    local amazon_aws
    amazon_aws=$("$VENV_BIN/python" -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')
    cp -a "$amazon_aws" "$DOCS_TREE/ansible_collections/amazon/aws"

    COLLECTIONS_PATH=$DOCS_TREE
}
