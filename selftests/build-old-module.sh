#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds an older mcfw.ko, from git revision OLD_REV of this repository,
# into build/old/<abi>/mcfw.ko, for upgrade.sh: this mcfwctl against the
# module a router still runs after a package upgrade, before a reload.
# OLD_REV is the last revision before the relays, unicast outputs and
# IPv6: its family lacks commands and attributes this tool has.
#
# Usage: selftests/build-old-module.sh 6.1|6.12|ABI
# Exit status 4 (skip) outside a git clone with that revision.
set -euo pipefail
cd "$(dirname "$0")/.."

OLD_REV=3aaae3f2bd1a6aef41a744e2c5c6b35b8bef2938

abi=$(selftests/vm/vm.sh abi "$1")
out=$PWD/build/old/$abi
kdir=/lib/modules/$abi/build
[ -d "$kdir" ] || { echo "build-old-module: no headers for $abi; run 'make deps'" >&2; exit 1; }
if ! git cat-file -e "$OLD_REV^{commit}" 2>/dev/null; then
	echo "build-old-module: revision $OLD_REV is not in this tree (not a full git clone): skipped" >&2
	exit 4
fi

rm -rf "$out"
mkdir -p "$out"
git archive "$OLD_REV" Kbuild kmod include | tar -x -C "$out"
make -s -j"$(nproc)" -C "$kdir" M="$out" modules >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
test -f "$out/mcfw.ko"
echo "build-old-module: build/old/$abi/mcfw.ko (revision ${OLD_REV:0:12})"
