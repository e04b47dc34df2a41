// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl monitor - print route changes as the kernel announces them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"
#include "route.h"

static void monitor_usage(void)
{
	printf("Usage: " PROG_NAME " [OPTIONS] monitor\n"
	       "       " PROG_NAME " monitor help\n"
	       "\n"
	       "Print a line for every change to routes until interrupted, in the\n"
	       "format of route show after the event:\n"
	       "  new ROUTE      route added or replaced\n"
	       "  del ROUTE      route deleted\n"
	       "  wait ROUTE     an interface of the route went away (it waits)\n"
	       "  resume ROUTE   an interface the route waited for appeared\n"
	       "  flush N [owner NAME]   N routes flushed\n"
	       "When announcements were lost (the reader fell behind), a line\n"
	       "\"resync\" is followed by the whole table, one \"route ROUTE\" line\n"
	       "a route, and \"resync end\".\n"
	       "With -t each line starts with the time, [YYYY-MM-DDTHH:MM:SS.UUUUUU];\n"
	       "with -j each event is one JSON object a line.\n");
}

static void stamp(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06ld", (long)tv.tv_usec);
}

static void text_stamp(void)
{
	char ts[64];

	if (!mcfwctl_opts.timestamp)
		return;
	stamp(ts, sizeof(ts));
	printf("[%s] ", ts);
}

static void json_stamp(struct json_writer *jw)
{
	char ts[64];

	if (!mcfwctl_opts.timestamp)
		return;
	stamp(ts, sizeof(ts));
	json_string(jw, "time", ts);
}

static const char *event_name(__u8 cmd, __u8 ev)
{
	switch (ev) {
	case MCFW_EV_WAIT:
		return "wait";
	case MCFW_EV_RESUME:
		return "resume";
	case MCFW_EV_DEL:
		return "del";
	case MCFW_EV_ADD:
	case MCFW_EV_REPLACE:
		return "new";
	}
	return cmd == MCFW_CMD_ROUTE_DEL ? "del" : "new";
}

/* What kind of "new" an event is. */
static const char *change_name(__u8 ev)
{
	if (ev == MCFW_EV_ADD)
		return "add";
	if (ev == MCFW_EV_REPLACE)
		return "replace";
	return NULL;
}

static void monitor_route(const struct genlmsghdr *gnlh, struct nlattr **tb)
{
	const char *event;
	char ts[64];
	struct json_writer jw;
	struct mroute rt;

	/* A malformed notification is reported, and listening goes on. */
	if (mroute_parse(gnlh, tb, &rt, "monitor") < 0)
		return;
	event = event_name(gnlh->cmd, rt.event);
	if (mcfwctl_opts.json) {
		if (mcfwctl_opts.timestamp)
			stamp(ts, sizeof(ts));
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		mroute_json_event(&jw, &rt, mcfwctl_opts.timestamp ? ts : NULL,
				  event, change_name(rt.event));
	} else {
		text_stamp();
		mroute_print(&rt, event);
	}
	mroute_free(&rt);
}

static void monitor_flush(struct nlattr **tb)
{
	const char *owner = NULL;
	struct json_writer jw;
	__u32 count;

	if (!tb[MCFW_A_ROUTE_COUNT]) {
		mcfw_nl_missing("monitor", MCFW_A_ROUTE_COUNT);
		return;
	}
	count = nla_get_u32(tb[MCFW_A_ROUTE_COUNT]);
	if (tb[MCFW_A_OWNER])
		owner = nla_get_string(tb[MCFW_A_OWNER]);
	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_stamp(&jw);
		json_string(&jw, "event", "flush");
		json_u64(&jw, "count", count);
		json_string(&jw, "owner", owner);
		json_object_close(&jw);
	} else {
		text_stamp();
		printf("flush %u", count);
		if (owner)
			printf(" owner %s", owner);
		putchar('\n');
	}
}

static int monitor_event(const struct genlmsghdr *gnlh, struct nlattr **tb,
			 void *arg)
{
	(void)arg;
	switch (gnlh->cmd) {
	case MCFW_CMD_ROUTE_NEW:
	case MCFW_CMD_ROUTE_DEL:
		monitor_route(gnlh, tb);
		break;
	case MCFW_CMD_ROUTE_FLUSH:
		monitor_flush(tb);
		break;
	default:
		/* Announcements of later versions. */
		return 0;
	}
	/* Each event as it comes, even into a pipe; main() reports errors. */
	if (fflush(stdout) == EOF || ferror(stdout))
		return -1;
	return 0;
}

/* Events were lost: print the whole table, so nobody stays out of date. */
static void monitor_resync(void *arg)
{
	struct route_list l = { .what = "monitor" };
	struct mcfw_nl *nl = arg;
	struct json_writer jw;
	size_t i;

	if (route_list_get(nl, NULL, mcfwctl_opts.stats, &l) < 0)
		goto out;
	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_stamp(&jw);
		json_string(&jw, "event", "resync");
		json_array_open(&jw, "routes");
		for (i = 0; i < l.n; i++)
			mroute_json(&jw, &l.routes[i], NULL);
		json_array_close(&jw);
		json_object_close(&jw);
	} else {
		text_stamp();
		printf("resync\n");
		for (i = 0; i < l.n; i++)
			mroute_print(&l.routes[i], "route");
		printf("resync end\n");
	}
	fflush(stdout);
out:
	route_list_free(&l);
}

int monitor_main(int argc, char **argv)
{
	struct mcfw_nl_handler h = { .reply = monitor_event,
				     .restart = monitor_resync };
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
	h.arg = nl;
	mcfw_nl_monitor(nl, "monitor", &h);
	mcfw_nl_close(nl);
	return EXIT_FAIL;
}
