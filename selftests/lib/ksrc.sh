#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints the path of a cached extract of Debian's linux-source-6.1 holding
# what mcfw takes from the kernel tree at build time: scripts/checkpatch.pl
# (with its data files) and the kselftest headers. Extracts it on first use.
set -euo pipefail

cache=${MCFW_CACHE:-$HOME/.cache/mcfw}
tarball=/usr/src/linux-source-6.1.tar.xz
dir=$cache/linux-source-6.1

if [ ! -f "$tarball" ]; then
	echo "ksrc: $tarball is missing; run 'make deps'" >&2
	exit 1
fi

stamp=$dir/.extracted-$(stat -c %Y "$tarball")
if [ ! -e "$stamp" ]; then
	rm -rf "$dir"
	mkdir -p "$cache"
	tar -xf "$tarball" -C "$cache" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h
	touch "$stamp"
fi
echo "$dir"
