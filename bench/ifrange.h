/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expands one output item of the benchmark helpers' command lines: a
 * device name ("o7") or a range of them ("o[1-16]" is o1 ... o16).
 */
#ifndef _MCFW_BENCH_IFRANGE_H
#define _MCFW_BENCH_IFRANGE_H

#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* Calls @each with every device name @item stands for. */
static inline void ifrange_each(const char *item,
				void (*each)(const char *name, void *arg),
				void *arg)
{
	char name[IF_NAMESIZE + 16], prefix[IF_NAMESIZE];
	const char *br = strchr(item, '[');
	unsigned int a = 0, b = 0, i;

	if (!br || sscanf(br, "[%u-%u]", &a, &b) != 2 || a > b ||
	    (size_t)(br - item) >= sizeof(prefix)) {
		each(item, arg);
		return;
	}
	memcpy(prefix, item, br - item);
	prefix[br - item] = 0;
	for (i = a; i <= b; i++) {
		snprintf(name, sizeof(name), "%s%u", prefix, i);
		each(name, arg);
	}
}

#endif /* _MCFW_BENCH_IFRANGE_H */
