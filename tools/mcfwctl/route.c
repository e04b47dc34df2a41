// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl route - multicast routes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"
#include "route.h"

static int route_help(int argc, char **argv);
static int route_add(int argc, char **argv);
static int route_replace(int argc, char **argv);
static int route_del(int argc, char **argv);
static int route_show(int argc, char **argv);
static int route_flush(int argc, char **argv);
static int route_zero(int argc, char **argv);

/*
 * Keep the order: an abbreviation picks the first command it fits.
 * Entries without a description are aliases, left out of the help.
 */
static const struct mcfwctl_cmd route_cmds[] = {
	{ "add", route_add, "add a route", false },
	{ "replace", route_replace, "replace a route (or add it)", false },
	{ "del", route_del, "delete a route", false },
	{ "delete", route_del, NULL, false },
	{ "show", route_show, "list routes (the default)", false },
	{ "list", route_show, NULL, false },
	{ "ls", route_show, NULL, false },
	{ "flush", route_flush, "remove the routes of an owner (-o, default static)", false },
	{ "zero", route_zero, "zero the counters of routes", false },
	{ "help", route_help, "show this help", false },
};

static void route_usage(void)
{
	size_t i;

	printf("Usage: " PROG_NAME " [OPTIONS] route { add | replace } GROUP\n"
	       "                 [source SRC] iif DEV oif OUTPUT [OUTPUT...]\n"
	       "                 [owner NAME] [nojoin] [rate RATE] [snat]\n"
	       "       " PROG_NAME " [OPTIONS] route { del | delete } GROUP\n"
	       "                 [source SRC] [iif DEV]\n"
	       "       " PROG_NAME " [OPTIONS] route [{ show | list | ls } [GROUP]\n"
	       "                 [source SRC] [iif DEV] [owner NAME]]\n"
	       "       " PROG_NAME " [OPTIONS] route flush [owner NAME]\n"
	       "       " PROG_NAME " [OPTIONS] route zero [GROUP...] [source SRC] [iif DEV]\n"
	       "       " PROG_NAME " route help\n"
	       "\n"
	       "OUTPUT := DEV[:TTL][@GROUP[:PORT]] | unicast ADDR[:PORT]\n"
	       "RATE := NUMBER{pps|kpps|mpps|bit|kbit|mbit|gbit}\n"
	       "An IPv6 GROUP or ADDR is written in brackets when a port follows it:\n"
	       "DEV@[GROUP]:PORT, unicast [ADDR]:PORT.\n"
	       "\n"
	       "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(route_cmds); i++)
		if (route_cmds[i].description)
			printf("  %-10s %s\n", route_cmds[i].name,
			       route_cmds[i].description);
	printf("\n"
	       "Arguments (keywords in any order after GROUP):\n"
	       "  GROUP       IPv4 or IPv6 multicast group, for example 239.1.1.1 or\n"
	       "              ff3e::8000:1 (IPv6: of scope 3 or more); SRC and the\n"
	       "              outputs' groups and addresses are of its family\n"
	       "  source SRC  only packets from SRC; without it the route is (*, GROUP)\n"
	       "              and takes packets from any source\n"
	       "  iif DEV     the input interface (del: without it, on every input)\n"
	       "  oif ...     the outputs: every word up to the next keyword\n"
	       "  DEV:TTL     output DEV with TTL (IPv6: hop limit) threshold TTL,\n"
	       "              1-255 (default 1): a packet is copied to DEV only if\n"
	       "              its TTL is greater\n"
	       "  DEV@GROUP:PORT  a copy out of DEV sent to GROUP instead (and, for\n"
	       "              UDP, to port PORT, 1-65535); one DEV may carry several\n"
	       "              copies that differ in GROUP or PORT\n"
	       "  unicast ADDR:PORT  a copy to the unicast address ADDR (UDP port\n"
	       "              PORT), routed by the routing table, from the address\n"
	       "              it chooses\n"
	       "  owner NAME  who installed the route (default: -o, else static);\n"
	       "              flush and show: only routes of NAME (all: every owner)\n"
	       "  nojoin      do not join GROUP on the input interface\n"
	       "  snat        multicast copies leave with their output's address\n"
	       "              as their source\n"
	       "  rate RATE   forward at most RATE (packets or bits per second,\n"
	       "              a burst of 10 ms at the rate); the excess is rate_drop\n");
}

static int route_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	route_usage();
	return EXIT_OK;
}

/* Routes as the kernel reports them. */

static struct nla_policy oif_policy[MCFW_OIF_A_MAX + 1] = {
	[MCFW_OIF_A_IFINDEX]	= { .type = NLA_U32 },
	[MCFW_OIF_A_TTL]	= { .type = NLA_U8 },
	[MCFW_OIF_A_STATS]	= { .type = NLA_NESTED },
	[MCFW_OIF_A_IFNAME]	= { .type = NLA_STRING },
	[MCFW_OIF_A_WAITING]	= { .type = NLA_FLAG },
	[MCFW_OIF_A_GROUP]	= { .type = NLA_U32 },
	[MCFW_OIF_A_PORT]	= { .type = NLA_U16 },
	[MCFW_OIF_A_UNICAST]	= { .type = NLA_U32 },
	[MCFW_OIF_A_GROUP6]	= MCFW_NL_POLICY_IN6,
	[MCFW_OIF_A_UNICAST6]	= MCFW_NL_POLICY_IN6,
};

static int bad_reply(const char *what, const char *why)
{
	errmsg("%s: malformed reply from the kernel (%s)", what, why);
	return -1;
}

int mroute_parse_oif(struct nlattr *a, struct mroute_oif *oif,
		     const char *what)
{
	struct nlattr *tb[MCFW_OIF_A_MAX + 1];
	__u64 c[MCFW_STATS_A_MAX + 1];

	if (nla_parse_nested(tb, MCFW_OIF_A_MAX, a, oif_policy) < 0)
		return bad_reply(what, "bad output interface");
	oif->unicast = !mcfw_nl_get_addr(tb[MCFW_OIF_A_UNICAST],
					 tb[MCFW_OIF_A_UNICAST6], &oif->addr);
	if (oif->unicast)
		oif->dev[0] = '\0';
	else if (tb[MCFW_OIF_A_IFNAME])
		str_copy(oif->dev, sizeof(oif->dev),
			 nla_get_string(tb[MCFW_OIF_A_IFNAME]));
	else if (tb[MCFW_OIF_A_IFINDEX])	/* an older module */
		str_copy(oif->dev, sizeof(oif->dev),
			 dev_name(nla_get_u32(tb[MCFW_OIF_A_IFINDEX])));
	else
		return bad_reply(what, "output interface without a name");
	oif->ifindex = tb[MCFW_OIF_A_IFINDEX] ?
		       nla_get_u32(tb[MCFW_OIF_A_IFINDEX]) : 0;
	oif->waiting = tb[MCFW_OIF_A_WAITING];
	oif->ttl = tb[MCFW_OIF_A_TTL] ? nla_get_u8(tb[MCFW_OIF_A_TTL]) : 1;
	oif->has_group = !mcfw_nl_get_addr(tb[MCFW_OIF_A_GROUP],
					   tb[MCFW_OIF_A_GROUP6], &oif->group);
	oif->port = tb[MCFW_OIF_A_PORT] ?
		    ntohs(nla_get_u16(tb[MCFW_OIF_A_PORT])) : 0;
	if (!tb[MCFW_OIF_A_STATS])
		return 0;
	if (mcfw_nl_stats(tb[MCFW_OIF_A_STATS], c) < 0)
		return bad_reply(what, "bad output counters");
	oif->packets = c[MCFW_STATS_A_PACKETS];
	oif->bytes = c[MCFW_STATS_A_BYTES];
	oif->drops = c[MCFW_STATS_A_DROPS];
	return 0;
}

/* Every MCFW_A_OIFS nest of the message: a big route has several. */
static int mroute_parse_oifs(const struct genlmsghdr *gnlh, struct mroute *rt,
			     const char *what)
{
	struct nlattr *head = genlmsg_attrdata(gnlh, 0);
	int len = genlmsg_attrlen(gnlh, 0);
	struct nlattr *nest, *a;
	unsigned int n = 0;
	int rem, rem2;

	nla_for_each_attr(nest, head, len, rem)
		if (nla_type(nest) == MCFW_A_OIFS)
			nla_for_each_nested(a, nest, rem2)
				n++;
	if (!n)
		return 0;
	rt->oifs = calloc(n, sizeof(*rt->oifs));
	if (!rt->oifs) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return -1;
	}
	nla_for_each_attr(nest, head, len, rem) {
		if (nla_type(nest) != MCFW_A_OIFS)
			continue;
		nla_for_each_nested(a, nest, rem2) {
			if (nla_type(a) != MCFW_A_OIF)
				continue;
			if (mroute_parse_oif(a, &rt->oifs[rt->n_oifs], what) < 0)
				return -1;
			rt->n_oifs++;
		}
	}
	return 0;
}

int mroute_parse(const struct genlmsghdr *gnlh, struct nlattr **tb,
		 struct mroute *rt, const char *what)
{
	__u64 c[MCFW_STATS_A_MAX + 1];

	memset(rt, 0, sizeof(*rt));
	if (mcfw_nl_get_addr(tb[MCFW_A_GROUP], tb[MCFW_A_GROUP6], &rt->group))
		return mcfw_nl_missing(what, MCFW_A_GROUP);
	rt->any_source = mcfw_nl_get_addr(tb[MCFW_A_SOURCE], tb[MCFW_A_SOURCE6],
					  &rt->source) < 0;
	if (tb[MCFW_A_IIF_NAME])
		str_copy(rt->iif, sizeof(rt->iif),
			 nla_get_string(tb[MCFW_A_IIF_NAME]));
	else if (tb[MCFW_A_IIF])		/* an older module */
		str_copy(rt->iif, sizeof(rt->iif),
			 dev_name(nla_get_u32(tb[MCFW_A_IIF])));
	else
		return mcfw_nl_missing(what, MCFW_A_IIF_NAME);
	str_copy(rt->owner, sizeof(rt->owner),
		 tb[MCFW_A_OWNER] ? nla_get_string(tb[MCFW_A_OWNER]) :
				    MCFW_OWNER_DEFAULT);
	rt->waiting = tb[MCFW_A_WAITING];
	rt->nojoin = tb[MCFW_A_NOJOIN];
	rt->snat = tb[MCFW_A_SNAT];
	if (tb[MCFW_A_RATE_PKTS])
		rt->rate_pkts = nla_get_u64(tb[MCFW_A_RATE_PKTS]);
	if (tb[MCFW_A_RATE_BITS])
		rt->rate_bits = nla_get_u64(tb[MCFW_A_RATE_BITS]);
	rt->joined = tb[MCFW_A_JOINED];
	if (tb[MCFW_A_LASTUSE]) {
		rt->has_lastuse = true;
		rt->lastuse_ms = nla_get_u64(tb[MCFW_A_LASTUSE]);
	}
	if (tb[MCFW_A_EVENT])
		rt->event = nla_get_u8(tb[MCFW_A_EVENT]);
	if (tb[MCFW_A_STATS]) {
		if (mcfw_nl_stats(tb[MCFW_A_STATS], c) < 0)
			return bad_reply(what, "bad route counters");
		rt->packets = c[MCFW_STATS_A_PACKETS];
		rt->bytes = c[MCFW_STATS_A_BYTES];
		rt->rpf_fail = c[MCFW_STATS_A_RPF_FAIL];
		rt->ttl_drop = c[MCFW_STATS_A_TTL_DROP];
		rt->martian_drop = c[MCFW_STATS_A_MARTIAN_DROP];
		rt->rate_drop = c[MCFW_STATS_A_RATE_DROP];
		rt->ra_drop = c[MCFW_STATS_A_RA_DROP];
		rt->srr_drop = c[MCFW_STATS_A_SRR_DROP];
		rt->record_drop = c[MCFW_STATS_A_RECORD_DROP];
		rt->badopt_drop = c[MCFW_STATS_A_BADOPT_DROP];
		rt->boundary_drop = c[MCFW_STATS_A_BOUNDARY_DROP];
	}
	if (mroute_parse_oifs(gnlh, rt, what) < 0) {
		mroute_free(rt);
		return -1;
	}
	return 0;
}

void mroute_free(struct mroute *rt)
{
	free(rt->oifs);
	rt->oifs = NULL;
	rt->n_oifs = 0;
}

static bool owner_is_default(const struct mroute *rt)
{
	return !strcmp(rt->owner, MCFW_OWNER_DEFAULT);
}

/*
 * A rate as "rate" reads it back: in the largest unit it is a whole
 * number of (1000 based, as tc's).
 */
static void format_rate(const struct mroute *rt, char *buf, size_t size)
{
	static const char * const bit_units[] = { "bit", "kbit", "mbit", "gbit" };
	static const char * const pkt_units[] = { "pps", "kpps", "mpps" };
	const char * const *units = rt->rate_pkts ? pkt_units : bit_units;
	size_t n = rt->rate_pkts ? ARRAY_SIZE(pkt_units) : ARRAY_SIZE(bit_units);
	__u64 v = rt->rate_pkts ?: rt->rate_bits;
	size_t u = 0;

	while (u + 1 < n && v && !(v % 1000)) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, "%llu%s", (unsigned long long)v, units[u]);
}

static void print_rate(const struct mroute *rt)
{
	char rate[32];

	if (!rt->rate_pkts && !rt->rate_bits)
		return;
	format_rate(rt, rate, sizeof(rate));
	fputs(" rate ", stdout);
	fputs(rate, stdout);
}

/*
 * An output as the command line gives it: DEV[:TTL][@GROUP[:PORT]], an
 * IPv6 GROUP in brackets when a port follows. A port-only translation
 * names the route's group.
 */
static void print_oif(const struct mroute *rt, const struct mroute_oif *oif)
{
	mroute_print_oif(&rt->group, oif);
}

void mroute_print_oif(const struct ipaddr *group, const struct mroute_oif *oif)
{
	char buf[IPADDR_PORT_STRLEN];

	if (oif->unicast) {
		fputs("unicast ", stdout);
		fputs(ipaddr_port_fmt(&oif->addr, oif->port, buf), stdout);
		return;
	}
	fputs(oif->dev, stdout);
	if (oif->ttl != 1)
		printf(":%u", oif->ttl);
	if (!oif->has_group && !oif->port)
		return;
	putchar('@');
	fputs(ipaddr_port_fmt(oif->has_group ? &oif->group : group, oif->port,
			      buf), stdout);
}

static void print_oifs(const struct mroute *rt)
{
	unsigned int i;

	if (rt->n_oifs)
		fputs(" oif", stdout);
	for (i = 0; i < rt->n_oifs; i++) {
		putchar(' ');
		print_oif(rt, &rt->oifs[i]);
	}
}

void mroute_print(const struct mroute *rt, const char *event)
{
	char grp[IPADDR_STRLEN], src[IPADDR_STRLEN] = "*";
	const struct mroute_oif *oif;
	bool waiting = rt->waiting;
	unsigned int i;

	ipaddr_fmt(&rt->group, grp);
	if (!rt->any_source)
		ipaddr_fmt(&rt->source, src);
	if (event)
		printf("%s ", event);
	printf("(%s, %s) iif %s", src, grp, rt->iif);
	print_oifs(rt);
	/* Like ip route and its default protocol: the default goes unsaid. */
	if (!owner_is_default(rt))
		printf(" owner %s", rt->owner);
	if (rt->nojoin)
		fputs(" nojoin", stdout);
	print_rate(rt);
	if (rt->snat)
		fputs(" snat", stdout);
	for (i = 0; i < rt->n_oifs; i++)
		waiting |= rt->oifs[i].waiting;
	if (waiting) {
		fputs(" waiting", stdout);
		if (rt->waiting)
			printf(" %s", rt->iif);
		for (i = 0; i < rt->n_oifs; i++)
			if (rt->oifs[i].waiting)
				printf(" %s", rt->oifs[i].dev);
	}
	putchar('\n');
	if (!mcfwctl_opts.stats)
		return;
	printf("    packets %llu bytes %llu rpf_fail %llu ttl_drop %llu",
	       (unsigned long long)rt->packets, (unsigned long long)rt->bytes,
	       (unsigned long long)rt->rpf_fail,
	       (unsigned long long)rt->ttl_drop);
	printf(" martian_drop %llu rate_drop %llu",
	       (unsigned long long)rt->martian_drop,
	       (unsigned long long)rt->rate_drop);
	printf(" ra_drop %llu srr_drop %llu record_drop %llu badopt_drop %llu",
	       (unsigned long long)rt->ra_drop,
	       (unsigned long long)rt->srr_drop,
	       (unsigned long long)rt->record_drop,
	       (unsigned long long)rt->badopt_drop);
	printf(" boundary_drop %llu", (unsigned long long)rt->boundary_drop);
	if (rt->has_lastuse)
		printf(" idle %llu.%02llus\n",
		       (unsigned long long)rt->lastuse_ms / 1000,
		       (unsigned long long)rt->lastuse_ms % 1000 / 10);
	else
		printf(" idle never\n");
	for (i = 0; i < rt->n_oifs; i++) {
		oif = &rt->oifs[i];
		fputs("    oif ", stdout);
		print_oif(rt, oif);
		printf(" packets %llu bytes %llu drops %llu\n",
		       (unsigned long long)oif->packets,
		       (unsigned long long)oif->bytes,
		       (unsigned long long)oif->drops);
	}
}

void mroute_json(struct json_writer *jw, const struct mroute *rt,
		 const char *event)
{
	mroute_json_event(jw, rt, NULL, event, NULL);
}

void mroute_json_event(struct json_writer *jw, const struct mroute *rt,
		       const char *time, const char *event, const char *change)
{
	char addr[IPADDR_STRLEN];
	const struct mroute_oif *oif;
	unsigned int i;

	json_object_open(jw, NULL);
	if (time)
		json_string(jw, "time", time);
	if (event)
		json_string(jw, "event", event);
	if (change)
		json_string(jw, "change", change);
	json_string(jw, "group", ipaddr_fmt(&rt->group, addr));
	if (rt->any_source)
		json_null(jw, "source");
	else
		json_string(jw, "source", ipaddr_fmt(&rt->source, addr));
	json_string(jw, "iif", rt->iif);
	json_array_open(jw, "oifs");
	for (i = 0; i < rt->n_oifs; i++) {
		oif = &rt->oifs[i];
		json_object_open(jw, NULL);
		if (oif->unicast)
			json_null(jw, "dev");
		else
			json_string(jw, "dev", oif->dev);
		if (oif->unicast)
			json_string(jw, "unicast", ipaddr_fmt(&oif->addr, addr));
		else
			json_null(jw, "unicast");
		json_u64(jw, "ttl", oif->ttl);
		if (oif->has_group)
			json_string(jw, "group", ipaddr_fmt(&oif->group, addr));
		else
			json_null(jw, "group");
		if (oif->port)
			json_u64(jw, "port", oif->port);
		else
			json_null(jw, "port");
		json_bool(jw, "waiting", oif->waiting);
		if (mcfwctl_opts.stats) {
			json_object_open(jw, "stats");
			json_u64(jw, "packets", oif->packets);
			json_u64(jw, "bytes", oif->bytes);
			json_u64(jw, "drops", oif->drops);
			json_object_close(jw);
		}
		json_object_close(jw);
	}
	json_array_close(jw);
	json_string(jw, "owner", rt->owner);
	json_bool(jw, "nojoin", rt->nojoin);
	json_bool(jw, "snat", rt->snat);
	if (rt->rate_pkts || rt->rate_bits) {
		json_object_open(jw, "rate");
		if (rt->rate_pkts)
			json_u64(jw, "pps", rt->rate_pkts);
		else
			json_u64(jw, "bits", rt->rate_bits);
		json_object_close(jw);
	} else {
		json_null(jw, "rate");
	}
	json_bool(jw, "joined", rt->joined);
	json_bool(jw, "waiting", rt->waiting);
	json_array_open(jw, "waiting_for");
	if (rt->waiting)
		json_string(jw, NULL, rt->iif);
	for (i = 0; i < rt->n_oifs; i++)
		if (rt->oifs[i].waiting)
			json_string(jw, NULL, rt->oifs[i].dev);
	json_array_close(jw);
	if (mcfwctl_opts.stats) {
		json_object_open(jw, "stats");
		json_u64(jw, "packets", rt->packets);
		json_u64(jw, "bytes", rt->bytes);
		json_u64(jw, "rpf_fail", rt->rpf_fail);
		json_u64(jw, "ttl_drop", rt->ttl_drop);
		json_u64(jw, "martian_drop", rt->martian_drop);
		json_u64(jw, "rate_drop", rt->rate_drop);
		json_u64(jw, "ra_drop", rt->ra_drop);
		json_u64(jw, "srr_drop", rt->srr_drop);
		json_u64(jw, "record_drop", rt->record_drop);
		json_u64(jw, "badopt_drop", rt->badopt_drop);
		json_u64(jw, "boundary_drop", rt->boundary_drop);
		if (rt->has_lastuse)
			json_u64(jw, "idle_ms", rt->lastuse_ms);
		else
			json_null(jw, "idle_ms");
		json_object_close(jw);
	}
	json_object_close(jw);
}

void mroute_print_command(const struct mroute *rt)
{
	char addr[IPADDR_STRLEN];

	/* save prints every route: words, not formats. */
	fputs("route add ", stdout);
	fputs(ipaddr_fmt(&rt->group, addr), stdout);
	if (!rt->any_source) {
		fputs(" source ", stdout);
		fputs(ipaddr_fmt(&rt->source, addr), stdout);
	}
	fputs(" iif ", stdout);
	fputs(rt->iif, stdout);
	print_oifs(rt);
	if (!owner_is_default(rt)) {
		fputs(" owner ", stdout);
		fputs(rt->owner, stdout);
	}
	if (rt->nojoin)
		fputs(" nojoin", stdout);
	print_rate(rt);
	if (rt->snat)
		fputs(" snat", stdout);
	putchar('\n');
}

/* The command line: GROUP, then keywords in any order. */

enum {
	KW_SOURCE	= 1 << 0,
	KW_IIF		= 1 << 1,
	KW_OIF		= 1 << 2,
	KW_OWNER	= 1 << 3,
	KW_NOJOIN	= 1 << 4,
	KW_SNAT		= 1 << 6,
	KW_RATE		= 1 << 5,
};

struct route_args {
	const char *what;	/* "route add", for diagnostics */
	unsigned int n_groups;
	struct ipaddr *groups;
	bool has_source;
	struct ipaddr source;
	const char *iif;	/* NULL: not given */
	const char *owner;	/* NULL: not given */
	bool nojoin;
	bool snat;
	__u64 rate_pkts;	/* 0: not given */
	__u64 rate_bits;
	unsigned int n_oifs;
	struct route_oif_arg *oifs;
};

static void route_args_free(struct route_args *a)
{
	free(a->groups);
	free(a->oifs);
}

static int keyword(const char *word)
{
	/* Called for every word of every line of a file: most are not. */
	if (!strchr("sionr", word[0]))
		return 0;
	if (!strcmp(word, "source"))
		return KW_SOURCE;
	if (!strcmp(word, "iif"))
		return KW_IIF;
	if (!strcmp(word, "oif"))
		return KW_OIF;
	if (!strcmp(word, "owner"))
		return KW_OWNER;
	if (!strcmp(word, "nojoin"))
		return KW_NOJOIN;
	if (!strcmp(word, "snat"))
		return KW_SNAT;
	if (!strcmp(word, "rate"))
		return KW_RATE;
	return 0;
}

/*
 * "NUMBER UNIT": packets per second (pps, kpps, mpps) or bits per second
 * (bit, kbit, mbit, gbit: 1000 based, as tc's); NUMBER may have
 * a fraction ("1.5mbit"). Returns -1 to go on, or the exit status.
 */
static int parse_rate(struct route_args *a, const char *word)
{
	static const struct {
		const char *unit;
		double mult;
		bool pkts;
	} units[] = {
		{ "pps", 1, true }, { "kpps", 1e3, true }, { "mpps", 1e6, true },
		{ "bit", 1, false }, { "kbit", 1e3, false },
		{ "mbit", 1e6, false }, { "gbit", 1e9, false },
	};
	double v;
	char *end;
	size_t i, n;

	/* Decimal digits and one point only: no sign, hex or exponent. */
	n = strspn(word, "0123456789.");
	if (!n || word[0] == '.' || strchr(word + n, '.') ||
	    strchr(word, '.') != strrchr(word, '.'))
		goto bad;
	errno = 0;
	v = strtod(word, &end);
	if (end != word + n || errno)
		goto bad;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcasecmp(end, units[i].unit))
			break;
	if (i == ARRAY_SIZE(units))
		goto bad;
	/* Rounded to a whole number, then checked. */
	v = v * units[i].mult + 0.5;
	if (v < 1e18)
		v = (double)(unsigned long long)v;
	if (units[i].pkts) {
		if (v < 1 || v > MCFW_RATE_PKTS_MAX)
			return usage_error("%s: rate '%s' out of range (1pps to 10mpps)",
					   a->what, word);
		a->rate_pkts = v;
	} else {
		if (v < MCFW_RATE_BITS_MIN || v > MCFW_RATE_BITS_MAX)
			return usage_error("%s: rate '%s' out of range (8bit to 10gbit)",
					   a->what, word);
		a->rate_bits = v;
	}
	return -1;
bad:
	return usage_error("%s: invalid rate '%s' (a number with a unit: %s)",
			   a->what, word,
			   "pps, kpps, mpps, bit, kbit, mbit, gbit");
}

static int parse_addr(const struct route_args *a, const char *kind,
		      const char *word, struct ipaddr *addr)
{
	if (ipaddr_parse(word, addr) < 0)
		return usage_error("%s: invalid %s address '%s'", a->what, kind,
				   word);
	return -1;
}

/* How outputs with addresses are written, for diagnostics. */
#define OIF_GROUP_FORM		"DEV@GROUP[:PORT], or DEV@[GROUP]:PORT for IPv6"
#define OIF_UNICAST_FORM	"unicast ADDR[:PORT], or unicast [ADDR]:PORT for IPv6"

int route_parse_addr_port(const char *what, const char *kind,
			  const char *form, const char *word, const char *s,
			  struct ipaddr *addr, __u16 *port)
{
	switch (ipaddr_port_parse(s, addr, port)) {
	case -1:
		return usage_error("%s: invalid %s '%s' (%s)", what, kind, word,
				   form);
	case -2:
		return usage_error("%s: invalid port in '%s' (1-65535)", what,
				   word);
	}
	return -1;
}

/*
 * The "ADDR[:PORT]" after "unicast": a unicast address (the routing table
 * sends the copies), not multicast, broadcast, 0.0.0.0/8, loopback or
 * IPv6 link-local. Returns -1 to go on, or the exit status.
 */
int route_oif_parse_unicast(const char *what, char *word,
			    struct route_oif_arg *oif)
{
	const char *why;
	int ret;

	oif->unicast = true;
	ret = route_parse_addr_port(what, "address in output", OIF_UNICAST_FORM,
				    word, word, &oif->addr, &oif->port);
	if (ret >= 0)
		return ret;
	why = ipaddr_unicast_error(&oif->addr);
	if (why)
		return usage_error("%s: 'unicast %s': %s", what, word, why);
	return -1;
}

/*
 * The "GROUP[:PORT]" of a translated output @word, at @at. Returns -1 to
 * go on, or the exit status.
 */
static int parse_oif_group(const char *what, const char *word,
			   const char *at, struct route_oif_arg *oif)
{
	char grp[IPADDR_STRLEN];
	const char *why;
	int ret;

	ret = route_parse_addr_port(what, "group in output", OIF_GROUP_FORM,
				    word, at, &oif->group, &oif->port);
	if (ret >= 0)
		return ret;
	why = ipaddr_group_error(&oif->group);
	if (why)
		return usage_error("%s: output group '%s' %s", what,
				   ipaddr_fmt(&oif->group, grp), why);
	oif->has_group = true;
	return -1;
}

/*
 * Does @s, after a '@', name a group: an IPv4 address (a digit first),
 * "[" or an IPv6 address (two ':' or more, which "DEV:TTL" never has)?
 */
static bool oif_group_follows(const char *s)
{
	const char *colon = strchr(s, ':');

	return (*s >= '0' && *s <= '9') || *s == '[' ||
	       (colon && strchr(colon + 1, ':'));
}

/*
 * "DEV", "DEV:TTL", and either followed by "@GROUP" or "@GROUP:PORT"
 * ("@[GROUP]:PORT" for IPv6); ':' cannot be part of a device name, '@'
 * can: the word is split at its last '@' when a group follows it, else it
 * is all DEV[:TTL]. The word is cut in place. Returns -1 to go on, or the
 * exit status.
 */
int route_oif_parse(const char *what, char *word, struct route_oif_arg *oif)
{
	char *at = strrchr(word, '@');
	char *colon;
	unsigned long ttl;
	char *end;
	int ret;

	if (at && oif_group_follows(at + 1)) {
		if (at == word)
			return usage_error("%s: missing device name in '%s'",
					   what, word);
		ret = parse_oif_group(what, word, at + 1, oif);
		if (ret >= 0)
			return ret;
		*at = '\0';
	}
	colon = strchr(word, ':');
	oif->dev = word;
	if (!colon)
		goto check;
	if (colon == word)
		return usage_error("%s: missing device name in '%s'", what,
				   word);
	errno = 0;
	ttl = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno ||
	    ttl < 1 || ttl > 255)
		return usage_error("%s: invalid TTL threshold in '%s' (DEV:TTL, TTL 1-255)",
				   what, word);
	oif->ttl = ttl;
	*colon = '\0';
check:
	if (strlen(word) >= IF_NAMESIZE)
		return usage_error("%s: interface name '%s' is too long",
				   what, word);
	return -1;
}

int route_oifs_parse(const char *what, char **argv, int first, int end,
		     struct route_oif_arg **oifs, unsigned int *n)
{
	int j, ret;

	/* At most one output a word. */
	*oifs = calloc(end - first, sizeof(**oifs));
	if (!*oifs) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return EXIT_FAIL;
	}
	for (j = first; j < end; j++) {
		if (strcmp(argv[j], "unicast"))
			ret = route_oif_parse(what, argv[j], &(*oifs)[*n]);
		else if (++j < end)
			ret = route_oif_parse_unicast(what, argv[j],
						      &(*oifs)[*n]);
		else
			ret = usage_error("%s: 'unicast' needs ADDR[:PORT]",
					  what);
		if (ret >= 0)
			return ret;
		(*n)++;
	}
	return -1;
}

int route_same_family(const char *what, const char *kind,
		      const struct ipaddr *a, const struct ipaddr *group)
{
	char x[IPADDR_STRLEN], g[IPADDR_STRLEN];

	if (a->family == group->family)
		return -1;
	return usage_error("%s: %s %s is %s but group %s is %s", what, kind,
			   ipaddr_fmt(a, x), ipaddr_family_name(a),
			   ipaddr_fmt(group, g), ipaddr_family_name(group));
}

int route_oifs_same_family(const char *what, const struct route_oif_arg *o,
			   unsigned int n, const struct ipaddr *group)
{
	unsigned int i;
	int ret = -1;

	for (i = 0; ret < 0 && i < n; i++) {
		if (o[i].unicast)
			ret = route_same_family(what, "unicast output",
						&o[i].addr, group);
		else if (o[i].has_group)
			ret = route_same_family(what, "output group",
						&o[i].group, group);
	}
	return ret;
}

/*
 * The groups of @a, its source and outputs: of one family, the source's
 * and outputs' that of each group, and IPv6 groups of a scope that is
 * forwarded (IPv4 groups are the kernel's to check, as they always were).
 * -1 to go on, or the exit status.
 */
static int route_args_check(const struct route_args *a)
{
	char grp[IPADDR_STRLEN];
	const struct ipaddr *g;
	const char *why;
	unsigned int i;
	int ret = -1;

	for (i = 0; ret < 0 && i < a->n_groups; i++) {
		g = &a->groups[i];
		why = g->family == AF_INET6 ? ipaddr_group_error(g) : NULL;
		if (why)
			return usage_error("%s: group '%s' %s", a->what,
					   ipaddr_fmt(g, grp), why);
		if (a->has_source)
			ret = route_same_family(a->what, "source", &a->source, g);
		if (ret < 0)
			ret = route_oifs_same_family(a->what, a->oifs,
						     a->n_oifs, g);
	}
	return ret;
}

/* An owner is a word of letters, digits, '.', '_' and '-'. */
static int check_owner(const struct route_args *a, const char *owner,
		       bool all_ok)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t len = strspn(owner, chars);

	if (!len || owner[len] || len > MCFW_OWNER_MAX)
		return usage_error("%s: invalid owner '%s' (1-%d letters, digits, '.', '_', '-')",
				   a->what, owner, MCFW_OWNER_MAX);
	if (!all_ok && !strcmp(owner, "all"))
		return usage_error("%s: the owner 'all' is reserved (it means every owner)",
				   a->what);
	return -1;
}

/*
 * Parse argv[1...] (argv[0] is the command) into @a, accepting at most
 * @max_groups leading GROUP words and the keywords in @allowed. Returns
 * -1 to go on, or the exit status.
 */
static int route_args_parse(int argc, char **argv, unsigned int max_groups,
			    unsigned int allowed, struct route_args *a)
{
	unsigned int seen = 0;
	int i = 1, first, kw, ret;

	a->groups = calloc(argc, sizeof(*a->groups));
	if (!a->groups) {
		errmsg("%s: %s", a->what, strerror(ENOMEM));
		return EXIT_FAIL;
	}
	while (i < argc && !keyword(argv[i])) {
		if (a->n_groups == max_groups)
			return usage_error("%s: unexpected argument '%s'",
					   a->what, argv[i]);
		ret = parse_addr(a, "group", argv[i], &a->groups[a->n_groups]);
		if (ret >= 0)
			return ret;
		a->n_groups++;
		i++;
	}
	while (i < argc) {
		kw = keyword(argv[i]);
		if (!kw || !(allowed & kw))
			return usage_error("%s: unexpected argument '%s'",
					   a->what, argv[i]);
		if (seen & kw)
			return usage_error("%s: '%s' given twice", a->what,
					   argv[i]);
		seen |= kw;
		if (kw == KW_NOJOIN || kw == KW_SNAT) {
			if (kw == KW_SNAT)
				a->snat = true;
			else
				a->nojoin = true;
			i++;
			continue;
		}
		if (kw == KW_OIF) {
			first = ++i;
			while (i < argc && !keyword(argv[i]))
				i++;
			if (i == first)
				return usage_error("%s: 'oif' needs at least one device",
						   a->what);
			ret = route_oifs_parse(a->what, argv, first, i,
					       &a->oifs, &a->n_oifs);
			if (ret >= 0)
				return ret;
			continue;
		}
		if (i + 1 >= argc || keyword(argv[i + 1]))
			return usage_error("%s: '%s' needs an argument",
					   a->what, argv[i]);
		if (kw == KW_SOURCE) {
			ret = parse_addr(a, "source", argv[i + 1], &a->source);
			if (ret >= 0)
				return ret;
			a->has_source = true;
		} else if (kw == KW_RATE) {
			ret = parse_rate(a, argv[i + 1]);
			if (ret >= 0)
				return ret;
		} else if (kw == KW_IIF) {
			a->iif = argv[i + 1];
			if (strlen(a->iif) >= IF_NAMESIZE)
				return usage_error("%s: interface name '%s' is too long",
						   a->what, a->iif);
		} else {
			a->owner = argv[i + 1];
			/* "all" filters (show, flush), it names no owner. */
			ret = check_owner(a, a->owner, !(allowed & KW_OIF));
			if (ret >= 0)
				return ret;
		}
		i += 2;
	}
	return route_args_check(a);
}

/* An add or replace must name its group, input and outputs. */
static int route_args_complete(const struct route_args *a)
{
	if (!a->n_groups)
		return usage_error("%s: missing GROUP", a->what);
	if (!a->iif)
		return usage_error("%s: missing 'iif DEV'", a->what);
	if (!a->n_oifs)
		return usage_error("%s: missing 'oif DEV...'", a->what);
	return -1;
}

/* The owner a route gets: its own, else -o's, else static. */
static const char *route_owner(const struct route_args *a)
{
	if (a->owner)
		return a->owner;
	return opt_owner() ?: MCFW_OWNER_DEFAULT;
}

/*
 * MCFW_A_GROUP (the @g-th), MCFW_A_SOURCE and MCFW_A_IIF_NAME, those
 * given; MCFW_A_GROUP6 and MCFW_A_SOURCE6 for IPv6 addresses.
 */
static int put_key(struct nl_msg *msg, const struct route_args *a,
		   unsigned int g)
{
	if (g < a->n_groups &&
	    mcfw_nl_put_addr(msg, MCFW_A_GROUP, MCFW_A_GROUP6,
			     &a->groups[g]) < 0)
		return -1;
	if (a->has_source &&
	    mcfw_nl_put_addr(msg, MCFW_A_SOURCE, MCFW_A_SOURCE6,
			     &a->source) < 0)
		return -1;
	if (a->iif && nla_put_string(msg, MCFW_A_IIF_NAME, a->iif) < 0)
		return -1;
	return 0;
}

/*
 * MCFW_A_OIFS. Its length is 16 bits: "too many outputs" is for the
 * kernel to say, but more than fit in an attribute cannot be sent.
 */
static int put_oifs(struct nl_msg *msg, const struct route_args *a)
{
	return route_oifs_put(msg, a->oifs, a->n_oifs, a->what);
}

int route_oifs_put(struct nl_msg *msg, const struct route_oif_arg *o,
		   unsigned int n, const char *what)
{
	struct nlattr *oifs, *oif;
	unsigned int i;
	size_t len;

	oifs = nla_nest_start(msg, MCFW_A_OIFS);
	if (!oifs)
		return -1;
	for (i = 0; i < n; i++) {
		oif = nla_nest_start(msg, MCFW_A_OIF);
		if (!oif ||
		    (o[i].unicast ?
		     mcfw_nl_put_addr(msg, MCFW_OIF_A_UNICAST,
				      MCFW_OIF_A_UNICAST6, &o[i].addr) :
		     nla_put_string(msg, MCFW_OIF_A_IFNAME, o[i].dev)) < 0 ||
		    (o[i].ttl &&
		     nla_put_u8(msg, MCFW_OIF_A_TTL, o[i].ttl) < 0) ||
		    (o[i].has_group &&
		     mcfw_nl_put_addr(msg, MCFW_OIF_A_GROUP, MCFW_OIF_A_GROUP6,
				      &o[i].group) < 0) ||
		    (o[i].port &&
		     nla_put_u16(msg, MCFW_OIF_A_PORT,
				 htons(o[i].port)) < 0))
			return -1;
		nla_nest_end(msg, oif);
	}
	len = (char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)oifs;
	if (len > 0xffff) {
		errmsg("%s: %u output interfaces do not fit in one netlink attribute",
		       what, n);
		return -2;
	}
	nla_nest_end(msg, oifs);
	return 0;
}

/* Room for the attributes of a route: key plus its outputs'. */
static size_t route_msg_payload(const struct route_args *a)
{
	return 160 + (size_t)a->n_oifs * ROUTE_OIF_ROOM;
}

/* A request of @a could not be built: say so, drop it, EXIT_FAIL. */
static int route_msg_nomem(const struct route_args *a, struct nl_msg **msg)
{
	errmsg("%s: %s", a->what, strerror(ENOMEM));
	nlmsg_free(*msg);
	*msg = NULL;
	return EXIT_FAIL;
}

/* @cmd with the key (group @g, source, input) of @a. */
static int route_key_msg(struct mcfw_nl *nl, const struct route_args *a,
			 __u8 cmd, unsigned int g, struct nl_msg **msg)
{
	*msg = mcfw_nl_msg(nl, cmd);
	if (!*msg || put_key(*msg, a, g) < 0)
		return route_msg_nomem(a, msg);
	return 0;
}

/*
 * The ROUTE_NEW request of @a. Returns 0 with *@msg set, or the exit
 * status after a diagnostic.
 */
static int route_set_msg(struct mcfw_nl *nl, const struct route_args *a,
			 bool replace, struct nl_msg **msg)
{
	const char *owner = route_owner(a);

	*msg = mcfw_nl_msg_sized(nl, MCFW_CMD_ROUTE_NEW, route_msg_payload(a));
	if (!*msg || put_key(*msg, a, 0) < 0 ||
	    nla_put_string(*msg, MCFW_A_OWNER, owner) < 0 ||
	    (a->nojoin && nla_put_flag(*msg, MCFW_A_NOJOIN) < 0) ||
	    (a->snat && nla_put_flag(*msg, MCFW_A_SNAT) < 0) ||
	    (a->rate_pkts &&
	     nla_put_u64(*msg, MCFW_A_RATE_PKTS, a->rate_pkts) < 0) ||
	    (a->rate_bits &&
	     nla_put_u64(*msg, MCFW_A_RATE_BITS, a->rate_bits) < 0) ||
	    (replace && nla_put_flag(*msg, MCFW_A_REPLACE) < 0))
		goto nomem;
	switch (put_oifs(*msg, a)) {
	case -1:
		goto nomem;
	case -2:
		nlmsg_free(*msg);
		*msg = NULL;
		return EXIT_FAIL;
	}
	return 0;
nomem:
	return route_msg_nomem(a, msg);
}

struct set_ctx {
	const char *what;
	struct mroute rt;
	bool got;
};

static int set_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		     void *arg)
{
	struct set_ctx *ctx = arg;

	if (ctx->got)
		return 0;
	if (mroute_parse(gnlh, tb, &ctx->rt, ctx->what) < 0)
		return -1;
	ctx->got = true;
	return 0;
}

static int route_set(int argc, char **argv, bool replace)
{
	struct route_args a = {
		.what = replace ? "route replace" : "route add",
	};
	struct set_ctx ctx = { .what = a.what };
	const struct mcfw_nl_handler h = { .reply = set_reply, .arg = &ctx };
	struct json_writer jw;
	struct mcfw_nl *nl = NULL;
	struct nl_msg *msg = NULL;
	unsigned int i;
	__u32 ifindex;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, 1, KW_SOURCE | KW_IIF | KW_OIF |
			       KW_OWNER | KW_NOJOIN | KW_RATE | KW_SNAT, &a);
	if (ret < 0)
		ret = route_args_complete(&a);
	if (ret >= 0)
		goto out;

	/* A typo must not become a silent route: the devices must exist. */
	ret = EXIT_FAIL;
	if (mcfw_nl_enter_netns() < 0 || dev_index(a.iif, &ifindex) < 0)
		goto out;
	for (i = 0; i < a.n_oifs; i++)
		if (!a.oifs[i].unicast && dev_index(a.oifs[i].dev, &ifindex) < 0)
			goto out;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	ret = route_set_msg(nl, &a, replace, &msg);
	if (ret)
		goto out;
	ret = mcfw_nl_do(nl, msg, a.what, &h);
	msg = NULL;
	if (ret < 0) {
		ret = EXIT_FAIL;
		goto out;
	}

	/* Like ip route add, silent unless asked for JSON. */
	ret = EXIT_OK;
	if (mcfwctl_opts.json) {
		if (!ctx.got) {
			errmsg("%s: the kernel's reply lacks the route", a.what);
			ret = EXIT_FAIL;
			goto out;
		}
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		mroute_json(&jw, &ctx.rt, NULL);
	}
out:
	nlmsg_free(msg);
	mcfw_nl_close(nl);
	mroute_free(&ctx.rt);
	route_args_free(&a);
	return ret;
}

static int route_add(int argc, char **argv)
{
	return route_set(argc, argv, false);
}

static int route_replace(int argc, char **argv)
{
	return route_set(argc, argv, true);
}

static int route_del_msg(struct mcfw_nl *nl, const struct route_args *a,
			 struct nl_msg **msg)
{
	if (!a->n_groups)
		return usage_error("%s: missing GROUP", a->what);
	return route_key_msg(nl, a, MCFW_CMD_ROUTE_DEL, 0, msg);
}

static int route_del(int argc, char **argv)
{
	struct route_args a = { .what = "route del" };
	struct nl_msg *msg = NULL;
	struct mcfw_nl *nl;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, 1, KW_SOURCE | KW_IIF, &a);
	if (ret < 0 && !a.n_groups)
		ret = usage_error("%s: missing GROUP", a.what);
	if (ret >= 0)
		goto out;

	/* A route waiting for a device that is gone can still be deleted. */
	ret = EXIT_FAIL;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	if (!route_del_msg(nl, &a, &msg) &&
	    mcfw_nl_do(nl, msg, a.what, NULL) == 0)
		ret = EXIT_OK;
	mcfw_nl_close(nl);
out:
	route_args_free(&a);
	return ret;
}

static int show_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		      void *arg)
{
	struct route_list *l = arg;
	struct mroute *routes;
	size_t size;

	if (l->n == l->size) {
		size = l->size ? 2 * l->size : 64;
		routes = realloc(l->routes, size * sizeof(*routes));
		if (!routes) {
			errmsg("%s: %s", l->what, strerror(ENOMEM));
			return -1;
		}
		l->routes = routes;
		l->size = size;
	}
	if (mroute_parse(gnlh, tb, &l->routes[l->n], l->what) < 0)
		return -1;
	l->n++;
	return 0;
}

static void show_restart(void *arg)
{
	struct route_list *l = arg;
	size_t i;

	for (i = 0; i < l->n; i++)
		mroute_free(&l->routes[i]);
	l->n = 0;
}

void route_list_free(struct route_list *l)
{
	show_restart(l);
	free(l->routes);
	l->routes = NULL;
	l->size = 0;
}

/* IPv4 routes, then IPv6 ones, by group, source (any first), input. */
static int mroute_cmp(const void *x, const void *y)
{
	const struct mroute *a = x, *b = y;
	int d = ipaddr_cmp(&a->group, &b->group);

	if (d)
		return d;
	if (a->any_source || b->any_source)
		d = b->any_source - a->any_source;
	else
		d = ipaddr_cmp(&a->source, &b->source);
	return d ?: strcmp(a->iif, b->iif);
}

/* Dump with @msg (consumed) into @l, then sort. */
static int route_dump(struct mcfw_nl *nl, struct nl_msg *msg,
		      struct route_list *l)
{
	const struct mcfw_nl_handler h = {
		.reply = show_reply,
		.restart = show_restart,
		.arg = l,
	};
	size_t i;

	if (mcfw_nl_dump(nl, msg, l->what, &h) < 0)
		return -1;
	/* The kernel sends them in this order: sort only if it did not. */
	for (i = 1; i < l->n; i++)
		if (mroute_cmp(&l->routes[i - 1], &l->routes[i]) > 0)
			break;
	if (i < l->n)
		qsort(l->routes, l->n, sizeof(*l->routes), mroute_cmp);
	return 0;
}

int route_list_get(struct mcfw_nl *nl, const char *owner, bool stats,
		   struct route_list *l)
{
	struct nl_msg *msg = mcfw_nl_msg(nl, MCFW_CMD_ROUTE_GET);

	if (msg && ((owner && nla_put_string(msg, MCFW_A_OWNER, owner) < 0) ||
		    (!stats && mcfw_nl_knows(nl, MCFW_A_NO_STATS) &&
		     nla_put_flag(msg, MCFW_A_NO_STATS) < 0))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return route_dump(nl, msg, l);
}

static int route_show(int argc, char **argv)
{
	struct route_args a = { .what = "route show" };
	struct route_list l = { .what = a.what };
	struct nl_msg *msg = NULL;
	struct json_writer jw;
	struct mcfw_nl *nl;
	size_t i;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, 1, KW_SOURCE | KW_IIF | KW_OWNER,
			       &a);
	if (ret >= 0)
		goto out;

	ret = EXIT_FAIL;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	/* The filters go to the kernel, which dumps only what matches. */
	msg = mcfw_nl_msg(nl, MCFW_CMD_ROUTE_GET);
	/* Counters cost the kernel and us a lot: only for -s. */
	if (msg && (put_key(msg, &a, 0) < 0 ||
		    (a.owner && strcmp(a.owner, "all") &&
		     nla_put_string(msg, MCFW_A_OWNER, a.owner) < 0) ||
		    (!mcfwctl_opts.stats && mcfw_nl_knows(nl, MCFW_A_NO_STATS) &&
		     nla_put_flag(msg, MCFW_A_NO_STATS) < 0))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (route_dump(nl, msg, &l) == 0) {
		ret = EXIT_OK;
		if (mcfwctl_opts.json) {
			json_init(&jw, stdout, mcfwctl_opts.pretty);
			json_array_open(&jw, NULL);
			for (i = 0; i < l.n; i++)
				mroute_json(&jw, &l.routes[i], NULL);
			json_array_close(&jw);
		} else {
			for (i = 0; i < l.n; i++)
				mroute_print(&l.routes[i], NULL);
		}
	}
	mcfw_nl_close(nl);
out:
	route_list_free(&l);
	route_args_free(&a);
	return ret;
}

/* The owner a flush acts on: its own word, else -o; NULL for all. */
static const char *flush_owner(const struct route_args *a)
{
	if (a->owner)
		return strcmp(a->owner, "all") ? a->owner : NULL;
	return opt_owner();
}

static int route_flush_msg(struct mcfw_nl *nl, const struct route_args *a,
			   struct nl_msg **msg)
{
	const char *owner = flush_owner(a);

	*msg = mcfw_nl_msg(nl, MCFW_CMD_ROUTE_FLUSH);
	if (!*msg || (owner && nla_put_string(*msg, MCFW_A_OWNER, owner) < 0))
		return route_msg_nomem(a, msg);
	return 0;
}

struct count_ctx {
	__u32 count;
	bool got;
};

static int count_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		       void *arg)
{
	struct count_ctx *ctx = arg;

	(void)gnlh;
	if (tb[MCFW_A_ROUTE_COUNT]) {
		ctx->count = nla_get_u32(tb[MCFW_A_ROUTE_COUNT]);
		ctx->got = true;
	}
	return 0;
}

static int route_flush(int argc, char **argv)
{
	struct route_args a = { .what = "route flush" };
	struct count_ctx ctx = { 0 };
	const struct mcfw_nl_handler h = { .reply = count_reply, .arg = &ctx };
	struct nl_msg *msg = NULL;
	struct json_writer jw;
	struct mcfw_nl *nl;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, 0, KW_OWNER, &a);
	if (ret >= 0)
		goto out;

	ret = EXIT_FAIL;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	if (!route_flush_msg(nl, &a, &msg) &&
	    mcfw_nl_do(nl, msg, a.what, &h) == 0)
		ret = EXIT_OK;
	mcfw_nl_close(nl);
	if (ret)
		goto out;

	/* Like ip route flush, silent unless asked for JSON. */
	if (mcfwctl_opts.json) {
		if (!ctx.got) {
			mcfw_nl_missing(a.what, MCFW_A_ROUTE_COUNT);
			ret = EXIT_FAIL;
			goto out;
		}
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_u64(&jw, "flushed", ctx.count);
		json_object_close(&jw);
	}
out:
	route_args_free(&a);
	return ret;
}

/* One ROUTE_ZERO request per group (or one for every route). */
static int route_zero_msg(struct mcfw_nl *nl, const struct route_args *a,
			  unsigned int g, struct nl_msg **msg)
{
	return route_key_msg(nl, a, MCFW_CMD_ROUTE_ZERO, g, msg);
}

static int route_zero(int argc, char **argv)
{
	struct route_args a = { .what = "route zero" };
	struct count_ctx ctx = { 0 };
	const struct mcfw_nl_handler h = { .reply = count_reply, .arg = &ctx };
	struct nl_msg *msg = NULL;
	struct json_writer jw;
	struct mcfw_nl *nl;
	unsigned int g, n;
	__u32 total = 0;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, argc, KW_SOURCE | KW_IIF, &a);
	if (ret >= 0)
		goto out;

	ret = EXIT_FAIL;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	n = a.n_groups ? a.n_groups : 1;
	for (g = 0; g < n; g++) {
		if (route_zero_msg(nl, &a, g, &msg) ||
		    mcfw_nl_do(nl, msg, a.what, &h) < 0)
			break;
		total += ctx.count;
	}
	if (g == n)
		ret = EXIT_OK;
	mcfw_nl_close(nl);
	if (ret == EXIT_OK && mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_u64(&jw, "zeroed", total);
		json_object_close(&jw);
	}
out:
	route_args_free(&a);
	return ret;
}

/* Batches. */

/* Routes wait for interfaces that do not exist: say so. */
static void warn_absent(const struct route_args *a)
{
	unsigned int i;

	if (!dev_exists(a->iif))
		errmsg("warning: interface \"%s\" does not exist: the route waits for it",
		       a->iif);
	for (i = 0; i < a->n_oifs; i++)
		if (!a->oifs[i].unicast && !dev_exists(a->oifs[i].dev))
			errmsg("warning: interface \"%s\" does not exist: the output waits for it",
			       a->oifs[i].dev);
}

int route_batch_line(struct mcfw_nl *nl, int argc, char **argv,
		     const char *restore_owner, struct mcfw_nl_bulk *bulk)
{
	static const struct mcfwctl_cmd *what_cmd;
	static char what[32];
	const struct mcfwctl_cmd *cmd;
	struct route_args a = { 0 };
	struct nl_msg *msg = NULL;
	unsigned int g;
	int ret;

	if (argc < 2)
		return usage_error("route: missing command (a batch only changes routes)");
	cmd = cmd_find(route_cmds, ARRAY_SIZE(route_cmds), argv[1]);
	if (!cmd)
		return usage_error("route: unknown command '%s'", argv[1]);
	/* Files repeat one command: its name is formatted once. */
	if (cmd != what_cmd) {
		snprintf(what, sizeof(what), "route %s", cmd->name);
		what_cmd = cmd;
	}
	a.what = what;
	argc--;
	argv++;

	if (cmd->function == route_add || cmd->function == route_replace) {
		ret = route_args_parse(argc, argv, 1, KW_SOURCE | KW_IIF |
				       KW_OIF | KW_OWNER | KW_NOJOIN | KW_RATE |
				       KW_SNAT,
				       &a);
		if (ret < 0)
			ret = route_args_complete(&a);
		if (ret < 0 && restore_owner && a.owner &&
		    strcmp(a.owner, restore_owner))
			ret = usage_error("%s: owner '%s' is not the restore's (-o %s)",
					  what, a.owner, restore_owner);
		if (ret < 0 && restore_owner && !a.owner)
			a.owner = restore_owner;
		if (ret < 0)
			ret = route_set_msg(nl, &a, cmd->function == route_replace,
					    &msg);
		if (!ret)
			warn_absent(&a);
	} else if (cmd->function == route_del) {
		ret = route_args_parse(argc, argv, 1, KW_SOURCE | KW_IIF, &a);
		if (ret < 0)
			ret = route_del_msg(nl, &a, &msg);
	} else if (cmd->function == route_flush) {
		ret = route_args_parse(argc, argv, 0, KW_OWNER, &a);
		if (ret < 0)
			ret = route_flush_msg(nl, &a, &msg);
	} else if (cmd->function == route_zero) {
		ret = route_args_parse(argc, argv, argc, KW_SOURCE | KW_IIF, &a);
		/* One request per group; the last is added below. */
		for (g = 0; ret < 0 && g + 1 < a.n_groups; g++) {
			ret = route_zero_msg(nl, &a, g, &msg);
			if (!ret && mcfw_nl_bulk_add(nl, bulk, msg) < 0)
				ret = EXIT_FAIL;
			ret = ret ?: -1;
		}
		if (ret < 0)
			ret = route_zero_msg(nl, &a, g, &msg);
	} else {
		ret = usage_error("%s: only commands that change routes may be batched",
				  what);
	}
	route_args_free(&a);
	if (ret > 0)
		return ret;
	if (mcfw_nl_bulk_add(nl, bulk, msg) < 0) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return EXIT_FAIL;
	}
	return 0;
}

int route_main(int argc, char **argv)
{
	const struct mcfwctl_cmd *cmd;

	/* Like ip route: the object alone lists. */
	if (argc < 2)
		return route_show(argc, argv);
	if (is_help(argv[1]))
		return route_help(argc - 1, argv + 1);
	cmd = cmd_find(route_cmds, ARRAY_SIZE(route_cmds), argv[1]);
	if (!cmd)
		return usage_error("route: unknown command '%s'", argv[1]);
	return cmd->function(argc - 1, argv + 1);
}
