# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seeding (files, generate), the control API and its Python client, and call recording."""

from __future__ import annotations

import json
import pathlib
import re
import typing as t

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]
from emulator_support import ACTIVE_DOMAIN
from emulator_support import CUST1_GENERATED
from emulator_support import SUSPENDED_DOMAIN
from emulator_support import base_seed
from emulator_support import make_client
from emulator_support import raw_request
from voiceid_emulator import ControlError
from voiceid_emulator import EmulatorControl
from voiceid_emulator import EmulatorServer
from voiceid_emulator import SeedError


def test_seed_from_json_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(base_seed()), encoding="utf-8")
    with EmulatorServer(path) as server:
        client = make_client(server.url)
        speaker = client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId=CUST1_GENERATED)["Speaker"]
        assert speaker["CustomerSpeakerId"] == "cust-1"


def test_seed_from_yaml_file_with_generate(tmp_path: pathlib.Path) -> None:
    seed = {
        "account_id": "444455556666",
        "region": "eu-west-1",
        "domains": [
            {
                "name": "generated",
                "created_at": "2024-01-02T03:04:05Z",
                "speakers": [{"customer_speaker_id": "first", "status": "PENDING"}],
                "generate": [
                    {"count": 6, "prefix": "bulk-", "width": 3, "start": 10, "status": ["ENROLLED", "OPTED_OUT"]},
                    {"count": 2, "prefix": "exp", "status": "EXPIRED", "created_at": 1_700_000_000},
                ],
            }
        ],
    }
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(seed), encoding="utf-8")
    with EmulatorServer(path) as server:
        client = make_client(server.url, region="eu-west-1")  # the seed's region
        domains = client.list_domains()["DomainSummaries"]
        assert len(domains) == 1
        domain = domains[0]
        assert re.fullmatch(r"[a-zA-Z0-9]{22}", domain["DomainId"])  # missing domain_id: generated
        assert domain["Arn"] == f"arn:aws:voiceid:eu-west-1:444455556666:domain/{domain['DomainId']}"
        assert domain["CreatedAt"].timestamp() == 1704164645.0
        summaries = client.list_speakers(DomainId=domain["DomainId"])["SpeakerSummaries"]
        assert [(s["CustomerSpeakerId"], s["Status"]) for s in summaries] == [
            ("first", "PENDING"),
            ("bulk-010", "ENROLLED"),
            ("bulk-011", "OPTED_OUT"),
            ("bulk-012", "ENROLLED"),
            ("bulk-013", "OPTED_OUT"),
            ("bulk-014", "ENROLLED"),
            ("bulk-015", "OPTED_OUT"),
            ("exp0", "EXPIRED"),
            ("exp1", "EXPIRED"),
        ]
        assert summaries[-1]["CreatedAt"].timestamp() == 1_700_000_000
        assert len({s["GeneratedSpeakerId"] for s in summaries}) == 9
        assert "LastAccessedAt" not in summaries[0]  # a pending speaker was never accessed
        assert summaries[1]["LastAccessedAt"].timestamp() % 3600 == 0


def test_hand_written_yaml_seed(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "seed.yml"
    path.write_text(
        "domains:\n"
        "  - domain_id: YamlDomain000000000001\n"
        "    created_at: 2024-01-02T03:04:05Z\n"
        "    speakers:\n"
        "      - {customer_speaker_id: y-1, status: OPTED_OUT, created_at: 2024-01-02 03:04:05}\n",
        encoding="utf-8",
    )
    with EmulatorServer(path) as server:
        client = make_client(server.url)
        assert client.describe_domain(DomainId="YamlDomain000000000001")["Domain"]["CreatedAt"].timestamp() == (
            1704164645.0
        )
        speaker = client.describe_speaker(DomainId="YamlDomain000000000001", SpeakerId="y-1")["Speaker"]
        assert speaker["CreatedAt"].timestamp() == 1704164645.0
        assert speaker["Status"] == "OPTED_OUT"


def test_generated_ids_are_reproducible_with_a_random_seed() -> None:
    seed = {"domains": [{"generate": [{"count": 3}]}]}

    def ids() -> list[str]:
        with EmulatorServer(seed, random_seed=42) as server:
            domain = server.state()["domains"][0]
            return [domain["domain_id"]] + [s["generated_speaker_id"] for s in domain["speakers"]]

    assert ids() == ids()


@pytest.mark.parametrize(
    ("seed", "fragment"),
    [
        ({"domains": [{"status": "DELETED"}]}, "status"),
        ({"domains": [{"domain_id": "too-short"}]}, "domain_id"),
        ({"domains": [{"speakers": [{"customer_speaker_id": "a"}, {"customer_speaker_id": "a"}]}]}, "duplicate"),
        ({"domains": [{"speakers": [{"customer_speaker_id": "bad id"}]}]}, "customer_speaker_id"),
        ({"domains": [{"speakers": [{"customer_speaker_id": "a", "generated_speaker_id": "id#x"}]}]}, "generated"),
        ({"domains": [{"speakers": [{"customer_speaker_id": "a", "status": "GONE"}]}]}, "status"),
        ({"domains": [{}, {}, {}, {}]}, "at most 3"),
        ({"domains": [{"generate": [{"count": 100_001}]}]}, "at most 100000"),
        ({"domains": [{"generate": [{"count": 2, "prefix": "-x"}]}]}, "generated id"),
        ({"domains": [{"speakers": [{"customer_speaker_id": "a", "colour": "red"}]}]}, "colour"),
        ({"account_id": "12"}, "account_id"),
        ({"domainz": []}, "domainz"),
    ],
)
def test_bad_seeds_are_refused(seed: dict[str, t.Any], fragment: str) -> None:
    with pytest.raises(SeedError, match=re.escape(fragment)):
        EmulatorServer(seed)


def test_state_can_be_seeded_back(emulator: EmulatorServer, client: t.Any) -> None:
    client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="new-speaker")
    snapshot = emulator.state()
    emulator.load_seed(snapshot)
    assert emulator.state() == snapshot


def test_control_client_round_trip(emulator: EmulatorServer, client: t.Any) -> None:
    control = EmulatorControl(emulator.url)
    assert control.health() == {"status": "ok", "bugs": 0}
    client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=2)
    try:
        client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="ghost")
    except client.exceptions.ResourceNotFoundException:
        pass
    calls = control.calls()
    assert [call["operation"] for call in calls] == ["DescribeSpeaker", "ListSpeakers", "DescribeSpeaker"]
    first = calls[0]
    assert first["params"] == {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "cust-1"}
    assert first["region"] == "us-east-1"
    assert first["access_key_id"] == "AKIDEMULATORTEST"
    assert first["status"] == 200 and first["error_code"] is None
    assert isinstance(first["timestamp"], float)
    assert calls[2]["status"] == 400 and calls[2]["error_code"] == "ResourceNotFoundException"
    assert [call["operation"] for call in control.calls("ListSpeakers")] == ["ListSpeakers"]
    assert control.clear_calls() == 3
    assert control.calls() == []

    state = control.state(SUSPENDED_DOMAIN)
    assert [domain["domain_id"] for domain in state["domains"]] == [SUSPENDED_DOMAIN]
    speaker = state["domains"][0]["speakers"][0]
    assert speaker["customer_speaker_id"] == "cust-s" and speaker["status"] == "ENROLLED"
    assert re.fullmatch(r"id#[a-zA-Z0-9]{22}", speaker["generated_speaker_id"])
    assert "speakers" not in control.state(include_speakers=False)["domains"][0]
    assert len(control.state()["domains"]) == 3

    assert control.seed({"domains": [{"domain_id": ACTIVE_DOMAIN, "generate": [{"count": 7}]}]}) == {
        "domains": 1,
        "speakers": 7,
    }
    assert len(client.list_speakers(DomainId=ACTIVE_DOMAIN)["SpeakerSummaries"]) == 7

    config = control.configure(latency_ms=5, rules=[{"operation": "ListDomains", "code": "AccessDeniedException"}])
    assert config["latency_ms"] == 5.0
    assert config["rules"][0]["code"] == "AccessDeniedException"
    assert control.config()["latency_ms"] == 5.0

    control.reset()
    assert control.config()["latency_ms"] == 0.0 and control.config()["rules"] == []
    assert len(control.state()["domains"]) == 3  # the start-up seed again
    assert control.calls() == []


def test_control_errors(emulator: EmulatorServer) -> None:
    control = EmulatorControl(emulator.url)
    with pytest.raises(ControlError) as caught:
        control.seed({"domains": [{"status": "BROKEN"}]})
    assert caught.value.status == 400 and "status" in caught.value.message
    assert len(control.state()["domains"]) == 3  # a refused seed changes nothing
    with pytest.raises(ControlError) as caught:
        control.configure(fault_rate=3)
    assert caught.value.status == 400
    status, _headers, document = raw_request(emulator.url, b"", {}, method="GET", path="/_emulator/nothing")
    assert status == 404 and "error" in document
    status, _headers, document = raw_request(emulator.url, b"", {}, method="DELETE", path="/_emulator/state")
    assert status == 405
    status, _headers, document = raw_request(emulator.url, b"{oops", {}, path="/_emulator/config")
    assert status == 400


def test_control_seed_accepts_yaml(emulator: EmulatorServer) -> None:
    body = yaml.safe_dump({"domains": [{"name": "from-yaml"}]}).encode("utf-8")
    status, _headers, document = raw_request(
        emulator.url, body, {"Content-Type": "application/yaml"}, path="/_emulator/seed"
    )
    assert status == 200, document
    assert [domain["name"] for domain in emulator.state()["domains"]] == ["from-yaml"]


def test_control_calls_are_not_recorded(emulator: EmulatorServer) -> None:
    control = EmulatorControl(emulator.url)
    control.state()
    control.config()
    assert emulator.calls() == []


def test_recording_limit(emulator: EmulatorServer, client: t.Any) -> None:
    emulator.configure(max_recorded_calls=2)
    for _number in range(4):
        client.list_domains()
    assert len(emulator.calls()) == 2
