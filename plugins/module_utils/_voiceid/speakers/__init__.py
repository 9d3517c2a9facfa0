# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This package is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Speakers: reading them, and bringing them to a state (opted out, or deleted).

- `facts.py`: a speaker as the modules return it. `plan.py`: the pure core (no I/O, no threads): `decide`
  and the `Ledger` of every write. `reading.py`: one speaker or every speaker of a domain, for the info module.
- `run.py`: carrying the plan out against the service, one speaker or many. A run over many composes
  `pages.py` (page reading: the ListSpeakers pipeline), `scheduling.py` (read scheduling: which speakers to
  describe, and when) and `writing.py` (the writes), around `shared.py`'s SharedLedger (the plan's Ledger
  behind the one lock the threads share); `workers.py`: their worker threads.
- `task.py`: the task of voiceid_speaker and voiceid_speaker_optout, from options to result.

Imports `api/` and `rules.py`; `task.py`, a task runner, also `domains/lookup.py` and `module.py`.
"""
