# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stand-in for the get-pip.py bootstrap script that ansible-test downloads from the internet.

ansible-test runs it (from ~/.ansible/test/cache/get_pip_<version>.py) with pip's options and the packages to
install. On a machine that reaches only the package registries, the pip bundled with Python (ensurepip)
does the same job: bootstrap pip, then install the requested packages from the registry.
"""

import subprocess
import sys

UNSUPPORTED_BY_PIP_INSTALL = ("--no-setuptools", "--no-wheel")


def main() -> None:
    arguments = [arg for arg in sys.argv[1:] if arg not in UNSUPPORTED_BY_PIP_INSTALL]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", *arguments])


if __name__ == "__main__":
    main()
