# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's testing guide names every operation the emulator implements, and no other."""

from __future__ import annotations

import pathlib
import re

from voiceid_emulator.model import IMPLEMENTED_OPERATIONS

GUIDE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "docsite" / "rst" / "testing_locally.rst"


def test_the_testing_guide_lists_every_implemented_operation() -> None:
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    sentence = text.split("It implements the operations this collection calls:", 1)[1].split("Any other", 1)[0]
    assert sorted(re.findall(r"``([A-Za-z]+)``", sentence)) == sorted(IMPLEMENTED_OPERATIONS)
