# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This package is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Domains and what they hold besides speakers (tags, watchlists, fraudsters).

- `lookup.py`: a domain's facts, finding domains, resolving a domain_name to its id.
- `tags.py`: tags, compared the way amazon.aws modules compare them. `watchlists.py`: watchlists and fraudsters.
- `run.py`: bringing one domain to the state a task describes (plan, act, wait for a re-encryption).

Imports `api/` and `rules.py` only.
"""
