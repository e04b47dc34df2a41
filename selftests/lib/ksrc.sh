#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the path of a cached extract of a Debian linux-source package
# holding what mcfw takes from the kernel tree at build and test time,
# extracting it on first use (and again when the package changes):
#
#   ksrc.sh [6.1]   scripts/checkpatch.pl (with its data files) and the
#                   kselftest headers, from linux-source-6.1
#   ksrc.sh 6.12    the YNL tools (tools/net/ynl: cli.py, ynl-gen-c.py)
#                   and the netlink spec schemas (Documentation/netlink),
#                   from linux-source-6.12
set -euo pipefail

ver=${1:-6.1}
cache=${MCFW_CACHE:-$HOME/.cache/mcfw}
tarball=/usr/src/linux-source-$ver.tar.xz
top=linux-source-$ver
dir=$cache/$top

case $ver in
6.1)
	paths=("$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt"
	       "$top/scripts/const_structs.checkpatch"
	       "$top/tools/testing/selftests/kselftest.h"
	       "$top/tools/testing/selftests/kselftest_harness.h") ;;
6.12)
	paths=("$top/tools/net/ynl" "$top/Documentation/netlink/genetlink.yaml"
	       "$top/Documentation/netlink/genetlink-c.yaml"
	       "$top/Documentation/netlink/genetlink-legacy.yaml") ;;
*)
	echo "ksrc: no use for linux-source-$ver" >&2
	exit 1 ;;
esac

if [ ! -f "$tarball" ]; then
	echo "ksrc: $tarball is missing; run 'make deps'" >&2
	exit 1
fi

stamp=$dir/.extracted-$(stat -c %Y "$tarball")
if [ ! -e "$stamp" ]; then
	rm -rf "$dir"
	mkdir -p "$cache"
	tar -xf "$tarball" -C "$cache" "${paths[@]}"
	# ynl-gen-c.py finds the tree's root by its MAINTAINERS file.
	[ "$ver" = 6.1 ] || touch "$dir/MAINTAINERS"
	touch "$stamp"
fi
echo "$dir"
