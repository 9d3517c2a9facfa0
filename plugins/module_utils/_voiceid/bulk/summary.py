# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The `summary` of the bulk modules (voiceid_speaker, voiceid_speaker_optout, voiceid_fraudster): counts only,
never an id, so that it can be printed after a no_log task. Built here and nowhere else, as a plain dict that
other parts of a run may extend (the task adds the client's throttled and retried).

    requested       ids given, duplicates and invalid ones included
    invalid         ids left out for breaking the service's rules (on_invalid: skip)
    duplicates      ids given again after their first time (each answered like its first)
    changed         distinct ids changed (in check mode: that would be)
    unchanged       distinct ids that needed nothing
    failed          distinct ids that could not be changed, as in failures
    failed_by_code  error code -> how many of the failed

requested == invalid + duplicates + changed + unchanged + failed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from typing import Dict
from typing import Iterable
from typing import Optional


def summary(requested: int, invalid: int, duplicates: int, changed: int, failed_codes: Iterable[str]) -> Dict[str, Any]:
    """The summary from its counts; failed_codes: the error code of each failed id."""
    failed_by_code = dict(sorted(Counter(failed_codes).items()))
    failed = sum(failed_by_code.values())
    return {
        "requested": requested,
        "invalid": invalid,
        "duplicates": duplicates,
        "changed": changed,
        "unchanged": requested - invalid - duplicates - changed - failed,
        "failed": failed,
        "failed_by_code": failed_by_code,
    }


def by_code(codes: Iterable[str]) -> str:
    """How many of each error code, most frequent first ("3 AccessDeniedException, 1 ValidationException"): the
    counts the failure messages of every bulk run say."""
    counts = Counter(codes)
    return ", ".join(f"{n} {code}" for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def one_summary(changed: bool, failed_code: Optional[str] = None) -> Dict[str, Any]:
    """The summary of a task on one resource (speaker_id, fraudster_id)."""
    return summary(1, 0, 0, int(changed and failed_code is None), [failed_code] if failed_code else [])
