#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench (which first builds mcfw for BENCH_KERNEL, 6.12 unless set,
# mcfwctl and the benchmark's helpers): runs bench/bench.sh in one VM boot
# and turns what it prints into results/:
#   bench.log         everything the VM printed
#   bench-trials.csv  every trial (valid or not)
#   bench.csv         medians per point and contestant
#   bench.txt         the table and the ratios (also printed)
#   bench.png         copies per second against N, one line per contestant
#   bench-chart.txt   the same as text (for the README)
# and of the control-plane phase (loading, dumping, flushing routes):
#   bench-load-trials.csv  every measurement (valid or not)
#   bench-load-mem.csv     /proc/meminfo before, with and after the routes
#   bench-load.csv         medians per operation and route count
#   bench-load.txt         the table (also printed)
# A phase that did not run (BENCH_ONLY=load or forward) leaves its files
# as they were.
#
# Every BENCH_* variable of the environment is passed to bench.sh (see
# there: BENCH_QUICK=1, BENCH_ROUNDS, BENCH_SIZES, ...). The guest boots
# without the harness's memory debugging (slub_debug, page poisoning,
# init_on_free), which would weigh on every allocation measured.
set -euo pipefail
cd "$(dirname "$0")/.."

kernel=${BENCH_KERNEL:-6.12}
abi=$(selftests/vm/vm.sh abi "$kernel")
for f in "build/$abi/mcfw.ko" tools/mcfwctl/mcfwctl bench/mcfw-routes bench/relay bench/ipmr-routes; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "bench: $f is missing: run 'make bench'" >&2; exit 1; }
done

args=()
for v in $(compgen -e); do
	case $v in
	BENCH_KERNEL) ;;
	BENCH_*) args+=("$v=${!v}") ;;
	esac
done
timeout=3600
[ -n "${BENCH_QUICK:-}" ] && [ "${BENCH_QUICK}" != 0 ] && timeout=1200
# The control-plane phase: ~15 min at the default counts.
case ${BENCH_ONLY:-} in
load) timeout=1800 ;;
forward) ;;
citizen) timeout=1800 ;;
*) timeout=$((timeout + 1800)) ;;
esac

# block NAME: the lines between "==== BENCH NAME BEGIN" and "... END" of
# the log, without them.
block() {
	sed -n "/^==== BENCH $1 BEGIN/,/^==== BENCH $1 END/p" results/bench.log |
		sed '1d;$d' | tr -d '\r'
}

mkdir -p results
rc=0
MCFW_VM_APPEND="${MCFW_VM_APPEND:-} slub_debug=- page_poison=0 init_on_free=0" \
	selftests/vm/vm.sh run --ko "build/$abi/mcfw.ko" --timeout "$timeout" \
	"$kernel" -- bench/bench.sh "${args[@]}" |
	tee results/bench.log | sed -u '/^==== BENCH [A-Z ]*CSV BEGIN/,/^==== BENCH [A-Z ]*CSV END/d' ||
	rc=$?
forward=$(block CSV)
load=$(block "LOAD CSV")
citizen=$(block CITIZEN)
if [ -n "$citizen" ]; then
	echo "$citizen" >results/bench-citizen.txt
	echo
	cat results/bench-citizen.txt
	echo
	echo "bench: results/bench-citizen.txt"
	exit "$rc"
fi
if [ "$(wc -l <<<"$forward")" -lt 2 ] && [ "$(wc -l <<<"$load")" -lt 2 ]; then
	echo "bench: no results (the VM exited with status $rc); see results/bench.log" >&2
	exit 1
fi
files=()
if [ "$(wc -l <<<"$forward")" -ge 2 ]; then
	echo "$forward" >results/bench-trials.csv
	echo
	python3 bench/report.py results/bench-trials.csv results
	sizes=$(sed -n 's/^# kernel [^;]*; sizes //p' results/bench-plot.dat)
	# The plot is of the IPv4 contestants: none, no plot (and none of
	# an earlier run's left to pass for this one's).
	grep -q '^[0-9]' results/bench-plot.dat || sizes=
	[ -n "$sizes" ] || rm -f results/bench.png results/bench-chart.txt
	[ -z "$sizes" ] || gnuplot -e "dat='results/bench-plot.dat'; out='results/bench.png'; sizes='$sizes'; kernel='$abi'" \
		bench/plot.gp
	[ -z "$sizes" ] || gnuplot -e "dat='results/bench-plot.dat'; out='results/bench-chart.txt'; sizes='$sizes'; kernel='$abi'; term='dumb'" \
		bench/plot.gp
	files+=(results/bench.txt results/bench.csv results/bench-trials.csv)
	[ -z "$sizes" ] || files+=(results/bench.png results/bench-chart.txt)
fi
if [ "$(wc -l <<<"$load")" -ge 2 ]; then
	echo "$load" >results/bench-load-trials.csv
	block "MEM CSV" >results/bench-load-mem.csv
	echo
	python3 bench/report.py --load results/bench-load-trials.csv \
		results/bench-load-mem.csv results
	files+=(results/bench-load.txt results/bench-load.csv
		results/bench-load-trials.csv results/bench-load-mem.csv)
fi
echo
echo "bench: ${files[*]}"
[ "$rc" -eq 0 ] || echo "bench: the VM exited with status $rc; see results/bench.log" >&2
exit "$rc"
