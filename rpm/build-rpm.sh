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
cp rpm/nfsha-agents.spec "$top/SPECS/"
HOME=$top rpmbuild -bb --define "_topdir $top" --define "nfsha_version $version" --define "_tmppath $top/tmp" "$top/SPECS/nfsha-agents.spec"
find "$top/RPMS" -name '*.rpm' -print
