# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The printer's quick no_log filter gives what ansible-core's remove_values gives, for every kind of value."""

from __future__ import annotations

from typing import Any
from typing import Dict

import pytest
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.result_printer import without_no_log_values

NO_LOG = {"hunter2-secret", "42"}
PLAIN = {"customer_speaker_id": "customer-1", "status": "OPTED_OUT", "domain_id": "A" * 22}


class TextSubclass(str):
    pass


@pytest.mark.parametrize(
    "speaker, untouched",
    [
        pytest.param(PLAIN, True, id="plain-strings"),
        pytest.param(dict(PLAIN, last_accessed_at=None, flag=True, count=7), True, id="none-bool-int"),
        pytest.param(dict(PLAIN, customer_speaker_id="hunter2-secret"), False, id="a-no-log-value"),
        pytest.param(dict(PLAIN, customer_speaker_id="x-hunter2-secret-y"), False, id="contains-one"),
        pytest.param(dict(PLAIN, count=42), False, id="a-number-that-is-one"),
        pytest.param(dict(PLAIN, count=1420.5), False, id="a-number-that-contains-one"),
        pytest.param(dict(PLAIN, nested={"id": "hunter2-secret"}), False, id="nested"),
        pytest.param(dict(PLAIN, ids=["a", "hunter2-secret"]), False, id="a-list"),
        pytest.param(dict(PLAIN, status=TextSubclass("hunter2-secret")), False, id="a-str-subclass"),
        pytest.param({"hunter2-secret": "key, not value"}, True, id="keys-are-not-filtered"),
    ],
)
def test_the_quick_filter_is_remove_values(speaker: Dict[str, Any], untouched: bool) -> None:
    filtered = without_no_log_values(speaker, NO_LOG)
    assert filtered == remove_values(speaker, NO_LOG)
    assert (filtered is speaker) == untouched
