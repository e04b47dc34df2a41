// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl monitor - print route changes as the kernel announces them.
 */
#include <stdio.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"
#include "route.h"

static void monitor_usage(void)
{
	printf("Usage: " PROG_NAME " [OPTIONS] monitor\n"
	       "       " PROG_NAME " monitor help\n"
	       "\n"
	       "Print a line for every change to routes until interrupted:\n"
	       "  new (SRC, GROUP) iif DEV oif DEV[:TTL]...   route added or changed\n"
	       "  del (SRC, GROUP) iif DEV oif DEV[:TTL]...   route removed\n"
	       "  flush N                                     N routes flushed\n"
	       "With -j, one JSON object per line.\n");
}

static void monitor_route(const char *event, struct nlattr **tb)
{
	struct json_writer jw;
	struct mroute rt;

	/* A malformed notification is reported, and listening goes on. */
	if (mroute_parse(tb, &rt, "monitor") < 0)
		return;
	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		mroute_json(&jw, &rt, event);
	} else {
		mroute_print(&rt, event);
	}
	mroute_free(&rt);
}

static void monitor_flush(struct nlattr **tb)
{
	struct json_writer jw;
	__u32 count;

	if (!tb[MCFW_A_ROUTE_COUNT]) {
		mcfw_nl_missing("monitor", MCFW_A_ROUTE_COUNT);
		return;
	}
	count = nla_get_u32(tb[MCFW_A_ROUTE_COUNT]);
	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_string(&jw, "event", "flush");
		json_u64(&jw, "count", count);
		json_object_close(&jw);
	} else {
		printf("flush %u\n", count);
	}
}

static int monitor_event(const struct genlmsghdr *gnlh, struct nlattr **tb,
			 void *arg)
{
	(void)arg;
	switch (gnlh->cmd) {
	case MCFW_CMD_ROUTE_NEW:
		monitor_route("new", tb);
		break;
	case MCFW_CMD_ROUTE_DEL:
		monitor_route("del", tb);
		break;
	case MCFW_CMD_ROUTE_FLUSH:
		monitor_flush(tb);
		break;
	default:
		/* Announcements of later versions. */
		return 0;
	}
	/* Devices come and go between events: look names up afresh. */
	dev_cache_flush();
	/* Each event as it comes, even into a pipe; main() reports errors. */
	if (fflush(stdout) == EOF || ferror(stdout))
		return -1;
	return 0;
}

int monitor_main(int argc, char **argv)
{
	const struct mcfw_nl_handler h = { .reply = monitor_event };
	struct mcfw_nl *nl;

	if (argc > 1) {
		if (is_help(argv[1])) {
			monitor_usage();
			return EXIT_OK;
		}
		return usage_error("monitor: unexpected argument '%s'",
				   argv[1]);
	}

	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	mcfw_nl_monitor(nl, "monitor", &h);
	mcfw_nl_close(nl);
	return EXIT_FAIL;
}
