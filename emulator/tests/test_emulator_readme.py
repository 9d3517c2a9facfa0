# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README says what the code does: every configuration key with its default, every operation emulated."""

from __future__ import annotations

import json
import pathlib
import re
import typing as t

from voiceid_emulator.config import CONFIG_KEYS
from voiceid_emulator.config import default_config
from voiceid_emulator.model import IMPLEMENTED_OPERATIONS

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def readme_table() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Configuration keys", 1)[1]
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", section, flags=re.M)
    return {key: default.strip() for key, default in rows}


def as_written(default: t.Any) -> str:
    """A default as the README writes it: JSON, integers without .0, containers in backquotes."""
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    written = json.dumps(default)
    if isinstance(default, (dict, list)):
        return f"`{written}`"
    return written.strip('"')


def test_the_readme_lists_every_configuration_key_once() -> None:
    assert sorted(readme_table()) == sorted(CONFIG_KEYS)


def test_the_readme_gives_each_key_its_default() -> None:
    table = readme_table()
    wrong = {
        key: (table[key], as_written(value))
        for key, value in default_config().items()
        if table[key] != as_written(value)
    }
    assert wrong == {}


def test_the_readme_lists_every_emulated_operation() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## What is emulated", 1)[1]
    paragraph = section.split("Operations: ", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"`([A-Za-z]+)`", paragraph)) == sorted(IMPLEMENTED_OPERATIONS)
