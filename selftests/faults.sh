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
# times; last, the router's whole namespace is
# deleted. Nothing may hang (ip link del within 5 s, 30 s on the debug
# kernel), and the harness fails the run on any splat.

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
# On the debug kernel, where a packet costs far more, 1 ms: pktgen then
# sleeps between packets instead of spinning a CPU, and the control
# path keeps the other.
PG_DELAY=${MCFW_FAULTS_PG_DELAY:-$(is_debug_kernel && echo 1000000 || echo 100000)}
# The stream while the router's namespace is deleted. The route joins
# its group on r0, so until the namespace's membership goes, the kernel
# routes every packet for local delivery as well, with a route entry
# freed through RCU. A debug kernel invokes RCU callbacks slower than
# 1,000 packets a second make them, and the namespace's dismantling
# (rcu_barrier() in netdev_run_todo()) then waits as long as the stream
# lasts: 100 packets a second there.
NETNS_PG_DELAY=${MCFW_FAULTS_NETNS_PG_DELAY:-$(is_debug_kernel && echo 10000000 || echo "$PG_DELAY")}
# Seconds an ip link del may take. A device's unregistration waits for
# RCU grace periods, which a debug kernel under a flood stretches;
# a reference mcfw failed to drop would instead hold it forever, and
# the kernel's "unregister_netdevice: waiting for" fails the run.
DEL_LIMIT=${MCFW_FAULTS_DEL_LIMIT:-$(is_debug_kernel && echo 30 || echo 5)}
# The kernel's warning comes after netdev_unregister_timeout_secs (10)
# of such waits: it is given DEL_LIMIT too while faults.sh runs.
UNREG_TIMEOUT=$(sysctl -n net.core.netdev_unregister_timeout_secs)
# Rounds of each device fault (2 on a stock kernel, 1 on the debug
# kernel, where each takes a minute).
ROUNDS=${MCFW_FAULTS_ROUNDS:-$(is_debug_kernel && echo 1 || echo 2)}
# rmmod/insmod cycles under the flood: 40 on a stock kernel (about 0.9 s
# a cycle on 6.12), 20 on the debug kernel, where KASAN, lockdep and
# kmemleak watch each (about 3 s a cycle there); fewer than before keep
# both lanes of make check within the time budget (MCFW_FAULTS_CYCLES=100
# runs more).
CYCLES=${MCFW_FAULTS_CYCLES:-$(is_debug_kernel && echo 20 || echo 40)}
# Seconds of the counted flood under the writers and the dumper: bound
# by time, not by a packet count, since the debug kernel forwards far
# fewer packets a second, and fewer still beside five busy processes.
FLOOD_SECONDS=${MCFW_FAULTS_SECONDS:-$(is_debug_kernel && echo 20 || echo 15)}

# Copies a veth could not hand to its peer (the peer's backlog was full).
tx_dropped()	# DEV in the router
{
	ip -n "$RTR" -s -j link show "$1" | json '.[0].stats64.tx.dropped'
}

faults_setup()
{
	modprobe pktgen 2>/dev/null
	[ -d /proc/net/pktgen ] || return 1
	[ "$UNREG_TIMEOUT" -ge "$DEL_LIMIT" ] ||
		sysctl -qw net.core.netdev_unregister_timeout_secs="$DEL_LIMIT"
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

# del_within SECONDS CMD...: fails if CMD fails or takes longer; the
# slowest in DEL_MAX (seconds, rounded up).
DEL_MAX=0
del_within()
{
	local s=$1 t0 rc d

	shift
	t0=$(date +%s%N)
	timeout "$s" "$@"
	rc=$?
	d=$((($(date +%s%N) - t0 + 999999999) / 1000000000))
	[ "$d" -le "$DEL_MAX" ] || DEL_MAX=$d
	return $rc
}

writers_and_dumper_counters_exact()
{
	local stop i pids=() sent sum=0 sinks=0 d n w bad ops

	case_start
	rtr route add "$G" iif r0 oif r1 r2 r3 owner flood
	check_err $? "route add failed"
	stop=$(mktemp -u)
	bad=$(mktemp)
	ops=$(mktemp)
	defer rm -f "$stop" "$bad" "$ops"
	pg_setup 0 "$RTR" r0 delay="$PG_DELAY" ||
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
			echo "w $i" >>"$ops"
		) &
		pids+=($!)
	done
	# And one reader, dumping with counters.
	(
		i=0
		while [ ! -e "$stop" ]; do
			i=$((i + 1))
			rtr -j -s route show | json length >/dev/null ||
				echo "dumper: a dump failed" >>"$bad"
		done
		echo "d $i" >>"$ops"
	) &
	pids+=($!)

	pg_start
	sleep "$FLOOD_SECONDS"
	pg_stop
	touch "$stop"
	wait "${pids[@]}"
	sleep 1
	sent=$(pg_sent)
	echo "# in ${FLOOD_SECONDS} s: $(awk '$1 == "w" { w += $2 } $1 == "d" { d += $2 }
		END { printf "%d replace+add+del rounds by the writers, %d dumps", w, d }' "$ops")"
	[ ! -s "$bad" ]
	check_err $? "$(cat "$bad")"
	[ "${sent:-0}" -gt 0 ]
	check_err $? "pktgen sent nothing in $FLOOD_SECONDS s"

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
	for ((i = 1; i <= ROUNDS; i++)); do
		del_within "$DEL_LIMIT" ip -n "$RTR" link del r3
		check_err $? "ip link del r3 took more than $DEL_LIMIT s (or failed), round $i"
		veth_link "$RTR" r3 10.4.0.1/24 "$H3" h3 10.4.0.2/24 &&
			sink "$H3" h3 "$G"
		check_err $? "r3 could not be made again"
	done
	sink_grows "$H3" h3
	check_err $? "the remade r3 gets nothing"

	# An output moved to another namespace and back, set down and up.
	for ((i = 1; i <= ROUNDS; i++)); do
		ip -n "$RTR" link set r2 netns "$ns" &&
			ip -n "$ns" link set r2 netns "$RTR" &&
			ip -n "$RTR" link set r2 up
		check_err $? "moving r2 away and back failed, round $i"
	done
	for ((i = 1; i <= 3 * ROUNDS; i++)); do
		ip -n "$RTR" link set r1 down && ip -n "$RTR" link set r1 up
		check_err $? "r1 down/up failed, round $i"
	done
	sink_grows "$H2" h2
	check_err $? "r2 back from another namespace gets nothing"

	# The input deleted under the flood (pktgen loses its device).
	del_within "$DEL_LIMIT" ip -n "$RTR" link del r0
	check_err $? "ip link del r0 took more than $DEL_LIMIT s (or failed)"
	pg_stop
	rtr route show | grep -qx "(\*, $G) iif r0 oif r1 r2 r3 waiting r0"
	check_err $? "the route after its input went: $(rtr route show)"
	veth_link "$SRC" s0 10.1.0.2/24 "$RTR" r0 10.1.0.1/24
	check_err $? "r0 could not be made again"
	pg_setup 0 "$RTR" r0 delay="$PG_DELAY" && pg_start
	sleep 1
	sink_grows "$H1" h1
	check_err $? "nothing forwarded once r0 came back"
	echo "# the slowest ip link del took $DEL_MAX s (limit $DEL_LIMIT s)"
	log_test "faults: outputs and input deleted, moved, down and up under a flood"
}

unload_reload_under_flood()
{
	local i before after ko t0=$SECONDS

	case_start
	ko=$(modinfo -n mcfw)
	[ -f "$ko" ]
	check_err $? "modinfo does not find mcfw.ko: '$ko'"
	pg_setup 0 "$RTR" r0 delay="$PG_DELAY" ||
		check_err 1 "pktgen setup failed"
	pg_start
	defer pg_stop
	before=$(sink_count "$H1" h1)
	modprobe -r mcfw
	check_err $? "mcfw could not be unloaded before the cycles"
	for ((i = 1; RET == 0 && i <= CYCLES; i++)); do
		insmod "$ko" &&
			rtr route add "$G" iif r0 oif r1 r2 r3 nojoin >/dev/null &&
			rmmod mcfw
		if [ $? -ne 0 ]; then
			check_err 1 "cycle $i: insmod, route add or rmmod failed"
			break
		fi
	done
	after=$(sink_count "$H1" h1)
	echo "# $((i - 1)) rmmod/insmod cycles in $((SECONDS - t0)) s; h1 got $((after - before)) copies meanwhile"
	[ "$after" -gt "$before" ]
	check_err $? "nothing was forwarded between the cycles"
	modprobe mcfw
	log_test "faults: rmmod and insmod of mcfw $CYCLES times under a flood"
}

namespace_deleted_under_flood()
{
	local i t0

	case_start
	rtr route add "$G" iif r0 oif r1 r2 r3
	# The flood comes from the source's namespace this time, over s0:
	# the router's namespace can go while it flows.
	pg_setup 0 "$SRC" s0 mode=start_xmit delay="$NETNS_PG_DELAY" ||
		check_err 1 "pktgen setup failed"
	pg_start
	sink_grows "$H1" h1
	check_err $? "the flood from the source is not forwarded"
	del_within 20 ip netns del "$RTR"
	check_err $? "ip netns del of the router took too long"
	# Its devices go, s0 with r0, and pktgen's run ends. The namespace
	# is dismantled by a worker after ip netns del returns, behind RCU
	# grace periods that a debug kernel under a flood makes long: how
	# long it took is shown.
	t0=$SECONDS
	while [ $((SECONDS - t0)) -lt 120 ]; do
		ip -n "$SRC" link show s0 >/dev/null 2>&1 ||
			kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# the router's devices went $((SECONDS - t0)) s after ip netns del returned"
	ip -n "$SRC" link show s0 >/dev/null 2>&1
	check_fail $? "the router's devices did not go with its namespace (2 minutes)"
	kill -0 "$PG_PID" 2>/dev/null
	check_fail $? "pktgen still runs on a device that went"
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
rc=$?
sysctl -qw net.core.netdev_unregister_timeout_secs="$UNREG_TIMEOUT"
exit $rc
