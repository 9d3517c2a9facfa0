# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""voiceid_watchlist's real main(), against a stubbed voice-id client that checks every request against the model.
The watchlist's name carries a marker: watchlist names are sensitive (botocore's model), no msg or warning may
hold one."""

from __future__ import annotations

import json
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
from botocore.stub import ANY
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.limits import MAX_ATTEMPTS
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_watchlist
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import record_api_calls
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.compat import warning_texts
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.running import CHECK_MODES
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import CREATED
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import CREATED_ISO
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import UPDATED
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import UPDATED_ISO
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_domain
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import api_fraudster
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import expect_list_domains

main = voiceid_watchlist.main
NAME = "pii7Q-watchlist"  # the marker
DEFAULT_ID = "DefaultWatchlist000001"
WATCHLIST_ID = "ChargebackWatchlist001"
WRITES = ("CreateWatchlist", "UpdateWatchlist", "DeleteWatchlist")


def args(**options: Any) -> Dict[str, Any]:
    return dict({"domain_id": DOMAIN_ID, "name": NAME, "region": "eu-west-2"}, **options)


def api_watchlist(
    watchlist_id: str = WATCHLIST_ID, name: str = NAME, description: Optional[str] = "old", default: bool = False
) -> Dict[str, Any]:
    watchlist: Dict[str, Any] = {
        "WatchlistId": watchlist_id,
        "Name": name,
        "DefaultWatchlist": default,
        "DomainId": DOMAIN_ID,
        "CreatedAt": CREATED,
        "UpdatedAt": UPDATED,
    }
    if description is not None:
        watchlist["Description"] = description
    return watchlist


def facts(description: Optional[str] = "old", updated: str = UPDATED_ISO, **changes: Any) -> Dict[str, Any]:
    result = {
        "watchlist_id": WATCHLIST_ID,
        "name": NAME,
        "default_watchlist": False,
        "domain_id": DOMAIN_ID,
        "created_at": CREATED_ISO,
        "updated_at": updated,
    }
    if description is not None:
        result["description"] = description
    result.update(changes)
    return result


DEFAULT = api_watchlist(DEFAULT_ID, "Default", None, default=True)


def expect_watchlists(stub: Stubber, *watchlists: Dict[str, Any]) -> None:
    stub.add_response(
        "list_watchlists", {"WatchlistSummaries": list(watchlists)}, {"DomainId": DOMAIN_ID, "MaxResults": 100}
    )


def expect_fraudsters(stub: Stubber, count: int) -> None:
    """The first page of the watchlist's ListFraudsters: count fraudsters (in it and the default watchlist)."""
    stub.add_response(
        "list_fraudsters",
        {"FraudsterSummaries": [api_fraudster(n, DOMAIN_ID, []) for n in range(count)]},
        {"DomainId": DOMAIN_ID, "WatchlistId": WATCHLIST_ID, "MaxResults": 100},
    )


def writes(calls: List[str]) -> List[str]:
    return [call for call in calls if call in WRITES]


def messages(result: Dict[str, Any]) -> str:
    return json.dumps([result.get("msg", ""), *warning_texts(result)])


def lose_every_answer(stub: Stubber, operation: str) -> None:
    for _attempt in range(MAX_ATTEMPTS):
        stub.add_client_error(operation, "InternalServerException", "lost", http_status_code=500)


# --- create, update, unchanged --------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_create_when_no_watchlist_has_the_name(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_watchlists(voiceid, DEFAULT, api_watchlist("OtherWatchlist00000001", "other"))
    if not check_mode:
        voiceid.add_response(
            "create_watchlist",
            {"Watchlist": api_watchlist(description="new")},
            {"DomainId": DOMAIN_ID, "Name": NAME, "Description": "new", "ClientToken": ANY},
        )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(description="new"), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is True
    if check_mode:
        assert writes(calls) == []
        assert result["watchlist"] == {
            "name": NAME,
            "description": "new",
            "default_watchlist": False,
            "domain_id": DOMAIN_ID,
        }
        assert result["diff"] == {"before": {}, "after": {"name": NAME, "description": "new"}}
    else:
        assert writes(calls) == ["CreateWatchlist"]
        assert result["watchlist"] == facts(description="new")
        assert result["diff"]["after"] == {"name": NAME, "watchlist_id": WATCHLIST_ID, "description": "new"}


def test_create_sends_one_client_token_for_every_attempt(voiceid: Stubber, run_module: ModuleRunner) -> None:
    """CreateWatchlist's first attempt is carried out and its answer lost (500): the retry carries the same
    ClientToken, so the service answers it with the same watchlist instead of creating a second one."""
    tokens: List[str] = []
    voiceid.client.meta.events.register(
        "provide-client-params.voice-id.CreateWatchlist", lambda params, **_kw: tokens.append(params["ClientToken"])
    )
    expect_watchlists(voiceid, DEFAULT)
    voiceid.add_client_error("create_watchlist", "InternalServerException", "lost", http_status_code=500)
    voiceid.add_response("create_watchlist", {"Watchlist": api_watchlist(description=None)})

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["changed"] is True
    assert result["summary"]["retried"] == 1
    assert len(tokens) == 2 and tokens[0] == tokens[1]


@pytest.mark.parametrize("found", [True, False], ids=["created", "not-created"])
def test_create_whose_every_answer_is_lost_is_confirmed_by_a_read(
    voiceid: Stubber, run_module: ModuleRunner, found: bool
) -> None:
    expect_watchlists(voiceid, DEFAULT)
    lose_every_answer(voiceid, "create_watchlist")
    expect_watchlists(voiceid, *([DEFAULT, api_watchlist(description=None)] if found else [DEFAULT]))

    result, failed = run_module(main, args())

    assert failed is not found
    assert bool(result.get("changed")) is found
    assert NAME not in messages(result)
    if found:
        assert result["watchlist"]["watchlist_id"] == WATCHLIST_ID
        assert any("CreateWatchlist lost its answer" in text for text in warning_texts(result))
    else:
        assert result["msg"].startswith(f"Failed to create watchlist in domain {DOMAIN_ID}: InternalServerException")


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_update_description(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_watchlists(voiceid, DEFAULT, api_watchlist())
    if not check_mode:
        voiceid.add_response(
            "update_watchlist",
            {"Watchlist": dict(api_watchlist(description="new"), UpdatedAt=CREATED)},
            {"DomainId": DOMAIN_ID, "WatchlistId": WATCHLIST_ID, "Description": "new"},
        )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(description="new"), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ([] if check_mode else ["UpdateWatchlist"])
    wanted = facts(description="new", updated=CREATED_ISO)
    if check_mode:
        del wanted["updated_at"]
    assert result["watchlist"] == wanted
    assert result["diff"] == {
        "before": {"name": NAME, "watchlist_id": WATCHLIST_ID, "description": "old"},
        "after": {"name": NAME, "watchlist_id": WATCHLIST_ID, "description": "new"},
    }


@pytest.mark.parametrize("shows", [True, False], ids=["updated", "not-updated"])
def test_update_whose_every_answer_is_lost_is_confirmed_by_its_effect(
    voiceid: Stubber, run_module: ModuleRunner, shows: bool
) -> None:
    expect_watchlists(voiceid, api_watchlist())
    lose_every_answer(voiceid, "update_watchlist")
    expect_watchlists(voiceid, api_watchlist(description="new" if shows else "old"))

    result, failed = run_module(main, args(description="new"))

    assert failed is not shows
    assert bool(result.get("changed")) is shows
    if shows:
        assert result["watchlist"]["description"] == "new"


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize("options", [{}, {"description": "old"}], ids=["no-description", "same-description"])
def test_unchanged(voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], check_mode: bool) -> None:
    expect_watchlists(voiceid, DEFAULT, api_watchlist())
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(**options), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is False
    assert writes(calls) == []
    assert result["watchlist"] == facts()
    assert result["diff"]["before"] == result["diff"]["after"]


def test_the_quota_of_watchlists_is_named(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_watchlists(
        voiceid, DEFAULT, api_watchlist("OtherWatchlist00000001", "a"), api_watchlist("OtherWatchlist00000002", "b")
    )
    voiceid.add_client_error(
        "create_watchlist", "ServiceQuotaExceededException", "The request exceeded the service quota.", 400
    )

    result, failed = run_module(main, args())

    assert failed
    assert not result.get("changed")
    assert result["msg"].startswith(f"Failed to create watchlist in domain {DOMAIN_ID}: ServiceQuotaExceededException")
    assert result["error"]["code"] == "ServiceQuotaExceededException"
    assert any("already holds 3 watchlists, the default one included" in text for text in warning_texts(result))
    assert NAME not in messages(result)


# --- delete ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_delete_an_empty_watchlist(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_watchlists(voiceid, DEFAULT, api_watchlist())
    expect_fraudsters(voiceid, 0)
    if not check_mode:
        voiceid.add_response("delete_watchlist", {}, {"DomainId": DOMAIN_ID, "WatchlistId": WATCHLIST_ID})
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"), check_mode=check_mode, diff=True)

    assert not failed, result
    assert result["changed"] is True
    assert writes(calls) == ([] if check_mode else ["DeleteWatchlist"])
    assert result["watchlist"] == facts()
    assert result["diff"]["after"] == {}


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_delete_when_absent_is_ok(voiceid: Stubber, run_module: ModuleRunner, check_mode: bool) -> None:
    expect_watchlists(voiceid, DEFAULT)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"), check_mode=check_mode)

    assert not failed, result
    assert result["changed"] is False
    assert result["watchlist"] == {}
    assert calls == ["ListWatchlists"]


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_a_watchlist_that_holds_fraudsters_is_refused_before_any_write(
    voiceid: Stubber, run_module: ModuleRunner, check_mode: bool
) -> None:
    expect_watchlists(voiceid, DEFAULT, api_watchlist())
    expect_fraudsters(voiceid, 2)
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"), check_mode=check_mode)

    assert failed
    assert calls == ["ListWatchlists", "ListFraudsters"]
    assert result["msg"].startswith(f"watchlist {WATCHLIST_ID} holds fraudsters")
    assert "CANNOT_DELETE_NON_EMPTY_WATCHLIST" in result["msg"]
    assert NAME not in messages(result)


def test_the_services_non_empty_conflict_fails_with_its_conflict_type(
    voiceid: Stubber, run_module: ModuleRunner
) -> None:
    """A fraudster joined the watchlist between the read and the deletion: the service's answer stands."""
    expect_watchlists(voiceid, api_watchlist())
    expect_fraudsters(voiceid, 0)
    voiceid.add_client_error(
        "delete_watchlist",
        "ConflictException",
        "The watchlist still holds fraudsters.",
        400,
        modeled_fields={"ConflictType": "CANNOT_DELETE_NON_EMPTY_WATCHLIST"},
    )

    result, failed = run_module(main, args(state="absent"))

    assert failed
    assert not result.get("changed")
    assert result["error"]["conflict_type"] == "CANNOT_DELETE_NON_EMPTY_WATCHLIST"
    assert result["msg"].startswith(f"Failed to delete watchlist in domain {DOMAIN_ID}: ConflictException")


@pytest.mark.parametrize("check_mode", CHECK_MODES)
@pytest.mark.parametrize(
    "options, problem",
    [
        ({"state": "absent"}, "which Voice ID cannot delete"),
        ({"description": "mine now"}, "whose description Voice ID cannot change"),
    ],
    ids=["delete", "change"],
)
def test_the_default_watchlist_is_refused_before_any_write(
    voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], problem: str, check_mode: bool
) -> None:
    expect_watchlists(voiceid, api_watchlist(DEFAULT_ID, NAME, None, default=True))
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(**options), check_mode=check_mode)

    assert failed
    assert calls == ["ListWatchlists"]
    assert f"the domain's default watchlist ({DEFAULT_ID})" in result["msg"]
    assert problem in result["msg"]
    assert NAME not in messages(result)


def test_the_default_watchlist_left_as_it_is_is_unchanged(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_watchlists(voiceid, api_watchlist(DEFAULT_ID, NAME, None, default=True))

    result, failed = run_module(main, args())

    assert not failed, result
    assert result["changed"] is False
    assert result["watchlist"]["default_watchlist"] is True


@pytest.mark.parametrize("how", ["500", "read-timeout"])
def test_delete_whose_answer_was_lost_is_a_change_of_this_run(
    voiceid: Stubber, run_module: ModuleRunner, how: str
) -> None:
    """The first attempt was carried out and its answer lost; the retry finds the watchlist gone: this run
    deleted it."""
    expect_watchlists(voiceid, api_watchlist())
    expect_fraudsters(voiceid, 0)
    if how == "500":
        voiceid.add_client_error("delete_watchlist", "InternalServerException", "lost", http_status_code=500)
    else:
        voiceid.add_client_error("delete_watchlist", "ReadTimeoutError", "Read timeout on endpoint URL")
    voiceid.add_client_error(
        "delete_watchlist", "ResourceNotFoundException", "gone", 400, modeled_fields={"ResourceType": "WATCHLIST"}
    )
    calls = record_api_calls(voiceid)

    result, failed = run_module(main, args(state="absent"))

    assert not failed, result
    assert result["changed"] is True
    assert result["answer_lost"] is True
    assert result["watchlist"]["watchlist_id"] == WATCHLIST_ID
    assert writes(calls) == ["DeleteWatchlist", "DeleteWatchlist"]


@pytest.mark.parametrize("gone", [True, False], ids=["gone", "still-there"])
def test_delete_whose_every_answer_was_lost_is_confirmed_by_a_read(
    voiceid: Stubber, run_module: ModuleRunner, gone: bool
) -> None:
    expect_watchlists(voiceid, api_watchlist())
    expect_fraudsters(voiceid, 0)
    lose_every_answer(voiceid, "delete_watchlist")
    expect_watchlists(voiceid, *([] if gone else [api_watchlist()]))

    result, failed = run_module(main, args(state="absent"))

    assert failed is not gone
    assert bool(result.get("changed")) is gone
    assert ("answer_lost" in result) is gone
    if not gone:
        assert "InternalServerException" in result["msg"]


def test_delete_of_a_watchlist_deleted_meanwhile_is_ok(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_watchlists(voiceid, api_watchlist())
    expect_fraudsters(voiceid, 0)
    voiceid.add_client_error(
        "delete_watchlist", "ResourceNotFoundException", "gone", 400, modeled_fields={"ResourceType": "WATCHLIST"}
    )

    result, failed = run_module(main, args(state="absent"))

    assert not failed, result
    assert result["changed"] is False


# --- the domain, bad input, the journal ------------------------------------------------------------------------


def test_domain_name_is_looked_up_first(voiceid: Stubber, run_module: ModuleRunner) -> None:
    expect_list_domains(voiceid, [[api_domain(2), dict(api_domain(1, name="contact-center"), DomainId=DOMAIN_ID)]])
    expect_watchlists(voiceid, DEFAULT, api_watchlist())

    options = {key: value for key, value in args(domain_name="contact-center").items() if key != "domain_id"}
    result, failed = run_module(main, options)

    assert not failed, result
    assert result["watchlist"] == facts()


@pytest.mark.parametrize(
    "options, problem",
    [
        ({"name": "-dash"}, "name must be 1 to 256 characters that start with a letter or digit"),
        ({"name": "pii7Q with spaces"}, "name must be 1 to 256 characters"),
        ({"name": "pii7Q" * 60}, "the value given has 300 characters"),
        ({"name": ""}, "the value given is empty"),
        ({"description": ""}, "Voice ID cannot remove a watchlist's description"),
        ({"description": "x" * 1025}, "description must be 1 to 1024 letters, digits, spaces and"),
        ({"description": "pii7Q; no"}, "it has a character outside that set"),
        ({"domain_id": "short"}, "domain_id must be exactly 22 letters or digits"),
        (
            {"request_rates": {"create_watchlist": 0}},
            "request_rates.create_watchlist must be between 0.01 and 10000 requests per second",
        ),
    ],
)
def test_invalid_options_fail_before_any_call(
    voiceid: Stubber, run_module: ModuleRunner, options: Dict[str, Any], problem: str
) -> None:
    result, failed = run_module(main, args(**options))

    assert failed
    assert problem in result["msg"]
    assert "pii7Q" not in result["msg"]
    assert voiceid.created_clients == []  # type: ignore[attr-defined]


def test_writes_are_journaled(voiceid: Stubber, run_module: ModuleRunner, tmp_path: Any) -> None:
    """Create, then a deletion whose answer is lost: `sent` before each write, `done` after, with the new id."""
    journal = tmp_path / "journal.jsonl"
    expect_watchlists(voiceid, DEFAULT)
    voiceid.add_response("create_watchlist", {"Watchlist": api_watchlist(description=None)})
    expect_watchlists(voiceid, DEFAULT, api_watchlist(description=None))
    expect_fraudsters(voiceid, 0)
    voiceid.add_client_error("delete_watchlist", "InternalServerException", "lost", http_status_code=500)
    voiceid.add_client_error(
        "delete_watchlist", "ResourceNotFoundException", "gone", 400, modeled_fields={"ResourceType": "WATCHLIST"}
    )

    for state in ("present", "absent"):
        result, failed = run_module(main, args(state=state, journal=str(journal)))
        assert not failed, result

    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    writes_journaled = [
        (line["event"], line["operation"], line.get("watchlist_id"), line.get("confirmed_by"))
        for line in lines
        if line["event"] in ("sent", "done", "failed")
    ]
    assert writes_journaled == [
        ("sent", "CreateWatchlist", None, None),
        ("done", "CreateWatchlist", WATCHLIST_ID, None),
        ("sent", "DeleteWatchlist", WATCHLIST_ID, None),
        ("done", "DeleteWatchlist", WATCHLIST_ID, "read"),
    ]
    assert all(line["domain_id"] == DOMAIN_ID for line in lines if line["event"] in ("sent", "done"))
    deleted = [line for line in lines if line["event"] == "done" and line["operation"] == "DeleteWatchlist"]
    assert deleted[0]["answer_lost"] is True
    assert {line.get("name") for line in lines if line["event"] in ("sent", "done")} == {NAME}


# --- force: the fraudsters taken out first (fraudsters/takeout.py), against the in-memory service --------------

ONLY_HERE = "id#pii7QFraudster00000001"  # in the watchlist only: deleted with it
ALSO_DEFAULT = "id#pii7QFraudster00000002"  # in the default watchlist too: disassociated, kept
ELSEWHERE = "id#pii7QFraudster00000003"  # in the default watchlist only: not touched


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> FakeVoiceID:
    service = FakeVoiceID(DOMAIN_ID, {})
    service.add_watchlist(DEFAULT_ID, "Default", default=True)
    service.add_watchlist(WATCHLIST_ID, NAME)
    service.add_fraudster(ONLY_HERE, [WATCHLIST_ID])
    service.add_fraudster(ALSO_DEFAULT, [DEFAULT_ID, WATCHLIST_ID])
    service.add_fraudster(ELSEWHERE, [DEFAULT_ID])
    serve_client(monkeypatch, service)
    return service


@pytest.mark.parametrize("check_mode", CHECK_MODES)
def test_force_takes_the_fraudsters_out_then_deletes(
    fake: FakeVoiceID, run_module: ModuleRunner, check_mode: bool, tmp_path: Any
) -> None:
    journal = tmp_path / "journal.jsonl"
    result, failed = run_module(
        main, args(state="absent", force=True, journal=str(journal)), check_mode=check_mode, diff=True
    )

    assert not failed, result
    assert result["changed"] is True
    assert result["deleted_fraudster_ids"] == [ONLY_HERE]
    assert result["disassociated_fraudster_ids"] == [ALSO_DEFAULT]
    assert result["failures"] == []
    verb = "would take" if check_mode else "took"
    assert result["msg"] == (
        f"{verb} 2 fraudsters out of watchlist {WATCHLIST_ID}: 1 disassociated (they stay in their other"
        " watchlists), 1 deleted (it was their only watchlist)"
    )
    assert "pii7Q" not in messages(result)
    assert result["diff"]["after"] == {}
    if check_mode:
        assert fake.fraudster_writes() == [] and not fake.calls_to("DeleteWatchlist")
        assert len(fake.watchlists) == 2
    else:
        assert [(name, params.get("FraudsterId")) for name, params in fake.fraudster_writes()] in (
            [("DeleteFraudster", ONLY_HERE), ("DisassociateFraudster", ALSO_DEFAULT)],
            [("DisassociateFraudster", ALSO_DEFAULT), ("DeleteFraudster", ONLY_HERE)],
        )
        assert fake.watchlists_of(ONLY_HERE) is None
        assert fake.watchlists_of(ALSO_DEFAULT) == [DEFAULT_ID]
        assert fake.watchlists_of(ELSEWHERE) == [DEFAULT_ID]
        assert [item["WatchlistId"] for item in fake.watchlists] == [DEFAULT_ID]
    # Every write journaled: the fraudsters' (by fraudster_id), then the watchlist's deletion; none in check mode.
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    done = [(line["operation"], line.get("fraudster_id")) for line in lines if line["event"] == "done"]
    sent = [(line["operation"], line.get("fraudster_id")) for line in lines if line["event"] == "sent"]
    if check_mode:
        assert sent == done == []
    else:
        # The two fraudsters' writes run at once: their lines may come in either order, each write's `sent`
        # before its `done`, and the watchlist's deletion after both.
        assert sorted(sent[:2]) == sorted(done[:2]) and sent[2:] == done[2:]
        assert sorted(done[:2]) == [("DeleteFraudster", ONLY_HERE), ("DisassociateFraudster", ALSO_DEFAULT)]
        assert done[2:] == [("DeleteWatchlist", None)]


def test_force_keeps_the_watchlist_when_a_fraudster_cannot_be_taken_out(
    fake: FakeVoiceID, run_module: ModuleRunner
) -> None:
    fake.add_fault("DeleteFraudster", "AccessDeniedException", speaker_id=ONLY_HERE, status=403)

    result, failed = run_module(main, args(state="absent", force=True))

    assert failed
    assert result["changed"] is True  # the other fraudster was taken out
    assert result["disassociated_fraudster_ids"] == [ALSO_DEFAULT]
    assert result["deleted_fraudster_ids"] == []
    assert [(failure["fraudster_id"], failure["code"]) for failure in result["failures"]] == [
        (ONLY_HERE, "AccessDeniedException")
    ]
    assert result["msg"].startswith(
        f"1 fraudster could not be taken out of watchlist {WATCHLIST_ID} (1 AccessDeniedException; see failures),"
        " so it was not deleted"
    )
    assert "pii7Q" not in messages(result)
    assert not fake.calls_to("DeleteWatchlist")
    assert fake.watchlists_of(ONLY_HERE) == [WATCHLIST_ID]


def test_force_on_an_empty_watchlist_only_deletes_it(fake: FakeVoiceID, run_module: ModuleRunner) -> None:
    fake.fraudsters = [fraudster for fraudster in fake.fraudsters if fraudster["GeneratedFraudsterId"] == ELSEWHERE]

    result, failed = run_module(main, args(state="absent", force=True))

    assert not failed, result
    assert result["changed"] is True
    assert "deleted_fraudster_ids" not in result and "msg" not in result
    assert [operation for operation, _params in fake.calls] == ["ListWatchlists", "ListFraudsters", "DeleteWatchlist"]
