# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's metadata agrees with its code."""

from __future__ import annotations

import ast
import pathlib
from typing import Any
from typing import Dict

import yaml

from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.version import COLLECTION_NAME
from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.version import COLLECTION_VERSION

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_user_agent_version_is_galaxy_version() -> None:
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert f"{galaxy['namespace']}.{galaxy['name']}" == COLLECTION_NAME
    assert galaxy["version"] == COLLECTION_VERSION


def test_every_module_is_in_the_aws_action_group_which_extends_amazon_aws() -> None:
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    group = runtime["action_groups"]["aws"]
    assert group[0] == {"metadata": {"extend_group": ["amazon.aws.aws"]}}
    modules = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
    assert modules and sorted(group[1:]) == modules


def test_user_agent_names_the_collection() -> None:
    from ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid.module import VoiceIDModule
    from ansible_collections.speakerops.voiceid.tests.unit.support.compat import patch_module_args

    with patch_module_args({"region": "eu-west-2", "access_key": "AKIDEXAMPLE", "secret_key": "x"}):
        module = VoiceIDModule(argument_spec={}, supports_check_mode=True)
        client = module.client("voice-id")
    assert f"{COLLECTION_NAME}/{COLLECTION_VERSION}" in client.meta.config.user_agent


def _module_documentation(path: pathlib.Path) -> Dict[str, Any]:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DOCUMENTATION" for t in node.targets):
            return dict(yaml.safe_load(ast.literal_eval(node.value)))
    raise AssertionError(f"{path.name} has no DOCUMENTATION")


def test_every_module_documents_the_requirements_the_tests_hold_it_to() -> None:
    from ansible_collections.speakerops.voiceid.plugins.doc_fragments._requirements import ModuleDocFragment

    python_requires = yaml.safe_load((ROOT / "tests" / "config.yml").read_text())["modules"]["python_requires"]
    python_floor = python_requires.replace(">=", "").strip()
    floors = dict(line.split(">=") for line in (ROOT / "requirements.txt").read_text().splitlines() if ">=" in line)
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["requirements"]
    assert documented[0].startswith(f"python >= {python_floor} ")
    assert documented[1:] == [f"{name} >= {version}" for name, version in floors.items()]

    for path in sorted((ROOT / "plugins" / "modules").glob("voiceid_*.py")):
        fragments = _module_documentation(path)["extends_documentation_fragment"]
        # amazon.aws.boto3 says python >= 3.6, which no release of ansible-core we support runs modules on
        assert "speakerops.voiceid._requirements" in fragments and "amazon.aws.boto3" not in fragments, path.name
