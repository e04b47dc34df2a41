#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (from Debian's linux-source-6.1) over every C file
# and header of the module, the uapi header, the tool and the C selftests.
set -euo pipefail
cd "$(dirname "$0")/.."

ksrc=$(selftests/lib/ksrc.sh)
mapfile -t files < <(git ls-files -co --exclude-standard \
	'kmod/*.[ch]' 'include/*.h' 'tools/*.[ch]' 'selftests/*.c' | sort -u)

# --no-tree: we are out of tree; the script's data files sit beside it.
perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--file "${files[@]}"
echo "style: ${#files[@]} files clean"
