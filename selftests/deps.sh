#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs every Debian package mcfw's build and tests need. Does nothing
# (and touches no network) when everything is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
	# build: module, tool and C selftests
	build-essential pkg-config libnl-3-dev libnl-genl-3-dev kmod
	# checkpatch.pl and kselftest_harness.h, taken at build time
	linux-source-6.1 perl
	# the YNL tools (spec.sh, ynl.sh): ynl-gen-c.py, cli.py and the
	# netlink spec schemas, and what they run on
	linux-source-6.12 python3-yaml python3-jsonschema
	# DKMS packaging check
	dkms
	# make deb (check.sh's deb step): dpkg-buildpackage, debhelper, dh_dkms
	# (package dh-dkms on bookworm) and lintian; no fakeroot, the packages
	# declare Rules-Requires-Root: no
	dpkg-dev debhelper dh-dkms lintian
	# the fresh bookworm root the packages are installed into (pkgroot.sh)
	mmdebstrap
	# the debug kernel, built from linux-source-6.1 (selftests/vm/debug-kernel.sh)
	bison flex bc libelf-dev libssl-dev
	# tests inside the VM run the host's own binaries
	iproute2 ethtool tcpdump nftables util-linux procps jq groff-base man-db
	# forwarding.sh: pings answered under a flood
	iputils-ping
	# gateway.sh: a unicast output routed into WireGuard
	wireguard-tools
	# unit.sh: systemd-analyze verify; config.sh: a real JSON parser
	systemd python3
)

abi() {
	local meta=$1
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n 1
}

resolve() {
	abi61=$(abi linux-image-amd64)
	abi612=$(abi linux-image-6.12-amd64)
	abi612rt=$(abi linux-image-6.12-rt-amd64)
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

export DEBIAN_FRONTEND=noninteractive
resolve
if [ -z "$abi61" ] || [ -z "$abi612" ] || [ -z "$abi612rt" ]; then
	apt-get update -q
	resolve
fi
if [ -z "$abi61" ] || [ -z "$abi612" ] || [ -z "$abi612rt" ]; then
	echo "deps: cannot resolve the Debian 6.1/6.12/6.12-rt kernel ABI names from apt" >&2
	exit 1
fi

mapfile -t vmpkgs < <(selftests/vm/vm.sh deps)
all=("${pkgs[@]}" "${vmpkgs[@]}" "linux-headers-$abi61" "linux-headers-$abi612"
	"linux-headers-$abi612rt")
mapfile -t need < <(missing "${all[@]}")
if [ "${#need[@]}" -gt 0 ]; then
	echo "deps: installing ${need[*]}"
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${need[@]}"
fi
echo "deps: ok (kernels $abi61, $abi612, $abi612rt)"
