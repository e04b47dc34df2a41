// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl relay - unicast datagrams to one of the host's addresses and a
 * UDP port, sent on as multicast.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"
#include "relay.h"
#include "route.h"

static int relay_help(int argc, char **argv);
static int relay_add(int argc, char **argv);
static int relay_del(int argc, char **argv);
static int relay_show(int argc, char **argv);

/* Keep the order; entries without a description are aliases. */
static const struct mcfwctl_cmd relay_cmds[] = {
	{ "add", relay_add, "add a relay", false },
	{ "replace", relay_add, "add a relay, or replace the one of its key", false },
	{ "del", relay_del, "delete a relay", false },
	{ "delete", relay_del, NULL, false },
	{ "show", relay_show, "list the relays, with counters (-s)", false },
	{ "list", relay_show, NULL, false },
	{ "ls", relay_show, NULL, false },
	{ "help", relay_help, "show this help", false },
};

static void relay_usage(void)
{
	size_t i;

	printf("Usage: " PROG_NAME " [OPTIONS] relay { add | replace } KEY [from SRC]\n"
	       "                 [iif DEV] group GROUP[:PORT] oif OUTPUT [OUTPUT...]\n"
	       "                 [ttl TTL] [snat]\n"
	       "       " PROG_NAME " [OPTIONS] relay { del | delete } KEY [iif DEV]\n"
	       "       " PROG_NAME " [OPTIONS] relay { show | list | ls }\n"
	       "       " PROG_NAME " relay help\n"
	       "\n"
	       "KEY := ADDR:PORT | ADDR port PORT\n"
	       "OUTPUT := DEV[:TTL][@GROUP[:PORT]] | unicast ADDR[:PORT]\n"
	       "An IPv6 ADDR or GROUP is written in brackets when a port follows it:\n"
	       "[2001:db8::1]:7000, group [ff3e::1]:6000, eth1@[ff3e::2]:6001. ADDR,\n"
	       "SRC, GROUP and the outputs' addresses are all IPv4 or all IPv6.\n"
	       "\n"
	       "UDP datagrams to ADDR:PORT, one of this host's addresses, are consumed\n"
	       "(no socket receives them) and sent as multicast GROUP (to UDP port\n"
	       "PORT, if given) out of every OUTPUT, with TTL the smaller of TTL\n"
	       "(default %d) and the arriving TTL minus one. from SRC: only datagrams\n"
	       "from SRC; iif DEV: only those arriving on DEV (part of the key).\n"
	       "snat: multicast copies leave with their output's address as source.\n"
	       "\n"
	       "Commands:\n", MCFW_RELAY_TTL_DEFAULT);
	for (i = 0; i < ARRAY_SIZE(relay_cmds); i++)
		if (relay_cmds[i].description)
			printf("  %-10s %s\n", relay_cmds[i].name,
			       relay_cmds[i].description);
}

static int relay_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	relay_usage();
	return EXIT_OK;
}

/* How a relay's key is written, for diagnostics. */
#define RELAY_KEY_FORM	"ADDR:PORT, [ADDR]:PORT for IPv6, or ADDR port PORT"

/* A relay's command line. */
struct relay_args {
	const char *what;
	struct ipaddr addr;
	__u16 port;		/* 0: not given yet */
	bool has_from;
	struct ipaddr from;
	const char *iif;	/* NULL: any input */
	bool has_group;
	struct ipaddr group;
	__u16 gport;		/* 0: kept */
	__u8 ttl;		/* 0: not given */
	bool snat;
	unsigned int n_oifs;
	struct route_oif_arg *oifs;
};

enum {
	RKW_FROM	= 1 << 0,
	RKW_IIF		= 1 << 1,
	RKW_GROUP	= 1 << 2,
	RKW_OIF		= 1 << 3,
	RKW_TTL		= 1 << 4,
	RKW_SNAT	= 1 << 5,
	RKW_PORT	= 1 << 6,
};

static int relay_keyword(const char *word)
{
	if (!strcmp(word, "from"))
		return RKW_FROM;
	if (!strcmp(word, "iif"))
		return RKW_IIF;
	if (!strcmp(word, "group"))
		return RKW_GROUP;
	if (!strcmp(word, "oif"))
		return RKW_OIF;
	if (!strcmp(word, "ttl"))
		return RKW_TTL;
	if (!strcmp(word, "snat"))
		return RKW_SNAT;
	if (!strcmp(word, "port"))
		return RKW_PORT;
	return 0;
}

/*
 * The relay's key, "ADDR:PORT" ("[ADDR]:PORT" for IPv6) or an ADDR whose
 * port is the keyword's: a unicast address and a port.
 */
static int parse_key(struct relay_args *a, const char *word)
{
	char addr[IPADDR_STRLEN];
	int ret;

	ret = route_parse_addr_port(a->what, "relay address", RELAY_KEY_FORM,
				    word, word, &a->addr, &a->port);
	if (ret >= 0)
		return ret;
	if (!ipaddr_is_unicast(&a->addr))
		return usage_error("%s: '%s' is not a unicast address of this host",
				   a->what, ipaddr_fmt(&a->addr, addr));
	return -1;
}

/* "GROUP[:PORT]": the group the copies carry. */
static int parse_group(struct relay_args *a, const char *word)
{
	char grp[IPADDR_STRLEN];
	const char *why;
	int ret;

	ret = route_parse_addr_port(a->what, "group",
				    "GROUP[:PORT], or [GROUP]:PORT for IPv6",
				    word, word, &a->group, &a->gport);
	if (ret >= 0)
		return ret;
	why = ipaddr_group_error(&a->group);
	if (why)
		return usage_error("%s: group '%s' %s", a->what,
				   ipaddr_fmt(&a->group, grp), why);
	a->has_group = true;
	return -1;
}

/* The "port PORT" of a key given as ADDR. */
static int parse_port_kw(struct relay_args *a, const char *word)
{
	if (a->port)
		return usage_error("%s: the port is given twice (%s)", a->what,
				   RELAY_KEY_FORM);
	if (ipaddr_parse_port(word, &a->port) < 0)
		return usage_error("%s: invalid port in '%s' (1-65535)", a->what,
				   word);
	return -1;
}

/* The addresses of a relay: of its group's family. */
static int relay_args_check(const struct relay_args *a)
{
	int ret;

	ret = route_same_family(a->what, "relay address", &a->addr, &a->group);
	if (ret < 0 && a->has_from)
		ret = route_same_family(a->what, "source", &a->from, &a->group);
	if (ret < 0)
		ret = route_oifs_same_family(a->what, a->oifs, a->n_oifs,
					     &a->group);
	return ret;
}

/*
 * argv[1] is the key; then keywords. @full: add's (every keyword, group
 * and oif required); else del's (iif and port only). -1 to go on, or exit
 * status.
 */
static int relay_args_parse(int argc, char **argv, bool full,
			    struct relay_args *a)
{
	unsigned int seen = 0, allowed = full ? ~0u : RKW_IIF | RKW_PORT;
	int i = 2, first, kw, ret;
	unsigned long ttl;
	char *end;

	if (argc < 2)
		return usage_error("%s: missing ADDR:PORT", a->what);
	ret = parse_key(a, argv[1]);
	if (ret >= 0)
		return ret;
	while (i < argc) {
		kw = relay_keyword(argv[i]);
		if (!kw || !(allowed & kw))
			return usage_error("%s: unexpected argument '%s'",
					   a->what, argv[i]);
		if (seen & kw)
			return usage_error("%s: '%s' given twice", a->what,
					   argv[i]);
		seen |= kw;
		if (kw == RKW_OIF) {
			first = ++i;
			while (i < argc && !relay_keyword(argv[i]))
				i++;
			if (i == first)
				return usage_error("%s: 'oif' needs at least one output",
						   a->what);
			ret = route_oifs_parse(a->what, argv, first, i,
					       &a->oifs, &a->n_oifs);
			if (ret >= 0)
				return ret;
			continue;
		}
		if (kw == RKW_SNAT) {
			a->snat = true;
			i++;
			continue;
		}
		if (i + 1 >= argc || relay_keyword(argv[i + 1]))
			return usage_error("%s: '%s' needs an argument", a->what,
					   argv[i]);
		if (kw == RKW_FROM) {
			if (ipaddr_parse(argv[i + 1], &a->from) < 0)
				return usage_error("%s: invalid source address '%s'",
						   a->what, argv[i + 1]);
			a->has_from = true;
		} else if (kw == RKW_PORT) {
			ret = parse_port_kw(a, argv[i + 1]);
			if (ret >= 0)
				return ret;
		} else if (kw == RKW_IIF) {
			a->iif = argv[i + 1];
			if (strlen(a->iif) >= IF_NAMESIZE)
				return usage_error("%s: interface name '%s' is too long",
						   a->what, a->iif);
		} else if (kw == RKW_GROUP) {
			ret = parse_group(a, argv[i + 1]);
			if (ret >= 0)
				return ret;
		} else {
			errno = 0;
			ttl = strtoul(argv[i + 1], &end, 10);
			if (argv[i + 1][0] < '0' || argv[i + 1][0] > '9' ||
			    *end || errno || ttl < 1 || ttl > 255)
				return usage_error("%s: invalid TTL '%s' (1-255)",
						   a->what, argv[i + 1]);
			a->ttl = ttl;
		}
		i += 2;
	}
	if (!a->port)
		return usage_error("%s: '%s' needs a port (%s)", a->what, argv[1],
				   RELAY_KEY_FORM);
	if (full && !a->has_group)
		return usage_error("%s: missing 'group GROUP'", a->what);
	if (full && !a->n_oifs)
		return usage_error("%s: missing 'oif OUTPUT...'", a->what);
	return full ? relay_args_check(a) : -1;
}

/* The key's attributes. */
static int put_key(struct nl_msg *msg, const struct relay_args *a)
{
	if (mcfw_nl_put_addr(msg, MCFW_A_RELAY_ADDR, MCFW_A_RELAY_ADDR6,
			     &a->addr) < 0 ||
	    nla_put_u16(msg, MCFW_A_RELAY_PORT, htons(a->port)) < 0 ||
	    (a->iif && nla_put_string(msg, MCFW_A_IIF_NAME, a->iif) < 0))
		return -1;
	return 0;
}

/*
 * The request of "relay add|replace|del ..." (argv[0] the command); in
 * a file (@batch) an add waits for its address and interfaces and
 * replaces the relay of its key. 0 with *@msg set, or the exit status.
 */
int relay_msg(struct mcfw_nl *nl, int argc, char **argv, bool batch,
	      struct nl_msg **msg)
{
	const struct mcfwctl_cmd *cmd;
	struct relay_args a = { 0 };
	bool del, replace;
	char what[32];
	int ret;

	*msg = NULL;
	/* The command by its full name, abbreviated or not ("rep"). */
	cmd = cmd_find(relay_cmds, ARRAY_SIZE(relay_cmds), argv[0]);
	if (cmd)
		argv[0] = (char *)cmd->name;
	del = !strcmp(argv[0], "del") || !strcmp(argv[0], "delete");
	replace = batch || !strcmp(argv[0], "replace");
	snprintf(what, sizeof(what), "relay %s", argv[0]);
	a.what = what;
	if (!del && strcmp(argv[0], "add") && strcmp(argv[0], "replace"))
		return usage_error("relay: '%s': only add, replace and del", argv[0]);
	ret = relay_args_parse(argc, argv, !del, &a);
	if (ret >= 0)
		goto out;
	ret = EXIT_FAIL;
	*msg = mcfw_nl_msg_sized(nl, del ? MCFW_CMD_RELAY_DEL :
					   MCFW_CMD_RELAY_NEW,
				 160 + (size_t)a.n_oifs * ROUTE_OIF_ROOM);
	if (!*msg || put_key(*msg, &a) < 0)
		goto nomem;
	if (del) {
		ret = 0;
		goto out;
	}
	if (mcfw_nl_put_addr(*msg, MCFW_A_GROUP, MCFW_A_GROUP6, &a.group) < 0 ||
	    (a.gport &&
	     nla_put_u16(*msg, MCFW_A_RELAY_GROUP_PORT, htons(a.gport)) < 0) ||
	    (a.has_from &&
	     mcfw_nl_put_addr(*msg, MCFW_A_SOURCE, MCFW_A_SOURCE6,
			      &a.from) < 0) ||
	    (a.ttl && nla_put_u8(*msg, MCFW_A_RELAY_TTL, a.ttl) < 0) ||
	    (a.snat && nla_put_flag(*msg, MCFW_A_SNAT) < 0) ||
	    (replace && nla_put_flag(*msg, MCFW_A_REPLACE) < 0) ||
	    (batch && nla_put_flag(*msg, MCFW_A_RELAY_WAIT) < 0))
		goto nomem;
	ret = route_oifs_put(*msg, a.oifs, a.n_oifs, what);
	if (ret == -2) {
		ret = EXIT_FAIL;
		nlmsg_free(*msg);
		*msg = NULL;
		goto out;
	}
	if (ret < 0)
		goto nomem;
	ret = 0;
	goto out;
nomem:
	nlmsg_free(*msg);
	*msg = NULL;
	errmsg("%s: %s", what, strerror(ENOMEM));
	ret = EXIT_FAIL;
out:
	free(a.oifs);
	return ret;
}

static int relay_change(int argc, char **argv)
{
	struct nl_msg *msg;
	struct mcfw_nl *nl;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return relay_help(argc, argv);
	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	ret = relay_msg(nl, argc, argv, false, &msg);
	if (!ret)
		ret = mcfw_nl_do(nl, msg, argv[0][0] == 'd' ? "relay del" :
					  argv[0][0] == 'r' ? "relay replace" :
					  "relay add", NULL) < 0 ?
		      EXIT_FAIL : EXIT_OK;
	mcfw_nl_close(nl);
	return ret;
}

static int relay_add(int argc, char **argv)
{
	return relay_change(argc, argv);
}

static int relay_del(int argc, char **argv)
{
	return relay_change(argc, argv);
}

/* A relay as the kernel reports it. */
struct relay {
	struct ipaddr addr;
	__u16 port;
	char iif[IF_NAMESIZE];	/* "" for any */
	bool has_from;
	struct ipaddr from;
	struct ipaddr group;
	__u16 gport;
	__u8 ttl;
	bool snat;
	bool waiting;
	__u64 c[MCFW_STATS_A_MAX + 1];
	unsigned int n_oifs;
	struct mroute_oif *oifs;
};

struct relay_ctx {
	const char *what;
	struct relay *relays;
	size_t n;
	size_t size;
};

static void relay_ctx_free(struct relay_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n; i++)
		free(ctx->relays[i].oifs);
	free(ctx->relays);
	ctx->relays = NULL;
	ctx->n = 0;
}

static int relay_parse_oifs(struct nlattr *nest, struct relay *r,
			    const char *what)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem)
		n++;
	r->oifs = calloc(n ?: 1, sizeof(*r->oifs));
	if (!r->oifs) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return -1;
	}
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MCFW_A_OIF)
			continue;
		if (mroute_parse_oif(a, &r->oifs[r->n_oifs], what) < 0)
			return -1;
		r->n_oifs++;
	}
	return 0;
}

static int relay_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		       void *arg)
{
	struct relay_ctx *ctx = arg;
	struct relay *relays, *r;
	size_t size;

	(void)gnlh;
	if (!tb[MCFW_A_RELAY_ADDR] && !tb[MCFW_A_RELAY_ADDR6])
		return mcfw_nl_missing(ctx->what, MCFW_A_RELAY_ADDR);
	if (!tb[MCFW_A_RELAY_PORT])
		return mcfw_nl_missing(ctx->what, MCFW_A_RELAY_PORT);
	if (!tb[MCFW_A_GROUP] && !tb[MCFW_A_GROUP6])
		return mcfw_nl_missing(ctx->what, MCFW_A_GROUP);
	if (ctx->n == ctx->size) {
		size = ctx->size ? 2 * ctx->size : 16;
		relays = realloc(ctx->relays, size * sizeof(*relays));
		if (!relays) {
			errmsg("%s: %s", ctx->what, strerror(ENOMEM));
			return -1;
		}
		ctx->relays = relays;
		ctx->size = size;
	}
	r = &ctx->relays[ctx->n++];
	memset(r, 0, sizeof(*r));
	mcfw_nl_get_addr(tb[MCFW_A_RELAY_ADDR], tb[MCFW_A_RELAY_ADDR6],
			 &r->addr);
	r->port = ntohs(nla_get_u16(tb[MCFW_A_RELAY_PORT]));
	if (tb[MCFW_A_IIF_NAME])
		snprintf(r->iif, sizeof(r->iif), "%s",
			 nla_get_string(tb[MCFW_A_IIF_NAME]));
	r->has_from = !mcfw_nl_get_addr(tb[MCFW_A_SOURCE], tb[MCFW_A_SOURCE6],
					&r->from);
	mcfw_nl_get_addr(tb[MCFW_A_GROUP], tb[MCFW_A_GROUP6], &r->group);
	if (tb[MCFW_A_RELAY_GROUP_PORT])
		r->gport = ntohs(nla_get_u16(tb[MCFW_A_RELAY_GROUP_PORT]));
	r->ttl = tb[MCFW_A_RELAY_TTL] ? nla_get_u8(tb[MCFW_A_RELAY_TTL]) :
					MCFW_RELAY_TTL_DEFAULT;
	r->waiting = tb[MCFW_A_WAITING];
	r->snat = tb[MCFW_A_SNAT];
	if (tb[MCFW_A_STATS] && mcfw_nl_stats(tb[MCFW_A_STATS], r->c) < 0) {
		errmsg("%s: malformed reply from the kernel (bad counters)",
		       ctx->what);
		return -1;
	}
	if (tb[MCFW_A_OIFS])
		return relay_parse_oifs(tb[MCFW_A_OIFS], r, ctx->what);
	return 0;
}

static void relay_restart(void *arg)
{
	relay_ctx_free(arg);
}

/* Every relay of the namespace, with counters if @stats. 0, or -1. */
static int relay_list(struct mcfw_nl *nl, struct relay_ctx *ctx, bool stats)
{
	const struct mcfw_nl_handler h = {
		.reply = relay_reply,
		.restart = relay_restart,
		.arg = ctx,
	};
	struct nl_msg *msg = mcfw_nl_msg(nl, MCFW_CMD_RELAY_GET);

	if (msg && !stats && nla_put_flag(msg, MCFW_A_NO_STATS) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return mcfw_nl_dump(nl, msg, ctx->what, &h) < 0 ? -1 : 0;
}

/* "relay add ..." words for @r, as save and show print it. */
static void relay_print_command(const struct relay *r, bool cmd)
{
	char addr[IPADDR_PORT_STRLEN];
	unsigned int i;

	printf("%s%s", cmd ? "relay add " : "",
	       ipaddr_port_fmt(&r->addr, r->port, addr));
	if (r->has_from)
		printf(" from %s", ipaddr_fmt(&r->from, addr));
	if (r->iif[0])
		printf(" iif %s", r->iif);
	printf(" group %s", ipaddr_port_fmt(&r->group, r->gport, addr));
	fputs(" oif", stdout);
	for (i = 0; i < r->n_oifs; i++) {
		putchar(' ');
		mroute_print_oif(&r->group, &r->oifs[i]);
	}
	if (r->ttl != MCFW_RELAY_TTL_DEFAULT)
		printf(" ttl %u", r->ttl);
	if (r->snat)
		fputs(" snat", stdout);
}

static void relay_print(const struct relay *r)
{
	const struct mroute_oif *oif;
	unsigned int i;

	relay_print_command(r, false);
	if (r->waiting)
		fputs(" waiting", stdout);
	putchar('\n');
	if (!mcfwctl_opts.stats)
		return;
	printf("    packets %llu bytes %llu ttl_drop %llu xmit_drop %llu\n",
	       (unsigned long long)r->c[MCFW_STATS_A_PACKETS],
	       (unsigned long long)r->c[MCFW_STATS_A_BYTES],
	       (unsigned long long)r->c[MCFW_STATS_A_TTL_DROP],
	       (unsigned long long)r->c[MCFW_STATS_A_XMIT_DROP]);
	for (i = 0; i < r->n_oifs; i++) {
		oif = &r->oifs[i];
		fputs("    oif ", stdout);
		mroute_print_oif(&r->group, oif);
		printf(" packets %llu bytes %llu drops %llu\n",
		       (unsigned long long)oif->packets,
		       (unsigned long long)oif->bytes,
		       (unsigned long long)oif->drops);
	}
}

static void relay_json(struct json_writer *jw, const struct relay *r)
{
	char addr[IPADDR_STRLEN];
	const struct mroute_oif *oif;
	unsigned int i;

	json_object_open(jw, NULL);
	json_string(jw, "addr", ipaddr_fmt(&r->addr, addr));
	json_u64(jw, "port", r->port);
	if (r->iif[0])
		json_string(jw, "iif", r->iif);
	else
		json_null(jw, "iif");
	if (r->has_from)
		json_string(jw, "from", ipaddr_fmt(&r->from, addr));
	else
		json_null(jw, "from");
	json_string(jw, "group", ipaddr_fmt(&r->group, addr));
	if (r->gport)
		json_u64(jw, "group_port", r->gport);
	else
		json_null(jw, "group_port");
	json_u64(jw, "ttl", r->ttl);
	json_bool(jw, "snat", r->snat);
	json_bool(jw, "waiting", r->waiting);
	json_array_open(jw, "oifs");
	for (i = 0; i < r->n_oifs; i++) {
		oif = &r->oifs[i];
		json_object_open(jw, NULL);
		if (oif->unicast) {
			json_null(jw, "dev");
			json_string(jw, "unicast", ipaddr_fmt(&oif->addr, addr));
		} else {
			json_string(jw, "dev", oif->dev);
			json_null(jw, "unicast");
		}
		json_u64(jw, "ttl", oif->ttl);
		if (oif->has_group)
			json_string(jw, "group", ipaddr_fmt(&oif->group, addr));
		else
			json_null(jw, "group");
		if (oif->port)
			json_u64(jw, "port", oif->port);
		else
			json_null(jw, "port");
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
		json_u64(jw, "packets", r->c[MCFW_STATS_A_PACKETS]);
		json_u64(jw, "bytes", r->c[MCFW_STATS_A_BYTES]);
		json_u64(jw, "ttl_drop", r->c[MCFW_STATS_A_TTL_DROP]);
		json_u64(jw, "xmit_drop", r->c[MCFW_STATS_A_XMIT_DROP]);
		json_object_close(jw);
	}
	json_object_close(jw);
}

static int relay_show(int argc, char **argv)
{
	struct relay_ctx ctx = { .what = "relay show" };
	struct json_writer jw;
	struct mcfw_nl *nl;
	size_t i;
	int ret;

	if (argc > 1) {
		if (is_help(argv[1]))
			return relay_help(argc, argv);
		return usage_error("relay show: unexpected argument '%s'",
				   argv[1]);
	}
	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	ret = relay_list(nl, &ctx, mcfwctl_opts.stats) < 0 ? EXIT_FAIL : EXIT_OK;
	mcfw_nl_close(nl);
	if (ret == EXIT_OK) {
		if (mcfwctl_opts.json) {
			json_init(&jw, stdout, mcfwctl_opts.pretty);
			json_array_open(&jw, NULL);
			for (i = 0; i < ctx.n; i++)
				relay_json(&jw, &ctx.relays[i]);
			json_array_close(&jw);
		} else {
			for (i = 0; i < ctx.n; i++)
				relay_print(&ctx.relays[i]);
		}
	}
	relay_ctx_free(&ctx);
	return ret;
}

int relay_save(struct mcfw_nl *nl)
{
	struct relay_ctx ctx = { .what = "save" };
	size_t i;
	int ret;

	/* A module older than relays has none to save. */
	if (!mcfw_nl_cmd_known(nl, MCFW_CMD_RELAY_GET))
		return 0;
	ret = relay_list(nl, &ctx, false);
	for (i = 0; !ret && i < ctx.n; i++) {
		relay_print_command(&ctx.relays[i], true);
		putchar('\n');
	}
	relay_ctx_free(&ctx);
	return ret;
}

int relay_main(int argc, char **argv)
{
	const struct mcfwctl_cmd *cmd;

	if (argc < 2)
		return relay_show(1, argv);
	if (is_help(argv[1]))
		return relay_help(argc - 1, argv + 1);
	cmd = cmd_find(relay_cmds, ARRAY_SIZE(relay_cmds), argv[1]);
	if (!cmd)
		return usage_error("relay: unknown command '%s'", argv[1]);
	return cmd->function(argc - 1, argv + 1);
}
