# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No speaker id reaches a message: every failure path of the speaker modules, fed ids that carry a marker
(and a service that repeats the id it was asked about in its own error messages), fails or warns with a msg
and warnings that hold no marker. ansible-core 2.19 and later print a failed task's msg even under no_log;
the ids belong in the structured keys, which no_log hides."""

from __future__ import annotations

import json
from typing import Any
from typing import Callable
from typing import Dict
from typing import List

import pytest

from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_fraudster
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker_info
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_speaker_optout
from ansible_collections.speakerops.voiceid.plugins.modules import voiceid_watchlist
from ansible_collections.speakerops.voiceid.tests.unit.support.clients import serve_client
from ansible_collections.speakerops.voiceid.tests.unit.support.compat import warning_texts
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import FakeVoiceID
from ansible_collections.speakerops.voiceid.tests.unit.support.fake_service import generated_id
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

MARKER = "pii7Q"
DENIED = f"{MARKER}-denied"
SLOW = f"{MARKER}-slow"
UNREADABLE = f"{MARKER}-unreadable"
ENROLLED = f"{MARKER}-enrolled"
UNKNOWN_GENERATED = "id#" + MARKER + "A" * (22 - len(MARKER))
OTHER_DOMAIN = "B" * 22  # no such domain in the fake: a domain-wide ResourceNotFoundException
INVALID = [f"{MARKER} with spaces", f"id#{MARKER}", f"{MARKER}!", f"{MARKER}" * 60]

Setup = Callable[[FakeVoiceID], None]


def echoing(operation: str, code: str, speaker_id: str, status: int = 400, times: int = 1, **fields: str) -> Setup:
    """A fault whose message repeats the speaker id, as a service's message might."""

    def setup(fake: FakeVoiceID) -> None:
        fake.add_fault(
            operation,
            code,
            times=times,
            speaker_id=speaker_id,
            status=status,
            Message=f"speaker {speaker_id} in domain {DOMAIN_ID}: {code}",
            **fields,
        )

    return setup


def nothing(fake: FakeVoiceID) -> None:
    pass


def many(*setups: Setup) -> Setup:
    def setup(fake: FakeVoiceID) -> None:
        for one in setups:
            one(fake)

    return setup


BULK = [ENROLLED, DENIED, SLOW, UNREADABLE, ENROLLED, UNKNOWN_GENERATED]
# Fraudsters (id# and 22 letters or digits), in watchlist W of the fake; the marker is in each id.
FRAUDSTER_DENIED = "id#" + MARKER + "Denied" + "0" * (16 - len(MARKER))
FRAUDSTER_UNREADABLE = "id#" + MARKER + "Unread" + "0" * (16 - len(MARKER))
FRAUDSTER_IN_W = "id#" + MARKER + "InWatch" + "0" * (15 - len(MARKER))
FRAUDSTER_MISSING = "id#" + MARKER + "Missing" + "0" * (15 - len(MARKER))
WATCHLIST_W, WATCHLIST_V = "W" * 22, "V" * 22
FRAUDSTERS = [FRAUDSTER_IN_W, FRAUDSTER_DENIED, FRAUDSTER_UNREADABLE, FRAUDSTER_MISSING, FRAUDSTER_IN_W]
FRAUDSTER_INVALID = [f"id#{MARKER}", f"{MARKER}" * 5, f"id#{MARKER}!" + "A" * 16]
# voiceid_watchlist: a watchlist whose name is a marker too (names are sensitive), holding one fraudster only.
WATCHLIST_MARKED, MARKED_NAME = "M" * 22, f"{MARKER}-watchlist"
FRAUDSTER_ONLY_MARKED = "id#" + MARKER + "OnlyM" + "0" * (17 - len(MARKER))


def marked_watchlist(fake: FakeVoiceID) -> None:
    fake.add_watchlist(WATCHLIST_MARKED, MARKED_NAME)
    fake.add_fraudster(FRAUDSTER_ONLY_MARKED, [WATCHLIST_MARKED])


# name, module main, arguments, fault setup, whether the task fails
CASES = [
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_ids": BULK},
        many(
            echoing("OptOutSpeaker", "AccessDeniedException", DENIED, 403),
            echoing("OptOutSpeaker", "ValidationException", SLOW),
            echoing("DescribeSpeaker", "AccessDeniedException", UNREADABLE, 403),
        ),
        id="optout-bulk-denied-invalid-unreadable-unknown-generated",
    ),
    pytest.param(
        voiceid_speaker.main,
        {"speaker_ids": BULK, "state": "absent"},
        many(
            echoing("DeleteSpeaker", "AccessDeniedException", DENIED, 403),
            echoing("DescribeSpeaker", "AccessDeniedException", UNREADABLE, 403),
        ),
        id="delete-bulk-denied-unreadable",
    ),
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_ids": BULK, "domain_id": OTHER_DOMAIN},
        nothing,
        id="optout-bulk-missing-domain",
    ),
    pytest.param(
        voiceid_speaker.main,
        {"speaker_ids": BULK, "domain_id": OTHER_DOMAIN, "state": "absent"},
        nothing,
        id="delete-bulk-missing-domain",
    ),
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_ids": BULK},
        echoing("OptOutSpeaker", "ConflictException", DENIED, ConflictType="DOMAIN_NOT_ACTIVE"),
        id="optout-bulk-domain-wide-conflict-echoing-the-id",
    ),
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_ids": [ENROLLED, *INVALID]},
        nothing,
        id="optout-bulk-invalid-ids",
    ),
    pytest.param(
        voiceid_speaker.main,
        {"speaker_ids": [*INVALID, DENIED], "on_invalid": "skip"},
        echoing("OptOutSpeaker", "AccessDeniedException", DENIED, 403),
        id="speaker-bulk-invalid-ids-skipped",
    ),
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_id": DENIED},
        echoing("OptOutSpeaker", "AccessDeniedException", DENIED, 403),
        id="optout-one-denied",
    ),
    pytest.param(
        voiceid_speaker.main,
        {"speaker_id": DENIED, "state": "absent"},
        echoing("DeleteSpeaker", "AccessDeniedException", DENIED, 403),
        id="delete-one-denied",
    ),
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_id": UNREADABLE},
        echoing("DescribeSpeaker", "InternalServerException", UNREADABLE, 500, times=100),
        id="optout-one-failing-for-good",
    ),
    pytest.param(voiceid_speaker_optout.main, {"speaker_id": UNKNOWN_GENERATED}, nothing, id="optout-one-unknown"),
    pytest.param(
        voiceid_speaker_optout.main,
        {"speaker_id": DENIED, "domain_id": OTHER_DOMAIN},
        nothing,
        id="optout-one-missing-domain",
    ),
    pytest.param(voiceid_speaker_optout.main, {"speaker_id": INVALID[0]}, nothing, id="optout-one-invalid"),
    pytest.param(voiceid_speaker.main, {"speaker_id": INVALID[3], "state": "absent"}, nothing, id="delete-one-invalid"),
    pytest.param(
        voiceid_speaker_info.main,
        {"speaker_id": UNREADABLE},
        echoing("DescribeSpeaker", "AccessDeniedException", UNREADABLE, 403),
        id="info-one-denied",
    ),
    pytest.param(voiceid_speaker_info.main, {"speaker_id": INVALID[2]}, nothing, id="info-one-invalid"),
    pytest.param(
        voiceid_fraudster.main,
        {"fraudster_ids": FRAUDSTERS, "watchlists": [WATCHLIST_V], "purge_watchlists": True},
        many(
            echoing("AssociateFraudster", "AccessDeniedException", FRAUDSTER_DENIED, 403),
            echoing("DescribeFraudster", "AccessDeniedException", FRAUDSTER_UNREADABLE, 403),
        ),
        id="fraudster-bulk-denied-unreadable-missing",
    ),
    pytest.param(
        voiceid_fraudster.main,
        {"fraudster_ids": FRAUDSTERS, "state": "absent"},
        many(
            echoing("DeleteFraudster", "ConflictException", FRAUDSTER_DENIED, ConflictType="DOMAIN_NOT_ACTIVE"),
            echoing("DescribeFraudster", "AccessDeniedException", FRAUDSTER_UNREADABLE, 403),
        ),
        id="fraudster-bulk-domain-wide-conflict-echoing-the-id",
    ),
    pytest.param(
        voiceid_fraudster.main,
        {"fraudster_ids": [FRAUDSTER_IN_W, *FRAUDSTER_INVALID], "state": "absent"},
        nothing,
        id="fraudster-bulk-invalid-ids",
    ),
    pytest.param(
        voiceid_fraudster.main,
        {"fraudster_ids": [*FRAUDSTER_INVALID, FRAUDSTER_DENIED], "on_invalid": "skip", "state": "absent"},
        echoing("DeleteFraudster", "AccessDeniedException", FRAUDSTER_DENIED, 403),
        id="fraudster-bulk-invalid-ids-skipped",
    ),
    pytest.param(
        voiceid_fraudster.main,
        {"fraudster_id": FRAUDSTER_DENIED, "state": "absent"},
        echoing("DeleteFraudster", "AccessDeniedException", FRAUDSTER_DENIED, 403),
        id="fraudster-one-denied",
    ),
    pytest.param(voiceid_fraudster.main, {"fraudster_id": FRAUDSTER_MISSING}, nothing, id="fraudster-one-unknown"),
    pytest.param(
        voiceid_fraudster.main,
        {"fraudster_id": FRAUDSTER_UNREADABLE},
        echoing("DescribeFraudster", "InternalServerException", FRAUDSTER_UNREADABLE, 500, times=100),
        id="fraudster-one-failing-for-good",
    ),
    pytest.param(voiceid_fraudster.main, {"fraudster_id": FRAUDSTER_INVALID[1]}, nothing, id="fraudster-one-invalid"),
    pytest.param(
        voiceid_watchlist.main,
        {"name": MARKED_NAME, "state": "absent", "force": True},
        many(marked_watchlist, echoing("DeleteFraudster", "AccessDeniedException", FRAUDSTER_ONLY_MARKED, 403)),
        id="watchlist-force-one-denied",
    ),
    pytest.param(
        voiceid_watchlist.main,
        {"name": MARKED_NAME, "state": "absent"},
        marked_watchlist,
        id="watchlist-holding-fraudsters",
    ),
    pytest.param(voiceid_watchlist.main, {"name": f"{MARKER} name"}, nothing, id="watchlist-invalid-name"),
]


@pytest.fixture
def fake_service(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> FakeVoiceID:
    fake = FakeVoiceID(DOMAIN_ID, {ENROLLED: "ENROLLED", DENIED: "ENROLLED", SLOW: "ENROLLED"})
    fake.add_watchlist(WATCHLIST_W, "default", default=True)
    fake.add_watchlist(WATCHLIST_V, "vip")
    for fraudster_id in (FRAUDSTER_DENIED, FRAUDSTER_UNREADABLE, FRAUDSTER_IN_W):
        fake.add_fraudster(fraudster_id, [WATCHLIST_W])
    serve_client(monkeypatch, fake)
    return fake


def messages(result: Dict[str, Any]) -> List[str]:
    """What ansible-core may print of a failed no_log task: msg, warnings (and deprecations)."""
    texts = [str(result.get("msg", ""))]
    texts.extend(warning_texts(result))
    texts.extend(json.dumps(item) for item in result.get("deprecations", []))
    return texts


@pytest.mark.parametrize("check_mode", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize("main, module_args, setup", CASES)
def test_no_message_holds_a_speaker_id(
    fake_service: FakeVoiceID,
    run_module: ModuleRunner,
    main: Callable[[], None],
    module_args: Dict[str, Any],
    setup: Setup,
    check_mode: bool,
    request: pytest.FixtureRequest,
) -> None:
    setup(fake_service)
    result, failed = run_module(
        main, dict({"domain_id": DOMAIN_ID, "region": "eu-west-2"}, **module_args), check_mode=check_mode
    )

    # Each case fails or warns (its message is what is tested), but for a write check mode does not make.
    assert failed or warning_texts(result) or (check_mode and "one-denied" in request.node.name), result
    for text in messages(result):
        assert MARKER not in text, text
    if (
        "speaker_ids" in module_args or "fraudster_ids" in module_args
    ):  # the ids are there, in the structured keys (failures, invalid, speakers)
        assert MARKER in json.dumps({key: value for key, value in result.items() if key not in ("msg", "warnings")})


def test_the_marker_test_can_fail(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    """The service's message does carry the id: without the redaction, the single path's msg would hold it."""
    echoing("OptOutSpeaker", "AccessDeniedException", DENIED, 403)(fake_service)
    result, failed = run_module(
        voiceid_speaker_optout.main, {"domain_id": DOMAIN_ID, "region": "eu-west-2", "speaker_id": DENIED}
    )
    assert failed
    assert result["error"] == {
        "code": "AccessDeniedException",
        "message": f"speaker <speaker id> in domain {DOMAIN_ID}: AccessDeniedException",
    }
    assert result["summary"]["failed_by_code"] == {"AccessDeniedException": 1}


def test_generated_ids_are_redacted_too(fake_service: FakeVoiceID, run_module: ModuleRunner) -> None:
    generated = generated_id(2)  # DENIED's generated id
    echoing("OptOutSpeaker", "AccessDeniedException", generated, 403)(fake_service)
    result, failed = run_module(
        voiceid_speaker_optout.main, {"domain_id": DOMAIN_ID, "region": "eu-west-2", "speaker_id": generated}
    )
    assert failed
    assert generated not in result["msg"] and "<speaker id>" in result["msg"]
