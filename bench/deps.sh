#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian packages the benchmark needs besides those of
# selftests/deps.sh: smcroute (the ipmr contestant's daemon), gnuplot-nox
# (the chart), python3 (the summary) and linux-perf (the profiles). Does
# nothing when all are there.
set -euo pipefail

pkgs=(smcroute gnuplot-nox python3 linux-perf)
need=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
	echo "bench deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${need[@]}"
fi
