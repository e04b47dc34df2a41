// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl iface - the interfaces mcfw uses, with their counters.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"

static int iface_help(int argc, char **argv);
static int iface_show(int argc, char **argv);

/* Keep the order; entries without a description are aliases. */
static const struct mcfwctl_cmd iface_cmds[] = {
	{ "show", iface_show, "list the interfaces of routes, with counters", false },
	{ "list", iface_show, NULL, false },
	{ "ls", iface_show, NULL, false },
	{ "help", iface_help, "show this help", false },
};

static void iface_usage(void)
{
	size_t i;

	printf("Usage: " PROG_NAME " [OPTIONS] iface { show | list | ls }\n"
	       "       " PROG_NAME " iface help\n"
	       "\n"
	       "The interfaces routes name (inputs and outputs), by name: with their\n"
	       "ifindex and \"allmulti\" (mcfw holds an input in ALLMULTI), or\n"
	       "\"waiting\" while no device has the name.\n"
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

struct iface {
	__u32 ifindex;		/* 0 while absent */
	bool waiting;
	bool allmulti;
	char name[IF_NAMESIZE];
	__u64 c[MCFW_STATS_A_MAX + 1];
};

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
		printf("%s ifindex %u%s\n", iface->name, iface->ifindex,
		       iface->allmulti ? " allmulti" : "");
	else
		printf("%s waiting\n", iface->name);
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
	printf(" ra %llu srr %llu record %llu badopt %llu",
	       (unsigned long long)c[MCFW_STATS_A_RA_DROP],
	       (unsigned long long)c[MCFW_STATS_A_SRR_DROP],
	       (unsigned long long)c[MCFW_STATS_A_RECORD_DROP],
	       (unsigned long long)c[MCFW_STATS_A_BADOPT_DROP]);
	printf(" scope %llu mtu %llu down %llu xmit %llu total %llu\n",
	       (unsigned long long)c[MCFW_STATS_A_SCOPE_DROP],
	       (unsigned long long)c[MCFW_STATS_A_MTU_DROP],
	       (unsigned long long)c[MCFW_STATS_A_DOWN_DROP],
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
		{ "ra_drop", MCFW_STATS_A_RA_DROP },
		{ "srr_drop", MCFW_STATS_A_SRR_DROP },
		{ "record_drop", MCFW_STATS_A_RECORD_DROP },
		{ "badopt_drop", MCFW_STATS_A_BADOPT_DROP },
		{ "scope_drop", MCFW_STATS_A_SCOPE_DROP },
		{ "mtu_drop", MCFW_STATS_A_MTU_DROP },
		{ "down_drop", MCFW_STATS_A_DOWN_DROP },
		{ "xmit_drop", MCFW_STATS_A_XMIT_DROP },
		{ "drops", MCFW_STATS_A_DROPS },
	};
	size_t i;

	json_object_open(jw, NULL);
	json_string(jw, "dev", iface->name);
	if (iface->ifindex)
		json_u64(jw, "ifindex", iface->ifindex);
	else
		json_null(jw, "ifindex");
	json_bool(jw, "waiting", iface->waiting);
	json_bool(jw, "allmulti", iface->allmulti);
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
