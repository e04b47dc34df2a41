#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Floods and counting sinks for the traffic suites: the kernel's pktgen
# sending a UDP stream of one group, and tc ingress rules that count and
# drop what reaches a receiver (tc counts a GSO packet as its segments).
# Source it after lib/topology.sh.
#
#   pg_setup COUNT NS DEV [VAR=VALUE...]   pktgen's first thread in NS
#                                          sends COUNT packets (0: until
#                                          stopped) on DEV
#   pg_start / pg_stop / pg_sent
#   sink NS DEV GROUP, sink_count NS DEV

PG_NS=
PG_DEV=
PG_PID=

# pg_setup COUNT NS DEV [VAR=VALUE...]: the stream is 239.1.1.1 from
# 10.1.0.2 to port $PORT, 100 bytes, injected into DEV's receive path
# (mode netif_receive), one packet at a time without pacing; VAR=VALUE
# change that: group, mode (netif_receive, start_xmit), size, delay (ns
# between packets), burst (packets sent at once).
pg_setup()
{
	local count=$1 group=239.1.1.1 mode=netif_receive size=100 delay=0
	local burst=1 cmd mac

	PG_NS=$2
	PG_DEV=$3
	shift 3
	for cmd in "$@"; do
		case $cmd in
		group=*) group=${cmd#*=} ;;
		mode=*) mode=${cmd#*=} ;;
		size=*) size=${cmd#*=} ;;
		delay=*) delay=${cmd#*=} ;;
		burst=*) burst=${cmd#*=} ;;
		*) return 1 ;;
		esac
	done
	mac=$(awk -F. '{ printf "01:00:5e:%02x:%02x:%02x", $2 % 128, $3, $4 }' <<<"$group")
	# One process in the namespace for all of it: on the debug kernel
	# each ip netns exec costs seconds.
	ip netns exec "$PG_NS" sh -c '
		dev=$1
		shift
		d=/proc/net/pktgen
		i=0
		while [ ! -e $d/kpktgend_0 ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		echo rem_device_all >$d/kpktgend_0 &&
			echo "add_device $dev" >$d/kpktgend_0 || exit 1
		for c in "$@"; do
			echo "$c" >"$d/$dev" || exit 1
		done' sh "$PG_DEV" "xmit_mode $mode" "count $count" \
		"pkt_size $size" "src_min 10.1.0.2" "src_max 10.1.0.2" \
		"dst $group" "dst_mac $mac" "udp_src_min $PORT" \
		"udp_src_max $PORT" "udp_dst_min $PORT" "udp_dst_max $PORT" \
		"delay $delay" "burst $burst"
}

# Runs pktgen in the background; pg_stop ends it.
pg_start()
{
	ip netns exec "$PG_NS" sh -c 'echo start >/proc/net/pktgen/pgctrl' \
		>/dev/null 2>&1 &
	PG_PID=$!
}

pg_stop()
{
	ip netns exec "$PG_NS" sh -c 'echo stop >/proc/net/pktgen/pgctrl' 2>/dev/null
	wait "$PG_PID" 2>/dev/null
}

# Packets pktgen sent in its last run.
pg_sent()
{
	ip netns exec "$PG_NS" sed -n 's/.*Result: OK: [0-9]*(.*) usec, \([0-9]*\) .*/\1/p' \
		"/proc/net/pktgen/$PG_DEV"
}

# sink NS DEV GROUP: count (and drop) what arrives on DEV for GROUP.
sink()
{
	tc -n "$1" qdisc add dev "$2" clsact 2>/dev/null
	tc -n "$1" filter add dev "$2" ingress protocol ip pref 1 \
		flower dst_ip "$3" action drop
}

sink_count()	# NS DEV
{
	tc -n "$1" -s -j filter show dev "$2" ingress |
		json '[.[] | select(.options.actions) | .options.actions[0].stats.packets] | add // 0'
}

# sink_grows NS DEV: the sink gets packets: its count grows in a second.
sink_grows()
{
	local before

	before=$(sink_count "$1" "$2")
	sleep 1
	[ "$(sink_count "$1" "$2")" -gt "$before" ]
}
