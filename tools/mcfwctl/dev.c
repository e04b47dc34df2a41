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

/* The namespace's device names, sorted, read once by dev_exists(). */
static char (*dev_names)[IF_NAMESIZE];
static size_t dev_names_len;
static bool dev_names_read;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void dev_names_load(void)
{
	struct if_nameindex *ni, *p;
	size_t n = 0;

	dev_names_read = true;
	ni = if_nameindex();
	if (!ni)
		return;
	for (p = ni; p->if_index; p++)
		n++;
	dev_names = calloc(n ? n : 1, sizeof(*dev_names));
	if (dev_names) {
		for (p = ni; p->if_index; p++)
			snprintf(dev_names[dev_names_len++], IF_NAMESIZE, "%s",
				 p->if_name);
		qsort(dev_names, dev_names_len, sizeof(*dev_names), name_cmp);
	}
	if_freenameindex(ni);
}

bool dev_exists(const char *name)
{
	if (!dev_names_read)
		dev_names_load();
	if (strlen(name) >= IF_NAMESIZE)
		return false;
	if (!dev_names)
		return if_nametoindex(name) != 0;
	/* Called for every word of a file: the name itself is the key. */
	return bsearch(name, dev_names, dev_names_len, sizeof(*dev_names),
		       name_cmp) != NULL;
}

void dev_exists_flush(void)
{
	free(dev_names);
	dev_names = NULL;
	dev_names_len = 0;
	dev_names_read = false;
}
