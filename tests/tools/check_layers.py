# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Imports in plugins/module_utils/_voiceid point one way, as CONTRIBUTING.md's code map and each package's
README.md files say: rules.py and version.py <- api/, journal.py <- module base, bulk/ <- speakers/, domains/,
fraudsters/ <- watchlists/ <- the task runners.

    python tests/tools/check_layers.py

Exits 1 and names each import that points the wrong way (file:line, what it imports, what it may import).
"""

from __future__ import annotations

import ast
import pathlib
import sys
from typing import Dict
from typing import FrozenSet
from typing import List

REPO = pathlib.Path(__file__).resolve().parents[2]
ROOT = REPO / "plugins/module_utils/_voiceid"
PREFIX = "ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid."

# What each part may import besides itself. A part is a package (api, speakers, domains) or a top-level module.
BASE = frozenset({"rules", "version"})
MAY_IMPORT: Dict[str, FrozenSet[str]] = {
    "rules": frozenset(),
    "version": frozenset(),
    "api": BASE,
    # The write journal: below the runs that journal their writes (speakers, domains) and the modules.
    "journal": BASE,
    "result_printer": BASE | {"api"},
    "argspec": BASE | {"api"},
    "module": BASE | {"api", "result_printer"},
    # What every bulk run shares: worker threads, signals, the summary's counts.
    "bulk": BASE | {"api", "journal"},
    "speakers": BASE | {"api", "journal", "bulk"},
    "domains": BASE | {"api", "journal", "bulk"},
    "fraudsters": BASE | {"api", "journal", "bulk"},
    # A watchlist's forced deletion takes its fraudsters out of it through the fraudsters' engine.
    "watchlists": BASE | {"api", "journal", "bulk", "fraudsters"},
    # The task runner of the speaker modules: it composes the others.
    "speakers.task": BASE | {"api", "module", "argspec", "result_printer", "speakers", "domains", "journal", "bulk"},
}


def part_of(dotted: str) -> str:
    """speakers.run -> speakers, rules -> rules; the task runner speakers.task is a part of its own."""
    if dotted == "speakers.task":
        return dotted
    return dotted.split(".")[0]


def imported_modules(path: pathlib.Path) -> List[tuple[int, str]]:
    """(line, dotted name under _voiceid) of each import of the collection's module_utils in path."""
    here = path.relative_to(ROOT).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = list(here[: len(here) - node.level])
            target = ".".join(base + ([node.module] if node.module else []))
        elif node.module and node.module.startswith(PREFIX):
            target = node.module[len(PREFIX) :]
        else:
            continue
        if node.module is None or target in ("api", "bulk", "speakers", "domains", "fraudsters", "watchlists", ""):
            found.extend((node.lineno, f"{target}.{alias.name}".lstrip(".")) for alias in node.names)
        else:
            found.append((node.lineno, target))
    return found


def main() -> int:
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        own = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if own.endswith("__init__") or own == "__init__":
            continue
        mine = part_of(own)
        for line, target in imported_modules(path):
            theirs = part_of(target)
            if theirs != mine and theirs not in MAY_IMPORT[mine]:
                allowed = ", ".join(sorted(MAY_IMPORT[mine])) or "nothing"
                wrong.append(f"{path.relative_to(REPO)}:{line} imports {target}; {mine} may import {allowed}")
    for problem in wrong:
        print(f"layers: {problem}")
    if wrong:
        print("layers: see CONTRIBUTING.md (Code map) for what may import what")
        return 1
    print(f"layers: every import in {ROOT.relative_to(REPO)} points the way the code map says")
    return 0


if __name__ == "__main__":
    sys.exit(main())
