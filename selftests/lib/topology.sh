#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The forwarding topology the traffic suites share, and their helpers:
# namespaces, veth links, receivers and senders of counted multicast
# streams (selftests/mcast), and counters as mcfwctl -j -s reports them.
# Source it after lib.sh, with TOPO set to a prefix for namespace names.
#
#                         +------------------ rtr ------------------+
#  src                    |                                         |
#  s0 10.1.0.2/24 ------- r0 10.1.0.1/24             r1 10.2.0.1/24 --- h1 10.2.0.2 (h1)
#                         |                          r2 10.3.0.1/24 --- h2 10.3.0.2 (h2)
#                         |      mcfw                r3 10.4.0.1/24 --- h3 10.4.0.2 (h3)
#                         +-----------------------------------------+
#
# setup6 builds the same for IPv6 (and only IPv6): s0 2001:db8:1::2/64 --
# r0 2001:db8:1::1/64, r1 2001:db8:2::1/64 -- h1 2001:db8:2::2/64, r2
# 2001:db8:3::1/64 -- h2 2001:db8:3::2/64, r3 2001:db8:4::1/64 -- h3
# 2001:db8:4::2/64, default routes via the router; the router does not
# forward unicast. Namespaces have IPv6 off, unless NS_IPV6 is 1 when
# ns_new makes them (setup6 sets it, so extra_ns's have it too): then
# it is on, without duplicate address detection (accept_dad 0, and
# veth_link adds IPv6 addresses "nodad") and without router
# solicitations.

SRC=$TOPO-src-$$
RTR=$TOPO-rtr-$$
H1=$TOPO-h1-$$
H2=$TOPO-h2-$$
H3=$TOPO-h3-$$
EXTRA_NS=()
MCAST=$TOPDIR/selftests/mcast
PORT=5001
RECV_FILES=()
RECV_PIDS=()

NS_IPV6=${NS_IPV6:-0}

ns_new()
{
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	if [ "$NS_IPV6" = 1 ]; then
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.router_solicitations=0 \
			net.ipv6.conf.default.router_solicitations=0 \
			net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.igmp_max_memberships=100
		return
	fi
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.igmp_max_memberships=100
}

# veth_link NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B
# Three ip processes, not five: on the debug kernel each costs a second.
# An IPv6 address (one with a ':') is added without DAD ("nodad").
veth_link()
{
	local fa="" fb=""

	[[ $3 == *:* ]] && fa=" nodad"
	[[ $6 == *:* ]] && fb=" nodad"
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" ||
		return 1
	printf 'addr add %s dev %s%s\nlink set %s up\n' "$3" "$2" "$fa" "$2" |
		ip -n "$1" -b - || return 1
	printf 'addr add %s dev %s%s\nlink set %s up\n' "$6" "$5" "$fb" "$5" |
		ip -n "$4" -b -
}

setup()
{
	local ns

	modprobe mcfw || return 1
	for ns in "$SRC" "$RTR" "$H1" "$H2" "$H3"; do
		ns_new "$ns" || return 1
	done
	veth_link "$SRC" s0 10.1.0.2/24 "$RTR" r0 10.1.0.1/24 &&
	veth_link "$RTR" r1 10.2.0.1/24 "$H1" h1 10.2.0.2/24 &&
	veth_link "$RTR" r2 10.3.0.1/24 "$H2" h2 10.3.0.2/24 &&
	veth_link "$RTR" r3 10.4.0.1/24 "$H3" h3 10.4.0.2/24 || return 1
	ip -n "$SRC" route add default via 10.1.0.1
	ip -n "$H1" route add default via 10.2.0.1
	ip -n "$H2" route add default via 10.3.0.1
	ip -n "$H3" route add default via 10.4.0.1
}

# The same topology in IPv6 (see the top).
setup6()
{
	local ns

	NS_IPV6=1
	modprobe mcfw || return 1
	for ns in "$SRC" "$RTR" "$H1" "$H2" "$H3"; do
		ns_new "$ns" || return 1
	done
	veth_link "$SRC" s0 2001:db8:1::2/64 "$RTR" r0 2001:db8:1::1/64 &&
	veth_link "$RTR" r1 2001:db8:2::1/64 "$H1" h1 2001:db8:2::2/64 &&
	veth_link "$RTR" r2 2001:db8:3::1/64 "$H2" h2 2001:db8:3::2/64 &&
	veth_link "$RTR" r3 2001:db8:4::1/64 "$H3" h3 2001:db8:4::2/64 ||
		return 1
	ip -n "$SRC" -6 route add default via 2001:db8:1::1 &&
	ip -n "$H1" -6 route add default via 2001:db8:2::1 &&
	ip -n "$H2" -6 route add default via 2001:db8:3::1 &&
	ip -n "$H3" -6 route add default via 2001:db8:4::1
}

# A namespace for one case only: gone when the case ends, or at exit.
extra_ns()
{
	ns_new "$1" || return 1
	EXTRA_NS+=("$1")
	defer ip netns del "$1"
}

cleanup()
{
	local ns

	for ns in "$SRC" "$RTR" "$H1" "$H2" "$H3" "${EXTRA_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	modprobe -r mcfw
}

rtr()
{
	mcfwctl -n "$RTR" "$@"
}

# Every case starts with no routes and no receivers.
case_start()
{
	rtr -o all route flush
	RECV_FILES=()
	RECV_PIDS=()
	defer recv_reset
}

recv_reset()
{
	local p

	for p in "${RECV_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -f "${RECV_FILES[@]}"
}

# recv_bg NS DEV GROUP [ARGS...]: start a receiver; it is number
# ${#RECV_FILES[@]}-1 for recv_field. Returns once it listens.
recv_bg()
{
	local ns=$1 dev=$2 grp=$3 f i

	shift 3
	f=$(mktemp)
	ip netns exec "$ns" "$MCAST" recv "$grp" "$PORT" -i "$dev" \
		-T 60 "$@" >"$f" 2>&1 &
	RECV_PIDS+=($!)
	RECV_FILES+=("$f")
	for i in $(seq 1 200); do
		grep -q '^ready' "$f" && return 0
		sleep 0.05
	done
	echo "# receiver in $ns on $dev did not start: $(cat "$f")"
	return 1
}

# Once the senders are done: let the last copies land, stop the receivers.
recv_wait()
{
	sleep 0.5
	kill -TERM "${RECV_PIDS[@]}" 2>/dev/null
	wait "${RECV_PIDS[@]}" 2>/dev/null
	RECV_PIDS=()
}

# recv_field N FIELD: a number from receiver N's result line.
recv_field()
{
	awk -v k="$2" '/^received/ {
		for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' \
		"${RECV_FILES[$1]}"
}

# send NS DEV GROUP [ARGS...]: send a counted stream (default 100).
send()
{
	local ns=$1 dev=$2 grp=$3

	shift 3
	ip netns exec "$ns" "$MCAST" send "$grp" "$PORT" -i "$dev" "$@" \
		>/dev/null
}

# expect_recv N COUNT WHAT: receiver N got exactly COUNT datagrams.
expect_recv()
{
	local got

	got=$(recv_field "$1" received)
	[ "$got" = "$2" ]
	check_err $? "$3: received '$got', expected $2 (its socket dropped $(recv_field "$1" overflow))"
}

# Counters, as mcfwctl -j -s reports them.
route_stat()
{
	rtr -j -s route show "$1" | json ".[0].stats.$2"
}

oif_stat()
{
	rtr -j -s route show "$1" |
		json --arg d "$2" ".[0].oifs[] | select(.dev == \$d) | .stats.$3"
}

iface_stat()
{
	rtr -j -s iface show |
		json --arg d "$1" ".[] | select(.dev == \$d) | .stats.$2"
}

route_count()
{
	rtr -j info | json .routes
}

# udp_csum_errors NS: UDP checksum errors the namespace has seen.
udp_csum_errors()
{
	ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "InCsumErrors") c = i; h = 1 } else print $c }' \
		/proc/net/snmp
}

# reject WHY ARGS...: route add ARGS must fail, with the kernel's (or the
# tool's) reason matching WHY, and change nothing.
reject()
{
	local why=$1 before after

	shift
	before=$(rtr -j -s route show)
	run_cmd rtr route "$@"
	[ "$RC" -ne 0 ]
	check_err $? "'route $*' succeeded"
	grep -qi -- "$why" <<<"$ERR"
	check_err $? "'route $*' said '$ERR', expected /$why/"
	after=$(rtr -j -s route show)
	[ "$before" = "$after" ]
	check_err $? "'route $*' changed the routes"
}

# nft_count FAMILY TABLE CHAIN PATTERN: the packets of the rule of the
# router's CHAIN that matches PATTERN.
nft_count()
{
	ip netns exec "$RTR" nft list chain "$1" "$2" "$3" | grep -- "$4" |
		grep -o 'packets [0-9]*' | cut -d' ' -f2
}
