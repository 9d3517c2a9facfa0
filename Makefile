# One entry point for every check: a person and CI (.ci/run) run exactly the same targets.
# Everything is installed into .venv from the package registry; nothing is assumed on the machine but python3.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
TREE := $(abspath .build/collections)
COLLECTION := $(TREE)/ansible_collections/speakerops/voiceid
ANSIBLE_TEST := cd $(COLLECTION) && PATH=$(BIN):$$PATH $(BIN)/ansible-test
GET_PIP_CACHE := $(HOME)/.ansible/test/cache

.PHONY: help test demo venv tree sanity units lint ruff mypy yamllint ansible-lint emulator-wheel emulator-tests integration docs docs-lint package bench changelog-check changelog clean

help:
	@echo "make demo   opt speakers out on a local Voice ID emulator (no AWS account needed)"
	@echo "make test   every check CI runs: lint, sanity, unit, emulator and integration tests"
	@echo "make docs   build the documentation site into docs/build/html"
	@echo "make package  build the collection tarball into .build/dist and install it into .build/installed"
	@echo "make emulator-wheel  build the voiceid-emulator wheel into .build/dist and install it into .venv"

test: lint sanity units emulator-tests integration docs demo
	@echo "make test: all checks passed"

$(STAMP): dev-requirements.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r dev-requirements.txt
	touch $@

venv: $(STAMP)

# ansible-test only runs from .../ansible_collections/<namespace>/<name>/, and its sanity tests look for
# amazon.aws beside the collection: lay out such a tree with this checkout's files (tracked and new, not
# ignored) and amazon.aws from the ansible package. git in the copy tells sanity which files to check.
tree: venv
	rm -rf $(TREE)
	mkdir -p $(COLLECTION) $(TREE)/ansible_collections/amazon
	git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C $(COLLECTION)
	cp -a "$$($(BIN)/python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')" \
		$(TREE)/ansible_collections/amazon/aws
	cd $(COLLECTION) && git init --quiet && git add --all

# Sanity tests that build their own virtualenv download a pip bootstrap script; a stand-in serves from the registry.
$(GET_PIP_CACHE)/.standin:
	mkdir -p $(GET_PIP_CACHE)
	for version in 24_2 24_3 25_0 25_1 25_2 25_3; do \
		[ -e $(GET_PIP_CACHE)/get_pip_$$version.py ] || cp tests/tools/get_pip_standin.py $(GET_PIP_CACHE)/get_pip_$$version.py; \
	done
	touch $@

sanity: tree $(GET_PIP_CACHE)/.standin
	$(ANSIBLE_TEST) sanity --local --python 3.11 --requirements --color no

units: tree
	$(ANSIBLE_TEST) units --local --python 3.11 --requirements --color no

lint: ruff mypy yamllint ansible-lint docs-lint changelog-check

ruff: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --diff plugins tests emulator benchmarks

mypy: tree
	cd $(TREE) && $(BIN)/mypy --config-file $(COLLECTION)/pyproject.toml --explicit-package-bases \
		-p ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid \
		-p ansible_collections.speakerops.voiceid.plugins.modules
	$(BIN)/mypy --strict emulator/src/voiceid_emulator

yamllint: venv
	$(BIN)/yamllint --strict .

ansible-lint: tree
	cd $(COLLECTION) && ANSIBLE_COLLECTIONS_PATH=$(TREE) $(BIN)/ansible-lint --offline

# The Voice ID emulator is a Python package of its own (emulator/, pip name voiceid-emulator): built into a wheel
# and installed into .venv from it, as a user installs it, before anything here starts it.
DIST := .build/dist
EMULATOR_INSTALLED := $(VENV)/.emulator-installed
EMULATOR_SOURCES := $(shell find emulator/pyproject.toml emulator/README.md emulator/COPYING emulator/src -type f \
	-not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)
emulator-wheel: $(EMULATOR_INSTALLED)
$(EMULATOR_INSTALLED): $(STAMP) $(EMULATOR_SOURCES)
	mkdir -p $(DIST)
	rm -rf $(DIST)/voiceid_emulator-*.whl emulator/build
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(DIST) ./emulator
	rm -rf emulator/build emulator/src/*.egg-info
	$(BIN)/python -m pip uninstall --quiet --yes voiceid-emulator
	$(BIN)/python -m pip install --quiet $(DIST)/voiceid_emulator-*.whl
	touch $@

emulator-tests: $(EMULATOR_INSTALLED)
	$(BIN)/python -m pytest -q emulator/tests

# ansible-test integration targets against the local Voice ID emulator (tests/integration/run-with-emulator.sh).
integration: tree $(EMULATOR_INSTALLED)
	tests/integration/run-with-emulator.sh $(COLLECTION) $(BIN)

# Changelog fragments: linted, required for every user-visible change (tests/tools/check_changelog.py), and
# rendered into release notes in the scratch tree, so that a broken fragment fails before release day.
changelog-check: tree
	$(BIN)/antsibull-changelog lint
	$(BIN)/python tests/tools/check_changelog.py
	cd $(COLLECTION) && PATH=$(BIN):$$PATH $(BIN)/antsibull-changelog release --version "$$(sed -n 's/^version: //p' galaxy.yml)" \
		&& test -s CHANGELOG.rst && echo "changelog: release notes render (in the scratch tree only)"

# Release day: move the fragments into changelogs/changelog.yaml and write CHANGELOG.rst for galaxy.yml's version.
changelog: venv
	PATH=$(BIN):$$PATH $(BIN)/antsibull-changelog release --version "$$(sed -n 's/^version: //p' galaxy.yml)"

# The tarball users install: built from a copy of this checkout's files, checked for development files,
# then installed into a clean collections path (amazon.aws comes from the ansible package).
INSTALLED := .build/installed
package: tree
	rm -rf $(DIST)/speakerops-voiceid-*.tar.gz $(INSTALLED)
	cd $(COLLECTION) && $(BIN)/ansible-galaxy collection build --force --output-path $(abspath $(DIST))
	@tar tzf $(DIST)/speakerops-voiceid-*.tar.gz > .build/tarball-files.txt
	@if grep -E '^(\.venv|\.build|\.ci|\.git|emulator/|tests/(output|demo|integration|unit)|docs/build|benchmarks|Makefile)' \
		.build/tarball-files.txt; then echo "package: development files in the tarball (above)"; exit 1; fi
	@echo "package: $$(wc -l < .build/tarball-files.txt) files, $$(du -k $(DIST)/*.tar.gz | cut -f1) KiB"
	$(BIN)/ansible-galaxy collection install --no-deps -p $(INSTALLED) $(DIST)/speakerops-voiceid-*.tar.gz

# make demo: the example playbook from the docs, twice, against a local Voice ID emulator, through the
# packaged collection. It checks itself (changed, then unchanged), so make test runs it as the packaging test.
demo: package $(EMULATOR_INSTALLED)
	tests/demo/run.sh $(BIN) $(INSTALLED)

# Figures, not a test: the bulk mode against the quota bound and a loop of single tasks (docs/docsite/rst/bulk_opt_outs.rst).
bench: package $(EMULATOR_INSTALLED)
	$(BIN)/python benchmarks/bulk_optout.py --collections-path $(INSTALLED)
	$(BIN)/python benchmarks/dead_endpoints.py --collections-path $(INSTALLED)

# The documentation site: a page per module from its DOCUMENTATION, plus the guides in docs/docsite/rst.
docs: venv
	VENV_BIN=$(BIN) bash docs/build.sh

docs-lint: venv
	VENV_BIN=$(BIN) bash docs/lint.sh

clean:
	rm -rf .build tests/output
