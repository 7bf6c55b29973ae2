#!/bin/bash
# Builds the binary RPM from rpm/nfsha-agents.spec with rpmbuild, in rpm/_build (no network).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^  "version": "\(.*\)",/\1/p' package.json)
top=$PWD/rpm/_build
rm -rf "$top"
mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS,tmp}
src="nfsha-agents-$version"
stage="$top/tmp/$src"
mkdir -p "$stage/dist" "$stage/build" "$stage/docs"
cp dist/nfsha "$stage/dist/"
cp -r build/man "$stage/build/"
cp README.md LICENSE "$stage/"
cp -r examples "$stage/"
cp -r docs/compat.md docs/compat "$stage/docs/"
tar -C "$top/tmp" -czf "$top/SOURCES/$src.tar.gz" "$src"
# The agents come from the registry (agents/index.ts), the first one is the file the others link to.
agents=$(node_modules/.bin/node tools/agents.ts | xargs)
[ -n "$agents" ] || { echo "build-rpm.sh: tools/agents.ts listed no agents" >&2; exit 1; }
cp rpm/nfsha-agents.spec "$top/SPECS/"
HOME=$top rpmbuild -bb --define "_topdir $top" --define "nfsha_version $version" --define "nfsha_agents $agents" --define "_tmppath $top/tmp" "$top/SPECS/nfsha-agents.spec"
find "$top/RPMS" -name '*.rpm' -print
