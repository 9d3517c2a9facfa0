# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line: ``voiceid-emulator`` (and ``python -m voiceid_emulator``) prints its URL, serves, and stops
cleanly on a signal. Run as an installed package, from a directory that is not the checkout."""

from __future__ import annotations

import json
import os
import pathlib
import re
import selectors
import signal
import subprocess
import sys

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import base_seed
from emulator_support import make_client
from voiceid_emulator import EmulatorControl
from voiceid_emulator.model import IMPLEMENTED_OPERATIONS

URL = re.compile(r"http://127\.0\.0\.1:\d+")
# The console script pip installed beside this Python, as a user runs it.
EMULATOR = [str(pathlib.Path(sys.executable).with_name("voiceid-emulator"))]


def start(*args: str) -> subprocess.Popen[str]:
    environment = dict(os.environ)
    environment.pop("PYTHONPATH", None)  # the installed package needs nothing else
    return subprocess.Popen(
        [*EMULATOR, *args],
        cwd=pathlib.Path(sys.executable).parent,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(process: subprocess.Popen[str], timeout: float = 20.0) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            process.kill()
            pytest.fail("the emulator printed nothing")
    return process.stdout.readline().rstrip("\n")


def stop(process: subprocess.Popen[str], signum: int) -> tuple[int, str, str]:
    process.send_signal(signum)
    try:
        stdout, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the emulator did not stop on a signal")
    return process.returncode, stdout, stderr


def test_cli_serves_and_stops_on_sigterm(tmp_path: pathlib.Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(base_seed()), encoding="utf-8")
    url_file = tmp_path / "url.txt"
    process = start("--seed", str(seed_file), "--url-file", str(url_file), "--random-seed", "3")
    try:
        url = first_line(process)
        assert URL.fullmatch(url), url
        assert url_file.read_text(encoding="utf-8").strip() == url
        client = make_client(url)
        assert client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")["Speaker"]["Status"] == "ENROLLED"
        assert client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cli-new")["Speaker"]["Status"] == "OPTED_OUT"
        assert [call["operation"] for call in EmulatorControl(url).calls()] == ["DescribeSpeaker", "OptOutSpeaker"]
    finally:
        code, stdout, stderr = stop(process, signal.SIGTERM)
    assert code == 0, stderr
    assert stdout == ""  # nothing after the URL line
    assert "cust-1" not in stderr and "cli-new" not in stderr  # speaker ids stay out of the logs


def test_cli_options_reach_the_server() -> None:
    process = start(
        "--enforce-quotas",
        "--rate",
        "ListDomains=3",
        "--latency-ms",
        "1",
        "--throttle-rate",
        "0",
        "--fault-rate",
        "0",
        "--credentials",
        "AKIDCLI:cli-secret",
        "--max-domains",
        "5",
        "--max-speakers-per-domain",
        "10",
    )
    try:
        url = first_line(process)
        config = EmulatorControl(url).config()
        assert config["enforce_quotas"] is True
        assert config["rates"] == {"ListDomains": 3.0}
        assert config["latency_ms"] == 1.0
        assert config["credentials"] == {"AKIDCLI": "***"}
        assert (config["max_domains"], config["max_speakers_per_domain"]) == (5, 10)
        good = make_client(url, access_key="AKIDCLI", secret_key="cli-secret")
        assert good.list_domains()["DomainSummaries"] == []
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            make_client(url, access_key="AKIDOTHER").list_domains()
        assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    finally:
        code, _stdout, stderr = stop(process, signal.SIGINT)
    assert code == 0, stderr


def test_cli_help_documents_the_options() -> None:
    result = subprocess.run(
        [*EMULATOR, "--help"],
        cwd=pathlib.Path(sys.executable).parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    for option in (
        "--host",
        "--port",
        "--seed",
        "--enforce-quotas",
        "--latency-ms",
        "--throttle-rate",
        "--fault-rate",
        "--random-seed",
        "--credentials",
        "--url-file",
        "--default-region",
        "--kms-update-delay-seconds",
        "--strict",
        "--realism",
        "--list-lag-seconds",
        "/_emulator/calls",
        "/_emulator/bugs",
        "access_keys",
        "generate",
    ):
        assert option in result.stdout
    assert result.stdout.startswith("usage: voiceid-emulator")


def test_cli_help_names_every_implemented_operation() -> None:
    result = subprocess.run(
        [*EMULATOR, "--help"],
        cwd=pathlib.Path(sys.executable).parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    section = result.stdout.split("implemented operations:", 1)[1].split("State is kept", 1)[0]
    assert sorted(re.findall(r"[A-Z][A-Za-z]+", section)) == sorted(IMPLEMENTED_OPERATIONS)


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "voiceid_emulator", "--help"],
        cwd=pathlib.Path(sys.executable).parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    assert "--realism" in result.stdout


def test_the_console_script_is_installed() -> None:
    assert pathlib.Path(EMULATOR[0]).is_file(), "install the package: pip install ./emulator (make emulator-wheel)"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--host", "0.0.0.0"], "loopback"),
        (["--host", "example.com"], "loopback"),
        (["--seed", "/nonexistent/seed.json"], "error"),
        (["--throttle-rate", "2"], "probability"),
    ],
)
def test_cli_refuses_bad_arguments(args: list[str], fragment: str) -> None:
    result = subprocess.run(
        [*EMULATOR, *args],
        cwd=pathlib.Path(sys.executable).parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert fragment in result.stderr


def test_cli_bad_seed_content(tmp_path: pathlib.Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps({"domains": [{"status": "WRONG"}]}), encoding="utf-8")
    result = subprocess.run(
        [*EMULATOR, "--seed", str(seed_file)],
        cwd=pathlib.Path(sys.executable).parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "status" in result.stderr
