# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the unit tests: a Voice ID client stubbed with botocore's Stubber (which checks every
request against the real service model), the retry pauses recorded instead of slept, and a runner that
drives a module's real main() and reads back the JSON it prints. Their building blocks, and everything else
the tests share, are in the support package (see its map in support/__init__.py)."""

from __future__ import annotations

import socket
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import Tuple

import pytest
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid import result_printer
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api import ratelimit as ratelimit_module
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api import retry as retry_module
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import voiceid_client
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.running import run_main


@pytest.fixture(autouse=True)
def _isolated_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No test may read the machine's AWS configuration or reach the instance metadata service."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_VOICE_ID",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's module starts without the warnings of the tests before it: ansible-core keeps them in module
    globals, which in a real run live only as long as the module's one process."""
    from ansible.module_utils.common import warnings

    for name in ("_global_warnings", "_global_deprecations"):
        value = getattr(warnings, name, None)
        if value is not None:
            monkeypatch.setattr(warnings, name, type(value)())


@pytest.fixture(autouse=True)
def _no_freeze_before_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The module process ends after printing a streamed result, and freezes its objects for the exit; the
    tests' process goes on."""
    monkeypatch.setattr(result_printer, "before_exit", lambda: None)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The pauses the retry policy asked for, recorded instead of slept. The rate limiter's waits are skipped
    too (not recorded: its spacing is tested on a fake clock), so that no unit test waits in real time."""
    recorded: List[float] = []

    def record_pause(policy: retry_module.RetryPolicy, failed_attempts: int) -> None:
        recorded.append(policy.delay(failed_attempts))

    monkeypatch.setattr(retry_module.RetryPolicy, "pause", record_pause)
    monkeypatch.setattr(ratelimit_module.SystemClock, "sleep", lambda clock, seconds: None)
    return recorded


@pytest.fixture
def voiceid(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> Iterator[Stubber]:
    """A Stubber on a real voice-id client that the modules get from VoiceIDModule.client()."""
    stubber = Stubber(voiceid_client())
    created: List[Dict[str, Any]] = []
    serve_client(monkeypatch, stubber.client, created)
    stubber.created_clients = created  # type: ignore[attr-defined]
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


@pytest.fixture
def run_module(capsys: pytest.CaptureFixture[str]) -> ModuleRunner:
    """Run a module's main() with args (plus _ansible_check_mode/_ansible_diff); return (result, failed)."""

    def run(
        main: Callable[[], None], args: Dict[str, Any], check_mode: bool = False, diff: bool = False
    ) -> Tuple[Dict[str, Any], bool]:
        return run_main(capsys, main, args, check_mode, diff)

    return run


@pytest.fixture
def refused_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
