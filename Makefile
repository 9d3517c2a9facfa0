# One entry point for every check: a person and CI (.ci/run) run exactly the same targets.
# Everything is installed from the package registry: the development tools into .venv, each ansible-core release
# of the test matrix into .venvs/ (see "The ansible-core matrix" below). The interpreters come from pyenv
# (CPython 3.8 to 3.13); a missing one is named, with the command that installs it.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# The development tools run on the newest release: ansible 14 (ansible-core 2.21) on Python 3.13.
DEV_PYTHON := 3.13
PYTHON ?= $(shell tests/matrix/matrix.sh python $(DEV_PYTHON))
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
TREE := $(abspath .build/collections)
COLLECTION := $(TREE)/ansible_collections/speakerops/voiceid
ANSIBLE_TEST := cd $(COLLECTION) && PATH=$(BIN):$$PATH $(BIN)/ansible-test
GET_PIP_CACHE := $(HOME)/.ansible/test/cache

.PHONY: help test test-pieces demo demo-setup demo-run decommission-test examples-test venv tree sanity units lint ruff mypy structure yamllint ansible-lint emulator-wheel emulator-tests emulator-tests-oldest integration docs docs-lint package bench changelog-check release clean

help:
	@echo "make demo   opt speakers out on a local Voice ID emulator (no AWS account needed)"
	@echo "make test   every check CI runs: lint, the ansible-core matrix (sanity, units, integration), emulator tests"
	@echo "make matrix-2.17  one release of the matrix (matrix-sanity-2.17, matrix-units-2.17, matrix-integration-2.17)"
	@echo "make docs   build the documentation site into docs/build/html"
	@echo "make package  build the collection tarball into .build/dist and install it into .build/installed"
	@echo "make emulator-wheel  build the voiceid-emulator wheel into .build/dist and install it into .venv"

# make test runs its pieces two at a time (TEST_JOBS), each with its output in .build/logs/PIECE.log
# (tests/matrix/piece.sh): see "make test, two pieces at a time" at the end. It prints each piece's seconds and
# the total, and ends with "make test: all checks passed in ..." or "make test: FAILED ..." after the failing
# piece's log.
TEST_JOBS ?= 2
PIECE := tests/matrix/piece.sh
test:
	@$(PIECE) begin
	@status=0; $(MAKE) --no-print-directory -j$(TEST_JOBS) test-pieces || status=$$?; $(PIECE) end $$status

$(STAMP): dev-requirements.txt requirements.txt
	@test -n "$(PYTHON)"  # tests/matrix/matrix.sh said which Python is missing
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

# Quick checks of one release, in .venv (the development tools' release); `make test` runs the matrix instead.
# Sanity tests that build their own virtualenv download a pip bootstrap script; a stand-in serves from the registry.
$(GET_PIP_CACHE)/.standin:
	mkdir -p $(GET_PIP_CACHE)
	for version in 24_2 24_3 25_0 25_1 25_2 25_3; do \
		[ -e $(GET_PIP_CACHE)/get_pip_$$version.py ] || cp tests/tools/get_pip_standin.py $(GET_PIP_CACHE)/get_pip_$$version.py; \
	done
	touch $@

sanity: tree $(GET_PIP_CACHE)/.standin
	$(ANSIBLE_TEST) sanity --local --python $(DEV_PYTHON) --requirements --color no

units: tree
	$(ANSIBLE_TEST) units --local --python $(DEV_PYTHON) --requirements --color no

lint: ruff mypy structure yamllint ansible-lint docs-lint changelog-check

# The shape of the code (CONTRIBUTING.md, Code map): no function above cyclomatic complexity 15 in plugins/ or
# emulator/src, no class over 150 lines in module_utils, and imports in module_utils that point one way only.
structure: venv
	$(BIN)/python tests/tools/check_complexity.py
	$(BIN)/python tests/tools/check_layers.py

ruff: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --diff plugins tests emulator benchmarks

mypy: tree
	cd $(TREE) && $(BIN)/mypy --config-file $(COLLECTION)/pyproject.toml --explicit-package-bases \
		-p ansible_collections.speakerops.voiceid.plugins.module_utils._voiceid \
		-p ansible_collections.speakerops.voiceid.plugins.modules
	$(BIN)/mypy --strict --python-version $(EMULATOR_OLDEST_PYTHON) emulator/src/voiceid_emulator

# yamllint on the YAML files, then on the YAML inside module docs, guides and README (tests/tools/lint_embedded_yaml.py).
yamllint: venv
	$(BIN)/yamllint --strict .
	$(BIN)/python tests/tools/lint_embedded_yaml.py

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

# The emulator runs on Python 3.10 and later (emulator/pyproject.toml: requires-python; 3.10 is ansible-core 2.17's
# controller Python). emulator-tests runs its tests on the newest (.venv's 3.13), emulator-tests-oldest on the
# oldest, in a venv of its own (.venvs/emulator-3.10: the wheel and emulator/tests/requirements.txt). It runs the
# whole suite, not a subset: about 35 seconds alone, a minute on a loaded machine, mostly waiting on sockets.
# mypy checks the emulator's source against 3.10's standard library (no tomllib, typing.Self, ExceptionGroup).
EMULATOR_OLDEST_PYTHON := 3.10
EMULATOR_OLDEST_VENV := .venvs/emulator-$(EMULATOR_OLDEST_PYTHON)
$(EMULATOR_OLDEST_VENV)/.installed: emulator/tests/requirements.txt
	rm -rf $(EMULATOR_OLDEST_VENV)
	python=$$(tests/matrix/matrix.sh python $(EMULATOR_OLDEST_PYTHON)) && "$$python" -m venv $(EMULATOR_OLDEST_VENV)
	$(EMULATOR_OLDEST_VENV)/bin/python -m pip install --quiet -r emulator/tests/requirements.txt
	touch $@

emulator-tests-oldest: $(EMULATOR_OLDEST_VENV)/.installed $(EMULATOR_INSTALLED)
	$(EMULATOR_OLDEST_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps $(DIST)/voiceid_emulator-*.whl
	$(EMULATOR_OLDEST_VENV)/bin/python -m pytest -q -p no:cacheprovider emulator/tests

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
	cd $(COLLECTION) && $(BIN)/python tests/tools/check_release_notes.py CHANGELOG.rst plugins/modules

# Release day (CONTRIBUTING.md): make release VERSION=x.y.z sets the version, writes the changelog, builds and
# install-tests the tarball, commits and tags; it pushes and publishes nothing.
release: venv
	tests/tools/release.sh "$(VERSION)" $(BIN)

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
# packaged collection. It checks itself (changed, then unchanged), so make test runs it as the packaging test
# (demo-run: the pieces package and emulator-wheel build what it needs). Quiet: what builds the package and the
# emulator goes to .build/demo-setup.log, printed only if it fails; then the playbook's output and the demo's text.
demo:
	@mkdir -p .build
	@$(MAKE) --no-print-directory demo-setup >.build/demo-setup.log 2>&1 \
		|| { cat .build/demo-setup.log; echo "demo: building the collection or the emulator failed (above)"; exit 1; }
	@$(MAKE) --no-print-directory demo-run

demo-setup: package $(EMULATOR_INSTALLED)

demo-run:
	@tests/demo/run.sh $(BIN) $(INSTALLED)

# The decommission playbook of the docs (docs/examples/decommission), end to end through the packaged collection,
# against an emulator with two accounts and two regions, checked against the emulator's state.
decommission-test: package $(EMULATOR_INSTALLED)
	tests/decommission/run.sh $(BIN) $(INSTALLED)

# Every module's EXAMPLES as tasks, README's short playbook (with a comment in optouts.txt) and the IAM table
# (docs/iam/permissions.yml) against the operations each module calls, through the packaged collection against
# the emulator (tests/examples/run_examples.py).
examples-test: package $(EMULATOR_INSTALLED)
	tests/examples/run.sh $(BIN) $(INSTALLED)

# Figures, not a test: the bulk mode against the quota bound and a loop of single tasks (docs/docsite/rst/bulk_opt_outs.rst).
bench: package $(EMULATOR_INSTALLED)
	$(BIN)/python benchmarks/bulk_optout.py --collections-path $(INSTALLED)
	$(BIN)/python benchmarks/dead_endpoints.py --collections-path $(INSTALLED)
	$(BIN)/python benchmarks/bulk_fraudsters.py --collections-path $(INSTALLED)

# The documentation site: a page per module from its DOCUMENTATION, plus the guides in docs/docsite/rst.
docs: venv
	VENV_BIN=$(BIN) bash docs/build.sh

docs-lint: venv
	VENV_BIN=$(BIN) bash docs/lint.sh

clean:
	rm -rf .build tests/output

# ---- The ansible-core matrix -----------------------------------------------------------------------------------
# `make test` runs sanity, units and integration under each ansible-core release the collection supports
# (meta/runtime.yml: >= 2.17). Each release has its own virtualenv, .venvs/ansible-core-X.Y, built from
# tests/matrix/ansible-core-X.Y.txt (which names the controller Python and where amazon.aws comes from) and rebuilt
# only when that file changes, and its own tree under .build/matrix/X.Y. tests/matrix/matrix.sh does the work and
# prints how long each piece took (.build/matrix/times.txt keeps them).
#
#   release  controller Python  amazon.aws  form
#   2.17     3.10               10.1        full: the oldest
#   2.18     3.11               10.1        short
#   2.19     3.11               10.1        short (ansible 12)
#   2.20     3.12               10.3        short (ansible 13)
#   2.21     3.13               11.4        full: the newest (ansible 14)
#
# Every release runs all of sanity and the units on its controller Python: every ansible-core runs both. On top,
# each Python the modules run on is tested once, no more (tests/config.yml: >= 3.8; ansible-core 2.17 runs
# modules on Python up to 3.12, 2.20 and later from 3.9, so 3.8 is tested under 2.17 and 3.13 under 2.21):
#   units     2.17 on 3.8 to 3.12 (3.10 its controller's), 2.21 on 3.13; 2.18 and 2.19 on 3.11, 2.20 on 3.12
#             repeat a Python for their own ansible-core.
#   sanity    compile and import on 3.10 to 3.13 come with the controllers' sanity runs; 2.17 adds 3.8 and 3.9
#             (the only release whose modules run on both). Before, 2.17 and 2.21 each ran them on five Pythons.
# Integration: the full form runs every target; the short form the targets below (MATRIX_SHORT_INTEGRATION).
# The integration targets' emulator runs from .venv: it is a test double, not part of what the matrix varies.
MATRIX := 2.17 2.18 2.19 2.20 2.21
MATRIX_FULL := 2.17 2.21
MATRIX_SANITY_MORE_PYTHONS_2.17 := 3.8 3.9
MATRIX_UNITS_PYTHONS_2.17 := 3.8 3.9 3.10 3.11 3.12
MATRIX_SH := tests/matrix/matrix.sh

matrix_controller_python = $(shell sed -n 's/^# python: *//p' tests/matrix/ansible-core-$(1).txt)
matrix_units_pythons = $(or $(MATRIX_UNITS_PYTHONS_$(1)),$(call matrix_controller_python,$(1)))
matrix_sanity = $(MATRIX_SH) sanity $(1) $(call matrix_controller_python,$(1)) $(MATRIX_SANITY_MORE_PYTHONS_$(1))
matrix_units = $(MATRIX_SH) units $(1) $(call matrix_units_pythons,$(1))
# The short form's integration (2.18 to 2.20). What changes from one ansible-core to the next, or between
# amazon.aws 10.1 and 10.3, is the frame around the collection's code, not its logic (module_utils, the same
# under every release, and run under each by the units): ansible-core's argument spec validation, module_defaults'
# action group, check and diff mode, and the printing of results, diffs and failures (2.19's new templating and
# result handling); amazon.aws's AnsibleAWSModule: client, credentials, endpoint, the AWS error attached to a
# failure, retries. voiceid_speaker_optout exercises all of it for a module that writes (options of every kind,
# the bulk list among them, the four ways of check and real runs, diff mode, failures, throttling retried, faults);
# voiceid_watchlist_fraudster_info for two info modules in four runs (paged lists of results, a domain by name and
# by id, the errors of what does not exist). The other targets (voiceid_speaker, voiceid_speaker_info,
# voiceid_domain, voiceid_domain_info: the same frame again, around logic that does not vary) run on the full
# form, the oldest and the newest release. A new target that tests the frame itself (a new option type, result
# printing, no_log) belongs in this list: voiceid_no_log_console is one (what a failed no_log task prints changed
# in 2.19).
MATRIX_SHORT_INTEGRATION := voiceid_speaker_optout voiceid_watchlist_fraudster_info voiceid_no_log_console
matrix_integration = $(MATRIX_SH) integration $(1) $(BIN) $(if $(filter $(1),$(MATRIX_FULL)),,$(MATRIX_SHORT_INTEGRATION))

.PHONY: matrix matrix-venvs matrix-clock
matrix: matrix-clock $(addprefix matrix-,$(MATRIX))
	@echo "matrix: seconds per piece:"
	@cat .build/matrix/times.txt

matrix-clock:
	rm -f .build/matrix/times.txt

matrix-venvs: $(addprefix matrix-venv-,$(MATRIX))

define MATRIX_RELEASE
.PHONY: matrix-$(1) matrix-venv-$(1) matrix-tree-$(1) matrix-sanity-$(1) matrix-units-$(1) matrix-integration-$(1)
# One release, its pieces one after the other in its tree.
matrix-$(1): matrix-tree-$(1) $(EMULATOR_INSTALLED)
	$(call matrix_sanity,$(1))
	$(call matrix_units,$(1))
	$(call matrix_integration,$(1))
matrix-venv-$(1):
	$(MATRIX_SH) venv $(1)
matrix-tree-$(1): matrix-venv-$(1)
	$(MATRIX_SH) tree $(1)
matrix-sanity-$(1): matrix-tree-$(1)
	$(call matrix_sanity,$(1))
matrix-units-$(1): matrix-tree-$(1)
	$(call matrix_units,$(1))
matrix-integration-$(1): matrix-tree-$(1) $(EMULATOR_INSTALLED)
	$(call matrix_integration,$(1))
endef
$(foreach release,$(MATRIX),$(eval $(call MATRIX_RELEASE,$(release))))

# ---- make test, two pieces at a time ---------------------------------------------------------------------------
# `make test` runs `make -j2 test-pieces`: every piece below is a target piece-NAME whose recipe runs through
# tests/matrix/piece.sh, its output in .build/logs/NAME.log. make runs two at a time in the order of
# TEST_PIECES where the prerequisites allow (the longest chains first), and stops at the first failure (after
# the piece running beside it ends). What the pieces share, and how:
#   .venv               the piece venv, before every piece that uses it;
#   .build/collections  (the tree) laid out once by the piece tree, before lint and package; the inner makes
#                       are told not to lay it out again (-o tree), nor the package (-o package);
#   the emulator wheel  installed into .venv once (piece emulator-wheel), before the pieces that start it;
#   .venvs/ansible-core-X.Y  one piece each (matrix.sh also flocks them), run beside the others from the start;
#   .build/matrix/X.Y   a release's sanity, units and integration each lay out a tree of their own (X.Y,
#                       X.Y-units, X.Y-integration), so that they may run at the same time;
#   ~/.ansible/test/venv  sanity's virtualenvs, shared by every release (and checkout): one piece runs the
#                       releases' sanity one after the other (matrix.sh also locks it, for other checkouts).
# docs and docs-lint lay out trees of their own in a temporary directory.
.PHONY: $(addprefix piece-,venv tree emulator-wheel package lint docs emulator-tests emulator-tests-oldest demo decommission-test examples-test)
TEST_PIECES := piece-matrix-units-2.17 piece-matrix-integration-2.17 piece-matrix-integration-2.21 \
	piece-matrix-sanity piece-lint piece-emulator-tests piece-emulator-tests-oldest \
	$(foreach release,2.18 2.19 2.20,piece-matrix-integration-$(release) piece-matrix-units-$(release)) \
	piece-matrix-units-2.21 piece-decommission-test piece-demo piece-examples-test piece-docs
test-pieces: $(TEST_PIECES)

piece-venv:
	@$(PIECE) run venv $(MAKE) --no-print-directory venv
piece-tree: piece-venv
	@$(PIECE) run tree $(MAKE) --no-print-directory tree
piece-emulator-wheel: piece-venv
	@$(PIECE) run emulator-wheel $(MAKE) --no-print-directory emulator-wheel
piece-package: piece-tree
	@$(PIECE) run package $(MAKE) --no-print-directory -o tree package
piece-lint: piece-tree
	@$(PIECE) run lint $(MAKE) --no-print-directory -j1 -o tree lint
piece-docs: piece-venv
	@$(PIECE) run docs $(MAKE) --no-print-directory docs
piece-emulator-tests: piece-emulator-wheel
	@$(PIECE) run emulator-tests $(MAKE) --no-print-directory emulator-tests
piece-emulator-tests-oldest: piece-emulator-wheel
	@$(PIECE) run emulator-tests-oldest $(MAKE) --no-print-directory emulator-tests-oldest
piece-demo: piece-package piece-emulator-wheel
	@$(PIECE) run demo $(MAKE) --no-print-directory demo-run
piece-examples-test: piece-package piece-emulator-wheel
	@$(PIECE) run examples-test $(MAKE) --no-print-directory -o package examples-test
piece-decommission-test: piece-package piece-emulator-wheel
	@$(PIECE) run decommission-test $(MAKE) --no-print-directory -o package decommission-test

define MATRIX_PIECES
.PHONY: piece-matrix-venv-$(1) piece-matrix-units-$(1) piece-matrix-integration-$(1)
piece-matrix-venv-$(1):
	@$(PIECE) run matrix-venv-$(1) $(MATRIX_SH) venv $(1)
piece-matrix-units-$(1): piece-matrix-venv-$(1)
	@$(PIECE) run matrix-units-$(1) env MATRIX_TREE=$(1)-units bash -c '$(MATRIX_SH) tree $(1) && $(call matrix_units,$(1))'
piece-matrix-integration-$(1): piece-matrix-venv-$(1) piece-emulator-wheel
	@$(PIECE) run matrix-integration-$(1) env MATRIX_TREE=$(1)-integration \
		bash -c '$(MATRIX_SH) tree $(1) && $(call matrix_integration,$(1))'
endef
$(foreach release,$(MATRIX),$(eval $(call MATRIX_PIECES,$(release))))
# make picks the next piece in an order of its own (it walks TEST_PIECES and takes what is ready when a slot
# frees), so the longest chains are put first by order-only prerequisites: one slot takes the 2.17 units
# (five Pythons) and then 2.21's venv and integration, the other the dev venv, the emulator wheel and 2.17's
# integration; every other piece waits for those two 2.17 pieces.
MATRIX_FIRST := piece-matrix-units-2.17 piece-matrix-integration-2.17
MATRIX_AFTER_FIRST := $(filter-out $(MATRIX_FIRST) piece-matrix-integration-2.21,$(TEST_PIECES)) \
	$(foreach release,2.18 2.19 2.20,piece-matrix-venv-$(release)) piece-tree piece-package
$(MATRIX_AFTER_FIRST): | $(MATRIX_FIRST)
piece-matrix-venv-2.21: | $(firstword $(MATRIX_FIRST))
# Sanity, every release one after the other in one piece: they share ~/.ansible/test/venv. It builds the venvs
# it needs itself (matrix.sh venv does nothing when a venv is up to date, and flocks it against the venv pieces):
# waiting for the venv pieces, make would take it up last.
.PHONY: piece-matrix-sanity
piece-matrix-sanity: piece-matrix-venv-2.17
	@$(PIECE) run matrix-sanity bash -c '$(foreach release,$(MATRIX),$(MATRIX_SH) venv $(release) && \
		$(MATRIX_SH) tree $(release) && $(call matrix_sanity,$(release)) && ) true'
