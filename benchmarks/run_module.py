# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run one module of the installed collection in this process, as AnsiballZ would, and report its peak memory.

    python benchmarks/run_module.py COLLECTIONS_PATH MODULE ARGS_JSON_FILE

Prints the module's JSON result on stdout (as a module does) and `peak_rss_kib=N` on stderr at exit.
"""

from __future__ import annotations

import atexit
import importlib
import json
import resource
import sys


def report_peak_memory() -> None:
    sys.stderr.write(f"peak_rss_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\n")


def main() -> None:
    collections_path, module_name, args_file = sys.argv[1:4]
    sys.path.insert(0, collections_path)
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel

    with open(args_file, encoding="utf-8") as handle:
        module_args = json.load(handle)
    module = importlib.import_module(f"ansible_collections.speakerops.voiceid.plugins.modules.{module_name}")
    atexit.register(report_peak_memory)
    with patch_module_args(module_args):
        module.main()


if __name__ == "__main__":
    main()
