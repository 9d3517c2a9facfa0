# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make examples-test: every module's EXAMPLES run as tasks against the emulator, and the IAM table checked.

    run_examples.py REPO VENV_BIN EMULATOR_URL WORKDIR

tests/examples/run.sh starts the emulator and calls this with the packaged collection on ANSIBLE_COLLECTIONS_PATH.
For each module it:
- reads EXAMPLES and fails unless it is a list of tasks (no play: a user copies them under `tasks:`);
- seeds the emulator (tests/examples/seed.yml), runs the examples as the tasks of one play with the variables
  below, and fails unless the play succeeds;
- reads the operations the emulator received and fails unless they are exactly the module's `voiceid` actions in
  the IAM table (docs/iam/permissions.yml): a module that calls an operation its policy leaves out fails on AWS
  with AccessDenied, one whose policy grants more than it calls is not least privilege.
The endpoint comes from AWS_ENDPOINT_URL_VOICE_ID for every module but voiceid_speaker_optout, whose examples
name a profile: for it, from that profile's per-service endpoint (a `services` section of the AWS config file),
the two ways the testing guide recommends over endpoint_url in module_defaults. No example needs input that
only AWS has: the emulator takes any KMS key ARN, and the ids they name are seeded.
Then it runs README.md's short playbook with an optouts.txt holding a comment line and a blank line, and checks
that every playbook under docs/examples is run by a make test piece (tests/*/run.sh).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import yaml

# Keys that make a YAML mapping a play rather than a task.
PLAY_KEYS = {"hosts", "tasks", "pre_tasks", "post_tasks", "roles", "handlers", "gather_facts", "import_playbook"}

# What the examples name, and what the emulator holds (tests/examples/seed.yml).
VARIABLES: dict[str, Any] = {
    "voiceid_domain_id": "DemoContactCenter00001",
    "customer_id": "cust-0001",
    "generated_suffix": "ExampleSpeaker00000001",
    "withdrawn_customer_ids": ["cust-0002", "cust-0003"],
    "erasure_ids": ["cust-0005", "cust-0006"],
    "duplicate_domain_id": "OldContactCenter000001",
    "watchlist_id": "ExampleWatchlist000001",
    "fraudster_id": "id#ExampleFraudster000001",
    "fraudster_ids": ["id#ExampleFraudster000001", "id#ExampleFraudster000002"],
    "fraudster_erasure_id": "id#ExampleFraudster000003",
}
# Files the examples read, relative to the playbook (which the play runs beside).
FILES = {
    "optouts.txt": "# customers who withdrew consent, one id a line\ncust-0008\n\ncust-0009\n",
    "erasures.txt": "cust-0010\ncust-0011\n",
    "privacy/withdrawn_consent.txt": "cust-0013\ncust-0014\n",
}
# voiceid_domain's examples create contact-center: they start from the seed without it.
CREATES_CONTACT_CENTER = {"voiceid_domain"}
# Whose examples take the endpoint from a profile (they name profile: privacy-automation).
PROFILE_MODULES = {"voiceid_speaker_optout"}
# The access key of the module whose examples run: its calls are those the emulator records under this key (an
# example may call another module too: voiceid_speaker_info's opts out what it found).
MODULE_KEY = "AKIDEXAMPLESMODULE01"
# The playbooks under docs/examples and the piece of make test that runs each.
DOCS_PLAYBOOKS = {
    "opt_out_from_git.yml": "tests/demo/run.sh",
    "decommission/decommission.yml": "tests/decommission/run.sh",
}


def control(url: str, path: str, method: str = "GET", body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/_emulator/{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def examples_of(module: Path) -> str:
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise SystemExit(f"examples: {module.name} has no EXAMPLES")


def tasks_of(module: Path) -> list[dict[str, Any]]:
    tasks = yaml.safe_load(examples_of(module))
    if not isinstance(tasks, list) or not tasks:
        raise SystemExit(f"examples: {module.name}'s EXAMPLES is not a list of tasks")
    for position, task in enumerate(tasks):
        if not isinstance(task, dict):
            raise SystemExit(f"examples: {module.name}'s EXAMPLES[{position}] is not a task")
        plays = sorted(PLAY_KEYS & set(task))
        if plays:
            raise SystemExit(
                f"examples: {module.name}'s EXAMPLES[{position}] ({task.get('name')!r}) is a play"
                f" ({', '.join(plays)}), not a task: copied under tasks: it fails"
            )
    return tasks


def other_modules(tasks: list[dict[str, Any]], name: str) -> list[str]:
    """The collection's modules other than `name` that the tasks (and their blocks) call."""
    found = []
    for task in tasks:
        found += other_modules(task.get("block", []), name)
        found += [key for key in task if key.startswith("speakerops.voiceid.") and key != f"speakerops.voiceid.{name}"]
    return sorted(set(found))


def environment(repo: Path, url: str, work: Path, profile: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    credentials = "aws_access_key_id = AKIDEXAMPLES0000001\naws_secret_access_key = examples-secret-not-real\n"
    (work / "credentials").write_text(f"[default]\n{credentials}[privacy-automation]\n{credentials}")
    # A profile's per-service endpoint: only Voice ID goes to the emulator.
    (work / "config").write_text(
        "[default]\nregion = eu-west-2\nservices = emulator\n"
        "[profile privacy-automation]\nregion = eu-west-2\nservices = emulator\n"
        f"[services emulator]\nvoice_id =\n  endpoint_url = {url}\n"
    )
    if profile:
        env.update(AWS_CONFIG_FILE=str(work / "config"), AWS_SHARED_CREDENTIALS_FILE=str(work / "credentials"))
    else:
        env.update(
            AWS_ENDPOINT_URL_VOICE_ID=url,
            AWS_REGION="eu-west-2",
            AWS_ACCESS_KEY_ID="AKIDEXAMPLES0000001",
            AWS_SECRET_ACCESS_KEY="examples-secret-not-real",
            AWS_CONFIG_FILE=str(work / "no-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(work / "no-credentials"),
        )
    return env


def run_playbook(bin_dir: Path, playbook: Path, env: dict[str, str], log: Path) -> bool:
    with log.open("w") as out:
        command = [str(bin_dir / "ansible-playbook"), str(playbook)]
        status = subprocess.run(command, cwd=playbook.parent, env=env, stdout=out, stderr=out, check=False).returncode
    if status != 0:
        print(log.read_text(), file=sys.stderr)
    return status == 0


def run_module_examples(repo: Path, bin_dir: Path, url: str, work: Path, seed: dict[str, Any]) -> list[str]:
    table = yaml.safe_load((repo / "docs/iam/permissions.yml").read_text())["modules"]
    problems = []
    modules = sorted((repo / "plugins/modules").glob("voiceid_*.py"))
    if sorted(table) != [module.stem for module in modules]:
        problems.append(f"the IAM table names {sorted(table)}, the modules are {[m.stem for m in modules]}")
    for module in modules:
        name = module.stem
        tasks = tasks_of(module)
        domains = seed["domains"]
        if name in CREATES_CONTACT_CENTER:
            domains = [domain for domain in domains if domain["name"] != "contact-center"]
        control(url, "seed", "POST", dict(seed, domains=domains))
        control(url, "calls", "DELETE")
        play: dict[str, Any] = {"name": f"The EXAMPLES of {name}", "hosts": "localhost", "gather_facts": False}
        play["vars"] = VARIABLES
        if name not in PROFILE_MODULES:  # whose examples name a profile, which excludes an access key
            keys = {"access_key": MODULE_KEY, "secret_key": "examples-module-secret-not-real"}
            play["module_defaults"] = {f"speakerops.voiceid.{name}": keys}
        elif other_modules(tasks, name):
            others = other_modules(tasks, name)
            problems.append(f"{name}: its examples call {others} too, which this test cannot tell apart")
        playbook = work / f"{name}.yml"
        playbook.write_text(yaml.safe_dump([dict(play, tasks=tasks)], sort_keys=False))
        env = environment(repo, url, work, profile=name in PROFILE_MODULES)
        if not run_playbook(bin_dir, playbook, env, work / f"{name}.log"):
            problems.append(f"{name}: its EXAMPLES failed as tasks (the play's output is above)")
            continue
        calls = control(url, "calls")
        if name not in PROFILE_MODULES:
            calls = [call for call in calls if call["access_key_id"] == MODULE_KEY]
        called = sorted({call["operation"] for call in calls})
        granted = sorted(table.get(name, {}).get("voiceid", []))
        how = "a profile's endpoint" if name in PROFILE_MODULES else "AWS_ENDPOINT_URL_VOICE_ID"
        print(f"examples: {name}: {len(tasks)} tasks passed through {how}; called {', '.join(called)}")
        if called != granted:
            problems.append(
                f"{name}: called {called}, the IAM table (docs/iam/permissions.yml) grants {granted}: missing"
                f" {sorted(set(called) - set(granted))}, more than it calls {sorted(set(granted) - set(called))}"
            )
    return problems


def run_readme_playbook(repo: Path, bin_dir: Path, url: str, work: Path, seed: dict[str, Any]) -> list[str]:
    """README.md's short playbook, with a comment line and a blank line in optouts.txt."""
    readme = (repo / "README.md").read_text()
    blocks = [block.split("```", 1)[0] for block in readme.split("```yaml\n")[1:]]
    playbooks = [block for block in blocks if "optouts.txt" in block]
    if len(playbooks) != 1:
        return [f"README.md: expected one YAML block reading optouts.txt, found {len(playbooks)}"]
    readme_dir = work / "readme"
    readme_dir.mkdir()
    (readme_dir / "playbook.yml").write_text(playbooks[0])
    (readme_dir / "optouts.txt").write_text("# withdrawn consent, exported from the CRM\ncust-0021\n\n  cust-0034  \n")
    control(url, "seed", "POST", seed)
    control(url, "calls", "DELETE")
    if not run_playbook(bin_dir, readme_dir / "playbook.yml", environment(repo, url, work, False), work / "readme.log"):
        return ["README.md: its short playbook failed with a comment line in optouts.txt (its output is above)"]
    state = control(url, "state?domain_id=DemoContactCenter00001")["domains"][0]["speakers"]
    listed = ("cust-0021", "cust-0034")
    statuses = {s["customer_speaker_id"]: s["status"] for s in state if s["customer_speaker_id"] in listed}
    if statuses != {"cust-0021": "OPTED_OUT", "cust-0034": "OPTED_OUT"}:
        return [f"README.md: its short playbook left the listed speakers {statuses}"]
    print("examples: README.md's short playbook passed, skipping a comment line and a blank line")
    return []


# The testing guide's reason to prefer AWS_ENDPOINT_URL_VOICE_ID: endpoint_url in the group's module_defaults also
# sends amazon.aws modules (the group extends amazon.aws.aws) to the emulator; the variable sends only Voice ID.
ENDPOINT_SCOPE = """
- name: Where amazon.aws modules go
  hosts: localhost
  gather_facts: false
  vars:
    calls: "{{ lookup('ansible.builtin.url', calls_url, split_lines=false) | from_json | length }}"
  tasks:
    - name: An amazon.aws module with AWS_ENDPOINT_URL_VOICE_ID set
      amazon.aws.aws_caller_info:
      register: by_variable
      ignore_errors: true
    - name: Count the emulator's calls
      ansible.builtin.set_fact:
        after_variable: "{{ calls }}"
    - name: The same with endpoint_url in the defaults of group/speakerops.voiceid.aws
      amazon.aws.aws_caller_info:
      module_defaults:
        group/speakerops.voiceid.aws:
          endpoint_url: "{{ emulator_url }}"
      register: by_group
      ignore_errors: true
    - name: Only the group's endpoint_url sent it to the emulator
      ansible.builtin.assert:
        that:
          - after_variable | int == 0
          - by_variable is failed
          - "'127.0.0.1:9/' in by_variable.msg"  # AWS_ENDPOINT_URL_STS, where AWS would be
          - calls | int > 0
          - by_group is failed
          - "'invalid XML' in by_group.msg"  # the testing guide quotes it
"""


def endpoint_scope(repo: Path, bin_dir: Path, url: str, work: Path) -> list[str]:
    control(url, "calls", "DELETE")
    playbook = work / "endpoint_scope.yml"
    playbook.write_text(ENDPOINT_SCOPE)
    env = environment(repo, url, work, False)
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"  # no network: STS "at AWS" is a closed port
    extra = ["-e", f"emulator_url={url}", "-e", f"calls_url={url}/_emulator/calls"]
    log = work / "endpoint_scope.log"
    with log.open("w") as out:
        command = [str(bin_dir / "ansible-playbook"), str(playbook), *extra]
        status = subprocess.run(command, cwd=work, env=env, stdout=out, stderr=out, check=False).returncode
    if status != 0:
        print(log.read_text(), file=sys.stderr)
        return ["the testing guide's reason for AWS_ENDPOINT_URL_VOICE_ID does not hold (the play's output is above)"]
    print("examples: AWS_ENDPOINT_URL_VOICE_ID sends only Voice ID to the emulator; the group's endpoint_url more")
    return []


def docs_playbooks_run(repo: Path) -> list[str]:
    problems = []
    for path in sorted((repo / "docs/examples").rglob("*.yml")):
        document = yaml.safe_load(path.read_text())
        is_playbook = isinstance(document, list) and any(
            isinstance(item, dict) and ({"hosts", "import_playbook"} & set(item)) for item in document
        )
        if not is_playbook:
            continue
        relative = str(path.relative_to(repo / "docs/examples"))
        runner = DOCS_PLAYBOOKS.get(relative)
        if runner is None or f"docs/examples/{relative}" not in (repo / runner).read_text():
            problems.append(f"docs/examples/{relative} is a playbook that no piece of make test runs")
    return problems


def main() -> int:
    repo, bin_dir, url, work = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    for name, text in FILES.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    (work / "exports").mkdir()
    seed = yaml.safe_load((repo / "tests/examples/seed.yml").read_text())
    problems = run_module_examples(repo, bin_dir, url, work, seed)
    problems += run_readme_playbook(repo, bin_dir, url, work, seed)
    problems += endpoint_scope(repo, bin_dir, url, work)
    problems += docs_playbooks_run(repo)
    for problem in problems:
        print(f"examples: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
