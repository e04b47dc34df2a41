/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - a multicast route as the kernel reports it, and its output in
 * text and JSON (route show, route add -j, monitor).
 */
#ifndef MCFWCTL_ROUTE_H
#define MCFWCTL_ROUTE_H

#include <stdbool.h>
#include <netinet/in.h>

#include "json.h"
#include "nl.h"

struct mroute_oif {
	__u32 ifindex;
	__u8 ttl;		/* threshold */
	__u64 packets;
	__u64 bytes;
	__u64 drops;
};

struct mroute {
	struct in_addr group;
	struct in_addr source;
	bool any_source;	/* (*, G): no MCFW_A_SOURCE */
	__u32 iif;
	__u64 packets;
	__u64 bytes;
	__u64 rpf_fail;
	__u64 ttl_drop;
	unsigned int n_oifs;
	struct mroute_oif *oifs;
};

/*
 * Fill @rt from the attributes of a route message; @what names the
 * operation in diagnostics. 0, or -1 after a diagnostic. On success the
 * caller frees @rt with mroute_free().
 */
int mroute_parse(struct nlattr **tb, struct mroute *rt, const char *what);
void mroute_free(struct mroute *rt);

/*
 * One line "[EVENT ](S, G) iif DEV oif DEV[:TTL]..." and, with -s, the
 * counters below it.
 */
void mroute_print(const struct mroute *rt, const char *event);

/* A JSON object, with "event" first if @event is not NULL. */
void mroute_json(struct json_writer *jw, const struct mroute *rt,
		 const char *event);

#endif /* MCFWCTL_ROUTE_H */
