#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mcfw benchmark, run inside the test VM (make bench runs it through
# bench/run.sh): mcfw against the kernel's ipmr (programmed by smcroute),
# a userspace relay and a floor (tc mirred, no lookup), all in one boot,
# interleaved round-robin.
#
#   bench/bench.sh [BENCH_VAR=VALUE ...]
#
# Topology, one router namespace per contestant so that each keeps its
# routes while the others run (in b-ipmr mcfw has no route; in b-mcfw
# ipmr is not initialised):
#
#   b-src               b-<c> (router)                   b-sink
#   i-<c> ---- veth ---- in       o0 ------- veth ------- <p>0  \
#                                 o1 ------- veth ------- <p>1   } tc ingress
#                                 ...                     ...   /  block: drop
#
#   c = mcfw (256 outputs), ipmr, relay, floor (31 outputs each), and
#   the gateway's and IPv6's contestants (below)
#
# The load is the kernel's pktgen in "xmit_mode netif_receive" on the
# router's "in": each packet is handed to the router's receive path as if
# it had arrived on "in", and everything it causes (lookup, copies, the
# sinks dropping them) runs on the same CPU before pktgen builds the
# next, so pktgen's rate is the router's forwarding rate. Destinations
# run through the routes' groups in sequence (dst_min..dst_max).
#
# The relay cannot be measured that way (its work happens in another
# process): pktgen first queues the trial's packets on the relay's socket
# (timed), then the relay is started and drains them (timed by itself);
# a packet's cost is the sum of both per-packet times.
#
# IPv6: mcfw6 (mcfw) and ip6mr (the kernel's ip6mr, programmed by
# smcroute), up to 31 outputs, the same load from 2001:db8::2 to
# ff3e::8000:0 onwards, hop limit 32. Their routers have IPv6 on (no
# DAD), the others not. pktgen's smallest IPv6 UDP frame is 78 bytes (82
# with the FCS): the "64" points of these two are that. pktgen picks
# IPv6 destinations at random within a mask (dst6_min | random &
# dst6_max), not in sequence, so their route counts are powers of two:
# the lookup sweep's R routes are the next power of two, 2^k >= R
# (1000: 1024, 100000: 131072).
#
# Every trial is checked: the sinks must have dropped exactly N copies of
# every packet (tc action counters of the contestant's block), pktgen
# must have sent them all, and no CPU's backlog may have dropped anything
# (/proc/net/softnet_stat, column 2). A trial failing a check is reported
# invalid (valid=0 and the reason) and left out of the medians.
#
# Output: progress lines, then every trial as CSV between the lines
# "==== BENCH CSV BEGIN ====" and "==== BENCH CSV END ====".
#
# Settings (as arguments VAR=VALUE, as vm.sh passes on no environment):
#   BENCH_QUICK=1          fewer rounds and points (defaults below change)
#   BENCH_ROUNDS           rounds per point (5; quick 3)
#   BENCH_SIZES            frame sizes: 64 (pktgen pkt_size 60, 64 with
#                          the FCS) and/or 1500 (an IP packet of 1500
#                          bytes, the MTU); default "64 1500" (quick "64")
#   BENCH_OUTPUTS          N values (1 4 16 31 64 256; quick 1 4 16 64);
#                          N > 31 is mcfw only
#   BENCH_ROUTES           route counts for the lookup sweep, besides the
#                          1 of the main sweep (1000 100000)
#   BENCH_ROUTES_N         N for the lookup sweep (4)
#   BENCH_ROUTES_SIZE      frame size for the lookup sweep (64)
#   BENCH_IPMR_SMC_ROUTES  most routes given to smcroute (1000): it adds
#                          routes in quadratic time (14,337 took 243 s);
#                          bench/ipmr-routes adds the rest (MRT_ADD_MFC)
#   BENCH_IPMR_MAX_ROUTES  most routes ipmr is measured with (no limit)
#   BENCH_TRIAL_S          seconds a trial should last (3; quick 1)
#   BENCH_CONTESTANTS      subset of "mcfw ipmr relay floor xlat ucast
#                          urelay mcfw6 ip6mr" (xlat, ucast, urelay: mcfw
#                          with translated outputs, with unicast outputs,
#                          and the relay converting to unicast; 1 route,
#                          N <= 31; mcfw6 and ip6mr: IPv6, N <= 31)
#   BENCH_HOT              traffic to the first HOT groups only, whatever
#                          the route count (IPv6: a power of two): with
#                          the lookup sweep, the cost of the table's size
#                          apart from that of touching more routes
#   BENCH_PERF             0: no profile at the end (default: perf samples
#                          every contestant at N=BENCH_PERF_N, 16, and
#                          BENCH_PERF_ROUTES routes, 1; the IPv6
#                          contestants' count rounded up as above)
#   BENCH_ONLY             load: only the control-plane phase; forward:
#                          only the forwarding sweep (default: both);
#                          citizen: only the cost of the firewall hooks
#                          and of spoofed sources (see citizen_phase)
#   BENCH_LOAD_ROUTES      route counts of the control-plane phase
#                          (1000 10000 100000)
#   BENCH_LOAD_ROUNDS      rounds per count (3)
#   BENCH_LOAD_CHANGE      percent of the routes the "change" restore
#                          gives other outputs (1; a divisor of 100)
#   BENCH_LOAD_PERF        0: no control-plane profile (default: as
#                          BENCH_PERF: perf over each operation at the
#                          largest count, then strace -c)
#   BENCH_LOAD_PERF_HZ     perf's sampling rate there (1000)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD

for a in "$@"; do
	case $a in
	BENCH_*=*) export "${a?}" ;;
	*) echo "bench: unknown argument $a" >&2; exit 2 ;;
	esac
done

QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 0 ] && QUICK=
ROUNDS=${BENCH_ROUNDS:-${QUICK:+3}}
ROUNDS=${ROUNDS:-5}
SIZES=${BENCH_SIZES:-${QUICK:+64}}
SIZES=${SIZES:-64 1500}
OUTPUTS=${BENCH_OUTPUTS:-${QUICK:+1 4 16 64}}
OUTPUTS=${OUTPUTS:-1 4 16 31 64 256}
ROUTES=${BENCH_ROUTES-1000 100000}
ROUTES_N=${BENCH_ROUTES_N:-4}
ROUTES_SIZE=${BENCH_ROUTES_SIZE:-64}
IPMR_SMC_ROUTES=${BENCH_IPMR_SMC_ROUTES:-1000}
IPMR_MAX_ROUTES=${BENCH_IPMR_MAX_ROUTES:-100000000}
TRIAL_S=${BENCH_TRIAL_S:-${QUICK:+1}}
TRIAL_S=${TRIAL_S:-3}
CONTESTANTS=${BENCH_CONTESTANTS:-mcfw ipmr relay floor xlat ucast urelay mcfw6 ip6mr}
PERF=${BENCH_PERF:-1}
PERF_N=${BENCH_PERF_N:-16}
PERF_ROUTES=${BENCH_PERF_ROUTES:-1}
HOT=${BENCH_HOT:-}
ONLY=${BENCH_ONLY:-}
LOAD_ROUTES=${BENCH_LOAD_ROUTES:-1000 10000 100000}
LOAD_ROUNDS=${BENCH_LOAD_ROUNDS:-3}
LOAD_CHANGE=${BENCH_LOAD_CHANGE:-1}
LOAD_EVERY=$((100 / LOAD_CHANGE))
LOAD_PERF=${BENCH_LOAD_PERF:-$PERF}
LOAD_PERF_HZ=${BENCH_LOAD_PERF_HZ:-1000}
PERF_LIMIT=1.5		# percent: symbols below are not listed
PERF_LINES=20

CAL_COUNT=2000		# packets of the calibration trial of each point
MIN_COUNT=1000
MAX_COUNT=3000000
OTHERS_MAX=31		# ipmr: MAXVIFS 32, one is the input; tc: 32 actions
SRC=10.0.0.2
GROUP0=225.0.0.0	# routes use GROUP0, GROUP0+1, ...
SRC6=2001:db8::2
GROUP6_0=ff3e::8000:0	# IPv6: GROUP6_0 + i in the last 32 bits
PORT=9
PG=/proc/net/pktgen
RUN=/run/mcfw-bench
MCFW_ROUTES=$TOP/bench/mcfw-routes
RELAY=$TOP/bench/relay
IPMR_ROUTES=$TOP/bench/ipmr-routes
MCFWCTL=$TOP/tools/mcfwctl/mcfwctl

declare -A MAXN BLOCK PREFIX HOLDER SMC_PID RR
BLOCK=([mcfw]=1 [ipmr]=2 [relay]=3 [floor]=4 [xlat]=5 [ucast]=6 [urelay]=7
	[mcfw6]=8 [ip6mr]=9)
PREFIX=([mcfw]=m [ipmr]=p [relay]=u [floor]=f [xlat]=x [ucast]=c [urelay]=v
	[mcfw6]=w [ip6mr]=q)
CSV=()

log() { echo "$*"; }
die() { echo "bench: $*" >&2; exit 1; }

cleanup() {
	local c
	for c in "${SMC_PID[@]}"; do
		kill "$c" 2>/dev/null && wait "$c" 2>/dev/null
	done
	for c in "${HOLDER[@]}"; do
		kill "$c" 2>/dev/null
	done
	for c in src sink $CONTESTANTS; do
		ip netns del "b-$c" 2>/dev/null
	done
	load_cleanup
}
trap cleanup EXIT

in_ns() {	# NS CMD...: run CMD in the network namespace NS only
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# group_of I: GROUP0 + I, dotted
group_of() {
	local g=$(( (225 << 24) + $1 ))
	echo "$((g >> 24 & 255)).$((g >> 16 & 255)).$((g >> 8 & 255)).$((g & 255))"
}

is_v6() { [ "$1" = mcfw6 ] || [ "$1" = ip6mr ]; }

# group6_of I: GROUP6_0 + I
group6_of() {
	local g=$((0x80000000 + $1))
	printf 'ff3e::%x:%x\n' $((g >> 16)) $((g & 0xffff))
}

# routes_of CONTESTANT R: the routes it is measured with at a point of R
# (IPv6: the next power of two, see above).
routes_of() {
	local r=1
	if is_v6 "$1"; then
		while ((r < $2)); do r=$((r * 2)); done
		echo "$r"
	else
		echo "$2"
	fi
}

pkt_size_of() {	# frame size label -> pktgen pkt_size (no FCS)
	case $1 in
	64) echo 60 ;;
	1500) echo 1514 ;;
	*) echo $(($1 - 4)) ;;
	esac
}

# ---------------------------------------------------------------------
# Topology

ns_new() {
	ip netns add "$1" || die "ip netns add $1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 ||
		die "sysctl in $1"
}

setup_topology() {
	local c n i links=$RUN/links sinkup=$RUN/sinkup sinktc=$RUN/sinktc
	local rtr=$RUN/rtr max=1

	for n in $OUTPUTS; do [ "$n" -gt "$max" ] && max=$n; done
	ns_new b-src
	ns_new b-sink
	: >"$links"
	: >"$sinkup"
	: >"$sinktc"
	: >"$RUN/srcup"
	for c in $CONTESTANTS; do
		if [ "$c" = mcfw ]; then
			MAXN[$c]=$max
		else
			MAXN[$c]=$((max < OTHERS_MAX ? max : OTHERS_MAX))
		fi
		ns_new "b-$c"
		if is_v6 "$c"; then
			ip netns exec "b-$c" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
				net.ipv6.conf.default.disable_ipv6=0 \
				net.ipv6.conf.all.accept_dad=0 \
				net.ipv6.conf.default.accept_dad=0 ||
				die "IPv6 on in b-$c"
		fi
		echo "link add in netns b-$c type veth peer name i-$c netns b-src" >>"$links"
		: >"$rtr.$c"
		: >"$rtr.$c.neigh"
		for ((i = 0; i < MAXN[$c]; i++)); do
			echo "link add o$i netns b-$c type veth peer name ${PREFIX[$c]}$i netns b-sink"
			echo "link set ${PREFIX[$c]}$i up" >>"$sinkup"
			echo "qdisc add dev ${PREFIX[$c]}$i ingress_block ${BLOCK[$c]} ingress" >>"$sinktc"
			echo "link set o$i up" >>"$rtr.$c"
			# ipmr (smcroute) and the relay's sockets want addresses;
			# unicast copies a next hop, which the sinks (dropping
			# everything, ARP too) cannot answer for: a static one.
			case $c in
			ipmr | relay) echo "addr add 10.1.$i.1/24 dev o$i" >>"$rtr.$c" ;;
			ip6mr) echo "addr add 2001:db8:1:$i::1/64 dev o$i nodad" >>"$rtr.$c" ;;
			ucast | urelay)
				echo "addr add 10.1.$i.1/24 dev o$i" >>"$rtr.$c"
				echo "neigh add 10.1.$i.2 lladdr 02:00:00:00:00:01 dev o$i nud permanent" >>"$rtr.$c.neigh"
				;;
			esac
		done >>"$links"
		if is_v6 "$c"; then
			echo "addr add 2001:db8::1/64 dev in nodad" >>"$rtr.$c"
		else
			echo "addr add 10.0.0.1/24 dev in" >>"$rtr.$c"
		fi
		echo "link set in up" >>"$rtr.$c"
		echo "link set i-$c up" >>"$RUN/srcup"
	done
	ip -batch "$links" || die "creating the veth links"
	ip -n b-src -batch "$RUN/srcup" || die "setting up b-src"
	ip -n b-sink -batch "$sinkup" || die "setting up b-sink"
	for c in $CONTESTANTS; do
		ip -n "b-$c" -batch "$rtr.$c" || die "setting up b-$c"
		if [ -s "$rtr.$c.neigh" ]; then
			ip -n "b-$c" -batch "$rtr.$c.neigh" || die "neighbours in b-$c"
		fi
	done
	tc -n b-sink -batch "$sinktc" || die "tc qdiscs in b-sink"
	for c in $CONTESTANTS; do
		# IPv6 routers send MLD reports and neighbour discovery out
		# of their outputs too: their sinks count only UDP (the first
		# filter, which sink_count reads: u32 on the next header, no
		# flow dissection) and drop the rest uncounted.
		if is_v6 "$c"; then
			tc -n b-sink filter add block "${BLOCK[$c]}" protocol ipv6 \
				prio 1 u32 match u8 17 0xff at 6 action drop ||
				die "tc filter for block ${BLOCK[$c]}"
			tc -n b-sink filter add block "${BLOCK[$c]}" protocol all \
				prio 2 matchall action drop ||
				die "tc filter for block ${BLOCK[$c]}"
			continue
		fi
		tc -n b-sink filter add block "${BLOCK[$c]}" protocol all prio 1 \
			matchall action drop || die "tc filter for block ${BLOCK[$c]}"
	done
}

sink_count() {	# contestant -> packets its sinks dropped so far
	local out re='Sent [0-9]+ bytes ([0-9]+) pkt'
	out=$(tc -n b-sink -s filter show block "${BLOCK[$1]}")
	[[ $out =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

softnet_drops() {	# sum over CPUs of /proc/net/softnet_stat column 2
	local sum=0 a b rest
	while read -r a b rest; do
		sum=$((sum + 16#$b))
	done </proc/net/softnet_stat
	echo "$sum"
}

# ---------------------------------------------------------------------
# pktgen

# Each router namespace has a process parked in it (HOLDER): its
# /proc/PID/net/pktgen is that namespace's pktgen, written without
# entering the namespace. Only "start" (pgctrl acts on the writer's own
# namespace) needs nsenter.
pg() {	# contestant "command" [file]
	echo "$2" >"/proc/${HOLDER[$1]}/net/pktgen/${3:-in}" ||
		die "pktgen in b-$1: '$2' refused"
}

pg_setup() {	# contestant: bind pktgen's first thread to "in"
	local c=$1 cmd
	ip netns exec "b-$c" sleep infinity &
	HOLDER[$c]=$!
	until [ -e "/proc/${HOLDER[$c]}/net/pktgen/kpktgend_0" ] &&
		[ "$(readlink "/proc/${HOLDER[$c]}/ns/net")" != "$(readlink /proc/self/ns/net)" ]; do
		sleep 0.05
	done
	pg "$c" rem_device_all kpktgend_0
	pg "$c" "add_device in" kpktgend_0
	if is_v6 "$c"; then
		set -- "src6 $SRC6" "dst_mac 33:33:80:00:00:00"
	else
		set -- "src_min $SRC" "src_max $SRC" "dst_mac 01:00:5e:00:00:01"
	fi
	for cmd in "xmit_mode netif_receive" "$@" "udp_src_min $PORT" \
		"udp_src_max $PORT" "udp_dst_min $PORT" "udp_dst_max $PORT" \
		"delay 0" "burst 1"; do
		pg "$c" "$cmd"
	done
}

pg_point() {	# contestant size routes
	local r=$3
	[ -n "$HOT" ] && ((r > HOT)) && set -- "$1" "$2" "$(routes_of "$1" "$HOT")"
	pg "$1" "pkt_size $(pkt_size_of "$2")"
	if is_v6 "$1"; then
		# routes: a power of two (routes_of); the mask's low bits.
		pg "$1" "dst6_min $GROUP6_0"
		pg "$1" "dst6_max $(group6_of $(($3 - 1)))"
		return
	fi
	pg "$1" "dst_min $GROUP0"
	pg "$1" "dst_max $(group_of $(($3 - 1)))"
}

# pg_run contestant count: sets PG_USEC and PG_SOFAR of the finished run
pg_run() {
	local line re='^Result: OK: ([0-9]+)\(.*\) usec, ([0-9]+) '
	PG_USEC=
	PG_SOFAR=
	pg "$1" "count $2"
	in_ns "b-$1" sh -c "echo start >$PG/pgctrl" || die "pktgen start in b-$1"
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			PG_USEC=${BASH_REMATCH[1]}
			PG_SOFAR=${BASH_REMATCH[2]}
		fi
	done <"/proc/${HOLDER[$1]}/net/pktgen/in"
}

# ---------------------------------------------------------------------
# Contestants: configure for a point (N outputs, R routes), undo it.

oif_range() { echo "o[0-$(($1 - 1))]"; }

# routes_conf CONTESTANT GROUP0 SOURCE N R: R mcfw routes from SOURCE to
# GROUP0 onwards, in CONTESTANT's router; routes_unconf CONTESTANT.
routes_conf() {
	local out
	out=$(in_ns "b-$1" "$MCFW_ROUTES" -F -i in -o "$(oif_range "$4")" \
		-g "$2" -c "$5" -s "$3") || die "mcfw-routes failed in b-$1"
	log "  $out"
}

routes_unconf() {
	in_ns "b-$1" "$MCFWCTL" route flush >/dev/null ||
		die "mcfwctl route flush in b-$1"
}

mcfw_conf() { routes_conf mcfw "$GROUP0" "$SRC" "$@"; }
mcfw_unconf() { routes_unconf mcfw; }
mcfw6_conf() { routes_conf mcfw6 "$GROUP6_0" "$SRC6" "$@"; }
mcfw6_unconf() { routes_unconf mcfw6; }

# smc_conf CONTESTANT N R: ipmr or ip6mr, programmed by smcrouted (the
# first IPMR_SMC_ROUTES routes) and bench/ipmr-routes (the rest).
smc_conf() {
	local c=$1 n=$2 r=$3 i oifs="" conf=$RUN/smcroute-$1.conf t0 got=0 vifs
	local smc=$((r < IPMR_SMC_ROUTES ? r : IPMR_SMC_ROUTES)) out
	local src=$SRC g0=$GROUP0 gof=group_of v6=() proc=/proc/net/ip_mr

	if is_v6 "$c"; then
		src=$SRC6 g0=$GROUP6_0 gof=group6_of v6=(-6) proc=/proc/net/ip6_mr
	fi
	{
		echo "phyint in enable"
		for ((i = 0; i < n; i++)); do
			echo "phyint o$i enable"
			oifs+=" o$i"
		done
		for ((i = 0; i < smc; i++)); do
			echo "mroute from in source $src group $("$gof" $i) to$oifs"
		done
	} >"$conf"
	t0=$SECONDS
	ip netns exec "b-$c" smcrouted -n -N -f "$conf" -i "mcfw-bench-$c" \
		-u "$RUN/smcroute-$c.sock" -P "$RUN/smcroute-$c.pid" -l err \
		>"$RUN/smcroute-$c.log" 2>&1 &
	SMC_PID[$c]=$!
	while ((SECONDS - t0 < 600)); do
		got=$(($(in_ns "b-$c" cat "${proc}_cache" | wc -l) - 1))
		[ "$got" -ge "$smc" ] && break
		kill -0 "${SMC_PID[$c]}" 2>/dev/null || break
		sleep 0.2
	done
	vifs=$(($(in_ns "b-$c" cat "${proc}_vif" | wc -l) - 1))
	if [ "$r" -gt "$smc" ] && [ "$got" -eq "$smc" ]; then
		out=$(in_ns "b-$c" "$IPMR_ROUTES" "${v6[@]}" add -i in \
			-o "o[0-$((n - 1))]" -g "$g0" -c "$r" -f "$smc" -s "$src") ||
			die "ipmr-routes failed"
		log "  $out"
		got=$(($(in_ns "b-$c" cat "${proc}_cache" | wc -l) - 1))
	fi
	if [ "$got" -ne "$r" ] || [ "$vifs" -ne $((n + 1)) ]; then
		die "smcrouted set up $got of $r routes, $vifs of $((n + 1)) VIFs in b-$c: $(cat "$RUN/smcroute-$c.log")"
	fi
	log "  $c: $r routes ($smc by smcroute), $vifs VIFs in $((SECONDS - t0)) s"
}

smc_unconf() {	# CONTESTANT
	local c=$1 v6=() proc=/proc/net/ip_mr

	is_v6 "$c" && v6=(-6) proc=/proc/net/ip6_mr
	if [ -n "${SMC_PID[$c]:-}" ]; then
		kill "${SMC_PID[$c]}" 2>/dev/null
		wait "${SMC_PID[$c]}" 2>/dev/null
		unset 'SMC_PID[$c]'
	fi
	# MRT_DONE (smcrouted's exit) removes every VIF and smcrouted's
	# routes; those of ipmr-routes are static and flushed here.
	in_ns "b-$c" "$IPMR_ROUTES" "${v6[@]}" flush || die "ipmr-routes flush failed"
	[ "$(in_ns "b-$c" cat "${proc}_vif" | wc -l)" -le 1 ] &&
		[ "$(in_ns "b-$c" cat "${proc}_cache" | wc -l)" -le 1 ] ||
		die "$c VIFs or routes left after smcrouted exited"
}

ipmr_conf() { smc_conf ipmr "$@"; }
ipmr_unconf() { smc_unconf ipmr; }
ip6mr_conf() { smc_conf ip6mr "$@"; }
ip6mr_unconf() { smc_unconf ip6mr; }


floor_conf() {	# N R
	local i acts=()
	for ((i = 0; i < $1; i++)); do
		acts+=(action mirred egress mirror dev "o$i")
	done
	tc -n b-floor qdisc add dev in ingress 2>/dev/null
	tc -n b-floor filter add dev in ingress protocol all prio 1 handle 1 \
		matchall "${acts[@]}" action drop || die "tc mirred filter"
}

floor_unconf() {
	tc -n b-floor filter del dev in ingress || die "tc filter del"
}

relay_conf() { :; }
relay_unconf() { :; }
urelay_conf() { :; }
urelay_unconf() { :; }

# xlat and ucast: one route (R=1) whose N outputs are translated to
# another group and port, or unicast to each output's peer.
xlat_conf() {	# N R
	local i oifs=()
	for ((i = 0; i < $1; i++)); do oifs+=("o$i@239.9.0.1:6000"); done
	in_ns b-xlat "$MCFWCTL" route add "$GROUP0" source "$SRC" iif in \
		oif "${oifs[@]}" || die "xlat: route add"
}

xlat_unconf() {
	in_ns b-xlat "$MCFWCTL" route flush >/dev/null || die "xlat: route flush"
}

ucast_conf() {	# N R
	local i oifs=()
	for ((i = 0; i < $1; i++)); do oifs+=(unicast "10.1.$i.2:6000"); done
	in_ns b-ucast "$MCFWCTL" route add "$GROUP0" source "$SRC" iif in \
		oif "${oifs[@]}" || die "ucast: route add"
}

ucast_unconf() {
	in_ns b-ucast "$MCFWCTL" route flush >/dev/null || die "ucast: route flush"
}

# ---------------------------------------------------------------------
# Trials

# relay_start N COUNT OUT: start the relay on CPU 1, waiting for SIGUSR1
# before it reads COUNT packets (see bench/relay.c); sets RELAY_PID once
# it is ready.
relay_start() {
	local n=$1 count=$2 out=$3 c=${4:-relay}
	taskset -c 1 nsenter --net="/run/netns/b-$c" "$RELAY" -w -i in \
		-g "$GROUP0" -p "$PORT" -o "$(oif_range "$n")" \
		-n "$count" ${RELAY_UNICAST:+-u} >"$out" 2>&1 &
	RELAY_PID=$!
	until [ -s "$out" ] && [[ $(<"$out") == *ready* ]]; do
		kill -0 "$RELAY_PID" 2>/dev/null || die "relay: $(cat "$out")"
		sleep 0.02
	done
}

# trial contestant size routes N round count: one measurement, appended
# to CSV; sets TRIAL_NS (ns per packet) for calibration.
trial() {
	local c=$1 size=$2 r=$3 n=$4 round=$5 count=$6
	local s0 s1 d0 d1 usec sofar ns copies valid=1 why="" res
	local rpid rout="$RUN/relay.out" rec sent ttld serr rxqd rns

	if [ "$c" = relay ] || [ "$c" = urelay ]; then
		RELAY_UNICAST=${c%relay} relay_start "$n" "$count" "$rout" "$c"
		rpid=$RELAY_PID
	fi
	s0=$(sink_count "$c")
	d0=$(softnet_drops)
	pg_run "$c" "$count"
	usec=$PG_USEC
	sofar=$PG_SOFAR
	ns=$((usec * 1000))
	if [ "$c" = relay ] || [ "$c" = urelay ]; then
		kill -USR1 "$rpid"
		wait "$rpid"
		read -r rec sent ttld serr rxqd rns < <(sed -n \
			's/^relay: received \([0-9]*\) sent \([0-9]*\) ttl_drop \([0-9]*\) send_err \([0-9]*\) rxq_drops \([0-9]*\) ns \([0-9]*\)/\1 \2 \3 \4 \5 \6/p' \
			"$rout")
		if [ -z "${rns:-}" ]; then
			valid=0 why="relay: $(tr '\n' ' ' <"$rout")"
			rns=0
		elif [ "$rec" -ne "$count" ] || [ "$rxqd" -ne 0 ]; then
			valid=0 why="relay received $rec of $count ($rxqd socket drops)"
		elif [ "$sent" -ne $((n * count)) ] || [ "$serr" -ne 0 ] || [ "$ttld" -ne 0 ]; then
			valid=0 why="relay sent $sent of $((n * count)) ($serr errors)"
		fi
		ns=$((ns + rns))
	fi
	s1=$(sink_count "$c")
	d1=$(softnet_drops)
	copies=$((s1 - s0))

	if [ -z "${usec:-}" ] || [ "${sofar:-0}" -ne "$count" ]; then
		valid=0 why="pktgen sent ${sofar:-?} of $count"
		ns=0
	elif [ "$copies" -ne $((n * count)) ]; then
		valid=0 why="${why:+$why; }sinks got $copies copies, expected $((n * count))"
	elif [ "$d1" -ne "$d0" ]; then
		valid=0 why="${why:+$why; }backlog dropped $((d1 - d0))"
	fi
	[ "$ns" -gt 0 ] || { ns=1; valid=0; why=${why:-no time}; }

	# pps in, copies out per second, ns per packet
	res=$(awk -v c="$count" -v ns="$ns" -v n="$n" 'BEGIN {
		pps = c * 1e9 / ns
		printf "%.0f,%.0f,%.1f", pps, pps * n, ns / c }')
	TRIAL_NS=$((ns / count))
	CSV+=("$KERNEL,$size,$r,$n,$c,$round,$count,$ns,$res,$valid,$why")
	printf '  %-5s N=%-3s R=%-6s %4sB round %-3s %8s pps in %9s copies/s %s\n' \
		"$c" "$n" "$r" "$size" "$round" "${res%%,*}" \
		"$(echo "$res" | cut -d, -f2)" "$( ((valid)) && echo ok || echo "INVALID: $why")"
}

# count_for contestant size routes ms: packets for a run of ms
# milliseconds at the rate of the last trial (TRIAL_NS per packet).
count_for() {
	local c=$1 size=$2 r=$3 est
	est=$(($4 * 1000000 / (TRIAL_NS > 0 ? TRIAL_NS : 1)))
	est=$(((est + 999) / 1000 * 1000))
	((est < MIN_COUNT)) && est=$MIN_COUNT
	((est > MAX_COUNT)) && est=$MAX_COUNT
	# Every route gets traffic in every trial (IPv4, in sequence; IPv6's
	# random groups reach about two thirds of them at R packets).
	((est < r)) && est=$r
	# The relay's socket holds a whole trial: ~size + 1 KiB each.
	if { [ "$c" = relay ] || [ "$c" = urelay ]; } &&
		((est * (size + 1024) > 400 * 1024 * 1024)); then
		est=$((400 * 1024 * 1024 / (size + 1024)))
	fi
	echo "$est"
}

# point size routes N: every contestant that can do it, ROUNDS rounds
# interleaved, each round starting with the next contestant.
point() {
	local size=$1 r=$2 n=$3 c cs=() i k est
	declare -A counts

	for c in $CONTESTANTS; do
		case $c in
		mcfw) ;;
		ipmr | ip6mr) [ "$(routes_of "$c" "$r")" -le "$IPMR_MAX_ROUTES" ] || continue ;;
		mcfw6) ;;
		relay | floor | xlat | ucast | urelay) [ "$r" -eq 1 ] || continue ;;
		esac
		[ "$n" -le "${MAXN[$c]}" ] || continue
		cs+=("$c")
	done
	[ ${#cs[@]} -gt 0 ] || return 0
	log "== ${size}-byte frames, $r route(s), N=$n: ${cs[*]}"

	for c in "${cs[@]}"; do
		RR[$c]=$(routes_of "$c" "$r")
		"${c}_conf" "$n" "${RR[$c]}"
		pg_point "$c" "$size" "${RR[$c]}"
		# A warm-up (TCG translates new code paths on first use),
		# then a calibration run of about a quarter trial.
		trial "$c" "$size" "${RR[$c]}" "$n" cal "$CAL_COUNT" >/dev/null
		unset 'CSV[${#CSV[@]}-1]'
		est=$(count_for "$c" "$size" 1 "$((TRIAL_S * 250))")
		trial "$c" "$size" "${RR[$c]}" "$n" cal "$est" >/dev/null
		unset 'CSV[${#CSV[@]}-1]'
		est=$(count_for "$c" "$size" "${RR[$c]}" "$((TRIAL_S * 1000))")
		counts[$c]=$est
	done
	for ((i = 0; i < ROUNDS; i++)); do
		for ((k = 0; k < ${#cs[@]}; k++)); do
			c=${cs[$(((i + k) % ${#cs[@]}))]}
			trial "$c" "$size" "${RR[$c]}" "$n" $((i + 1)) "${counts[$c]}"
		done
	done
	for c in "${cs[@]}"; do
		"${c}_unconf"
	done
}

# perf_report DATA [OPTION...]: the symbols by their own share of the samples, then by
# the share of samples they are on the stack of (what they and their
# callees cost).
perf_report() {	# DATA [perf report options]
	local mode data=$1
	shift
	for mode in --no-children --children; do
		echo "-- ${mode#--}:"
		perf report -i "$data" --stdio "$mode" --sort sym -g none \
			--percent-limit "$PERF_LIMIT" "$@" 2>/dev/null |
			sed -e '/^#/d' -e '/^$/d' -e 's/^ *//' | head -n "$PERF_LINES"
	done
}

# profile contestant N: where the time goes (64-byte frames,
# BENCH_PERF_ROUTES routes, 1 unless set), by
# cpu-clock sampling (no PMU under TCG) with call stacks. mcfw, ipmr and
# the floor do all their work on CPU 0, pktgen's, during about one trial;
# the relay's own work (receive from its socket, send, and the sinks'
# receive of what it sends) is on CPU 1, sampled while it drains a
# trial's packets queued by pktgen.
profile() {
	local c=$1 n=$2 count data=$RUN/perf-$1.data rpid rout=$RUN/relay.out r
	command -v perf >/dev/null || { log "(no perf: profile skipped)"; return 0; }
	r=$(routes_of "$c" "$PERF_ROUTES")
	case $c in
	relay | floor | xlat | ucast | urelay) r=1 ;;
	esac
	"${c}_conf" "$n" "$r" >/dev/null
	pg_point "$c" 64 "$r"
	trial "$c" 64 "$r" "$n" cal "$CAL_COUNT" >/dev/null
	unset 'CSV[${#CSV[@]}-1]'
	count=$(count_for "$c" 64 "$r" "$((TRIAL_S * 1000))")
	pg "$c" "count $count"
	if [ "$c" = relay ]; then
		log "== profile: relay, N=$n, 64-byte frames, draining $count packets (cpu-clock, CPU 1)"
		relay_start "$n" "$count" "$rout"
		rpid=$RELAY_PID
		nsenter --net=/run/netns/b-relay sh -c "echo start >$PG/pgctrl"
		perf record -q -e cpu-clock -C 1 -g -o "$data" -- \
			sh -c "kill -USR1 $rpid; i=0; while kill -0 $rpid 2>/dev/null &&
				[ \$i -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done" \
			>/dev/null 2>&1 || log "(perf record failed)"
		# A relay that got nothing never stops by itself: 30 s at most.
		kill "$rpid" 2>/dev/null
		wait "$rpid"
		log "   $(grep '^relay:' "$rout" || echo "relay: no result")"
	else
		log "== profile: $c, N=$n, 64-byte frames, $r route(s), $count packets (cpu-clock, CPU 0)"
		perf record -q -e cpu-clock -C 0 -g -o "$data" -- \
			nsenter --net="/run/netns/b-$c" sh -c "echo start >$PG/pgctrl" \
			>/dev/null 2>&1 || log "(perf record failed)"
	fi
	perf_report "$data"
	"${c}_unconf"
}

# ---------------------------------------------------------------------
# Control plane: how long loading, reloading, dumping and flushing many
# routes takes, mcfw (mcfwctl restore / save / route show / route flush,
# and the old loader bench/mcfw-routes) against ipmr (bench/ipmr-routes,
# one MRT_ADD_MFC a route; ip mroute show; /proc/net/ip_mr_cache;
# MRT_FLUSH). Its own namespaces: b-lmcfw and b-lipmr, each with veths
# in, o0, o1, o2 (peers in b-lsink). Routes: (SRC, 239.1.0.0 + i) from
# "in" to o0 and o1; the "change" file gives every LOAD_EVERY-th route
# o0 and o2 instead.

LOAD_NS=(b-lmcfw b-lipmr b-lsink)
LOAD_GROUP0=239.1.0.0
LCSV=()
MCSV=()
LSMC_PID=

load_cleanup() {
	local ns
	if [ -n "$LSMC_PID" ]; then
		kill "$LSMC_PID" 2>/dev/null
		wait "$LSMC_PID" 2>/dev/null
		LSMC_PID=
	fi
	for ns in "${LOAD_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}

load_setup() {
	local c d i conf=$RUN/lsmcroute.conf t0=$SECONDS vifs=0

	for c in "${LOAD_NS[@]}"; do
		ns_new "$c"
	done
	for c in mcfw ipmr; do
		i=0
		for d in in o0 o1 o2; do
			ip link add "$d" netns "b-l$c" type veth peer name "${c:0:1}-$d" \
				netns b-lsink || die "veth $d in b-l$c"
			ip -n b-lsink link set "${c:0:1}-$d" up
			ip -n "b-l$c" link set "$d" up
			if [ "$d" = in ]; then
				ip -n "b-l$c" addr add 10.0.0.1/24 dev in
			else
				ip -n "b-l$c" addr add "10.1.$i.1/24" dev "$d"
				i=$((i + 1))
			fi
		done
	done
	# ipmr: smcrouted keeps the VIFs (no routes of its own); the routes
	# are added by bench/ipmr-routes (static MFC entries).
	printf 'phyint %s enable\n' in o0 o1 o2 >"$conf"
	ip netns exec b-lipmr smcrouted -n -N -f "$conf" -i mcfw-bench-load \
		-u "$RUN/lsmcroute.sock" -P "$RUN/lsmcroute.pid" -l err \
		>"$RUN/lsmcroute.log" 2>&1 &
	LSMC_PID=$!
	while ((SECONDS - t0 < 60)); do
		vifs=$(($(in_ns b-lipmr cat /proc/net/ip_mr_vif | wc -l) - 1))
		[ "$vifs" -ge 4 ] && break
		kill -0 "$LSMC_PID" 2>/dev/null || break
		sleep 0.2
	done
	[ "$vifs" -eq 4 ] || die "smcrouted set up $vifs of 4 VIFs: $(cat "$RUN/lsmcroute.log")"
}

# load_gen N: $RUN/load-N.conf (N routes to o0 o1, as "mcfwctl save"
# prints them) and $RUN/load-N-change.conf (every LOAD_EVERY-th to o0 o2).
load_gen() {
	awk -v n="$1" -v src="$SRC" -v every="$LOAD_EVERY" \
		-v f="$RUN/load-$1.conf" -v c="$RUN/load-$1-change.conf" 'BEGIN {
		base = 239 * 16777216 + 1 * 65536
		for (i = 0; i < n; i++) {
			g = base + i
			l = sprintf("route add %d.%d.%d.%d source %s iif in oif ",
				int(g / 16777216) % 256, int(g / 65536) % 256,
				int(g / 256) % 256, g % 256, src)
			print l "o0 o1 nojoin" > f
			print l (i % every ? "o0 o1" : "o0 o2") " nojoin" > c
		}
	}' || die "generating $1 routes"
}

# ltime OUT CMD...: runs CMD, its output to OUT and its errors to
# $RUN/l.err; sets T_REAL, T_USER and T_SYS (seconds elapsed, and the CPU
# time of CMD and its children in user space and in the kernel); returns
# CMD's status.
ltime() {
	local out=$1 rc TIMEFORMAT='%3R %3U %3S'
	shift
	{ time "$@" >"$out" 2>"$RUN/l.err"; } 2>"$RUN/l.time"
	rc=$?
	read -r T_REAL T_USER T_SYS <"$RUN/l.time"
	return "$rc"
}

# lrecord SYSTEM OP N ROUND VALID WHY: one measurement (the last ltime).
lrecord() {
	local why=${6//,/;}
	LCSV+=("$KERNEL,$1,$2,$3,$4,$T_REAL,$T_USER,$T_SYS,$5,$why")
	printf '  %-4s %-9s R=%-6s round %s %8.3f s (user %.3f sys %.3f) %9.0f routes/s %s\n' \
		"$1" "$2" "$3" "$4" "$T_REAL" "$T_USER" "$T_SYS" \
		"$(awk -v n="$3" -v t="$T_REAL" 'BEGIN { print (t > 0 ? n / t : 0) }')" \
		"$( [ "$5" = 1 ] && echo ok || echo "INVALID: $6")"
}

lerr() { tr '\n' ' ' <"$RUN/l.err" | head -c 300; }

# jnum KEY: the number KEY has in the JSON object on standard input.
jnum() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

lmcfw() { in_ns b-lmcfw "$MCFWCTL" "$@"; }
mcfw_routes_now() { lmcfw -j info | jnum routes; }
ipmr_routes_now() { echo $(($(in_ns b-lipmr cat /proc/net/ip_mr_cache | wc -l) - 1)); }

# mem_snap SYSTEM N STATE: /proc/meminfo figures (KiB) into MCSV.
mem_snap() {
	local k v avail=0 free=0 slab=0 sunr=0 pcpu=0
	sleep 1		# RCU-deferred frees
	while read -r k v _; do
		case $k in
		MemAvailable:) avail=$v ;;
		MemFree:) free=$v ;;
		Slab:) slab=$v ;;
		SUnreclaim:) sunr=$v ;;
		Percpu:) pcpu=$v ;;
		esac
	done </proc/meminfo
	MCSV+=("$KERNEL,$1,$2,$3,$avail,$free,$slab,$sunr,$pcpu")
	log "  mem $1 R=$2 $3: MemAvailable $avail KiB, MemFree $free, Slab $slab (unreclaimable $sunr), Percpu $pcpu"
}

# mcfw_restore OP N ROUND FILE ADDED REPLACED REMOVED UNCHANGED
mcfw_restore() {
	local op=$1 n=$2 round=$3 file=$4 valid=1 why="" got want now
	want="{\"added\":$5,\"replaced\":$6,\"removed\":$7,\"unchanged\":$8}"
	if ! ltime "$RUN/l.out" lmcfw -j restore "$file"; then
		valid=0 why="restore failed: $(lerr)"
	else
		got=$(tr -d ' \n' <"$RUN/l.out")
		now=$(mcfw_routes_now)
		if [ "$got" != "$want" ]; then
			valid=0 why="restore reported $got, expected $want"
		elif [ "$now" != "$n" ]; then
			valid=0 why="the table has $now routes, expected $n"
		fi
	fi
	lrecord mcfw "$op" "$n" "$round" "$valid" "$why"
}

load_mcfw_round() {	# N ROUND
	local n=$1 round=$2 conf=$RUN/load-$1.conf chg=$RUN/load-$1-change.conf
	local ch=$((($1 + LOAD_EVERY - 1) / LOAD_EVERY)) valid why a b c joins

	lmcfw -o all route flush >/dev/null || die "mcfwctl route flush"
	[ "$round" = 1 ] && mem_snap mcfw "$n" empty
	mcfw_restore restore "$n" "$round" "$conf" "$n" 0 0 0
	joins=$(lmcfw -j info | jnum joins)
	[ "$joins" = 0 ] || log "  mcfw: $joins memberships held (nojoin not honoured?)"
	[ "$round" = 1 ] && mem_snap mcfw "$n" loaded
	mcfw_restore rerestore "$n" "$round" "$conf" 0 0 0 "$n"
	mcfw_restore change "$n" "$round" "$chg" 0 "$ch" 0 $((n - ch))

	# Full dumps, each checked: every route exactly once.
	valid=1 why=
	if ! ltime "$RUN/l.dump" lmcfw -j route show; then
		valid=0 why="route show failed: $(lerr)"
	elif command -v jq >/dev/null; then
		# A command substitution, not < <(...): bash reaps a process
		# substitution later, and its CPU time would then be counted
		# in the next ltime (save's "user" time).
		read -r a b <<<"$(jq -r '[length, (map("\(.group) \(.source) \(.iif)") |
			unique | length)] | @tsv' "$RUN/l.dump")"
		[ "$a" = "$n" ] && [ "$b" = "$n" ] ||
			valid=0 why="route show gave $a routes, $b distinct, expected $n"
	else
		a=$(grep -o '"group":' "$RUN/l.dump" | wc -l)
		[ "$a" = "$n" ] || valid=0 why="route show gave $a routes, expected $n"
	fi
	lrecord mcfw dump "$n" "$round" "$valid" "$why"
	valid=1 why=
	if ! ltime "$RUN/l.dump" lmcfw save; then
		valid=0 why="save failed: $(lerr)"
	else
		a=$(wc -l <"$RUN/l.dump")
		b=$(sort -u "$RUN/l.dump" | wc -l)
		c=$(mcfw_routes_now)
		[ "$a" = "$n" ] && [ "$b" = "$n" ] && [ "$c" = "$n" ] ||
			valid=0 why="save gave $a lines, $b distinct; info says $c routes; expected $n"
		if [ "$round" = 1 ]; then
			if cmp -s "$RUN/l.dump" "$chg"; then
				log "  mcfw: save prints the restored file byte for byte"
			else
				log "  mcfw: save differs from the restored file: $(diff "$chg" "$RUN/l.dump" | head -n 4 | tr '\n' ' ')"
			fi
		fi
	fi
	lrecord mcfw save "$n" "$round" "$valid" "$why"

	valid=1 why=
	if ! ltime "$RUN/l.out" lmcfw route flush; then
		valid=0 why="flush failed: $(lerr)"
	else
		a=$(mcfw_routes_now)
		[ "$a" = 0 ] || valid=0 why="$a routes left"
	fi
	lrecord mcfw flush "$n" "$round" "$valid" "$why"
	[ "$round" = 1 ] && mem_snap mcfw "$n" flushed

	# The old loader (hundreds of MCFW_CMD_ROUTE_NEW a send).
	valid=1 why=
	if ! ltime "$RUN/l.out" in_ns b-lmcfw "$MCFW_ROUTES" -i in -o "o[0-1]" \
		-g "$LOAD_GROUP0" -c "$n" -s "$SRC"; then
		valid=0 why="mcfw-routes failed: $(lerr)"
	else
		a=$(mcfw_routes_now)
		[ "$a" = "$n" ] || valid=0 why="the table has $a routes, expected $n"
		if [ "$round" = 1 ] && ! lmcfw save | cmp -s - "$conf"; then
			valid=0 why="mcfw-routes' routes differ from the file's"
		fi
	fi
	lrecord mcfw loader "$n" "$round" "$valid" "$why"
	lmcfw route flush >/dev/null || die "mcfwctl route flush"
}

load_ipmr_round() {	# N ROUND
	local n=$1 round=$2 valid why a b

	in_ns b-lipmr "$IPMR_ROUTES" flush || die "ipmr-routes flush"
	[ "$round" = 1 ] && mem_snap ipmr "$n" empty
	valid=1 why=
	if ! ltime "$RUN/l.out" in_ns b-lipmr "$IPMR_ROUTES" add -i in -o "o[0-1]" \
		-g "$LOAD_GROUP0" -c "$n" -s "$SRC"; then
		valid=0 why="ipmr-routes failed: $(lerr)"
	else
		a=$(ipmr_routes_now)
		[ "$a" = "$n" ] || valid=0 why="ipmr has $a routes, expected $n"
	fi
	lrecord ipmr add "$n" "$round" "$valid" "$why"
	[ "$round" = 1 ] && mem_snap ipmr "$n" loaded

	valid=1 why=
	if ! ltime "$RUN/l.dump" in_ns b-lipmr ip mroute show; then
		valid=0 why="ip mroute show failed: $(lerr)"
	else
		a=$(wc -l <"$RUN/l.dump")
		b=$(sort -u "$RUN/l.dump" | wc -l)
		[ "$a" = "$n" ] && [ "$b" = "$n" ] ||
			valid=0 why="ip mroute show gave $a lines, $b distinct, expected $n"
	fi
	lrecord ipmr dump "$n" "$round" "$valid" "$why"
	valid=1 why=
	if ! ltime "$RUN/l.dump" in_ns b-lipmr cat /proc/net/ip_mr_cache; then
		valid=0 why="reading /proc/net/ip_mr_cache failed: $(lerr)"
	else
		a=$(($(wc -l <"$RUN/l.dump") - 1))
		[ "$a" = "$n" ] || valid=0 why="/proc/net/ip_mr_cache has $a routes, expected $n"
	fi
	lrecord ipmr proc "$n" "$round" "$valid" "$why"

	valid=1 why=
	if ! ltime "$RUN/l.out" in_ns b-lipmr "$IPMR_ROUTES" flush; then
		valid=0 why="ipmr-routes flush failed: $(lerr)"
	else
		a=$(ipmr_routes_now)
		[ "$a" = 0 ] || valid=0 why="$a routes left"
	fi
	lrecord ipmr flush "$n" "$round" "$valid" "$why"
	[ "$round" = 1 ] && mem_snap ipmr "$n" flushed
}

# load_profile N: perf (cpu-clock, every CPU, call stacks) over each
# operation at N routes, then strace -c over the mcfw ones: where the
# time goes, in mcfwctl and in the kernel.
load_profile() {
	local n=$1 conf=$RUN/load-$1.conf chg=$RUN/load-$1-change.conf op data
	local -a cmd

	command -v perf >/dev/null || { log "(no perf: control-plane profile skipped)"; return 0; }
	lmcfw -o all route flush >/dev/null
	in_ns b-lipmr "$IPMR_ROUTES" flush
	for op in restore rerestore change dump save flush loader ipmr-add ipmr-dump ipmr-flush; do
		case $op in
		restore | rerestore) cmd=(b-lmcfw "$MCFWCTL" restore "$conf") ;;
		change) cmd=(b-lmcfw "$MCFWCTL" restore "$chg") ;;
		dump) cmd=(b-lmcfw "$MCFWCTL" -j route show) ;;
		save) cmd=(b-lmcfw "$MCFWCTL" save) ;;
		flush) cmd=(b-lmcfw "$MCFWCTL" route flush) ;;
		loader) cmd=(b-lmcfw "$MCFW_ROUTES" -i in -o "o[0-1]" -g "$LOAD_GROUP0" -c "$n" -s "$SRC") ;;
		ipmr-add) cmd=(b-lipmr "$IPMR_ROUTES" add -i in -o "o[0-1]" -g "$LOAD_GROUP0" -c "$n" -s "$SRC") ;;
		ipmr-dump) cmd=(b-lipmr ip mroute show) ;;
		ipmr-flush) cmd=(b-lipmr "$IPMR_ROUTES" flush) ;;
		esac
		data=$RUN/perf-load-$op.data
		log "== profile: $op, $n routes: ${cmd[*]:1} (cpu-clock, all CPUs)"
		ltime "$RUN/l.out" perf record -q -N -F "$LOAD_PERF_HZ" -e cpu-clock -a -g \
			-o "$data" -- nsenter --net="/run/netns/${cmd[0]}" "${cmd[@]:1}" ||
			log "(perf record or the command failed: $(lerr))"
		log "   $T_REAL s elapsed under perf (user $T_USER s, sys $T_SYS s, perf's own included)"
		echo "-- by command and object (all samples, idle included):"
		perf report -i "$data" --stdio --no-children --sort comm,dso -g none \
			--percent-limit "$PERF_LIMIT" 2>/dev/null |
			sed -e '/^#/d' -e '/^$/d' -e 's/^ *//' | head -n "$PERF_LINES"
		perf_report "$data" "--comms=$(basename "${cmd[1]}")"
		rm -f "$data"
	done
	lmcfw route flush >/dev/null
	in_ns b-lipmr "$IPMR_ROUTES" flush
	command -v strace >/dev/null || { log "(no strace: syscall counts skipped)"; return 0; }
	for op in restore dump loader; do
		case $op in
		restore) cmd=(b-lmcfw "$MCFWCTL" restore "$conf") ;;
		dump) cmd=(b-lmcfw "$MCFWCTL" -j route show) ;;
		loader) lmcfw route flush >/dev/null
			cmd=(b-lmcfw "$MCFW_ROUTES" -i in -o "o[0-1]" -g "$LOAD_GROUP0" -c "$n" -s "$SRC") ;;
		esac
		log "== syscalls: $op, $n routes (strace -c; times are inflated by strace)"
		nsenter --net="/run/netns/${cmd[0]}" strace -f -c -o "$RUN/strace.out" \
			"${cmd[@]:1}" >/dev/null 2>&1 || log "(strace or the command failed)"
		head -n 14 "$RUN/strace.out"
	done
	lmcfw route flush >/dev/null
}

load_phase() {
	local n round t0=$SECONDS max=0
	log "== control plane: routes $LOAD_ROUTES, $LOAD_ROUNDS rounds, (S,G) routes with 2 outputs, every ${LOAD_EVERY}th changed"
	load_setup
	for n in $LOAD_ROUTES; do
		load_gen "$n"
		[ "$n" -gt "$max" ] && max=$n
	done
	log "  free (MiB: total used free shared buff/cache available) before: $(free -m | sed -n 's/^Mem: *//p')"
	# Warm-up (TCG translates new code on first use): not recorded.
	load_gen 1000
	if ! { lmcfw restore "$RUN/load-1000.conf" && lmcfw save >/dev/null &&
		lmcfw -j route show >/dev/null && lmcfw route flush; }; then
		die "control-plane warm-up failed: mcfwctl restore/save/route show/flush"
	fi
	if ! { in_ns b-lipmr "$IPMR_ROUTES" add -i in -o "o[0-1]" -g "$LOAD_GROUP0" \
		-c 1000 -s "$SRC" >/dev/null && in_ns b-lipmr ip mroute show >/dev/null &&
		in_ns b-lipmr "$IPMR_ROUTES" flush; }; then
		die "control-plane warm-up failed: ipmr-routes"
	fi
	for n in $LOAD_ROUTES; do
		log "== control plane: $n routes"
		for ((round = 1; round <= LOAD_ROUNDS; round++)); do
			if ((round % 2)); then
				load_mcfw_round "$n" "$round"
				load_ipmr_round "$n" "$round"
			else
				load_ipmr_round "$n" "$round"
				load_mcfw_round "$n" "$round"
			fi
		done
		if [ "$n" = "$max" ]; then
			lmcfw restore "$RUN/load-$n.conf" || die "mcfwctl restore"
			log "  free with $n mcfw routes (MiB): $(free -m | sed -n 's/^Mem: *//p')"
			lmcfw route flush
		fi
	done
	log "  free after (MiB): $(free -m | sed -n 's/^Mem: *//p')"
	[ "$LOAD_PERF" != 0 ] && [ "$max" -gt 0 ] && load_profile "$max"
	load_cleanup
	log "control plane: $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------
# The good citizen's cost (BENCH_ONLY=citizen): mcfw alone, 64-byte
# frames, one route, in one boot, interleaved round-robin:
#   nofw  copies bypass FORWARD and POST_ROUTING (firewall=0: as before)
#   fw    they traverse them, no rule loaded (the default)
#   fw10  they traverse a 10-rule forward chain (9 that do not match,
#         then an accept with a counter)
# and the RPF-failure path: an (*,G) route of another input, packets from
# one source (src1) or from 65,536 random ones (spoof): no copies, every
# packet counted as rpf_fail; its cost must not grow with the sources.

citizen_variant() {	# nofw | fw | fw10 | src1 | spoof
	case $1 in
	nofw) echo N >/sys/module/mcfw/parameters/firewall ;;
	*) echo Y >/sys/module/mcfw/parameters/firewall ;;
	esac
	in_ns b-mcfw nft delete table inet bench 2>/dev/null
	if [ "$1" = fw10 ]; then
		in_ns b-mcfw nft -f - <<-EOF || die "nft forward chain"
			table inet bench {
				chain forward {
					type filter hook forward priority filter; policy accept;
					ip daddr 10.9.9.1 drop
					ip daddr 10.9.9.2 drop
					ip saddr 10.9.9.3 drop
					ip saddr 10.9.9.4 drop
					udp dport 7 drop
					udp dport 13 drop
					oifname "nosuch0" drop
					oifname "nosuch1" drop
					meta mark 0x42 drop
					ip daddr 225.0.0.0/8 counter accept
				}
			}
		EOF
	fi
	case $1 in
	spoof)
		pg mcfw "src_max 10.0.255.255"
		pg mcfw "flag IPSRC_RND"
		;;
	*)
		pg mcfw "flag !IPSRC_RND"
		pg mcfw "src_max $SRC"
		;;
	esac
}

# citizen_point N VARIANT...: every variant at N outputs, ROUNDS rounds
citizen_point() {
	local n=$1 v i k est
	shift
	local vs=("$@")
	declare -A counts

	pg_point mcfw 64 1
	for v in "${vs[@]}"; do
		citizen_variant "$v"
		trial mcfw 64 1 "$n" cal "$CAL_COUNT" >/dev/null
		unset 'CSV[${#CSV[@]}-1]'
		est=$(count_for mcfw 64 1 "$((TRIAL_S * 1000))")
		counts[$v]=$est
	done
	for ((i = 0; i < ROUNDS; i++)); do
		for ((k = 0; k < ${#vs[@]}; k++)); do
			v=${vs[$(((i + k) % ${#vs[@]}))]}
			citizen_variant "$v"
			trial mcfw 64 1 "$n" $((i + 1)) "${counts[$v]}"
			CSV[${#CSV[@]}-1]=${CSV[${#CSV[@]}-1]/,mcfw,/,mcfw-$v,}
		done
	done
	citizen_variant fw
}

citizen_phase() {
	local n rpf v

	CONTESTANTS=mcfw
	OUTPUTS=16
	setup_topology
	pg_setup mcfw
	# Some namespace of the machine has a firewall (b-src's here), so the
	# kernel's FORWARD and POST_ROUTING static keys stay on: a variant
	# adding or removing b-mcfw's chain never patches code, which the
	# emulator would charge the next trial for (retranslation).
	in_ns b-src nft -f - <<-EOF || die "nft in b-src"
		table inet hold {
			chain forward {
				type filter hook forward priority filter; policy accept;
			}
			chain postrouting {
				type filter hook postrouting priority filter; policy accept;
			}
		}
	EOF
	for n in 1 16; do
		log "== citizen: 64-byte frames, 1 route, N=$n: nofw fw fw10"
		mcfw_conf "$n" 1
		citizen_point "$n" nofw fw fw10
		mcfw_unconf
	done
	# Debian's kernels register AppArmor's postrouting hook in every
	# namespace: copies always meet one hook there, as ipmr's do.
	log "  hooks of b-mcfw: $(in_ns b-mcfw nft list hooks ip 2>&1 | tr -s '\n\t ' ' ' | head -c 300)"
	# Where a copy's time goes with and without the hooks (N=16).
	if [ "$PERF" != 0 ] && command -v perf >/dev/null; then
		mcfw_conf 16 1 >/dev/null
		pg_point mcfw 64 1
		for v in nofw fw; do
			citizen_variant "$v"
			trial mcfw 64 1 16 cal "$CAL_COUNT" >/dev/null
			unset 'CSV[${#CSV[@]}-1]'
			pg mcfw "count $(count_for mcfw 64 1 "$((TRIAL_S * 1000))")"
			log "== profile: citizen $v, N=16, 64-byte frames (cpu-clock, CPU 0)"
			perf record -q -e cpu-clock -C 0 -g -o "$RUN/perf-$v.data" -- \
				nsenter --net=/run/netns/b-mcfw sh -c "echo start >$PG/pgctrl" \
				>/dev/null 2>&1 || log "(perf record failed)"
			perf_report "$RUN/perf-$v.data"
		done
		citizen_variant fw
		mcfw_unconf
	fi
	log "== citizen: RPF failures, (*,G) of another input: src1 spoof"
	in_ns b-mcfw "$MCFWCTL" route add "$GROUP0" iif o0 oif o1 nojoin ||
		die "the RPF route"
	citizen_point 0 src1 spoof
	rpf=$(in_ns b-mcfw "$MCFWCTL" -j -s route show | jnum rpf_fail)
	log "  rpf_fail counted: $rpf"
	mcfw_unconf
	echo "==== BENCH CITIZEN BEGIN ===="
	printf '%s\n' "${CSV[@]}" | awk -F, '
		$12 == 1 { v[$4 " " $5] = v[$4 " " $5] " " $11 }
		function median(s,   a, n, i, j, t) {
			n = split(s, a, " ")
			for (i = 1; i <= n; i++)
				for (j = i + 1; j <= n; j++)
					if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		END {
			print "N  variant      median ns/packet  ratio to nofw (or src1)"
			for (k in v) m[k] = median(v[k])
			for (n = 0; n <= 16; n++)
				for (k in m) {
					split(k, p, " ")
					if (p[1] != n) continue
					base = (p[2] ~ /spoof|src1/) ? m[n " mcfw-src1"] : m[n " mcfw-nofw"]
					printf "%-2s %-12s %8.1f          %.3f\n", n, p[2], m[k], m[k] / base
				}
		}' | sort -k1,1n -k2,2
	echo "==== BENCH CITIZEN END ===="
}

# ---------------------------------------------------------------------

mkdir -p "$RUN"
KERNEL=$(uname -r)
for m in pktgen mcfw sch_ingress cls_matchall cls_u32 act_gact act_mirred; do
	modprobe "$m" || die "modprobe $m"
done
for c in $CONTESTANTS; do
	case $c in
	mcfw | ipmr | relay | floor | xlat | ucast | urelay | mcfw6 | ip6mr) ;;
	*) die "unknown contestant $c" ;;
	esac
done
case $ONLY in
"" | load | forward | citizen) ;;
*) die "BENCH_ONLY=$ONLY: use load, forward or citizen" ;;
esac
[[ -z $HOT || $HOT =~ ^[1-9][0-9]*$ ]] || die "BENCH_HOT=$HOT: a number of groups"
case $LOAD_CHANGE in
1 | 2 | 4 | 5 | 10 | 20 | 25 | 50 | 100) ;;
*) die "BENCH_LOAD_CHANGE=$LOAD_CHANGE: use a divisor of 100" ;;
esac
# 6.1 has one backlog limit for all namespaces: raise it here. UDP memory
# is global too: the relay's socket holds a whole trial.
sysctl -qw net.core.netdev_max_backlog=10000 \
	net.ipv4.udp_mem="1000000 1000000 1000000" || die "sysctl"

log "mcfw benchmark: kernel $KERNEL, mcfw $(cat /sys/module/mcfw/version 2>/dev/null), $(nproc) CPUs"
if [ "$ONLY" != load ]; then
	log "rounds $ROUNDS, sizes $SIZES, N $OUTPUTS, routes 1 $ROUTES (N=$ROUTES_N, ${ROUTES_SIZE}B), trials ~${TRIAL_S}s, contestants $CONTESTANTS${HOT:+, traffic to the first $HOT groups only (BENCH_HOT)}"
fi
t_start=$SECONDS
if [ "$ONLY" = citizen ]; then
	citizen_phase
	exit 0
fi
if [ "$ONLY" != forward ]; then
	load_phase
fi
if [ "$ONLY" != load ]; then
	t_start=$SECONDS
	setup_topology
	for c in $CONTESTANTS; do
		pg_setup "$c"
	done
	log "topology: $((SECONDS - t_start)) s"

	for size in $SIZES; do
		for n in $OUTPUTS; do
			point "$size" 1 "$n"
		done
	done
	for r in $ROUTES; do
		point "$ROUTES_SIZE" "$r" "$ROUTES_N"
	done
	log "benchmark: $((SECONDS - t_start)) s"
	if [ "$PERF" != 0 ]; then
		for c in $CONTESTANTS; do
			profile "$c" "$PERF_N"
		done
	fi

	echo "==== BENCH CSV BEGIN ===="
	echo "kernel,size,routes,n,contestant,round,count,ns,pps_in,copies_per_s,ns_per_pkt,valid,reason"
	printf '%s\n' "${CSV[@]}"
	echo "==== BENCH CSV END ===="
fi
if [ "$ONLY" != forward ]; then
	echo "==== BENCH LOAD CSV BEGIN ===="
	echo "kernel,system,op,routes,round,real_s,user_s,sys_s,valid,reason"
	printf '%s\n' "${LCSV[@]}"
	echo "==== BENCH LOAD CSV END ===="
	echo "==== BENCH MEM CSV BEGIN ===="
	echo "kernel,system,routes,state,memavailable_kib,memfree_kib,slab_kib,sunreclaim_kib,percpu_kib"
	printf '%s\n' "${MCSV[@]}"
	echo "==== BENCH MEM CSV END ===="
fi
