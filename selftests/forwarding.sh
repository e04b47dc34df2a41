#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv4 multicast forwarding by mcfw, with real traffic between namespaces
# and packet counts checked at every receiver.
#
#                         +------------------ rtr ------------------+
#  src                    |                                         |
#  s0 10.1.0.2/24 ------- r0 10.1.0.1/24             r1 10.2.0.1/24 --- h1 10.2.0.2 (h1)
#                         |                          r2 10.3.0.1/24 --- h2 10.3.0.2 (h2)
#                         |      mcfw                r3 10.4.0.1/24 --- h3 10.4.0.2 (h3)
#                         +-----------------------------------------+
#
# Cases that need more links (64 outputs, GRE, deletions under traffic)
# add them for themselves and remove them when they end.

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	sg_two_outputs_not_third
	ttl_decremented_payload_intact
	shared_data_intact_and_checksummed
	star_g_route
	rpf_failure_counted
	sg_route_claims_its_source
	ttl_one_not_forwarded
	link_local_never_forwarded
	bad_routes_rejected
	delete_stops_forwarding
	replace_under_traffic
	route_with_64_outputs
	counters_exact
	output_deleted_under_traffic
	input_deleted_under_traffic
	device_moved_to_other_netns
	tcpdump_sees_original_ttl
	same_group_both_directions
	gre_tunnel_in_and_out
	collect_md_tunnel_input
	local_listener_still_receives
	down_output_counted
	df_too_big_dropped_else_fragmented
	fragments_forwarded
	threshold_per_output
	rate_limit_at_two_rates
	boundaries_both_directions
	full_route_flood_stays_responsive
	firewall_sees_the_copies
	routeless_output_skips_the_hooks
	nfqueue_verdicts_reinject_copies
	defragmented_then_refragmented
	ipmr_and_mcfw_never_both_forward
	monitor_announces_changes
"

TOPO=mf
source "$(dirname "$0")/lib/topology.sh"
source "$(dirname "$0")/lib/pktgen.sh"

sg_two_outputs_not_third()
{
	case_start
	rtr route add 239.1.1.1 source 10.1.0.2 iif r0 oif r1 r2
	check_err $? "route add failed"
	recv_bg "$H1" h1 239.1.1.1 && recv_bg "$H2" h2 239.1.1.1 &&
		recv_bg "$H3" h3 239.1.1.1
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.1.1 -n 100
	recv_wait
	expect_recv 0 100 "h1 (output)"
	expect_recv 1 100 "h2 (output)"
	expect_recv 2 0 "h3 (not an output)"
	log_test "forwarding: (S,G) to two outputs and not to a third"
}

ttl_decremented_payload_intact()
{
	case_start
	rtr route add 239.1.1.2 source 10.1.0.2 iif r0 oif r1
	recv_bg "$H1" h1 239.1.1.2
	send "$SRC" s0 239.1.1.2 -n 50 -t 64 -s 1000
	recv_wait
	expect_recv 0 50 "h1"
	[ "$(recv_field 0 ttl_min)" = 63 ] && [ "$(recv_field 0 ttl_max)" = 63 ]
	check_err $? "TTL at h1 is $(recv_field 0 ttl_min)..$(recv_field 0 ttl_max), expected 63"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(recv_field 0 dup)" = 0 ]
	check_err $? "payload damaged or duplicated: $(cat "${RECV_FILES[0]}")"
	[ "$(recv_field 0 bytes)" = 50000 ]
	check_err $? "bytes at h1: $(recv_field 0 bytes)"
	log_test "forwarding: TTL decremented by one, payload intact"
}

# Full-size datagrams to several outputs: the copies share one copy of the
# data after the headers. Every byte is checked at every receiver, and
# checksums are computed over the shared data on r2 (no transmit checksum
# offload) and checked in software wherever the sender filled them in.
shared_data_intact_and_checksummed()
{
	local i n round

	case_start
	ip netns exec "$RTR" ethtool -K r2 tx off >/dev/null
	check_err $? "ethtool -K r2 tx off failed"
	defer ip netns exec "$RTR" ethtool -K r2 tx on
	rtr route add 239.1.1.3 source 10.1.0.2 iif r0 oif r1 r2 r3
	for round in offload software; do
		if [ $round = software ]; then
			ip netns exec "$SRC" ethtool -K s0 tx off >/dev/null
			check_err $? "ethtool -K s0 tx off failed"
			defer ip netns exec "$SRC" ethtool -K s0 tx on
		fi
		n=${#RECV_FILES[@]}
		recv_bg "$H1" h1 239.1.1.3 && recv_bg "$H2" h2 239.1.1.3 &&
			recv_bg "$H3" h3 239.1.1.3
		check_err $? "receivers did not start"
		send "$SRC" s0 239.1.1.3 -n 50 -s 1400
		recv_wait
		for i in 0 1 2; do
			expect_recv $((n + i)) 50 "h$((i + 1)), checksums by $round"
			[ "$(recv_field $((n + i)) bad)" = 0 ] &&
				[ "$(recv_field $((n + i)) dup)" = 0 ] &&
				[ "$(recv_field $((n + i)) bytes)" = 70000 ] &&
				[ "$(recv_field $((n + i)) ttl_min)" = 63 ] &&
				[ "$(recv_field $((n + i)) ttl_max)" = 63 ]
			check_err $? "h$((i + 1)) ($round): $(cat "${RECV_FILES[$((n + i))]}")"
		done
	done
	for i in "$H1" "$H2" "$H3"; do
		[ "$(udp_csum_errors "$i")" = 0 ]
		check_err $? "$i saw UDP checksum errors: $(udp_csum_errors "$i")"
	done
	[ "$(route_stat 239.1.1.3 packets)" = 100 ] &&
		[ "$(oif_stat 239.1.1.3 r2 packets)" = 100 ]
	check_err $? "counters: $(rtr -s route show)"
	log_test "forwarding: full-size copies share data intact, checksums right"
}

star_g_route()
{
	case_start
	rtr route add 239.2.2.2 iif r0 oif r3
	check_err $? "(*,G) route add failed"
	rtr route show | grep -qx '(\*, 239.2.2.2) iif r0 oif r3'
	check_err $? "route show: $(rtr route show)"
	recv_bg "$H3" h3 239.2.2.2 && recv_bg "$H1" h1 239.2.2.2
	send "$SRC" s0 239.2.2.2 -n 100
	recv_wait
	expect_recv 0 100 "h3 via (*,G)"
	expect_recv 1 0 "h1 (not an output)"
	log_test "forwarding: (*,G) route for any source"
}

rpf_failure_counted()
{
	case_start
	# The group's only route expects it on r1: arriving on r0 is wrong.
	rtr route add 239.3.3.3 source 10.1.0.2 iif r1 oif r2
	recv_bg "$H2" h2 239.3.3.3
	send "$SRC" s0 239.3.3.3 -n 40
	recv_wait
	expect_recv 0 0 "h2 after RPF failure"
	[ "$(route_stat 239.3.3.3 rpf_fail)" = 40 ]
	check_err $? "rpf_fail is $(route_stat 239.3.3.3 rpf_fail), expected 40"
	[ "$(route_stat 239.3.3.3 packets)" = 0 ]
	check_err $? "route counted packets that failed RPF"
	log_test "forwarding: RPF failure from another input, counted, no copies"
}

sg_route_stat()
{
	rtr -j -s route show "$1" source "$2" | json ".[0].stats.$3"
}

sg_route_claims_its_source()
{
	case_start
	# s0's (S,G) route expects it on r1; the (*,G) of r0 must not take
	# what arrives on r0 instead: that would loop through the wildcard.
	rtr route add 239.3.7.7 source 10.1.0.2 iif r1 oif r2 &&
		rtr route add 239.3.7.7 iif r0 oif r3
	check_err $? "route add failed"
	recv_bg "$H3" h3 239.3.7.7 && recv_bg "$H2" h2 239.3.7.7
	send "$SRC" s0 239.3.7.7 -n 40
	recv_wait
	expect_recv 0 0 "h3: the (*,G) route forwarded a source an (S,G) route claims"
	expect_recv 1 0 "h2"
	[ "$(sg_route_stat 239.3.7.7 10.1.0.2 rpf_fail)" = 40 ] &&
		[ "$(route_stat 239.3.7.7 packets)" = 0 ]
	check_err $? "counters: $(rtr -s route show 239.3.7.7)"

	# An (S,G) route that waits for its input claims its source too
	# (the only (S,G) route of the pair, now).
	ip -n "$RTR" link add mcfw-w0 type dummy &&
		rtr route add 239.3.7.7 source 10.1.0.2 iif mcfw-w0 oif r2 &&
		rtr route del 239.3.7.7 source 10.1.0.2 iif r1 &&
		ip -n "$RTR" link del mcfw-w0
	check_err $? "could not make the (S,G) route wait"
	rtr route show 239.3.7.7 | grep -q 'iif mcfw-w0 oif r2 waiting mcfw-w0'
	check_err $? "not waiting: $(rtr route show 239.3.7.7)"
	recv_bg "$H3" h3 239.3.7.7
	send "$SRC" s0 239.3.7.7 -n 40
	recv_wait
	expect_recv 2 0 "h3 while the (S,G) route waits"

	# Without the (S,G) route, the (*,G) route takes the source.
	rtr route del 239.3.7.7 source 10.1.0.2
	recv_bg "$H3" h3 239.3.7.7
	send "$SRC" s0 239.3.7.7 -n 40
	recv_wait
	expect_recv 3 40 "h3 via (*,G) once no (S,G) route claims the source"
	log_test "forwarding: an (S,G) route claims its source: no (*,G) route of another input forwards it"
}

ttl_one_not_forwarded()
{
	case_start
	rtr route add 239.4.4.4 iif r0 oif r1
	recv_bg "$H1" h1 239.4.4.4
	send "$SRC" s0 239.4.4.4 -n 30 -t 1
	recv_wait
	expect_recv 0 0 "h1 with TTL 1"
	[ "$(route_stat 239.4.4.4 ttl_drop)" = 30 ]
	check_err $? "ttl_drop is $(route_stat 239.4.4.4 ttl_drop), expected 30"
	[ "$(iface_stat r0 ttl_drop)" = 30 ]
	check_err $? "r0 ttl_drop is $(iface_stat r0 ttl_drop)"

	recv_bg "$H1" h1 239.4.4.4
	send "$SRC" s0 239.4.4.4 -n 30 -t 2
	recv_wait
	expect_recv 1 30 "h1 with TTL 2"
	[ "$(recv_field 1 ttl_max)" = 1 ]
	check_err $? "TTL 2 arrived with TTL $(recv_field 1 ttl_max)"
	log_test "forwarding: TTL 1 not forwarded (counted), TTL 2 is"
}

link_local_never_forwarded()
{
	case_start
	run_cmd rtr route add 224.0.0.5 iif r0 oif r1
	[ "$RC" -eq 1 ]
	check_err $? "route for 224.0.0.5 exited $RC"
	grep -q 'kernel reports: .*224.0.0.0/24' <<<"$ERR"
	check_err $? "no kernel reason: $ERR"
	# A (*,G) for a routable group must not catch link-local traffic.
	rtr route add 239.6.6.6 iif r0 oif r1
	recv_bg "$H1" h1 224.0.0.251
	send "$SRC" s0 224.0.0.251 -n 20 -t 64
	recv_wait
	expect_recv 0 0 "h1 for 224.0.0.251"
	[ "$(route_count)" = 1 ]
	check_err $? "route count $(route_count), expected 1"
	log_test "forwarding: 224.0.0.0/24 refused as a route, never forwarded"
}

bad_routes_rejected()
{
	case_start
	rtr route add 239.7.7.7 source 10.1.0.2 iif r0 oif r1
	reject "not an IPv4 multicast" add 10.9.9.9 iif r0 oif r1
	reject "224.0.0.0/24" add 224.0.0.1 iif r0 oif r1
	reject "multicast address" add 239.7.7.8 source 239.1.1.1 iif r0 oif r1
	reject "broadcast" add 239.7.7.8 source 255.255.255.255 iif r0 oif r1
	reject "0.0.0.0/8" add 239.7.7.8 source 0.0.0.0 iif r0 oif r1
	reject "loopback" add 239.7.7.8 source 127.0.0.1 iif r0 oif r1
	reject "cannot find device" add 239.7.7.8 iif nosuchdev oif r1
	reject "cannot find device" add 239.7.7.8 iif r0 oif nosuchdev
	reject "input interface cannot also be an output" \
		add 239.7.7.8 iif r0 oif r1 r0
	reject "listed twice" add 239.7.7.8 iif r0 oif r1 r2 r1
	reject "exists" add 239.7.7.7 source 10.1.0.2 iif r0 oif r2
	reject "no such route" del 239.7.7.9
	# A device of another namespace is not a device of this one.
	reject "cannot find device" add 239.7.7.8 iif r0 oif h1
	[ "$(route_count)" = 1 ]
	check_err $? "route count $(route_count), expected 1"
	log_test "routes: bad input refused with a reason, nothing changed"
}

delete_stops_forwarding()
{
	case_start
	rtr route add 239.8.8.8 iif r0 oif r1
	recv_bg "$H1" h1 239.8.8.8
	send "$SRC" s0 239.8.8.8 -n 50
	recv_wait
	expect_recv 0 50 "h1 before delete"
	rtr route del 239.8.8.8
	check_err $? "route del failed"
	recv_bg "$H1" h1 239.8.8.8
	send "$SRC" s0 239.8.8.8 -n 50
	recv_wait
	expect_recv 1 0 "h1 after delete"
	[ -z "$(rtr route show)" ]
	check_err $? "route show not empty: $(rtr route show)"
	log_test "routes: delete stops forwarding"
}

replace_under_traffic()
{
	local a b

	case_start
	rtr route add 239.9.9.9 iif r0 oif r1 r2
	recv_bg "$H1" h1 239.9.9.9 && recv_bg "$H2" h2 239.9.9.9 &&
		recv_bg "$H3" h3 239.9.9.9
	send "$SRC" s0 239.9.9.9 -n 1500 -r 500 &
	sleep 1.2
	rtr route replace 239.9.9.9 iif r0 oif r1 r3
	check_err $? "route replace failed"
	wait $!
	recv_wait
	expect_recv 0 1500 "h1 (output before and after)"
	a=$(recv_field 1 received)
	b=$(recv_field 2 received)
	[ $((a + b)) -eq 1500 ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ]
	check_err $? "h2 (old output) got $a, h3 (new output) got $b: sum must be 1500, both > 0"
	[ "$(recv_field 1 dup)$(recv_field 2 dup)" = 00 ]
	check_err $? "duplicates"
	rtr route show | grep -qx '(\*, 239.9.9.9) iif r0 oif r1 r3'
	check_err $? "route after replace: $(rtr route show)"
	log_test "routes: replace under traffic loses nothing, no stale output"
}

route_with_64_outputs()
{
	local ns=mf-big-$$ oifs i n

	case_start
	extra_ns "$ns"
	# One ip process per namespace, not three per link: this is emulated.
	mapfile -t oifs < <(seq -f 'o%g' 1 64)
	for i in $(seq 1 64); do
		echo "link add o$i netns $RTR type veth peer name k$i netns $ns"
	done | ip -batch -
	check_err $? "could not create 64 veth pairs"
	for i in $(seq 1 64); do echo "link set o$i up"; done | ip -n "$RTR" -batch -
	for i in $(seq 1 64); do echo "link set k$i up"; done | ip -n "$ns" -batch -
	defer ip -n "$RTR" link del o1
	rtr route add 239.10.10.10 iif r0 oif "${oifs[@]}"
	check_err $? "64-output route refused"
	[ "$(rtr -j route show 239.10.10.10 | json '.[0].oifs | length')" = 64 ]
	check_err $? "route does not list 64 outputs"
	# Paced: 64 copies of a packet at once fit the receive backlog (1000),
	# 20 packets' at once need not when the machine is busy.
	send "$SRC" s0 239.10.10.10 -n 20 -r 50
	sleep 1
	# Every k1..k64 received exactly the 20 copies, nothing more.
	n=$(ip -n "$ns" -j -s link show |
		json '[.[] | select(.ifname | startswith("k")) |
		       select(.stats64.rx.packets == 20)] | length')
	[ "$n" = 64 ]
	check_err $? "only $n of 64 outputs got exactly 20 packets"
	[ "$(oif_stat 239.10.10.10 o64 packets)" = 20 ]
	check_err $? "o64 counted $(oif_stat 239.10.10.10 o64 packets)"
	log_test "routes: a 64-output route copies to every output"
}

counters_exact()
{
	case_start
	rtr route add 239.11.11.11 source 10.1.0.2 iif r0 oif r1 r2
	send "$SRC" s0 239.11.11.11 -n 137 -s 100
	sleep 1
	# 100 bytes of payload + 8 UDP + 20 IP = 128 bytes a packet.
	[ "$(route_stat 239.11.11.11 packets)" = 137 ] &&
		[ "$(route_stat 239.11.11.11 bytes)" = $((137 * 128)) ]
	check_err $? "route: $(rtr -s route show)"
	[ "$(oif_stat 239.11.11.11 r1 packets)" = 137 ] &&
		[ "$(oif_stat 239.11.11.11 r1 bytes)" = $((137 * 128)) ] &&
		[ "$(oif_stat 239.11.11.11 r2 packets)" = 137 ] &&
		[ "$(oif_stat 239.11.11.11 r2 drops)" = 0 ]
	check_err $? "outputs: $(rtr -s route show)"
	[ "$(iface_stat r0 in_packets)" = 137 ] &&
		[ "$(iface_stat r1 out_packets)" = 137 ] &&
		[ "$(iface_stat r2 out_bytes)" = $((137 * 128)) ]
	check_err $? "interfaces: $(rtr -s iface show)"
	log_test "counters: route, output and interface counts exact"
}

output_deleted_under_traffic()
{
	local ns=mf-x1-$$

	case_start
	extra_ns "$ns"
	veth_link "$RTR" rx 10.5.0.1/24 "$ns" hx 10.5.0.2/24
	rtr route add 239.12.12.12 iif r0 oif r1 rx
	recv_bg "$H1" h1 239.12.12.12
	send "$SRC" s0 239.12.12.12 -n 1000 -r 400 &
	sleep 1
	timeout 20 ip -n "$RTR" link del rx
	check_err $? "ip link del of an output hung or failed"
	wait $!
	recv_wait
	expect_recv 0 1000 "h1 (the remaining output)"
	rtr route show | grep -qx '(\*, 239.12.12.12) iif r0 oif r1 rx waiting rx'
	check_err $? "route after output deletion: $(rtr route show)"
	log_test "interfaces: an output deleted under traffic waits in place"
}

input_deleted_under_traffic()
{
	local ns=mf-x2-$$

	case_start
	extra_ns "$ns"
	veth_link "$ns" sx 10.6.0.2/24 "$RTR" ix 10.6.0.1/24
	rtr route add 239.13.13.13 iif ix oif r1
	rtr route add 239.13.13.14 iif r0 oif ix
	recv_bg "$H1" h1 239.13.13.13
	ip netns exec "$ns" "$MCAST" send 239.13.13.13 "$PORT" -i sx \
		-n 2000 -r 400 >/dev/null 2>&1 &
	sleep 1
	timeout 20 ip -n "$RTR" link del ix
	check_err $? "ip link del of an input hung or failed"
	wait $!
	recv_wait
	[ "$(recv_field 0 received)" -gt 0 ]
	check_err $? "nothing was forwarded before the deletion"
	rtr route show | grep -qx '(\*, 239.13.13.13) iif ix oif r1 waiting ix'
	check_err $? "route with a deleted input: $(rtr route show)"
	rtr route show | grep -qx '(\*, 239.13.13.14) iif r0 oif ix waiting ix'
	check_err $? "route that used it as output: $(rtr route show)"
	[ "$(rtr -j info | json .waiting)" = 1 ]
	check_err $? "info does not count the waiting route: $(rtr info)"
	log_test "interfaces: an input deleted under traffic: its route waits whole"
}

device_moved_to_other_netns()
{
	local ns=mf-x3-$$

	case_start
	extra_ns "$ns"
	ip -n "$RTR" link add dm0 type dummy
	ip -n "$RTR" link set dm0 up
	rtr route add 239.14.14.14 iif r0 oif r1 dm0
	ip -n "$RTR" link set dm0 netns "$ns"
	check_err $? "moving dm0 failed"
	rtr route show | grep -qx '(\*, 239.14.14.14) iif r0 oif r1 dm0 waiting dm0'
	check_err $? "route after the move: $(rtr route show)"
	[ "$(rtr -j iface show | json '.[] | select(.dev == "dm0") | .waiting')" = true ]
	check_err $? "dm0 not listed as waiting: $(rtr iface show)"
	# Moved back, it serves the route again.
	ip -n "$ns" link set dm0 netns "$RTR"
	rtr route show | grep -qx '(\*, 239.14.14.14) iif r0 oif r1 dm0'
	check_err $? "route after the move back: $(rtr route show)"
	ip -n "$RTR" link set dm0 netns "$ns"
	timeout 20 ip -n "$ns" link del dm0
	check_err $? "deleting the moved device hung"
	log_test "interfaces: a device moved away and back: the output waits, then serves"
}

tcpdump_sees_original_ttl()
{
	local cap

	case_start
	cap=$(mktemp)
	defer rm -f "$cap"
	rtr route add 239.15.15.15 iif r0 oif r1
	ip netns exec "$RTR" timeout 15 tcpdump -l -n -v -i r0 -c 20 \
		'udp and dst host 239.15.15.15' >"$cap" 2>/dev/null &
	sleep 2
	recv_bg "$H1" h1 239.15.15.15
	send "$SRC" s0 239.15.15.15 -n 20 -t 64
	recv_wait
	wait $!
	expect_recv 0 20 "h1 while tcpdump runs on r0"
	[ "$(grep -c 'ttl 64' "$cap")" = 20 ]
	check_err $? "tcpdump on r0 saw: $(grep -c 'ttl 64' "$cap") packets with TTL 64 of 20"
	[ "$(recv_field 0 ttl_max)" = 63 ]
	check_err $? "h1 saw TTL $(recv_field 0 ttl_max)"
	log_test "forwarding: tcpdump on the input sees the original TTL"
}

same_group_both_directions()
{
	case_start
	rtr route add 239.16.16.16 iif r0 oif r1
	rtr route add 239.16.16.16 iif r1 oif r0
	check_err $? "second route of the group on another input refused"
	recv_bg "$H1" h1 239.16.16.16 && recv_bg "$SRC" s0 239.16.16.16
	send "$SRC" s0 239.16.16.16 -n 40
	send "$H1" h1 239.16.16.16 -n 60
	recv_wait
	expect_recv 0 40 "h1 (from src)"
	expect_recv 1 60 "src (from h1)"
	log_test "routes: the same group both ways on two routes"
}

gre_tunnel_in_and_out()
{
	local wan=mf-wan-$$ gw=mf-gw-$$ far=mf-far-$$ sink=mf-sink-$$

	case_start
	for ns in "$wan" "$gw" "$far" "$sink"; do
		extra_ns "$ns"
	done
	#  rtr w0 --- wan --- w1 gw; gre1 rtr<->gw over it; gw g0 --- sink
	veth_link "$RTR" w0 192.0.2.1/30 "$wan" wa 192.0.2.2/30
	veth_link "$gw" w1 198.51.100.1/30 "$wan" wb 198.51.100.2/30
	ip netns exec "$wan" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$RTR" route add 198.51.100.0/30 via 192.0.2.2
	ip -n "$gw" route add 192.0.2.0/30 via 198.51.100.2
	ip -n "$RTR" link add gre1 type gre local 192.0.2.1 remote 198.51.100.1 ttl 64 &&
		ip -n "$gw" link add gre1 type gre local 198.51.100.1 remote 192.0.2.1 ttl 64
	check_err $? "GRE tunnel could not be created"
	ip -n "$RTR" link set gre1 up
	ip -n "$gw" link set gre1 up
	veth_link "$gw" g0 10.7.0.1/24 "$sink" k0 10.7.0.2/24
	veth_link "$far" f0 10.8.0.2/24 "$gw" g1 10.8.0.1/24

	# Into the tunnel at rtr, out of it at gw.
	rtr route add 239.17.17.17 source 10.1.0.2 iif r0 oif r1 gre1
	mcfwctl -n "$gw" route add 239.17.17.17 source 10.1.0.2 iif gre1 oif g0
	check_err $? "routes with a GRE interface refused"
	# And back: from the far side of gw, out of the tunnel at rtr.
	mcfwctl -n "$gw" route add 239.18.18.18 iif g1 oif gre1
	rtr route add 239.18.18.18 iif gre1 oif r2

	recv_bg "$sink" k0 239.17.17.17 && recv_bg "$H1" h1 239.17.17.17 &&
		recv_bg "$H2" h2 239.18.18.18
	send "$SRC" s0 239.17.17.17 -n 100 -t 64 -s 200
	ip netns exec "$far" "$MCAST" send 239.18.18.18 "$PORT" -i f0 -n 70 \
		-t 64 >/dev/null
	recv_wait
	expect_recv 0 100 "sink behind the tunnel"
	[ "$(recv_field 0 ttl_max)" = 62 ] && [ "$(recv_field 0 bad)" = 0 ]
	check_err $? "through the tunnel: $(cat "${RECV_FILES[0]}")"
	expect_recv 1 100 "h1 beside the tunnel"
	expect_recv 2 70 "h2, out of the tunnel at rtr"
	[ "$(oif_stat 239.17.17.17 gre1 packets)" = 100 ]
	check_err $? "gre1 output counted $(oif_stat 239.17.17.17 gre1 packets)"
	mcfwctl -n "$gw" route flush
	log_test "forwarding: into and out of a GRE tunnel"
}

collect_md_tunnel_input()
{
	local wan=mf-wan-$$ gw=mf-gw-$$ fw mode n=0

	case_start
	for ns in "$wan" "$gw"; do
		extra_ns "$ns"
	done
	veth_link "$RTR" w5 192.0.2.5/30 "$wan" wa 192.0.2.6/30
	veth_link "$gw" w1 198.51.100.5/30 "$wan" wb 198.51.100.6/30
	ip netns exec "$wan" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$RTR" route add 198.51.100.4/30 via 192.0.2.6
	ip -n "$gw" route add 192.0.2.4/30 via 198.51.100.6
	# rtr's GRE device is external (collect_md): each packet it receives
	# enters PRE_ROUTING with the tunnel's metadata as its dst.
	ip -n "$RTR" link add gx type gre external &&
		ip -n "$gw" link add gre1 type gre local 198.51.100.5 \
			remote 192.0.2.5 ttl 64
	check_err $? "GRE devices could not be created"
	defer ip -n "$RTR" link del gx
	ip -n "$RTR" link set gx up
	ip -n "$gw" link set gre1 up
	# Copies to h3 must be fragmented: they need a route of their own.
	ip -n "$RTR" link set r3 mtu 1280
	defer ip -n "$RTR" link set r3 mtu 1500
	rtr route add 239.22.22.22 iif gx oif r1 r3
	fw=$(cat /sys/module/mcfw/parameters/firewall)
	defer sh -c "echo $fw >/sys/module/mcfw/parameters/firewall"
	# Without the hooks (firewall=N), then through them.
	for mode in N Y; do
		echo "$mode" >/sys/module/mcfw/parameters/firewall
		recv_bg "$H1" h1 239.22.22.22 && recv_bg "$H3" h3 239.22.22.22
		check_err $? "receivers did not start"
		ip netns exec "$gw" "$MCAST" send 239.22.22.22 "$PORT" -i gre1 \
			-n 20 -s 1400 -t 64 >/dev/null
		recv_wait
		expect_recv $n 20 "h1, firewall=$mode"
		expect_recv $((n + 1)) 20 "h3, fragmented, firewall=$mode"
		[ "$(recv_field $((n + 1)) bad)" = 0 ] &&
			[ "$(recv_field $((n + 1)) ttl_max)" = 63 ]
		check_err $? "h3, firewall=$mode: $(cat "${RECV_FILES[$((n + 1))]}")"
		n=$((n + 2))
	done
	[ "$(route_stat 239.22.22.22 packets)" = 40 ]
	check_err $? "counted: $(rtr -s route show 239.22.22.22)"
	log_test "forwarding: from a collect_md GRE tunnel, copies leave its metadata behind, fragmented, hooks or not"
}

local_listener_still_receives()
{
	case_start
	rtr route add 239.19.19.19 iif r0 oif r1
	recv_bg "$RTR" r0 239.19.19.19 && recv_bg "$H1" h1 239.19.19.19
	send "$SRC" s0 239.19.19.19 -n 60
	recv_wait
	expect_recv 0 60 "listener on the router itself"
	[ "$(recv_field 0 ttl_max)" = 64 ]
	check_err $? "local listener saw TTL $(recv_field 0 ttl_max), expected the original 64"
	expect_recv 1 60 "h1"
	log_test "forwarding: listeners on the router still receive"
}

down_output_counted()
{
	case_start
	rtr route add 239.20.20.20 iif r0 oif r1 r2
	ip -n "$RTR" link set r2 down
	defer ip -n "$RTR" link set r2 up
	recv_bg "$H1" h1 239.20.20.20
	send "$SRC" s0 239.20.20.20 -n 25
	recv_wait
	expect_recv 0 25 "h1 beside a down output"
	[ "$(oif_stat 239.20.20.20 r2 drops)" = 25 ] &&
		[ "$(iface_stat r2 down_drop)" = 25 ]
	check_err $? "down output: $(rtr -s route show; rtr -s iface show)"
	log_test "forwarding: no copy on a down output, counted"
}

df_too_big_dropped_else_fragmented()
{
	case_start
	ip -n "$RTR" link set r3 mtu 1280
	defer ip -n "$RTR" link set r3 mtu 1500
	rtr route add 239.21.21.21 iif r0 oif r1 r3
	recv_bg "$H3" h3 239.21.21.21 && recv_bg "$H1" h1 239.21.21.21
	send "$SRC" s0 239.21.21.21 -n 20 -s 1400 -D
	recv_wait
	expect_recv 0 0 "h3 behind a small MTU, DF set"
	expect_recv 1 20 "h1 with a big enough MTU"
	[ "$(iface_stat r3 mtu_drop)" = 20 ] &&
		[ "$(oif_stat 239.21.21.21 r3 drops)" = 20 ]
	check_err $? "MTU drops not counted: $(rtr -s iface show)"

	recv_bg "$H3" h3 239.21.21.21
	send "$SRC" s0 239.21.21.21 -n 20 -s 1400
	recv_wait
	expect_recv 2 20 "h3 behind a small MTU, DF clear (fragmented)"
	[ "$(recv_field 2 bad)" = 0 ]
	check_err $? "fragmented copies damaged"
	log_test "forwarding: too big with DF dropped and counted, else fragmented"
}

fragments_forwarded()
{
	case_start
	rtr route add 239.22.22.22 source 10.1.0.2 iif r0 oif r1
	recv_bg "$H1" h1 239.22.22.22
	# 4000 bytes leave src as three fragments each.
	send "$SRC" s0 239.22.22.22 -n 30 -s 4000
	recv_wait
	expect_recv 0 30 "h1, datagrams sent as fragments"
	[ "$(recv_field 0 bad)" = 0 ]
	check_err $? "reassembled payload damaged"
	[ "$(route_stat 239.22.22.22 packets)" = 90 ]
	check_err $? "route saw $(route_stat 239.22.22.22 packets) packets, expected 90 fragments"
	log_test "forwarding: fragments forwarded as they are"
}

threshold_per_output()
{
	case_start
	rtr route add 239.23.23.23 iif r0 oif r1 r2:32
	check_err $? "route with a TTL threshold refused"
	recv_bg "$H1" h1 239.23.23.23 && recv_bg "$H2" h2 239.23.23.23
	send "$SRC" s0 239.23.23.23 -n 20 -t 16
	send "$SRC" s0 239.23.23.23 -n 30 -t 40
	recv_wait
	expect_recv 0 50 "h1 (threshold 1)"
	expect_recv 1 30 "h2 (threshold 32): only TTL 40"
	[ "$(iface_stat r2 scope_drop)" = 20 ]
	check_err $? "scope drops: $(iface_stat r2 scope_drop)"
	log_test "forwarding: per-output TTL threshold"
}

# rate_round RATE SIZE PPS LIMIT PER: a route of rate RATE, fed PPS
# datagrams/s of SIZE payload bytes for 4 s, forwards LIMIT units a
# second (within 10 %), PER units each datagram; what it did not is
# rate_drop. Never more than the rate; less only when the emulated
# sender stalled (a stall longer than the 10 ms burst forfeits the
# rate's credit: seen under a loaded host), so that is measured again,
# up to 3 times.
rate_round()
{
	local rate=$1 size=$2 pps=$3 limit=$4 per=$5 secs=4
	local n in drop fwd got want try

	for try in 1 2 3; do
		rtr -o all route flush
		rtr route add 239.8.8.8 iif r0 oif r1 rate "$rate"
		check_err $? "route add ... rate $rate failed"
		n=${#RECV_FILES[@]}
		recv_bg "$H1" h1 239.8.8.8
		send "$SRC" s0 239.8.8.8 -s "$size" -r "$pps" -T "$secs" -n 10000000
		recv_wait
		in=$(route_stat 239.8.8.8 packets)
		drop=$(route_stat 239.8.8.8 rate_drop)
		fwd=$((in - drop))
		got=$(recv_field "$n" received)
		# At the rate for the sender's 4 s, plus the 10 ms burst.
		want=$((limit * secs / per + limit / per / 100))
		echo "# rate $rate, try $try: $in in, $fwd forwarded ($want expected), h1 got $got"
		[ "$drop" -gt 0 ] && [ "$got" = "$fwd" ] &&
			[ $((fwd * 10)) -le $((want * 11)) ]
		check_err $? "rate $rate: $in in, $drop rate_drop, $fwd forwarded, h1 got $got, at most $want (+10 %)"
		[ "$(iface_stat r0 rate_drop)" = "$drop" ]
		check_err $? "r0 rate_drop $(iface_stat r0 rate_drop), route $drop"
		[ "$RET" = 0 ] || return
		[ $((fwd * 10)) -ge $((want * 9)) ] && return
	done
	check_err 1 "rate $rate: $fwd forwarded in 3 tries, at least $want (-10 %) expected"
}

rate_limit_at_two_rates()
{
	local out f

	case_start
	# Bad rates are refused before anything is sent, and change nothing.
	for bad in 0pps 10 10xbit 7bit 1001mpps -5kpps; do
		run_cmd rtr route add 239.8.8.8 iif r0 oif r1 rate "$bad"
		[ "$RC" = 2 ] && grep -q 'rate' <<<"$ERR"
		check_err $? "rate '$bad': exit $RC, $ERR"
	done
	[ "$(route_count)" = 0 ]
	check_err $? "a refused rate left a route"

	rtr route add 239.8.8.8 iif r0 oif r1 rate 2500pps
	rtr route show 239.8.8.8 | grep -qx '(\*, 239.8.8.8) iif r0 oif r1 rate 2500pps'
	check_err $? "show: $(rtr route show 239.8.8.8)"
	rtr route replace 239.8.8.8 iif r0 oif r1 rate 1.5mbit
	out=$(rtr -j route show 239.8.8.8 | json -c '.[0].rate')
	[ "$out" = '{"bits":1500000}' ]
	check_err $? "JSON rate after replace: $out"
	rtr save | grep -qx 'route add 239.8.8.8 iif r0 oif r1 rate 1500kbit'
	check_err $? "save: $(rtr save)"
	rtr route replace 239.8.8.8 iif r0 oif r1
	rtr route show 239.8.8.8 | grep -qx '(\*, 239.8.8.8) iif r0 oif r1'
	check_err $? "replace without rate kept it: $(rtr route show 239.8.8.8)"
	# The maxima, and a batch (a route's outputs built ahead).
	f=$(mktemp)
	defer rm -f "$f"
	printf '%s\n' "route replace 239.8.8.8 iif r0 oif r1 rate 10mpps" \
		"route add 239.8.8.9 iif r0 oif r1 rate 10gbit" >"$f"
	rtr -b "$f"
	check_err $? "-b with rates failed"
	[ "$(rtr route show | grep -c 'rate 10mpps$\|rate 10gbit$')" = 2 ]
	check_err $? "the maxima: $(rtr route show)"
	rtr route del 239.8.8.9

	# Packets per second: 1000 of 4000 offered a second.
	rate_round 1000pps 64 4000 1000 1
	# Bits per second: 1000-byte IP packets (8000 bits) at 4 Mbit/s,
	# 500 a second, of 1500 offered.
	rate_round 4mbit 972 1500 4000000 8000
	log_test "routes: a rate limit in packets or bits per second, measured, excess counted"
}

boundaries_both_directions()
{
	local bad f

	case_start
	defer rtr iface set r0 boundary none
	defer rtr iface set r2 boundary none
	defer rtr iface set mcfw-b0 boundary none
	defer ip -n "$RTR" link del mcfw-b0
	# Bad boundaries are refused, with a reason, and change nothing.
	for bad in 239.1.1.1/8 10.0.0.0/8 239.0.0.0/33 239.0.0.0/x none/8; do
		run_cmd rtr iface set r2 boundary "$bad"
		[ "$RC" != 0 ] && [ -n "$ERR" ]
		check_err $? "boundary $bad: exit $RC: $ERR"
	done
	run_cmd rtr iface set r2 boundary 239.0.0.0/8 239.0.0.0/8
	grep -q 'twice' <<<"$ERR"
	check_err $? "a prefix twice: $RC $ERR"
	[ "$(rtr -j iface show | json -c '[.[] | select(.boundary != [])]')" = '[]' ]
	check_err $? "a refused boundary was set: $(rtr iface show)"

	# Out of an interface: copies of a bounded group never leave.
	rtr iface set r2 boundary 239.0.0.0/8 239.255.0.0/16
	check_err $? "iface set failed"
	rtr iface show | grep -q '^r2 ifindex [0-9]* boundary 239.0.0.0/8 239.255.0.0/16$'
	check_err $? "iface show: $(rtr iface show)"
	rtr route add 239.9.9.9 iif r0 oif r1 r2 &&
		rtr route add 238.9.9.9 iif r0 oif r1 r2
	recv_bg "$H1" h1 239.9.9.9 && recv_bg "$H2" h2 239.9.9.9 &&
		recv_bg "$H2" h2 238.9.9.9
	send "$SRC" s0 239.9.9.9 -n 40 && send "$SRC" s0 238.9.9.9 -n 30
	recv_wait
	expect_recv 0 40 "h1 (no boundary)"
	expect_recv 1 0 "h2 (r2's boundary has 239.0.0.0/8)"
	expect_recv 2 30 "h2, a group outside the boundary"
	[ "$(oif_stat 239.9.9.9 r2 drops)" = 40 ] &&
		[ "$(iface_stat r2 boundary_drop)" = 40 ]
	check_err $? "counters out: $(rtr -s route show; rtr -s iface show)"

	# Into an interface: packets of a bounded group are not forwarded.
	rtr iface set r0 boundary 239.9.0.0/16
	recv_bg "$H1" h1 239.9.9.9
	send "$SRC" s0 239.9.9.9 -n 25
	recv_wait
	expect_recv 3 0 "h1 (r0's boundary has 239.9.0.0/16)"
	[ "$(route_stat 239.9.9.9 boundary_drop)" = 25 ] &&
		[ "$(iface_stat r0 boundary_drop)" = 25 ]
	check_err $? "counters in: $(rtr -s route show 239.9.9.9; rtr -s iface show)"

	# A boundary belongs to the name: no route, no device, then one.
	rtr iface set mcfw-b0 boundary 239.9.9.0/24
	rtr iface show | grep -qx 'mcfw-b0 waiting boundary 239.9.9.0/24'
	check_err $? "a name without a device or route: $(rtr iface show)"
	rtr iface set r0 boundary none
	check_err $? "iface set r0 boundary none failed"
	ip -n "$RTR" link add mcfw-b0 type dummy && ip -n "$RTR" link set mcfw-b0 up
	check_err $? "could not add mcfw-b0"
	rtr route replace 239.9.9.9 iif r0 oif r1 mcfw-b0
	send "$SRC" s0 239.9.9.9 -n 20
	[ "$(iface_stat mcfw-b0 boundary_drop)" = 20 ] &&
		[ "$(iface_stat mcfw-b0 out_packets)" = 0 ]
	check_err $? "a device created under a bounded name: $(rtr -s iface show)"

	# Routes come and go, boundaries stay; save and restore keep them.
	rtr -o all route flush
	f=$(mktemp)
	defer rm -f "$f"
	rtr save >"$f"
	grep -qx 'iface set r2 boundary 239.0.0.0/8 239.255.0.0/16' "$f" &&
		grep -qx 'iface set mcfw-b0 boundary 239.9.9.0/24' "$f"
	check_err $? "save: $(cat "$f")"
	rtr iface set r2 boundary none && rtr iface set mcfw-b0 boundary none
	check_err $? "boundary none failed"
	rtr iface show | grep -q boundary
	check_fail $? "none left a boundary: $(rtr iface show)"
	rtr restore "$f"
	check_err $? "restore of the saved boundaries failed"
	rtr iface show | grep -q '^r2 ifindex [0-9]* boundary 239.0.0.0/8 239.255.0.0/16$'
	check_err $? "after restore: $(rtr iface show)"
	log_test "interfaces: scope boundaries stop copies out and packets in, counted; they belong to the name, saved"
}

full_route_flood_stays_responsive()
{
	local max i oifs pings rtt

	case_start
	if ! modprobe pktgen 2>/dev/null; then
		log_skip "forwarding: a full route flooded, the machine stays responsive" "no pktgen"
		return
	fi
	# The most outputs a route may have, each a dummy device (its copies
	# are transmitted and freed).
	max=$(cat /sys/module/mcfw/parameters/oif_max)
	for ((i = 0; i < max; i++)); do
		echo "link add fz$i up type dummy"
	done | ip -n "$RTR" -batch -
	check_err $? "could not create $max dummy devices"
	defer eval 'for ((i = 0; i < max; i++)); do echo "link del fz$i"; done | ip -n "$RTR" -batch -'
	mapfile -t oifs < <(seq -f 'fz%g' 0 $((max - 1)))
	rtr route add 239.1.1.1 iif r0 oif "${oifs[@]}" nojoin
	check_err $? "a route of $max outputs was refused"
	# pktgen sends as fast as it can out of s0: every packet arrives on
	# r0 in a softirq of the router, and makes $max copies there.
	pg_setup 0 "$SRC" s0 mode=start_xmit
	check_err $? "pktgen setup failed"
	pg_start
	defer pg_stop
	sleep 2
	# Another namespace's pings to the router: each answered within 1 s.
	pings=$(ip netns exec "$H1" ping -n -c 10 -i 0.5 -W 1 10.2.0.1 2>&1)
	check_err $? "pings unanswered under the flood: $pings"
	rtt=$(sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/\([0-9]*\).*|\1|p' <<<"$pings")
	[ -n "$rtt" ] && [ "$rtt" -lt 1000 ]
	check_err $? "slowest answer ${rtt:-?} ms: $pings"
	pg_stop
	# What the backlogs still held is forwarded after pktgen stops: up to
	# a backlog of packets of $max copies each, seconds under emulation.
	# Wait for the last output to have every packet (30 s at most).
	for ((i = 0; i < 60; i++)); do
		[ "$(rtr -j -s route show 239.1.1.1 |
			json '.[0] | .stats.packets > 0 and .stats.packets == .oifs[-1].stats.packets')" = true ] &&
			break
		sleep 0.5
	done
	[ "$i" -lt 60 ]
	check_err $? "the flood was not forwarded to every output: $(rtr -s route show | tail -3)"
	echo "# $(route_stat 239.1.1.1 packets) packets made $max copies each; slowest ping ${rtt:-?} ms"
	log_test "forwarding: a route of oif_max outputs flooded, the machine answers pings within 1 s"
}

# nft_count FAMILY TABLE CHAIN PATTERN: the counter of the chain's rule
# that PATTERN matches.
firewall_sees_the_copies()
{
	local g

	case_start
	# A typical router ruleset: invalid dropped, established accepted,
	# a rule for the group; the copies to r2 refused.
	ip netns exec "$RTR" nft -f - <<-EOF
		table inet mcfw-fw {
			chain forward {
				type filter hook forward priority filter; policy drop;
				ct state invalid counter drop
				ct state established,related accept
				oifname "r2" ip daddr 239.11.11.11 counter drop
				ip daddr 239.11.11.11 counter accept
			}
			chain postrouting {
				type filter hook postrouting priority filter; policy accept;
				oifname "r1" ip daddr 239.11.11.11 counter
				oifname "r3" rt ip nexthop 239.11.11.11 counter
			}
		}
		table ip mcfw-pre {
			chain raw {
				type filter hook prerouting priority raw;
				ip daddr 239.11.11.12 counter drop
			}
			chain mangle {
				type filter hook prerouting priority mangle;
				ip daddr 239.11.11.13 counter drop
			}
			chain filter {
				type filter hook prerouting priority filter;
				ip daddr 239.11.11.14 counter drop
			}
		}
	EOF
	check_err $? "nft ruleset refused"
	defer ip netns exec "$RTR" nft delete table ip mcfw-pre
	defer ip netns exec "$RTR" nft delete table inet mcfw-fw
	rtr route add 239.11.11.11 iif r0 oif r1 r2 r3
	recv_bg "$H1" h1 239.11.11.11 && recv_bg "$H2" h2 239.11.11.11 &&
		recv_bg "$H3" h3 239.11.11.11
	send "$SRC" s0 239.11.11.11 -n 30
	recv_wait
	expect_recv 0 30 "h1 (forward accepts)"
	expect_recv 1 0 "h2 (forward drops copies out of r2)"
	expect_recv 2 30 "h3 (forward accepts)"
	[ "$(nft_count inet mcfw-fw forward 'oifname "r2"')" = 30 ] &&
		[ "$(nft_count inet mcfw-fw forward 'ct state invalid')" = 0 ] &&
		[ "$(nft_count inet mcfw-fw forward 'ip daddr 239.11.11.11 counter packets [0-9]* bytes [0-9]* accept')" = 60 ] &&
		[ "$(nft_count inet mcfw-fw postrouting 'oifname "r1"')" = 30 ] &&
		[ "$(nft_count inet mcfw-fw postrouting 'rt ip nexthop')" = 30 ]
	check_err $? "nft counters: $(ip netns exec "$RTR" nft list table inet mcfw-fw)"
	[ "$(oif_stat 239.11.11.11 r2 drops)" = 30 ] &&
		[ "$(iface_stat r2 filter_drop)" = 30 ] &&
		[ "$(oif_stat 239.11.11.11 r1 packets)" = 30 ]
	check_err $? "mcfw counters: $(rtr -s route show; rtr -s iface show)"

	# A prerouting chain at raw, mangle or filter priority that drops a
	# flow stops mcfw from forwarding it.
	for g in 12 13 14; do
		rtr route add 239.11.11.$g iif r0 oif r1
		recv_bg "$H1" h1 239.11.11.$g
		send "$SRC" s0 239.11.11.$g -n 20
		recv_wait
		expect_recv $((g - 9)) 0 "h1, 239.11.11.$g dropped in prerouting"
		[ "$(route_stat 239.11.11.$g packets)" = 0 ]
		check_err $? "239.11.11.$g reached mcfw: $(rtr -s route show 239.11.11.$g)"
	done
	log_test "firewall: copies traverse forward and postrouting with conntrack and a route; prerouting drops stop them"
}

routeless_output_skips_the_hooks()
{
	case_start
	# dm9 has no IPv4 (an MTU under 68 removes it): there is no route to
	# a group out of it, and MASQUERADE would follow a copy's route.
	ip -n "$RTR" link add dm9 type dummy &&
		ip -n "$RTR" link set dm9 mtu 60 up
	check_err $? "dummy device refused"
	defer ip -n "$RTR" link del dm9
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip mcfw-nat {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "dm9" masquerade
			}
		}
	EOF
	check_err $? "nft nat table refused"
	defer ip netns exec "$RTR" nft delete table ip mcfw-nat
	rtr route add 239.22.22.23 iif r0 oif dm9 r1
	recv_bg "$H1" h1 239.22.22.23
	send "$SRC" s0 239.22.22.23 -n 20 -s 16
	recv_wait
	expect_recv 0 20 "h1, beside an output with no route"
	[ "$(oif_stat 239.22.22.23 dm9 drops)" = 20 ] &&
		[ "$(iface_stat dm9 xmit_drop)" = 20 ]
	check_err $? "dm9: $(rtr -s route show 239.22.22.23; rtr -s iface show)"
	log_test "firewall: a copy with no route to its output never meets the hooks, counted"
}

# nfq_wait OUT PATTERN: until OUT has a line matching PATTERN (20 s).
nfq_wait()
{
	local i

	for i in $(seq 1 200); do
		grep -q "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

# nfq_start OUT COUNT: nfqhold.py on queue 7 in the router, its output in
# OUT, its standard input the file descriptor NFQ_W; returns once bound.
nfq_start()
{
	local fifo

	fifo=$(mktemp -u)
	mkfifo "$fifo" || return 1
	ip netns exec "$RTR" python3 "$TOPDIR/selftests/lib/nfqhold.py" 7 "$2" \
		<"$fifo" >"$1" 2>&1 &
	NFQ_PID=$!
	exec {NFQ_W}>"$fifo"
	rm -f "$fifo"
	nfq_wait "$1" '^ready'
}

nfqueue_verdicts_reinject_copies()
{
	local out

	case_start
	if ! modprobe nfnetlink_queue 2>/dev/null; then
		log_skip "firewall: NFQUEUE" "no nfnetlink_queue"
		return
	fi
	# No conntrack here: a copy sharing its original's unconfirmed
	# entry is not queued (nf_ct_drop_unconfirmed()).
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip mcfw-q {
			chain forward {
				type filter hook forward priority filter; policy accept;
				oifname "r1" ip daddr 239.22.22.24 queue num 7
			}
		}
	EOF
	check_err $? "nft queue rule refused"
	defer ip netns exec "$RTR" nft delete table ip mcfw-q
	out=$(mktemp)
	defer rm -f "$out"
	nfq_start "$out" 20
	check_err $? "nfqhold.py did not bind: $(cat "$out")"
	defer kill "$NFQ_PID"
	rtr route add 239.22.22.24 iif r0 oif r1 r2
	recv_bg "$H1" h1 239.22.22.24 && recv_bg "$H2" h2 239.22.22.24
	send "$SRC" s0 239.22.22.24 -n 20
	nfq_wait "$out" '^held 20'
	check_err $? "the copies to r1 were not queued: $(cat "$out")"
	# Held in the queue: reinjected by the verdicts, in process context,
	# into mcfw's POST_ROUTING continuation.
	echo go >&"$NFQ_W"
	nfq_wait "$out" '^accepted'
	grep -qx 'accepted 20 refused 0' "$out"
	check_err $? "verdicts: $(cat "$out")"
	exec {NFQ_W}>&-
	recv_wait
	expect_recv 0 20 "h1, its copies queued and accepted"
	expect_recv 1 20 "h2, not queued"
	[ "$(oif_stat 239.22.22.24 r1 packets)" = 20 ]
	check_err $? "r1 counted: $(rtr -s route show 239.22.22.24)"

	# Copies held while mcfw is unloaded are dropped with its hook:
	# their verdicts find nothing, and nothing runs mcfw's code.
	: >"$out"
	nfq_start "$out" 10
	check_err $? "nfqhold.py did not bind again: $(cat "$out")"
	defer kill "$NFQ_PID"
	send "$SRC" s0 239.22.22.24 -n 10
	nfq_wait "$out" '^held 10'
	check_err $? "the second copies were not queued: $(cat "$out")"
	modprobe -r mcfw
	check_err $? "mcfw could not be unloaded with copies queued"
	echo go >&"$NFQ_W"
	nfq_wait "$out" '^accepted'
	grep -qx 'accepted 0 refused 10' "$out"
	check_err $? "verdicts after unload: $(cat "$out")"
	exec {NFQ_W}>&-
	modprobe mcfw
	check_err $? "mcfw could not be loaded again"
	log_test "firewall: copies an NFQUEUE rule holds are sent on ACCEPT, and dropped when mcfw is unloaded"
}

defragmented_then_refragmented()
{
	local before after n

	case_start
	# Conntrack in the router's namespace: nf_defrag reassembles.
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip mcfw-ct {
			chain pre {
				type filter hook prerouting priority filter; policy accept;
				ct state new counter
			}
		}
	EOF
	check_err $? "nft ct rule refused"
	defer ip netns exec "$RTR" nft delete table ip mcfw-ct
	# The source's fragments are of 1000 bytes; r1 takes 1500.
	ip -n "$SRC" link set s0 mtu 1000
	defer ip -n "$SRC" link set s0 mtu 1500
	rtr route add 239.11.11.15 iif r0 oif r1
	before=$(ip -n "$H1" -j -s link show h1 | json '.[0].stats64.rx.packets')
	recv_bg "$H1" h1 239.11.11.15
	send "$SRC" s0 239.11.11.15 -n 20 -s 3000
	recv_wait
	after=$(ip -n "$H1" -j -s link show h1 | json '.[0].stats64.rx.packets')
	expect_recv 0 20 "h1, 3000-byte datagrams"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(recv_field 0 bytes)" = 60000 ]
	check_err $? "datagrams damaged: $(cat "${RECV_FILES[0]}")"
	# Reassembled, counted once each, and refragmented by the largest
	# fragment received (4 of 976 bytes' data or less, not 3 for 1500).
	[ "$(route_stat 239.11.11.15 packets)" = 20 ]
	check_err $? "the route counted $(route_stat 239.11.11.15 packets), not 20 datagrams"
	n=$((after - before))
	[ "$n" -ge 80 ] && [ "$n" -le 84 ]
	check_err $? "h1 received $n frames for 20 datagrams (80 fragments expected)"

	# Fragments with DF (set on r0's ingress, before nf_defrag): the
	# reassembled datagram has DF, and is cut again, as ip_forward()
	# does, since each fragment fit: only a fragment larger than the
	# output's MTU makes it too big.
	tc -n "$RTR" qdisc add dev r0 clsact &&
		tc -n "$RTR" filter add dev r0 ingress protocol ip flower \
			dst_ip 239.11.11.16 action pedit munge offset 6 u8 \
			set 0x40 retain 0x40 pipe action csum ip
	check_err $? "tc could not set DF on r0's ingress"
	defer tc -n "$RTR" qdisc del dev r0 clsact
	rtr route add 239.11.11.16 iif r0 oif r1
	before=$(ip -n "$H1" -j -s link show h1 | json '.[0].stats64.rx.packets')
	recv_bg "$H1" h1 239.11.11.16
	send "$SRC" s0 239.11.11.16 -n 20 -s 3000
	recv_wait
	after=$(ip -n "$H1" -j -s link show h1 | json '.[0].stats64.rx.packets')
	expect_recv 1 20 "h1, 3000-byte datagrams of DF fragments"
	[ "$(route_stat 239.11.11.16 packets)" = 20 ] &&
		[ "$(oif_stat 239.11.11.16 r1 drops)" = 0 ]
	check_err $? "DF fragments: $(rtr -s route show 239.11.11.16)"
	n=$((after - before))
	[ "$n" -ge 80 ] && [ "$n" -le 84 ]
	check_err $? "h1 received $n frames for 20 datagrams of DF fragments (80 expected)"
	log_test "forwarding: with nf_defrag, datagrams reassembled, then refragmented by the largest fragment received, DF or not"
}

ipmr_and_mcfw_never_both_forward()
{
	local f pid i

	case_start
	# The same (S,G) from r0 to r1 in mcfw and in the kernel's multicast
	# routing (a daemon's mroute socket, VIFs r0 and r1).
	rtr route add 239.12.12.12 source 10.1.0.2 iif r0 oif r1
	recv_bg "$H1" h1 239.12.12.12
	send "$SRC" s0 239.12.12.12 -n 20
	recv_wait
	expect_recv 0 20 "h1, mcfw alone"
	f=$(mktemp)
	defer rm -f "$f"
	ip netns exec "$RTR" python3 "$TOPDIR/selftests/lib/mrouted.py" \
		10.1.0.2 239.12.12.12 r0 r1 >"$f" 2>&1 &
	pid=$!
	defer kill "$pid"
	for i in $(seq 1 100); do
		grep -q '^ready' "$f" && break
		sleep 0.1
	done
	grep -q '^ready' "$f"
	check_err $? "the mroute daemon did not start: $(cat "$f")"
	[ "$(ip netns exec "$RTR" sysctl -n net.ipv4.conf.r0.mc_forwarding)" = 1 ]
	check_err $? "r0 is not an ipmr VIF"
	rtr route zero
	recv_bg "$H1" h1 239.12.12.12
	send "$SRC" s0 239.12.12.12 -n 20
	recv_wait
	# ipmr forwards them; mcfw leaves r0's packets to it.
	expect_recv 1 20 "h1 with ipmr and mcfw both routing the group"
	[ "$(recv_field 1 dup)" = 0 ]
	check_err $? "duplicates: $(cat "${RECV_FILES[1]}")"
	[ "$(route_stat 239.12.12.12 packets)" = 0 ]
	check_err $? "mcfw forwarded what ipmr owns: $(rtr -s route show 239.12.12.12)"
	ip netns exec "$RTR" ip mroute show | grep -q '(10.1.0.2, *239.12.12.12)'
	check_err $? "no ipmr entry: $(ip netns exec "$RTR" ip mroute show)"

	# The daemon gone, its VIFs go, and mcfw forwards again.
	kill "$pid"
	wait "$pid" 2>/dev/null
	recv_bg "$H1" h1 239.12.12.12
	send "$SRC" s0 239.12.12.12 -n 20
	recv_wait
	expect_recv 2 20 "h1, mcfw alone again"
	[ "$(route_stat 239.12.12.12 packets)" = 20 ]
	check_err $? "mcfw did not take the group back: $(rtr -s route show 239.12.12.12)"
	log_test "forwarding: with ipmr routing the same input, one copy each: ipmr's VIFs are left to it"
}

monitor_announces_changes()
{
	local mon

	case_start
	mon=$(mktemp)
	defer rm -f "$mon"
	mcfwctl -n "$RTR" monitor >"$mon" 2>&1 &
	defer kill $!
	sleep 1
	rtr route add 239.24.24.24 source 10.1.0.2 iif r0 oif r1
	rtr route replace 239.24.24.24 source 10.1.0.2 iif r0 oif r1 r2
	rtr route del 239.24.24.24 source 10.1.0.2
	rtr route add 239.24.24.25 iif r0 oif r1
	rtr route flush
	sleep 1
	grep -q '^new (10.1.0.2, 239.24.24.24) iif r0 oif r1$' "$mon" &&
		grep -q '^new (10.1.0.2, 239.24.24.24) iif r0 oif r1 r2$' "$mon" &&
		grep -q '^del (10.1.0.2, 239.24.24.24) iif r0 oif r1 r2$' "$mon" &&
		grep -q '^flush 1' "$mon"
	check_err $? "monitor printed: $(cat "$mon")"
	log_test "monitor: every change is announced"
}

require_root
if ! setup; then
	echo "not ok 1 forwarding: topology could not be set up"
	exit 1
fi
run_tests
