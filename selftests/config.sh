#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Operations: configuration as a file (save, restore, -b) applied as one
# kernel transaction, owners, interfaces that come and go under routes
# (waiting routes), group memberships, monitor, and iproute2 habits, with
# real traffic where forwarding is at stake.
#
#                         +------------------ rtr ------------------+
#  src                    |                                         |
#  s0 10.1.0.2/24 ------- r0 10.1.0.1/24             r1 10.2.0.1/24 --- h1 10.2.0.2 (h1)
#                         |                          r2 10.3.0.1/24 --- h2 10.3.0.2 (h2)
#                         |      mcfw                r3 10.4.0.1/24 --- h3 10.4.0.2 (h3)
#                         +-----------------------------------------+
#
# Cases that need more links add them for themselves (extra_ns).

source "$(dirname "$0")/lib.sh"
TOPO=mc
source "$(dirname "$0")/lib/topology.sh"

ALL_TESTS="
	save_flush_restore_round_trip
	restore_under_traffic_is_hitless
	bad_line_changes_nothing
	bad_line_deep_in_a_big_file
	batch_is_one_transaction
	owners_are_kept_apart
	missing_interface_waits_then_flows
	output_recreated_under_route
	input_recreated_under_route
	renamed_interface_waits
	route_joins_its_group
	monitor_sees_every_change
	monitor_resyncs_after_overflow
	concurrent_restores_one_waits
	zero_and_idle
	json_parsed
	iproute2_habits
"

TMPD=$(mktemp -d)

cleanup()
{
	local ns

	for ns in "$SRC" "$RTR" "$H1" "$H2" "$H3" "${EXTRA_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMPD"
	modprobe -r mcfw
}

# write FILE LINE...: a configuration file, one argument a line.
write()
{
	local f=$1

	shift
	printf '%s\n' "$@" >"$f"
}

# state: routes with counters, to compare "nothing changed".
state()
{
	rtr -o all -j -s route show | json -c 'map(del(.stats.idle_ms))'
}

save_flush_restore_round_trip()
{
	local f=$TMPD/saved f2=$TMPD/saved2

	case_start
	rtr route add 239.20.0.2 source 10.1.0.2 iif r0 oif r1 r2:8 &&
		rtr route add 239.20.0.1 iif r0 oif r3 r1 &&
		rtr route add 239.20.0.1 iif r1 oif r2 nojoin &&
		rtr route add 239.20.0.3 iif r0 oif r1 owner pimd
	check_err $? "route add failed"
	rtr save >"$f"
	check_err $? "save failed"
	rtr save >"$f2"
	cmp -s "$f" "$f2"
	check_err $? "two saves differ"
	# Sorted by group, source (any first) and input; owner static unsaid.
	printf '%s\n' \
		"route add 239.20.0.1 iif r0 oif r3 r1" \
		"route add 239.20.0.1 iif r1 oif r2 nojoin" \
		"route add 239.20.0.2 source 10.1.0.2 iif r0 oif r1 r2:8" >"$f2"
	cmp -s "$f" "$f2"
	check_err $? "save printed: $(cat "$f")"
	rtr -o all save | grep -qx 'route add 239.20.0.3 iif r0 oif r1 owner pimd'
	check_err $? "save -o all lacks the pimd route: $(rtr -o all save)"
	[ "$(rtr -o pimd save | wc -l)" = 1 ]
	check_err $? "save -o pimd: $(rtr -o pimd save)"

	rtr route flush
	[ "$(rtr route show | wc -l)" = 1 ] &&
		rtr route show | grep -q 'owner pimd'
	check_err $? "flush left: $(rtr route show)"
	rtr restore "$f"
	check_err $? "restore failed"
	rtr save >"$f2"
	cmp -s "$f" "$f2"
	check_err $? "after restore, save differs: $(diff "$f" "$f2")"
	# Standard input, and a restore that changes nothing.
	run_cmd rtr -j restore - <"$f"
	check_err "$RC" "restore - failed: $ERR"
	[ "$(json -c '[.added, .replaced, .removed, .unchanged]' <<<"$OUT")" = "[0,0,0,3]" ]
	check_err $? "restore of the same file did: $OUT"
	[ "$(rtr -j info | json .routes)" = 4 ]
	check_err $? "route count after restore: $(rtr info)"
	# Objects and commands abbreviate in a file as on the command line.
	defer rtr iface set r1 boundary none
	write "$f2" "ro add 239.20.0.1 iif r0 oif r3 r1" \
		"route add 239.20.0.1 iif r1 oif r2 nojoin" \
		"route add 239.20.0.2 source 10.1.0.2 iif r0 oif r1 r2:8" \
		"if se r1 boundary 239.255.0.0/16"
	run_cmd rtr restore "$f2"
	check_err "$RC" "restore of abbreviated lines failed: $ERR"
	rtr iface show | grep -q '^r1 .*boundary 239.255.0.0/16$'
	check_err $? "after 'if se r1 boundary ...': $(rtr iface show)"
	log_test "config: save, flush, restore round trip; saves byte-identical"
}

restore_under_traffic_is_hitless()
{
	local f=$TMPD/hitless a b before after fill i n=6000

	case_start
	# 30 idle routes first: the two under test come after the batch's
	# first MCFW_CTRS_BLOCK_MIN, so their counters are carved from a
	# shared block, as those of a large restore are.
	fill=$(for i in $(seq 30); do echo "route add 239.21.1.$i iif r0 oif r1"; done)
	write "$f" "$fill" "route add 239.21.0.1 iif r0 oif r1" \
		"route add 239.21.0.2 iif r0 oif r2"
	rtr restore "$f" || check_err 1 "first restore failed"
	recv_bg "$H1" h1 239.21.0.1 && recv_bg "$H2" h2 239.21.0.2 &&
		recv_bg "$H3" h3 239.21.0.2
	check_err $? "receivers did not start"
	# 12 s streams: the restore must happen while they flow, however
	# slowly a loaded emulator runs it.
	send "$SRC" s0 239.21.0.1 -n $n -r 500 &
	a=$!
	send "$SRC" s0 239.21.0.2 -n $n -r 500 &
	b=$!
	for i in $(seq 1 100); do
		before=$(rtr -j -s route show 239.21.0.1 | json '.[0].stats.packets')
		[ "${before:-0}" -gt 100 ] && break
		sleep 0.1
	done
	# The unchanged route stays as it is; the other moves to r3.
	write "$f" "$fill" "route add 239.21.0.1 iif r0 oif r1" \
		"route add 239.21.0.2 iif r0 oif r3"
	run_cmd rtr -j restore "$f"
	check_err "$RC" "restore under traffic failed: $ERR"
	kill -0 $b 2>/dev/null
	check_err $? "the streams ended before the restore did: the test proves nothing"
	[ "$(json -c '[.added, .replaced, .removed, .unchanged]' <<<"$OUT")" = "[0,1,0,31]" ]
	check_err $? "restore did: $OUT"
	wait $a $b
	recv_wait
	expect_recv 0 $n "h1 (unchanged route)"
	after=$(rtr -j -s route show 239.21.0.1 | json '.[0].stats.packets')
	[ "$before" -gt 0 ] && [ "$after" = $n ]
	check_err $? "unchanged route's counter: $before before, $after after ($n expected)"
	a=$(recv_field 1 received)
	b=$(recv_field 2 received)
	[ $((a + b)) -eq $n ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ]
	check_err $? "changed route: h2 (old output) $a, h3 (new) $b: must sum to $n, both > 0"
	[ "$(recv_field 1 dup)$(recv_field 2 dup)" = 00 ]
	check_err $? "duplicates after the switch"
	[ "$(rtr -j -s route show 239.21.0.2 | json '.[0].stats.packets')" = $n ]
	check_err $? "the replaced route's own counter was reset"
	log_test "config: restore under traffic: unchanged route untouched, changed one switches whole"
}

# fails WHY CMD...: CMD must fail with WHY on stderr and leave routes as they are.
fails()
{
	local why=$1 before after

	shift
	before=$(state)
	run_cmd "$@"
	[ "$RC" -ne 0 ]
	check_err $? "'$*' succeeded"
	grep -q -- "$why" <<<"$ERR"
	check_err $? "'$*' said '$ERR', expected /$why/"
	after=$(state)
	[ "$before" = "$after" ]
	check_err $? "'$*' changed the routes"
}

bad_line_changes_nothing()
{
	local f=$TMPD/bad

	case_start
	rtr route add 239.22.0.9 iif r0 oif r1
	write "$f" "# a comment" "route add 239.22.0.1 iif r0 oif r1" \
		"route add 239.22.0.300 iif r0 oif r1"
	fails "^mcfwctl: line 3: route add: invalid group address '239.22.0.300'" \
		rtr restore "$f"
	[ "$RC" = 2 ]
	check_err $? "a syntax error exited $RC, expected 2"
	write "$f" "route add 239.22.0.1 iif r0 oif r1" "" \
		"route add 239.22.0.1 iif r0 oif r2   # the same route again"
	fails "^mcfwctl: line 3: kernel reports: Route exists" rtr restore "$f"
	[ "$RC" = 1 ]
	check_err $? "a kernel error exited $RC, expected 1"
	write "$f" "route add 239.22.0.1 iif r0 oif r1" \
		"route add 224.0.0.5 iif r0 oif r1"
	fails "^mcfwctl: line 2: kernel reports: .*224.0.0.0/24" rtr restore "$f"
	write "$f" "route add 239.22.0.1 iif r0 oif r1" "iface show"
	fails "^mcfwctl: line 2: 'iface': only route commands" rtr restore "$f"
	write "$f" "route add 239.22.0.1 iif r0 oif r1" \
		"iface set r1 boundary 10.0.0.0/8"
	fails "^mcfwctl: line 2: iface set: '10.0.0.0/8' is not a prefix of multicast" rtr restore "$f"
	rtr iface show | grep -q boundary
	check_fail $? "a refused boundary line set one: $(rtr iface show)"
	fails "cannot open \"$TMPD/nosuch\"" rtr restore "$TMPD/nosuch"
	# The 239.22.0.9 route survived every failed restore.
	rtr route show | grep -qx '(\*, 239.22.0.9) iif r0 oif r1'
	check_err $? "routes after failed restores: $(rtr route show)"
	log_test "config: a bad line or a refused route changes nothing and is named"
}

# Requests are sent while later lines are parsed: a line refused after
# whole sends were staged, or one that does not parse after them, must
# still change nothing and be named.
bad_line_deep_in_a_big_file()
{
	local f=$TMPD/big

	case_start
	rtr route add 239.22.0.9 iif r0 oif r1
	awk 'BEGIN { for (i = 1; i <= 6000; i++)
		printf "route add 239.23.%d.%d iif r0 oif r1 r2\n", int(i / 250), i % 250 + 1
		print "route add 239.23.0.2 iif r0 oif r3" }' >"$f"
	fails "^mcfwctl: line 6001: kernel reports: Route exists" rtr restore "$f"
	[ "$RC" = 1 ]
	check_err $? "a refused line exited $RC, expected 1"
	sed -i '6001s/.*/route add 239.23.300.1 iif r0 oif r1/' "$f"
	fails "^mcfwctl: line 6001: route add: invalid group address" rtr restore "$f"
	sed -i '6001s/.*/route add 239.23.99.1 iif r0 oif r1/' "$f"
	run_cmd rtr restore "$f"
	check_err "$RC" "the corrected file was refused: $ERR"
	[ "$(rtr -j info | json .routes)" = 6001 ]
	check_err $? "routes after the corrected restore: $(rtr info)"
	rtr route flush
	log_test "config: a bad line after many staged ones changes nothing and is named"
}

batch_is_one_transaction()
{
	local f=$TMPD/batch

	case_start
	rtr route add 239.23.0.1 iif r0 oif r1
	rtr route add 239.23.0.2 iif r0 oif r1
	write "$f" "route add 239.23.0.3 iif r0 oif r2" \
		"route replace 239.23.0.1 iif r0 oif r3" \
		"route del 239.23.0.2" \
		"route add 239.23.0.4 iif r0 oif r1" \
		"route del 239.23.0.4"
	rtr -b "$f"
	check_err $? "batch failed"
	[ "$(rtr save)" = "route add 239.23.0.1 iif r0 oif r3
route add 239.23.0.3 iif r0 oif r2" ]
	check_err $? "after the batch: $(rtr save)"
	write "$f" "route add 239.23.0.5 iif r0 oif r2" \
		"route del 239.23.0.1" \
		"route del 239.23.0.99"
	fails "^mcfwctl: line 3: kernel reports: No such route" rtr -b "$f"
	write "$f" "route add 239.23.0.5 iif r0 oif r2" "route add 239.23.0.6 iif r0"
	fails "^mcfwctl: line 2: route add: missing 'oif DEV...'" rtr -b "$f"
	run_cmd rtr -b - <<<"route flush"
	check_err "$RC" "batch from stdin failed: $ERR"
	[ -z "$(rtr route show)" ]
	check_err $? "flush from a batch left: $(rtr route show)"
	log_test "config: -b applies a file of commands all or nothing"
}

owners_are_kept_apart()
{
	local f=$TMPD/owners

	case_start
	rtr route add 239.24.0.1 iif r0 oif r1
	rtr route add 239.24.0.2 iif r0 oif r1 owner pimd
	rtr -o smcroute route add 239.24.0.3 iif r0 oif r2
	rtr route show | grep -qx '(\*, 239.24.0.3) iif r0 oif r2 owner smcroute'
	check_err $? "-o does not set the owner: $(rtr route show)"
	[ "$(rtr -j route show 239.24.0.1 | json '.[0].owner')" = static ]
	check_err $? "default owner in JSON: $(rtr -j route show 239.24.0.1)"
	# A restore of static routes never touches another owner's.
	write "$f" "route add 239.24.0.4 iif r0 oif r3"
	rtr restore "$f"
	[ "$(rtr -o all save | sort)" = "route add 239.24.0.2 iif r0 oif r1 owner pimd
route add 239.24.0.3 iif r0 oif r2 owner smcroute
route add 239.24.0.4 iif r0 oif r3" ]
	check_err $? "after a static restore: $(rtr -o all save)"
	write "$f" "route add 239.24.0.5 iif r0 oif r3 owner pimd"
	fails "^mcfwctl: line 1: .*owner 'pimd' is not the restore's" rtr restore "$f"
	write "$f" "route add 239.24.0.2 iif r0 oif r2"
	fails "line 1: kernel reports: Route exists and has another owner" rtr restore "$f"
	fails "reserved" rtr route add 239.24.0.6 iif r0 oif r1 owner all
	: >"$f"
	rtr -o pimd restore "$f"
	[ -z "$(rtr route show owner pimd)" ] && [ "$(rtr route show | wc -l)" = 2 ]
	check_err $? "an empty pimd restore: $(rtr route show)"
	rtr route flush
	[ "$(rtr route show)" = "(*, 239.24.0.3) iif r0 oif r2 owner smcroute" ]
	check_err $? "flush (static): $(rtr route show)"
	rtr -o all route flush
	[ -z "$(rtr route show)" ]
	check_err $? "flush -o all left: $(rtr route show)"
	log_test "config: owners: restore, save and flush act on one owner's routes"
}

missing_interface_waits_then_flows()
{
	local f=$TMPD/missing ns=mc-x1-$$ ns2=mc-x2-$$

	case_start
	extra_ns "$ns"
	extra_ns "$ns2"
	write "$f" "route add 239.25.0.1 iif r0 oif r1 vx" \
		"route add 239.25.0.2 iif vy oif r2"
	run_cmd rtr restore "$f"
	check_err "$RC" "restore with missing interfaces failed: $ERR"
	grep -q '^mcfwctl: line 1: warning: interface "vx" does not exist' <<<"$ERR" &&
		grep -q '^mcfwctl: line 2: warning: interface "vy" does not exist' <<<"$ERR"
	check_err $? "no warnings naming the lines: $ERR"
	rtr route show | grep -qx '(\*, 239.25.0.1) iif r0 oif r1 vx waiting vx' &&
		rtr route show | grep -qx '(\*, 239.25.0.2) iif vy oif r2 waiting vy'
	check_err $? "waiting routes: $(rtr route show)"
	[ "$(rtr -j info | json -c '[.waiting, .waiting_oifs]')" = "[1,1]" ]
	check_err $? "info: $(rtr info)"
	[ "$(rtr -j route show 239.25.0.2 | json -c '.[0] | [.waiting, .waiting_for]')" = '[true,["vy"]]' ]
	check_err $? "JSON of the waiting route: $(rtr -j route show 239.25.0.2)"
	# A typo on the command line is still an error.
	fails 'cannot find device "vz"' rtr route add 239.25.0.3 iif r0 oif vz

	# It forwards to r1 while vx waits, then to both once vx appears.
	recv_bg "$H1" h1 239.25.0.1
	send "$SRC" s0 239.25.0.1 -n 30
	recv_wait
	expect_recv 0 30 "h1 while vx waits"
	veth_link "$RTR" vx 10.9.1.1/24 "$ns" kx 10.9.1.2/24
	veth_link "$ns2" ky 10.9.2.2/24 "$RTR" vy 10.9.2.1/24
	rtr route show | grep -qx '(\*, 239.25.0.1) iif r0 oif r1 vx' &&
		rtr route show | grep -qx '(\*, 239.25.0.2) iif vy oif r2'
	check_err $? "after the interfaces appeared: $(rtr route show)"
	[ "$(rtr -j info | json -c '[.waiting, .waiting_oifs]')" = "[0,0]" ]
	check_err $? "info after: $(rtr info)"
	recv_bg "$ns" kx 239.25.0.1 && recv_bg "$H2" h2 239.25.0.2
	send "$SRC" s0 239.25.0.1 -n 40
	ip netns exec "$ns2" "$MCAST" send 239.25.0.2 "$PORT" -i ky -n 50 >/dev/null
	recv_wait
	expect_recv 1 40 "kx behind the output that appeared"
	expect_recv 2 50 "h2 behind the input that appeared"
	log_test "interfaces: a restore names missing interfaces; they wait, then forward"
}

output_recreated_under_route()
{
	local ns=mc-x3-$$ idx1 idx2

	case_start
	extra_ns "$ns"
	veth_link "$RTR" gx 10.9.3.1/24 "$ns" kg 10.9.3.2/24
	rtr route add 239.26.0.1 iif r0 oif gx r1
	idx1=$(rtr -j iface show | json '.[] | select(.dev == "gx") | .ifindex')
	ip -n "$RTR" link del gx
	rtr route show | grep -qx '(\*, 239.26.0.1) iif r0 oif gx r1 waiting gx'
	check_err $? "after deleting gx: $(rtr route show)"
	recv_bg "$H1" h1 239.26.0.1
	send "$SRC" s0 239.26.0.1 -n 20
	recv_wait
	expect_recv 0 20 "h1 while gx is gone"
	[ "$(rtr -j -s route show | json '.[0].oifs[0].stats.drops')" = 20 ]
	check_err $? "copies for the absent output not counted as drops"
	veth_link "$RTR" gx 10.9.3.1/24 "$ns" kg 10.9.3.2/24
	idx2=$(rtr -j iface show | json '.[] | select(.dev == "gx") | .ifindex')
	[ -n "$idx2" ] && [ "$idx1" != "$idx2" ]
	check_err $? "gx was not re-created with a new ifindex ($idx1, $idx2)"
	recv_bg "$H1" h1 239.26.0.1 && recv_bg "$ns" kg 239.26.0.1
	send "$SRC" s0 239.26.0.1 -n 25
	recv_wait
	expect_recv 2 25 "kg behind the re-created gx"
	expect_recv 1 25 "h1"
	log_test "interfaces: an output deleted and re-created: waits in place, forwards again"
}

input_recreated_under_route()
{
	local ns=mc-x4-$$

	case_start
	extra_ns "$ns"
	veth_link "$ns" sx 10.9.4.2/24 "$RTR" ix 10.9.4.1/24
	rtr route add 239.27.0.1 iif ix oif r1
	ip -n "$RTR" link del ix
	rtr route show | grep -qx '(\*, 239.27.0.1) iif ix oif r1 waiting ix'
	check_err $? "after deleting ix: $(rtr route show)"
	# Another device takes the old one's ifindex? Not this route's input.
	veth_link "$ns" sx 10.9.4.2/24 "$RTR" ix 10.9.4.1/24
	rtr route show | grep -qx '(\*, 239.27.0.1) iif ix oif r1'
	check_err $? "after re-creating ix: $(rtr route show)"
	recv_bg "$H1" h1 239.27.0.1
	ip netns exec "$ns" "$MCAST" send 239.27.0.1 "$PORT" -i sx -n 35 >/dev/null
	recv_wait
	expect_recv 0 35 "h1 from the re-created input"
	log_test "interfaces: an input deleted and re-created: the route waits whole, then forwards"
}

renamed_interface_waits()
{
	case_start
	rtr route add 239.28.0.1 iif r0 oif r3
	ip -n "$RTR" link set r3 down
	ip -n "$RTR" link set r3 name r3x
	ip -n "$RTR" link set r3x up
	rtr route show | grep -qx '(\*, 239.28.0.1) iif r0 oif r3 waiting r3'
	check_err $? "after renaming r3 away: $(rtr route show)"
	recv_bg "$H3" h3 239.28.0.1
	send "$SRC" s0 239.28.0.1 -n 20
	recv_wait
	expect_recv 0 0 "h3 while its output has another name"
	ip -n "$RTR" link set r3x down
	ip -n "$RTR" link set r3x name r3
	ip -n "$RTR" link set r3 up
	rtr route show | grep -qx '(\*, 239.28.0.1) iif r0 oif r3'
	check_err $? "after renaming back: $(rtr route show)"
	recv_bg "$H3" h3 239.28.0.1
	send "$SRC" s0 239.28.0.1 -n 20
	recv_wait
	expect_recv 1 20 "h3 with the name back"
	log_test "interfaces: routes name interfaces: a rename away waits, a rename back serves"
}

route_joins_its_group()
{
	local cap=$TMPD/igmp

	case_start
	ip netns exec "$SRC" timeout 6 tcpdump -l -n -vv -i s0 igmp >"$cap" 2>/dev/null &
	sleep 1.5
	rtr route add 239.29.0.1 source 10.1.0.2 iif r0 oif r1
	rtr route add 239.29.0.2 iif r0 oif r1
	rtr route add 239.29.0.3 source 10.1.0.2 iif r0 oif r1 nojoin
	wait $!
	grep -q 'gaddr 239.29.0.1 allow { 10.1.0.2 }' "$cap"
	check_err $? "no source-specific report for (10.1.0.2, 239.29.0.1) on s0: $(cat "$cap")"
	grep -q 'gaddr 239.29.0.2' "$cap"
	check_err $? "no report for (*, 239.29.0.2) on s0: $(cat "$cap")"
	grep -q 'gaddr 239.29.0.3' "$cap"
	check_fail $? "a nojoin route sent a report"
	ip -n "$RTR" maddr show dev r0 | grep -q 239.29.0.1 &&
		ip -n "$RTR" maddr show dev r0 | grep -q 239.29.0.2
	check_err $? "r0 memberships: $(ip -n "$RTR" maddr show dev r0)"
	ip -n "$RTR" maddr show dev r0 | grep -q 239.29.0.3
	check_fail $? "the nojoin route's group is joined"
	[ "$(rtr -j route show | json -c '[.[] | .joined]')" = "[true,true,false]" ]
	check_err $? "joined flags: $(rtr -j route show)"
	[ "$(rtr -j info | json .joins)" = 2 ]
	check_err $? "info joins: $(rtr info)"
	rtr -o all route flush
	ip -n "$RTR" maddr show dev r0 | grep -q '239.29.0'
	check_fail $? "memberships left after flush: $(ip -n "$RTR" maddr show dev r0)"
	[ "$(rtr -j info | json .joins)" = 0 ]
	check_err $? "info joins after flush: $(rtr info)"
	log_test "joins: a route joins its group on its input (source-specific), nojoin does not"
}

monitor_sees_every_change()
{
	local mon=$TMPD/mon jmon=$TMPD/jmon f=$TMPD/monf ns=mc-x5-$$ ts

	case_start
	extra_ns "$ns"
	veth_link "$RTR" mx 10.9.5.1/24 "$ns" km 10.9.5.2/24
	mcfwctl -n "$RTR" -t monitor >"$mon" 2>&1 &
	defer kill $!
	mcfwctl -n "$RTR" -j monitor >"$jmon" 2>&1 &
	defer kill $!
	sleep 1
	rtr route add 239.30.0.1 iif r0 oif r1
	rtr route replace 239.30.0.1 iif r0 oif r1 mx
	ip -n "$RTR" link del mx
	veth_link "$RTR" mx 10.9.5.1/24 "$ns" km 10.9.5.2/24
	write "$f" "route add 239.30.0.1 iif r0 oif r1 mx" "route add 239.30.0.2 iif r0 oif r2"
	rtr restore "$f"
	rtr route del 239.30.0.2
	rtr route flush
	sleep 1
	ts='^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}\] '
	grep -Eq "${ts}new \(\*, 239.30.0.1\) iif r0 oif r1\$" "$mon" &&
		grep -Eq "${ts}new \(\*, 239.30.0.1\) iif r0 oif r1 mx\$" "$mon" &&
		grep -Eq "${ts}wait \(\*, 239.30.0.1\) iif r0 oif r1 mx waiting mx\$" "$mon" &&
		grep -Eq "${ts}resume \(\*, 239.30.0.1\) iif r0 oif r1 mx\$" "$mon" &&
		grep -Eq "${ts}new \(\*, 239.30.0.2\) iif r0 oif r2\$" "$mon" &&
		grep -Eq "${ts}del \(\*, 239.30.0.2\) iif r0 oif r2\$" "$mon" &&
		grep -Eq "${ts}flush 1 owner static\$" "$mon"
	check_err $? "monitor printed: $(cat "$mon")"
	grep -q 'if[0-9]' "$mon"
	check_fail $? "a device was printed by number: $(cat "$mon")"
	# Every JSON line parses; the events are the same.
	[ "$(json -c -s 'map(.event)' "$jmon")" = '["new","new","wait","resume","new","del","flush"]' ]
	check_err $? "JSON monitor: $(cat "$jmon")"
	[ "$(json -s '.[1].change' "$jmon")" = replace ] &&
		[ "$(json -s '.[0].change' "$jmon")" = add ]
	check_err $? "JSON add/replace: $(cat "$jmon")"
	log_test "monitor: add, replace, wait, resume, restore, delete, flush; timestamps, JSON"
}

monitor_resyncs_after_overflow()
{
	local mon=$TMPD/mon2 f=$TMPD/many pid n i

	case_start
	for i in $(seq 0 2999); do
		echo "route add 239.31.$((i / 250)).$((i % 250 + 1)) iif r0 oif r1 r2 nojoin"
	done >"$f"
	mcfwctl -n "$RTR" monitor >"$mon" 2>"$mon.err" &
	pid=$!
	defer kill $pid
	sleep 1
	# A reader that stops reading falls behind.
	kill -STOP $pid
	rtr restore "$f"
	check_err $? "restore of 3000 routes failed"
	kill -CONT $pid
	for i in $(seq 1 100); do
		grep -q '^resync end$' "$mon" && break
		sleep 0.2
	done
	grep -q 'notifications were lost' "$mon.err"
	check_err $? "monitor did not say it fell behind: $(cat "$mon.err")"
	n=$(sed -n '/^resync$/,/^resync end$/p' "$mon" | grep -c '^route ')
	[ "$n" = 3000 ]
	check_err $? "resync printed $n routes, expected 3000"
	rtr route add 239.31.99.1 iif r0 oif r1
	sleep 0.5
	grep -q '^new (\*, 239.31.99.1) iif r0 oif r1$' "$mon"
	check_err $? "monitor stopped after the resync"
	log_test "monitor: a reader that fell behind is told and gets the whole table"
}

concurrent_restores_one_waits()
{
	local a=$TMPD/ca b=$TMPD/cb i pa pb ra rb

	case_start
	for i in $(seq 1 3000); do
		echo "route add 239.32.$((i / 250)).$((i % 250 + 1)) iif r0 oif r1 nojoin"
	done >"$a"
	for i in $(seq 1 2000); do
		echo "route add 239.33.$((i / 250)).$((i % 250 + 1)) iif r0 oif r2 nojoin"
	done >"$b"
	rtr restore "$a" 2>"$TMPD/ea" &
	pa=$!
	rtr restore "$b" 2>"$TMPD/eb" &
	pb=$!
	wait $pa
	ra=$?
	wait $pb
	rb=$?
	[ "$ra$rb" = 00 ]
	check_err $? "concurrent restores exited $ra and $rb: $(cat "$TMPD/ea" "$TMPD/eb")"
	# One of the two files is the configuration, whole.
	n=$(rtr -j info | json .routes)
	[ "$n" = 3000 ] || [ "$n" = 2000 ]
	check_err $? "$n routes after two concurrent restores"
	[ "$(rtr save | cut -d' ' -f3 | cut -d. -f2 | sort -u | wc -l)" = 1 ]
	check_err $? "the table mixes both files"
	log_test "config: two restores at once: one waits for the other, no mix"
}

zero_and_idle()
{
	local idle

	case_start
	rtr route add 239.34.0.1 iif r0 oif r1
	rtr route add 239.34.0.2 iif r0 oif r2
	[ "$(rtr -j -s route show 239.34.0.1 | json '.[0].stats.idle_ms')" = null ]
	check_err $? "a route that saw nothing has an idle time"
	rtr -s route show 239.34.0.1 | grep -q 'idle never'
	check_err $? "text: $(rtr -s route show 239.34.0.1)"
	send "$SRC" s0 239.34.0.1 -n 10
	send "$SRC" s0 239.34.0.2 -n 10
	sleep 1.5
	idle=$(rtr -j -s route show 239.34.0.1 | json '.[0].stats.idle_ms')
	[ "$idle" -ge 1000 ] && [ "$idle" -lt 30000 ]
	check_err $? "idle time $idle ms after 1.5 s"
	rtr -s route show 239.34.0.1 | grep -Eq 'idle [0-9]+\.[0-9]{2}s'
	check_err $? "text idle: $(rtr -s route show 239.34.0.1)"
	rtr route zero 239.34.0.1
	check_err $? "route zero failed"
	[ "$(rtr -j -s route show 239.34.0.1 | json -c '.[0] | [.stats.packets, .oifs[0].stats.packets]')" = "[0,0]" ] &&
		[ "$(rtr -j -s route show 239.34.0.2 | json '.[0].stats.packets')" = 10 ]
	check_err $? "after zero: $(rtr -s route show)"
	send "$SRC" s0 239.34.0.1 -n 7
	sleep 0.5
	[ "$(rtr -j -s route show 239.34.0.1 | json '.[0].stats.packets')" = 7 ]
	check_err $? "counting after zero: $(rtr -s route show 239.34.0.1)"
	rtr route zero
	[ "$(rtr -j -s route show | json -c 'map(.stats.packets)')" = "[0,0]" ]
	check_err $? "zero of every route: $(rtr -s route show)"
	[ "$(rtr route show | wc -l)" = 2 ]
	check_err $? "zero touched the routes"
	log_test "counters: idle time since the last packet; zero without touching routes"
}

json_parsed()
{
	local out=$TMPD/json

	case_start
	rtr route add 239.35.0.1 source 10.1.0.2 iif r0 oif r1 r2:9 owner x.y-z_1
	rtr route add 239.35.0.2 iif nowhere0 oif r1 2>/dev/null
	write "$TMPD/w" "route add 239.35.0.2 iif nowhere0 oif r1"
	rtr restore "$TMPD/w" 2>/dev/null
	for cmd in "-s route show" "route show" "-s iface show" "info" "version"; do
		# shellcheck disable=SC2086
		rtr -j $cmd >"$out"
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out"
		check_err $? "-j $cmd is not JSON: $(cat "$out")"
	done
	python3 - "$(rtr -j -s route show)" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
a = [x for x in r if x["group"] == "239.35.0.1"][0]
assert a["source"] == "10.1.0.2" and a["iif"] == "r0", a
assert [o["dev"] for o in a["oifs"]] == ["r1", "r2"], a
assert a["oifs"][1]["ttl"] == 9 and a["owner"] == "x.y-z_1", a
assert a["waiting"] is False and a["waiting_for"] == [], a
assert set(a["stats"]) == {"packets", "bytes", "rpf_fail", "ttl_drop", "martian_drop", "rate_drop", "ra_drop", "srr_drop", "record_drop", "badopt_drop", "boundary_drop", "idle_ms"}, a
b = [x for x in r if x["group"] == "239.35.0.2"][0]
assert b["source"] is None and b["waiting"] is True, b
assert b["waiting_for"] == ["nowhere0"], b
EOF
	check_err $? "route JSON fields"
	python3 - "$(rtr -j iface show)" <<'EOF'
import json, sys
i = {x["dev"]: x for x in json.loads(sys.argv[1])}
assert i["nowhere0"]["ifindex"] is None and i["nowhere0"]["waiting"] is True, i
assert isinstance(i["r0"]["ifindex"], int) and i["r0"]["allmulti"] is True, i
assert i["r1"]["allmulti"] is False, i
EOF
	check_err $? "iface JSON fields"
	log_test "json: every -j output parses; fields as documented"
}

iproute2_habits()
{
	local f=$TMPD/habit

	case_start
	write "$f" "route add 239.36.0.1 iif r0 oif r1"
	mcfwctl -netns "$RTR" -batch "$f"
	check_err $? "-netns NS -batch FILE failed"
	[ "$(mcfwctl -netns "$RTR" -json route show | json '.[0].group')" = 239.36.0.1 ]
	check_err $? "-json"
	mcfwctl -netns "$RTR" -stats route show | grep -q 'packets 0'
	check_err $? "-stats"
	mcfwctl --netns="$RTR" -sj route | json -e '.[0].stats' >/dev/null
	check_err $? "--netns=NS and the cluster -sj"
	mcfwctl --netns="$RTR" -js route | json -e '.[0].group' >/dev/null
	check_err $? "-js, a prefix of -json"
	[ "$(mcfwctl -n "$RTR" route)" = "$(mcfwctl -n "$RTR" route show)" ]
	check_err $? "route alone is not route show"
	mcfwctl -n "$RTR" -owner pimd route add 239.36.0.2 iif r0 oif r1
	[ "$(mcfwctl -n "$RTR" -o pimd save)" = "route add 239.36.0.2 iif r0 oif r1 owner pimd" ]
	check_err $? "-owner: $(mcfwctl -n "$RTR" -o all save)"
	man -l "$TOPDIR/tools/mcfwctl/mcfwctl.8" 2>/dev/null | grep -q -- '-batch'
	check_err $? "mcfwctl(8) does not document -batch"
	log_test "mcfwctl: iproute2 habits: -json -stats -netns -batch -owner, route alone lists"
}

require_root
if ! setup; then
	echo "not ok 1 config: topology could not be set up"
	exit 1
fi
run_tests
