#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 multicast forwarding by mcfw, with real traffic between namespaces
# and packet counts checked at every receiver: forwarding.sh's topology
# in IPv6 (lib/topology.sh setup6), no IPv4 anywhere.
#
#                         +------------------ rtr ------------------+
#  src                    |                                         |
#  s0 2001:db8:1::2/64 -- r0 2001:db8:1::1/64    r1 2001:db8:2::1/64 --- h1 2001:db8:2::2
#                         |                      r2 2001:db8:3::1/64 --- h2 2001:db8:3::2
#                         |      mcfw            r3 2001:db8:4::1/64 --- h3 2001:db8:4::2
#                         +-----------------------------------------+
#
# Streams are selftests/mcast's (UDP, numbered, patterned); hand-made
# frames (Router Alert, MLD, chains of extension headers, truncated
# ones, martian sources) are selftests/pkt's send6, and pkt capture6
# checks every frame of a group that reaches a receiver's link. (S,G)
# routes use groups of ff3e::/96 (SSM, global scope), (*,G) routes
# groups of ff1e::/16 (transient, global scope). Cases that need more
# links (64 outputs, ip6gre, deletions under traffic) add them for
# themselves and remove them when they end.

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	sg_two_outputs_not_third
	hop_limit_decremented
	star_g_route
	rpf_failure_counted
	scopes_never_forwarded
	mld_not_forwarded
	hop_limit_one_not_forwarded
	mtu_drop
	fragments_as_they_came_or_refragmented
	same_group_both_directions
	route_with_64_outputs
	replace_under_traffic
	output_deleted_under_traffic
	input_deleted_under_traffic
	ip6gre_tunnel_in_and_out
	translated_outputs_and_snat
	unicast_outputs
	relay_unicast_back_to_multicast
	hostile_extension_headers
	martian_sources
	bad_routes_rejected
	firewall_sees_the_copies
	save_restore_and_json
"

# The debug kernel (KASAN watching the walk of extension headers) runs the
# hostile packets only: its lane of make check has no time for the rest.
if is_debug_kernel && [ -z "${MCFW_CASES:-}" ]; then
	ALL_TESTS="hostile_extension_headers"
fi

TOPO=mf6
source "$(dirname "$0")/lib/topology.sh"

PKT=$TOPDIR/selftests/pkt
# src's address, the source of its streams.
S6=2001:db8:1::2

# Every case starts with no routes, no receivers and no captures.
case_start6()
{
	case_start
	CAPS=()
	CAP_PIDS=()
	defer cap6_reset
}

cap6_reset()
{
	local p

	for p in "${CAP_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -f "${CAPS[@]}"
}

# cap6_bg NS DEV GROUP: pkt capture6 of GROUP's frames arriving on DEV;
# it is number ${#CAPS[@]}-1 for cap6_count. Returns once it listens.
cap6_bg()
{
	local f i

	f=$(mktemp)
	ip netns exec "$1" "$PKT" capture6 "$2" "$3" 60 >"$f" 2>&1 &
	CAP_PIDS+=($!)
	CAPS+=("$f")
	for i in $(seq 1 200); do
		grep -q '^ready' "$f" && return 0
		sleep 0.05
	done
	echo "# capture in $1 on $2 did not start: $(cat "$f")"
	return 1
}

# Once the senders are done: let the last copies land, stop the captures.
cap6_stop()
{
	sleep 0.5
	kill "${CAP_PIDS[@]}" 2>/dev/null
	wait "${CAP_PIDS[@]}" 2>/dev/null
	CAP_PIDS=()
}

# cap6_count N PATTERN: the frames of capture N whose line matches PATTERN
# (a grep regular expression; '' counts every frame).
cap6_count()
{
	grep '^frame ' "${CAPS[$1]}" | grep -c -- "$2"
}

# pkt6 NS DEV GROUP [ARGS...]: pkt send6 (see pkt.c).
pkt6()
{
	local ns=$1 dev=$2 grp=$3

	shift 3
	ip netns exec "$ns" "$PKT" send6 "$dev" "$grp" "$@" >/dev/null
}

# snmp6 NS NAME: a counter of the namespace's /proc/net/snmp6.
snmp6()
{
	# shellcheck disable=SC2016 # awk's variables
	ip netns exec "$1" awk -v k="$2" '$1 == k { v = $2 } END { print v + 0 }' \
		/proc/net/snmp6
}

sg_two_outputs_not_third()
{
	case_start6
	rtr route add ff3e::8000:1 source "$S6" iif r0 oif r1 r2
	check_err $? "route add failed"
	rtr route show | grep -qxF "($S6, ff3e::8000:1) iif r0 oif r1 r2"
	check_err $? "route show: $(rtr route show)"
	recv_bg "$H1" h1 ff3e::8000:1 && recv_bg "$H2" h2 ff3e::8000:1 &&
		recv_bg "$H3" h3 ff3e::8000:1
	check_err $? "receivers did not start"
	send "$SRC" s0 ff3e::8000:1 -n 100
	recv_wait
	expect_recv 0 100 "h1 (output)"
	expect_recv 1 100 "h2 (output)"
	expect_recv 2 0 "h3 (not an output)"
	[ "$(recv_field 0 from)" = "$S6" ]
	check_err $? "h1's datagrams came from $(recv_field 0 from), not $S6"
	# 64 bytes of payload + 8 UDP + 40 IPv6 = 112 bytes a packet.
	[ "$(route_stat ff3e::8000:1 packets)" = 100 ] &&
		[ "$(route_stat ff3e::8000:1 bytes)" = $((100 * 112)) ] &&
		[ "$(oif_stat ff3e::8000:1 r1 packets)" = 100 ] &&
		[ "$(oif_stat ff3e::8000:1 r1 bytes)" = $((100 * 112)) ] &&
		[ "$(oif_stat ff3e::8000:1 r2 packets)" = 100 ] &&
		[ "$(oif_stat ff3e::8000:1 r2 drops)" = 0 ]
	check_err $? "route counters: $(rtr -s route show)"
	[ "$(iface_stat r0 in_packets)" = 100 ] &&
		[ "$(iface_stat r1 out_packets)" = 100 ] &&
		[ "$(iface_stat r2 out_bytes)" = $((100 * 112)) ]
	check_err $? "interface counters: $(rtr -s iface show)"
	log_test "forwarding6: (S,G) to two outputs and not to a third"
}

hop_limit_decremented()
{
	case_start6
	rtr route add ff3e::8000:2 source "$S6" iif r0 oif r1
	recv_bg "$H1" h1 ff3e::8000:2 && recv_bg "$RTR" r0 ff3e::8000:2
	check_err $? "receivers did not start"
	send "$SRC" s0 ff3e::8000:2 -n 50 -t 64 -s 1000
	recv_wait
	expect_recv 0 50 "h1"
	[ "$(recv_field 0 ttl_min)" = 63 ] && [ "$(recv_field 0 ttl_max)" = 63 ]
	check_err $? "hop limit at h1 is $(recv_field 0 ttl_min)..$(recv_field 0 ttl_max), expected 63"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(recv_field 0 dup)" = 0 ] &&
		[ "$(recv_field 0 bytes)" = 50000 ]
	check_err $? "payload damaged or duplicated: $(cat "${RECV_FILES[0]}")"
	# The original goes on to the router's own stack, untouched.
	expect_recv 1 50 "a listener on the router"
	[ "$(recv_field 1 ttl_max)" = 64 ]
	check_err $? "the router's listener saw hop limit $(recv_field 1 ttl_max), expected the original 64"

	recv_bg "$H1" h1 ff3e::8000:2
	send "$SRC" s0 ff3e::8000:2 -n 20 -t 255 -s 100
	recv_wait
	expect_recv 2 20 "h1, hop limit 255"
	[ "$(recv_field 2 ttl_min)" = 254 ] && [ "$(recv_field 2 ttl_max)" = 254 ] &&
		[ "$(recv_field 2 bad)" = 0 ]
	check_err $? "hop limit 255: $(cat "${RECV_FILES[2]}")"
	log_test "forwarding6: hop limit decremented by one, payload intact, the router's listener sees the original"
}

star_g_route()
{
	case_start6
	rtr route add ff1e::2 iif r0 oif r3
	check_err $? "(*,G) route add failed"
	rtr route show | grep -qxF '(*, ff1e::2) iif r0 oif r3'
	check_err $? "route show: $(rtr route show)"
	[ "$(rtr -j route show ff1e::2 | json '.[0].source')" = null ]
	check_err $? "JSON source of a (*,G) route: $(rtr -j route show ff1e::2)"
	recv_bg "$H3" h3 ff1e::2 && recv_bg "$H1" h1 ff1e::2
	send "$SRC" s0 ff1e::2 -n 100
	recv_wait
	expect_recv 0 100 "h3 via (*,G)"
	expect_recv 1 0 "h1 (not an output)"
	# Any source: one src does not have.
	recv_bg "$H3" h3 ff1e::2
	pkt6 "$SRC" s0 ff1e::2 -S 2001:db8:7::5 -n 30
	check_err $? "pkt send6 failed"
	recv_wait
	expect_recv 2 30 "h3, another source via (*,G)"
	[ "$(recv_field 2 from)" = 2001:db8:7::5 ] && [ "$(recv_field 2 bad)" = 0 ]
	check_err $? "the other source: $(cat "${RECV_FILES[2]}")"
	[ "$(route_stat ff1e::2 packets)" = 130 ]
	check_err $? "the route counted $(route_stat ff1e::2 packets), not 130"
	log_test "forwarding6: (*,G) route for any source"
}

rpf_failure_counted()
{
	case_start6
	# The (S,G)'s only route expects it on r1: arriving on r0 is wrong.
	rtr route add ff3e::8000:3 source "$S6" iif r1 oif r2
	# The (*,G)'s likewise.
	rtr route add ff1e::3 iif r1 oif r2
	recv_bg "$H2" h2 ff3e::8000:3 && recv_bg "$H2" h2 ff1e::3
	send "$SRC" s0 ff3e::8000:3 -n 40
	send "$SRC" s0 ff1e::3 -n 30
	recv_wait
	expect_recv 0 0 "h2, (S,G) after RPF failure"
	expect_recv 1 0 "h2, (*,G) after RPF failure"
	[ "$(route_stat ff3e::8000:3 rpf_fail)" = 40 ] &&
		[ "$(route_stat ff3e::8000:3 packets)" = 0 ]
	check_err $? "(S,G): $(rtr -s route show ff3e::8000:3)"
	[ "$(route_stat ff1e::3 rpf_fail)" = 30 ] &&
		[ "$(route_stat ff1e::3 packets)" = 0 ]
	check_err $? "(*,G): $(rtr -s route show ff1e::3)"
	log_test "forwarding6: RPF failure from another input, counted, no copies"
}

scopes_never_forwarded()
{
	local g

	case_start6
	defer rtr iface set r0 boundary none
	defer rtr iface set r1 boundary none
	defer rtr iface set r2 boundary none
	# Scopes 0 (reserved), 1 (interface-local) and 2 (link-local), with
	# any flags, cannot be routed.
	for g in ff02::1:3 ff12::8000:1 ff32::8000:1 ff01::1 ff00::8000:1; do
		reject "scope" add "$g" iif r0 oif r1
	done
	reject "scope" add ff02::1:3 source "$S6" iif r0 oif r1
	[ "$(route_count)" = 0 ]
	check_err $? "route count $(route_count), expected 0"
	# Routes of the same group IDs in a routable scope do not catch
	# link-scoped traffic.
	rtr route add ff0e::8000:1 iif r0 oif r1 && rtr route add ff1e::8000:1 iif r0 oif r1
	check_err $? "route add of global scope groups failed"
	recv_bg "$H1" h1 ff02::8000:1 && recv_bg "$H1" h1 ff12::8000:1
	send "$SRC" s0 ff02::8000:1 -n 20 && send "$SRC" s0 ff12::8000:1 -n 20
	check_err $? "sending to link-scoped groups failed"
	recv_wait
	expect_recv 0 0 "h1 for ff02::8000:1"
	expect_recv 1 0 "h1 for ff12::8000:1"
	[ "$(route_stat ff0e::8000:1 packets)$(route_stat ff1e::8000:1 packets)" = 00 ]
	check_err $? "a link-scoped packet took a route: $(rtr -s route show)"
	rtr route flush

	# A zone boundary (RFC 4007) of scope 5: scope 5 groups, whatever
	# their flags (ff05::, ff15::), never leave through it.
	rtr route add ff05::1:3 iif r0 oif r1 r2 && rtr route add ff15::8000:5 iif r0 oif r1 r2
	check_err $? "route add of site-local groups failed"
	rtr iface set r1 boundary scope 5
	check_err $? "iface set r1 boundary scope 5 failed"
	rtr iface show | grep -q '^r1 .*boundary scope 5$'
	check_err $? "iface show: $(rtr iface show)"
	[ "$(rtr -j iface show | json '.[] | select(.dev == "r1") | .boundary_scope')" = 5 ]
	check_err $? "JSON: $(rtr -j iface show)"
	recv_bg "$H1" h1 ff05::1:3 && recv_bg "$H1" h1 ff15::8000:5 &&
		recv_bg "$H2" h2 ff05::1:3 && recv_bg "$H2" h2 ff15::8000:5
	check_err $? "receivers did not start"
	send "$SRC" s0 ff05::1:3 -n 30 && send "$SRC" s0 ff15::8000:5 -n 20
	recv_wait
	expect_recv 2 0 "h1, ff05::1:3 behind r1's scope 5 boundary"
	expect_recv 3 0 "h1, ff15::8000:5 behind r1's scope 5 boundary"
	expect_recv 4 30 "h2, ff05::1:3 (r2 has no boundary)"
	expect_recv 5 20 "h2, ff15::8000:5 (r2 has no boundary)"
	[ "$(iface_stat r1 boundary_drop)" = 50 ] &&
		[ "$(oif_stat ff05::1:3 r1 drops)" = 30 ] &&
		[ "$(oif_stat ff15::8000:5 r1 drops)" = 20 ] &&
		[ "$(oif_stat ff05::1:3 r2 packets)" = 30 ] &&
		[ "$(iface_stat r2 boundary_drop)" = 0 ]
	check_err $? "scope 5 counters: $(rtr -s route show; rtr -s iface show)"

	# A boundary of scope 4 is not one of scope 5.
	rtr iface set r1 boundary scope 4
	recv_bg "$H1" h1 ff05::1:3
	send "$SRC" s0 ff05::1:3 -n 10
	recv_wait
	expect_recv 6 10 "h1, ff05::1:3 through a scope 4 boundary"

	# A prefix is a prefix: ff05::/16 holds ff05::1:3, not ff15::8000:5.
	rtr iface set r1 boundary none && rtr iface set r2 boundary ff05::/16
	check_err $? "iface set r2 boundary ff05::/16 failed"
	rtr iface show | grep -q '^r2 .*boundary ff05::/16$'
	check_err $? "iface show: $(rtr iface show)"
	recv_bg "$H1" h1 ff05::1:3 && recv_bg "$H1" h1 ff15::8000:5 &&
		recv_bg "$H2" h2 ff05::1:3 && recv_bg "$H2" h2 ff15::8000:5
	check_err $? "receivers did not start"
	send "$SRC" s0 ff05::1:3 -n 30 && send "$SRC" s0 ff15::8000:5 -n 20
	recv_wait
	expect_recv 7 30 "h1, ff05::1:3 (r1's boundary removed)"
	expect_recv 8 20 "h1, ff15::8000:5 (r1's boundary removed)"
	expect_recv 9 0 "h2, ff05::1:3 behind r2's ff05::/16"
	expect_recv 10 20 "h2, ff15::8000:5: not in ff05::/16"
	[ "$(iface_stat r2 boundary_drop)" = 30 ] &&
		[ "$(oif_stat ff15::8000:5 r2 drops)" = 0 ]
	check_err $? "prefix counters: $(rtr -s route show; rtr -s iface show)"

	# Into an interface: a scope 5 boundary on the input.
	rtr iface set r2 boundary none && rtr iface set r0 boundary scope 5
	check_err $? "iface set r0 boundary scope 5 failed"
	recv_bg "$H1" h1 ff15::8000:5
	send "$SRC" s0 ff15::8000:5 -n 15
	recv_wait
	expect_recv 11 0 "h1, ff15::8000:5 arriving on r0's scope 5 boundary"
	[ "$(route_stat ff15::8000:5 boundary_drop)" = 15 ] &&
		[ "$(iface_stat r0 boundary_drop)" = 15 ]
	check_err $? "input boundary counters: $(rtr -s route show ff15::8000:5; rtr -s iface show)"
	log_test "forwarding6: scopes 0-2 never routed nor forwarded; zone boundaries by scope, prefixes as written"
}

mld_not_forwarded()
{
	local g=ff3e::8000:6

	case_start6
	rtr route add "$g" source "$S6" iif r0 oif r1
	cap6_bg "$H1" h1 "$g"
	check_err $? "capture did not start"
	# A plain datagram, forwarded; one with a Hop-by-Hop Router Alert,
	# for the router's stack; MLD messages to the group, with no Router
	# Alert, the last behind a Destination Options header; an ICMPv6
	# echo request, which is not MLD and is forwarded.
	pkt6 "$SRC" s0 "$g" -n 20 &&
		pkt6 "$SRC" s0 "$g" -n 20 -a &&
		pkt6 "$SRC" s0 "$g" -n 20 -m 143 &&
		pkt6 "$SRC" s0 "$g" -n 20 -m 131 &&
		pkt6 "$SRC" s0 "$g" -n 20 -m 130 &&
		pkt6 "$SRC" s0 "$g" -n 20 -m 132 -d 1 &&
		pkt6 "$SRC" s0 "$g" -n 20 -m 128
	check_err $? "pkt send6 failed"
	cap6_stop
	[ "$(cap6_count 0 'hlim 63 plen 72 exthdrs 0 udp ok$')" = 20 ] &&
		[ "$(cap6_count 0 'hlim 63 .* exthdrs 0 icmp6 128 ok$')" = 20 ] &&
		[ "$(cap6_count 0 '')" = 40 ]
	check_err $? "h1 captured: $(cat "${CAPS[0]}")"
	[ "$(route_stat "$g" packets)" = 40 ] &&
		[ "$(route_stat "$g" ra_drop)" = 20 ] &&
		[ "$(iface_stat r0 ra_drop)" = 20 ] &&
		[ "$(oif_stat "$g" r1 packets)" = 40 ]
	check_err $? "counters: $(rtr -s route show "$g"; rtr -s iface show)"
	log_test "forwarding6: Router Alert not forwarded (ra_drop), MLD not forwarded, other ICMPv6 is"
}

hop_limit_one_not_forwarded()
{
	local te_src te_rtr

	case_start6
	rtr route add ff1e::7 iif r0 oif r1
	te_src=$(snmp6 "$SRC" Icmp6InTimeExcds)
	te_rtr=$(snmp6 "$RTR" Icmp6OutTimeExcds)
	recv_bg "$H1" h1 ff1e::7
	send "$SRC" s0 ff1e::7 -n 30 -t 1
	pkt6 "$SRC" s0 ff1e::7 -n 10 -t 0
	check_err $? "pkt send6 failed"
	recv_wait
	expect_recv 0 0 "h1 with hop limit 1 or 0"
	[ "$(route_stat ff1e::7 ttl_drop)" = 40 ] &&
		[ "$(iface_stat r0 ttl_drop)" = 40 ] &&
		[ "$(route_stat ff1e::7 packets)" = 40 ] &&
		[ "$(oif_stat ff1e::7 r1 packets)" = 0 ]
	check_err $? "ttl_drop: $(rtr -s route show ff1e::7; rtr -s iface show)"

	recv_bg "$H1" h1 ff1e::7
	send "$SRC" s0 ff1e::7 -n 30 -t 2
	recv_wait
	expect_recv 1 30 "h1 with hop limit 2"
	[ "$(recv_field 1 ttl_max)" = 1 ]
	check_err $? "hop limit 2 arrived as $(recv_field 1 ttl_max)"
	# No ICMPv6 Time Exceeded about multicast.
	[ "$(snmp6 "$SRC" Icmp6InTimeExcds)" = "$te_src" ] &&
		[ "$(snmp6 "$RTR" Icmp6OutTimeExcds)" = "$te_rtr" ]
	check_err $? "Time Exceeded sent: router $te_rtr -> $(snmp6 "$RTR" Icmp6OutTimeExcds), src $te_src -> $(snmp6 "$SRC" Icmp6InTimeExcds)"
	log_test "forwarding6: hop limit 1 not forwarded (counted, no Time Exceeded), 2 is"
}

mtu_drop()
{
	local g=ff3e::8000:8 ptb ptb_rtr

	case_start6
	ip -n "$RTR" link set r1 mtu 1280
	check_err $? "could not set r1's MTU to 1280"
	defer ip -n "$RTR" link set r1 mtu 1500
	rtr route add "$g" source "$S6" iif r0 oif r1 r2
	ptb=$(snmp6 "$SRC" Icmp6InPktTooBigs)
	ptb_rtr=$(snmp6 "$RTR" Icmp6OutPktTooBigs)
	# -D: src sends at its link MTU whatever Packet Too Big told it.
	# 1232 bytes of payload: 1280-byte packets, which fit r1.
	recv_bg "$H1" h1 "$g" && recv_bg "$H2" h2 "$g"
	send "$SRC" s0 "$g" -n 10 -s 1232 -D
	recv_wait
	expect_recv 0 10 "h1, 1280-byte packets through an MTU of 1280"
	expect_recv 1 10 "h2, 1280-byte packets"
	[ "$(iface_stat r1 mtu_drop)" = 0 ]
	check_err $? "r1 mtu_drop $(iface_stat r1 mtu_drop) for packets that fit"
	# 1400 and 1233 bytes: too big for r1, never fragmented by a router.
	recv_bg "$H1" h1 "$g" && recv_bg "$H2" h2 "$g"
	send "$SRC" s0 "$g" -n 20 -s 1400 -D && send "$SRC" s0 "$g" -n 5 -s 1233 -D
	check_err $? "src could not send 1448 and 1281-byte packets"
	recv_wait
	expect_recv 2 0 "h1 behind an MTU of 1280"
	expect_recv 3 25 "h2 with an MTU of 1500"
	[ "$(recv_field 3 bad)" = 0 ]
	check_err $? "h2: $(cat "${RECV_FILES[3]}")"
	[ "$(iface_stat r1 mtu_drop)" = 25 ] &&
		[ "$(oif_stat "$g" r1 drops)" = 25 ] &&
		[ "$(oif_stat "$g" r1 packets)" = 10 ] &&
		[ "$(oif_stat "$g" r2 packets)" = 35 ] &&
		[ "$(route_stat "$g" packets)" = 35 ]
	check_err $? "counters: $(rtr -s route show "$g"; rtr -s iface show)"
	# RFC 4443 2.4 (e.3): a Packet Too Big about multicast, to src.
	sleep 0.5
	ptb=$(($(snmp6 "$SRC" Icmp6InPktTooBigs) - ptb))
	ptb_rtr=$(($(snmp6 "$RTR" Icmp6OutPktTooBigs) - ptb_rtr))
	echo "# Packet Too Big: the router sent $ptb_rtr, src received $ptb, for 25 copies dropped"
	[ "$ptb" -ge 1 ] && [ "$ptb" -le 25 ] && [ "$ptb_rtr" -le 25 ]
	check_err $? "Packet Too Big: the router sent $ptb_rtr, src received $ptb (1 to 25 expected)"
	log_test "forwarding6: a copy too big for its output dropped (mtu_drop), Packet Too Big to the source"
}

fragments_as_they_came_or_refragmented()
{
	local g=ff3e::8000:30 g2=ff3e::8000:31 before after n

	case_start6
	# Without conntrack: fragments go as they came, each counted.
	rtr route add "$g" source "$S6" iif r0 oif r1
	recv_bg "$H1" h1 "$g"
	# 3000 bytes leave src as three fragments each (1448 bytes of data).
	send "$SRC" s0 "$g" -n 30 -s 3000
	recv_wait
	expect_recv 0 30 "h1, datagrams sent as fragments"
	[ "$(recv_field 0 bad)" = 0 ]
	check_err $? "reassembled payload damaged: $(cat "${RECV_FILES[0]}")"
	[ "$(route_stat "$g" packets)" = 90 ]
	check_err $? "route saw $(route_stat "$g" packets) packets, expected 90 fragments"

	# With conntrack, nf_defrag_ipv6 reassembles: counted once, and cut
	# again to the largest fragment received (1280), as ip6_forward()
	# does: 2500 bytes are 3 fragments, not the 2 r1's MTU would take.
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip6 mcfw-ct6 {
			chain pre {
				type filter hook prerouting priority filter; policy accept;
				ct state new counter
			}
		}
	EOF
	check_err $? "nft ct rule refused"
	defer ip netns exec "$RTR" nft delete table ip6 mcfw-ct6
	ip -n "$SRC" link set s0 mtu 1280
	defer ip -n "$SRC" link set s0 mtu 1500
	rtr route add "$g2" source "$S6" iif r0 oif r1
	before=$(ip -n "$H1" -j -s link show h1 | json '.[0].stats64.rx.packets')
	recv_bg "$H1" h1 "$g2"
	send "$SRC" s0 "$g2" -n 20 -s 2500
	recv_wait
	after=$(ip -n "$H1" -j -s link show h1 | json '.[0].stats64.rx.packets')
	expect_recv 1 20 "h1, 2500-byte datagrams reassembled by the router"
	[ "$(recv_field 1 bad)" = 0 ] && [ "$(recv_field 1 bytes)" = 50000 ]
	check_err $? "datagrams damaged: $(cat "${RECV_FILES[1]}")"
	[ "$(route_stat "$g2" packets)" = 20 ] &&
		[ "$(oif_stat "$g2" r1 drops)" = 0 ]
	check_err $? "the route counted: $(rtr -s route show "$g2")"
	n=$((after - before))
	[ "$n" -ge 60 ] && [ "$n" -le 64 ]
	check_err $? "h1 received $n frames for 20 datagrams (60 fragments expected)"
	log_test "forwarding6: fragments forwarded as they came; with nf_defrag_ipv6, reassembled and cut again to the largest fragment received"
}

same_group_both_directions()
{
	case_start6
	rtr route add ff1e::9 iif r0 oif r1
	rtr route add ff1e::9 iif r1 oif r0
	check_err $? "second route of the group on another input refused"
	recv_bg "$H1" h1 ff1e::9 && recv_bg "$SRC" s0 ff1e::9
	send "$SRC" s0 ff1e::9 -n 40
	send "$H1" h1 ff1e::9 -n 60
	recv_wait
	expect_recv 0 40 "h1 (from src)"
	expect_recv 1 60 "src (from h1)"
	[ "$(recv_field 1 from)" = 2001:db8:2::2 ]
	check_err $? "src's datagrams came from $(recv_field 1 from)"
	[ "$(rtr -j -s route show ff1e::9 iif r0 | json '.[0].stats.packets')" = 40 ] &&
		[ "$(rtr -j -s route show ff1e::9 iif r1 | json '.[0].stats.packets')" = 60 ]
	check_err $? "counters: $(rtr -s route show ff1e::9)"
	log_test "forwarding6: the same group both ways on two routes"
}

route_with_64_outputs()
{
	local ns=mf6-big-$$ oifs i n

	case_start6
	# The receiving side without IPv6: its devices send nothing, so each
	# counts the copies alone. The router's side without addresses (no
	# link-local address: no MLD report, no router solicitation).
	NS_IPV6=0 extra_ns "$ns"
	mapfile -t oifs < <(seq -f 'o%g' 1 64)
	for i in $(seq 1 64); do
		echo "link add o$i netns $RTR type veth peer name k$i netns $ns"
	done | ip -batch -
	check_err $? "could not create 64 veth pairs"
	for i in $(seq 1 64); do
		echo "link set o$i addrgenmode none"
		echo "link set o$i up"
	done | ip -n "$RTR" -batch -
	for i in $(seq 1 64); do echo "link set k$i up"; done | ip -n "$ns" -batch -
	defer ip -n "$RTR" link del o1
	rtr route add ff1e::10 iif r0 oif "${oifs[@]}"
	check_err $? "64-output route refused"
	[ "$(rtr -j route show ff1e::10 | json '.[0].oifs | length')" = 64 ]
	check_err $? "route does not list 64 outputs"
	# Paced, as forwarding.sh's: 64 copies at once fit the backlog.
	send "$SRC" s0 ff1e::10 -n 20 -r 50
	sleep 1
	n=$(ip -n "$ns" -j -s link show |
		json '[.[] | select(.ifname | startswith("k")) |
		       select(.stats64.rx.packets == 20)] | length')
	[ "$n" = 64 ]
	check_err $? "only $n of 64 outputs got exactly 20 packets"
	[ "$(route_stat ff1e::10 packets)" = 20 ] &&
		[ "$(oif_stat ff1e::10 o1 packets)" = 20 ] &&
		[ "$(oif_stat ff1e::10 o64 packets)" = 20 ]
	check_err $? "counted: $(rtr -s route show ff1e::10 | head -3; rtr -s route show ff1e::10 | tail -1)"
	log_test "forwarding6: a 64-output route copies to every output"
}

replace_under_traffic()
{
	local a b

	case_start6
	rtr route add ff1e::11 iif r0 oif r1 r2
	recv_bg "$H1" h1 ff1e::11 && recv_bg "$H2" h2 ff1e::11 &&
		recv_bg "$H3" h3 ff1e::11
	send "$SRC" s0 ff1e::11 -n 1500 -r 500 &
	sleep 1.2
	rtr route replace ff1e::11 iif r0 oif r1 r3
	check_err $? "route replace failed"
	wait $!
	recv_wait
	expect_recv 0 1500 "h1 (output before and after)"
	a=$(recv_field 1 received)
	b=$(recv_field 2 received)
	[ $((a + b)) -eq 1500 ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ]
	check_err $? "h2 (old output) got $a, h3 (new output) got $b: sum must be 1500, both > 0; receivers: $(cat "${RECV_FILES[1]}" "${RECV_FILES[2]}"); router: $(rtr -s route show ff1e::11; rtr -s iface show)"
	[ "$(recv_field 1 dup)$(recv_field 2 dup)" = 00 ]
	check_err $? "duplicates"
	rtr route show | grep -qxF '(*, ff1e::11) iif r0 oif r1 r3'
	check_err $? "route after replace: $(rtr route show)"
	log_test "forwarding6: replace under traffic loses nothing, no stale output"
}

output_deleted_under_traffic()
{
	local ns=mf6-x1-$$

	case_start6
	extra_ns "$ns"
	veth_link "$RTR" rx 2001:db8:5::1/64 "$ns" hx 2001:db8:5::2/64
	rtr route add ff1e::12 iif r0 oif r1 rx
	recv_bg "$H1" h1 ff1e::12
	send "$SRC" s0 ff1e::12 -n 1000 -r 400 &
	sleep 1
	timeout 20 ip -n "$RTR" link del rx
	check_err $? "ip link del of an output hung or failed"
	wait $!
	recv_wait
	expect_recv 0 1000 "h1 (the remaining output)"
	rtr route show | grep -qxF '(*, ff1e::12) iif r0 oif r1 rx waiting rx'
	check_err $? "route after output deletion: $(rtr route show)"
	log_test "forwarding6: an output deleted under traffic waits in place"
}

input_deleted_under_traffic()
{
	local ns=mf6-x2-$$

	case_start6
	extra_ns "$ns"
	veth_link "$ns" sx 2001:db8:6::2/64 "$RTR" ix 2001:db8:6::1/64
	rtr route add ff1e::13 iif ix oif r1
	rtr route add ff1e::14 iif r0 oif ix
	recv_bg "$H1" h1 ff1e::13
	ip netns exec "$ns" "$MCAST" send ff1e::13 "$PORT" -i sx \
		-n 2000 -r 400 >/dev/null 2>&1 &
	sleep 1
	timeout 20 ip -n "$RTR" link del ix
	check_err $? "ip link del of an input hung or failed"
	wait $!
	recv_wait
	[ "$(recv_field 0 received)" -gt 0 ]
	check_err $? "nothing was forwarded before the deletion"
	rtr route show | grep -qxF '(*, ff1e::13) iif ix oif r1 waiting ix'
	check_err $? "route with a deleted input: $(rtr route show)"
	rtr route show | grep -qxF '(*, ff1e::14) iif r0 oif ix waiting ix'
	check_err $? "route that used it as output: $(rtr route show)"
	[ "$(rtr -j info | json .waiting)" = 1 ]
	check_err $? "info does not count the waiting route: $(rtr info)"
	log_test "forwarding6: an input deleted under traffic: its route waits whole"
}

ip6gre_tunnel_in_and_out()
{
	local wan=mf6-wan-$$ gw=mf6-gw-$$ far=mf6-far-$$ sink=mf6-sink-$$ ns

	case_start6
	for ns in "$wan" "$gw" "$far" "$sink"; do
		extra_ns "$ns"
	done
	#  rtr w0 --- wan --- w1 gw; gre6t rtr<->gw over it; gw g0 --- sink
	veth_link "$RTR" w0 2001:db8:f0::1/64 "$wan" wa 2001:db8:f0::2/64
	veth_link "$gw" w1 2001:db8:f1::1/64 "$wan" wb 2001:db8:f1::2/64
	ip netns exec "$wan" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$RTR" -6 route add 2001:db8:f1::/64 via 2001:db8:f0::2
	ip -n "$gw" -6 route add 2001:db8:f0::/64 via 2001:db8:f1::2
	ip -n "$RTR" link add gre6t type ip6gre local 2001:db8:f0::1 \
		remote 2001:db8:f1::1 hoplimit 64 &&
		ip -n "$gw" link add gre6t type ip6gre local 2001:db8:f1::1 \
			remote 2001:db8:f0::1 hoplimit 64
	check_err $? "ip6gre tunnel could not be created"
	defer ip -n "$RTR" link del gre6t
	ip -n "$RTR" link set gre6t up
	ip -n "$gw" link set gre6t up
	veth_link "$gw" g0 2001:db8:7::1/64 "$sink" k0 2001:db8:7::2/64
	veth_link "$far" f0 2001:db8:8::2/64 "$gw" g1 2001:db8:8::1/64

	# Into the tunnel at rtr, out of it at gw.
	rtr route add ff3e::8000:14 source "$S6" iif r0 oif r1 gre6t
	mcfwctl -n "$gw" route add ff3e::8000:14 source "$S6" iif gre6t oif g0
	check_err $? "routes with an ip6gre interface refused"
	# And back: from the far side of gw, out of the tunnel at rtr.
	mcfwctl -n "$gw" route add ff1e::15 iif g1 oif gre6t
	rtr route add ff1e::15 iif gre6t oif r2

	recv_bg "$sink" k0 ff3e::8000:14 && recv_bg "$H1" h1 ff3e::8000:14 &&
		recv_bg "$H2" h2 ff1e::15
	check_err $? "receivers did not start"
	send "$SRC" s0 ff3e::8000:14 -n 100 -t 64 -s 200
	ip netns exec "$far" "$MCAST" send ff1e::15 "$PORT" -i f0 -n 70 \
		-t 64 >/dev/null
	recv_wait
	expect_recv 0 100 "sink behind the tunnel"
	[ "$(recv_field 0 ttl_max)" = 62 ] && [ "$(recv_field 0 bad)" = 0 ]
	check_err $? "through the tunnel: $(cat "${RECV_FILES[0]}")"
	expect_recv 1 100 "h1 beside the tunnel"
	expect_recv 2 70 "h2, out of the tunnel at rtr"
	[ "$(recv_field 2 ttl_max)" = 62 ] && [ "$(recv_field 2 bad)" = 0 ]
	check_err $? "out of the tunnel: $(cat "${RECV_FILES[2]}")"
	[ "$(oif_stat ff3e::8000:14 gre6t packets)" = 100 ] &&
		[ "$(route_stat ff1e::15 packets)" = 70 ]
	check_err $? "counted: $(rtr -s route show)"
	mcfwctl -n "$gw" route flush
	log_test "forwarding6: into and out of an ip6gre tunnel"
}

translated_outputs_and_snat()
{
	local g=ff3e::8000:40 round n i

	case_start6
	# The receivers check every checksum in software.
	ip netns exec "$RTR" ethtool -K r1 tx off >/dev/null &&
		ip netns exec "$RTR" ethtool -K r2 tx off >/dev/null
	check_err $? "ethtool -K tx off failed"
	defer ip netns exec "$RTR" ethtool -K r1 tx on
	defer ip netns exec "$RTR" ethtool -K r2 tx on
	rtr route add "$g" source "$S6" iif r0 \
		oif r1 "r1@[ff3e::9000:1]:6001" r2:8@ff3e::9000:2
	check_err $? "route add with translated outputs failed"
	rtr route show | grep -qxF "($S6, $g) iif r0 oif r1 r1@[ff3e::9000:1]:6001 r2:8@ff3e::9000:2"
	check_err $? "route show: $(rtr route show)"
	# Sender offload (CHECKSUM_PARTIAL at the router), then none.
	for round in offload software; do
		if [ $round = software ]; then
			ip netns exec "$SRC" ethtool -K s0 tx off >/dev/null
			check_err $? "ethtool -K s0 tx off failed"
			defer ip netns exec "$SRC" ethtool -K s0 tx on
		fi
		n=${#RECV_FILES[@]}
		recv_bg "$H1" h1 "$g" &&
			PORT=6001 recv_bg "$H1" h1 ff3e::9000:1 &&
			recv_bg "$H1" h1 ff3e::9000:1 &&
			recv_bg "$H2" h2 ff3e::9000:2 &&
			recv_bg "$H2" h2 "$g"
		check_err $? "receivers did not start"
		send "$SRC" s0 "$g" -n 50 -s 1000
		recv_wait
		expect_recv "$n" 50 "h1, the plain copy ($round)"
		expect_recv $((n + 1)) 50 "h1, ff3e::9000:1 port 6001 ($round)"
		expect_recv $((n + 2)) 0 "h1, ff3e::9000:1 on the original port ($round)"
		expect_recv $((n + 3)) 50 "h2, ff3e::9000:2 ($round)"
		expect_recv $((n + 4)) 0 "h2, the original group ($round)"
		for i in 0 1 3; do
			[ "$(recv_field $((n + i)) bad)" = 0 ] &&
				[ "$(recv_field $((n + i)) ttl_max)" = 63 ]
			check_err $? "receiver $((n + i)) ($round): $(cat "${RECV_FILES[$((n + i))]}")"
		done
	done
	[ "$(snmp6 "$H1" Udp6InCsumErrors)" = 0 ] &&
		[ "$(snmp6 "$H2" Udp6InCsumErrors)" = 0 ]
	check_err $? "UDP checksum errors at the receivers"
	[ "$(rtr -j route show "$g" | json -c '[.[0].oifs[] | [.group, .port]]')" = \
		'[[null,null],["ff3e::9000:1",6001],["ff3e::9000:2",null]]' ]
	check_err $? "JSON: $(rtr -j route show "$g")"
	[ "$(oif_stat "$g" r2 packets)" = 100 ]
	check_err $? "counters: $(rtr -s route show "$g")"

	# snat: the copies leave with r2's own address as their source.
	rtr route replace "$g" source "$S6" iif r0 oif r2@ff3e::9000:2 snat
	check_err $? "route replace with snat failed"
	n=${#RECV_FILES[@]}
	recv_bg "$H2" h2 ff3e::9000:2
	send "$SRC" s0 "$g" -n 20
	recv_wait
	expect_recv "$n" 20 "h2, snat copies"
	[ "$(recv_field "$n" from)" = 2001:db8:3::1 ] && [ "$(recv_field "$n" bad)" = 0 ]
	check_err $? "snat copies: $(cat "${RECV_FILES[$n]}")"
	log_test "forwarding6: translated outputs carry their group and port, checksums right, snat from the output's address"
}

unicast_outputs()
{
	local g=ff3e::8000:50 n

	case_start6
	ip netns exec "$RTR" ethtool -K r2 tx off >/dev/null
	check_err $? "ethtool -K r2 tx off failed"
	defer ip netns exec "$RTR" ethtool -K r2 tx on
	# h2 is a host on another link: reached by the routing table.
	rtr route add "$g" source "$S6" iif r0 \
		oif r1 unicast "[2001:db8:3::2]:7000"
	check_err $? "route add with a unicast output failed"
	rtr route show | grep -qxF "($S6, $g) iif r0 oif r1 unicast [2001:db8:3::2]:7000"
	check_err $? "route show: $(rtr route show)"
	n=${#RECV_FILES[@]}
	recv_bg "$H1" h1 "$g" && PORT=7000 recv_bg "$H2" h2 2001:db8:3::2
	check_err $? "receivers did not start"
	send "$SRC" s0 "$g" -n 40 -s 500
	recv_wait
	expect_recv "$n" 40 "h1, the multicast copy"
	expect_recv $((n + 1)) 40 "h2, the unicast copy"
	# From the address the routing table chose (r2's), hop limit 63.
	[ "$(recv_field $((n + 1)) from)" = 2001:db8:3::1 ] &&
		[ "$(recv_field $((n + 1)) ttl_max)" = 63 ] &&
		[ "$(recv_field $((n + 1)) bad)" = 0 ]
	check_err $? "h2: $(cat "${RECV_FILES[$((n + 1))]}")"
	[ "$(snmp6 "$H2" Udp6InCsumErrors)" = 0 ]
	check_err $? "UDP checksum errors at h2"
	[ "$(rtr -j route show "$g" | json -c '[.[0].oifs[] | [.unicast, .port]]')" = \
		'[[null,null],["2001:db8:3::2",7000]]' ]
	check_err $? "JSON: $(rtr -j route show "$g")"

	# No unicast route to the address: the copies are the output's drops.
	rtr route replace "$g" source "$S6" iif r0 oif r1 unicast 2001:db8:77::1
	check_err $? "route replace failed"
	send "$SRC" s0 "$g" -n 10
	sleep 0.5
	[ "$(rtr -j -s route show "$g" | json '.[0].oifs[1].stats.drops')" = 10 ]
	check_err $? "unreachable: $(rtr -s route show "$g")"
	log_test "forwarding6: a unicast output routed to its address, from the address chosen for it; unreachable ones counted"
}

relay_unicast_back_to_multicast()
{
	local n

	case_start6
	defer rtr relay del "[2001:db8:1::1]:7000"
	# Unicast to the router's own r0 address, port 7000, becomes
	# ff3e::9000:5 out of r1 (port kept) and out of r2 on port 7001.
	rtr relay add "[2001:db8:1::1]:7000" group ff3e::9000:5 \
		oif r1 "r2@[ff3e::9000:6]:7001"
	check_err $? "relay add failed"
	rtr relay show | grep -qF "[2001:db8:1::1]:7000"
	check_err $? "relay show: $(rtr relay show)"
	n=${#RECV_FILES[@]}
	PORT=7000 recv_bg "$H1" h1 ff3e::9000:5 &&
		PORT=7001 recv_bg "$H2" h2 ff3e::9000:6 &&
		PORT=7000 recv_bg "$RTR" r0 2001:db8:1::1
	check_err $? "receivers did not start"
	PORT=7000 send "$SRC" s0 2001:db8:1::1 -n 30 -s 200 -t 40
	recv_wait
	expect_recv "$n" 30 "h1, the relay's group"
	expect_recv $((n + 1)) 30 "h2, the relay's output's own group and port"
	expect_recv $((n + 2)) 0 "a socket on the router (the relay consumes)"
	# Hop limit: the relay's default, 16 (the arriving 40 less one is more).
	[ "$(recv_field "$n" ttl_max)" = 16 ] && [ "$(recv_field "$n" bad)" = 0 ] &&
		[ "$(recv_field $((n + 1)) bad)" = 0 ]
	check_err $? "relayed copies: $(cat "${RECV_FILES[$n]}" "${RECV_FILES[$((n + 1))]}")"
	[ "$(rtr -j -s relay show | json '.[0].stats.packets')" = 30 ]
	check_err $? "relay counters: $(rtr -s relay show)"
	log_test "forwarding6: a relay turns unicast to one of the router's addresses into multicast, consumed"
}

hostile_extension_headers()
{
	local g=ff3e::8000:16 pings

	case_start6
	rtr route add "$g" source "$S6" iif r0 oif r1
	cap6_bg "$H1" h1 "$g"
	check_err $? "capture did not start"
	# Sound chains, forwarded whole: none, 64 and 180 Destination
	# Options headers (the most a 1500-byte link carries).
	pkt6 "$SRC" s0 "$g" -n 20 &&
		pkt6 "$SRC" s0 "$g" -n 20 -d 64 &&
		pkt6 "$SRC" s0 "$g" -n 20 -d 180 -s 4
	check_err $? "pkt send6 of sound chains failed"
	# MLD at the end of a long chain: never forwarded, not counted.
	pkt6 "$SRC" s0 "$g" -n 20 -d 64 -m 143
	check_err $? "pkt send6 of MLD behind 64 headers failed"
	# A header that runs past the end of the packet, last in its
	# chain (-x) or followed by another (-X), after 63 sound ones or
	# none: badopt_drop.
	pkt6 "$SRC" s0 "$g" -n 20 -x &&
		pkt6 "$SRC" s0 "$g" -n 20 -X &&
		pkt6 "$SRC" s0 "$g" -n 20 -d 63 -x &&
		pkt6 "$SRC" s0 "$g" -n 20 -d 63 -X
	check_err $? "pkt send6 of truncated chains failed"
	# A Router Alert before a long chain: ra_drop.
	pkt6 "$SRC" s0 "$g" -n 20 -a -d 64
	check_err $? "pkt send6 of a Router Alert and 64 headers failed"
	cap6_stop
	[ "$(cap6_count 0 'hlim 63 plen 72 exthdrs 0 udp ok$')" = 20 ] &&
		[ "$(cap6_count 0 'hlim 63 plen 584 exthdrs 64 udp ok$')" = 20 ] &&
		[ "$(cap6_count 0 'hlim 63 plen 1452 exthdrs 180 udp ok$')" = 20 ] &&
		[ "$(cap6_count 0 '')" = 60 ]
	check_err $? "h1 captured $(cap6_count 0 '') frames (60 expected): $(grep '^frame' "${CAPS[0]}" | grep -v 'udp ok$' | sort | uniq -c | head -5)"
	[ "$(route_stat "$g" packets)" = 60 ] &&
		[ "$(oif_stat "$g" r1 packets)" = 60 ] &&
		[ "$(route_stat "$g" badopt_drop)" = 80 ] &&
		[ "$(route_stat "$g" ra_drop)" = 20 ] &&
		[ "$(iface_stat r0 badopt_drop)" = 80 ] &&
		[ "$(iface_stat r0 ra_drop)" = 20 ]
	check_err $? "counters: $(rtr -s route show "$g"; rtr -s iface show)"
	# The router is well and forwards on.
	pings=$(ip netns exec "$H1" ping -6 -n -c 2 -i 0.2 -W 2 2001:db8:2::1 2>&1)
	check_err $? "the router does not answer: $pings"
	recv_bg "$H1" h1 "$g"
	send "$SRC" s0 "$g" -n 20
	recv_wait
	expect_recv 0 20 "h1, a stream after the hostile chains"
	log_test "forwarding6: hostile extension header chains: sound ones forwarded whole, truncated ones badopt_drop, MLD found at the end"
}

martian_sources()
{
	local g=ff1e::16 ll

	case_start6
	rtr route add "$g" iif r0 oif r1
	ll=$(ip -n "$SRC" -j -6 addr show dev s0 |
		json '[.[].addr_info[] | select(.scope == "link") | .local][0]')
	[[ $ll == fe80:* ]]
	check_err $? "s0 has no link-local address: '$ll'"
	cap6_bg "$H1" h1 "$g"
	check_err $? "capture did not start"
	# Sound sources: src's, and one src does not have (no unicast RPF).
	pkt6 "$SRC" s0 "$g" -n 20 &&
		pkt6 "$SRC" s0 "$g" -n 20 -S 2001:db8:99::5
	check_err $? "pkt send6 failed"
	# Martian: unspecified, link-local (s0's own), IPv4-mapped.
	pkt6 "$SRC" s0 "$g" -n 20 -S :: &&
		pkt6 "$SRC" s0 "$g" -n 20 -S "$ll" &&
		pkt6 "$SRC" s0 "$g" -n 20 -S ::ffff:10.1.0.2
	check_err $? "pkt send6 of martians failed"
	# A multicast source: ipv6_rcv() drops it before any hook, as it
	# does ::1 from anything but loopback (which is why ::1 is not sent).
	pkt6 "$SRC" s0 "$g" -n 20 -S ff0e::1
	check_err $? "pkt send6 of a multicast source failed"
	cap6_stop
	[ "$(cap6_count 0 'hlim 63 plen 72 exthdrs 0 udp ok$')" = 40 ] &&
		[ "$(cap6_count 0 '')" = 40 ]
	check_err $? "h1 captured $(cap6_count 0 '') frames (40 expected)"
	[ "$(route_stat "$g" packets)" = 40 ] &&
		[ "$(route_stat "$g" martian_drop)" = 60 ] &&
		[ "$(iface_stat r0 martian_drop)" = 60 ]
	check_err $? "counters: $(rtr -s route show "$g"; rtr -s iface show)"
	log_test "forwarding6: martian sources (::, link-local, IPv4-mapped) not forwarded, counted"
}

bad_routes_rejected()
{
	local before after bad

	case_start6
	rtr route add ff3e::8000:17 source "$S6" iif r0 oif r1
	check_err $? "route add failed"
	reject "famil\|is IPv[46] but" add ff3e::1 source 10.1.0.2 iif r0 oif r1
	reject "famil\|is IPv[46] but" add 239.1.1.1 source "$S6" iif r0 oif r1
	reject "famil\|is IPv[46] but" add ff3e::8000:18 iif r0 oif r1@239.1.1.1
	reject "scope" add ff02::1 iif r0 oif r1
	reject "not .*multicast" add 2001:db8::1 iif r0 oif r1
	reject "multicast" add ff3e::8000:18 source ff3e::1 iif r0 oif r1
	reject "link-local" add ff3e::8000:18 source fe80::1 iif r0 oif r1
	reject "loopback" add ff3e::8000:18 source ::1 iif r0 oif r1
	reject "unspecified" add ff3e::8000:18 source :: iif r0 oif r1
	reject "mapped" add ff3e::8000:18 source ::ffff:10.1.0.2 iif r0 oif r1
	reject "exists" add ff3e::8000:17 source "$S6" iif r0 oif r2
	reject "no such route" del ff3e::8000:19
	reject "cannot find device" add ff3e::8000:18 iif r0 oif h1
	[ "$(route_count)" = 1 ]
	check_err $? "route count $(route_count), expected 1"
	# Boundaries: not multicast, host bits, too short, a scope out of range.
	before=$(rtr -j iface show)
	for bad in 2001:db8::/32 ff05::1/16 ff00::/4 "scope 16" "scope x"; do
		# shellcheck disable=SC2086 # "scope N" is two words
		run_cmd rtr iface set r2 boundary $bad
		[ "$RC" != 0 ] && [ -n "$ERR" ]
		check_err $? "boundary $bad: exit $RC: $ERR"
	done
	after=$(rtr -j iface show)
	[ "$before" = "$after" ]
	check_err $? "a refused boundary changed the interfaces: $after"
	log_test "forwarding6: bad routes refused with a reason (families mixed, scopes, sources), nothing changed"
}

firewall_sees_the_copies()
{
	local g=ff3e::8000:18

	case_start6
	# The router's filter table: copies to r1 of UDP port 5001 refused;
	# copies keep the original's conntrack entry (none is invalid).
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip6 filter {
			chain forward {
				type filter hook forward priority filter; policy accept;
				ct state invalid counter drop
				oifname "r1" udp dport $PORT counter drop
				ip6 daddr $g counter accept
			}
			chain postrouting {
				type filter hook postrouting priority filter; policy accept;
				oifname "r2" ip6 daddr $g counter
			}
		}
		table ip6 mcfw-pre {
			chain raw {
				type filter hook prerouting priority raw;
				ip6 daddr ff3e::8000:19 counter drop
			}
		}
	EOF
	check_err $? "nft ruleset refused"
	defer ip netns exec "$RTR" nft delete table ip6 mcfw-pre
	defer ip netns exec "$RTR" nft delete table ip6 filter
	rtr route add "$g" source "$S6" iif r0 oif r1 r2 r3
	recv_bg "$H1" h1 "$g" && recv_bg "$H2" h2 "$g" && recv_bg "$H3" h3 "$g"
	check_err $? "receivers did not start"
	send "$SRC" s0 "$g" -n 30
	recv_wait
	expect_recv 0 0 "h1 (forward drops copies out of r1)"
	expect_recv 1 30 "h2 (forward accepts)"
	expect_recv 2 30 "h3 (forward accepts)"
	[ "$(nft_count ip6 filter forward 'oifname "r1"')" = 30 ] &&
		[ "$(nft_count ip6 filter forward 'ct state invalid')" = 0 ] &&
		[ "$(nft_count ip6 filter forward "ip6 daddr $g counter")" = 60 ] &&
		[ "$(nft_count ip6 filter postrouting 'oifname "r2"')" = 30 ]
	check_err $? "nft counters: $(ip netns exec "$RTR" nft list table ip6 filter)"
	[ "$(oif_stat "$g" r1 drops)" = 30 ] &&
		[ "$(iface_stat r1 filter_drop)" = 30 ] &&
		[ "$(oif_stat "$g" r1 packets)" = 0 ] &&
		[ "$(oif_stat "$g" r2 packets)" = 30 ] &&
		[ "$(iface_stat r2 filter_drop)" = 0 ]
	check_err $? "mcfw counters: $(rtr -s route show "$g"; rtr -s iface show)"

	# A prerouting chain that drops a flow stops mcfw from forwarding it.
	rtr route add ff3e::8000:19 source "$S6" iif r0 oif r2
	recv_bg "$H2" h2 ff3e::8000:19
	send "$SRC" s0 ff3e::8000:19 -n 20
	recv_wait
	expect_recv 3 0 "h2, ff3e::8000:19 dropped in prerouting"
	[ "$(route_stat ff3e::8000:19 packets)" = 0 ] &&
		[ "$(nft_count ip6 mcfw-pre raw 'ip6 daddr')" = 20 ]
	check_err $? "ff3e::8000:19 reached mcfw: $(rtr -s route show ff3e::8000:19)"
	log_test "forwarding6: copies traverse the ip6 forward and postrouting hooks, drops counted; prerouting drops stop them"
}

save_restore_and_json()
{
	local f routes ifaces out

	case_start6
	defer rtr iface set r2 boundary none
	defer rtr iface set r3 boundary none
	rtr route add ff3e::8000:20 source "$S6" iif r0 oif r1 r2:16 &&
		rtr route add ff1e::20 iif r0 oif r3 owner pim6 nojoin &&
		rtr route add ff1e::21 iif r1 oif r0 r2 rate 2500pps &&
		rtr route add 239.20.20.20 iif r0 oif r1 &&
		rtr iface set r2 boundary scope 5 &&
		rtr iface set r3 boundary ff05::/16 ff15::/16
	check_err $? "route add or iface set failed"
	# JSON: the addresses in their shortest form, null for any source.
	out=$(rtr -j -s route show)
	[ "$(json -c '[.[] | select(.group == "ff3e::8000:20") |
		{source, iif, ttl: [.oifs[].ttl]}]' <<<"$out")" = \
		"[{\"source\":\"$S6\",\"iif\":\"r0\",\"ttl\":[1,16]}]" ] &&
		[ "$(json '.[] | select(.group == "ff1e::20") | .source' <<<"$out")" = null ] &&
		[ "$(json '.[] | select(.group == "ff1e::20") | .stats.packets' <<<"$out")" = 0 ] &&
		[ "$(json '.[] | select(.group == "ff1e::21") | .rate.pps' <<<"$out")" = 2500 ] &&
		[ "$(json '[.[].group] | sort | join(" ")' <<<"$out")" = \
		  "239.20.20.20 ff1e::20 ff1e::21 ff3e::8000:20" ]
	check_err $? "route show -j -s: $out"
	out=$(rtr -j iface show)
	[ "$(json -c '.[] | select(.dev == "r3") | .boundary' <<<"$out")" = '["ff05::/16","ff15::/16"]' ] &&
		[ "$(json '.[] | select(.dev == "r2") | .boundary_scope' <<<"$out")" = 5 ]
	check_err $? "iface show -j: $out"

	f=$(mktemp)
	defer rm -f "$f"
	rtr -o all save >"$f"
	check_err $? "save failed"
	grep -qxF "route add ff3e::8000:20 source $S6 iif r0 oif r1 r2:16" "$f" &&
		grep -qxF 'route add ff1e::20 iif r0 oif r3 owner pim6 nojoin' "$f" &&
		grep -qxF 'route add ff1e::21 iif r1 oif r0 r2 rate 2500pps' "$f" &&
		grep -qxF 'route add 239.20.20.20 iif r0 oif r1' "$f" &&
		grep -qxF 'iface set r2 boundary scope 5' "$f" &&
		grep -qxF 'iface set r3 boundary ff05::/16 ff15::/16' "$f"
	check_err $? "save: $(cat "$f")"
	routes=$(rtr route show)
	ifaces=$(rtr iface show)
	rtr -o all route flush && rtr iface set r2 boundary none &&
		rtr iface set r3 boundary none
	check_err $? "flush failed"
	[ "$(route_count)" = 0 ] && [ -z "$(rtr route show)" ]
	check_err $? "routes left after flush: $(rtr route show)"
	rtr -o all restore - <"$f"
	check_err $? "restore of the saved file failed"
	[ "$(rtr route show)" = "$routes" ]
	check_err $? "routes after restore: $(rtr route show) (before: $routes)"
	# Interface indexes and ALLMULTI as they were: the same lines.
	[ "$(rtr iface show)" = "$ifaces" ]
	check_err $? "interfaces after restore: $(rtr iface show) (before: $ifaces)"
	# A second restore of the same file changes nothing.
	[ "$(rtr -o all -j restore - <"$f" | json -c .)" = \
	  '{"added":0,"replaced":0,"removed":0,"unchanged":4}' ]
	check_err $? "a second restore was not a no-op"
	# The restored (S,G) forwards.
	recv_bg "$H1" h1 ff3e::8000:20
	send "$SRC" s0 ff3e::8000:20 -n 20
	recv_wait
	expect_recv 0 20 "h1 through the restored route"
	log_test "forwarding6: JSON has the IPv6 groups and sources; save and restore give back routes and boundaries"
}

require_root
if ! setup6; then
	echo "not ok 1 forwarding6: topology could not be set up"
	exit 1
fi
run_tests
