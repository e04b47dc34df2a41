#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fresh Debian bookworm root make check installs mcfw's packages into
# (check.sh's package steps): a minimal system (mmdebstrap, variant
# minbase, no recommends) with DKMS and the headers of Debian's 6.1 and
# 6.12 kernels, and, in /root/later, the .debs of the 6.12 PREEMPT_RT
# kernel and its headers, installed after the packages (a kernel
# installed later). Kept as a tarball in the cache, named by what it is
# made of (this script's format, mmdebstrap's version, the kernels' ABI
# names), so a changed input makes a new one and the old is removed.
#
# Usage: selftests/pkgroot.sh   prints the tarball's path, building it
#                               first when the cache has none (about 10
#                               minutes, downloads from Debian's archive)
set -euo pipefail
cd "$(dirname "$0")/.."

FORMAT=2
dir=${MCFW_CACHE:-$HOME/.cache/mcfw}/pkgroot
abi61=$(selftests/vm/vm.sh abi 6.1)
abi612=$(selftests/vm/vm.sh abi 6.12)
abirt=$(selftests/vm/vm.sh abi 6.12-rt)
include=dkms,kmod,libnl-3-200,libnl-genl-3-200,linux-headers-$abi61,linux-headers-$abi612
later="linux-image-$abirt linux-headers-$abirt"
key=$(printf '%s\n' "$FORMAT" "$(mmdebstrap --version)" "$include" "$later" |
	sha256sum | cut -c1-16)
tar=$dir/bookworm-$key.tar

if [ ! -s "$tar" ]; then
	mkdir -p "$dir"
	rm -rf "$dir"/bookworm-*.tar "$dir"/part-*.tar
	echo "pkgroot: building $tar" >&2
	mmdebstrap --mode=root --variant=minbase \
		--aptopt='APT::Install-Recommends "false"' \
		--include="$include" \
		--customize-hook="chroot \"\$1\" apt-get install -q -y --download-only $later" \
		--customize-hook='mkdir -p "$1/root/later" && mv "$1"/var/cache/apt/archives/*-rt-amd64_*.deb "$1"/var/cache/apt/archives/*-common-rt_*.deb "$1/root/later/"' \
		bookworm "$dir/part-$key.tar" \
		"deb http://deb.debian.org/debian bookworm main" \
		"deb http://deb.debian.org/debian-security bookworm-security main" >&2
	mv "$dir/part-$key.tar" "$tar"
fi
echo "$tar"
