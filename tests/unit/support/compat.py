# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the unit tests need from ansible-core, on every release the collection supports (>= 2.17).

`patch_module_args` came with ansible-core 2.19 (ansible.module_utils.testing); on 2.17 and 2.18 the same is
done by hand: AnsibleModule reads its arguments from `basic._ANSIBLE_ARGS` when it is set. The warnings of a
module's result changed shape with ansible-core 2.19: `warning_texts` reads either.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional
from unittest import mock

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19

    @contextlib.contextmanager  # type: ignore[no-redef]
    def patch_module_args(args: Optional[Dict[str, Any]] = None) -> Iterator[None]:
        """Expose the given module args to `AnsibleModule` instances created within this context."""
        from ansible.module_utils import basic

        serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(basic, "_ANSIBLE_ARGS", serialized):
            yield


def warning_texts(result: Dict[str, Any]) -> List[str]:
    """The warnings of a module's result as text: a string each before ansible-core 2.19, a summary after."""
    texts = []
    for warning in result.get("warnings", []):
        texts.append(warning if isinstance(warning, str) else str(warning.get("event", {}).get("msg", warning)))
    return texts


__all__ = ["patch_module_args", "warning_texts"]
