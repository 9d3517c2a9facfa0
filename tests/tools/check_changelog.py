# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Flag user-visible changes that ship without a changelog fragment.

    python tests/tools/check_changelog.py

Every commit since the last release tag (or since the first commit) that touches what users get - plugins/,
meta/, galaxy.yml, requirements.txt - must add or change a fragment in changelogs/fragments/, unless its
message has a line `Changelog: none` with the reason (a refactoring, say). Uncommitted changes are checked the
same way. Exits 1 and names each offending commit; a shallow clone is checked as far as its history goes.
"""

from __future__ import annotations

import subprocess
import sys
from typing import List
from typing import Optional

USER_VISIBLE = ("plugins/", "meta/", "galaxy.yml", "requirements.txt")
FRAGMENTS = "changelogs/fragments/"
EXEMPT = "changelog: none"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def last_release_tag() -> Optional[str]:
    try:
        return git("describe", "--tags", "--abbrev=0", "--match", "[0-9]*").strip() or None
    except subprocess.CalledProcessError:
        return None


def problem(files: List[str], message: str) -> bool:
    visible = any(path.startswith(USER_VISIBLE) for path in files)
    fragment = any(path.startswith(FRAGMENTS) for path in files)
    exempt = any(line.strip().lower().startswith(EXEMPT) for line in message.splitlines())
    return visible and not fragment and not exempt


def main() -> int:
    tag = last_release_tag()
    commits = git("rev-list", f"{tag}..HEAD" if tag else "HEAD").split()
    offenders = []
    for commit in commits:
        files = git("diff-tree", "--root", "--no-commit-id", "--name-only", "-r", commit).split()
        message = git("log", "-1", "--format=%B", commit)
        if problem(files, message):
            offenders.append(f"{commit[:10]} {message.splitlines()[0]}")
    uncommitted = git("status", "--porcelain", "--untracked-files=all").splitlines()
    if problem([line[3:] for line in uncommitted], ""):
        offenders.append("uncommitted changes")
    for offender in offenders:
        print(f"changelog: no fragment in changelogs/fragments/ for a user-visible change: {offender}")
    if offenders:
        print("changelog: add a fragment, or say 'Changelog: none (why)' in the commit message")
        return 1
    print(f"changelog: every user-visible change of {len(commits)} commits has a fragment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
