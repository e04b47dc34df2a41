#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages as installed on a router: the module DKMS built when
# mcfw-dkms was installed into a fresh bookworm root (MCFW_PKGROOT,
# check.sh's package steps), booted in this guest (vm.sh --ko), and the
# mcfwctl of the mcfwctl package, run from that root, forward a packet.
#
#   src: s0 10.1.0.2 --- r0 rtr r1 --- h1: h1 (239.1.1.1)

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	installed_module_loaded
	installed_packages_forward
"

ROOT=${MCFW_PKGROOT:-}
SRC=pkg-src-$$
RTR=pkg-rtr-$$
H1=pkg-h1-$$
MCAST=$TOPDIR/selftests/mcast

cleanup()
{
	local ns

	for ns in "$SRC" "$RTR" "$H1"; do
		ip netns del "$ns" 2>/dev/null
	done
	modprobe -r mcfw 2>/dev/null
}

# The packaged tool, with the packaged libraries, in the router's netns.
pkg_mcfwctl()
{
	ip netns exec "$RTR" chroot "$ROOT" /usr/sbin/mcfwctl "$@"
}

installed_module_loaded()
{
	local ko

	ko=$(find "$ROOT/lib/modules/$(uname -r)/updates/dkms" -name 'mcfw.ko*' | head -n 1)
	[ -n "$ko" ]
	check_err $? "DKMS installed no mcfw module for $(uname -r) in the root"
	modprobe mcfw
	check_err $? "modprobe mcfw failed"
	[ -n "$ko" ] &&
		[ "$(cat /sys/module/mcfw/srcversion)" = "$(modinfo -F srcversion "$ko")" ]
	check_err $? "the loaded module is not the one DKMS built ($ko)"
	run_cmd chroot "$ROOT" /usr/sbin/mcfwctl version
	check_err "$RC" "the packaged mcfwctl failed: $ERR"
	grep -qx "mcfw module $(cat /sys/module/mcfw/version)" <<<"$OUT"
	check_err $? "the packaged mcfwctl does not see the module: $OUT"
	log_test "package: the module DKMS built for $(uname -r) loads; the packaged mcfwctl sees it"
}

installed_packages_forward()
{
	local f=$TMPDIR_PKG/recv got i

	pkg_mcfwctl route add 239.1.1.1 source 10.1.0.2 iif r0 oif r1
	check_err $? "route add with the packaged mcfwctl failed"
	ip netns exec "$H1" "$MCAST" recv 239.1.1.1 5001 -i h1 -n 10 -T 20 >"$f" 2>&1 &
	for i in $(seq 1 200); do
		grep -q '^ready' "$f" && break
		sleep 0.05
	done
	ip netns exec "$SRC" "$MCAST" send 239.1.1.1 5001 -i s0 -n 10 >/dev/null
	wait
	got=$(awk '/^received/ { for (i = 1; i < NF; i++) if ($i == "received") print $(i + 1) }' "$f")
	[ "$got" = 10 ]
	check_err $? "h1 received '$got' of 10"
	[ "$(pkg_mcfwctl -j -s route show | json '.[0].stats.packets')" = 10 ]
	check_err $? "the route did not count 10 packets"
	log_test "package: the packaged mcfwctl programs a route; packets forwarded and counted"
}

setup()
{
	local ns

	[ -n "$ROOT" ] && [ -x "$ROOT/usr/sbin/mcfwctl" ] || return 4
	for ns in "$SRC" "$RTR" "$H1"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	ip link add s0 netns "$SRC" type veth peer name r0 netns "$RTR" &&
		ip link add r1 netns "$RTR" type veth peer name h1 netns "$H1" || return 1
	ip -n "$SRC" addr add 10.1.0.2/24 dev s0
	ip -n "$RTR" addr add 10.1.0.1/24 dev r0
	ip -n "$RTR" addr add 10.2.0.1/24 dev r1
	ip -n "$H1" addr add 10.2.0.2/24 dev h1
	for ns in "$SRC:s0" "$RTR:r0" "$RTR:r1" "$H1:h1"; do
		ip -n "${ns%%:*}" link set "${ns#*:}" up || return 1
	done
	ip -n "$SRC" route add default via 10.1.0.1
}

require_root
TMPDIR_PKG=$(mktemp -d)
setup
rc=$?
if [ "$rc" -eq 4 ]; then
	echo "1..0 # SKIP no installed root in MCFW_PKGROOT"
	exit $KSFT_SKIP
fi
[ "$rc" -eq 0 ] || { echo "# setup failed"; exit 1; }
run_tests
