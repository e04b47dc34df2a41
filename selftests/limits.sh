#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Limits and permissions: the route_max cap as mcfwctl meets it, the
# memory of routes charged to the memory cgroup of the process that adds
# them, and who may change routes: not root of a user namespace by
# default, root of a user namespace in its own network namespace with
# userns_admin=1 (and then still not anywhere else).
#
#   init netns: mcfw-l-<pid> netns (d0..d2)     cgroup mcfw-l-<pid>
#   uid 65534: unshare -Urn (its own user and network namespaces)

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	route_max_refuses_a_restore
	routes_charged_to_their_memcg
	userns_admin_off_by_default
	userns_admin_on
"

NS=mcfw-l-$$
CG=/sys/fs/cgroup/mcfw-l-$$
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# make_conf FILE N: N routes, 239.10.X.Y iif d0 oif d1 d2.
make_conf()
{
	local i

	for ((i = 0; i < $2; i++)); do
		echo "route add 239.10.$((i / 250)).$((i % 250 + 1)) iif d0 oif d1 d2"
	done >"$1"
}

setup()
{
	mcfw_load "$@"
	ns_create "$NS"
	ip -n "$NS" link add d0 up type dummy &&
		ip -n "$NS" link add d1 up type dummy &&
		ip -n "$NS" link add d2 up type dummy
}

route_max_set()
{
	local old

	old=$(cat /sys/module/mcfw/parameters/route_max)
	defer sh -c "echo $old >/sys/module/mcfw/parameters/route_max"
	echo "$1" >/sys/module/mcfw/parameters/route_max
}

route_max_refuses_a_restore()
{
	local conf

	setup
	conf=$(mktemp)
	defer rm -f "$conf"
	[ "$(cat /sys/module/mcfw/parameters/route_max)" = 1000000 ]
	check_err $? "default route_max is not 1000000"
	route_max_set 100

	make_conf "$conf" 150
	run_cmd mcfwctl -n "$NS" restore "$conf"
	[ "$RC" -ne 0 ]
	check_err $? "a restore of 150 routes with route_max 100 succeeded"
	grep -q 'route_max' <<<"$ERR"
	check_err $? "the refusal does not name route_max: $ERR"
	[ "$(mcfwctl -n "$NS" -j info | json .routes)" = 0 ]
	check_err $? "a refused restore left routes behind"

	make_conf "$conf" 100
	run_cmd mcfwctl -n "$NS" restore "$conf"
	check_err "$RC" "a restore of 100 routes with route_max 100 failed: $ERR"
	run_cmd mcfwctl -n "$NS" route add 239.11.0.1 iif d0 oif d1
	[ "$RC" -ne 0 ] && grep -q 'route_max' <<<"$ERR"
	check_err $? "route 101 was not refused by route_max: $RC $ERR"
	log_test "limits: route_max (default 1000000) refuses a restore whole, and route 101"
}

# memory.stat's kernel memory of a cgroup: slab and per-CPU, in bytes.
cg_kmem()
{
	awk '$1 == "slab_unreclaimable" || $1 == "percpu" { s += $2 }
	     END { print s + 0 }' "$CG/memory.stat"
}

routes_charged_to_their_memcg()
{
	local conf before after freed n=4000

	if ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		log_skip "limits: routes charged to the memcg of who adds them" \
			"no cgroup v2 memory controller"
		return
	fi
	setup
	conf=$(mktemp)
	defer rm -f "$conf"
	make_conf "$conf" "$n"
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir "$CG"
	defer rmdir "$CG"
	before=$(cg_kmem)

	# The restore runs in the cgroup; its memory is gone when it exits,
	# what it made the kernel allocate is not.
	sh -c "echo \$\$ >$CG/cgroup.procs && exec mcfwctl -n $NS restore $conf"
	check_err $? "restore in the cgroup failed"
	after=$(cg_kmem)
	echo "# $n routes: the cgroup's slab and per-CPU memory grew by $((after - before)) bytes"
	# Each route is a route, an entry, an output array and counters for
	# itself and two outputs: far more than 256 bytes.
	[ $((after - before)) -ge $((n * 256)) ]
	check_err $? "$n routes charged $((after - before)) bytes to their cgroup"

	# Flushed from outside the cgroup, they are uncharged from it.
	mcfwctl -n "$NS" route flush >/dev/null
	sleep 2
	freed=$(( after - $(cg_kmem) ))
	echo "# flushed: $freed bytes uncharged"
	[ "$freed" -ge $((n * 128)) ]
	check_err $? "flushing $n routes uncharged only $freed bytes"
	log_test "limits: routes are charged to the memory cgroup of who adds them"
}

# nobody_in_userns CMD...: CMD as root of a new user and network namespace
# of uid 65534, with dummy devices d0, d1 there.
nobody_in_userns()
{
	"${NOBODY[@]}" unshare -Urn sh -c '
		ip link add d0 up type dummy && ip link add d1 up type dummy &&
		exec "$@"' sh "$@"
}

userns_admin_off_by_default()
{
	setup
	[ "$(cat /sys/module/mcfw/parameters/userns_admin)" = N ]
	check_err $? "userns_admin is not off by default"
	run_cmd nobody_in_userns "$MCFWCTL" route add 239.1.1.1 iif d0 oif d1
	[ "$RC" -ne 0 ] && grep -q 'Operation not permitted' <<<"$ERR"
	check_err $? "root of a user namespace added a route: $RC $ERR"
	run_cmd nobody_in_userns "$MCFWCTL" route show
	check_err "$RC" "root of a user namespace cannot read routes: $ERR"
	log_test "permissions: root of a user namespace reads, but cannot add routes, by default"
}

userns_admin_on()
{
	setup userns_admin=1
	route_max_set 2

	# In its own network namespace: add, see, and meet route_max.
	run_cmd nobody_in_userns sh -c "
		$MCFWCTL route add 239.1.1.1 iif d0 oif d1 &&
		$MCFWCTL route add 239.1.1.2 iif d0 oif d1 &&
		$MCFWCTL route show &&
		! $MCFWCTL route add 239.1.1.3 iif d0 oif d1"
	check_err "$RC" "root of a user namespace with userns_admin=1: $OUT $ERR"
	[ "$(grep -c '^(\*, 239.1.1.[12]) iif d0 oif d1$' <<<"$OUT")" = 2 ]
	check_err $? "its routes: $OUT"
	grep -q 'route_max' <<<"$ERR"
	check_err $? "route_max did not refuse its third route: $ERR"

	# Anywhere else, no: the initial network namespace is not its own.
	run_cmd "${NOBODY[@]}" unshare -Ur "$MCFWCTL" route flush
	[ "$RC" -ne 0 ] && grep -q 'Operation not permitted' <<<"$ERR"
	check_err $? "root of a user namespace flushed the initial namespace: $RC $ERR"
	log_test "permissions: userns_admin=1 lets root of a user namespace manage its own, not others'"
}

require_root
if ! "${NOBODY[@]}" unshare -Urn true 2>/dev/null; then
	echo "1..0 # SKIP unprivileged users cannot create user namespaces here"
	exit $KSFT_SKIP
fi
run_tests
