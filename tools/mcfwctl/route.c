// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl route - multicast routes.
 */
#include <stdio.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"

static int route_help(int argc, char **argv);
static int route_flush(int argc, char **argv);

/* Keep the order: an abbreviation picks the first command it fits. */
static const struct mcfwctl_cmd route_cmds[] = {
	{ "flush", route_flush, "remove every route of the network namespace" },
	{ "help", route_help, "show this help" },
};

static void route_usage(void)
{
	size_t i;

	printf("Usage: " PROG_NAME " [OPTIONS] route flush\n"
	       "       " PROG_NAME " route help\n"
	       "\n"
	       "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(route_cmds); i++)
		printf("  %-10s %s\n", route_cmds[i].name,
		       route_cmds[i].description);
}

static int route_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	route_usage();
	return EXIT_OK;
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
