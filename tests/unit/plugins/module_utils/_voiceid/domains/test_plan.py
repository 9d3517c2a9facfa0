# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""plan_domain, the pure decision of voiceid_domain: current domain x wanted state -> what to call."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Optional

import pytest

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.plan import DomainPlan
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.plan import WantedDomain
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.domains.plan import plan_domain
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.rules import InvalidParameterError


def current(key: str = "k1", status: Optional[str] = "COMPLETED", **extra: Any) -> Dict[str, Any]:
    facts: Dict[str, Any] = {
        "domain_id": "D" * 22,
        "name": "cc",
        "description": "desc",
        "server_side_encryption_configuration": {"kms_key_id": key},
        "tags": {"team": "ops"},
    }
    if status is not None:
        facts["server_side_encryption_update_details"] = {"update_status": status}
    facts.update(extra)
    return facts


@pytest.mark.parametrize(
    "now, wanted, plan",
    [
        pytest.param(None, WantedDomain("cc", state="absent"), DomainPlan(), id="absent-and-none"),
        pytest.param(current(), WantedDomain("cc", state="absent"), DomainPlan(delete=True), id="delete"),
        pytest.param(
            None,
            WantedDomain("cc", description="", kms_key_id="k1", tags={"a": "b"}),
            DomainPlan(create=True, description=None, kms_key_id="k1", tags_to_set={"a": "b"}),
            id="create-empty-description-is-none",
        ),
        pytest.param(
            current(), WantedDomain("cc"), DomainPlan(description="desc", kms_key_id="k1"), id="nothing-asked"
        ),
        pytest.param(
            current(),
            WantedDomain("cc", description=""),
            DomainPlan(update=True, description=None, kms_key_id="k1"),
            id="remove-description",
        ),
        pytest.param(
            current(),
            WantedDomain("cc", kms_key_id="k2"),
            DomainPlan(update=True, description="desc", kms_key_id="k2", key_change=True),
            id="key-change-keeps-description",
        ),
        pytest.param(
            current(status="FAILED"),
            WantedDomain("cc", kms_key_id="k2"),
            DomainPlan(update=True, description="desc", kms_key_id="k2", key_change=True),
            id="key-change-after-a-failed-one",
        ),
        pytest.param(
            current(status="IN_PROGRESS"),
            WantedDomain("cc", kms_key_id="k1", description="new"),
            DomainPlan(update=True, description="new", kms_key_id="k1"),
            id="description-during-re-encryption",
        ),
        pytest.param(
            current(),
            WantedDomain("cc", tags={}, purge_tags=True),
            DomainPlan(description="desc", kms_key_id="k1", tags_to_unset=["team"]),
            id="purge-all-tags",
        ),
        pytest.param(
            current(),
            WantedDomain("cc", tags={}, purge_tags=False),
            DomainPlan(description="desc", kms_key_id="k1"),
            id="no-tags-without-purge",
        ),
    ],
)
def test_plan(now: Optional[Dict[str, Any]], wanted: WantedDomain, plan: DomainPlan) -> None:
    assert plan_domain(now, wanted) == plan


@pytest.mark.parametrize(
    "now, wanted, problem",
    [
        (None, WantedDomain("cc"), "kms_key_id is required to create the domain 'cc'"),
        (current(status="IN_PROGRESS"), WantedDomain("cc", kms_key_id="k2"), "kms_key_id cannot change now"),
    ],
)
def test_plans_that_cannot_be_made(now: Optional[Dict[str, Any]], wanted: WantedDomain, problem: str) -> None:
    with pytest.raises(InvalidParameterError, match=problem):
        plan_domain(now, wanted)
