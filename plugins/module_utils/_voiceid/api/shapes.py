# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The service's answers as the modules return them: snake_case keys, ISO 8601 times."""

from __future__ import annotations

import datetime
from typing import Any
from typing import Dict
from typing import Mapping
from typing import Tuple


def iso_timestamp(value: Any) -> Any:
    """A datetime as an ISO 8601 string in UTC; anything else unchanged."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).isoformat()
    return value


def snake_keys(api: Mapping[str, Any], keys: Tuple[Tuple[str, str], ...]) -> Dict[str, Any]:
    """The members of an API structure named in keys ((ApiKey, snake_key), ...), under their snake_case names
    and in the order of keys, times as ISO 8601; absent members stay absent."""
    return {key: iso_timestamp(api[api_key]) for api_key, key in keys if api_key in api}
