# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid import facts


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
