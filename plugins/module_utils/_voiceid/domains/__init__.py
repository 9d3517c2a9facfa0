# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This package is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Domains and what they hold besides speakers (tags, watchlists, fraudsters).

- `lookup.py`: a domain's facts, finding domains, and the one lookup of a domain by its name
  (`find_domains_named`, `resolve_domain_id`) with its one error, `DomainNameError`.
- `tags.py`: tags, normalised and compared the way amazon.aws modules do (their rules are in `rules.py`).
  `watchlists.py`: watchlists and fraudsters.
- `plan.py`: voiceid_domain's pure decision (what the task wants, what to call, what check mode predicts).
- `run.py`: carrying a plan out for one domain (find, act, wait for a re-encryption).

Imports `api/` and `rules.py` only; inside the package, `run.py` imports the others, `plan.py` imports
`lookup.py` and `tags.py`.
"""
