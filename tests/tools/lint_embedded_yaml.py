# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""yamllint on the YAML that yamllint does not see as files (make yamllint runs it after `yamllint .`):

- DOCUMENTATION, EXAMPLES and RETURN of every module and the doc fragments' strings (plugins/);
- the YAML code blocks of the guides (docs/docsite/rst/*.rst: ``.. code-block:: yaml`` and ``yaml+jinja``) and of
  README.md (```yaml).

Each piece is linted with the repository's .yamllint, and a problem is reported at its line in the file that
holds it. Exit status 1 on any problem (errors and warnings alike, as --strict does).
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path
from typing import Iterator
from typing import NamedTuple

from yamllint import linter
from yamllint.config import YamlLintConfig

REPO = Path(__file__).resolve().parents[2]
DOC_STRINGS = {"DOCUMENTATION", "EXAMPLES", "RETURN"}


class Piece(NamedTuple):
    path: Path
    first_line: int  # the line of the file that holds the piece's first line
    text: str


def python_pieces(path: Path) -> Iterator[Piece]:
    """The YAML strings of a module (DOCUMENTATION, EXAMPLES, RETURN) or a doc fragment (class attributes)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
            continue
        names = {target.id for target in node.targets if isinstance(target, ast.Name)}
        fragment = path.parent.name == "doc_fragments" and names and all(name.isupper() for name in names)
        if (names & DOC_STRINGS or fragment) and isinstance(node.value.value, str):
            text = node.value.value
            # r\"\"\" then a newline: the string's first line is the one after the assignment's.
            yield Piece(path, node.value.lineno + 1 if text.startswith("\n") else node.value.lineno, text.lstrip("\n"))


def rst_pieces(path: Path) -> Iterator[Piece]:
    lines = path.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        if re.match(r"^\s*\.\. code-block:: yaml(\+jinja)?\s*$", lines[number]):
            number += 1
            while number < len(lines) and (not lines[number].strip() or lines[number].lstrip().startswith(":")):
                number += 1  # options (:caption:, ...) and the blank line
            start = number
            while number < len(lines) and (not lines[number].strip() or lines[number].startswith((" ", "\t"))):
                number += 1
            block = "\n".join(lines[start:number]).rstrip() + "\n"
            yield Piece(path, start + 1, textwrap.dedent(block))
        else:
            number += 1


def markdown_pieces(path: Path) -> Iterator[Piece]:
    lines = path.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        if lines[number].strip() in ("```yaml", "```yml"):
            start = number + 1
            number = start
            while number < len(lines) and lines[number].strip() != "```":
                number += 1
            yield Piece(path, start + 1, "\n".join(lines[start:number]) + "\n")
        number += 1


def pieces() -> Iterator[Piece]:
    for path in sorted((REPO / "plugins").glob("*/*.py")):
        yield from python_pieces(path)
    for path in sorted((REPO / "docs/docsite/rst").glob("*.rst")):
        yield from rst_pieces(path)
    yield from markdown_pieces(REPO / "README.md")


def main() -> int:
    config = YamlLintConfig(file=str(REPO / ".yamllint"))
    count = problems = 0
    for piece in pieces():
        count += 1
        for problem in linter.run(piece.text, config):
            problems += 1
            where = f"{piece.path.relative_to(REPO)}:{piece.first_line + problem.line - 1}:{problem.column}"
            print(f"{where}: [{problem.level}] {problem.message}")
    print(f"lint_embedded_yaml: {count} pieces of YAML in module docs, guides and README, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
