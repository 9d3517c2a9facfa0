# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An in-memory, thread-safe stand-in for a boto3 voice-id client, for tests whose calls run concurrently
(botocore's Stubber needs calls in a fixed order). Every request is checked against botocore's voice-id
service model, as the Stubber does; answers have botocore's shapes, errors are real ClientErrors."""

from __future__ import annotations

import string
import threading
import types
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

import botocore.session
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectionClosedError
from botocore.exceptions import ReadTimeoutError
from botocore.validate import validate_parameters

from ansible_collections.speakerops.voiceid.tests.unit.support.samples import OPTED_OUT_AT
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import SPEAKER_CREATED

_MODEL = botocore.session.get_session().get_service_model("voice-id")
_NOW = OPTED_OUT_AT  # when the fake opts a speaker out
_CREATED = SPEAKER_CREATED  # when the fake's speakers were enrolled


def generated_id(number: int) -> str:
    digits = string.ascii_letters + string.digits
    suffix = ""
    for _position in range(22):
        number, remainder = divmod(number, len(digits))
        suffix += digits[remainder]
    return "id#" + suffix


class FakeVoiceID:
    def __init__(self, domain_id: str, speakers: Dict[str, str], page_size_cap: int = 100) -> None:
        """speakers: customer id -> status."""
        self.domain_id = domain_id
        self.domain_name = "contact-center"
        self.lock = threading.Lock()
        self.speakers: List[Dict[str, Any]] = []
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self.succeeded: List[Tuple[str, Dict[str, Any]]] = []  # calls carried out (see lose_answers)
        # (operation, speaker id or None) -> list of (code, status, extra fields) answered before real answers
        self.faults: Dict[Tuple[str, Optional[str]], List[Tuple[str, int, Dict[str, str]]]] = {}
        self.page_size_cap = page_size_cap
        # operation -> (every, how, carried out so far): every every-th call carried out loses its answer
        self.losing: Dict[str, List[Any]] = {}
        self.lost: List[Tuple[str, Dict[str, Any]]] = []  # the calls carried out whose answer was lost
        # Like a boto3 client's meta: the endpoint a module talks to (AWS's own, as with no endpoint_url).
        self.meta = types.SimpleNamespace(endpoint_url="https://voiceid.eu-west-2.amazonaws.com")
        for customer_id, status in speakers.items():
            self._create(customer_id, status)

    # --- state --------------------------------------------------------------------------------------------
    def _create(self, customer_id: str, status: str) -> Dict[str, Any]:
        speaker = {
            "CustomerSpeakerId": customer_id,
            "GeneratedSpeakerId": generated_id(len(self.speakers) + 1),
            "DomainId": self.domain_id,
            "Status": status,
            "CreatedAt": _CREATED,
            "UpdatedAt": _CREATED,
        }
        self.speakers.append(speaker)
        return speaker

    def find(self, speaker_id: str) -> Optional[Dict[str, Any]]:
        for speaker in self.speakers:
            if speaker_id in (speaker["CustomerSpeakerId"], speaker["GeneratedSpeakerId"]):
                return speaker
        return None

    def status_of(self, speaker_id: str) -> Optional[str]:
        speaker = self.find(speaker_id)
        return None if speaker is None else str(speaker["Status"])

    def calls_to(self, operation: str) -> List[Dict[str, Any]]:
        return [params for name, params in self.calls if name == operation]

    def add_fault(
        self,
        operation: str,
        code: str,
        times: int = 1,
        speaker_id: Optional[str] = None,
        status: int = 400,
        **fields: str,
    ) -> None:
        self.faults.setdefault((operation, speaker_id), []).extend([(code, status, fields)] * times)

    def lose_answers(self, operation: str, every: int = 1, how: str = "InternalServerException") -> None:
        """Every every-th call of operation that is carried out (1: each) loses its answer: the write is made,
        then answered with how: a 5xx error code, or "ReadTimeoutError" / "ConnectionClosedError" (the answer
        never comes: botocore's exceptions)."""
        self.losing[operation] = [every, how, 0]

    # --- plumbing -----------------------------------------------------------------------------------------
    def _answer(self, operation: str, params: Dict[str, Any], answer: Dict[str, Any]) -> Dict[str, Any]:
        """The answer of a call that was carried out, unless lose_answers() says to lose it."""
        self.succeeded.append((operation, dict(params)))
        losing = self.losing.get(operation)
        if losing is not None:
            losing[2] += 1
            every, how = losing[0], losing[1]
            if losing[2] % every == 0:
                self.lost.append((operation, dict(params)))
                url = self.meta.endpoint_url
                if how == "ReadTimeoutError":
                    raise ReadTimeoutError(endpoint_url=url)
                if how == "ConnectionClosedError":
                    raise ConnectionClosedError(endpoint_url=url)
                raise self._error(operation, how, f"{how}: the answer was lost", 500)
        return answer

    def _enter(self, operation: str, params: Dict[str, Any]) -> None:
        operation_model = _MODEL.operation_model(operation)
        validate_parameters(params, operation_model.input_shape)
        self.calls.append((operation, dict(params)))
        for key in ((operation, params.get("SpeakerId")), (operation, None)):
            queued = self.faults.get(key)
            if queued:
                code, status, fields = queued.pop(0)
                raise self._error(operation, code, f"{code} injected", status, **fields)
        if params["DomainId"] != self.domain_id:
            raise self._error(operation, "ResourceNotFoundException", "Domain not found", ResourceType="DOMAIN")

    @staticmethod
    def _error(operation: str, code: str, message: str, status: int = 400, **fields: str) -> ClientError:
        response: Dict[str, Any] = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        response.update(fields)
        return ClientError(response, operation)  # type: ignore[arg-type]

    # --- the API ------------------------------------------------------------------------------------------
    def describe_speaker(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("DescribeSpeaker", params)
            speaker = self.find(params["SpeakerId"])
            if speaker is None:
                raise self._error(
                    "DescribeSpeaker", "ResourceNotFoundException", "Speaker not found", ResourceType="SPEAKER"
                )
            return {"Speaker": dict(speaker)}

    def opt_out_speaker(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("OptOutSpeaker", params)
            speaker = self.find(params["SpeakerId"])
            if speaker is None:
                if params["SpeakerId"].startswith("id#"):
                    raise self._error(
                        "OptOutSpeaker", "ResourceNotFoundException", "Speaker not found", ResourceType="SPEAKER"
                    )
                speaker = self._create(params["SpeakerId"], "OPTED_OUT")
            speaker["Status"] = "OPTED_OUT"
            speaker["UpdatedAt"] = _NOW
            return self._answer("OptOutSpeaker", params, {"Speaker": dict(speaker)})

    def delete_speaker(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("DeleteSpeaker", params)
            speaker = self.find(params["SpeakerId"])
            if speaker is None:
                raise self._error(
                    "DeleteSpeaker", "ResourceNotFoundException", "Speaker not found", ResourceType="SPEAKER"
                )
            self.speakers.remove(speaker)
            return self._answer("DeleteSpeaker", params, {})

    def writes(self) -> List[Dict[str, Any]]:
        """The OptOutSpeaker and DeleteSpeaker calls carried out (answered or not), in order."""
        return [params for name, params in self.succeeded if name in ("OptOutSpeaker", "DeleteSpeaker")]

    def list_domains(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            operation_model = _MODEL.operation_model("ListDomains")
            validate_parameters(params, operation_model.input_shape)
            self.calls.append(("ListDomains", dict(params)))
            return {
                "DomainSummaries": [{"DomainId": self.domain_id, "Name": self.domain_name, "DomainStatus": "ACTIVE"}]
            }

    def list_speakers(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("ListSpeakers", params)
            start = int(params.get("NextToken") or 0)
            size = min(params.get("MaxResults", 100), self.page_size_cap)
            page = [dict(speaker) for speaker in self.speakers[start : start + size]]
            answer: Dict[str, Any] = {"SpeakerSummaries": page}
            if start + size < len(self.speakers):
                answer["NextToken"] = str(start + size)
            return answer
