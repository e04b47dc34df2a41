#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mcfw demo: an exchange's market-data feed carried across a WAN, in a
# GRE tunnel, to two trading floors. Runs inside the test VM (make demo);
# every "host" below is a network namespace, every link a veth pair.
#
#   exchange            gateway A (mcfw)        wan         gateway B (mcfw)      trading floors
#   feed 10.10.0.2 --- x0 10.10.0.1                                          f1 10.21.0.1 --- trader1 10.21.0.2
#                          w0 192.0.2.1 ----- router ----- 198.51.100.1 w1
#                          gre1 ================ GRE ================= gre1   f2 10.22.0.1 --- trader2 10.22.0.2
#
# Channel A (239.100.0.1) goes to both floors; channel B (239.100.0.2)
# only to trader2. Gateway A forwards the feed into the tunnel, gateway B
# out of it; neither runs a routing daemon, and a third group the
# exchange also sends (239.100.0.9) goes nowhere because no route asks.
#
# Then the same feed without any tunnel, as across a WAN that routes only
# unicast: gateway A sends each channel as unicast UDP to gateway B
# (route outputs "unicast ADDR:PORT"), and gateway B relays it back into
# multicast ("relay add"), translated to the floors' own group numbers
# (239.200.0.0/16 on floor 1, 239.210.0.0/16 on floor 2).
set -u
cd "$(dirname "$0")/.."
PATH=$PWD/tools/mcfwctl:$PATH
MCAST=$PWD/selftests/mcast
P=demo-$$
NS="$P-exchange $P-gwa $P-wan $P-gwb $P-trader1 $P-trader2"

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

cleanup() {
	local n
	for n in $NS; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT

link() {	# NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B
	ip link add "$2" netns "$P-$1" type veth peer name "$5" netns "$P-$4"
	ip -n "$P-$1" addr add "$3" dev "$2"
	ip -n "$P-$4" addr add "$6" dev "$5"
	ip -n "$P-$1" link set "$2" up
	ip -n "$P-$4" link set "$5" up
}

say "Loading mcfw"
run modprobe mcfw
run mcfwctl version

say "Building the networks (namespaces and veth links)"
for n in $NS; do
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
link exchange feed 10.10.0.2/24 gwa x0 10.10.0.1/24
link gwa w0 192.0.2.1/30 wan wa 192.0.2.2/30
link gwb w1 198.51.100.1/30 wan wb 198.51.100.2/30
link gwb f1 10.21.0.1/24 trader1 t1 10.21.0.2/24
link gwb f2 10.22.0.1/24 trader2 t2 10.22.0.2/24
ip netns exec "$P-wan" sysctl -qw net.ipv4.ip_forward=1
ip -n "$P-gwa" route add 198.51.100.0/30 via 192.0.2.2
ip -n "$P-gwb" route add 192.0.2.0/30 via 198.51.100.2
ip -n "$P-gwa" link add gre1 type gre local 192.0.2.1 remote 198.51.100.1 ttl 64
ip -n "$P-gwb" link add gre1 type gre local 198.51.100.1 remote 192.0.2.1 ttl 64
ip -n "$P-gwa" link set gre1 up
ip -n "$P-gwb" link set gre1 up
echo "exchange --- gateway A ==GRE over wan== gateway B --- trader1, trader2"

say "Gateway A: the feed from the exchange goes into the tunnel"
run mcfwctl -n "$P-gwa" route add 239.100.0.1 source 10.10.0.2 iif x0 oif gre1
run mcfwctl -n "$P-gwa" route add 239.100.0.2 source 10.10.0.2 iif x0 oif gre1

say "Gateway B: out of the tunnel to the trading floors"
run mcfwctl -n "$P-gwb" route add 239.100.0.1 source 10.10.0.2 iif gre1 oif f1 f2
run mcfwctl -n "$P-gwb" route add 239.100.0.2 source 10.10.0.2 iif gre1 oif f2
run mcfwctl -n "$P-gwb" route show

out=$(mktemp -d)
recv() {	# NS DEV GROUP NAME
	ip netns exec "$P-$1" "$MCAST" recv "$3" 5000 -i "$2" -T 60 >"$out/$4" &
	pids+=($!)
	groups[$4]=$3
	until grep -q ready "$out/$4" 2>/dev/null; do sleep 0.05; done
}
declare -A groups
publish() {	# the exchange: 1000 updates a channel, 200 on 239.100.0.9
	local senders=() g
	for g in 239.100.0.1 239.100.0.2; do
		ip netns exec "$P-exchange" "$MCAST" send "$g" 5000 -i feed -n 1000 \
			-s 200 -r 2000 -t 32 >/dev/null &
		senders+=($!)
	done
	ip netns exec "$P-exchange" "$MCAST" send 239.100.0.9 5000 -i feed -n 200 \
		-t 32 >/dev/null
	wait "${senders[@]}"
	sleep 1
	kill -TERM "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	pids=()
}
report() {	# NAME...: what each trader received
	local f
	printf '%-18s %-13s %s\n' trader group result
	for f in "$@"; do
		printf '%-18s %-13s %s\n' "$f" "${groups[$f]}" \
			"$(sed -n 's/^received/received/p' "$out/$f")"
		rm -f "$out/$f"
	done
}

say "Traders subscribe; the exchange publishes 1000 updates a channel (and 200 on 239.100.0.9)"
pids=()
recv trader1 t1 239.100.0.1 trader1-A
recv trader2 t2 239.100.0.1 trader2-A
recv trader2 t2 239.100.0.2 trader2-B
recv trader1 t1 239.100.0.9 trader1-unrouted
publish

say "What the trading floors received (sent with TTL 32: two gateways, TTL 30)"
report trader1-A trader2-A trader2-B trader1-unrouted

say "Gateway A: mcfwctl -s route show"
mcfwctl -n "$P-gwa" -s route show
say "Gateway B: mcfwctl -s route show"
mcfwctl -n "$P-gwb" -s route show
say "Gateway B: mcfwctl -s iface show"
mcfwctl -n "$P-gwb" -s iface show

say "Part 2: no tunnel. The WAN routes only unicast"
run mcfwctl -n "$P-gwa" route flush
run mcfwctl -n "$P-gwb" route flush
ip -n "$P-gwa" link del gre1
ip -n "$P-gwb" link del gre1
echo "exchange --- gateway A --unicast UDP over wan--> gateway B --- trader1, trader2"

say "Gateway A: each channel as unicast to gateway B, one UDP port a channel"
run mcfwctl -n "$P-gwa" route add 239.100.0.1 source 10.10.0.2 iif x0 \
	oif unicast 198.51.100.1:7001
run mcfwctl -n "$P-gwa" route add 239.100.0.2 source 10.10.0.2 iif x0 \
	oif unicast 198.51.100.1:7002

say "Gateway B: relays back into multicast, under each floor's own groups (port 5000 again)"
run mcfwctl -n "$P-gwb" relay add 198.51.100.1:7001 from 192.0.2.1 iif w1 \
	group 239.200.0.1:5000 oif f1 f2@239.210.0.1
run mcfwctl -n "$P-gwb" relay add 198.51.100.1:7002 from 192.0.2.1 iif w1 \
	group 239.210.0.2:5000 oif f2
run mcfwctl -n "$P-gwb" relay show

say "Traders subscribe to their floor's groups; the exchange publishes again"
recv trader1 t1 239.200.0.1 trader1-A
recv trader2 t2 239.210.0.1 trader2-A
recv trader2 t2 239.210.0.2 trader2-B
recv trader1 t1 239.100.0.1 trader1-exchange-A
publish

say "What the trading floors received (TTL 32; the relay sends at most 16)"
report trader1-A trader2-A trader2-B trader1-exchange-A
rm -rf "$out"
echo "(from: the unicast leg leaves from gateway A's WAN address, which the relay"
echo " keeps; trader1-exchange-A: the exchange's own group never reaches the floor)"

say "Gateway A: mcfwctl -s route show"
mcfwctl -n "$P-gwa" -s route show
say "Gateway B: mcfwctl -s relay show"
mcfwctl -n "$P-gwb" -s relay show
