# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wire protocol: JSON 1.0 framing, SigV4 checks, unknown operations, error shapes, recording of the region."""

from __future__ import annotations

import datetime
import json
import logging
import re
import typing as t
import uuid
from unittest import mock

import botocore.config
import botocore.exceptions
import pytest
from botocore import UNSIGNED
from emulator_support import ACCESS_KEY
from emulator_support import ACTIVE_DOMAIN
from emulator_support import SECRET_KEY
from emulator_support import make_client
from emulator_support import raw_request
from emulator_support import signed_request
from voiceid_emulator import EmulatorServer
from voiceid_emulator.model import output_shape
from voiceid_emulator.model import validation_errors


def test_success_response_framing(emulator: EmulatorServer) -> None:
    status, headers, document = signed_request(
        emulator.url, "DescribeSpeaker", {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "cust-1"}
    )
    assert status == 200
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert str(uuid.UUID(headers["x-amzn-requestid"])) == headers["x-amzn-requestid"]
    assert isinstance(document["Speaker"]["CreatedAt"], float)
    assert document["Speaker"]["CustomerSpeakerId"] == "cust-1"


def test_error_body_shape(emulator: EmulatorServer) -> None:
    status, headers, document = signed_request(
        emulator.url, "DescribeSpeaker", {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "nobody"}
    )
    assert status == 400
    assert headers["content-type"] == "application/x-amz-json-1.0"
    assert document["__type"] == "ResourceNotFoundException"
    assert document["ResourceType"] == "SPEAKER"
    assert document["Message"]
    assert "nobody" not in document["Message"]  # speaker ids are sensitive


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("DescribeSpeaker", {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "cust-1"}),
        ("ListSpeakers", {"DomainId": ACTIVE_DOMAIN}),
        ("DescribeDomain", {"DomainId": ACTIVE_DOMAIN}),
        ("ListDomains", {}),
        ("OptOutSpeaker", {"DomainId": ACTIVE_DOMAIN, "SpeakerId": "cust-2"}),
        ("CreateDomain", {"Name": "x", "ServerSideEncryptionConfiguration": {"KmsKeyId": "k"}, "ClientToken": "t1"}),
    ],
)
def test_responses_satisfy_the_output_shapes(
    emulator: EmulatorServer, operation: str, params: dict[str, t.Any]
) -> None:
    emulator.configure(max_domains=4)  # the seed already has 3 domains
    status, _headers, document = signed_request(emulator.url, operation, params)
    assert status == 200, document
    assert validation_errors(output_shape(operation), document) == []


def test_unsigned_request_is_rejected(emulator: EmulatorServer) -> None:
    status, _headers, document = raw_request(
        emulator.url,
        b"{}",
        {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "VoiceID.ListDomains"},
    )
    assert status == 403  # MissingAuthenticationToken: 403 in the AWS API references' Common Errors
    assert document == {"__type": "MissingAuthenticationTokenException", "Message": "Missing Authentication Token"}
    unsigned = make_client(
        emulator.url, config=botocore.config.Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1})
    )
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        unsigned.list_domains()
    assert caught.value.response["Error"]["Code"] == "MissingAuthenticationTokenException"


def test_wrong_service_in_credential_scope(emulator: EmulatorServer) -> None:
    status, _headers, document = signed_request(emulator.url, "ListDomains", {}, service="connect")
    assert status == 403
    assert document["__type"] == "InvalidSignatureException"
    assert "'voiceid'" in document["Message"]


def test_malformed_authorization_header(emulator: EmulatorServer) -> None:
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "VoiceID.ListDomains",
        "X-Amz-Date": "20240101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/voiceid/aws4_request",
    }
    status, _headers, document = raw_request(emulator.url, b"{}", headers)
    assert status == 400
    assert document["__type"] == "IncompleteSignatureException"
    assert "SignedHeaders" in document["Message"] and "Signature" in document["Message"]


def test_any_access_key_is_accepted_by_default(emulator: EmulatorServer) -> None:
    other = make_client(emulator.url, access_key="AKIDANYTHING", secret_key="whatever")
    assert other.describe_domain(DomainId=ACTIVE_DOMAIN)["Domain"]["DomainId"] == ACTIVE_DOMAIN


def test_signature_verification_with_configured_credentials() -> None:
    with EmulatorServer(credentials={ACCESS_KEY: SECRET_KEY}) as server:
        good = make_client(server.url)
        assert good.list_domains()["DomainSummaries"] == []
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            make_client(server.url, secret_key="not-the-secret").list_domains()
        assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            make_client(server.url, access_key="AKIDUNKNOWN").list_domains()
        assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        # A body altered after signing no longer matches the signature.
        status, _headers, _document = signed_request(server.url, "ListDomains", {})
        assert status == 200
        codes = [call["error_code"] for call in server.calls()]
        assert codes == [None, "InvalidSignatureException", "UnrecognizedClientException", None]


def test_tampered_body_fails_verification() -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    with EmulatorServer(credentials={ACCESS_KEY: SECRET_KEY}) as server:
        request = AWSRequest(
            method="POST",
            url=server.url + "/",
            data=b'{"MaxResults": 1}',
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "VoiceID.ListDomains"},
        )
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "voiceid", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
        status, _headers, document = raw_request(server.url, b'{"MaxResults": 2}', headers)
        assert status == 403
        assert document["__type"] == "InvalidSignatureException"
        status, _headers, document = raw_request(server.url, b'{"MaxResults": 1}', headers)
        assert status == 200, document


def test_region_and_access_key_are_recorded(emulator: EmulatorServer) -> None:
    make_client(emulator.url, region="eu-west-2", access_key="AKIDREGIONTEST").list_domains()
    call = emulator.calls()[-1]
    assert call["region"] == "eu-west-2"
    assert call["access_key_id"] == "AKIDREGIONTEST"
    assert call["operation"] == "ListDomains"
    assert call["status"] == 200 and call["error_code"] is None


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("VoiceID.EvaluateSession", "not implemented"),  # a real Voice ID operation the emulator does not implement
        ("VoiceID.NoSuchOperation", "not supported"),
        ("DynamoDB_20120810.ListTables", "not supported"),
        ("garbage", "not supported"),
        ("", "not supported"),
    ],
)
def test_unknown_operations(emulator: EmulatorServer, target: str, fragment: str) -> None:
    status, _headers, document = signed_request(emulator.url, "ignored", {}, target=target)
    assert status == 400
    assert document["__type"] == "UnknownOperationException"
    assert fragment in document["Message"]


def test_unknown_operation_through_boto3(emulator: EmulatorServer) -> None:
    client = make_client(emulator.url)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.list_speaker_enrollment_jobs(DomainId=ACTIVE_DOMAIN)
    assert caught.value.response["Error"]["Code"] == "UnknownOperationException"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_unparseable_body(emulator: EmulatorServer, body: bytes) -> None:
    status, _headers, document = signed_request(emulator.url, "ListDomains", body)
    assert status == 400
    assert document["__type"] == "SerializationException"


def test_non_post_is_not_an_operation(emulator: EmulatorServer) -> None:
    status, _headers, document = raw_request(emulator.url, b"", {}, method="GET")
    assert status == 403
    assert document["__type"] == "MissingAuthenticationTokenException"


def test_keep_alive_connection_serves_many_requests(emulator: EmulatorServer) -> None:
    client = make_client(emulator.url)
    for _number in range(20):
        assert client.describe_domain(DomainId=ACTIVE_DOMAIN)["Domain"]["DomainStatus"] == "ACTIVE"
    assert len(emulator.calls("DescribeDomain")) == 20


def test_request_ids_differ(emulator: EmulatorServer) -> None:
    client = make_client(emulator.url)
    ids = {client.list_domains()["ResponseMetadata"]["RequestId"] for _number in range(3)}
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f-]{36}", request_id) for request_id in ids)
    recorded = {call["request_id"] for call in emulator.calls()}
    assert ids <= recorded
    assert json.dumps(emulator.calls())  # the records are plain JSON


def test_stale_signature_date_is_refused_when_verifying() -> None:
    stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    with EmulatorServer(credentials={ACCESS_KEY: SECRET_KEY}) as server:
        with mock.patch("botocore.auth.get_current_datetime", return_value=stale):
            status, _headers, document = signed_request(server.url, "ListDomains", {})
        assert status == 403
        assert document["__type"] == "InvalidSignatureException"
        assert document["Message"].startswith("Signature expired")


def test_speaker_ids_are_logged_only_in_debug_mode(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="voiceid_emulator")
    with EmulatorServer({"domains": [{"domain_id": ACTIVE_DOMAIN}]}) as server:
        make_client(server.url).opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="quiet-speaker")
    assert "quiet-speaker" not in caplog.text
    with EmulatorServer({"domains": [{"domain_id": ACTIVE_DOMAIN}]}, debug=True) as server:
        make_client(server.url).opt_out_speaker(DomainId=ACTIVE_DOMAIN, SpeakerId="loud-speaker")
    assert "loud-speaker" in caplog.text
