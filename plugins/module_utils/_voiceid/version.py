# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

COLLECTION_NAME = "speakerops.voiceid"
COLLECTION_VERSION = "0.1.0"  # kept equal to galaxy.yml's version by a unit test
