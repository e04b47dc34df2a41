#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every mcfw selftest, in the VM (selftests/vm/vm.sh run ... --
# selftests/run_tests.sh). Each program prints its own KTAP; a program that
# fails without a "not ok" line gets one here, so nothing fails silently.
# On a kernel with kmemleak (the debug kernel) the run ends with a scan
# after mcfw's unload (kmemleak.sh). Exit status: non-zero if any program
# failed.
cd "$(dirname "$0")" || exit 1

tests=(${MCFW_TESTS:-module.sh mcfwctl.sh genl_test forwarding.sh forwarding6.sh gateway.sh config.sh nic.sh unit.sh ynl.sh limits.sh packets.sh fuzz.sh faults.sh scale.sh})
rc=0

# timed FILE: copy a program's output to stdout and FILE, with the
# seconds each case took (the first: with the program's setup) on a
# line before its result line, which its diagnostics follow.
timed()
{
	local l tc=$SECONDS

	while IFS= read -r l || [ -n "$l" ]; do
		if [[ $l =~ ^(not\ )?ok\ [0-9]+ ]]; then
			echo "# $((SECONDS - tc)) s:"
			tc=$SECONDS
		fi
		printf '%s\n' "$l"
		printf '%s\n' "$l" >>"$1"
	done
}

echo "# kernel $(uname -r)"
./kmemleak.sh clear
for t in "${tests[@]}"; do
	echo "# === $t"
	out=$(mktemp)
	t0=$SECONDS
	./"$t" 2>&1 | timed "$out"
	st=${PIPESTATUS[0]}
	echo "# --- $t: $((SECONDS - t0)) s"
	if [ "$st" -ne 0 ] && [ "$st" -ne 4 ]; then
		rc=1
		grep -qE '^not ok ' "$out" ||
			echo "not ok 1 $t exited with status $st"
	fi
	rm -f "$out"
done
# On a kernel with kmemleak: unload mcfw and fail on its leaks.
./kmemleak.sh check || rc=1
exit $rc
