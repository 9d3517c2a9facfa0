# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This package is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The code behind the modules of speakerops.voiceid, by area. Imports point one way only, up this list:

- The task runners: the modules (plugins/modules/) and `speakers/task.py`, the task both speaker modules share.
  They may import everything below.
- `speakers/`, `domains/`: one package per kind of resource: its facts, its pure plan, the run that carries
  the plan out. Each imports `api/` and `rules.py`, never the other.
- `module.py`, `argspec.py`: the modules' base (the AnsibleAWSModule of the collection: client factory,
  failures) and the options several modules share; `result_printer.py`, which prints long results speaker by
  speaker through private ansible-core names (2.19 and later). They import `api/` and `rules.py`.
- `api/`: talking to the service: errors, retries, request rates, the client, the shapes of its answers.
  It imports only `rules.py`.
- `rules.py` (the service's input rules, checked before any call) and `version.py` import nothing.
"""
