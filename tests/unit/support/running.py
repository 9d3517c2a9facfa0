# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running a module's real main() and reading back the result it prints (conftest.py's run_module fixture)."""

from __future__ import annotations

import json
from typing import Any
from typing import Callable
from typing import Dict
from typing import Tuple

import pytest

from ansible_collections.speakerops.voiceid.tests.unit.support.compat import patch_module_args

# run_module(main, args, check_mode=False, diff=False) -> (result, failed)
ModuleRunner = Callable[..., Tuple[Dict[str, Any], bool]]

# A parameter of the tests that run a module both for real and in check mode.
CHECK_MODES = [pytest.param(False, id="apply"), pytest.param(True, id="check")]


def run_main(
    capsys: pytest.CaptureFixture[str],
    main: Callable[[], None],
    args: Dict[str, Any],
    check_mode: bool = False,
    diff: bool = False,
) -> Tuple[Dict[str, Any], bool]:
    """Run main() with args (plus _ansible_check_mode/_ansible_diff); return (result, failed)."""
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(module_args), pytest.raises(SystemExit) as exit_info:
        main()
    output = capsys.readouterr().out
    result: Dict[str, Any] = json.loads(output)
    return result, exit_info.value.code != 0 or bool(result.get("failed"))
