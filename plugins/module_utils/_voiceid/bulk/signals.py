# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""Signals during a run: SIGINT and SIGTERM stop the run's client, as a domain-wide error does, so that the
run ends in order and reports every write it made."""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any
from typing import Iterator

from ..api.errors import INTERRUPTED
from ..api.errors import ApiError
from ..api.transport import Transport


@contextlib.contextmanager
def stopping_on_signals(client: Transport) -> Iterator[None]:
    """While inside: SIGINT and SIGTERM stop the client (no request starts after them; those in flight finish)
    instead of ending the process. Only in the main thread, where Python delivers signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        name = signal.Signals(signum).name
        client.stop(
            ApiError(
                INTERRUPTED,
                f"the run was stopped by {name}: no request was started after it, and those in flight finished",
            )
        )

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
