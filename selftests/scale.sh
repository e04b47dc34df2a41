#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: 100,000 routes of two outputs each restored as one transaction,
# restored again unchanged, dumped (each exactly once) and flushed, with
# the times printed. make check runs it in a guest without the harness's
# memory debugging, as the benchmark runs. Times are reported, not judged:
# the benchmark (make bench) compares them with ipmr. A bound far above the targets
# (MCFW_SCALE_LIMIT seconds, default 180) only catches a hang or a
# quadratic regression.
#
#   mc-s-<pid> netns: d0 (input), d1 d2 (outputs), dummies

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	restore_100k
	dump_100k_each_once
	restore_100k_again_unchanged
	restore_100k_joining
	flush_100k
"

NS=mc-s-$$
N=${MCFW_SCALE_ROUTES:-100000}
LIMIT=${MCFW_SCALE_LIMIT:-180}
TMPD=$(mktemp -d)

cleanup()
{
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMPD"
	modprobe -r mcfw
}

# timed VAR CMD...: run CMD, its wall time in seconds in VAR, status in RC.
timed()
{
	local var=$1 t0 t1

	shift
	t0=$(date +%s.%N)
	"$@"
	RC=$?
	t1=$(date +%s.%N)
	printf -v "$var" '%s' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
}

# routes FILE [FLAGS]: N routes, consecutive groups from 239.100.0.0.
routes()
{
	awk -v n="$N" -v flags="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "route add 239.%d.%d.%d iif d0 oif d1 d2%s\n",
				100 + int(i / 65536), int(i / 256) % 256, i % 256, flags
	}' >"$1"
}

m()
{
	mcfwctl -n "$NS" "$@"
}

within_limit()
{
	awk -v t="$1" -v l="$LIMIT" 'BEGIN { exit !(t < l) }'
	check_err $? "$2 took $1 s, beyond the $LIMIT s guard"
}

restore_100k()
{
	local t

	timed t m restore "$TMPD/nojoin"
	check_err "$RC" "restore of $N routes failed"
	[ "$(m -j info | json .routes)" = "$N" ]
	check_err $? "routes after restore: $(m info)"
	within_limit "$t" restore
	echo "# restore of $N routes (2 outputs, nojoin): $t s"
	log_test "scale: $N routes restored as one transaction ($t s)"
}

dump_100k_each_once()
{
	local t u

	timed t eval 'm save >"$TMPD/saved"'
	check_err "$RC" "save failed"
	within_limit "$t" dump
	[ "$(wc -l <"$TMPD/saved")" = "$N" ] &&
		[ "$(sort -u "$TMPD/saved" | wc -l)" = "$N" ]
	check_err $? "the dump has $(wc -l <"$TMPD/saved") lines, $(sort -u "$TMPD/saved" | wc -l) distinct, of $N"
	cmp -s "$TMPD/saved" "$TMPD/nojoin"
	check_err $? "the dump is not the restored file"
	timed u eval 'm -j route show >"$TMPD/json"'
	[ "$(jq length "$TMPD/json")" = "$N" ]
	check_err $? "JSON dump: $(jq length "$TMPD/json") routes"
	echo "# dump of $N routes: save $t s, -j route show $u s"
	log_test "scale: a dump of $N routes returns each once ($t s)"
}

restore_100k_again_unchanged()
{
	local t

	timed t eval 'm -j restore "$TMPD/nojoin" >"$TMPD/res"'
	check_err "$RC" "second restore failed"
	[ "$(jq -c '[.added, .replaced, .removed, .unchanged]' "$TMPD/res")" = "[0,0,0,$N]" ]
	check_err $? "second restore did: $(cat "$TMPD/res")"
	within_limit "$t" "second restore"
	echo "# restore of the same $N routes (nothing changes): $t s"
	log_test "scale: restoring the same $N routes changes nothing ($t s)"
}

restore_100k_joining()
{
	local t max

	max=$(cat /sys/module/mcfw/parameters/join_max)
	m route flush
	timed t m restore "$TMPD/join"
	check_err "$RC" "restore of $N joining routes failed"
	[ "$(m -j info | json .joins)" = "$max" ]
	check_err $? "joins: $(m -j info | json .joins), join_max $max"
	within_limit "$t" "restore with joins"
	echo "# restore of $N routes that join (join_max $max): $t s"
	log_test "scale: $N routes that join restored; join_max memberships held ($t s)"
}

flush_100k()
{
	local t

	timed t m route flush
	check_err "$RC" "flush failed"
	[ "$(m -j info | json -c '[.routes, .interfaces, .joins]')" = "[0,0,0]" ]
	check_err $? "after flush: $(m info)"
	within_limit "$t" flush
	echo "# flush of $N routes: $t s"
	log_test "scale: $N routes flushed ($t s)"
}

require_root
modprobe mcfw || exit 1
ip netns add "$NS" && ip -n "$NS" link set lo up &&
	for d in d0 d1 d2; do
		ip -n "$NS" link add "$d" up type dummy || exit 1
	done
routes "$TMPD/nojoin" " nojoin"
routes "$TMPD/join" ""
run_tests
