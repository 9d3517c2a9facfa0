# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local emulator ("test double") of Amazon Connect Voice ID, for tests. See README.md beside this file."""

from __future__ import annotations

from .control import ControlError
from .control import EmulatorControl
from .engine import VoiceIdEmulator
from .errors import ApiError
from .faults import FaultRule
from .quotas import DEFAULT_RATES
from .server import EmulatorServer
from .state import SeedError
from .state import load_seed_file

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
