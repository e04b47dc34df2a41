// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl iface - the interfaces mcfw uses, with their counters.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"
#include "json.h"
#include "mcfwctl.h"
#include "nl.h"

static int iface_help(int argc, char **argv);
static int iface_show(int argc, char **argv);
static int iface_set(int argc, char **argv);

/* Keep the order; entries without a description are aliases. */
static const struct mcfwctl_cmd iface_cmds[] = {
	{ "show", iface_show, "list the interfaces of routes, with counters", false },
	{ "list", iface_show, NULL, false },
	{ "ls", iface_show, NULL, false },
	{ "set", iface_set, "set an interface's scope boundary", false },
	{ "help", iface_help, "show this help", false },
};

const char *iface_cmd_name(const char *word)
{
	const struct mcfwctl_cmd *cmd;

	cmd = cmd_find(iface_cmds, ARRAY_SIZE(iface_cmds), word);
	return cmd ? cmd->name : NULL;
}

static void iface_usage(void)
{
	size_t i;

	printf("Usage: " PROG_NAME " [OPTIONS] iface { show | list | ls }\n"
	       "       " PROG_NAME " iface set DEV boundary { BOUNDARY [BOUNDARY...] | none }\n"
	       "       " PROG_NAME " iface help\n"
	       "\n"
	       "The interfaces routes name (inputs and outputs), and those with a\n"
	       "boundary, by name: with their ifindex and \"allmulti\" (mcfw holds an\n"
	       "input in ALLMULTI), or \"waiting\" while no device has the name, and\n"
	       "their boundary.\n"
	       "\n"
	       "BOUNDARY := PREFIX | scope SCOPE\n"
	       "\n"
	       "A boundary (RFC 2365) is a list of group prefixes, IPv4 or IPv6,\n"
	       "such as 239.0.0.0/8 or ff05::/16: copies of those groups never\n"
	       "leave through DEV, and packets of them arriving on DEV are not\n"
	       "forwarded (boundary_drop). scope SCOPE (1-15) makes DEV a zone\n"
	       "boundary (RFC 4007) for IPv6 groups of that scope or less, for\n"
	       "example 5 (site-local). The list replaces DEV's; none removes it.\n"
	       "It belongs to the name, whether or not a route uses it or a device\n"
	       "has it.\n"
	       "\n"
	       "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(iface_cmds); i++)
		if (iface_cmds[i].description)
			printf("  %-10s %s\n", iface_cmds[i].name,
			       iface_cmds[i].description);
}

static int iface_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	iface_usage();
	return EXIT_OK;
}

struct iface_prefix {
	struct ipaddr addr;
	__u8 len;
};

struct iface {
	__u32 ifindex;		/* 0 while absent */
	bool waiting;
	bool allmulti;
	char name[IF_NAMESIZE];
	unsigned int n_bnd;	/* its boundary */
	struct iface_prefix bnd[MCFW_BOUNDARY_MAX];
	__u8 scope;		/* IPv6 scopes up to this one, or 0 */
	__u64 c[MCFW_STATS_A_MAX + 1];
};

static struct nla_policy prefix_policy[MCFW_PREFIX_A_MAX + 1] = {
	[MCFW_PREFIX_A_ADDR]	= { .type = NLA_U32 },	/* be32 */
	[MCFW_PREFIX_A_LEN]	= { .type = NLA_U8 },
	[MCFW_PREFIX_A_ADDR6]	= MCFW_NL_POLICY_IN6,
};

/* The prefixes of a boundary nest; 0, or -1 if malformed. */
static int parse_boundary(struct nlattr *nest, struct iface *iface)
{
	struct nlattr *a, *tb[MCFW_PREFIX_A_MAX + 1];
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MCFW_A_PREFIX)
			continue;
		if (iface->n_bnd == MCFW_BOUNDARY_MAX ||
		    nla_parse_nested(tb, MCFW_PREFIX_A_MAX, a, prefix_policy) < 0 ||
		    mcfw_nl_get_addr(tb[MCFW_PREFIX_A_ADDR],
				     tb[MCFW_PREFIX_A_ADDR6],
				     &iface->bnd[iface->n_bnd].addr) < 0 ||
		    !tb[MCFW_PREFIX_A_LEN])
			return -1;
		iface->bnd[iface->n_bnd].len = nla_get_u8(tb[MCFW_PREFIX_A_LEN]);
		iface->n_bnd++;
	}
	return 0;
}

/* Room for a prefix as text, with the NUL. */
#define PREFIX_STRLEN	(IPADDR_STRLEN + 4)

static const char *print_prefix(const struct iface_prefix *p, char *buf)
{
	char addr[IPADDR_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", ipaddr_fmt(&p->addr, addr),
		 p->len);
	return buf;
}

/*
 * The words after "boundary": the prefixes, then "scope N" if it has
 * one (iface show, save).
 */
static void print_boundary(const struct iface *iface)
{
	char p[PREFIX_STRLEN];
	unsigned int i;

	for (i = 0; i < iface->n_bnd; i++)
		printf(" %s", print_prefix(&iface->bnd[i], p));
	if (iface->scope)
		printf(" scope %u", iface->scope);
}

struct iface_ctx {
	const char *what;
	struct iface *ifaces;
	size_t n;
	size_t size;
};

static int iface_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		       void *arg)
{
	struct iface_ctx *ctx = arg;
	struct iface *ifaces, *iface;
	size_t size;

	(void)gnlh;
	if (!tb[MCFW_A_IFINDEX] && !tb[MCFW_A_IFNAME])
		return mcfw_nl_missing(ctx->what, MCFW_A_IFNAME);
	if (ctx->n == ctx->size) {
		size = ctx->size ? 2 * ctx->size : 32;
		ifaces = realloc(ctx->ifaces, size * sizeof(*ifaces));
		if (!ifaces) {
			errmsg("%s: %s", ctx->what, strerror(ENOMEM));
			return -1;
		}
		ctx->ifaces = ifaces;
		ctx->size = size;
	}
	iface = &ctx->ifaces[ctx->n];
	memset(iface, 0, sizeof(*iface));
	iface->ifindex = tb[MCFW_A_IFINDEX] ? nla_get_u32(tb[MCFW_A_IFINDEX]) : 0;
	iface->waiting = tb[MCFW_A_WAITING];
	iface->allmulti = tb[MCFW_A_ALLMULTI];
	snprintf(iface->name, sizeof(iface->name), "%s",
		 tb[MCFW_A_IFNAME] ? nla_get_string(tb[MCFW_A_IFNAME]) :
				     dev_name(iface->ifindex));
	if (tb[MCFW_A_BOUNDARY_SCOPE])
		iface->scope = nla_get_u8(tb[MCFW_A_BOUNDARY_SCOPE]);
	if (tb[MCFW_A_BOUNDARIES] &&
	    parse_boundary(tb[MCFW_A_BOUNDARIES], iface) < 0) {
		errmsg("%s: malformed reply from the kernel (bad boundary)",
		       ctx->what);
		return -1;
	}
	if (tb[MCFW_A_STATS] && mcfw_nl_stats(tb[MCFW_A_STATS], iface->c) < 0) {
		errmsg("%s: malformed reply from the kernel (bad counters)",
		       ctx->what);
		return -1;
	}
	ctx->n++;
	return 0;
}

static void iface_restart(void *arg)
{
	struct iface_ctx *ctx = arg;

	ctx->n = 0;
}

/* Present ones in the order of ip link, then waiting ones by name. */
static int iface_cmp(const void *a, const void *b)
{
	const struct iface *x = a, *y = b;

	if (!x->ifindex || !y->ifindex) {
		if (x->ifindex || y->ifindex)
			return x->ifindex ? -1 : 1;
		return strcmp(x->name, y->name);
	}
	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

static void iface_print(const struct iface *iface)
{
	const __u64 *c = iface->c;

	if (iface->ifindex)
		printf("%s ifindex %u%s", iface->name, iface->ifindex,
		       iface->allmulti ? " allmulti" : "");
	else
		printf("%s waiting", iface->name);
	if (iface->n_bnd || iface->scope)
		fputs(" boundary", stdout);
	print_boundary(iface);
	putchar('\n');
	if (!mcfwctl_opts.stats)
		return;
	printf("    in packets %llu bytes %llu out packets %llu bytes %llu\n",
	       (unsigned long long)c[MCFW_STATS_A_PACKETS],
	       (unsigned long long)c[MCFW_STATS_A_BYTES],
	       (unsigned long long)c[MCFW_STATS_A_OUT_PACKETS],
	       (unsigned long long)c[MCFW_STATS_A_OUT_BYTES]);
	printf("    drops ttl %llu martian %llu rate %llu",
	       (unsigned long long)c[MCFW_STATS_A_TTL_DROP],
	       (unsigned long long)c[MCFW_STATS_A_MARTIAN_DROP],
	       (unsigned long long)c[MCFW_STATS_A_RATE_DROP]);
	printf(" ra %llu srr %llu record %llu badopt %llu boundary %llu",
	       (unsigned long long)c[MCFW_STATS_A_RA_DROP],
	       (unsigned long long)c[MCFW_STATS_A_SRR_DROP],
	       (unsigned long long)c[MCFW_STATS_A_RECORD_DROP],
	       (unsigned long long)c[MCFW_STATS_A_BADOPT_DROP],
	       (unsigned long long)c[MCFW_STATS_A_BOUNDARY_DROP]);
	printf(" scope %llu mtu %llu down %llu filter %llu xmit %llu total %llu\n",
	       (unsigned long long)c[MCFW_STATS_A_SCOPE_DROP],
	       (unsigned long long)c[MCFW_STATS_A_MTU_DROP],
	       (unsigned long long)c[MCFW_STATS_A_DOWN_DROP],
	       (unsigned long long)c[MCFW_STATS_A_FILTER_DROP],
	       (unsigned long long)c[MCFW_STATS_A_XMIT_DROP],
	       (unsigned long long)c[MCFW_STATS_A_DROPS]);
}

static void iface_json(struct json_writer *jw, const struct iface *iface)
{
	static const struct {
		const char *key;
		int attr;
	} stats[] = {
		{ "in_packets", MCFW_STATS_A_PACKETS },
		{ "in_bytes", MCFW_STATS_A_BYTES },
		{ "out_packets", MCFW_STATS_A_OUT_PACKETS },
		{ "out_bytes", MCFW_STATS_A_OUT_BYTES },
		{ "ttl_drop", MCFW_STATS_A_TTL_DROP },
		{ "martian_drop", MCFW_STATS_A_MARTIAN_DROP },
		{ "rate_drop", MCFW_STATS_A_RATE_DROP },
		{ "boundary_drop", MCFW_STATS_A_BOUNDARY_DROP },
		{ "ra_drop", MCFW_STATS_A_RA_DROP },
		{ "srr_drop", MCFW_STATS_A_SRR_DROP },
		{ "record_drop", MCFW_STATS_A_RECORD_DROP },
		{ "badopt_drop", MCFW_STATS_A_BADOPT_DROP },
		{ "scope_drop", MCFW_STATS_A_SCOPE_DROP },
		{ "mtu_drop", MCFW_STATS_A_MTU_DROP },
		{ "down_drop", MCFW_STATS_A_DOWN_DROP },
		{ "filter_drop", MCFW_STATS_A_FILTER_DROP },
		{ "xmit_drop", MCFW_STATS_A_XMIT_DROP },
		{ "drops", MCFW_STATS_A_DROPS },
	};
	char p[PREFIX_STRLEN];
	size_t i;

	json_object_open(jw, NULL);
	json_string(jw, "dev", iface->name);
	if (iface->ifindex)
		json_u64(jw, "ifindex", iface->ifindex);
	else
		json_null(jw, "ifindex");
	json_bool(jw, "waiting", iface->waiting);
	json_bool(jw, "allmulti", iface->allmulti);
	json_array_open(jw, "boundary");
	for (i = 0; i < iface->n_bnd; i++)
		json_string(jw, NULL, print_prefix(&iface->bnd[i], p));
	json_array_close(jw);
	if (iface->scope)
		json_u64(jw, "boundary_scope", iface->scope);
	if (mcfwctl_opts.stats) {
		json_object_open(jw, "stats");
		for (i = 0; i < ARRAY_SIZE(stats); i++)
			json_u64(jw, stats[i].key, iface->c[stats[i].attr]);
		json_object_close(jw);
	}
	json_object_close(jw);
}

static int iface_show(int argc, char **argv)
{
	struct iface_ctx ctx = { .what = "iface show" };
	const struct mcfw_nl_handler h = {
		.reply = iface_reply,
		.restart = iface_restart,
		.arg = &ctx,
	};
	struct json_writer jw;
	struct mcfw_nl *nl;
	size_t i;
	int ret;

	if (argc > 1) {
		if (is_help(argv[1]))
			return iface_help(argc, argv);
		return usage_error("iface show: unexpected argument '%s'",
				   argv[1]);
	}

	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	ret = mcfw_nl_dump(nl, mcfw_nl_msg(nl, MCFW_CMD_IFACE_GET), ctx.what,
			   &h);
	mcfw_nl_close(nl);

	/* In the order of ip link, rather than that of first use. */
	if (ctx.n)
		qsort(ctx.ifaces, ctx.n, sizeof(*ctx.ifaces), iface_cmp);
	if (ret == 0 && mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_array_open(&jw, NULL);
		for (i = 0; i < ctx.n; i++)
			iface_json(&jw, &ctx.ifaces[i]);
		json_array_close(&jw);
	} else if (ret == 0) {
		for (i = 0; i < ctx.n; i++)
			iface_print(&ctx.ifaces[i]);
	}
	free(ctx.ifaces);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

/*
 * "ADDR/LEN", or "ADDR" (all its bits): a prefix of multicast groups,
 * in 224.0.0.0/4 (LEN 4-32) or ff00::/8 (LEN 8-128), without host bits.
 * -1 to go on, or the exit status.
 */
static int parse_prefix(const char *what, const char *word,
			struct iface_prefix *p)
{
	char buf[PREFIX_STRLEN], *slash, *end;
	unsigned long len = 0;
	unsigned int bits;
	bool v6;

	if (strlen(word) >= sizeof(buf))
		goto bad;
	strcpy(buf, word);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end || errno)
			goto bad;
	}
	if (ipaddr_parse(buf, &p->addr) < 0)
		goto bad;
	v6 = p->addr.family == AF_INET6;
	bits = ipaddr_len(&p->addr) * 8;
	if (!slash)
		len = bits;
	if (len > bits)
		goto bad;
	p->len = len;
	/* Checked here too, so that a file's bad line changes nothing. */
	if (!ipaddr_is_multicast(&p->addr) || len < (v6 ? 8 : 4))
		return usage_error("%s: '%s' is not a prefix of multicast groups (in %s)",
				   what, word, v6 ? "ff00::/8" : "224.0.0.0/4");
	if (!ipaddr_prefix_clean(&p->addr, len))
		return usage_error("%s: prefix '%s' has host bits set", what,
				   word);
	return -1;
bad:
	return usage_error("%s: invalid prefix '%s' (A.B.C.D/LEN or IPV6-ADDRESS/LEN)",
			   what, word);
}

/* "scope N" at argv[@i]. -1 to go on, or the exit status. */
static int parse_scope(const char *what, int argc, char **argv, int i,
		       __u8 *scope)
{
	unsigned long v;
	char *end;

	if (*scope)
		return usage_error("%s: 'scope' given twice", what);
	if (i + 1 >= argc)
		return usage_error("%s: 'scope' needs an IPv6 scope (1-15)", what);
	errno = 0;
	v = strtoul(argv[i + 1], &end, 10);
	if (argv[i + 1][0] < '0' || argv[i + 1][0] > '9' || *end || errno ||
	    v < 1 || v > 15)
		return usage_error("%s: invalid scope '%s' (an IPv6 scope, 1-15)",
				   what, argv[i + 1]);
	*scope = v;
	return -1;
}

/*
 * The @argc words after "boundary" into @b: "none", or prefixes and
 * "scope N" in any order. -1 to go on, or the exit status.
 */
static int parse_boundary_args(const char *what, int argc, char **argv,
			       struct iface *b)
{
	struct iface_prefix p;
	unsigned int j;
	int i, ret;

	if (!strcmp(argv[0], "none"))
		return argc > 1 ? usage_error("%s: 'none' stands alone", what) :
				  -1;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "scope")) {
			ret = parse_scope(what, argc, argv, i++, &b->scope);
			if (ret >= 0)
				return ret;
			continue;
		}
		ret = parse_prefix(what, argv[i], &p);
		if (ret >= 0)
			return ret;
		for (j = 0; j < b->n_bnd; j++)
			if (b->bnd[j].len == p.len &&
			    ipaddr_equal(&b->bnd[j].addr, &p.addr))
				return usage_error("%s: prefix '%s' listed twice",
						   what, argv[i]);
		if (b->n_bnd == MCFW_BOUNDARY_MAX)
			return usage_error("%s: at most %d prefixes", what,
					   MCFW_BOUNDARY_MAX);
		b->bnd[b->n_bnd++] = p;
	}
	return -1;
}

/* MCFW_A_BOUNDARIES (even empty: none) and MCFW_A_BOUNDARY_SCOPE. */
static int put_boundary(struct nl_msg *msg, const struct iface *b)
{
	struct nlattr *nest, *pn;
	unsigned int i;

	nest = nla_nest_start(msg, MCFW_A_BOUNDARIES);
	if (!nest)
		return -1;
	for (i = 0; i < b->n_bnd; i++) {
		pn = nla_nest_start(msg, MCFW_A_PREFIX);
		if (!pn ||
		    mcfw_nl_put_addr(msg, MCFW_PREFIX_A_ADDR, MCFW_PREFIX_A_ADDR6,
				     &b->bnd[i].addr) < 0 ||
		    nla_put_u8(msg, MCFW_PREFIX_A_LEN, b->bnd[i].len) < 0)
			return -1;
		nla_nest_end(msg, pn);
	}
	nla_nest_end(msg, nest);
	if (b->scope && nla_put_u8(msg, MCFW_A_BOUNDARY_SCOPE, b->scope) < 0)
		return -1;
	return 0;
}

int iface_set_msg(struct mcfw_nl *nl, int argc, char **argv,
		  const char *what, struct nl_msg **msg)
{
	struct iface b = { 0 };
	const char *dev;
	int ret;

	*msg = NULL;
	if (argc < 2)
		return usage_error("%s: missing DEV", what);
	dev = argv[1];
	/* As the kernel's dev_valid_name() has it. */
	if (strlen(dev) >= IF_NAMESIZE || !dev[0] || !strcmp(dev, ".") ||
	    !strcmp(dev, "..") || strpbrk(dev, "/: \t\n\r\v\f\xa0"))
		return usage_error("%s: invalid interface name '%s'", what, dev);
	if (argc < 3 || strcmp(argv[2], "boundary"))
		return usage_error("%s: expected 'boundary' after %s", what, dev);
	if (argc < 4)
		return usage_error("%s: 'boundary' needs prefixes, a scope or 'none'",
				   what);
	ret = parse_boundary_args(what, argc - 3, argv + 3, &b);
	if (ret >= 0)
		return ret;
	*msg = mcfw_nl_msg_sized(nl, MCFW_CMD_IFACE_SET,
				 64 + (size_t)b.n_bnd * 32);
	if (!*msg || nla_put_string(*msg, MCFW_A_IFNAME, dev) < 0 ||
	    put_boundary(*msg, &b) < 0) {
		nlmsg_free(*msg);
		*msg = NULL;
		errmsg("%s: %s", what, strerror(ENOMEM));
		return EXIT_FAIL;
	}
	return 0;
}

static int iface_set(int argc, char **argv)
{
	struct nl_msg *msg;
	struct mcfw_nl *nl;
	int ret;

	if (argc > 1 && is_help(argv[1]))
		return iface_help(argc, argv);
	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	ret = iface_set_msg(nl, argc, argv, "iface set", &msg);
	if (!ret)
		ret = mcfw_nl_do(nl, msg, "iface set", NULL) < 0 ? EXIT_FAIL :
								     EXIT_OK;
	mcfw_nl_close(nl);
	return ret;
}

int iface_save(struct mcfw_nl *nl)
{
	struct iface_ctx ctx = { .what = "save" };
	const struct mcfw_nl_handler h = {
		.reply = iface_reply,
		.restart = iface_restart,
		.arg = &ctx,
	};
	size_t i;
	int ret;

	ret = mcfw_nl_dump(nl, mcfw_nl_msg(nl, MCFW_CMD_IFACE_GET), ctx.what,
			   &h);
	for (i = 0; ret == 0 && i < ctx.n; i++) {
		if (!ctx.ifaces[i].n_bnd && !ctx.ifaces[i].scope)
			continue;
		printf("iface set %s boundary", ctx.ifaces[i].name);
		print_boundary(&ctx.ifaces[i]);
		putchar('\n');
	}
	free(ctx.ifaces);
	return ret < 0 ? -1 : 0;
}

int iface_main(int argc, char **argv)
{
	const struct mcfwctl_cmd *cmd;

	if (argc < 2)
		return usage_error("iface: missing command");
	if (is_help(argv[1]))
		return iface_help(argc - 1, argv + 1);
	cmd = cmd_find(iface_cmds, ARRAY_SIZE(iface_cmds), argv[1]);
	if (!cmd)
		return usage_error("iface: unknown command '%s'", argv[1]);
	return cmd->function(argc - 1, argv + 1);
}
