# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""What a write that ended in an error means, for every bulk run (speakers/writing.py and fraudsters/writing.py
decide it, each for its own resource, in their after_failure)."""

from __future__ import annotations

import enum


class Failed(enum.Enum):
    """What a write that ended in an error means."""

    FAILED = "failed"  # not done, or not known to be done
    DELETED_MEANWHILE = "deleted meanwhile"  # a deletion someone else made before this run's: nothing was done
    ANSWER_LOST = "answer lost"  # done: an attempt was carried out, its answer lost, and the effect is confirmed
