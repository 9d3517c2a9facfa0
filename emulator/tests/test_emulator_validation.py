# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request validation against botocore's voice-id model, in the service's words."""

from __future__ import annotations

import typing as t

import botocore.exceptions
import pytest
from emulator_support import ACTIVE_DOMAIN
from emulator_support import signed_request
from voiceid_emulator import EmulatorServer
from voiceid_emulator.model import input_shape
from voiceid_emulator.model import matches_pattern
from voiceid_emulator.model import translate_pattern
from voiceid_emulator.model import validation_errors

SPEAKER_PATTERN = "^(id#[a-zA-Z0-9]{22}|[a-zA-Z0-9][a-zA-Z0-9_-]*)$"
KMS = {"KmsKeyId": "key"}


def message_of(emulator: EmulatorServer, operation: str, params: t.Any) -> str:
    status, _headers, document = signed_request(emulator.url, operation, params)
    assert status == 400, document
    assert document["__type"] == "ValidationException", document
    return t.cast(str, document["Message"])


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        (
            "DescribeSpeaker",
            {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "bad id!"},
            "1 validation error detected: Value (redacted: sensitive) at 'speakerId' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {SPEAKER_PATTERN}",
        ),
        (
            "OptOutSpeaker",
            {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "a" * 257},
            "1 validation error detected: Value (redacted: sensitive) at 'speakerId' failed to satisfy constraint: "
            "Member must have length less than or equal to 256",
        ),
        (
            "DeleteSpeaker",
            {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "id#short"},
            "1 validation error detected: Value (redacted: sensitive) at 'speakerId' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {SPEAKER_PATTERN}",
        ),
        (
            "DescribeDomain",
            {"DomainId": "x" * 23},
            f"2 validation errors detected: Value '{'x' * 23}' at 'domainId' failed to satisfy constraint: Member must "
            f"have length less than or equal to 22; Value '{'x' * 23}' at 'domainId' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9]{22}$",
        ),
        (
            "DescribeDomain",
            {"DomainId": "short"},
            "2 validation errors detected: Value 'short' at 'domainId' failed to satisfy constraint: Member must "
            "have length greater than or equal to 22; Value 'short' at 'domainId' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9]{22}$",
        ),
        (
            "ListSpeakers",
            {"DomainId": ACTIVE_DOMAIN, "MaxResults": 101},
            "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 100",
        ),
        (
            "ListSpeakers",
            {"DomainId": ACTIVE_DOMAIN, "MaxResults": 0},
            "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        ),
        (
            "ListDomains",
            {"MaxResults": 11},
            "1 validation error detected: Value '11' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 10",
        ),
        (
            "DescribeSpeaker",
            {"DomainId": ACTIVE_DOMAIN},
            "1 validation error detected: Value null at 'speakerId' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            "ListSpeakers",
            {"DomainId": ACTIVE_DOMAIN, "Unexpected": 1},
            "1 validation error detected: Value at 'Unexpected' failed to satisfy constraint: "
            "Member is not a member of ListSpeakersRequest",
        ),
        (
            "ListSpeakers",
            {"DomainId": ACTIVE_DOMAIN, "MaxResults": "5"},
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: "
            "Member must be of type integer",
        ),
        (
            "ListSpeakers",
            {"DomainId": ACTIVE_DOMAIN, "MaxResults": True},
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: "
            "Member must be of type integer",
        ),
        (
            "DescribeDomain",
            {"DomainId": 12},
            "1 validation error detected: Value at 'domainId' failed to satisfy constraint: "
            "Member must be of type string",
        ),
        (
            "CreateDomain",
            {"Name": "ok", "ServerSideEncryptionConfiguration": {}},
            "1 validation error detected: Value null at 'serverSideEncryptionConfiguration.kmsKeyId' failed to "
            "satisfy constraint: Member must not be null",
        ),
        (
            "CreateDomain",
            {"Name": "ok", "ServerSideEncryptionConfiguration": {"KmsKeyId": ""}},
            "1 validation error detected: Value '' at 'serverSideEncryptionConfiguration.kmsKeyId' failed to "
            "satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            "CreateDomain",
            {"Name": "ok", "ServerSideEncryptionConfiguration": KMS, "Tags": [{"Key": "k", "Value": "v!"}]},
            "1 validation error detected: Value (redacted: sensitive) at 'tags.1.member.value' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
        ),
        (
            "CreateDomain",
            {"Name": "ok", "ServerSideEncryptionConfiguration": KMS, "ClientToken": "a" * 65},
            f"1 validation error detected: Value '{'a' * 65}' at 'clientToken' failed to satisfy constraint: "
            "Member must have length less than or equal to 64",
        ),
        (
            "ListSpeakers",
            {"DomainId": ACTIVE_DOMAIN, "NextToken": "caf\u00e9"},
            "1 validation error detected: Value 'caf\u00e9' at 'nextToken' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^\\p{ASCII}{0,8192}$",
        ),
    ],
)
def test_validation_messages(emulator: EmulatorServer, operation: str, params: t.Any, expected: str) -> None:
    assert message_of(emulator, operation, params) == expected


def test_several_errors_are_counted(emulator: EmulatorServer) -> None:
    message = message_of(emulator, "CreateDomain", {"Name": "-bad", "Description": "x" * 1025, "Extra": True})
    assert message.startswith("4 validation errors detected: ")
    assert (
        "Value null at 'serverSideEncryptionConfiguration' failed to satisfy constraint: Member must not be null"
        in message
    )
    assert "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    assert (
        "at 'description' failed to satisfy constraint: Member must have length less than or equal to 1024" in message
    )
    assert "Value at 'Extra'" in message


def test_sensitive_values_are_not_echoed(emulator: EmulatorServer) -> None:
    secret_name = "customer secret value"
    message = message_of(
        emulator,
        "CreateDomain",
        {"Name": secret_name, "ServerSideEncryptionConfiguration": KMS, "Description": "\u0007"},
    )
    assert secret_name not in message
    assert "\u0007" not in message
    assert message.count("(redacted: sensitive)") == 2


def test_unicode_description_is_accepted(emulator: EmulatorServer) -> None:
    emulator.configure(max_domains=4)
    status, _headers, document = signed_request(
        emulator.url,
        "CreateDomain",
        {"Name": "unicode", "Description": "D\u00e9j\u00e0 vu 42 \u0663", "ServerSideEncryptionConfiguration": KMS},
    )
    assert status == 200, document
    assert document["Domain"]["Description"] == "D\u00e9j\u00e0 vu 42 \u0663"


def test_server_side_validation_through_boto3(client: t.Any) -> None:
    # botocore checks required members, types and minimum lengths; pattern and maximum violations reach the server.
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.describe_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="has spaces")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "regular expression pattern" in caught.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.list_speakers(DomainId=ACTIVE_DOMAIN, MaxResults=101)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.list_domains(MaxResults=11)
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_validation_happens_before_lookup(emulator: EmulatorServer) -> None:
    # An invalid id in an unknown domain is a validation error, not a missing resource.
    message = message_of(emulator, "DescribeSpeaker", {"DomainId": "Z" * 22, "SpeakerId": "bad id"})
    assert "speakerId" in message


def test_enum_validation() -> None:
    # None of the implemented inputs has an enum; the validator is shared, so check it on another operation's input.
    shape = input_shape("ListSpeakerEnrollmentJobs")
    errors = validation_errors(shape, {"DomainId": ACTIVE_DOMAIN, "JobStatus": "DONE"})
    assert errors == [
        "Value 'DONE' at 'jobStatus' failed to satisfy constraint: Member must satisfy enum value set: "
        "[SUBMITTED, IN_PROGRESS, COMPLETED, COMPLETED_WITH_ERRORS, FAILED]"
    ]
    assert validation_errors(shape, {"DomainId": ACTIVE_DOMAIN, "JobStatus": "COMPLETED"}) == []


def test_nested_list_and_map_validation() -> None:
    tags_shape = input_shape("TagResource")
    errors = validation_errors(tags_shape, {"ResourceArn": "arn", "Tags": [{"Key": "a"}, None, "x"]})
    assert "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null" in errors
    assert "Value null at 'tags.2.member' failed to satisfy constraint: Member must not be null" in errors
    assert "Value at 'tags.3.member' failed to satisfy constraint: Member must be of type structure" in errors


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("^[\\p{L}\\p{Z}\\p{N}]*$", "\u00e9t\u00e9 2024 \u0663", True),
        ("^[\\p{L}\\p{Z}\\p{N}]*$", "tab\there", False),
        ("^\\p{ASCII}{0,3}$", "abc", True),
        ("^\\p{ASCII}{0,3}$", "abcd", False),
        ("^\\p{L}+$", "abc", True),
        ("^\\p{L}+$", "ab1", False),
        ("^[a-zA-Z0-9]{22}$", "a" * 22 + "\n", False),
    ],
)
def test_java_pattern_translation(pattern: str, value: str, expected: bool) -> None:
    assert matches_pattern(pattern, value) is expected


def test_translation_leaves_plain_patterns_alone() -> None:
    assert translate_pattern(SPEAKER_PATTERN) == SPEAKER_PATTERN
