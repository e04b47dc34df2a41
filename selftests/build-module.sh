#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds mcfw.ko for one Debian kernel into build/<abi>/mcfw.ko, from a
# copy of the sources (so builds for several kernels do not share
# objects). Fails on any compiler warning, W=1 included.
#
# Usage: selftests/build-module.sh 6.1|6.12|debug|ABI
# (debug: the debug kernel, built by "selftests/vm/vm.sh fetch debug")
set -euo pipefail
cd "$(dirname "$0")/.."

abi=$(selftests/vm/vm.sh abi "$1")
out=$PWD/build/$abi
kdir=/lib/modules/$abi/build
# The debug kernel's tree is in the VM cache, not on the host.
[ -d "$kdir" ] || kdir=${MCFW_CACHE:-$HOME/.cache/mcfw}/vm/$abi/root/lib/modules/$abi/build
[ -d "$kdir" ] || { echo "build-module: no headers for $abi; run 'make deps'" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
cp -a Kbuild kmod include "$out/"
log=$(make -j"$(nproc)" -C "$kdir" M="$out" W=1 modules 2>&1) || { echo "$log" >&2; exit 1; }
if grep -q 'warning:' <<<"$log"; then
	echo "$log" >&2
	echo "build-module: warnings while building for $abi" >&2
	exit 1
fi
test -f "$out/mcfw.ko"
echo "build-module: build/$abi/mcfw.ko"
