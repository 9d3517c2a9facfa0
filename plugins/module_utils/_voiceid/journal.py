# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is PRIVATE to the speakerops.voiceid collection. It may change without notice.

"""The write journal (the `journal` option): a JSON Lines file on the host that runs the module, where a run
writes down each write as it goes, so that what is on disk survives Ctrl-C, SIGKILL and a crash of the
controller.

Each line is one event, written with one os.write() on a file opened O_APPEND and os.fsync()ed before the
run goes on (before the request leaves, for `sent`). Every line has `time` (ISO 8601, UTC), `run` (this
run's id), `event`, `operation`, `domain_id`, and for speakers `speaker_id` as sent:

- `start`: the module, the state, the counts requested (no ids); written when the journal is opened, before
  any call, which is how a path that cannot be written fails before any call.
- `sent`: a write request is about to leave. `done`: the service confirmed it (`"confirmed_by": "read"` when
  a later read confirmed a write whose answer was lost). `failed`: its final answer was an error (`error`:
  the code).
- `progress`: the counts so far, every PROGRESS_INTERVAL seconds while the run lasts.
- `end`: the counts of the run (and `error`, the code, when the task failed).

What the journal promises (the result's invariant): every write the service carried out has a `done` line,
or a `sent` line without `done` when its answer never arrived; no `done` line for a write the service did
not carry out. Check mode journals no write (only `start` and `end`).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import threading
import time
import uuid
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import Mapping
from typing import Optional
from typing import Union

from .rules import InvalidParameterError

# Seconds between two `progress` lines of a run (about: the ticker looks every TICK seconds).
PROGRESS_INTERVAL = 10.0
TICK = 1.0
# A new journal file is created with this mode; an existing one keeps its own (never made more permissive).
FILE_MODE = 0o600

# The events, as the lines name them.
START = "start"
SENT = "sent"
DONE = "done"
FAILED = "failed"
PROGRESS = "progress"
END = "end"


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def lost_warning(path: str, count: int, reason: str) -> str:
    return (
        f"journal: {count} line(s) could not be written to {path} ({reason}); a write whose `done` or `failed`"
        " line is missing has its `sent` line, so count it as possibly carried out"
    )


class LineFile:
    """The journal's file: opened O_APPEND (created FILE_MODE), one os.write and one os.fsync per line."""

    def __init__(self, path: str) -> None:
        try:
            self.fd: Optional[int] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        except OSError as error:
            raise InvalidParameterError(f"journal: cannot open {path} for appending: {error.strerror}") from error

    def write(self, line: Mapping[str, Any]) -> None:
        if self.fd is None:
            raise ValueError("the journal is closed")
        data = (json.dumps(line, separators=(",", ":")) + "\n").encode("utf-8")
        while data:
            written = os.write(self.fd, data)
            data = data[written:]
        os.fsync(self.fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Ticker:
    """A thread that calls tick every TICK seconds (at most every interval) until stopped."""

    def __init__(self, tick: Callable[[], None], interval: float) -> None:
        self._stopped = threading.Event()
        self._tick = tick
        self._thread = threading.Thread(target=self._run, args=(min(TICK, interval),), name="journal", daemon=True)
        self._thread.start()

    def _run(self, pause: float) -> None:
        while not self._stopped.wait(pause):
            self._tick()

    def stop(self) -> None:
        self._stopped.set()


class Journal:
    """A run's journal: thread-safe (the writes of a speaker run come from worker threads). Opening it writes
    the `start` line; a path that cannot be opened for appending or written raises InvalidParameterError
    naming the option."""

    def __init__(
        self,
        path: str,
        module: str,
        start: Mapping[str, Any],
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], str] = utc_now,
        progress_interval: float = PROGRESS_INTERVAL,
    ) -> None:
        self.path = path
        self.run_id = uuid.uuid4().hex
        self._clock = clock
        self._now = now
        self._interval = progress_interval
        self._lock = threading.Lock()
        self._counts: Dict[str, int] = {SENT: 0, DONE: 0, FAILED: 0}
        self._ended = False
        self.lost_lines = 0  # done, failed, progress and end lines the disk refused
        self.lost_reason = ""
        self._ticker: Optional[Ticker] = None
        self._file = LineFile(path)
        # What the progress and end lines name: the start's operation, the latest domain id of the run.
        self._operation: Optional[str] = start.get("operation")
        self._domain_id: Optional[str] = start.get("domain_id")
        self._next_progress = self._clock() + self._interval
        try:
            self._write(dict({"event": START, "module": module}, **start))
        except OSError as error:
            self.close()
            raise InvalidParameterError(f"journal: cannot write to {path}: {error.strerror}") from error

    # --- the lines ----------------------------------------------------------------------------------------

    def _write(self, fields: Mapping[str, Any]) -> None:
        """One line, written and fsync'd (lock held by the caller, or before any thread can see the journal)."""
        self._file.write(dict({"time": self._now(), "run": self.run_id}, **fields))

    def _event(
        self, event: str, operation: str, domain_id: Optional[str], speaker_id: Optional[str], **extra: Any
    ) -> None:
        fields: Dict[str, Any] = {"event": event, "operation": operation, "domain_id": domain_id}
        if speaker_id is not None:
            fields["speaker_id"] = speaker_id
        fields.update(extra)
        with self._lock:
            self._domain_id = domain_id or self._domain_id
            try:
                self._write(fields)
            except OSError as error:
                if event == SENT:
                    raise  # the request must not leave unjournaled
                # The write is made (done) or not (failed) all the same: its `sent` line stands for it.
                self._note_lost(error)
                return
            self._counts[event] += 1
        self.tick()

    def _note_lost(self, error: OSError) -> None:
        self.lost_lines += 1
        self.lost_reason = error.strerror or type(error).__name__

    def lost(self) -> Optional[str]:
        """A warning for the task when some lines could not be written (their writes stand as `sent`)."""
        return lost_warning(self.path, self.lost_lines, self.lost_reason) if self.lost_lines else None

    def sent(self, operation: str, domain_id: Optional[str], speaker_id: Optional[str] = None, **extra: Any) -> None:
        """Before a write request leaves (operation: the service's name, OptOutSpeaker)."""
        self._event(SENT, operation, domain_id, speaker_id, **extra)

    def done(
        self,
        operation: str,
        domain_id: Optional[str],
        speaker_id: Optional[str] = None,
        confirmed_by: Optional[str] = None,
        **extra: Any,
    ) -> None:
        """After the service confirmed the write: by its answer, or (confirmed_by="read") by a later read that
        found the write carried out when its answer was lost."""
        if confirmed_by is not None:
            extra["confirmed_by"] = confirmed_by
        self._event(DONE, operation, domain_id, speaker_id, **extra)

    def failed(
        self, operation: str, domain_id: Optional[str], speaker_id: Optional[str] = None, error: str = "", **extra: Any
    ) -> None:
        """The write's final answer was an error (error: its code)."""
        self._event(FAILED, operation, domain_id, speaker_id, error=error, **extra)

    # --- progress -----------------------------------------------------------------------------------------

    def _progress_if_due(self) -> None:
        """A `progress` line when PROGRESS_INTERVAL has passed since the last (lock held)."""
        now = self._clock()
        if now < self._next_progress or self._ended:
            return
        self._write(dict(self._where(PROGRESS), **self._counts))
        while self._next_progress <= now:
            self._next_progress += self._interval

    def _where(self, event: str) -> Dict[str, Any]:
        return {"event": event, "operation": self._operation, "domain_id": self._domain_id}

    def tick(self) -> None:
        """A `progress` line if one is due (the ticker's job, also after each event)."""
        with self._lock:
            if self._file.fd is None:
                return
            try:
                self._progress_if_due()
            except OSError as error:
                self._note_lost(error)

    def start_ticker(self) -> None:
        """A thread that writes `progress` lines while nothing else is written (a long throttled stretch)."""
        if self._ticker is None:
            self._ticker = Ticker(self.tick, self._interval)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()

    # --- the end ------------------------------------------------------------------------------------------

    def end(self, counts: Optional[Mapping[str, Any]] = None, error: Optional[str] = None) -> None:
        """The `end` line (once): the journal's own counts, and counts (the run's summary) when given."""
        self._stop_ticker()
        with self._lock:
            if self._ended or self._file.fd is None:
                return
            fields: Dict[str, Any] = dict(self._where(END), **self._counts)
            if counts is not None:
                fields["summary"] = dict(counts)
            if error is not None:
                fields["error"] = error
            self._ended = True
            try:
                self._write(fields)
            except OSError as write_error:
                self._note_lost(write_error)

    def close(self) -> None:
        self._stop_ticker()
        with self._lock:
            self._file.close()


class NoJournal:
    """What the runs write to when the task has no `journal`: nothing."""

    run_id = None

    def sent(self, operation: str, domain_id: Optional[str], speaker_id: Optional[str] = None, **extra: Any) -> None:
        pass

    def done(
        self,
        operation: str,
        domain_id: Optional[str],
        speaker_id: Optional[str] = None,
        confirmed_by: Optional[str] = None,
        **extra: Any,
    ) -> None:
        pass

    def failed(
        self, operation: str, domain_id: Optional[str], speaker_id: Optional[str] = None, error: str = "", **extra: Any
    ) -> None:
        pass

    def end(self, counts: Optional[Mapping[str, Any]] = None, error: Optional[str] = None) -> None:
        pass

    def lost(self) -> Optional[str]:
        return None

    def close(self) -> None:
        pass


NO_JOURNAL = NoJournal()
# What a run writes its events to: a journal, or NO_JOURNAL.
AnyJournal = Union[Journal, NoJournal]


@contextlib.contextmanager
def ending(journal: AnyJournal, summary: Dict[str, Any]) -> Iterator[None]:
    """While inside, the task runs; on the way out, however it leaves (exit_json and fail_json raise
    SystemExit), the journal's `end` line with summary as the task filled it in, and the file closed."""
    error: Optional[str] = None
    try:
        yield
    except BaseException as exc:
        error = error_code(exc)
        raise
    finally:
        journal.end(summary, error)
        journal.close()


def error_code(exc: BaseException) -> Optional[str]:
    """The code the `end` line gives a task that left by exc: None for exit_json's SystemExit(0); the API
    error's code (a VoiceIDError's api_error) for fail_json's SystemExit raised while handling it; the
    exception's type otherwise."""
    if isinstance(exc, SystemExit):
        if not exc.code:
            return None
        cause = exc.__context__
        if cause is None:
            return "Failed"
        exc = cause
    api_error = getattr(exc, "api_error", None)
    code = getattr(api_error, "code", None)
    return str(code) if code else type(exc).__name__


def bulk_start(
    operation: str, state: str, params: Mapping[str, Any], requested: int, check_mode: bool
) -> Dict[str, Any]:
    """The `start` line's fields of a bulk task (voiceid_speaker, voiceid_speaker_optout, voiceid_fraudster):
    the operation its state calls for, the domain as the task names it, how many ids it was given; never an id
    of what it works on."""
    fields: Dict[str, Any] = {
        "operation": operation,
        "domain_id": params["domain_id"],
        "state": state,
        "requested": requested,
        "check_mode": check_mode,
    }
    if params["domain_name"] is not None:
        fields["domain_name"] = params["domain_name"]
    return fields


def resource_start(domain_id: Optional[str], name: Optional[str], state: str, check_mode: bool) -> Dict[str, Any]:
    """The `start` line's fields of a task on one resource (voiceid_domain, voiceid_watchlist): the resource as
    the task names it; its writes' lines name each operation."""
    return {"operation": None, "domain_id": domain_id, "name": name, "state": state, "check_mode": check_mode}


def open_journal(path: Optional[str], module: str, start: Mapping[str, Any]) -> AnyJournal:
    """The task's journal (its `start` line written, its progress ticker running), or NO_JOURNAL without a
    path. Raises InvalidParameterError naming `journal` when path cannot be appended to."""
    if path is None:
        return NO_JOURNAL
    journal = Journal(path, module, start)
    journal.start_ticker()
    return journal
