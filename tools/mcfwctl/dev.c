// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - network device names and indexes.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcfwctl.h"

struct dev_entry {
	__u32 ifindex;
	char name[IF_NAMESIZE];	/* or "if<N>": at most 13 bytes */
};

/* Sorted by ifindex: a dump may name the same devices many times. */
static struct dev_entry *dev_cache;
static size_t dev_cache_len, dev_cache_size;

int dev_index(const char *name, __u32 *ifindex)
{
	unsigned int idx = 0;

	errno = ENODEV;
	if (strlen(name) < IF_NAMESIZE)
		idx = if_nametoindex(name);
	if (!idx) {
		if (errno == ENODEV)
			errmsg("cannot find device \"%s\"", name);
		else
			errmsg("cannot find device \"%s\": %s", name,
			       strerror(errno));
		return -1;
	}
	*ifindex = idx;
	return 0;
}

static void dev_lookup(__u32 ifindex, char *name)
{
	if (!if_indextoname(ifindex, name))
		snprintf(name, IF_NAMESIZE, "if%u", ifindex);
}

const char *dev_name(__u32 ifindex)
{
	static struct dev_entry spare;
	struct dev_entry *e;
	size_t lo = 0, hi = dev_cache_len, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (dev_cache[mid].ifindex == ifindex)
			return dev_cache[mid].name;
		if (dev_cache[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}

	if (dev_cache_len == dev_cache_size) {
		size_t size = dev_cache_size ? 2 * dev_cache_size : 16;

		e = realloc(dev_cache, size * sizeof(*e));
		if (!e) {
			/* Not cached, but still right. */
			dev_lookup(ifindex, spare.name);
			return spare.name;
		}
		dev_cache = e;
		dev_cache_size = size;
	}
	e = &dev_cache[lo];
	memmove(e + 1, e, (dev_cache_len - lo) * sizeof(*e));
	dev_cache_len++;
	e->ifindex = ifindex;
	dev_lookup(ifindex, e->name);
	return e->name;
}

void dev_cache_flush(void)
{
	dev_cache_len = 0;
}
