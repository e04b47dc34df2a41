#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family fuzzed (selftests/genl_fuzz, seeded) in the router's
# namespace while multicast is forwarded through it and routes churn:
# every request is answered, the traffic keeps flowing, the module still
# agrees with itself afterwards and unloads; the harness fails the run
# on any kernel splat (KASAN, lockdep, ... on the debug kernel).
#
#                         +------------- rtr (mcfw) --------------+
#  src                    |   genl_fuzz   churn (mcfwctl loop)    |
#  s0 10.1.0.2/24 ------- r0                 r1 --- h1   r2 --- h2|
#                         |                  r3 --- h3            |
#                         +---------------------------------------+
#
# MCFW_FUZZ_SEED (default: one per kernel) and MCFW_FUZZ_SECONDS
# (default 20; 30 on the debug kernel) choose the run.

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	fuzz_under_traffic_and_churn
"

TOPO=fz
source "$(dirname "$0")/lib/topology.sh"

FUZZ=$TOPDIR/selftests/genl_fuzz
SECONDS_FUZZ=${MCFW_FUZZ_SECONDS:-$(is_debug_kernel && echo 30 || echo 20)}
# A fixed seed per kernel: the same requests on every run of a kernel,
# different ones between kernels.
SEED=${MCFW_FUZZ_SEED:-$(uname -r | cksum | cut -d' ' -f1)}

churn()
{
	local i=0

	while [ ! -e "$1" ]; do
		i=$((i + 1))
		# The traffic's route comes back whatever the fuzzer did to it.
		rtr route replace 239.1.1.1 iif r0 oif r1 r2 owner traffic
		if ((i % 2)); then
			rtr route replace 239.1.1.1 iif r0 oif r1 r2 r3 owner traffic
		fi
		rtr route add 239.2.0.$((i % 50 + 1)) iif r0 oif r3 owner churn
		rtr route del 239.2.0.$(((i + 25) % 50 + 1)) iif r0
		rtr -o churn route zero >/dev/null
	done >/dev/null 2>&1
}

fuzz_under_traffic_and_churn()
{
	local stop out routes dumped h1 sent

	case_start
	stop=$(mktemp -u)
	out=$(mktemp)
	defer rm -f "$out" "$stop"
	rtr route add 239.1.1.1 iif r0 oif r1 r2 owner traffic
	check_err $? "traffic route add failed"
	recv_bg "$H1" h1 239.1.1.1 -T $((SECONDS_FUZZ + 30)) ||
		check_err 1 "receiver did not start"

	churn "$stop" &
	defer touch "$stop"
	send "$SRC" s0 239.1.1.1 -n 100000000 -r 500 -T "$SECONDS_FUZZ" &
	sent=$!

	ip netns exec "$RTR" "$FUZZ" -s "$SEED" -T "$SECONDS_FUZZ" \
		-i r0 -i r1 -i r2 -i r3 -i lo >"$out" 2>&1
	check_err $? "the fuzzer failed: $(tail -n 5 "$out")"
	sed 's/^/# /' "$out"
	grep -q '^fuzz: seed .* sent [1-9]' "$out"
	check_err $? "the fuzzer sent nothing"

	touch "$stop"
	wait "$sent"
	recv_wait
	h1=$(recv_field 0 received)
	echo "# h1 received ${h1:-nothing} datagrams while the fuzzer ran"
	[ "${h1:-0}" -gt 0 ]
	check_err $? "no traffic got through while the fuzzer ran"
	[ "$(recv_field 0 bad)" = 0 ]
	check_err $? "damaged datagrams at h1: $(cat "${RECV_FILES[0]}")"

	# The module agrees with itself: info's count is what a dump sends.
	routes=$(route_count)
	dumped=$(rtr -j route show | json length)
	[ -n "$routes" ] && [ "$routes" = "$dumped" ]
	check_err $? "info says ${routes:-?} routes, a dump sends ${dumped:-?}"
	# And it still forwards (once the boundaries the fuzzer set, which
	# belong to interface names and outlive the routes, are gone).
	for d in $(rtr -j iface show | json '.[] | select(.boundary != []) | .dev'); do
		rtr iface set "$d" boundary none
		check_err $? "could not remove $d's boundary"
	done
	rtr -o all route flush >/dev/null
	rtr route add 239.1.1.2 iif r0 oif r1
	recv_bg "$H1" h1 239.1.1.2 && send "$SRC" s0 239.1.1.2 -n 50
	recv_wait
	expect_recv 1 50 "h1 after the fuzzer"
	log_test "fuzz: seed $SEED for ${SECONDS_FUZZ}s under traffic and route churn"
}

require_root
if ! setup; then
	echo "not ok 1 fuzz: topology could not be set up"
	exit 1
fi
run_tests
