# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The `summary` of a speaker run (bulk/summary.py says what it holds)."""

from __future__ import annotations

from typing import Any
from typing import Dict

from ..bulk.summary import one_summary
from ..bulk.summary import summary
from .plan import RunResult

__all__ = ["one_summary", "run_summary"]


def run_summary(outcome: RunResult, invalid: int = 0) -> Dict[str, Any]:
    """The summary of a run over a list (speaker_ids); invalid: how many ids were left out before it."""
    return summary(
        requested=len(outcome.requested) + invalid,
        invalid=invalid,
        duplicates=len(outcome.requested) - len(outcome.records),
        changed=len(outcome.changed_speaker_ids),
        failed_codes=(failure["code"] for failure in outcome.failures),
    )
