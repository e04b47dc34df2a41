#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile and unusual packets: hand-made frames injected with AF_PACKET
# (malformed headers, options, a header alone, half an L4 header,
# fragments, padding), with and without connection tracking and with a
# tcpdump sharing the input's packets; UDP GSO senders and GRO on the
# input, whose packets stand for many datagrams; two routers forwarding
# a group to each other. Nothing malformed may leave a router
# (selftests/pkt checks every frame at the receivers, byte by byte), and
# the counters must count datagrams as the wire carries them.
#
#                         +------------------ rtr ------------------+
#  src                    |                                         |
#  s0 10.1.0.2/24 ------- r0 10.1.0.1/24             r1 10.2.0.1/24 --- h1
#  (pkt send, mcast -g)   |      mcfw                r2 10.3.0.1/24 --- h2
#                         |                          r3 10.4.0.1/24 --- h3
#                         +-----------------------------------------+
#
#  two_routers_loop:  src2 -- a_in [A] ab1 ====== ba1 [B]
#                                  [A] ab2 ====== ba2 [B]

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	malformed_frames_never_leave
	malformed_frames_with_conntrack
	martians_and_igmp_never_forwarded
	options_policy
	udp_gso_sender_counted_per_datagram
	gro_on_the_input_counted_per_datagram
	two_routers_loop_dies_by_ttl
"

TOPO=pk
source "$(dirname "$0")/lib/topology.sh"

PKT=$TOPDIR/selftests/pkt
G=239.20.0.1
# What ip_rcv() lets through to PRE_ROUTING, and what it refuses.
PASS="udp big optnop hdronly l4short frag1 frag2 padded"
REFUSED="badsum longlen shortlen ihl4 ihl15 version6 runt"
# Sound frames no router forwards: martian sources (counted), IGMP.
MARTIANS="src0 srcany srclo srcmc srcbc"
# Options mcfw does not forward, by policy: Router Alert ("options"),
# source routing (unless accepted), record route, timestamp, malformed.
OPTDROP="options optlsrr optrr optts optbad"
NEVER="$MARTIANS igmp $OPTDROP"

# capture_bg NS DEV: pkt capture until 2 s pass without a frame after
# the first (60 s at most); its output file is in CAPS, its pid in
# CAP_PIDS. capture_wait waits for them all.
CAPS=()
CAP_PIDS=()
capture_bg()
{
	local f i

	f=$(mktemp)
	CAPS+=("$f")
	defer rm -f "$f"
	ip netns exec "$1" "$PKT" capture "$2" 60 2000 >"$f" 2>&1 &
	CAP_PIDS+=($!)
	for i in $(seq 1 200); do
		grep -q '^ready' "$f" && return 0
		sleep 0.05
	done
	return 1
}

capture_wait()
{
	wait "${CAP_PIDS[@]}"
	CAP_PIDS=()
}

# check_captured FILE WHERE: every case of PASS once, sound, TTL 63;
# nothing else.
check_captured()
{
	local f=$1 c got

	for c in $PASS; do
		got=$(grep -c "^case $c ttl 63 iplen [0-9]* ok$" "$f")
		[ "$got" = 1 ]
		check_err $? "$2: case $c arrived $got times as sent: $(grep "case $c " "$f")"
	done
	for c in $REFUSED $NEVER; do
		grep -q "^case $c " "$f"
		check_fail $? "$2: case $c was forwarded: $(grep "case $c " "$f")"
	done
	grep -q 'bad:' "$f"
	check_fail $? "$2: a malformed frame left the router: $(grep 'bad:' "$f")"
}

send_cases()
{
	# shellcheck disable=SC2086
	ip netns exec "$SRC" "$PKT" send s0 $PASS $REFUSED $NEVER
}

malformed_frames_never_leave()
{
	local tcpd tlog i

	case_start
	CAPS=()
	rtr route add "$G" iif r0 oif r1 r2
	# A tcpdump on the input shares every packet mcfw sees.
	tlog=$(mktemp)
	defer rm -f "$tlog"
	ip netns exec "$RTR" tcpdump -i r0 -w /dev/null >"$tlog" 2>&1 &
	tcpd=$!
	defer kill "$tcpd"
	for i in $(seq 1 300); do
		grep -q 'listening on' "$tlog" && break
		sleep 0.1
	done
	grep -q 'listening on' "$tlog"
	check_err $? "tcpdump on r0 did not start: $(cat "$tlog")"
	capture_bg "$H1" h1 && capture_bg "$H2" h2
	check_err $? "captures did not start"
	send_cases
	check_err $? "pkt send failed"
	capture_wait
	check_captured "${CAPS[0]}" h1
	check_captured "${CAPS[1]}" h2
	[ "$(route_stat "$G" packets)" = "$(echo $PASS | wc -w)" ]
	check_err $? "the route counted $(route_stat "$G" packets) packets"
	log_test "packets: malformed frames never leave; fragments, short L4, NOP options leave as they came"
}

malformed_frames_with_conntrack()
{
	case_start
	CAPS=()
	if ! modprobe nf_conntrack 2>/dev/null; then
		log_skip "packets: malformed frames with conntrack" "no nf_conntrack"
		return
	fi
	# A rule that needs conntrack: its hooks, defragmentation first,
	# are registered in the router's namespace.
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip pk-ct {
			chain pre {
				type filter hook prerouting priority 0; policy accept;
				ct state new counter
			}
		}
	EOF
	check_err $? "nft ct rule failed"
	defer ip netns exec "$RTR" nft delete table ip pk-ct
	rtr route add "$G" iif r0 oif r1 r2
	capture_bg "$H1" h1 && capture_bg "$H2" h2
	check_err $? "captures did not start"
	send_cases
	check_err $? "pkt send failed"
	capture_wait
	# mcfw's hook comes after nf_defrag: the two fragments (of two
	# datagrams) wait for the rest of theirs, never forwarded, as the
	# kernel's own forwarding would have them.
	PASS="${PASS/frag1 frag2 /}" REFUSED="$REFUSED frag1 frag2" \
		check_captured "${CAPS[0]}" "h1 (conntrack)"
	PASS="${PASS/frag1 frag2 /}" REFUSED="$REFUSED frag1 frag2" \
		check_captured "${CAPS[1]}" "h2 (conntrack)"
	[ "$(ip netns exec "$RTR" nft list table ip pk-ct | grep -o 'packets [0-9]*' | cut -d' ' -f2)" -gt 0 ]
	check_err $? "conntrack saw nothing"
	log_test "packets: with conntrack and defragmentation loaded, the same (fragments held for reassembly)"
}

martians_and_igmp_never_forwarded()
{
	local n=$(echo $MARTIANS | wc -w)

	case_start
	CAPS=()
	# A route cannot name a martian source: only (*,G) meets them.
	run_cmd rtr route add "$G" source 127.0.0.1 iif r0 oif r1
	[ "$RC" = 1 ] && grep -q 'loopback' <<<"$ERR"
	check_err $? "a loopback source was not refused: $RC $ERR"
	rtr route add "$G" iif r0 oif r1
	capture_bg "$H1" h1
	check_err $? "capture did not start"
	# shellcheck disable=SC2086
	ip netns exec "$SRC" "$PKT" send s0 udp $NEVER udp
	check_err $? "pkt send failed"
	capture_wait
	for c in $NEVER; do
		grep -q "^case $c " "${CAPS[0]}"
		check_fail $? "case $c was forwarded: $(grep "case $c " "${CAPS[0]}")"
	done
	[ "$(grep -c '^case udp ttl 63 .* ok$' "${CAPS[0]}")" = 2 ]
	check_err $? "the sound datagrams around them: $(cat "${CAPS[0]}")"
	[ "$(route_stat "$G" martian_drop)" = "$n" ] &&
		[ "$(iface_stat r0 martian_drop)" = "$n" ] &&
		[ "$(route_stat "$G" packets)" = 2 ]
	check_err $? "counters: $(rtr -s route show; rtr -s iface show)"
	log_test "packets: martian sources and IGMP never forwarded; martians counted"
}

# opt_stat WHAT: the route's and r0's count of WHAT, "route/r0".
opt_stat()
{
	echo "$(route_stat "$G" "$1")/$(iface_stat r0 "$1")"
}

options_policy()
{
	local c

	case_start
	CAPS=()
	rtr route add "$G" iif r0 oif r1
	capture_bg "$H1" h1
	check_err $? "capture did not start"
	# shellcheck disable=SC2086
	ip netns exec "$SRC" "$PKT" send s0 optnop $OPTDROP
	check_err $? "pkt send failed"
	capture_wait
	grep -q '^case optnop ttl 63 .* ok$' "${CAPS[0]}"
	check_err $? "NOP and End options were not forwarded: $(cat "${CAPS[0]}")"
	for c in $OPTDROP; do
		grep -q "^case $c " "${CAPS[0]}"
		check_fail $? "case $c was forwarded: $(grep "case $c " "${CAPS[0]}")"
	done
	[ "$(opt_stat ra_drop)" = 1/1 ] && [ "$(opt_stat srr_drop)" = 1/1 ] &&
		[ "$(opt_stat record_drop)" = 2/2 ] &&
		[ "$(opt_stat badopt_drop)" = 1/1 ] &&
		[ "$(route_stat "$G" packets)" = 1 ]
	check_err $? "counters by reason: $(rtr -s route show; rtr -s iface show)"

	# Source routing the input accepts is forwarded as it came.
	ip netns exec "$RTR" sysctl -qw net.ipv4.conf.all.accept_source_route=1 \
		net.ipv4.conf.r0.accept_source_route=1
	check_err $? "sysctl accept_source_route failed"
	defer ip netns exec "$RTR" sysctl -qw net.ipv4.conf.all.accept_source_route=0 \
		net.ipv4.conf.r0.accept_source_route=0
	capture_bg "$H1" h1
	ip netns exec "$SRC" "$PKT" send s0 optlsrr
	check_err $? "pkt send failed"
	capture_wait
	grep -q '^case optlsrr ttl 63 .* ok$' "${CAPS[1]}"
	check_err $? "an accepted source route was not forwarded: $(cat "${CAPS[1]}")"
	[ "$(opt_stat srr_drop)" = 1/1 ]
	check_err $? "srr_drop $(opt_stat srr_drop)"
	log_test "packets: options: Router Alert, refused source routes, record route, timestamp, malformed not forwarded, counted by reason"
}

udp_gso_sender_counted_per_datagram()
{
	local n=400

	case_start
	ip -n "$RTR" link set r3 mtu 1000
	defer ip -n "$RTR" link set r3 mtu 1500
	rtr route add 239.21.0.1 iif r0 oif r1 r2 r3
	recv_bg "$H1" h1 239.21.0.1 -w 2000 && recv_bg "$H2" h2 239.21.0.1 -w 2000 &&
		recv_bg "$H3" h3 239.21.0.1 -w 2000
	check_err $? "receivers did not start"
	# 50 sends of 8 datagrams of 1000 bytes, each one GSO packet on s0.
	send "$SRC" s0 239.21.0.1 -n "$n" -s 1000 -g 8 -D -r 1000
	check_err $? "the GSO sender failed"
	recv_wait
	expect_recv 0 "$n" "h1"
	expect_recv 1 "$n" "h2"
	expect_recv 2 0 "h3 (its MTU is too small; GSO copies are not cut)"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(recv_field 1 bad)" = 0 ]
	check_err $? "damaged datagrams"
	[ "$(route_stat 239.21.0.1 packets)" = "$n" ] &&
		[ "$(route_stat 239.21.0.1 bytes)" = $((n * 1028)) ]
	check_err $? "the route counted $(route_stat 239.21.0.1 packets) packets, $(route_stat 239.21.0.1 bytes) bytes"
	[ "$(oif_stat 239.21.0.1 r1 packets)" = "$n" ] &&
		[ "$(oif_stat 239.21.0.1 r3 drops)" = "$n" ]
	check_err $? "outputs: $(rtr -s route show 239.21.0.1)"
	log_test "packets: a UDP GSO sender's packets counted per datagram, not cut for a small MTU"
}

gro_on_the_input_counted_per_datagram()
{
	local n=2000

	case_start
	if ! ip netns exec "$RTR" ethtool -K r0 gro on rx-udp-gro-forwarding on \
		>/dev/null 2>&1; then
		log_skip "packets: GRO on the input" "r0 cannot GRO UDP for forwarding"
		return
	fi
	defer ip netns exec "$RTR" ethtool -K r0 gro off rx-udp-gro-forwarding off
	# netem hands s0's packets over in bursts, every 20 ms: r0's NAPI
	# finds several of the stream's datagrams at once, which GRO merges.
	tc -n "$SRC" qdisc add dev s0 root netem slot 20ms 20ms
	check_err $? "netem slot on s0 failed"
	defer tc -n "$SRC" qdisc del dev s0 root
	rtr route add 239.21.0.2 iif r0 oif r1 r2
	recv_bg "$H1" h1 239.21.0.2 -w 3000 && recv_bg "$H2" h2 239.21.0.2 -w 3000
	check_err $? "receivers did not start"
	send "$SRC" s0 239.21.0.2 -n "$n" -s 200 -r 2000
	recv_wait
	expect_recv 0 "$n" "h1"
	expect_recv 1 "$n" "h2"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(recv_field 1 bad)" = 0 ]
	check_err $? "damaged datagrams"
	[ "$(route_stat 239.21.0.2 packets)" = "$n" ] &&
		[ "$(route_stat 239.21.0.2 bytes)" = $((n * 228)) ] &&
		[ "$(oif_stat 239.21.0.2 r2 packets)" = "$n" ]
	check_err $? "counted: $(rtr -s route show 239.21.0.2)"
	log_test "packets: GRO on the input: merged datagrams counted, and delivered, one by one"
}

# Every counter of the routes of the namespaces given.
loop_counts()
{
	local ns

	for ns in "$@"; do
		mcfwctl -n "$ns" -j -s route show | json -c '[.[] | (.stats | del(.idle_ms)), [.oifs[].stats]]'
	done
}

two_routers_loop_dies_by_ttl()
{
	local a=pk-a-$$ b=pk-b-$$ s=pk-s-$$ n=20 one two

	case_start
	extra_ns "$a" && extra_ns "$b" && extra_ns "$s"
	veth_link "$s" s9 10.9.0.2/24 "$a" a_in 10.9.0.1/24 &&
		veth_link "$a" ab1 10.8.1.1/24 "$b" ba1 10.8.1.2/24 &&
		veth_link "$a" ab2 10.8.2.1/24 "$b" ba2 10.8.2.2/24
	check_err $? "the two routers could not be linked"
	# A sends what comes from the source or back from B to B; B sends
	# it back to A on the other link.
	mcfwctl -n "$a" route add 239.22.0.1 iif a_in oif ab1 &&
		mcfwctl -n "$a" route add 239.22.0.1 iif ab2 oif ab1 &&
		mcfwctl -n "$b" route add 239.22.0.1 iif ba1 oif ba2
	check_err $? "routes of the loop failed"
	ip netns exec "$s" "$MCAST" send 239.22.0.1 "$PORT" -i s9 -n "$n" -t 64 \
		-r 50 >/dev/null
	sleep 1
	one=$(loop_counts "$a" "$b")
	sleep 1
	two=$(loop_counts "$a" "$b")
	[ "$one" = "$two" ]
	check_err $? "counters still moved a second after the sender stopped: $one, then $two"
	# TTL 64 from the source: A forwards it at 64, then at 62, 60 .. 2
	# (31 times more); B at 63, 61 .. 3 (31 times) and drops it at 1.
	[ "$(mcfwctl -n "$b" -j -s route show | json '.[0].stats | [.packets, .ttl_drop] | @csv')" = \
	  "$((n * 32)),$n" ]
	check_err $? "B: $(mcfwctl -n "$b" -s route show)"
	[ "$(mcfwctl -n "$a" -j -s route show | json '[.[] | .stats.packets] | @csv')" = \
	  "$n,$((n * 31))" ]
	check_err $? "A: $(mcfwctl -n "$a" -s route show)"
	log_test "packets: two routers forwarding a group to each other: every copy dies by TTL"
}

require_root
if ! setup; then
	echo "not ok 1 packets: topology could not be set up"
	exit 1
fi
run_tests
