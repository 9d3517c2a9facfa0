# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that rendered release notes name each module once, where it is new.

    python tests/tools/check_release_notes.py CHANGELOG.rst plugins/modules

antsibull-changelog lists a module under "New Modules" of the release its version_added names. A fragment
that also announces the module, or an option of it, before it was ever released makes the notes say it
twice. So: every module in plugins/modules is listed under New Modules exactly once in the whole notes, and
the release that lists it names it nowhere else. Later releases may name it freely (bugfixes, new options).
Exits 1 and says what is wrong.
"""

from __future__ import annotations

import pathlib
import re
import sys
from typing import Dict
from typing import List

NEW_MODULES = "New Modules"


def releases(text: str) -> Dict[str, Dict[str, str]]:
    """{version: {section title: text}} from antsibull-changelog's RST (titles underlined by = and -)."""
    lines = text.splitlines()
    result: Dict[str, Dict[str, str]] = {}
    version = section = None
    for index, line in enumerate(lines):
        underline = lines[index + 1] if index + 1 < len(lines) else ""
        if line.startswith("v") and underline and set(underline) == {"="} and len(underline) == len(line):
            version, section = line[1:], ""
            result[version] = {section: ""}
        elif version is not None and underline and set(underline) == {"-"} and len(underline) == len(line):
            section = line
            result[version][section] = ""
        elif version is not None and section is not None and not (line and set(line) <= {"=", "-"}):
            result[version][section] += line + "\n"
    return result


def problems(notes: str, modules: List[str]) -> List[str]:
    found: List[str] = []
    by_release = releases(notes)
    for module in modules:
        name = re.compile(rf"(?<![\w.]){re.escape(module)}(?!\w)|speakerops\.voiceid\.{re.escape(module)}(?!\w)")
        announced = [
            version
            for version, sections in by_release.items()
            for line in sections.get(NEW_MODULES, "").splitlines()
            if re.match(rf"- speakerops\.voiceid\.{re.escape(module)} - ", line)
        ]
        if len(announced) != 1:
            where = ", ".join(announced) or "no release"
            found.append(f"{module}: listed under New Modules in {where}, expected exactly once (its version_added)")
            continue
        release = by_release[announced[0]]
        for section, text in release.items():
            if section != NEW_MODULES and name.search(text):
                found.append(
                    f"{module}: new in {announced[0]}, yet named under '{section or 'the release heading'}' too: "
                    "remove the changelog fragment that announces it or its options (version_added announces it)"
                )
    return found


def main() -> int:
    notes = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
    modules = sorted(path.stem for path in pathlib.Path(sys.argv[2]).glob("*.py") if path.stem != "__init__")
    found = problems(notes, modules)
    for problem in found:
        print(f"release notes: {problem}")
    if not found:
        print(f"release notes: each of {len(modules)} modules is named once, under New Modules of its release")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
