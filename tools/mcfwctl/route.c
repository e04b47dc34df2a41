// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl route - multicast routes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * Keep the order: an abbreviation picks the first command it fits.
 * Entries without a description are aliases, left out of the help.
 */
static const struct mcfwctl_cmd route_cmds[] = {
	{ "add", route_add, "add a route" },
	{ "replace", route_replace, "replace a route's outputs, or add it" },
	{ "del", route_del, "delete a route" },
	{ "delete", route_del, NULL },
	{ "show", route_show, "list routes" },
	{ "list", route_show, NULL },
	{ "ls", route_show, NULL },
	{ "flush", route_flush, "remove every route of the network namespace" },
	{ "help", route_help, "show this help" },
};

static void route_usage(void)
{
	size_t i;

	printf("Usage: " PROG_NAME " [OPTIONS] route { add | replace } GROUP\n"
	       "                 [source SRC] iif DEV oif OUTPUT [OUTPUT...]\n"
	       "       " PROG_NAME " [OPTIONS] route { del | delete } GROUP\n"
	       "                 [source SRC] [iif DEV]\n"
	       "       " PROG_NAME " [OPTIONS] route { show | list | ls } [GROUP]\n"
	       "                 [source SRC] [iif DEV]\n"
	       "       " PROG_NAME " [OPTIONS] route flush\n"
	       "       " PROG_NAME " route help\n"
	       "\n"
	       "OUTPUT := DEV[:TTL]\n"
	       "\n"
	       "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(route_cmds); i++)
		if (route_cmds[i].description)
			printf("  %-10s %s\n", route_cmds[i].name,
			       route_cmds[i].description);
	printf("\n"
	       "Arguments (keywords in any order after GROUP):\n"
	       "  GROUP       IPv4 multicast group, for example 239.1.1.1\n"
	       "  source SRC  only packets from SRC; without it the route is (*, GROUP)\n"
	       "              and takes packets from any source\n"
	       "  iif DEV     the input interface (del: without it, on every input)\n"
	       "  oif ...     the outputs: every word up to the next keyword\n"
	       "  DEV:TTL     output DEV with TTL threshold TTL, 1-255 (default 1):\n"
	       "              a packet is copied to DEV only if its TTL is greater\n");
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
};

static int bad_reply(const char *what, const char *why)
{
	errmsg("%s: malformed reply from the kernel (%s)", what, why);
	return -1;
}

static int mroute_parse_oifs(struct nlattr *oifs, struct mroute *rt,
			     const char *what)
{
	struct nlattr *tb[MCFW_OIF_A_MAX + 1];
	__u64 c[MCFW_STATS_A_MAX + 1];
	struct mroute_oif *oif;
	struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(a, oifs, rem)
		n++;
	if (!n)
		return 0;
	rt->oifs = calloc(n, sizeof(*rt->oifs));
	if (!rt->oifs) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return -1;
	}
	nla_for_each_nested(a, oifs, rem) {
		if (nla_type(a) != MCFW_A_OIF)
			continue;
		if (nla_parse_nested(tb, MCFW_OIF_A_MAX, a, oif_policy) < 0)
			return bad_reply(what, "bad output interface");
		if (!tb[MCFW_OIF_A_IFINDEX])
			return bad_reply(what, "output interface without ifindex");
		oif = &rt->oifs[rt->n_oifs++];
		oif->ifindex = nla_get_u32(tb[MCFW_OIF_A_IFINDEX]);
		oif->ttl = tb[MCFW_OIF_A_TTL] ? nla_get_u8(tb[MCFW_OIF_A_TTL]) : 1;
		if (!tb[MCFW_OIF_A_STATS])
			continue;
		if (mcfw_nl_stats(tb[MCFW_OIF_A_STATS], c) < 0)
			return bad_reply(what, "bad output counters");
		oif->packets = c[MCFW_STATS_A_PACKETS];
		oif->bytes = c[MCFW_STATS_A_BYTES];
		oif->drops = c[MCFW_STATS_A_DROPS];
	}
	return 0;
}

int mroute_parse(struct nlattr **tb, struct mroute *rt, const char *what)
{
	__u64 c[MCFW_STATS_A_MAX + 1];

	memset(rt, 0, sizeof(*rt));
	if (!tb[MCFW_A_GROUP])
		return mcfw_nl_missing(what, MCFW_A_GROUP);
	if (!tb[MCFW_A_IIF])
		return mcfw_nl_missing(what, MCFW_A_IIF);
	/* be32 attributes: the bytes are in network order already. */
	rt->group.s_addr = nla_get_u32(tb[MCFW_A_GROUP]);
	rt->any_source = !tb[MCFW_A_SOURCE];
	if (tb[MCFW_A_SOURCE])
		rt->source.s_addr = nla_get_u32(tb[MCFW_A_SOURCE]);
	rt->iif = nla_get_u32(tb[MCFW_A_IIF]);
	if (tb[MCFW_A_STATS]) {
		if (mcfw_nl_stats(tb[MCFW_A_STATS], c) < 0)
			return bad_reply(what, "bad route counters");
		rt->packets = c[MCFW_STATS_A_PACKETS];
		rt->bytes = c[MCFW_STATS_A_BYTES];
		rt->rpf_fail = c[MCFW_STATS_A_RPF_FAIL];
		rt->ttl_drop = c[MCFW_STATS_A_TTL_DROP];
	}
	/* A route whose last output went away has none. */
	if (tb[MCFW_A_OIFS] && mroute_parse_oifs(tb[MCFW_A_OIFS], rt, what) < 0) {
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

void mroute_print(const struct mroute *rt, const char *event)
{
	char grp[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN] = "*";
	const struct mroute_oif *oif;
	unsigned int i;

	inet_ntop(AF_INET, &rt->group, grp, sizeof(grp));
	if (!rt->any_source)
		inet_ntop(AF_INET, &rt->source, src, sizeof(src));
	if (event)
		printf("%s ", event);
	printf("(%s, %s) iif %s", src, grp, dev_name(rt->iif));
	if (rt->n_oifs)
		fputs(" oif", stdout);
	for (i = 0; i < rt->n_oifs; i++) {
		oif = &rt->oifs[i];
		printf(" %s", dev_name(oif->ifindex));
		if (oif->ttl != 1)
			printf(":%u", oif->ttl);
	}
	putchar('\n');
	if (!mcfwctl_opts.stats)
		return;
	printf("    packets %llu bytes %llu rpf_fail %llu ttl_drop %llu\n",
	       (unsigned long long)rt->packets, (unsigned long long)rt->bytes,
	       (unsigned long long)rt->rpf_fail,
	       (unsigned long long)rt->ttl_drop);
	for (i = 0; i < rt->n_oifs; i++) {
		oif = &rt->oifs[i];
		printf("    oif %s packets %llu bytes %llu drops %llu\n",
		       dev_name(oif->ifindex), (unsigned long long)oif->packets,
		       (unsigned long long)oif->bytes,
		       (unsigned long long)oif->drops);
	}
}

void mroute_json(struct json_writer *jw, const struct mroute *rt,
		 const char *event)
{
	char addr[INET_ADDRSTRLEN];
	const struct mroute_oif *oif;
	unsigned int i;

	json_object_open(jw, NULL);
	if (event)
		json_string(jw, "event", event);
	inet_ntop(AF_INET, &rt->group, addr, sizeof(addr));
	json_string(jw, "group", addr);
	if (rt->any_source) {
		json_null(jw, "source");
	} else {
		inet_ntop(AF_INET, &rt->source, addr, sizeof(addr));
		json_string(jw, "source", addr);
	}
	json_string(jw, "iif", dev_name(rt->iif));
	json_array_open(jw, "oifs");
	for (i = 0; i < rt->n_oifs; i++) {
		oif = &rt->oifs[i];
		json_object_open(jw, NULL);
		json_string(jw, "dev", dev_name(oif->ifindex));
		json_u64(jw, "ttl", oif->ttl);
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
	if (mcfwctl_opts.stats) {
		json_object_open(jw, "stats");
		json_u64(jw, "packets", rt->packets);
		json_u64(jw, "bytes", rt->bytes);
		json_u64(jw, "rpf_fail", rt->rpf_fail);
		json_u64(jw, "ttl_drop", rt->ttl_drop);
		json_object_close(jw);
	}
	json_object_close(jw);
}

/* The command line: GROUP, then keywords in any order. */

enum {
	KW_SOURCE	= 1 << 0,
	KW_IIF		= 1 << 1,
	KW_OIF		= 1 << 2,
};

struct route_oif_arg {
	const char *dev;
	__u32 ifindex;
	__u8 ttl;		/* 0: not given */
};

struct route_args {
	const char *what;	/* "route add", for diagnostics */
	bool has_group;
	bool has_source;
	struct in_addr group;
	struct in_addr source;
	const char *iif;	/* NULL: not given */
	__u32 iif_index;
	unsigned int n_oifs;
	struct route_oif_arg *oifs;
};

static int keyword(const char *word)
{
	if (!strcmp(word, "source"))
		return KW_SOURCE;
	if (!strcmp(word, "iif"))
		return KW_IIF;
	if (!strcmp(word, "oif"))
		return KW_OIF;
	return 0;
}

static int parse_addr(const struct route_args *a, const char *kind,
		      const char *word, struct in_addr *addr)
{
	if (inet_pton(AF_INET, word, addr) != 1)
		return usage_error("%s: invalid %s address '%s'", a->what, kind,
				   word);
	return -1;
}

/*
 * "DEV" or "DEV:TTL"; ':' cannot be part of a device name. The word is
 * cut at the ':' in place. Returns -1 to go on, or the exit status.
 */
static int parse_oif(const struct route_args *a, char *word,
		     struct route_oif_arg *oif)
{
	char *colon = strchr(word, ':');
	unsigned long ttl;
	char *end;

	oif->dev = word;
	if (!colon)
		return -1;
	if (colon == word)
		return usage_error("%s: missing device name in '%s'", a->what,
				   word);
	errno = 0;
	ttl = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno ||
	    ttl < 1 || ttl > 255)
		return usage_error("%s: invalid TTL threshold in '%s' (DEV:TTL, TTL 1-255)",
				   a->what, word);
	oif->ttl = ttl;
	*colon = '\0';
	return -1;
}

/*
 * Parse argv[1...] (argv[0] is the command) into @a, accepting the
 * keywords in @allowed. Returns -1 to go on, or the exit status.
 */
static int route_args_parse(int argc, char **argv, unsigned int allowed,
			    struct route_args *a)
{
	unsigned int seen = 0;
	int i = 1, first, j, kw, ret;

	if (i < argc && !keyword(argv[i])) {
		ret = parse_addr(a, "group", argv[i], &a->group);
		if (ret >= 0)
			return ret;
		a->has_group = true;
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
		if (kw == KW_OIF) {
			first = ++i;
			while (i < argc && !keyword(argv[i]))
				i++;
			if (i == first)
				return usage_error("%s: 'oif' needs at least one device",
						   a->what);
			a->n_oifs = i - first;
			a->oifs = calloc(a->n_oifs, sizeof(*a->oifs));
			if (!a->oifs) {
				errmsg("%s: %s", a->what, strerror(ENOMEM));
				return EXIT_FAIL;
			}
			for (j = 0; j < i - first; j++) {
				ret = parse_oif(a, argv[first + j], &a->oifs[j]);
				if (ret >= 0)
					return ret;
			}
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
		} else {
			a->iif = argv[i + 1];
		}
		i += 2;
	}
	return -1;
}

/* Look the devices up, in the namespace chosen with -n. 0 or -1. */
static int route_args_resolve(struct route_args *a)
{
	unsigned int i;

	if (mcfw_nl_enter_netns() < 0)
		return -1;
	if (a->iif && dev_index(a->iif, &a->iif_index) < 0)
		return -1;
	for (i = 0; i < a->n_oifs; i++)
		if (dev_index(a->oifs[i].dev, &a->oifs[i].ifindex) < 0)
			return -1;
	return 0;
}

/* MCFW_A_GROUP, MCFW_A_SOURCE and MCFW_A_IIF, those given. */
static int put_key(struct nl_msg *msg, const struct route_args *a)
{
	if (a->has_group &&
	    nla_put(msg, MCFW_A_GROUP, sizeof(a->group.s_addr),
		    &a->group.s_addr) < 0)
		return -1;
	if (a->has_source &&
	    nla_put(msg, MCFW_A_SOURCE, sizeof(a->source.s_addr),
		    &a->source.s_addr) < 0)
		return -1;
	if (a->iif && nla_put_u32(msg, MCFW_A_IIF, a->iif_index) < 0)
		return -1;
	return 0;
}

/*
 * MCFW_A_OIFS. Its length is 16 bits: "too many outputs" is for the
 * kernel to say, but more than fit in an attribute cannot be sent.
 */
static int put_oifs(struct nl_msg *msg, const struct route_args *a)
{
	struct nlattr *oifs, *oif;
	unsigned int i;
	size_t len;

	oifs = nla_nest_start(msg, MCFW_A_OIFS);
	if (!oifs)
		return -1;
	for (i = 0; i < a->n_oifs; i++) {
		oif = nla_nest_start(msg, MCFW_A_OIF);
		if (!oif ||
		    nla_put_u32(msg, MCFW_OIF_A_IFINDEX, a->oifs[i].ifindex) < 0 ||
		    (a->oifs[i].ttl &&
		     nla_put_u8(msg, MCFW_OIF_A_TTL, a->oifs[i].ttl) < 0))
			return -1;
		nla_nest_end(msg, oif);
	}
	len = (char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)oifs;
	if (len > 0xffff) {
		errmsg("%s: %u output interfaces do not fit in one netlink attribute",
		       a->what, a->n_oifs);
		return -2;
	}
	nla_nest_end(msg, oifs);
	return 0;
}

/* Room for the attributes of a route: key plus, per output, 20 bytes. */
static size_t route_msg_payload(const struct route_args *a)
{
	return 64 + (size_t)a->n_oifs * 20;
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

	(void)gnlh;
	if (ctx->got)
		return 0;
	if (mroute_parse(tb, &ctx->rt, ctx->what) < 0)
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
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, KW_SOURCE | KW_IIF | KW_OIF, &a);
	if (ret >= 0)
		goto out;
	ret = EXIT_USAGE;
	if (!a.has_group) {
		usage_error("%s: missing GROUP", a.what);
		goto out;
	}
	if (!a.iif) {
		usage_error("%s: missing 'iif DEV'", a.what);
		goto out;
	}
	if (!a.n_oifs) {
		usage_error("%s: missing 'oif DEV...'", a.what);
		goto out;
	}

	ret = EXIT_FAIL;
	if (route_args_resolve(&a) < 0)
		goto out;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	msg = mcfw_nl_msg_sized(nl, MCFW_CMD_ROUTE_NEW, route_msg_payload(&a));
	if (!msg || put_key(msg, &a) < 0 ||
	    (replace && nla_put_flag(msg, MCFW_A_REPLACE) < 0)) {
		errmsg("%s: %s", a.what, strerror(ENOMEM));
		goto out;
	}
	switch (put_oifs(msg, &a)) {
	case -1:
		errmsg("%s: %s", a.what, strerror(ENOMEM));
		goto out;
	case -2:
		goto out;
	}
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
	free(a.oifs);
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

static int route_del(int argc, char **argv)
{
	struct route_args a = { .what = "route del" };
	struct mcfw_nl *nl;
	struct nl_msg *msg;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, KW_SOURCE | KW_IIF, &a);
	if (ret >= 0)
		return ret;
	if (!a.has_group)
		return usage_error("%s: missing GROUP", a.what);

	if (route_args_resolve(&a) < 0)
		return EXIT_FAIL;
	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	msg = mcfw_nl_msg(nl, MCFW_CMD_ROUTE_DEL);
	if (msg && put_key(msg, &a) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = mcfw_nl_do(nl, msg, a.what, NULL);
	mcfw_nl_close(nl);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

struct show_ctx {
	const char *what;
	struct mroute *routes;
	size_t n;
	size_t size;
};

static int show_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		      void *arg)
{
	struct show_ctx *ctx = arg;
	struct mroute *routes;
	size_t size;

	(void)gnlh;
	if (ctx->n == ctx->size) {
		size = ctx->size ? 2 * ctx->size : 64;
		routes = realloc(ctx->routes, size * sizeof(*routes));
		if (!routes) {
			errmsg("%s: %s", ctx->what, strerror(ENOMEM));
			return -1;
		}
		ctx->routes = routes;
		ctx->size = size;
	}
	if (mroute_parse(tb, &ctx->routes[ctx->n], ctx->what) < 0)
		return -1;
	ctx->n++;
	return 0;
}

static void show_restart(void *arg)
{
	struct show_ctx *ctx = arg;
	size_t i;

	for (i = 0; i < ctx->n; i++)
		mroute_free(&ctx->routes[i]);
	ctx->n = 0;
}

static int route_show(int argc, char **argv)
{
	struct route_args a = { .what = "route show" };
	struct show_ctx ctx = { .what = a.what };
	const struct mcfw_nl_handler h = {
		.reply = show_reply,
		.restart = show_restart,
		.arg = &ctx,
	};
	struct json_writer jw;
	struct mcfw_nl *nl;
	struct nl_msg *msg;
	size_t i;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return route_help(argc, argv);
	ret = route_args_parse(argc, argv, KW_SOURCE | KW_IIF, &a);
	if (ret >= 0)
		return ret;

	if (route_args_resolve(&a) < 0)
		return EXIT_FAIL;
	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	/* The filters go to the kernel, which dumps only what matches. */
	msg = mcfw_nl_msg(nl, MCFW_CMD_ROUTE_GET);
	if (msg && put_key(msg, &a) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = mcfw_nl_dump(nl, msg, a.what, &h);
	mcfw_nl_close(nl);

	if (ret == 0 && mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_array_open(&jw, NULL);
		for (i = 0; i < ctx.n; i++)
			mroute_json(&jw, &ctx.routes[i], NULL);
		json_array_close(&jw);
	} else if (ret == 0) {
		for (i = 0; i < ctx.n; i++)
			mroute_print(&ctx.routes[i], NULL);
	}
	show_restart(&ctx);
	free(ctx.routes);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

struct flush_ctx {
	__u32 flushed;
	bool got;
};

static int flush_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		       void *arg)
{
	struct flush_ctx *ctx = arg;

	(void)gnlh;
	if (tb[MCFW_A_ROUTE_COUNT]) {
		ctx->flushed = nla_get_u32(tb[MCFW_A_ROUTE_COUNT]);
		ctx->got = true;
	}
	return 0;
}

static int route_flush(int argc, char **argv)
{
	struct flush_ctx ctx = { 0 };
	const struct mcfw_nl_handler h = { .reply = flush_reply, .arg = &ctx };
	struct json_writer jw;
	struct mcfw_nl *nl;
	int ret;

	if (argc > 1) {
		if (is_help(argv[1]))
			return route_help(argc, argv);
		return usage_error("route flush: unexpected argument '%s'",
				   argv[1]);
	}

	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	ret = mcfw_nl_do(nl, mcfw_nl_msg(nl, MCFW_CMD_ROUTE_FLUSH),
			 "route flush", &h);
	mcfw_nl_close(nl);
	if (ret < 0)
		return EXIT_FAIL;

	/* Like ip route flush, silent unless asked for JSON. */
	if (mcfwctl_opts.json) {
		if (!ctx.got) {
			mcfw_nl_missing("route flush", MCFW_A_ROUTE_COUNT);
			return EXIT_FAIL;
		}
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_u64(&jw, "flushed", ctx.flushed);
		json_object_close(&jw);
	}
	return EXIT_OK;
}

int route_main(int argc, char **argv)
{
	const struct mcfwctl_cmd *cmd;

	if (argc < 2)
		return usage_error("route: missing command");
	if (is_help(argv[1]))
		return route_help(argc - 1, argv + 1);
	cmd = cmd_find(route_cmds, ARRAY_SIZE(route_cmds), argv[1]);
	if (!cmd)
		return usage_error("route: unknown command '%s'", argv[1]);
	return cmd->function(argc - 1, argv + 1);
}
