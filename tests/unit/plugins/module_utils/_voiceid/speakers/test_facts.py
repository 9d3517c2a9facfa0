# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.speakers import facts


def test_speaker_facts_are_snake_case_with_utc_iso_times() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    speaker = {
        "CustomerSpeakerId": "c-1",
        "DomainId": "A" * 22,
        "Status": "ENROLLED",
        "CreatedAt": datetime.datetime(2025, 1, 2, 5, 0, tzinfo=plus_two),
        "UpdatedAt": datetime.datetime(2025, 1, 3, 4, 5, 6),
    }
    assert facts.speaker_facts(speaker) == {
        "customer_speaker_id": "c-1",
        "domain_id": "A" * 22,
        "status": "ENROLLED",
        "created_at": "2025-01-02T03:00:00+00:00",
        "updated_at": "2025-01-03T04:05:06+00:00",
    }


def test_predicted_opt_out_of_a_new_customer_id() -> None:
    assert facts.predicted_opt_out(None, "A" * 22, "c-1") == {
        "domain_id": "A" * 22,
        "customer_speaker_id": "c-1",
        "status": "OPTED_OUT",
    }


def test_predicted_opt_out_keeps_known_facts_but_not_the_update_time() -> None:
    before = {
        "customer_speaker_id": "c-1",
        "domain_id": "A" * 22,
        "status": "EXPIRED",
        "updated_at": "x",
        "created_at": "y",
    }
    assert facts.predicted_opt_out(before, "A" * 22, "c-1") == {
        "customer_speaker_id": "c-1",
        "domain_id": "A" * 22,
        "status": "OPTED_OUT",
        "created_at": "y",
    }


def test_compact_speaker_facts_equal_the_dict_they_are_made_from_in_order() -> None:
    speaker = {
        "GeneratedSpeakerId": "id#" + "G" * 22,
        "CustomerSpeakerId": "c-1",
        "DomainId": "A" * 22,
        "Status": "OPTED_OUT",
        "UpdatedAt": datetime.datetime(2025, 1, 3, 4, 5, 6),
    }
    made = facts.speaker_facts(speaker)
    compact = facts.CompactSpeakerFacts.of(made)

    assert isinstance(compact, facts.CompactSpeakerFacts)
    assert compact == made and made == compact
    assert list(dict(compact).items()) == list(made.items())  # same keys, same order, same values
    assert len(compact) == 5
    assert compact.get("created_at") is None and "created_at" not in compact
    assert compact["status"] == "OPTED_OUT"
    assert compact != dict(made, status="ENROLLED")
    assert not hasattr(compact, "__dict__")  # slots: the point is its size


def test_compact_speaker_facts_leave_a_dict_with_other_keys_as_it_is() -> None:
    other = {"customer_speaker_id": "c-1", "something_new": 1}
    assert facts.CompactSpeakerFacts.of(other) is other
