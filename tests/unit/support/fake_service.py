# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An in-memory, thread-safe stand-in for a boto3 voice-id client, for tests whose calls run concurrently
(botocore's Stubber needs calls in a fixed order). Every request is checked against botocore's voice-id
service model, as the Stubber does; answers have botocore's shapes, errors are real ClientErrors.

It holds one domain with its speakers, tags, watchlists and fraudsters, and can break its answers the way a
broken endpoint or another writer does: answers without some members (`omit`), a NextToken that never
advances (`repeat_token`), the domain deleted after an operation's answer (`delete_after`)."""

from __future__ import annotations

import os
import string
import threading
import types
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Set
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
        self.domain_arn = f"arn:aws:voiceid:eu-west-2:111122223333:domain/{domain_id}"
        self.domain_deleted = False
        self.tags: Dict[str, str] = {}
        self.watchlists: List[Dict[str, Any]] = []
        self.fraudsters: List[Dict[str, Any]] = []
        # Broken answers: operation -> top-level members left out of its (200) answers; list operations whose
        # NextToken never advances; operations after whose answer the domain is deleted by "another writer".
        self.omit: Dict[str, List[str]] = {}
        self.repeat_token: Set[str] = set()
        self.delete_after: Set[str] = set()
        # Like a boto3 client's meta: the endpoint a module talks to (AWS's own, as with no endpoint_url).
        self.meta = types.SimpleNamespace(
            endpoint_url="https://voiceid.eu-west-2.amazonaws.com", region_name="eu-west-2"
        )
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
        """The next `times` calls of operation (about speaker_id, or a fraudster id, if given) are answered
        code, without being carried out."""
        self.faults.setdefault((operation, speaker_id), []).extend([(code, status, fields)] * times)

    def lose_answers(self, operation: str, every: int = 1, how: str = "InternalServerException") -> None:
        """Every every-th call of operation that is carried out (1: each) loses its answer: the write is made,
        then answered with how: a 5xx error code, or "ReadTimeoutError" / "ConnectionClosedError" (the answer
        never comes: botocore's exceptions)."""
        self.losing[operation] = [every, how, 0]

    # --- plumbing -----------------------------------------------------------------------------------------
    def _answer(self, operation: str, params: Dict[str, Any], answer: Dict[str, Any]) -> Dict[str, Any]:
        """The answer of a call that was carried out: lost if lose_answers() says so, else as the broken-answer
        settings make it (omit, repeat_token), and the domain deleted after it if delete_after says so."""
        self.succeeded.append((operation, dict(params)))
        if operation in self.repeat_token and params.get("NextToken"):
            answer["NextToken"] = params["NextToken"]
        for member in self.omit.get(operation, []):
            answer.pop(member, None)
        if operation in self.delete_after:
            self.domain_deleted = True
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
        target = params.get("SpeakerId") or params.get("FraudsterId")
        for key in ((operation, target), (operation, None)):
            queued = self.faults.get(key)
            if queued:
                code, status, fields = queued.pop(0)
                fields = dict(fields)
                message = fields.pop("Message", f"{code} injected")  # add_fault(..., Message=...): the service's words
                raise self._error(operation, code, message, status, **fields)
        if params.get("DomainId", self.domain_id) != self.domain_id or self.domain_deleted:
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
            return self._answer("DescribeSpeaker", params, {"Speaker": dict(speaker)})

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

    # --- watchlists and fraudsters ------------------------------------------------------------------------
    def add_watchlist(self, watchlist_id: str, name: str, default: bool = False) -> None:
        self.watchlists.append(
            {"WatchlistId": watchlist_id, "Name": name, "DefaultWatchlist": default, "DomainId": self.domain_id}
        )

    def add_fraudster(self, fraudster_id: str, watchlist_ids: List[str]) -> None:
        self.fraudsters.append(
            {
                "GeneratedFraudsterId": fraudster_id,
                "WatchlistIds": list(watchlist_ids),
                "DomainId": self.domain_id,
                "CreatedAt": _CREATED,
            }
        )

    def find_fraudster(self, fraudster_id: str) -> Optional[Dict[str, Any]]:
        for fraudster in self.fraudsters:
            if fraudster["GeneratedFraudsterId"] == fraudster_id:
                return fraudster
        return None

    def watchlists_of(self, fraudster_id: str) -> Optional[List[str]]:
        """The fraudster's watchlist ids, sorted; None when it does not exist."""
        fraudster = self.find_fraudster(fraudster_id)
        return None if fraudster is None else sorted(fraudster["WatchlistIds"])

    def _fraudster(self, operation: str, params: Dict[str, Any]) -> Dict[str, Any]:
        fraudster = self.find_fraudster(params["FraudsterId"])
        if fraudster is None:
            raise self._error(operation, "ResourceNotFoundException", "Fraudster not found", ResourceType="FRAUDSTER")
        return fraudster

    def _watchlist(self, operation: str, params: Dict[str, Any]) -> None:
        if not any(watchlist["WatchlistId"] == params["WatchlistId"] for watchlist in self.watchlists):
            raise self._error(operation, "ResourceNotFoundException", "Watchlist not found", ResourceType="WATCHLIST")

    def describe_fraudster(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("DescribeFraudster", params)
            fraudster = self._fraudster("DescribeFraudster", params)
            answer = dict(fraudster, WatchlistIds=list(fraudster["WatchlistIds"]))
            return self._answer("DescribeFraudster", params, {"Fraudster": answer})

    def delete_fraudster(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("DeleteFraudster", params)
            self.fraudsters.remove(self._fraudster("DeleteFraudster", params))
            return self._answer("DeleteFraudster", params, {})

    def associate_fraudster(self, **params: Any) -> Dict[str, Any]:
        """As the service: associating a fraudster with a watchlist it is in already changes nothing."""
        with self.lock:
            self._enter("AssociateFraudster", params)
            fraudster = self._fraudster("AssociateFraudster", params)
            self._watchlist("AssociateFraudster", params)
            if params["WatchlistId"] not in fraudster["WatchlistIds"]:
                fraudster["WatchlistIds"].append(params["WatchlistId"])
            answer = dict(fraudster, WatchlistIds=list(fraudster["WatchlistIds"]))
            return self._answer("AssociateFraudster", params, {"Fraudster": answer})

    def disassociate_fraudster(self, **params: Any) -> Dict[str, Any]:
        """As the emulator: a fraudster's last watchlist cannot be taken from it (ConflictException)."""
        with self.lock:
            self._enter("DisassociateFraudster", params)
            fraudster = self._fraudster("DisassociateFraudster", params)
            self._watchlist("DisassociateFraudster", params)
            if params["WatchlistId"] in fraudster["WatchlistIds"]:
                if len(fraudster["WatchlistIds"]) == 1:
                    raise self._error(
                        "DisassociateFraudster",
                        "ConflictException",
                        "a fraudster belongs to at least one watchlist",
                        ConflictType="FRAUDSTER_MUST_BELONG_TO_AT_LEAST_ONE_WATCHLIST",
                    )
                fraudster["WatchlistIds"].remove(params["WatchlistId"])
            answer = dict(fraudster, WatchlistIds=list(fraudster["WatchlistIds"]))
            return self._answer("DisassociateFraudster", params, {"Fraudster": answer})

    def delete_watchlist(self, **params: Any) -> Dict[str, Any]:
        """As the emulator: a watchlist that holds fraudsters is not deleted (ConflictException)."""
        with self.lock:
            self._enter("DeleteWatchlist", params)
            self._watchlist("DeleteWatchlist", params)
            if any(params["WatchlistId"] in fraudster["WatchlistIds"] for fraudster in self.fraudsters):
                raise self._error(
                    "DeleteWatchlist",
                    "ConflictException",
                    "the watchlist holds fraudsters",
                    ConflictType="CANNOT_DELETE_NON_EMPTY_WATCHLIST",
                )
            self.watchlists = [item for item in self.watchlists if item["WatchlistId"] != params["WatchlistId"]]
            return self._answer("DeleteWatchlist", params, {})

    def fraudster_writes(self) -> List[Tuple[str, Dict[str, Any]]]:
        """The fraudster writes carried out (answered or not), in order: (operation, params)."""
        names = ("AssociateFraudster", "DisassociateFraudster", "DeleteFraudster")
        return [(name, params) for name, params in self.succeeded if name in names]

    def writes(self) -> List[Dict[str, Any]]:
        """The OptOutSpeaker and DeleteSpeaker calls carried out (answered or not), in order."""
        return [params for name, params in self.succeeded if name in ("OptOutSpeaker", "DeleteSpeaker")]

    def _domain(self) -> Dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "Name": self.domain_name,
            "DomainStatus": "ACTIVE",
            "Arn": self.domain_arn,
            "ServerSideEncryptionConfiguration": {"KmsKeyId": "alias/contact-center"},
        }

    def list_domains(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            validate_parameters(params, _MODEL.operation_model("ListDomains").input_shape)
            self.calls.append(("ListDomains", dict(params)))
            domains = [] if self.domain_deleted else [self._domain()]
            return self._answer("ListDomains", params, {"DomainSummaries": domains})

    def describe_domain(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("DescribeDomain", params)
            return self._answer("DescribeDomain", params, {"Domain": self._domain()})

    def list_tags_for_resource(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("ListTagsForResource", params)
            if params["ResourceArn"] != self.domain_arn:
                raise self._error("ListTagsForResource", "ResourceNotFoundException", "No such resource")
            tags = [{"Key": key, "Value": value} for key, value in self.tags.items()]
            return self._answer("ListTagsForResource", params, {"Tags": tags})

    def delete_domain(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("DeleteDomain", params)
            self.domain_deleted = True
            return self._answer("DeleteDomain", params, {})

    def _page(self, operation: str, key: str, items: List[Dict[str, Any]], params: Dict[str, Any]) -> Dict[str, Any]:
        start = int(params.get("NextToken") or 0)
        size = min(params.get("MaxResults", 100), self.page_size_cap)
        answer: Dict[str, Any] = {key: [dict(item) for item in items[start : start + size]]}
        if start + size < len(items):
            answer["NextToken"] = str(start + size)
        return self._answer(operation, params, answer)

    def list_watchlists(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("ListWatchlists", params)
            return self._page("ListWatchlists", "WatchlistSummaries", self.watchlists, params)

    def list_fraudsters(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("ListFraudsters", params)
            fraudsters = [
                fraudster
                for fraudster in self.fraudsters
                if params.get("WatchlistId") is None or params["WatchlistId"] in fraudster["WatchlistIds"]
            ]
            return self._page("ListFraudsters", "FraudsterSummaries", fraudsters, params)

    def list_speakers(self, **params: Any) -> Dict[str, Any]:
        with self.lock:
            self._enter("ListSpeakers", params)
            return self._page("ListSpeakers", "SpeakerSummaries", self.speakers, params)


class SignalsAtCall(FakeVoiceID):
    """Sends the process a signal at the nth call of operation; counts the requests that start after the run's
    client (set `client` before the run) has stopped. The rest of the arguments are FakeVoiceID's."""

    def __init__(self, signum: int, operation: str, nth: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signum = signum
        self.operation = operation
        self.nth = nth
        self.client: Any = None
        self.started_after_stop = 0

    def _enter(self, operation: str, params: Dict[str, Any]) -> None:
        if self.client.stopped.is_set():
            self.started_after_stop += 1
        super()._enter(operation, params)
        if operation == self.operation and len(self.calls_to(operation)) == self.nth:
            os.kill(os.getpid(), self.signum)
