# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The numbers the documentation quotes are the code's: every module's request_rates defaults and page sizes
are the operations table's, a rate of 0 is documented exactly where a module accepts it, and the retry and
timeout numbers of the doc fragment and the guides are api/limits.py's."""

from __future__ import annotations

import ast
import importlib
import pathlib
import re
from typing import Any
from typing import Dict
from typing import List
from typing import Tuple

import botocore.session
import pytest
import yaml
from botocore.stub import Stubber

from ansible_collections.speakerops.voiceid.plugins.doc_fragments._voiceid import ModuleDocFragment
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api import limits
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.operations import OPERATIONS
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import MAX_REQUEST_RATE
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.api.ratelimit import MIN_REQUEST_RATE
from ansible_collections.speakerops.voiceid.tests.unit.support.running import ModuleRunner
from ansible_collections.speakerops.voiceid.tests.unit.support.samples import DOMAIN_ID

ROOT = pathlib.Path(__file__).resolve().parents[6]
MODULES = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("voiceid_*.py"))
GUIDES = ("speakers_and_opt_out.rst", "bulk_opt_outs.rst")
# The least each module needs besides request_rates to get as far as checking the rates.
REQUIRED_ARGS: Dict[str, Dict[str, Any]] = {
    "voiceid_domain": {"name": "domain-1"},
    "voiceid_domain_info": {},
    "voiceid_fraudster": {"domain_id": DOMAIN_ID, "fraudster_id": "id#" + "F" * 22},
    "voiceid_fraudster_info": {"domain_id": DOMAIN_ID},
    "voiceid_speaker": {"domain_id": DOMAIN_ID, "speaker_id": "customer-1"},
    "voiceid_speaker_info": {"domain_id": DOMAIN_ID},
    "voiceid_speaker_optout": {"domain_id": DOMAIN_ID, "speaker_id": "customer-1"},
    "voiceid_watchlist": {"domain_id": DOMAIN_ID, "name": "watchlist-1"},
    "voiceid_watchlist_info": {"domain_id": DOMAIN_ID},
}


def _text(value: Any) -> str:
    """A description (a string or a list of them) as one line, whitespace collapsed."""
    return " ".join(" ".join(value if isinstance(value, list) else [value]).split())


def _documentation(module: str) -> Dict[str, Any]:
    tree = ast.parse((ROOT / "plugins" / "modules" / f"{module}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            documentation: Dict[str, Any] = yaml.safe_load(ast.literal_eval(node.value))
            return documentation
    raise AssertionError(f"{module} has no DOCUMENTATION")


def _rate_docs() -> List[Tuple[str, str, str]]:
    """(module, operation, description) of every request_rates suboption of every module."""
    found = []
    for module in MODULES:
        suboptions = _documentation(module)["options"].get("request_rates", {}).get("suboptions", {})
        found.extend((module, operation, _text(doc["description"])) for operation, doc in suboptions.items())
    return found


RATE_DOCS = _rate_docs()


def test_every_module_documents_its_request_rates() -> None:
    assert {module for module, _operation, _text in RATE_DOCS} == set(MODULES)


@pytest.mark.parametrize("module, operation, description", RATE_DOCS, ids=[f"{m}-{o}" for m, o, _d in RATE_DOCS])
def test_documented_default_rate_and_page_size_are_the_tables(module: str, operation: str, description: str) -> None:
    assert operation in OPERATIONS, f"{module} documents request_rates.{operation}, not in the operations table"
    entry = OPERATIONS[operation]
    assert f"C({entry.api_name})" in description
    defaults = re.findall(r"the default (?:quota )?is (\d+(?:\.\d+)?)", description)
    assert [float(rate) for rate in defaults] == [entry.default_rate], description
    for size in re.findall(r"pages of (\d+)", description):
        assert int(size) == entry.page_size, description


def test_module_descriptions_quote_the_tables_page_sizes() -> None:
    for module, operation in (
        ("voiceid_watchlist_info", "list_watchlists"),
        ("voiceid_fraudster_info", "list_fraudsters"),
    ):
        description = _text(_documentation(module)["description"])
        quoted = re.findall(rf"C\({OPERATIONS[operation].api_name}\) \((\d+) per page\)", description)
        assert [int(size) for size in quoted] == [OPERATIONS[operation].page_size], description


def test_result_keys_are_botocores() -> None:
    model = botocore.session.get_session().get_paginator_model("voice-id")
    for operation in OPERATIONS.values():
        if operation.page_size is not None:
            assert model.get_paginator(operation.api_name)["result_key"] == operation.result_key


@pytest.mark.parametrize("module, operation, description", RATE_DOCS, ids=[f"{m}-{o}" for m, o, _d in RATE_DOCS])
def test_a_rate_of_zero_is_documented_where_the_module_accepts_it(
    voiceid: Stubber, run_module: ModuleRunner, module: str, operation: str, description: str
) -> None:
    main = importlib.import_module(f"ansible_collections.speakerops.voiceid.plugins.modules.{module}").main
    args = dict(REQUIRED_ARGS[module], region="eu-west-2", request_rates={operation: 0})

    result, _failed = run_module(main, args)

    rejected = f"request_rates.{operation} must be between" in result.get("msg", "")
    assert ("V(0)" in description) == (not rejected), result.get("msg")
    assert rejected or OPERATIONS[operation].may_be_zero


def test_the_fragment_says_which_rates_may_be_zero() -> None:
    text = _text(yaml.safe_load(ModuleDocFragment.REQUEST_RATES)["options"]["request_rates"]["description"])
    bounds = re.findall(r"Each rate is a number from ([\d.]+) to (\d+)\.", text)
    assert [(float(low), float(high)) for low, high in bounds] == [(MIN_REQUEST_RATE, MAX_REQUEST_RATE)]
    sentence = re.search(r"Only C\((\w+)\), in (.*?), may also be V\(0\)", text)
    assert sentence is not None, text
    zero_modules = {module for module, operation, description in RATE_DOCS if "V(0)" in description}
    assert {operation for _m, operation, description in RATE_DOCS if "V(0)" in description} == {sentence.group(1)}
    assert set(re.findall(r"M\(speakerops\.voiceid\.(\w+)\)", sentence.group(2))) == zero_modules


def _fragment_notes() -> str:
    return _text(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["notes"])


def _guide(name: str) -> str:
    return _text((ROOT / "docs" / "docsite" / "rst" / name).read_text())


NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}
# (what the number is, its value in the code, [(where, pattern capturing the number as quoted)]).
QUOTED = [
    (
        "attempts",
        limits.MAX_ATTEMPTS,
        [("fragment", r"up to (\d+) attempts"), ("speakers_and_opt_out.rst", r"up to (\d+) attempts")],
    ),
    (
        "connect timeout",
        limits.CONNECT_TIMEOUT,
        [("fragment", r"(\d+) seconds to connect"), ("speakers_and_opt_out.rst", r"(\d+) seconds to connect")],
    ),
    (
        "read timeout",
        limits.READ_TIMEOUT,
        [("fragment", r"(\d+) seconds to read"), ("speakers_and_opt_out.rst", r"(\d+) seconds to read")],
    ),
    (
        "time budget",
        limits.REQUEST_TIME_BUDGET,
        [("fragment", r"(\d+) seconds of attempts"), ("speakers_and_opt_out.rst", r"attempts and (\d+) seconds per")],
    ),
    (
        "throttle cut",
        round(limits.THROTTLE_CUT * 100, 6),
        [
            ("fragment", r"cuts its rate to (\d+) percent"),
            ("speakers_and_opt_out.rst", r"cuts that operation's rate to (\d+) percent"),
            ("bulk_opt_outs.rst", r"cuts that operation's rate to (\d+) percent"),
        ],
    ),
    ("cut window", limits.CUT_WINDOW, [("bulk_opt_outs.rst", r"at most once per (\d+) requests sent")]),
    ("recovery", round(limits.RECOVERY_PER_SECOND * 100, 6), [("bulk_opt_outs.rst", r"raises it by (\d+) percent of")]),
    ("floor", round(limits.RATE_FLOOR * 100, 6), [("bulk_opt_outs.rst", r"never below (\d+) percent of it")]),
    (
        "breaker",
        limits.BREAKER_FAILURES,
        [
            ("fragment", r"fails after (\w+) attempts"),
            ("speakers_and_opt_out.rst", r"fails after (\w+) attempts"),
            ("bulk_opt_outs.rst", r"after (\w+) attempts, not one per speaker"),
        ],
    ),
]


@pytest.mark.parametrize("what, value, places", QUOTED, ids=[what for what, _v, _p in QUOTED])
def test_retry_and_timeout_numbers_quoted_are_the_codes(what: str, value: float, places: List[Tuple[str, str]]) -> None:
    for where, pattern in places:
        text = _fragment_notes() if where == "fragment" else _guide(where)
        quoted = re.findall(pattern, text)
        assert quoted, f"{where} no longer quotes the {what} ({pattern})"
        for number in quoted:
            assert float(NUMBER_WORDS.get(number, number)) == value, f"{where} quotes {number} for the {what}"
