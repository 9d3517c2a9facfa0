# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This doc fragment is PRIVATE to the speakerops.voiceid collection. It may change without notice.
# Do not use it from other collections.

from __future__ import annotations


class ModuleDocFragment:
    # What every module needs on the host that runs it, in place of amazon.aws.boto3 (which says python >= 3.6).
    # Kept equal to tests/config.yml (modules: python_requires) and requirements.txt by a unit test.
    DOCUMENTATION = r"""
options: {}
requirements:
  - python >= 3.8 (ansible-core 2.20 and later run modules on python >= 3.9)
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
"""
