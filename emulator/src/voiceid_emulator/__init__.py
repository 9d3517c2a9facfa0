# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""voiceid-emulator: a local emulator ("test double") of Amazon Connect Voice ID, for tests.

See the package's README.md (emulator/README.md in the speakerops.voiceid repository)."""

from __future__ import annotations

from .control import ControlError
from .control import EmulatorControl
from .engine import VoiceIdEmulator
from .errors import ApiError
from .faults import FaultRule
from .quotas import DEFAULT_RATES
from .seed import SeedError
from .seed import load_seed_file
from .server import EmulatorServer

__all__ = [
    "DEFAULT_RATES",
    "ApiError",
    "ControlError",
    "EmulatorControl",
    "EmulatorServer",
    "FaultRule",
    "SeedError",
    "VoiceIdEmulator",
    "load_seed_file",
]
