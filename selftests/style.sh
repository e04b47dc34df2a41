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
# LINUX_VERSION_CODE: an out-of-tree module names the oldest kernel it
# builds for (kmod/main.c, once); nothing else may test the version.
perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore LINUX_VERSION_CODE --file "${files[@]}"
if grep -n LINUX_VERSION_CODE "${files[@]}" |
	grep -v '^kmod/main\.c:.*KERNEL_VERSION(6, 1, 0)'; then
	echo "style: LINUX_VERSION_CODE beyond the oldest kernel's check in kmod/main.c" >&2
	exit 1
fi
echo "style: ${#files[@]} files clean"
