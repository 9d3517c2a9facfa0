# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors and responses checked against botocore's model: impossible rules refused, documented statuses,
and strict mode turning a response the model does not allow into a loud emulator bug."""

from __future__ import annotations

import typing as t

import botocore.exceptions
import botocore.session
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import make_client
from emulator_support import take_bugs
from voiceid_emulator import EmulatorControl
from voiceid_emulator import EmulatorServer
from voiceid_emulator.errors import MODELLED_ERROR_STATUS
from voiceid_emulator.errors import ApiError
from voiceid_emulator.service import VoiceIdService


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"code": "ConflictException", "operation": "DescribeSpeaker"}, "not an error of DescribeSpeaker"),
        ({"code": "ServiceQuotaExceededException", "operation": "ListSpeakers"}, "not an error of ListSpeakers"),
        ({"code": "ResourceNotFoundException", "operation": "ListDomains"}, "not an error of ListDomains"),
        ({"code": "NoSuchThingException"}, "not an error Voice ID answers"),
        ({"code": "ConflictException", "speaker_id": "cust-1"}, "name an operation"),
        ({"code": "ConflictException"}, "name an operation"),
        ({"code": "ThrottlingException", "conflict_type": "CONCURRENT_CHANGES"}, "only a ConflictException"),
        ({"code": "AccessDeniedException", "resource_type": "SPEAKER"}, "only a ResourceNotFoundException"),
        (
            {"code": "ConflictException", "operation": "OptOutSpeaker", "conflict_type": "NOPE"},
            "rule.conflict_type: one of",
        ),
        (
            {"code": "ResourceNotFoundException", "operation": "DescribeSpeaker", "resource_type": "WATCHLIST"},
            "DescribeSpeaker names no WATCHLIST",
        ),
        ({"code": "AccessDeniedException", "status": 403}, "answers HTTP 400"),
        ({"code": "ThrottlingException", "operation": "ListDomains", "speaker_id": "x"}, "takes no SpeakerId"),
        ({"code": "ThrottlingException", "operation": "EvaluateSession"}, "not an operation the emulator answers"),
    ],
)
def test_impossible_rules_are_refused(emulator: EmulatorServer, rule: dict[str, t.Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        emulator.configure(rules=[rule])
    assert fragment in str(caught.value)
    assert emulator.config()["rules"] == []


@pytest.mark.parametrize(
    "rule",
    [
        {"code": "ConflictException", "operation": "OptOutSpeaker", "conflict_type": "CONCURRENT_CHANGES"},
        {
            "code": "ConflictException",
            "operation": "UpdateDomain",
            "conflict_type": "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES",
        },
        {"code": "ResourceNotFoundException", "operation": "ListFraudsters", "resource_type": "WATCHLIST"},
        {"code": "AccessDeniedException", "speaker_id": "cust-1"},
        {"code": "InternalServerException", "status": 500},
        {"code": "ServiceQuotaExceededException", "operation": "CreateDomain"},
    ],
)
def test_possible_rules_are_accepted(emulator: EmulatorServer, rule: dict[str, t.Any]) -> None:
    emulator.configure(rules=[rule])
    assert emulator.config()["rules"][0]["code"] == rule["code"]


def test_the_status_table_covers_every_modelled_error() -> None:
    model = botocore.session.get_session().get_service_model("voice-id")
    modelled = {shape.name for name in model.operation_names for shape in model.operation_model(name).error_shapes}
    assert modelled == set(MODELLED_ERROR_STATUS)


@pytest.mark.parametrize(("code", "status"), sorted(MODELLED_ERROR_STATUS.items()))
def test_each_error_answers_its_documented_status(
    emulator: EmulatorServer, client: t.Any, code: str, status: int
) -> None:
    emulator.configure(rules=[{"code": code, "operation": "OptOutSpeaker"}])  # OptOutSpeaker lists all seven
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def _bugs_then_forget() -> list[dict[str, t.Any]]:
    return take_bugs()  # seen on purpose: the autouse check must not fail this test


def test_a_response_that_breaks_its_shape_is_a_loud_bug(
    emulator: EmulatorServer, client: t.Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original = VoiceIdService.op_DescribeDomain

    def broken(self: VoiceIdService, scope: t.Any, params: t.Any) -> dict[str, t.Any]:
        answer = original(self, scope, params)
        answer["Domain"]["Colour"] = "blue"
        return answer

    monkeypatch.setattr(VoiceIdService, "op_DescribeDomain", broken)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.describe_domain(DomainId=ACTIVE_DOMAIN)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert caught.value.response["Error"]["Code"] == "InternalServerException"
    assert "EMULATOR BUG" in caplog.text
    [bug] = emulator.bugs()
    assert bug["operation"] == "DescribeDomain" and "Colour" in bug["problems"][0]
    assert EmulatorControl(emulator.url).health()["bugs"] == 1
    assert EmulatorControl(emulator.url).bugs() == [bug]
    assert emulator.calls("DescribeDomain")[0]["emulator_bug"].startswith("the DescribeDomain response")
    assert len(_bugs_then_forget()) == 1
    # Not strict: the same response goes out as it is.
    emulator.configure(strict=False)
    assert client.describe_domain(DomainId=ACTIVE_DOMAIN)["Domain"]["DomainId"] == ACTIVE_DOMAIN


def test_an_error_the_operation_cannot_return_is_a_bug(
    emulator: EmulatorServer, client: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def conflicting(self: VoiceIdService, scope: t.Any, params: t.Any) -> dict[str, t.Any]:
        raise ApiError("ConflictException", "never", extra={"ConflictType": "CONCURRENT_CHANGES"})

    monkeypatch.setattr(VoiceIdService, "op_DescribeSpeaker", conflicting)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    assert caught.value.response["Error"]["Code"] == "InternalServerException"
    [bug] = _bugs_then_forget()
    assert "ConflictException is not an error of DescribeSpeaker" in bug["problems"][0]


def test_an_unmodelled_conflict_type_is_a_bug(
    emulator: EmulatorServer, client: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def odd(self: VoiceIdService, scope: t.Any, params: t.Any) -> dict[str, t.Any]:
        raise ApiError("ConflictException", "odd", extra={"ConflictType": "SOMETHING_ELSE"})

    monkeypatch.setattr(VoiceIdService, "op_OptOutSpeaker", odd)
    with pytest.raises(botocore.exceptions.ClientError):
        make_client(emulator.url).opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="cust-1")
    [bug] = _bugs_then_forget()
    assert "SOMETHING_ELSE" in bug["problems"][0]


def test_strict_is_on_for_these_tests(emulator: EmulatorServer) -> None:
    assert emulator.config()["strict"] is True


@pytest.mark.parametrize(
    ("domain", "fragment"),
    [
        ({"description": "Support line (emulated)"}, "domains[0].description: not a valid Description"),
        ({"kms_key_id": "k" * 2049}, "domains[0].kms_key_id: not a valid KmsKeyId"),
        ({"tags": {"team": "ops!"}}, "domains[0].tags: not a valid Tag"),
        ({"watchlists": [{"name": "w", "description": "a, b"}]}, "not a valid WatchlistDescription"),
        (
            {"server_side_encryption_update_details": {"UpdateStatus": "FAILED", "Message": 3}},
            "not a valid ServerSideEncryptionUpdateDetails",
        ),
    ],
)
def test_a_seed_value_the_model_forbids_is_refused(
    emulator: EmulatorServer, domain: dict[str, t.Any], fragment: str
) -> None:
    # Strict mode would answer such a domain as an emulator bug: the seed refuses it up front.
    with pytest.raises(ValueError, match=r".") as caught:
        emulator.load_seed({"domains": [domain]})
    assert fragment in str(caught.value)
