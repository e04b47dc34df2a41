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
"

TOPO=gw
source "$(dirname "$0")/lib/topology.sh"

# udp_csum_errors NS: UDP checksum errors the namespace has seen.
udp_csum_errors()
{
	ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "InCsumErrors") c = i; h = 1 } else print $c }' \
		/proc/net/snmp
}

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
		'[{"dev":"r1","ttl":1,"group":null,"port":null,"waiting":false},{"dev":"r1","ttl":1,"group":"239.130.0.1","port":6001,"waiting":false},{"dev":"r2","ttl":8,"group":"239.130.0.2","port":null,"waiting":false}]'
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

nft_count()
{
	ip netns exec "$RTR" nft list chain "$1" "$2" "$3" | grep -- "$4" |
		grep -o 'packets [0-9]*' | cut -d' ' -f2
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

# reject WHY ARGS...: "mcfwctl route ARGS" fails saying WHY, changing nothing.
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

require_root
if ! setup; then
	echo "not ok 1 gateway: topology could not be set up"
	exit 1
fi
run_tests
