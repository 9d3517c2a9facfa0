# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_domain's real main(), against a stubbed voice-id client that checks every request against the model."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from botocore.stub import ANY
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import MAX_ATTEMPTS
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains import run as domain_run
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import record_api_calls
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.compat import warning_texts
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import KMS_KEY
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import NEW_KEY
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import OLD_KEY
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import add_domain_not_found
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_tags
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import arn
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_facts
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import domain_id
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_domains
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_tags
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import keyed_domain

main = voiceid_domain.main
NAME = "domain-1"  # api_domain(1)'s name


def args(**options: Any) -> Dict[str, Any]:
    return dict({"domain_name": NAME, "region": "eu-west-2"}, **options)


def existing(stub: Stubber, tags: Optional[Dict[str, str]] = None, domain: Optional[Dict[str, Any]] = None) -> None:
    """The account and region hold domain 1 (named NAME) with these tags, and domain 2 with another name."""
    expect_list_domains(stub, [[domain or api_domain(1), api_domain(2)]])
    expect_tags(stub, 1, tags or {})


def writes(calls: List[str]) -> List[str]:
    return [call for call in calls if not call.startswith(("List", "Describe"))]


class FakeClock:
    """Stands in for the system clock of the wait: sleeping moves time on at once."""

    now = 0.0

    def monotonic(self) -> float:
        return FakeClock.now

    def sleep(self, seconds: float) -> None:
        FakeClock.now += seconds


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeClock.now = 1000.0
    monkeypatch.setattr(domain_run, "SystemClock", FakeClock)


# --- create ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_create_when_no_domain_has_the_name(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_list_domains(voiceid, [[api_domain(2)]])
    created = api_domain(7, name=NAME)
    if not check_mode:
        voiceid.add_response(
            "create_domain",
            {"Domain": created},
            {
                "Name": NAME,
                "Description": "support line",
                "ServerSideEncryptionConfiguration": {"KmsKeyId": KMS_KEY},
                "Tags": api_tags({"team": "ops", "cost": "4711"}),
                "ClientToken": ANY,
            },
        )
    calls = record_api_calls(voiceid)

    result, failed = run_module(
        main,
        args(description="support line", kms_key_id=KMS_KEY, tags={"team": "ops", "cost": 4711}),
        check_mode=check_mode,
        diff=True,
    )

    assert not failed, result
    assert result["changed"] is True
    wanted_after = {
        "name": NAME,
        "description": "support line",
        "kms_key_id": KMS_KEY,
        "tags": {"team": "ops", "cost": "4711"},
    }
    if check_mode:
        assert writes(calls) == []
        assert result["domain"] == {
            "name": NAME,
            "domain_status": "ACTIVE",
            "description": "support line",
            "server_side_encryption_configuration": {"kms_key_id": KMS_KEY},
            "tags": {"team": "ops", "cost": "4711"},
        }
        assert result["diff"] == {"before": {}, "after": wanted_after}
    else:
        assert writes(calls) == ["CreateDomain"]
        assert result["domain"] == dict(domain_facts(7, name=NAME), tags={"team": "ops", "cost": "4711"})
        assert result["diff"]["after"] == dict(wanted_after, domain_id=domain_id(7), description="Domain number 7")


def test_create_sends_one_client_token_for_every_attempt(voiceid: Stubber, run_module: ModuleRunner) -> None:
    """A retried CreateDomain must not create a second domain: every attempt carries the same ClientToken."""
    tokens: List[str] = []
    voiceid.client.meta.events.register(
        "provide-client-params.voice-id.CreateDomain", lambda params, **_kw: tokens.append(params["ClientToken"])
    )
    expect_list_domains(voiceid, [[]])
    voiceid.add_client_error("create_domain", "InternalServerException", "try again", http_status_code=500)
    voiceid.add_response("create_domain", {"Domain": api_domain(7, name=NAME)})

    result, failed = run_module(main, args(kms_key_id=KMS_KEY))

    assert not failed, result
    assert len(tokens) == 2 and tokens[0] == tokens[1]

    # Another task gets another token: the service would answer a reused token with other parameters with
    # a ConflictException.
    expect_list_domains(voiceid, [[]])
    voiceid.add_response("create_domain", {"Domain": api_domain(8, name="other")})
    result, failed = run_module(main, args(domain_name="other", kms_key_id=KMS_KEY))

    assert not failed, result
    assert len(tokens) == 3 and tokens[2] != tokens[0]


def test_create_needs_a_kms_key_and_writes_nothing(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_list_domains(voiceid, [[api_domain(2)]])
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(description="no key"))

    assert failed
    assert "kms_key_id is required to create the domain 'domain-1'" in result["msg"]
    assert writes(calls) == []


def test_the_fourth_domain_fails_with_the_quota_named(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_list_domains(voiceid, [[api_domain(2), api_domain(3), api_domain(4)]])
    voiceid.add_client_error(
        "create_domain", "ServiceQuotaExceededException", "The request exceeded the service quota.", 400
    )

    result, failed = run_module(main, args(kms_key_id=KMS_KEY))

    assert failed
    assert result["msg"].startswith("Failed to create domain 'domain-1': ServiceQuotaExceededException")
    assert result["error"]["code"] == "ServiceQuotaExceededException"
    assert any("already hold 3 Voice ID domains" in warning for warning in warning_texts(result))
    assert not result.get("changed")


# --- unchanged and updated ------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="nothing-asked"),
        pytest.param({"kms_key_id": KMS_KEY, "description": "Domain number 1"}, id="same-key-and-description"),
        pytest.param({"tags": {"team": "ops"}}, id="same-tags"),
        pytest.param({"tags": {}, "purge_tags": False}, id="no-tags-no-purge"),
        pytest.param({"tags": {"aws:cloudformation:stack-name": "x"}, "purge_tags": True}, id="aws-keys-refused"),
    ],
)
def test_unchanged(voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], check_mode: bool) -> None:
    if "aws:cloudformation:stack-name" in options.get("tags", {}):
        result, failed = run_module(main, args(**options), check_mode=check_mode)
        assert failed
        assert "starts with 'aws:', which AWS reserves for itself" in result["msg"]
        return
    existing(voiceid, tags={"team": "ops"})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(**options), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is False
    assert writes(calls) == []
    assert result["domain"] == dict(domain_facts(1), tags={"team": "ops"})
    assert result["diff"]["before"] == result["diff"]["after"]


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize(
    "description, sent",
    [
        pytest.param("a new description", "a new description", id="changed"),
        pytest.param("", None, id="removed"),
    ],
)
def test_update_description(
    voiceid: Stubber, run_module: ModuleRunner, description: str, sent: Optional[str], check_mode: bool
) -> None:
    existing(voiceid)
    updated = dict(api_domain(1))
    updated.pop("Description")
    if sent:
        updated["Description"] = sent
    if not check_mode:
        params: Dict[str, Any] = {
            "DomainId": domain_id(1),
            "Name": NAME,
            "ServerSideEncryptionConfiguration": {"KmsKeyId": KMS_KEY},
        }
        if sent:
            params["Description"] = sent
        voiceid.add_response("update_domain", {"Domain": updated}, params)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(description=description), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ([] if check_mode else ["UpdateDomain"])
    assert result["domain"].get("description") == sent
    assert result["diff"]["before"]["description"] == "Domain number 1"
    assert result["diff"]["after"].get("description") == sent


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize(
    "current, wanted, purge, to_unset, to_set, after",
    [
        pytest.param({}, {"team": "ops"}, True, [], {"team": "ops"}, {"team": "ops"}, id="add"),
        pytest.param({"team": "ops"}, {"team": "sec"}, True, [], {"team": "sec"}, {"team": "sec"}, id="change"),
        pytest.param({"team": "ops", "old": "x"}, {"team": "ops"}, True, ["old"], {}, {"team": "ops"}, id="purge-one"),
        pytest.param({"team": "ops", "old": "x"}, {}, True, ["old", "team"], {}, {}, id="purge-all"),
        pytest.param(
            {"team": "ops", "old": "x"},
            {"new": "y"},
            False,
            [],
            {"new": "y"},
            {"team": "ops", "old": "x", "new": "y"},
            id="add-without-purge",
        ),
        pytest.param(
            {"team": "ops", "aws:cloudformation:stack-name": "s"},
            {"new": "1"},
            True,
            ["team"],
            {"new": "1"},
            {"aws:cloudformation:stack-name": "s", "new": "1"},
            id="aws-keys-kept",
        ),
    ],
)
def test_tags(
    voiceid: Stubber,
    run_module: ModuleRunner,
    current: Dict[str, str],
    wanted: Dict[str, str],
    purge: bool,
    to_unset: List[str],
    to_set: Dict[str, str],
    after: Dict[str, str],
    check_mode: bool,
) -> None:
    existing(voiceid, tags=current)
    if not check_mode:
        if to_unset:
            voiceid.add_response("untag_resource", {}, {"ResourceArn": arn(1), "TagKeys": to_unset})
        if to_set:
            voiceid.add_response("tag_resource", {}, {"ResourceArn": arn(1), "Tags": api_tags(to_set)})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(tags=wanted, purge_tags=purge), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is True
    expected_writes = (["UntagResource"] if to_unset else []) + (["TagResource"] if to_set else [])
    assert writes(calls) == ([] if check_mode else expected_writes)
    assert result["domain"]["tags"] == after
    assert result["diff"] == {
        "before": {
            "name": NAME,
            "domain_id": domain_id(1),
            "description": "Domain number 1",
            "kms_key_id": KMS_KEY,
            "tags": current,
        },
        "after": {
            "name": NAME,
            "domain_id": domain_id(1),
            "description": "Domain number 1",
            "kms_key_id": KMS_KEY,
            "tags": after,
        },
    }


# --- a change of KMS key --------------------------------------------------------------------------------------


def expect_key_change(stub: Stubber) -> None:
    existing(stub, domain=keyed_domain(1, OLD_KEY, "COMPLETED"))
    stub.add_response(
        "update_domain",
        {"Domain": keyed_domain(1, NEW_KEY, "IN_PROGRESS")},
        {
            "DomainId": domain_id(1),
            "Name": NAME,
            "Description": "Domain number 1",
            "ServerSideEncryptionConfiguration": {"KmsKeyId": NEW_KEY},
        },
    )


def test_key_change_waits_until_completed(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_key_change(voiceid)
    for status in ("IN_PROGRESS", "IN_PROGRESS", "COMPLETED"):
        voiceid.add_response(
            "describe_domain", {"Domain": keyed_domain(1, NEW_KEY, status)}, {"DomainId": domain_id(1)}
        )

    result, failed = run_module(main, args(kms_key_id=NEW_KEY), diff=True)

    assert not failed, result
    assert result["changed"] is True
    assert result["domain"]["server_side_encryption_configuration"] == {"kms_key_id": NEW_KEY}
    assert result["domain"]["server_side_encryption_update_details"] == {
        "old_kms_key_id": OLD_KEY,
        "update_status": "COMPLETED",
    }
    assert result["domain"]["tags"] == {}
    assert (result["diff"]["before"]["kms_key_id"], result["diff"]["after"]["kms_key_id"]) == (OLD_KEY, NEW_KEY)


def test_key_change_without_wait_returns_in_progress(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_key_change(voiceid)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(kms_key_id=NEW_KEY, wait=False))

    assert not failed, result
    assert result["changed"] is True
    assert result["domain"]["server_side_encryption_update_details"]["update_status"] == "IN_PROGRESS"
    assert "DescribeDomain" not in calls


def test_key_change_in_check_mode_predicts_and_writes_nothing(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid, domain=keyed_domain(1, OLD_KEY, "COMPLETED"))
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(kms_key_id=NEW_KEY), check_mode=True)

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == []
    assert result["domain"]["server_side_encryption_update_details"] == {
        "old_kms_key_id": OLD_KEY,
        "update_status": "IN_PROGRESS",
    }


def test_failed_re_encryption_fails_clearly_and_reports_the_change(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_key_change(voiceid)
    failed_domain = keyed_domain(1, NEW_KEY, "FAILED")
    failed_domain["ServerSideEncryptionUpdateDetails"]["Message"] = "The KMS key is disabled."
    voiceid.add_response("describe_domain", {"Domain": failed_domain}, {"DomainId": domain_id(1)})

    result, failed = run_module(main, args(kms_key_id=NEW_KEY))

    assert failed
    assert result["changed"] is True  # UpdateDomain was made
    assert result["msg"] == (
        f"Voice ID failed to re-encrypt domain {domain_id(1)} with the KMS key {NEW_KEY}: The KMS key is disabled."
        f" (update_status FAILED; the previous key was {OLD_KEY})"
    )
    assert result["domain"]["server_side_encryption_update_details"]["update_status"] == "FAILED"


def test_wait_timeout_fails_clearly_and_reports_the_change(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_key_change(voiceid)
    # Polls after 1, 2, 4, 8 s: the fourth ends at 15 s, past the timeout of 10 s.
    for _poll in range(4):
        voiceid.add_response(
            "describe_domain", {"Domain": keyed_domain(1, NEW_KEY, "IN_PROGRESS")}, {"DomainId": domain_id(1)}
        )

    result, failed = run_module(main, args(kms_key_id=NEW_KEY, wait_timeout=10))

    assert failed
    assert result["changed"] is True
    assert result["msg"].startswith(
        f"Timed out after 10 seconds waiting for Voice ID to re-encrypt domain {domain_id(1)} with its new KMS key"
    )
    assert result["domain"]["server_side_encryption_update_details"]["update_status"] == "IN_PROGRESS"


def test_a_key_change_during_a_re_encryption_fails_before_any_write(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid, domain=keyed_domain(1, NEW_KEY, "IN_PROGRESS"))
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(kms_key_id=KMS_KEY, tags={"a": "b"}))

    assert failed
    assert "kms_key_id cannot change now" in result["msg"]
    assert "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES" in result["msg"]
    assert writes(calls) == []


def test_the_services_lock_conflict_fails_with_its_conflict_type(voiceid: Stubber, run_module: ModuleRunner) -> None:
    """Another client changed the key between the read and the write: the service's answer is reported."""
    existing(voiceid, domain=keyed_domain(1, OLD_KEY, "COMPLETED"))
    voiceid.add_client_error(
        "update_domain",
        "ConflictException",
        "The domain is locked from encryption updates.",
        400,
        modeled_fields={"ConflictType": "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES"},
    )

    result, failed = run_module(main, args(kms_key_id=NEW_KEY))

    assert failed
    assert result["error"]["conflict_type"] == "DOMAIN_LOCKED_FROM_ENCRYPTION_UPDATES"
    assert result["msg"].startswith("Failed to update domain 'domain-1': ConflictException")
    assert not result.get("changed")


def test_an_earlier_re_encryption_still_running_is_waited_for(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid, domain=keyed_domain(1, NEW_KEY, "IN_PROGRESS"))
    voiceid.add_response(
        "describe_domain", {"Domain": keyed_domain(1, NEW_KEY, "COMPLETED")}, {"DomainId": domain_id(1)}
    )

    result, failed = run_module(main, args(kms_key_id=NEW_KEY))

    assert not failed, result
    assert result["changed"] is False
    assert result["domain"]["server_side_encryption_update_details"]["update_status"] == "COMPLETED"


def test_a_partial_change_is_reported_when_a_later_call_fails(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid)
    voiceid.add_response("update_domain", {"Domain": dict(api_domain(1), Description="new")})
    voiceid.add_client_error("tag_resource", "AccessDeniedException", "not allowed", http_status_code=403)

    result, failed = run_module(main, args(description="new", tags={"team": "ops"}))

    assert failed
    assert result["changed"] is True
    assert "after UpdateDomain succeeded" in result["msg"]
    assert result["domain"]["description"] == "new"


# --- duplicates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_duplicate_names_fail_naming_how_many_and_their_ids(
    voiceid: Stubber, run_module: ModuleRunner, state: str, check_mode: bool
) -> None:
    expect_list_domains(voiceid, [[api_domain(1, name="twin"), api_domain(2)], [api_domain(3, name="twin")]])
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(domain_name="twin", state=state, kms_key_id=KMS_KEY), check_mode=check_mode)

    assert failed
    assert result["msg"].startswith(
        f"2 Voice ID domains are named 'twin' in account 111122223333, region eu-west-2"
        f" (ids {domain_id(1)}, {domain_id(3)});"
    )
    assert "changed nothing" in result["msg"]
    # domain_id is the fix; voiceid_domain never renames, so it does not advise renaming.
    assert "Set domain_id to the one you mean" in result["msg"]
    assert "rename" not in result["msg"]
    assert calls == ["ListDomains", "ListDomains"]


# --- delete ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_delete(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    existing(voiceid, tags={"team": "ops"})
    if not check_mode:
        voiceid.add_response("delete_domain", {}, {"DomainId": domain_id(1)})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ([] if check_mode else ["DeleteDomain"])
    assert result["domain"] == dict(domain_facts(1), tags={"team": "ops"})
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["domain_id"] == domain_id(1)


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_delete_when_absent_is_ok(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_list_domains(voiceid, [[api_domain(2)]])
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["domain"] == {}
    assert writes(calls) == []


def test_delete_of_a_domain_deleted_meanwhile_is_ok(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid)
    voiceid.add_client_error(
        "delete_domain", "ResourceNotFoundException", "gone", 400, modeled_fields={"ResourceType": "DOMAIN"}
    )

    result, failed = run_module(main, args(state="absent"))

    assert not failed, result
    assert result["changed"] is False


def lost_answer(stub: Stubber, how: str) -> None:
    """DeleteDomain's first attempt is carried out, its answer lost: a 500, or no answer (a read timeout)."""
    if how == "500":
        stub.add_client_error("delete_domain", "InternalServerException", "lost", http_status_code=500)
    else:
        stub.add_client_error("delete_domain", "ReadTimeoutError", "Read timeout on endpoint URL")


@pytest.mark.parametrize("how", ["500", "read-timeout"])
def test_delete_whose_answer_was_lost_is_a_change_of_this_run(
    voiceid: Stubber, run_module: ModuleRunner, how: str
) -> None:
    """The domain existed when the run read it, the run sent DeleteDomain, and its retry finds it gone: this
    run deleted it, though the answer was lost."""
    existing(voiceid)
    lost_answer(voiceid, how)
    voiceid.add_client_error(
        "delete_domain", "ResourceNotFoundException", "gone", 400, modeled_fields={"ResourceType": "DOMAIN"}
    )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"))

    assert not failed, result
    assert result["changed"] is True
    assert result["answer_lost"] is True
    assert result["domain"]["domain_id"] == domain_id(1)
    assert writes(calls) == ["DeleteDomain", "DeleteDomain"]


def test_delete_whose_every_answer_was_lost_is_confirmed_by_a_read(voiceid: Stubber, run_module: ModuleRunner) -> None:
    """Every attempt answered 500 (the first one deleted the domain): one DescribeDomain finds it gone."""
    existing(voiceid)
    for _attempt in range(10):
        lost_answer(voiceid, "500")
    add_domain_not_found(voiceid, "describe_domain", {"DomainId": domain_id(1)})

    result, failed = run_module(main, args(state="absent"))

    assert not failed, result
    assert result["changed"] is True
    assert result["answer_lost"] is True


def test_delete_whose_answers_were_lost_fails_while_the_domain_is_there(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    existing(voiceid)
    for _attempt in range(10):
        lost_answer(voiceid, "500")
    voiceid.add_response("describe_domain", {"Domain": api_domain(1)}, {"DomainId": domain_id(1)})

    result, failed = run_module(main, args(state="absent"))

    assert failed
    assert not result.get("changed")
    assert "answer_lost" not in result
    assert "InternalServerException" in result["msg"]


# --- bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, problem",
    [
        ({"domain_name": "-dash"}, "domain_name must be 1 to 256 characters"),
        ({"description": "x" * 1025}, "description must be 1 to 1024 letters, digits, spaces and"),
        ({"description": "x" * 1025}, "it has 1025 characters"),
        ({"description": "a, b"}, "it has a character outside that set"),
        ({"kms_key_id": ""}, "kms_key_id must be 1 to 2048 characters"),
        ({"wait_timeout": -1}, "wait_timeout must be 0 or more seconds"),
        ({"tags": {"": "x"}}, "tags must have letters, digits"),
        ({"tags": {"k": "v" * 257}}, "the value of 'k' has 257 characters"),
        ({"tags": {"k": "semi;colon"}}, "the value of 'k' has a character outside the allowed set"),
        ({"tags": {"k#": "v"}}, "the key 'k#' has a character outside the allowed set"),
        ({"tags": {f"k{n}": "v" for n in range(201)}}, "201 tags, more than 200"),
        (
            {"request_rates": {"create_domain": 0}},
            "request_rates.create_domain must be between 0.01 and 10000 requests per second",
        ),
    ],
)
def test_invalid_options_fail_before_any_call(
    voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], problem: str
) -> None:
    result, failed = run_module(main, args(**options))

    assert failed
    assert problem in result["msg"]
    assert "semi;colon" not in result["msg"]  # tag values are never repeated
    assert voiceid.created_clients == []  # type: ignore[attr-defined]


def test_tag_values_of_other_types_become_text(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid)
    voiceid.add_response("tag_resource", {}, {"ResourceArn": arn(1), "Tags": api_tags({"flag": "True", "n": "1"})})

    result, failed = run_module(main, args(tags={"n": 1, "flag": True}))

    assert not failed, result
    assert result["domain"]["tags"] == {"n": "1", "flag": "True"}


# --- domain_id: one of several domains of a name ----------------------------------------------------------------


@pytest.mark.parametrize("by_name", [True, False], ids=["with-domain_name", "domain_id-alone"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_domain_id_deletes_one_of_two_domains_of_a_name(
    voiceid: Stubber, run_module: ModuleRunner, check_mode: bool, by_name: bool
) -> None:
    voiceid.add_response("describe_domain", {"Domain": api_domain(3, name="twin")}, {"DomainId": domain_id(3)})
    expect_tags(voiceid, 3, {})
    if not check_mode:
        voiceid.add_response("delete_domain", {}, {"DomainId": domain_id(3)})
    calls = record_api_calls(voiceid)

    named = {"domain_name": "twin"} if by_name else {}
    options = dict({"region": "eu-west-2", "domain_id": domain_id(3), "state": "absent"}, **named)

    result, failed = run_module(main, options, check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is True
    assert "ListDomains" not in calls
    assert writes(calls) == ([] if check_mode else ["DeleteDomain"])
    assert result["domain"]["domain_id"] == domain_id(3)


@pytest.mark.parametrize(
    "state, found, problem",
    [
        ("absent", "other-name", f"domain_id {domain_id(3)} names a domain called 'other-name', not 'twin'"),
        ("present", "other-name", f"domain_id {domain_id(3)} names a domain called 'other-name', not 'twin'"),
        ("present", None, f"no domain has the id {domain_id(3)} in region eu-west-2 of this account"),
    ],
)
def test_domain_id_must_name_a_domain_of_that_name(
    voiceid: Stubber, run_module: ModuleRunner, state: str, found: Optional[str], problem: str
) -> None:
    if found is None:
        voiceid.add_client_error(
            "describe_domain", "ResourceNotFoundException", "no", 400, modeled_fields={"ResourceType": "DOMAIN"}
        )
    else:
        voiceid.add_response("describe_domain", {"Domain": api_domain(3, name=found)}, {"DomainId": domain_id(3)})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(domain_name="twin", domain_id=domain_id(3), state=state, kms_key_id=KMS_KEY))

    assert failed
    assert problem in result["msg"]
    assert writes(calls) == []


def test_domain_id_of_a_missing_domain_with_absent_is_ok(voiceid: Stubber, run_module: ModuleRunner) -> None:
    voiceid.add_client_error(
        "describe_domain", "ResourceNotFoundException", "no", 400, modeled_fields={"ResourceType": "DOMAIN"}
    )

    result, failed = run_module(main, args(domain_name="twin", domain_id=domain_id(3), state="absent"))

    assert not failed, result
    assert result["changed"] is False


# --- broken answers and other writers -----------------------------------------------------------------------


def test_create_answered_without_its_domain_is_confirmed_and_changed(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    """CreateDomain answered 200 without Domain: the domain was created; the module reads it again."""
    expect_list_domains(voiceid, [[api_domain(2)]])
    voiceid.add_response("create_domain", {})
    expect_list_domains(voiceid, [[api_domain(2), api_domain(7, name=NAME)]])
    expect_tags(voiceid, 7, {"team": "ops"})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(kms_key_id=KMS_KEY, tags={"team": "ops"}))

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ["CreateDomain"]
    assert result["domain"] == dict(domain_facts(7, name=NAME), tags={"team": "ops"})
    assert any(
        "CreateDomain was answered with success but without the domain" in text for text in warning_texts(result)
    )


def test_create_answered_without_its_domain_and_not_found_again_fails_as_changed(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    expect_list_domains(voiceid, [[]])
    voiceid.add_response("create_domain", {})
    expect_list_domains(voiceid, [[]])

    result, failed = run_module(main, args(kms_key_id=KMS_KEY))

    assert failed
    assert result["changed"] is True
    assert "Failed to read the answer to CreateDomain" in result["msg"]
    assert "so it was carried out, but the domain was not found when it was read again" in result["msg"]


def test_update_answered_without_its_domain_is_confirmed_and_changed(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    existing(voiceid)
    voiceid.add_response("update_domain", {})
    voiceid.add_response(
        "describe_domain", {"Domain": dict(api_domain(1), Description="new")}, {"DomainId": domain_id(1)}
    )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(description="new"))

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ["UpdateDomain"]
    assert result["domain"]["description"] == "new"
    assert result["domain"]["tags"] == {}


def test_a_read_answered_without_its_member_fails_naming_the_operation(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    expect_list_domains(voiceid, [[api_domain(1)]])
    voiceid.add_response("list_tags_for_resource", {}, {"ResourceArn": arn(1)})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"))

    assert failed
    assert "ListTagsForResource" in result["msg"]
    assert "Tags is missing" in result["msg"]
    assert writes(calls) == []


def test_absent_is_reached_when_another_writer_deletes_the_domain_during_the_read(
    monkeypatch: pytest.MonkeyPatch, sleeps: List[float], run_module: ModuleRunner
) -> None:
    fake = FakeVoiceID(domain_id(1), {})
    fake.domain_name = NAME
    fake.delete_after.add("ListDomains")
    serve_client(monkeypatch, fake)

    result, failed = run_module(main, args(state="absent"))

    assert not failed, result
    assert result["changed"] is False
    assert [name for name, _params in fake.calls] == ["ListDomains", "ListTagsForResource"]
    assert any(f"Domain {domain_id(1)} was deleted by another writer" in text for text in warning_texts(result))


@pytest.mark.parametrize("options", [{"tags": {"team": "ops"}}, {"description": "new"}], ids=["tags", "description"])
def test_a_change_without_a_key_does_not_wait_for_another_re_encryption(
    voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any]
) -> None:
    """Someone else's re-encryption is under way; this task changes no key and returns at once."""
    domain = keyed_domain(1, NEW_KEY, "IN_PROGRESS")
    existing(voiceid, domain=domain)
    if "tags" in options:
        voiceid.add_response("tag_resource", {}, {"ResourceArn": arn(1), "Tags": api_tags(options["tags"])})
    else:
        voiceid.add_response("update_domain", {"Domain": dict(domain, Description="new")})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(**options))

    assert not failed, result
    assert result["changed"] is True
    assert "DescribeDomain" not in calls
    assert result["domain"]["server_side_encryption_update_details"]["update_status"] == "IN_PROGRESS"


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
def test_a_rerun_whose_key_failed_to_take_effect_fails_and_says_so(
    voiceid: Stubber, run_module: ModuleRunner, check_mode: bool
) -> None:
    failed_domain = keyed_domain(1, NEW_KEY, "FAILED")
    failed_domain["ServerSideEncryptionUpdateDetails"]["Message"] = "The KMS key is disabled."
    existing(voiceid, domain=failed_domain)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(kms_key_id=NEW_KEY, tags={"a": "b"}), check_mode=check_mode)

    assert failed
    assert result["changed"] is False
    assert result["msg"] == (
        f"Voice ID failed to re-encrypt domain {domain_id(1)} with the KMS key this task asks for, {NEW_KEY}: The KMS"
        f" key is disabled. (update_status FAILED; the previous key was {OLD_KEY}). That key is not in effect; the"
        " task changed nothing"
    )
    assert writes(calls) == []


def test_a_task_without_a_key_keeps_only_a_warning_about_a_failed_re_encryption(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    existing(voiceid, domain=keyed_domain(1, NEW_KEY, "FAILED"))

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["changed"] is False
    assert any("the task does not retry it" in text for text in warning_texts(result))


@pytest.mark.parametrize("status", ["IN_PROGRESS", "COMPLETED"])
def test_wait_timeout_0_reads_the_status_once_and_does_not_wait(
    voiceid: Stubber, run_module: ModuleRunner, status: str
) -> None:
    expect_key_change(voiceid)
    voiceid.add_response("describe_domain", {"Domain": keyed_domain(1, NEW_KEY, status)}, {"DomainId": domain_id(1)})
    calls = record_api_calls(voiceid)
    started = FakeClock.now

    result, failed = run_module(main, args(kms_key_id=NEW_KEY, wait_timeout=0))

    assert not failed, result
    assert result["changed"] is True
    assert calls.count("DescribeDomain") == 1
    assert FakeClock.now == started
    assert result["domain"]["server_side_encryption_update_details"]["update_status"] == status


def test_wait_timeout_0_fails_on_a_failed_re_encryption(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_key_change(voiceid)
    voiceid.add_response("describe_domain", {"Domain": keyed_domain(1, NEW_KEY, "FAILED")}, {"DomainId": domain_id(1)})

    result, failed = run_module(main, args(kms_key_id=NEW_KEY, wait_timeout=0))

    assert failed
    assert result["changed"] is True
    assert result["msg"].startswith(f"Voice ID failed to re-encrypt domain {domain_id(1)} with the KMS key {NEW_KEY}")


def lose_every_answer(stub: Stubber, operation: str) -> None:
    """Every attempt of operation is answered 500 (the service may have carried it out)."""
    for _attempt in range(MAX_ATTEMPTS):
        stub.add_client_error(operation, "InternalServerException", "lost", http_status_code=500)


@pytest.mark.parametrize("found", [True, False], ids=["created", "not-created"])
def test_create_whose_answers_are_lost_is_confirmed_by_its_effect(
    voiceid: Stubber, run_module: ModuleRunner, found: bool
) -> None:
    expect_list_domains(voiceid, [[]])
    lose_every_answer(voiceid, "create_domain")
    expect_list_domains(voiceid, [[api_domain(7, name=NAME)] if found else []])
    if found:
        expect_tags(voiceid, 7, {})

    result, failed = run_module(main, args(kms_key_id=KMS_KEY))

    if found:
        assert not failed, result
        assert result["changed"] is True
        assert result["domain"]["domain_id"] == domain_id(7)
        assert any("the answer to CreateDomain was lost" in text for text in warning_texts(result))
    else:
        assert failed
        assert not result.get("changed")
        assert result["msg"].startswith("Failed to create domain 'domain-1': InternalServerException")


@pytest.mark.parametrize("shows", [True, False], ids=["updated", "not-updated"])
def test_update_whose_answers_are_lost_is_confirmed_by_its_effect(
    voiceid: Stubber, run_module: ModuleRunner, shows: bool
) -> None:
    existing(voiceid)
    lose_every_answer(voiceid, "update_domain")
    described = dict(api_domain(1), Description="new" if shows else "Domain number 1")
    voiceid.add_response("describe_domain", {"Domain": described}, {"DomainId": domain_id(1)})

    result, failed = run_module(main, args(description="new"))

    assert failed is not shows
    assert bool(result.get("changed")) is shows
    if shows:
        assert result["domain"]["description"] == "new"
    else:
        assert result["msg"].startswith("Failed to update domain 'domain-1': InternalServerException")


# --- domain_name, its alias name, and domain_id alone ------------------------------------------------------------


def test_name_is_an_alias_of_domain_name(voiceid: Stubber, run_module: ModuleRunner) -> None:
    existing(voiceid)

    result, failed = run_module(main, {"name": NAME, "region": "eu-west-2"})

    assert not failed, result
    assert result["changed"] is False
    assert result["domain"]["domain_id"] == domain_id(1)


@pytest.mark.parametrize("state", ["present", "absent"])
def test_domain_name_or_domain_id_is_required(voiceid: Stubber, run_module: ModuleRunner, state: str) -> None:
    result, failed = run_module(main, {"region": "eu-west-2", "state": state, "kms_key_id": KMS_KEY})

    assert failed
    assert "one of the following is required: domain_name, domain_id" in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]


def test_domain_id_alone_updates_the_domain_under_its_own_name(voiceid: Stubber, run_module: ModuleRunner) -> None:
    voiceid.add_response("describe_domain", {"Domain": api_domain(3, name="twin")}, {"DomainId": domain_id(3)})
    expect_tags(voiceid, 3, {})
    voiceid.add_response(
        "update_domain",
        {"Domain": dict(api_domain(3, name="twin"), Description="new")},
        {
            "DomainId": domain_id(3),
            "Name": "twin",
            "Description": "new",
            "ServerSideEncryptionConfiguration": {"KmsKeyId": KMS_KEY},
        },
    )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, {"region": "eu-west-2", "domain_id": domain_id(3), "description": "new"})

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ["UpdateDomain"]
    assert "ListDomains" not in calls
    assert result["domain"]["name"] == "twin"
