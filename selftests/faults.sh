#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults while a flood is forwarded. The flood is the kernel's pktgen in
# the router's namespace, injecting into r0's receive path as fast as
# its pacing allows (shared skbs, as pktgen sends them); the sinks count
# what reaches them with a tc ingress rule that drops it.
#
#                    +------------------ rtr (mcfw) -----------------+
#   pktgen ==> r0    |                        r1 ---- h1 (tc sink)   |
#  (netif_receive)   |   239.1.1.1 -> r1 r2 r3 r2 ---- h2 (tc sink)   |
#                    |                        r3 ---- h3 (tc sink)   |
#                    +-----------------------------------------------+
#
# Under the flood: four processes replace and delete routes while a fifth
# dumps, and the outputs' counters must equal what the sinks received;
# outputs and the input are deleted and created again, moved to another
# namespace and back, set down and up; mcfw is unloaded and loaded 100
# times; last, the router's whole namespace is deleted. Nothing may hang
# (ip link del within 5 s), and the harness fails the run on any splat.

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	writers_and_dumper_counters_exact
	device_faults_under_flood
	unload_reload_under_flood
	namespace_deleted_under_flood
"

TOPO=ft
source "$(dirname "$0")/lib/topology.sh"
source "$(dirname "$0")/lib/pktgen.sh"

G=239.1.1.1
# pktgen's pacing, ns between packets: a flood the emulated machine can
# forward without the sinks' backlogs dropping copies.
PG_DELAY=${MCFW_FAULTS_PG_DELAY:-100000}
CYCLES=${MCFW_FAULTS_CYCLES:-100}
# Packets of the counted flood; the debug kernel forwards far fewer a
# second.
PACKETS=${MCFW_FAULTS_PACKETS:-$(is_debug_kernel && echo 3000 || echo 30000)}

# Copies a veth could not hand to its peer (the peer's backlog was full).
tx_dropped()	# DEV in the router
{
	ip -n "$RTR" -s -j link show "$1" | json '.[0].stats64.tx.dropped'
}

faults_setup()
{
	modprobe pktgen 2>/dev/null
	[ -d /proc/net/pktgen ] || return 1
	sink "$H1" h1 "$G" && sink "$H2" h2 "$G" && sink "$H3" h3 "$G" || return 1
	# The router has a firewall, as routers do. It also keeps an IPv4
	# PRE_ROUTING hook registered while mcfw's come and go, so loading
	# and unloading mcfw never flips the static key that ip_rcv() tests:
	# flipping it patches ip_rcv()'s code while the other CPU runs it
	# under the flood, which the emulator (TCG) does not do atomically
	# ("Oops: int3" in ip_rcv, seen on 6.12; real CPUs are fine).
	ip netns exec "$RTR" nft -f - <<-EOF
		table ip filter {
			chain prerouting {
				type filter hook prerouting priority 0; policy accept;
				counter
			}
		}
	EOF
}

# del_within SECONDS ip ... link del DEV: fails if it takes longer.
del_within()
{
	local s=$1

	shift
	timeout "$s" "$@"
}

writers_and_dumper_counters_exact()
{
	local stop i pids=() sent sum=0 sinks=0 d n w bad

	case_start
	rtr route add "$G" iif r0 oif r1 r2 r3 owner flood
	check_err $? "route add failed"
	stop=$(mktemp -u)
	bad=$(mktemp)
	defer rm -f "$stop" "$bad"
	pg_setup "$PACKETS" "$RTR" r0 delay="$PG_DELAY" ||
		check_err 1 "pktgen setup failed"

	# Four writers: the flood's route replaced with its outputs kept
	# (their counters kept), routes of their own added and deleted.
	for w in 1 2 3 4; do
		(
			i=0
			while [ ! -e "$stop" ]; do
				i=$((i + 1))
				rtr route replace "$G" iif r0 oif r1 r2 r3:$((i % 2 + 1)) owner flood ||
					echo "writer $w: replace failed" >>"$bad"
				rtr route add 239.2.$w.$((i % 20 + 1)) iif r0 oif r1 owner w$w
				rtr route del 239.2.$w.$(((i + 10) % 20 + 1)) iif r0
			done >/dev/null 2>&1
		) &
		pids+=($!)
	done
	# And one reader, dumping with counters.
	(
		while [ ! -e "$stop" ]; do
			rtr -j -s route show | json length >/dev/null ||
				echo "dumper: a dump failed" >>"$bad"
		done
	) &
	pids+=($!)

	pg_run
	touch "$stop"
	wait "${pids[@]}"
	sleep 1
	sent=$(pg_sent)
	[ ! -s "$bad" ]
	check_err $? "$(cat "$bad")"

	[ "$(route_stat "$G" packets)" = "$sent" ]
	check_err $? "route counted $(route_stat "$G" packets) of the $sent packets pktgen sent"
	for d in 1 2 3; do
		n=$(oif_stat "$G" "r$d" packets)
		sum=$((sum + n))
		sinks=$((sinks + $(sink_count "$(eval echo \$H$d)" "h$d") + $(tx_dropped "r$d")))
	done
	echo "# pktgen sent $sent; outputs counted $sum copies; sinks (and veth drops) $sinks"
	[ "$sum" = "$sinks" ] && [ "$sum" = $((3 * sent)) ]
	check_err $? "outputs counted $sum copies, sinks got $sinks, of $((3 * sent))"
	log_test "faults: four writers and a dumper under a flood; output counters = what the sinks got"
}

device_faults_under_flood()
{
	local i ns=ft-away-$$

	case_start
	extra_ns "$ns"
	rtr route add "$G" iif r0 oif r1 r2 r3
	pg_setup 0 "$RTR" r0 delay="$PG_DELAY" ||
		check_err 1 "pktgen setup failed"
	pg_start
	defer pg_stop
	sleep 1

	# Outputs deleted and made again: gone promptly, then served again.
	for i in 1 2 3; do
		del_within 5 ip -n "$RTR" link del r3
		check_err $? "ip link del r3 took more than 5 s (or failed), round $i"
		veth_link "$RTR" r3 10.4.0.1/24 "$H3" h3 10.4.0.2/24 &&
			sink "$H3" h3 "$G"
		check_err $? "r3 could not be made again"
	done
	sink_grows "$H3" h3
	check_err $? "the remade r3 gets nothing"

	# An output moved to another namespace and back, set down and up.
	for i in 1 2 3; do
		ip -n "$RTR" link set r2 netns "$ns" &&
			ip -n "$ns" link set r2 netns "$RTR" &&
			ip -n "$RTR" link set r2 up
		check_err $? "moving r2 away and back failed, round $i"
	done
	for i in $(seq 1 10); do
		ip -n "$RTR" link set r1 down && ip -n "$RTR" link set r1 up
		check_err $? "r1 down/up failed, round $i"
	done
	sink_grows "$H2" h2
	check_err $? "r2 back from another namespace gets nothing"

	# The input deleted under the flood (pktgen loses its device).
	del_within 5 ip -n "$RTR" link del r0
	check_err $? "ip link del r0 took more than 5 s (or failed)"
	pg_stop
	rtr route show | grep -qx "(\*, $G) iif r0 oif r1 r2 r3 waiting r0"
	check_err $? "the route after its input went: $(rtr route show)"
	veth_link "$SRC" s0 10.1.0.2/24 "$RTR" r0 10.1.0.1/24
	check_err $? "r0 could not be made again"
	pg_setup 0 "$RTR" r0 delay="$PG_DELAY" && pg_start
	sleep 1
	sink_grows "$H1" h1
	check_err $? "nothing forwarded once r0 came back"
	log_test "faults: outputs and input deleted, moved, down and up under a flood"
}

unload_reload_under_flood()
{
	local i before after

	case_start
	pg_setup 0 "$RTR" r0 delay="$PG_DELAY" ||
		check_err 1 "pktgen setup failed"
	pg_start
	defer pg_stop
	before=$(sink_count "$H1" h1)
	for ((i = 1; i <= CYCLES; i++)); do
		modprobe mcfw &&
			rtr route add "$G" iif r0 oif r1 r2 r3 nojoin >/dev/null &&
			modprobe -r mcfw
		if [ $? -ne 0 ]; then
			check_err 1 "cycle $i: load, route add or unload failed"
			break
		fi
	done
	after=$(sink_count "$H1" h1)
	echo "# $((i - 1)) unload/load cycles; h1 got $((after - before)) copies meanwhile"
	[ "$after" -gt "$before" ]
	check_err $? "nothing was forwarded between the cycles"
	modprobe mcfw
	log_test "faults: mcfw unloaded and loaded $CYCLES times under a flood"
}

namespace_deleted_under_flood()
{
	local i

	case_start
	rtr route add "$G" iif r0 oif r1 r2 r3
	# The flood comes from the source's namespace this time, over s0:
	# the router's namespace can go while it flows.
	pg_setup 0 "$SRC" s0 mode=start_xmit delay="$PG_DELAY" ||
		check_err 1 "pktgen setup failed"
	pg_start
	sink_grows "$H1" h1
	check_err $? "the flood from the source is not forwarded"
	del_within 20 ip netns del "$RTR"
	check_err $? "ip netns del of the router took too long"
	# Its devices go, s0 with r0: pktgen's run ends.
	for ((i = 0; i < 200; i++)); do
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$PG_PID" 2>/dev/null
	check_fail $? "the router's devices did not go with its namespace"
	pg_stop
	# Its state goes with it: the module unloads promptly.
	for ((i = 0; i < 100; i++)); do
		modprobe -r mcfw 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^mcfw ' /proc/modules
	check_fail $? "mcfw could not be unloaded after the namespace went"
	log_test "faults: the router's namespace deleted under a flood"
}

require_root
if ! setup || ! faults_setup; then
	echo "not ok 1 faults: topology or pktgen could not be set up"
	exit 1
fi
run_tests
