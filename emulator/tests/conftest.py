# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the emulator's own tests: a started EmulatorServer and a real boto3 client pointed at it."""

from __future__ import annotations

import typing as t

import pytest
from emulator_support import StrictEmulator
from emulator_support import base_seed  # also puts the repository root on sys.path
from emulator_support import make_client
from emulator_support import take_bugs
from voiceid_emulator import EmulatorServer
from voiceid_emulator import server


@pytest.fixture(autouse=True)
def strict_emulators(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[None]:
    """Every emulator of these tests checks its responses against the model; an emulator bug fails the test."""
    monkeypatch.setattr(server, "VoiceIdEmulator", StrictEmulator)
    StrictEmulator.started.clear()
    yield
    bugs = take_bugs()
    StrictEmulator.started.clear()
    assert not bugs, f"emulator bugs: {bugs}"


@pytest.fixture
def emulator() -> t.Iterator[EmulatorServer]:
    with EmulatorServer(base_seed(), random_seed=1234) as server:
        yield server


@pytest.fixture
def client(emulator: EmulatorServer) -> t.Any:
    return make_client(emulator.url)
