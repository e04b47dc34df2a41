#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mcfw as a gateway: outputs whose copies carry another group and UDP
# port (DEV[:TTL]@GROUP[:PORT]), with real traffic between namespaces.
# Every router output computes its checksums in software (tx off) and
# every receiver verifies them (Udp InCsumErrors stays 0); payloads are
# checked byte by byte and counts are exact.
#
#                         +------------------ rtr ------------------+
#  src                    |                                         |
#  s0 10.1.0.2/24 ------- r0 10.1.0.1/24             r1 10.2.0.1/24 --- h1 10.2.0.2 (h1)
#                         |                          r2 10.3.0.1/24 --- h2 10.3.0.2 (h2)
#                         |      mcfw                r3 10.4.0.1/24 --- h3 10.4.0.2 (h3)
#                         +-----------------------------------------+

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	translated_group_and_port
	translated_zero_checksum_stays_zero
	translated_udp_gso_and_gro
	translated_fragments
	translated_apart_from_local_listeners
	translated_boundaries
	translated_through_firewall
	translated_counters_on_replace
	translated_bad_input_refused
	unicast_output_routed
	unicast_output_through_gre
	unicast_output_through_wireguard
	unicast_output_follows_route_changes
	unicast_output_routed_in_the_input_vrf
	unicast_bad_input_refused
	relay_unicast_back_to_multicast
	relay_from_and_iif_filters
	relay_ttl_bounded
	relay_gso_datagrams_one_by_one
	relay_waits_for_its_address
	relay_bad_input_refused
	exchange_to_floors_across_unicast_wan
	snat_copies_leave_from_the_output
"

TOPO=gw
source "$(dirname "$0")/lib/topology.sh"

# expect_clean N WHAT: receiver N's datagrams undamaged, TTL 63.
expect_clean()
{
	[ "$(recv_field "$1" bad)" = 0 ] && [ "$(recv_field "$1" dup)" = 0 ] &&
		[ "$(recv_field "$1" ttl_min)" = 63 ] &&
		[ "$(recv_field "$1" ttl_max)" = 63 ]
	check_err $? "$2: $(cat "${RECV_FILES[$1]}")"
}

# expect_no_csum_errors: no receiver saw a bad UDP checksum.
expect_no_csum_errors()
{
	local ns

	for ns in "$H1" "$H2" "$H3"; do
		[ "$(udp_csum_errors "$ns")" = 0 ]
		check_err $? "$ns saw $(udp_csum_errors "$ns") UDP checksum errors"
	done
}

# toggled_stat GROUP DEV OGROUP COUNTER: a translated output's counter,
# the output being DEV@OGROUP (OGROUP "null" for DEV's plain output).
toggled_stat()
{
	rtr -j -s route show "$1" |
		json --arg d "$2" --arg g "$3" \
		".[0].oifs[] | select(.dev == \$d and (.group // \"null\") == \$g) | .stats.$4"
}

tx_off()
{
	local dev

	for dev in "$@"; do
		ip netns exec "$RTR" ethtool -K "$dev" tx off >/dev/null ||
			return 1
		defer ip netns exec "$RTR" ethtool -K "$dev" tx on
	done
}

translated_group_and_port()
{
	local round n mon f

	case_start
	tx_off r1 r2
	check_err $? "ethtool -K tx off failed"
	mon=$(mktemp)
	defer rm -f "$mon"
	mcfwctl -n "$RTR" monitor >"$mon" 2>&1 &
	defer kill $!
	sleep 1
	rtr route add 239.1.30.1 source 10.1.0.2 iif r0 \
		oif r1 r1@239.130.0.1:6001 r2:8@239.130.0.2
	check_err $? "route add with translated outputs failed"
	rtr route show | grep -qx '(10.1.0.2, 239.1.30.1) iif r0 oif r1 r1@239.130.0.1:6001 r2:8@239.130.0.2'
	check_err $? "route show: $(rtr route show)"
	for round in offload software; do
		if [ $round = software ]; then
			ip netns exec "$SRC" ethtool -K s0 tx off >/dev/null
			check_err $? "ethtool -K s0 tx off failed"
			defer ip netns exec "$SRC" ethtool -K s0 tx on
		fi
		n=${#RECV_FILES[@]}
		recv_bg "$H1" h1 239.1.30.1 &&
			PORT=6001 recv_bg "$H1" h1 239.130.0.1 &&
			recv_bg "$H1" h1 239.130.0.1 &&
			recv_bg "$H2" h2 239.130.0.2 &&
			recv_bg "$H2" h2 239.1.30.1
		check_err $? "receivers did not start"
		send "$SRC" s0 239.1.30.1 -n 50 -s 1000
		recv_wait
		expect_recv "$n" 50 "h1, the plain copy ($round)"
		expect_recv $((n + 1)) 50 "h1, 239.130.0.1 port 6001 ($round)"
		expect_recv $((n + 2)) 0 "h1, 239.130.0.1 on the original port ($round)"
		expect_recv $((n + 3)) 50 "h2, 239.130.0.2 ($round)"
		expect_recv $((n + 4)) 0 "h2, the original group ($round)"
		expect_clean "$n" "h1 plain ($round)"
		expect_clean $((n + 1)) "h1 translated ($round)"
		expect_clean $((n + 3)) "h2 translated ($round)"
	done
	expect_no_csum_errors
	[ "$(toggled_stat 239.1.30.1 r1 null packets)" = 100 ] &&
		[ "$(toggled_stat 239.1.30.1 r1 239.130.0.1 packets)" = 100 ] &&
		[ "$(toggled_stat 239.1.30.1 r2 239.130.0.2 packets)" = 100 ]
	check_err $? "per-output counters: $(rtr -s route show)"
	rtr -j route show | json -c '.[0].oifs' | grep -qF \
		'[{"dev":"r1","unicast":null,"ttl":1,"group":null,"port":null,"waiting":false},{"dev":"r1","unicast":null,"ttl":1,"group":"239.130.0.1","port":6001,"waiting":false},{"dev":"r2","unicast":null,"ttl":8,"group":"239.130.0.2","port":null,"waiting":false}]'
	check_err $? "JSON: $(rtr -j route show)"

	# save and restore give the same routes.
	f=$(mktemp)
	defer rm -f "$f"
	rtr save >"$f" && rtr -o all route flush && rtr restore "$f"
	check_err $? "save, flush, restore failed: $(cat "$f")"
	rtr route show | grep -qx '(10.1.0.2, 239.1.30.1) iif r0 oif r1 r1@239.130.0.1:6001 r2:8@239.130.0.2'
	check_err $? "after restore: $(rtr route show); saved: $(cat "$f")"
	grep -q '^new (10.1.0.2, 239.1.30.1) iif r0 oif r1 r1@239.130.0.1:6001 r2:8@239.130.0.2$' "$mon"
	check_err $? "monitor printed: $(cat "$mon")"
	log_test "gateway: translated outputs carry their group and port, checksums right, the plain copy beside them"
}

translated_zero_checksum_stays_zero()
{
	case_start
	tx_off r1
	check_err $? "ethtool -K tx off failed"
	ip netns exec "$H1" nft -f - <<-EOF
		table ip mcfw-csum {
			chain pre {
				type filter hook prerouting priority raw;
				udp dport 6002 udp checksum 0 counter
				udp dport 6002 counter
			}
		}
	EOF
	check_err $? "nft on h1 refused"
	defer ip netns exec "$H1" nft delete table ip mcfw-csum
	rtr route add 239.1.30.2 iif r0 oif r1@239.130.0.2:6002
	PORT=6002 recv_bg "$H1" h1 239.130.0.2
	send "$SRC" s0 239.1.30.2 -n 40 -s 300 -z
	recv_wait
	expect_recv 0 40 "h1"
	expect_clean 0 "h1"
	ip netns exec "$H1" nft list chain ip mcfw-csum pre |
		grep -q 'udp checksum 0 counter packets 40 ' &&
		ip netns exec "$H1" nft list chain ip mcfw-csum pre |
		grep -q 'udp dport 6002 counter packets 40 '
	check_err $? "h1 saw: $(ip netns exec "$H1" nft list chain ip mcfw-csum pre)"
	log_test "gateway: a datagram without a UDP checksum keeps none when translated"
}

translated_udp_gso_and_gro()
{
	local n=400

	case_start
	tx_off r1 r2
	check_err $? "ethtool -K tx off failed"
	# 50 sends of 8 datagrams of 1000 bytes, each one GSO packet on s0:
	# the copies are CHECKSUM_PARTIAL, segmented on r1 and r2.
	rtr route add 239.1.30.3 iif r0 oif r1@239.130.0.3:6003 r2
	PORT=6003 recv_bg "$H1" h1 239.130.0.3 -w 2000 &&
		recv_bg "$H2" h2 239.1.30.3 -w 2000
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.30.3 -n "$n" -s 1000 -g 8 -D -r 1000
	check_err $? "the GSO sender failed"
	recv_wait
	expect_recv 0 "$n" "h1, translated GSO datagrams"
	expect_recv 1 "$n" "h2, plain GSO datagrams"
	expect_clean 0 "h1"
	[ "$(toggled_stat 239.1.30.3 r1 239.130.0.3 packets)" = "$n" ]
	check_err $? "counted: $(rtr -s route show 239.1.30.3)"

	# GRO on the input merges datagrams into one packet, as above.
	if ip netns exec "$RTR" ethtool -K r0 gro on rx-udp-gro-forwarding on \
		>/dev/null 2>&1; then
		defer ip netns exec "$RTR" ethtool -K r0 gro off rx-udp-gro-forwarding off
		tc -n "$SRC" qdisc add dev s0 root netem slot 20ms 20ms
		check_err $? "netem slot on s0 failed"
		defer tc -n "$SRC" qdisc del dev s0 root
		n=1000
		rtr route add 239.1.30.4 iif r0 oif r1@239.130.0.4:6004 r2
		PORT=6004 recv_bg "$H1" h1 239.130.0.4 -w 3000 &&
			recv_bg "$H2" h2 239.1.30.4 -w 3000
		check_err $? "receivers did not start"
		send "$SRC" s0 239.1.30.4 -n "$n" -s 200 -r 2000
		recv_wait
		expect_recv 2 "$n" "h1, translated after GRO"
		expect_recv 3 "$n" "h2, plain after GRO"
		expect_clean 2 "h1 after GRO"
	fi
	expect_no_csum_errors
	log_test "gateway: UDP GSO and GRO packets translated, every segment's checksum right"
}

translated_fragments()
{
	local round

	case_start
	tx_off r1 r2
	check_err $? "ethtool -K tx off failed"
	# 4000-byte datagrams leave s0 as three fragments: only the first
	# holds the UDP header; every one gets the new group.
	rtr route add 239.1.30.5 iif r0 oif r1@239.130.0.5:6005 r2@239.130.0.6
	for round in fragments reassembled; do
		if [ $round = reassembled ]; then
			# Conntrack in the router: nf_defrag reassembles, the
			# copies are refragmented.
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
		fi
		n=${#RECV_FILES[@]}
		PORT=6005 recv_bg "$H1" h1 239.130.0.5 &&
			recv_bg "$H2" h2 239.130.0.6
		check_err $? "receivers did not start"
		send "$SRC" s0 239.1.30.5 -n 20 -s 4000
		recv_wait
		expect_recv "$n" 20 "h1, $round"
		expect_recv $((n + 1)) 20 "h2, $round"
		expect_clean "$n" "h1, $round"
		expect_clean $((n + 1)) "h2, $round"
		[ "$(recv_field "$n" bytes)" = 80000 ]
		check_err $? "h1 bytes ($round): $(recv_field "$n" bytes)"
	done
	expect_no_csum_errors
	log_test "gateway: fragmented datagrams translated, as fragments and reassembled"
}

translated_apart_from_local_listeners()
{
	case_start
	tx_off r1
	check_err $? "ethtool -K tx off failed"
	# The gateway itself listens to the original group and, on r1, to
	# the group the copies carry: it receives the first, never a copy.
	rtr route add 239.1.30.7 iif r0 oif r1@239.130.0.7
	recv_bg "$RTR" r0 239.1.30.7 && recv_bg "$RTR" r1 239.130.0.7 &&
		recv_bg "$RTR" r0 239.130.0.7 && recv_bg "$H1" h1 239.130.0.7
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.30.7 -n 30
	recv_wait
	expect_recv 0 30 "the gateway, the original group on r0"
	expect_recv 1 0 "the gateway, the copies' group on r1"
	expect_recv 2 0 "the gateway, the copies' group on r0"
	expect_recv 3 30 "h1, the copies"
	expect_no_csum_errors
	log_test "gateway: local listeners of the original and of the new group stay apart"
}

translated_boundaries()
{
	case_start
	# A boundary applies to the group a copy carries out of its output.
	rtr iface set r1 boundary 239.130.0.0/16
	check_err $? "boundary refused"
	defer rtr iface set r1 boundary none
	rtr iface set r2 boundary 239.1.30.0/24
	defer rtr iface set r2 boundary none
	rtr route add 239.2.30.8 iif r0 oif r1 r1@239.130.0.8
	rtr route add 239.1.30.8 iif r0 oif r2 r2@239.131.0.8 r3
	recv_bg "$H1" h1 239.2.30.8 && recv_bg "$H1" h1 239.130.0.8 &&
		recv_bg "$H2" h2 239.1.30.8 && recv_bg "$H2" h2 239.131.0.8
	check_err $? "receivers did not start"
	send "$SRC" s0 239.2.30.8 -n 20
	send "$SRC" s0 239.1.30.8 -n 20
	recv_wait
	expect_recv 0 20 "h1, 239.2.30.8 (outside r1's boundary)"
	expect_recv 1 0 "h1, 239.130.0.8 (inside r1's boundary)"
	expect_recv 2 0 "h2, 239.1.30.8 (inside r2's boundary)"
	expect_recv 3 20 "h2, 239.131.0.8 (translated out of it)"
	[ "$(toggled_stat 239.2.30.8 r1 239.130.0.8 drops)" = 20 ] &&
		[ "$(iface_stat r1 boundary_drop)" = 20 ] &&
		[ "$(iface_stat r2 boundary_drop)" = 20 ]
	check_err $? "counters: $(rtr -s route show; rtr -s iface show)"
	log_test "gateway: boundaries apply to the group a copy carries"
}

translated_through_firewall()
{
	case_start
	tx_off r1
	check_err $? "ethtool -K tx off failed"
	# A router ruleset with conntrack: translated copies are untracked
	# (the original's entry is of the original's tuple), never invalid,
	# and the rules and the route see the group and port they carry.
	ip netns exec "$RTR" nft -f - <<-EOF
		table inet mcfw-gw {
			chain forward {
				type filter hook forward priority filter; policy drop;
				ct state invalid counter drop
				ct state established,related accept
				ct state untracked ip daddr 239.130.0.9 udp dport 6009 counter accept
				ip daddr 239.1.30.9 counter accept
			}
			chain postrouting {
				type filter hook postrouting priority filter; policy accept;
				oifname "r1" ip daddr 239.130.0.9 udp dport 6009 counter
				oifname "r1" rt ip nexthop 239.130.0.9 counter
			}
		}
	EOF
	check_err $? "nft ruleset refused"
	defer ip netns exec "$RTR" nft delete table inet mcfw-gw
	rtr route add 239.1.30.9 iif r0 oif r1@239.130.0.9:6009 r2
	PORT=6009 recv_bg "$H1" h1 239.130.0.9 && recv_bg "$H2" h2 239.1.30.9
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.30.9 -n 30
	recv_wait
	expect_recv 0 30 "h1, translated through the firewall"
	expect_recv 1 30 "h2, plain through the firewall"
	[ "$(nft_count inet mcfw-gw forward 'ct state invalid')" = 0 ] &&
		[ "$(nft_count inet mcfw-gw forward 'ct state untracked')" = 30 ] &&
		[ "$(nft_count inet mcfw-gw postrouting 'udp dport 6009')" = 30 ] &&
		[ "$(nft_count inet mcfw-gw postrouting 'rt ip nexthop')" = 30 ]
	check_err $? "nft counters: $(ip netns exec "$RTR" nft list table inet mcfw-gw)"
	expect_no_csum_errors
	log_test "gateway: translated copies traverse the firewall untracked, with their own group, port and route"
}

translated_counters_on_replace()
{
	case_start
	rtr route add 239.1.30.10 iif r0 oif r1@239.130.0.10 r2
	send "$SRC" s0 239.1.30.10 -n 10
	sleep 0.5
	# Another output added: the translated one keeps its counts.
	rtr route replace 239.1.30.10 iif r0 oif r1@239.130.0.10 r2 r1
	[ "$(toggled_stat 239.1.30.10 r1 239.130.0.10 packets)" = 10 ] &&
		[ "$(toggled_stat 239.1.30.10 r1 null packets)" = 0 ]
	check_err $? "after adding r1: $(rtr -s route show)"
	# Another group or port is another copy: its counts start at zero.
	rtr route replace 239.1.30.10 iif r0 oif r1@239.130.0.11 r2 r1
	[ "$(toggled_stat 239.1.30.10 r1 239.130.0.11 packets)" = 0 ] &&
		[ "$(toggled_stat 239.1.30.10 r2 null packets)" = 10 ]
	check_err $? "after re-mapping: $(rtr -s route show)"
	rtr route replace 239.1.30.10 iif r0 oif r1@239.130.0.11:6010 r2 r1
	[ "$(toggled_stat 239.1.30.10 r1 239.130.0.11 packets)" = 0 ]
	check_err $? "after a new port: $(rtr -s route show)"
	log_test "gateway: a replace keeps a translated output's counts, unless its group or port changes"
}

# unicast_stat GROUP ADDR COUNTER: a unicast output's counter.
unicast_stat()
{
	rtr -j -s route show "$1" |
		json --arg a "$2" ".[0].oifs[] | select(.unicast == \$a) | .stats.$3"
}

translated_bad_input_refused()
{
	case_start
	rtr route add 239.1.30.11 iif r0 oif r1 r1@239.130.0.12
	check_err $? "r1 beside r1@239.130.0.12 refused"
	reject "not a multicast address" add 239.1.30.12 iif r0 oif r1@10.1.1.1
	reject "224.0.0.0/24" add 239.1.30.12 iif r0 oif r1@224.0.0.5
	reject "invalid port" add 239.1.30.12 iif r0 oif r1@239.130.0.1:0
	reject "invalid port" add 239.1.30.12 iif r0 oif r1@239.130.0.1:65536
	reject "invalid port" add 239.1.30.12 iif r0 oif r1@239.130.0.1:x
	reject "invalid group" add 239.1.30.12 iif r0 oif r1@239.130
	reject "missing device" add 239.1.30.12 iif r0 oif @239.130.0.1
	reject "listed twice" add 239.1.30.12 iif r0 oif r1@239.130.0.1 r2 r1@239.130.0.1
	reject "listed twice" add 239.1.30.12 iif r0 oif r1:4@239.130.0.1:7 r1@239.130.0.1:7
	# The route's own group is no translation: r1 twice.
	reject "listed twice" add 239.1.30.12 iif r0 oif r1 r1@239.1.30.12
	reject "input interface cannot also be an output" \
		add 239.1.30.12 iif r0 oif r0@239.130.0.1
	reject "IPv6" add 239.1.30.12 iif r0 oif "r1@[ff3e::1]:6001"
	[ "$(route_count)" = 1 ]
	check_err $? "route count $(route_count), expected 1"
	# A device whose name has an '@' in it: split at the last '@'.
	ip -n "$RTR" link add 'd@x' type dummy && ip -n "$RTR" link set 'd@x' up
	check_err $? "a dummy named d@x refused"
	defer ip -n "$RTR" link del 'd@x'
	rtr route add 239.1.30.13 iif r0 oif 'd@x' 'd@x:3@239.130.0.13:5'
	check_err $? "route out of d@x refused"
	rtr route show 239.1.30.13 | grep -qxF '(*, 239.1.30.13) iif r0 oif d@x d@x:3@239.130.0.13:5'
	check_err $? "route show: $(rtr route show 239.1.30.13)"
	log_test "gateway: bad translations refused with a reason, nothing changed"
}

unicast_output_routed()
{
	local round n

	case_start
	tx_off r1 r2
	check_err $? "ethtool -K tx off failed"
	# Counted by the firewall: untracked, to h1's address and new port.
	ip netns exec "$RTR" nft -f - <<-EOF
		table inet mcfw-uc {
			chain forward {
				type filter hook forward priority filter; policy accept;
				ct state invalid counter
				ct state untracked ip daddr 10.2.0.2 udp dport 7001 counter
			}
		}
	EOF
	check_err $? "nft ruleset refused"
	defer ip netns exec "$RTR" nft delete table inet mcfw-uc
	rtr route add 239.1.31.1 source 10.1.0.2 iif r0 \
		oif r2 unicast 10.2.0.2:7001 unicast 10.3.0.2
	check_err $? "route add with unicast outputs failed"
	rtr route show | grep -qx '(10.1.0.2, 239.1.31.1) iif r0 oif r2 unicast 10.2.0.2:7001 unicast 10.3.0.2'
	check_err $? "route show: $(rtr route show)"
	for round in offload software; do
		if [ $round = software ]; then
			ip netns exec "$SRC" ethtool -K s0 tx off >/dev/null
			check_err $? "ethtool -K s0 tx off failed"
			defer ip netns exec "$SRC" ethtool -K s0 tx on
		fi
		n=${#RECV_FILES[@]}
		PORT=7001 recv_bg "$H1" h1 10.2.0.2 &&
			recv_bg "$H2" h2 10.3.0.2 && recv_bg "$H2" h2 239.1.31.1
		check_err $? "receivers did not start"
		send "$SRC" s0 239.1.31.1 -n 50 -s 1000
		recv_wait
		expect_recv "$n" 50 "h1, unicast to port 7001 ($round)"
		expect_recv $((n + 1)) 50 "h2, unicast to its address ($round)"
		expect_recv $((n + 2)) 50 "h2, the multicast copy ($round)"
		expect_clean "$n" "h1 ($round)"
		expect_clean $((n + 1)) "h2 unicast ($round)"
		# The source the routing table chooses: the router's own.
		[ "$(recv_field "$n" from)" = 10.2.0.1 ] &&
			[ "$(recv_field $((n + 1)) from)" = 10.3.0.1 ] &&
			[ "$(recv_field $((n + 2)) from)" = 10.1.0.2 ]
		check_err $? "sources: $(cat "${RECV_FILES[@]:$n:3}")"
	done
	expect_no_csum_errors
	[ "$(unicast_stat 239.1.31.1 10.2.0.2 packets)" = 100 ] &&
		[ "$(unicast_stat 239.1.31.1 10.3.0.2 packets)" = 100 ] &&
		[ "$(unicast_stat 239.1.31.1 10.3.0.2 drops)" = 0 ]
	check_err $? "per-output counters: $(rtr -s route show)"
	[ "$(nft_count inet mcfw-uc forward 'ct state invalid')" = 0 ] &&
		[ "$(nft_count inet mcfw-uc forward 'udp dport 7001')" = 100 ]
	check_err $? "nft counters: $(ip netns exec "$RTR" nft list table inet mcfw-uc)"
	rtr -j route show | json -c '.[0].oifs[1]' | grep -qxF \
		'{"dev":null,"unicast":"10.2.0.2","ttl":1,"group":null,"port":7001,"waiting":false}'
	check_err $? "JSON: $(rtr -j route show)"
	log_test "gateway: unicast outputs routed to their address and port, from the router's address, checksums right"
}

unicast_output_through_gre()
{
	case_start
	# A GRE tunnel from rtr to h3 across r3; the unicast output's
	# address is at the tunnel's far end: the routing table sends the
	# copies into it.
	ip -n "$RTR" link add gre7 type gre local 10.4.0.1 remote 10.4.0.2 &&
		ip -n "$H3" link add gre7 type gre local 10.4.0.2 remote 10.4.0.1 &&
		ip -n "$RTR" addr add 192.168.57.1/30 dev gre7 &&
		ip -n "$H3" addr add 192.168.57.2/30 dev gre7 &&
		ip -n "$RTR" link set gre7 up && ip -n "$H3" link set gre7 up
	check_err $? "GRE tunnel could not be created"
	defer ip -n "$RTR" link del gre7
	defer ip -n "$H3" link del gre7
	rtr route add 239.1.31.2 iif r0 oif unicast 192.168.57.2:7002
	PORT=7002 recv_bg "$H3" gre7 192.168.57.2
	send "$SRC" s0 239.1.31.2 -n 40 -s 500 -t 20
	recv_wait
	expect_recv 0 40 "h3, through the tunnel"
	[ "$(recv_field 0 ttl_max)" = 19 ] && [ "$(recv_field 0 bad)" = 0 ] &&
		[ "$(recv_field 0 from)" = 192.168.57.1 ]
	check_err $? "through the tunnel: $(cat "${RECV_FILES[0]}")"
	expect_no_csum_errors
	log_test "gateway: a unicast output routed into a GRE tunnel"
}

unicast_output_through_wireguard()
{
	local k1 k2

	case_start
	# WireGuard between rtr and h3 across r3: a device without a link
	# layer whose peer is chosen by the destination (allowed-ips).
	k1=$(mktemp) k2=$(mktemp)
	defer rm -f "$k1" "$k2"
	wg genkey >"$k1" && wg genkey >"$k2"
	check_err $? "wg genkey failed"
	ip -n "$RTR" link add wg7 type wireguard &&
		ip -n "$H3" link add wg7 type wireguard
	check_err $? "WireGuard devices could not be created"
	defer ip -n "$RTR" link del wg7
	defer ip -n "$H3" link del wg7
	ip netns exec "$RTR" wg set wg7 private-key "$k1" listen-port 51820 \
		peer "$(wg pubkey <"$k2")" endpoint 10.4.0.2:51820 \
		allowed-ips 192.168.58.2/32 &&
		ip netns exec "$H3" wg set wg7 private-key "$k2" listen-port 51820 \
			peer "$(wg pubkey <"$k1")" endpoint 10.4.0.1:51820 \
			allowed-ips 192.168.58.1/32 &&
		ip -n "$RTR" addr add 192.168.58.1/24 dev wg7 &&
		ip -n "$H3" addr add 192.168.58.2/24 dev wg7 &&
		ip -n "$RTR" link set wg7 up && ip -n "$H3" link set wg7 up
	check_err $? "WireGuard could not be configured"
	rtr route add 239.1.31.7 iif r0 oif unicast 192.168.58.2:7007
	PORT=7007 recv_bg "$H3" wg7 192.168.58.2
	send "$SRC" s0 239.1.31.7 -n 40 -s 500 -t 20 -r 200
	recv_wait
	expect_recv 0 40 "h3, through WireGuard"
	[ "$(recv_field 0 ttl_max)" = 19 ] && [ "$(recv_field 0 bad)" = 0 ] &&
		[ "$(recv_field 0 from)" = 192.168.58.1 ]
	check_err $? "through WireGuard: $(cat "${RECV_FILES[0]}")"
	[ "$(unicast_stat 239.1.31.7 192.168.58.2 packets)" = 40 ]
	check_err $? "counters: $(rtr -s route show)"
	log_test "gateway: a unicast output routed into WireGuard"
}

unicast_output_follows_route_changes()
{
	local a b total

	case_start
	# 10.99.0.9 is on h1 and on h2; rtr routes it to one, then the other.
	ip -n "$H1" addr add 10.99.0.9/32 dev lo &&
		ip -n "$H2" addr add 10.99.0.9/32 dev lo &&
		ip -n "$RTR" route add 10.99.0.9/32 via 10.2.0.2
	check_err $? "addresses and route refused"
	defer ip -n "$H1" addr del 10.99.0.9/32 dev lo
	defer ip -n "$H2" addr del 10.99.0.9/32 dev lo
	defer ip -n "$RTR" route del 10.99.0.9/32
	rtr route add 239.1.31.3 iif r0 oif unicast 10.99.0.9:7003
	PORT=7003 recv_bg "$H1" h1 10.99.0.9 && PORT=7003 recv_bg "$H2" h2 10.99.0.9
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.31.3 -r 200 -T 4 -n 800 &
	sleep 2
	ip -n "$RTR" route replace 10.99.0.9/32 via 10.3.0.2
	check_err $? "route replace failed"
	wait $!
	recv_wait
	a=$(recv_field 0 received) b=$(recv_field 1 received)
	total=$(route_stat 239.1.31.3 packets)
	[ "$a" -gt 100 ] && [ "$b" -gt 100 ]
	check_err $? "h1 received $a, h2 $b: the copies did not follow the route"
	# Copies in flight at the change may wait for ARP; none is lost.
	[ $((a + b)) = "$total" ] && [ "$(unicast_stat 239.1.31.3 10.99.0.9 drops)" = 0 ]
	check_err $? "h1 $a + h2 $b of $total: $(rtr -s route show)"
	log_test "gateway: a unicast output follows the routing table when it changes under traffic"
}

unicast_output_routed_in_the_input_vrf()
{
	case_start
	# r0, the input, and r2 in a VRF of table 77; 10.9.77.2 is h2 in
	# the VRF's table and h1 in the main table: the copies follow the
	# input's table.
	ip -n "$RTR" link add vrf77 type vrf table 77 &&
		ip -n "$RTR" link set vrf77 up &&
		ip -n "$RTR" link set r0 master vrf77 &&
		ip -n "$RTR" link set r2 master vrf77
	check_err $? "VRF could not be set up"
	defer ip -n "$RTR" link del vrf77
	defer ip -n "$RTR" link set r2 nomaster
	defer ip -n "$RTR" link set r0 nomaster
	ip -n "$H1" addr add 10.9.77.2/32 dev lo &&
		ip -n "$H2" addr add 10.9.77.2/32 dev lo &&
		ip -n "$RTR" route add 10.9.77.2/32 via 10.2.0.2 &&
		ip -n "$RTR" route add 10.9.77.2/32 via 10.3.0.2 vrf vrf77
	check_err $? "addresses and routes refused"
	defer ip -n "$H1" addr del 10.9.77.2/32 dev lo
	defer ip -n "$H2" addr del 10.9.77.2/32 dev lo
	defer ip -n "$RTR" route del 10.9.77.2/32
	rtr route add 239.1.31.8 iif r0 oif unicast 10.9.77.2:7008
	PORT=7008 recv_bg "$H1" h1 10.9.77.2 && PORT=7008 recv_bg "$H2" h2 10.9.77.2
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.31.8 -n 30
	recv_wait
	expect_recv 0 0 "h1, by the main table"
	expect_recv 1 30 "h2, by the input's VRF table"
	[ "$(recv_field 1 from)" = 10.3.0.1 ]
	check_err $? "the source in the VRF: $(cat "${RECV_FILES[1]}")"
	log_test "gateway: unicast copies are routed in the input's VRF table"
}

unicast_bad_input_refused()
{
	case_start
	rtr route add 239.1.31.4 iif r0 oif r1 unicast 10.2.0.2 unicast 10.2.0.2:7004
	check_err $? "two unicast outputs to one address, other ports, refused"
	reject "multicast address" add 239.1.31.5 iif r0 oif unicast 239.1.1.1
	reject "not a unicast address" add 239.1.31.5 iif r0 oif unicast 127.0.0.1
	reject "not a unicast address" add 239.1.31.5 iif r0 oif unicast 255.255.255.255
	reject "invalid port" add 239.1.31.5 iif r0 oif unicast 10.2.0.2:0
	reject "invalid address" add 239.1.31.5 iif r0 oif unicast r1
	reject "needs ADDR" add 239.1.31.5 iif r0 oif r1 unicast
	reject "listed twice" add 239.1.31.5 iif r0 oif unicast 10.2.0.2:9 unicast 10.2.0.2:9
	[ "$(route_count)" = 1 ]
	check_err $? "route count $(route_count), expected 1"
	# An address the routing table cannot reach: the copies are counted
	# as that output's drops, the other outputs unharmed.
	rtr route add 239.1.31.6 iif r0 oif r1 unicast 203.0.113.9
	recv_bg "$H1" h1 239.1.31.6
	send "$SRC" s0 239.1.31.6 -n 20
	recv_wait
	expect_recv 0 20 "h1, beside an unreachable unicast output"
	[ "$(unicast_stat 239.1.31.6 203.0.113.9 drops)" = 20 ]
	check_err $? "unreachable: $(rtr -s route show 239.1.31.6)"
	log_test "gateway: bad unicast outputs refused; an unreachable one counts its drops"
}

# icmp_unreach NS: ICMP destination unreachables the namespace received.
icmp_unreach()
{
	ip netns exec "$1" awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "InDestUnreachs") c = i; h = 1 } else print $c }' \
		/proc/net/snmp
}

relay_stat()
{
	rtr -j -s relay show | json --arg k "$1" \
		".[] | select((.addr + \":\" + (.port | tostring)) == \$k) | .stats.$2"
}

# relay_oif_stat ADDR:PORT I COUNTER: the relay's I-th output's counter.
relay_oif_stat()
{
	rtr -j -s relay show | json --arg k "$1" \
		".[] | select((.addr + \":\" + (.port | tostring)) == \$k) | .oifs[$2].stats.$3"
}

relay_unicast_back_to_multicast()
{
	local unreach f

	case_start
	defer rtr relay del 10.1.0.1:7100
	tx_off r1 r2
	check_err $? "ethtool -K tx off failed"
	rtr relay add 10.1.0.1:7100 group 239.140.0.1:6100 oif r1 r2@239.140.0.2
	check_err $? "relay add failed"
	rtr relay show | grep -qx '10.1.0.1:7100 group 239.140.0.1:6100 oif r1 r2@239.140.0.2'
	check_err $? "relay show: $(rtr relay show)"
	unreach=$(icmp_unreach "$SRC")
	PORT=6100 recv_bg "$H1" h1 239.140.0.1 &&
		PORT=6100 recv_bg "$H2" h2 239.140.0.2 &&
		PORT=7100 recv_bg "$RTR" r0 10.1.0.1
	check_err $? "receivers did not start"
	PORT=7100 send "$SRC" s0 10.1.0.1 -n 50 -s 1000
	recv_wait
	expect_recv 0 50 "h1, the relay's group"
	expect_recv 1 50 "h2, its output's own group"
	expect_recv 2 0 "a socket of the relay's address and port (consumed)"
	[ "$(recv_field 0 ttl_max)" = 16 ] && [ "$(recv_field 0 bad)" = 0 ] &&
		[ "$(recv_field 0 from)" = 10.1.0.2 ] &&
		[ "$(recv_field 1 bad)" = 0 ]
	check_err $? "copies: $(cat "${RECV_FILES[0]}" "${RECV_FILES[1]}")"
	[ "$(icmp_unreach "$SRC")" = "$unreach" ]
	check_err $? "the sender got ICMP unreachables"
	expect_no_csum_errors
	[ "$(relay_stat 10.1.0.1:7100 packets)" = 50 ] &&
		[ "$(relay_oif_stat 10.1.0.1:7100 1 packets)" = 50 ]
	check_err $? "counters: $(rtr -s relay show)"
	# save and restore give the relay back.
	f=$(mktemp)
	defer rm -f "$f"
	rtr save >"$f" && grep -qx 'relay add 10.1.0.1:7100 group 239.140.0.1:6100 oif r1 r2@239.140.0.2' "$f"
	check_err $? "save printed: $(cat "$f")"
	rtr relay del 10.1.0.1:7100 && rtr restore "$f"
	check_err $? "restore failed"
	rtr relay show | grep -qx '10.1.0.1:7100 group 239.140.0.1:6100 oif r1 r2@239.140.0.2'
	check_err $? "after restore: $(rtr relay show)"
	log_test "gateway: a relay turns unicast to one of its addresses into multicast, consumed, TTL 16"
}

relay_from_and_iif_filters()
{
	case_start
	defer rtr relay del 10.1.0.1:7101 iif r0
	defer rtr relay del 10.1.0.1:7102 iif r1
	defer rtr relay del 10.1.0.1:7102
	# Only from 10.1.0.9 on r0: s0 (10.1.0.2) is refused, and its
	# datagrams go to the host as they would without the relay.
	rtr relay add 10.1.0.1:7101 from 10.1.0.9 iif r0 group 239.140.0.3 oif r1
	# Only arriving on r1: s0's on r0 are not for it.
	rtr relay add 10.1.0.1:7102 iif r1 group 239.140.0.4 oif r2
	check_err $? "relay add failed"
	rtr relay show | grep -qx '10.1.0.1:7101 from 10.1.0.9 iif r0 group 239.140.0.3 oif r1'
	check_err $? "relay show: $(rtr relay show)"
	PORT=7101 recv_bg "$H1" h1 239.140.0.3 && PORT=7102 recv_bg "$H2" h2 239.140.0.4
	PORT=7101 send "$SRC" s0 10.1.0.1 -n 20
	PORT=7102 send "$SRC" s0 10.1.0.1 -n 20
	recv_wait
	expect_recv 0 0 "h1: another sender than from's"
	expect_recv 1 0 "h2: another input than iif's"
	[ "$(relay_stat 10.1.0.1:7101 packets)" = 0 ] &&
		[ "$(relay_stat 10.1.0.1:7102 packets)" = 0 ]
	check_err $? "counters: $(rtr -s relay show)"
	# A relay of any input beside the r1 one takes s0's.
	rtr relay add 10.1.0.1:7102 group 239.140.0.4 oif r2
	check_err $? "a relay of the same address and port on any input refused"
	PORT=7102 recv_bg "$H2" h2 239.140.0.4
	PORT=7102 send "$SRC" s0 10.1.0.1 -n 20
	recv_wait
	expect_recv 2 20 "h2, through the relay of any input"
	log_test "gateway: a relay's from and iif refuse other senders and inputs"
}

relay_ttl_bounded()
{
	case_start
	defer rtr relay del 10.1.0.1:7103
	rtr relay add 10.1.0.1:7103 group 239.140.0.5 oif r1 ttl 3
	PORT=7103 recv_bg "$H1" h1 239.140.0.5
	PORT=7103 send "$SRC" s0 10.1.0.1 -n 10 -t 64
	PORT=7103 send "$SRC" s0 10.1.0.1 -n 10 -t 3
	PORT=7103 send "$SRC" s0 10.1.0.1 -n 10 -t 1
	recv_wait
	expect_recv 0 20 "h1"
	[ "$(recv_field 0 ttl_min)" = 2 ] && [ "$(recv_field 0 ttl_max)" = 3 ]
	check_err $? "TTLs: $(cat "${RECV_FILES[0]}")"
	[ "$(relay_stat 10.1.0.1:7103 ttl_drop)" = 10 ]
	check_err $? "counters: $(rtr -s relay show)"
	# A relay whose output is unicast to itself: refused by the route
	# (a local one), counted, no loop. "rep": commands abbreviate.
	rtr relay rep 10.1.0.1:7103 group 239.140.0.5 oif unicast 10.1.0.1:7103
	PORT=7103 send "$SRC" s0 10.1.0.1 -n 10
	sleep 0.5
	[ "$(relay_stat 10.1.0.1:7103 packets)" = 40 ] &&
		[ "$(relay_oif_stat 10.1.0.1:7103 0 drops)" = 10 ]
	check_err $? "a relay to itself: $(rtr -s relay show)"
	log_test "gateway: a relay's copies leave with TTL at most its own and the arriving one less one"
}

relay_gso_datagrams_one_by_one()
{
	local n=400

	case_start
	defer rtr relay del 10.1.0.1:7108
	tx_off r1
	check_err $? "ethtool -K tx off failed"
	rtr relay add 10.1.0.1:7108 group 239.140.0.8 oif r1
	PORT=7108 recv_bg "$H1" h1 239.140.0.8 -w 2000
	# 50 sends of 8 datagrams, each one UDP GSO packet to the relay.
	PORT=7108 send "$SRC" s0 10.1.0.1 -n "$n" -s 1000 -g 8 -r 1000
	check_err $? "the GSO sender failed"
	recv_wait
	expect_recv 0 "$n" "h1, the relay's copies of GSO packets"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(relay_stat 10.1.0.1:7108 packets)" = "$n" ]
	check_err $? "relayed: $(cat "${RECV_FILES[0]}"); $(rtr -s relay show)"
	expect_no_csum_errors
	log_test "gateway: a relay takes a UDP GSO packet's datagrams one by one"
}

relay_waits_for_its_address()
{
	local f

	case_start
	defer rtr relay del 10.1.0.77:7104
	run_cmd rtr relay add 10.1.0.77:7104 group 239.140.0.6 oif r1
	[ "$RC" -ne 0 ] && grep -q "not an address of this host" <<<"$ERR"
	check_err $? "a relay of a foreign address: '$ERR'"
	f=$(mktemp)
	defer rm -f "$f"
	echo 'relay add 10.1.0.77:7104 group 239.140.0.6 oif r1' >"$f"
	rtr -b "$f"
	check_err $? "-b with a relay of an address to come failed"
	rtr relay show | grep -qx '10.1.0.77:7104 group 239.140.0.6 oif r1 waiting'
	check_err $? "relay show: $(rtr relay show)"
	ip -n "$RTR" addr add 10.1.0.77/24 dev r0
	defer ip -n "$RTR" addr del 10.1.0.77/24 dev r0
	rtr relay show | grep -qx '10.1.0.77:7104 group 239.140.0.6 oif r1'
	check_err $? "with the address: $(rtr relay show)"
	PORT=7104 recv_bg "$H1" h1 239.140.0.6
	PORT=7104 send "$SRC" s0 10.1.0.77 -n 20
	recv_wait
	expect_recv 0 20 "h1, once the address exists"
	log_test "gateway: a relay from a file waits for its address"
}

relay_bad_input_refused()
{
	local before

	case_start
	defer rtr relay del 10.1.0.1:7105
	rtr relay add 10.1.0.1:7105 group 239.140.0.7 oif r1
	before=$(rtr -j relay show)
	run_cmd rtr relay add 10.1.0.1:7105 group 239.140.0.7 oif r2
	grep -q "exists" <<<"$ERR"
	check_err $? "the same relay twice: '$ERR'"
	run_cmd rtr relay add 10.1.0.1:0 group 239.140.0.7 oif r1
	grep -q "invalid port" <<<"$ERR"
	check_err $? "port 0: '$ERR'"
	run_cmd rtr relay add 10.1.0.1 group 239.140.0.7 oif r1
	grep -q "needs a port" <<<"$ERR"
	check_err $? "no port: '$ERR'"
	run_cmd rtr relay add 239.1.1.1:5 group 239.140.0.7 oif r1
	grep -q "not a unicast address" <<<"$ERR"
	check_err $? "a multicast relay address: '$ERR'"
	run_cmd rtr relay add 10.1.0.1:7106 group 10.9.9.9 oif r1
	grep -q "not a multicast address" <<<"$ERR"
	check_err $? "a unicast group: '$ERR'"
	run_cmd rtr relay add 10.1.0.1:7106 group 224.0.0.9 oif r1
	grep -q "224.0.0.0/24" <<<"$ERR"
	check_err $? "a link-local group: '$ERR'"
	run_cmd rtr relay add 10.1.0.1:7106 oif r1
	grep -q "missing 'group" <<<"$ERR"
	check_err $? "no group: '$ERR'"
	run_cmd rtr relay add 10.1.0.1:7106 group 239.140.0.7 oif nosuchdev
	grep -qi "does not exist\|cannot find" <<<"$ERR"
	check_err $? "an unknown output: '$ERR'"
	run_cmd rtr relay add 10.1.0.1:7106 group 239.140.0.7 oif r1 ttl 0
	grep -q "invalid TTL" <<<"$ERR"
	check_err $? "TTL 0: '$ERR'"
	run_cmd rtr relay del 10.1.0.1:7107
	[ "$RC" -ne 0 ] && grep -q "No such relay" <<<"$ERR"
	check_err $? "deleting no relay: '$ERR'"
	[ "$(rtr -j relay show)" = "$before" ]
	check_err $? "the relays changed: $(rtr relay show)"
	log_test "gateway: bad relays refused with a reason, nothing changed"
}

exchange_to_floors_across_unicast_wan()
{
	local fl1=gw-fl1-$$ fl2=gw-fl2-$$

	case_start
	# The exchange (s0) sends 239.150.0.1; rtr, its gateway, sends it as
	# unicast to h3, the trading firm's gateway, across a link that
	# carries no multicast; h3 relays it to its two floors, translated
	# to their own groups.
	extra_ns "$fl1" && extra_ns "$fl2"
	veth_link "$H3" x1 10.31.0.1/24 "$fl1" y1 10.31.0.2/24 &&
		veth_link "$H3" x2 10.32.0.1/24 "$fl2" y2 10.32.0.2/24
	check_err $? "floors could not be linked"
	ip netns exec "$H3" ethtool -K x1 tx off >/dev/null
	ip netns exec "$H3" ethtool -K x2 tx off >/dev/null
	rtr route add 239.150.0.1 source 10.1.0.2 iif r0 oif unicast 10.4.0.2:7200
	mcfwctl -n "$H3" relay add 10.4.0.2:7200 from 10.4.0.1 iif h3 \
		group 239.200.0.1:6200 oif x1 x2@239.200.0.2
	check_err $? "the firm's relay refused"
	PORT=6200 recv_bg "$fl1" y1 239.200.0.1 && PORT=6200 recv_bg "$fl2" y2 239.200.0.2
	check_err $? "receivers did not start"
	send "$SRC" s0 239.150.0.1 -n 100 -s 500 -t 32
	recv_wait
	expect_recv 0 100 "floor 1"
	expect_recv 1 100 "floor 2"
	[ "$(recv_field 0 bad)" = 0 ] && [ "$(recv_field 1 bad)" = 0 ] &&
		[ "$(recv_field 0 ttl_max)" = 16 ] &&
		[ "$(recv_field 0 from)" = 10.4.0.1 ]
	check_err $? "floors: $(cat "${RECV_FILES[0]}" "${RECV_FILES[1]}")"
	for ns in "$fl1" "$fl2"; do
		[ "$(udp_csum_errors "$ns")" = 0 ]
		check_err $? "$ns saw UDP checksum errors"
	done
	[ "$(mcfwctl -n "$H3" -j -s relay show | json '.[0].stats.packets')" = 100 ]
	check_err $? "the firm's relay: $(mcfwctl -n "$H3" -s relay show)"
	mcfwctl -n "$H3" relay del 10.4.0.2:7200 iif h3
	log_test "gateway: exchange to two floors across a unicast WAN: a unicast output, then a relay"
}

snat_copies_leave_from_the_output()
{
	case_start
	defer rtr relay del 10.1.0.1:7110
	tx_off r1 r2
	check_err $? "ethtool -K tx off failed"
	rtr route add 239.1.32.1 source 10.1.0.2 iif r0 oif r1 r2@239.132.0.2 snat
	check_err $? "route add with snat failed"
	rtr route show | grep -qx '(10.1.0.2, 239.1.32.1) iif r0 oif r1 r2@239.132.0.2 snat'
	check_err $? "route show: $(rtr route show)"
	[ "$(rtr -j route show | json '.[0].snat')" = true ]
	check_err $? "JSON: $(rtr -j route show)"
	rtr relay add 10.1.0.1:7110 group 239.140.0.10 oif r1 snat
	check_err $? "relay add with snat failed"
	rtr relay show | grep -qx '10.1.0.1:7110 group 239.140.0.10 oif r1 snat'
	check_err $? "relay show: $(rtr relay show)"
	recv_bg "$H1" h1 239.1.32.1 && recv_bg "$H2" h2 239.132.0.2 &&
		PORT=7110 recv_bg "$H1" h1 239.140.0.10
	check_err $? "receivers did not start"
	send "$SRC" s0 239.1.32.1 -n 30 -s 700
	PORT=7110 send "$SRC" s0 10.1.0.1 -n 30 -s 700
	recv_wait
	expect_recv 0 30 "h1, the route's copy"
	expect_recv 1 30 "h2, the route's translated copy"
	expect_recv 2 30 "h1, the relay's copy"
	[ "$(recv_field 0 from)" = 10.2.0.1 ] && [ "$(recv_field 1 from)" = 10.3.0.1 ] &&
		[ "$(recv_field 2 from)" = 10.2.0.1 ]
	check_err $? "sources: $(cat "${RECV_FILES[@]}")"
	expect_clean 0 "h1"
	expect_clean 1 "h2"
	expect_no_csum_errors
	log_test "gateway: snat: a route's and a relay's copies leave from their output's address"
}

require_root
if ! setup; then
	echo "not ok 1 gateway: topology could not be set up"
	exit 1
fi
run_tests
