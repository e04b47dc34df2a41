// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl info - the module's counts for the network namespace.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"

struct info_ctx {
	struct mcfw_info *info;
	const char *what;
	bool got;
};

static int info_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
		      void *arg)
{
	static const int needed[] = {
		MCFW_A_VERSION, MCFW_A_ROUTE_COUNT, MCFW_A_IFACE_COUNT,
		MCFW_A_OIF_MAX,
	};
	struct info_ctx *ctx = arg;
	struct mcfw_info *info = ctx->info;
	size_t i;

	(void)gnlh;
	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (!tb[needed[i]])
			return mcfw_nl_missing(ctx->what, needed[i]);
	snprintf(info->version, sizeof(info->version), "%s",
		 nla_get_string(tb[MCFW_A_VERSION]));
	info->routes = nla_get_u32(tb[MCFW_A_ROUTE_COUNT]);
	info->ifaces = nla_get_u32(tb[MCFW_A_IFACE_COUNT]);
	info->oif_max = nla_get_u32(tb[MCFW_A_OIF_MAX]);
	/* Older modules lack these: they are 0 then. */
	if (tb[MCFW_A_WAITING_COUNT])
		info->waiting = nla_get_u32(tb[MCFW_A_WAITING_COUNT]);
	if (tb[MCFW_A_OIF_WAITING_COUNT])
		info->oif_waiting = nla_get_u32(tb[MCFW_A_OIF_WAITING_COUNT]);
	if (tb[MCFW_A_JOIN_COUNT])
		info->joins = nla_get_u32(tb[MCFW_A_JOIN_COUNT]);
	if (tb[MCFW_A_JOIN_MAX])
		info->join_max = nla_get_u32(tb[MCFW_A_JOIN_MAX]);
	if (tb[MCFW_A_BATCH_PORTID]) {
		info->batch = true;
		info->batch_portid = nla_get_u32(tb[MCFW_A_BATCH_PORTID]);
	}
	ctx->got = true;
	return 0;
}

int mcfw_info_get(struct mcfw_nl *nl, struct mcfw_info *info,
		  const char *what)
{
	struct info_ctx ctx = { .info = info, .what = what };
	const struct mcfw_nl_handler h = { .reply = info_reply, .arg = &ctx };

	memset(info, 0, sizeof(*info));
	if (mcfw_nl_do(nl, mcfw_nl_msg(nl, MCFW_CMD_INFO_GET), what, &h) < 0)
		return -1;
	if (!ctx.got) {
		errmsg("%s: no reply from the kernel", what);
		return -1;
	}
	return 0;
}

static void info_usage(void)
{
	printf("Usage: " PROG_NAME " [OPTIONS] info\n"
	       "\n"
	       "Show, for the network namespace: the number of routes and of\n"
	       "interfaces they name, the most outputs a route may have (module\n"
	       "parameter oif_max), routes whose input is absent (waiting) and\n"
	       "outputs that are absent (waiting_oifs), group memberships held\n"
	       "and their limit (join_max), and the netlink port of a batch\n"
	       "being staged, if any.\n");
}

int info_main(int argc, char **argv)
{
	struct mcfw_info info;
	struct json_writer jw;
	struct mcfw_nl *nl;
	int ret;

	if (argc > 1) {
		if (is_help(argv[1])) {
			info_usage();
			return EXIT_OK;
		}
		return usage_error("info: unexpected argument '%s'", argv[1]);
	}

	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	ret = mcfw_info_get(nl, &info, "info");
	mcfw_nl_close(nl);
	if (ret < 0)
		return EXIT_FAIL;

	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_string(&jw, "version", info.version);
		json_u64(&jw, "routes", info.routes);
		json_u64(&jw, "interfaces", info.ifaces);
		json_u64(&jw, "oif_max", info.oif_max);
		json_u64(&jw, "waiting", info.waiting);
		json_u64(&jw, "waiting_oifs", info.oif_waiting);
		json_u64(&jw, "joins", info.joins);
		json_u64(&jw, "join_max", info.join_max);
		if (info.batch)
			json_u64(&jw, "batch_port", info.batch_portid);
		else
			json_null(&jw, "batch_port");
		json_object_close(&jw);
	} else {
		printf("routes %u\n", info.routes);
		printf("interfaces %u\n", info.ifaces);
		printf("oif_max %u\n", info.oif_max);
		printf("waiting %u\n", info.waiting);
		printf("waiting_oifs %u\n", info.oif_waiting);
		printf("joins %u\n", info.joins);
		printf("join_max %u\n", info.join_max);
		if (info.batch)
			printf("batch port %u\n", info.batch_portid);
	}
	return EXIT_OK;
}
