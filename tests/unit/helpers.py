# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Constants and types shared by the unit tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import Tuple

DOMAIN_ID = "AbCdEfGhIjKlMnOpQrStUv"
REGION = "eu-west-2"

# run_module(main, args, check_mode=False, diff=False) -> (result, failed)
ModuleRunner = Callable[..., Tuple[Dict[str, Any], bool]]
