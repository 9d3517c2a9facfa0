# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectionClosedError
from botocore.exceptions import ConnectTimeoutError
from botocore.exceptions import EndpointConnectionError
from botocore.exceptions import NoCredentialsError
from botocore.exceptions import ReadTimeoutError

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api import transport
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.client import VoiceIDClient
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import ApiError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.errors import VoiceIDError
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.retry import RetryPolicy


def client_error(code: str, status: int = 400, **fields: str) -> ClientError:
    response: Dict[str, Any] = {
        "Error": {"Code": code, "Message": f"{code} message"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    response.update(fields)
    return ClientError(response, "OptOutSpeaker")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "exc, retryable",
    [
        (client_error("ThrottlingException"), True),
        (client_error("InternalServerException", 500), True),
        (client_error("ServiceUnavailableException", 503), True),
        (client_error("SomethingNew", 502), True),
        (client_error("ConflictException", ConflictType="CONCURRENT_CHANGES"), True),
        (client_error("ConflictException", ConflictType="DOMAIN_NOT_ACTIVE"), False),
        (client_error("ConflictException", ConflictType="ANOTHER_ACTIVE_STREAM"), False),
        (client_error("AccessDeniedException", 403), False),
        (client_error("ValidationException"), False),
        (client_error("ServiceQuotaExceededException"), False),
        (client_error("ResourceNotFoundException", ResourceType="SPEAKER"), False),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), True),
        (NoCredentialsError(), False),
    ],
)
def test_what_is_retried(exc: Exception, retryable: bool) -> None:
    assert ApiError.from_exception(exc).retryable is retryable


@pytest.mark.parametrize(
    "exc, maybe_carried_out",
    [
        (client_error("InternalServerException", 500), True),
        (client_error("SomethingNew", 502), True),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), True),
        (ConnectionClosedError(endpoint_url="http://127.0.0.1:9"), True),
        (ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"), False),  # never sent
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), False),
        (client_error("ThrottlingException"), False),
        (client_error("ConflictException", ConflictType="CONCURRENT_CHANGES"), False),
        (client_error("ResourceNotFoundException", ResourceType="SPEAKER"), False),
    ],
)
def test_what_may_have_been_carried_out(exc: Exception, maybe_carried_out: bool) -> None:
    assert ApiError.from_exception(exc).maybe_carried_out is maybe_carried_out


def test_a_request_whose_earlier_attempt_was_lost_says_so() -> None:
    """The Transport marks the error a request ends with when an earlier attempt may have been carried out;
    a ResourceNotFoundException then is not a deletion made by someone else."""

    class Service:
        answers: List[Exception] = [
            ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
            client_error("ResourceNotFoundException", ResourceType="SPEAKER"),
        ]

        def delete_speaker(self, **_params: Any) -> Dict[str, Any]:
            raise self.answers.pop(0)

    with pytest.raises(VoiceIDError) as raised:
        VoiceIDClient(Service(), RetryPolicy(sleep=lambda _seconds: None)).delete_speaker("d" * 22, "s-1")

    error = raised.value.api_error
    assert error.missing_resource == "SPEAKER" and error.earlier_attempt_lost and error.outcome_unknown
    assert error.deleted_by_lost_attempt("SPEAKER") and not error.deleted_before_sent("SPEAKER")
    plain = ApiError.from_exception(client_error("ResourceNotFoundException", ResourceType="SPEAKER"))
    assert plain.deleted_before_sent("SPEAKER") and not plain.deleted_by_lost_attempt("SPEAKER")


def test_api_error_reads_modelled_fields() -> None:
    error = ApiError.from_exception(client_error("ResourceNotFoundException", ResourceType="DOMAIN"))
    assert (error.code, error.resource_type, error.conflict_type, error.status_code) == (
        "ResourceNotFoundException",
        "DOMAIN",
        None,
        400,
    )
    assert error.describe() == "ResourceNotFoundException: ResourceNotFoundException message (resource type DOMAIN)"


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(uniform=lambda low, high: high)
    assert [policy.delay(n) for n in range(1, 8)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    jittered = RetryPolicy(uniform=lambda low, high: low)
    assert jittered.delay(5) == 0.0


class ScriptedClient:
    """Answers each call with the next scripted exception or response and records the calls."""

    def __init__(self, script: List[Any]) -> None:
        self.script = script
        self.calls: List[str] = []

    def describe_speaker(self, **params: Any) -> Any:
        self.calls.append("describe_speaker")
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class RecordingLimiter:
    def __init__(self) -> None:
        self.acquired: List[str] = []

    def acquire(self, operation: str) -> None:
        self.acquired.append(operation)

    def answered(self, operation: str, ticket: Optional[int], throttled: bool) -> None:
        pass


def test_every_attempt_passes_the_rate_limiter() -> None:
    pauses: List[float] = []
    scripted = ScriptedClient([client_error("ThrottlingException"), {"Speaker": {"Status": "ENROLLED"}}])
    limiter = RecordingLimiter()
    client = VoiceIDClient(scripted, RetryPolicy(sleep=pauses.append), limiter)

    speaker: Optional[Dict[str, Any]] = client.describe_speaker("A" * 22, "c-1")

    assert speaker == {"Status": "ENROLLED"}
    assert limiter.acquired == ["describe_speaker", "describe_speaker"]
    assert len(pauses) == 1


def test_missing_speaker_is_none_but_missing_domain_raises() -> None:
    client = VoiceIDClient(
        ScriptedClient(
            [
                client_error("ResourceNotFoundException", ResourceType="SPEAKER"),
                client_error("ResourceNotFoundException", ResourceType="DOMAIN"),
            ]
        ),
        RetryPolicy(sleep=lambda seconds: None),
    )
    assert client.describe_speaker("A" * 22, "c-1") is None
    with pytest.raises(VoiceIDError) as error:
        client.describe_speaker("A" * 22, "c-1")
    assert error.value.api_error.resource_type == "DOMAIN"
    assert str(error.value).startswith("Failed to describe speaker: ResourceNotFoundException")


def test_non_botocore_errors_name_the_operation_and_are_not_retried() -> None:
    client = VoiceIDClient(ScriptedClient([KeyError("bug")]), RetryPolicy(sleep=lambda seconds: None))
    with pytest.raises(VoiceIDError) as error:
        client.describe_speaker("A" * 22, "c-1")
    assert error.value.api_error.code == "MalformedResponse"
    assert "DescribeSpeaker" in str(error.value) and "(KeyError)" in str(error.value)
    assert isinstance(error.value.__cause__, KeyError)


def test_throttled_answers_and_retried_requests_are_counted() -> None:
    scripted = ScriptedClient(
        [
            client_error("ThrottlingException"),
            client_error("ThrottlingException"),
            client_error("InternalServerException", 500),
            {"Speaker": {"Status": "ENROLLED"}},
            {"Speaker": {"Status": "OPTED_OUT"}},
            client_error("ThrottlingException"),
            {"Speaker": {"Status": "OPTED_OUT"}},
        ]
    )
    client = VoiceIDClient(scripted, RetryPolicy(sleep=lambda seconds: None))
    for _request in range(3):
        client.describe_speaker("A" * 22, "c-1")
    assert client.request_counts() == {"throttled": 3, "retried": 2}


class SlowQueue:
    """A limiter whose queue holds every request for queue_seconds of a fake clock."""

    def __init__(self, clock: List[float], queue_seconds: float) -> None:
        self.clock = clock
        self.queue_seconds = queue_seconds

    def acquire(self, operation: str) -> int:
        self.clock[0] += self.queue_seconds
        return 1

    def answered(self, operation: str, ticket: Optional[int], throttled: bool) -> None:
        pass


@pytest.mark.parametrize(
    "queue_seconds, attempt_seconds, succeeds",
    [
        pytest.param(100.0, 1.0, True, id="slow-queue"),  # 400 s in the queue, longer than the 60 s budget
        pytest.param(0.0, 25.0, False, id="slow-attempts"),  # three attempts of 25 s spend the budget
    ],
)
def test_time_in_the_limiters_queue_does_not_count_against_the_budget(
    monkeypatch: pytest.MonkeyPatch, queue_seconds: float, attempt_seconds: float, succeeds: bool
) -> None:
    """Three faults, then success."""
    clock = [0.0]
    monkeypatch.setattr(transport, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    script: List[Any] = [client_error("InternalServerException", 500)] * 3 + [{"Speaker": {"Status": "ENROLLED"}}]

    def describe_speaker(**params: Any) -> Any:
        clock[0] += attempt_seconds
        outcome = script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    client = VoiceIDClient(
        SimpleNamespace(describe_speaker=describe_speaker),
        RetryPolicy(sleep=lambda seconds: None),
        SlowQueue(clock, queue_seconds),
        time_budget=60.0,
    )
    if succeeds:
        assert client.describe_speaker("A" * 22, "c-1") == {"Status": "ENROLLED"}
    else:
        with pytest.raises(VoiceIDError) as error:
            client.describe_speaker("A" * 22, "c-1")
        assert error.value.api_error.code == "InternalServerException"
