# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep the code small enough to read: fail on a function too branchy or a class too long.

    python tests/tools/check_complexity.py [--max-complexity 15] [--max-class-lines 150]

- No function or method in plugins/ or emulator/src/ above cyclomatic complexity 15 (radon's measure).
- No class in plugins/module_utils/ longer than 150 lines (its docstring and comments included).

Exits 1 and names each offender as path:line name (figure).
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import sys
from typing import Any
from typing import Iterator
from typing import List

from radon.complexity import cc_visit

REPO = pathlib.Path(__file__).resolve().parents[2]
COMPLEXITY_ROOTS = ("plugins", "emulator/src")
CLASS_LENGTH_ROOTS = ("plugins/module_utils",)


def python_files(roots: tuple[str, ...]) -> Iterator[pathlib.Path]:
    for root in roots:
        yield from sorted((REPO / root).rglob("*.py"))


def functions(blocks: List[Any]) -> Iterator[Any]:
    """Every function radon measured, methods and nested functions included (a class is not a function)."""
    for block in blocks:
        if hasattr(block, "methods"):
            yield from functions(block.methods)
        else:
            yield block
            yield from functions(getattr(block, "closures", []))


def too_complex(limit: int) -> List[str]:
    found = []
    for path in python_files(COMPLEXITY_ROOTS):
        for item in functions(cc_visit(path.read_text(encoding="utf-8"))):
            complexity = item.complexity
            if complexity > limit:
                name = getattr(item, "fullname", item.name)
                found.append(f"{path.relative_to(REPO)}:{item.lineno} {name} (complexity {complexity})")
    return sorted(set(found))


def too_long(limit: int) -> List[str]:
    found = []
    for path in python_files(CLASS_LENGTH_ROOTS):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno} class {node.name} ({lines} lines)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-complexity", type=int, default=15)
    parser.add_argument("--max-class-lines", type=int, default=150)
    args = parser.parse_args()
    offenders = too_complex(args.max_complexity) + too_long(args.max_class_lines)
    for offender in offenders:
        print(f"complexity: {offender}")
    if offenders:
        print(
            f"complexity: split what is named above: functions up to cyclomatic complexity {args.max_complexity},"
            f" classes in plugins/module_utils up to {args.max_class_lines} lines"
        )
        return 1
    print(
        f"complexity: no function above {args.max_complexity} in {', '.join(COMPLEXITY_ROOTS)}, no class above"
        f" {args.max_class_lines} lines in {', '.join(CLASS_LENGTH_ROOTS)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
