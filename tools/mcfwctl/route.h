/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - a multicast route as the kernel reports it, its output in
 * text, JSON and as a command (route show, save, monitor), and the route
 * commands as lines of a batch.
 */
#ifndef MCFWCTL_ROUTE_H
#define MCFWCTL_ROUTE_H

#include <stdbool.h>
#include <net/if.h>
#include <netinet/in.h>

#include "addr.h"
#include "json.h"
#include "nl.h"

struct mroute_oif {
	char dev[IF_NAMESIZE];
	__u32 ifindex;		/* 0 while absent */
	bool waiting;		/* absent */
	__u8 ttl;		/* threshold */
	bool has_group;		/* copies carry @group, not the route's */
	struct ipaddr group;
	__u16 port;		/* UDP destination port of copies, or 0 */
	bool unicast;		/* a unicast output to @addr: no @dev */
	struct ipaddr addr;
	__u64 packets;
	__u64 bytes;
	__u64 drops;
};

/* An output as a command gives it (route add, relay add). */
struct route_oif_arg {
	const char *dev;
	__u8 ttl;		/* 0: not given */
	bool has_group;		/* translated: copies carry @group */
	struct ipaddr group;
	__u16 port;		/* 0: not given */
	bool unicast;		/* "unicast ADDR[:PORT]": no @dev */
	struct ipaddr addr;
};

/* Room for the attributes of one output in a request, at most. */
#define ROUTE_OIF_ROOM	60

/*
 * "DEV[:TTL][@GROUP[:PORT]]", and the "ADDR[:PORT]" after "unicast" (an
 * IPv6 address in brackets when a port follows: "DEV@[GROUP]:PORT"): the
 * word is cut in place. -1 to go on, or the exit status after a
 * diagnostic naming @what.
 */
int route_oif_parse(const char *what, char *word, struct route_oif_arg *oif);
int route_oif_parse_unicast(const char *what, char *word,
			    struct route_oif_arg *oif);
/*
 * The outputs in @argv[@first] up to @argv[@end]: words of the form
 * above, and "unicast" then ADDR[:PORT]. *@oifs gets an array (free()
 * it), of *@n. -1 to go on, or the exit status after a diagnostic.
 */
int route_oifs_parse(const char *what, char **argv, int first, int end,
		     struct route_oif_arg **oifs, unsigned int *n);
/*
 * "ADDR[:PORT]" at @s, in @word, as ipaddr_port_parse() reads it; a bad
 * address is an invalid @kind ("group in output") of @word, which is
 * written as @form says. -1 to go on, or the exit status after a
 * diagnostic.
 */
int route_parse_addr_port(const char *what, const char *kind,
			  const char *form, const char *word, const char *s,
			  struct ipaddr *addr, __u16 *port);
/*
 * Refuse @a, which @kind names ("source"), unless it is of the family of
 * @group. -1 to go on, or the exit status after a diagnostic.
 */
int route_same_family(const char *what, const char *kind,
		      const struct ipaddr *a, const struct ipaddr *group);
/* The same for the groups and addresses of @n outputs. */
int route_oifs_same_family(const char *what, const struct route_oif_arg *o,
			   unsigned int n, const struct ipaddr *group);
/* MCFW_A_OIFS of @n outputs: 0, -1 (no room) or -2 (after a diagnostic). */
int route_oifs_put(struct nl_msg *msg, const struct route_oif_arg *o,
		   unsigned int n, const char *what);
/* One output of a reply; 0, or -1 after a diagnostic. */
int mroute_parse_oif(struct nlattr *a, struct mroute_oif *oif,
		     const char *what);
/* An output as a command gives it, for a route or relay of @group. */
void mroute_print_oif(const struct ipaddr *group, const struct mroute_oif *oif);

struct mroute {
	struct ipaddr group;
	struct ipaddr source;	/* of @group's family */
	bool any_source;	/* (*, G): no MCFW_A_SOURCE */
	char iif[IF_NAMESIZE];
	bool waiting;		/* the input is absent */
	char owner[MCFW_OWNER_MAX + 1];
	bool nojoin;
	bool snat;		/* multicast copies from their output's address */
	__u64 rate_pkts;	/* rate limit, packets/s, or 0 */
	__u64 rate_bits;	/* rate limit, bits/s, or 0 */
	bool joined;
	bool has_lastuse;
	__u64 lastuse_ms;	/* since the last packet */
	__u8 event;		/* &enum mcfw_event, in announcements */
	__u64 packets;
	__u64 bytes;
	__u64 rpf_fail;
	__u64 ttl_drop;
	__u64 martian_drop;
	__u64 rate_drop;
	__u64 ra_drop;		/* options: Router Alert */
	__u64 srr_drop;		/* source routed */
	__u64 record_drop;	/* Record Route, Timestamp */
	__u64 badopt_drop;	/* malformed */
	__u64 boundary_drop;	/* the group is in the input's boundary */
	unsigned int n_oifs;
	struct mroute_oif *oifs;
};

/*
 * Fill @rt from a route message (@gnlh, whose attributes @tb holds);
 * @what names the operation in diagnostics. 0, or -1 after a diagnostic.
 * On success the caller frees @rt with mroute_free().
 */
int mroute_parse(const struct genlmsghdr *gnlh, struct nlattr **tb,
		 struct mroute *rt, const char *what);
void mroute_free(struct mroute *rt);

/*
 * One line "[EVENT ](S, G) iif DEV oif DEV[:TTL]... [owner NAME] [nojoin]
 * [rate RATE] [waiting DEV...]" and, with -s, the counters below it.
 */
void mroute_print(const struct mroute *rt, const char *event);

/* A JSON object, with "event" first if @event is not NULL. */
void mroute_json(struct json_writer *jw, const struct mroute *rt,
		 const char *event);

/* The same, with an event's time (or NULL) and kind of change (or NULL). */
void mroute_json_event(struct json_writer *jw, const struct mroute *rt,
		       const char *time, const char *event, const char *change);

/* The route as the command that adds it ("route add ..."), a line. */
void mroute_print_command(const struct mroute *rt);

/* Routes collected from a dump. */
struct route_list {
	const char *what;
	struct mroute *routes;
	size_t n;
	size_t size;
};

/*
 * Dump the routes of @owner (NULL: every owner) into @l, sorted by
 * group (IPv4 first), source (any first) and input, with their counters
 * if @stats.
 * 0, or -1 after a diagnostic.
 */
int route_list_get(struct mcfw_nl *nl, const char *owner, bool stats,
		   struct route_list *l);
void route_list_free(struct route_list *l);

/*
 * Add to @bulk the requests of one line of a batch: "route COMMAND
 * ARGS", argv[0] being "route". @restore_owner, if not NULL, is the
 * owner a restore replaces: lines may not name another, and routes that
 * name none get it. Routes whose interfaces do not exist are reported
 * (they will wait). Returns 0, or the exit status after a diagnostic.
 */
int route_batch_line(struct mcfw_nl *nl, int argc, char **argv,
		     const char *restore_owner, struct mcfw_nl_bulk *bulk);

#endif /* MCFWCTL_ROUTE_H */
