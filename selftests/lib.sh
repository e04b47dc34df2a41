#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for mcfw's shell selftests, in the kselftest manner: a test
# file lists its cases in ALL_TESTS; each case starts with RET=0, records
# the first failed check with check_err/check_fail, registers its cleanup
# with defer (run when the case ends, pass or fail) and reports one KTAP
# line with log_test. Exit status 4 means the whole file was skipped.

KSFT_SKIP=4
TOPDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH=$TOPDIR/tools/mcfwctl:$PATH
MCFWCTL=$TOPDIR/tools/mcfwctl/mcfwctl

RET=0
MSG=
ksft_n=0
ksft_failed=0
ksft_defer=()

# check_err STATUS MESSAGE: fail the case if STATUS is non-zero.
check_err()
{
	if [ "$1" -ne 0 ] && [ "$RET" -eq 0 ]; then
		RET=1
		MSG=$2
	fi
}

# check_fail STATUS MESSAGE: fail the case if STATUS is zero.
check_fail()
{
	if [ "$1" -eq 0 ] && [ "$RET" -eq 0 ]; then
		RET=1
		MSG=$2
	fi
}

# defer CMD [ARGS...]: run CMD when the current case ends, newest first.
defer()
{
	local cmd
	printf -v cmd '%q ' "$@"
	ksft_defer+=("$cmd")
}

defer_run()
{
	local i
	for ((i = ${#ksft_defer[@]} - 1; i >= 0; i--)); do
		eval "${ksft_defer[$i]}" >/dev/null 2>&1
	done
	ksft_defer=()
}

log_test()
{
	ksft_n=$((ksft_n + 1))
	if [ "$RET" -eq 0 ]; then
		echo "ok $ksft_n $1"
	else
		ksft_failed=$((ksft_failed + 1))
		echo "not ok $ksft_n $1"
		echo "# $MSG"
	fi
}

log_skip()
{
	ksft_n=$((ksft_n + 1))
	echo "ok $ksft_n $1 # SKIP $2"
}

# A test file may define cleanup(), run once at exit after the last case.
ksft_exit()
{
	defer_run
	if declare -F cleanup >/dev/null; then
		cleanup >/dev/null 2>&1
	fi
}

run_tests()
{
	local t cases=${MCFW_CASES:-$ALL_TESTS}

	trap ksft_exit EXIT
	echo "TAP version 13"
	echo "1..$(echo "$cases" | wc -w)"
	for t in $cases; do
		RET=0
		MSG=
		$t
		defer_run
	done
	[ "$ksft_failed" -eq 0 ]
}

# Unique names, so a test never collides with what another left behind.
ns_create()
{
	local ns=$1

	ip netns add "$ns" || return 1
	defer ip netns del "$ns"
	ip -n "$ns" link set lo up
}

# mcfw_load [PARAMS...]: load the module fresh, unloaded again at case end.
mcfw_load()
{
	modprobe -r mcfw 2>/dev/null
	modprobe mcfw "$@" || return 1
	defer modprobe -r mcfw
}

# run_cmd CMD...: run CMD, keep its stdout in OUT, stderr in ERR, status in RC.
run_cmd()
{
	local errf

	errf=$(mktemp)
	OUT=$("$@" 2>"$errf")
	RC=$?
	ERR=$(cat "$errf")
	rm -f "$errf"
	return 0
}

# The debug kernel (KASAN, lockdep: selftests/vm/debug-kernel.sh), on
# which everything takes many times longer: suites scale their loads.
is_debug_kernel()
{
	[[ $(uname -r) == *-mcfwdbg-* ]]
}

require_root()
{
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root"
		exit $KSFT_SKIP
	fi
}

# json FILTER [ARGS...]: apply a jq filter to the JSON on stdin, raw output.
json()
{
	jq -r "$@"
}
