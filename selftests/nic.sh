#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real NIC's multicast filter. vm.sh gives the guest two emulated e1000
# NICs on one QEMU hub (MACs in MCFW_VM_NIC_MACS): what one sends, the
# other's hardware receives, and then drops unless the group is in its
# filter or the NIC is in ALLMULTI, as a physical NIC does. veths have no
# such filter, which is why this cannot be tested on them.
#
#  nic-src: wire0 10.8.0.2 ==QEMU hub== wire1 10.8.0.1 [mcfw, nic-rtr] r1 10.2.0.1 --- h1 10.2.0.2 (nic-h1)

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	filter_is_real
	input_in_allmulti_while_routed
	nojoin_route_forwards_through_filter
	joined_route_forwards_through_filter
"

SRC=nic-src-$$
RTR=nic-rtr-$$
H1=nic-h1-$$
MCAST=$TOPDIR/selftests/mcast
PORT=5001
GRP=239.60.0.1
N=50
TMPD=$(mktemp -d)
RECV_PID=

cleanup()
{
	[ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null
	ip netns del "$SRC" 2>/dev/null
	ip netns del "$RTR" 2>/dev/null
	ip netns del "$H1" 2>/dev/null
	modprobe -r mcfw 2>/dev/null
	rm -rf "$TMPD"
}

rtr()
{
	mcfwctl -n "$RTR" "$@"
}

# dev_by_mac MAC: the name of the interface with that address.
dev_by_mac()
{
	ip -o link show | awk -v m="$1" '$0 ~ "link/ether " m { sub(":", "", $2); print $2 }'
}

# rx_packets: frames wire1's NIC let through (its filter's
# verdict: the driver counts what the hardware accepted).
rx_packets()
{
	ip -n "$RTR" -j -s link show wire1 | json '.[0].stats64.rx.packets'
}

# allmulti: wire1 is in ALLMULTI. ip link shows only the flag a user set
# (gflags); sysfs shows the device's own flags, which the kernel's users
# (ipmr, mcfw) set too.
allmulti()
{
	local flags

	flags=$(ip netns exec "$RTR" cat /sys/class/net/wire1/flags) || return 1
	(((flags & 0x200) != 0))	# IFF_ALLMULTI
}

# wait_allmulti on|off: the flag is set by deferred work; wait for it.
wait_allmulti()
{
	local i

	for i in $(seq 1 100); do
		if [ "$1" = on ]; then allmulti && return 0; else allmulti || return 0; fi
		sleep 0.05
	done
	return 1
}

send()
{
	ip netns exec "$SRC" "$MCAST" send "$GRP" "$PORT" -i wire0 -n "$N" >/dev/null
}

# forwarded: start a receiver on h1, send N, print how many h1 got.
forwarded()
{
	local f=$TMPD/recv i

	# The receiver ends at N datagrams, or after 10 s: a guest starved of
	# its host's CPU may take more than a moment to drain its NIC's ring.
	ip netns exec "$H1" "$MCAST" recv "$GRP" "$PORT" -i h1 -n "$N" -T 10 >"$f" 2>&1 &
	RECV_PID=$!
	for i in $(seq 1 200); do
		grep -q '^ready' "$f" && break
		sleep 0.05
	done
	send
	wait "$RECV_PID" 2>/dev/null
	RECV_PID=
	awk '/^received/ { for (i = 1; i < NF; i++) if ($i == "received") print $(i + 1) }' "$f"
}

# Without a route and without a membership, the NIC drops the group:
# the other cases could not fail if it did not.
filter_is_real()
{
	local before after

	rtr -o all route flush >/dev/null
	allmulti
	check_fail $? "wire1 is in ALLMULTI with no route"
	before=$(rx_packets)
	send
	sleep 0.5
	after=$(rx_packets)
	[ "$after" = "$before" ]
	check_err $? "the NIC let $((after - before)) frames of a group nobody joined through: its filter is not real"
	log_test "nic: the emulated NIC's filter drops a group that is not joined"
}

input_in_allmulti_while_routed()
{
	rtr -o all route flush >/dev/null
	rtr route add "$GRP" source 10.8.0.2 iif wire1 oif r1 nojoin
	check_err $? "route add failed"
	wait_allmulti on
	check_err $? "the route's input is not in ALLMULTI"
	[ "$(rtr -j iface show | json '.[] | select(.dev == "wire1") | .allmulti')" = true ]
	check_err $? "iface show does not say wire1 is in ALLMULTI"
	rtr route add 239.60.0.2 iif wire1 oif r1 nojoin
	rtr route del "$GRP" source 10.8.0.2 iif wire1
	sleep 0.3
	allmulti
	check_err $? "ALLMULTI released while another route still uses wire1"
	rtr route del 239.60.0.2 iif wire1
	wait_allmulti off
	check_err $? "ALLMULTI not released when wire1 is no route's input"
	# An output only is never put in ALLMULTI.
	rtr route add "$GRP" iif r1 oif wire1 nojoin
	sleep 0.3
	allmulti
	check_fail $? "an output was put in ALLMULTI"
	rtr route flush >/dev/null
	log_test "nic: a route's input is in ALLMULTI while it is one, and released after"
}

# nojoin: no membership puts the group into the NIC's filter; only
# ALLMULTI lets it through.
nojoin_route_forwards_through_filter()
{
	local got

	rtr -o all route flush >/dev/null
	rtr route add "$GRP" source 10.8.0.2 iif wire1 oif r1 nojoin
	check_err $? "route add failed"
	wait_allmulti on
	got=$(forwarded)
	[ "$got" = "$N" ]
	check_err $? "h1 received '$got' of $N through the NIC's filter ($(rx_packets) frames in on wire1; $(rtr -j -s route show | json -c '.[0].stats'))"
	rtr route flush >/dev/null
	log_test "nic: a nojoin route forwards through a NIC filter (ALLMULTI)"
}

# The route's own membership puts the group into the filter as well.
joined_route_forwards_through_filter()
{
	local got

	rtr -o all route flush >/dev/null
	rtr route add "$GRP" source 10.8.0.2 iif wire1 oif r1
	check_err $? "route add failed"
	wait_allmulti on
	for _ in $(seq 1 100); do
		ip -n "$RTR" maddr show dev wire1 | grep -Eq "inet +$GRP\$" && break
		sleep 0.05
	done
	ip -n "$RTR" maddr show dev wire1 | grep -Eq "inet +$GRP\$"
	check_err $? "the route did not join $GRP on wire1"
	got=$(forwarded)
	[ "$got" = "$N" ]
	check_err $? "h1 received '$got' of $N"
	rtr route flush >/dev/null
	log_test "nic: a route that joins its group forwards through the NIC"
}

setup()
{
	local macs d0 d1 ns

	read -ra macs <<<"${MCFW_VM_NIC_MACS:-}"
	[ "${#macs[@]}" -ge 2 ] || return 4
	modprobe e1000 2>/dev/null
	for _ in $(seq 1 100); do
		d0=$(dev_by_mac "${macs[0]}")
		d1=$(dev_by_mac "${macs[1]}")
		[ -n "$d0" ] && [ -n "$d1" ] && break
		sleep 0.05
	done
	[ -n "$d0" ] && [ -n "$d1" ] || return 4
	modprobe mcfw || return 1
	for ns in "$SRC" "$RTR" "$H1"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 net.ipv6.conf.all.disable_ipv6=1
	done
	ip link set "$d0" netns "$SRC" name wire0 &&
		ip link set "$d1" netns "$RTR" name wire1 || return 1
	ip link add r1 netns "$RTR" type veth peer name h1 netns "$H1" || return 1
	ip -n "$SRC" addr add 10.8.0.2/24 dev wire0
	ip -n "$RTR" addr add 10.8.0.1/24 dev wire1
	ip -n "$RTR" addr add 10.2.0.1/24 dev r1
	ip -n "$H1" addr add 10.2.0.2/24 dev h1
	ip -n "$SRC" link set wire0 up && ip -n "$RTR" link set wire1 up &&
		ip -n "$RTR" link set r1 up && ip -n "$H1" link set h1 up || return 1
	ip -n "$SRC" route add default via 10.8.0.1
	# The emulated link comes up after a moment.
	for _ in $(seq 1 100); do
		ip -n "$RTR" -o link show wire1 | grep -q 'state UP' &&
			ip -n "$SRC" -o link show wire0 | grep -q 'state UP' && return 0
		sleep 0.1
	done
	return 1
}

require_root
setup
rc=$?
if [ "$rc" -eq 4 ]; then
	echo "1..0 # SKIP no emulated NICs (vm.sh --nics none, or QEMU without e1000)"
	exit $KSFT_SKIP
elif [ "$rc" -ne 0 ]; then
	echo "not ok 1 nic: setup failed"
	exit 1
fi
run_tests
