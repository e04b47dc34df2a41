// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl save - the configuration as the commands that make it.
 */
#include <stdio.h>

#include "iface.h"
#include "relay.h"
#include "mcfwctl.h"
#include "nl.h"
#include "route.h"

static void save_usage(void)
{
	printf("Usage: " PROG_NAME " [-o OWNER] save\n"
	       "\n"
	       "Print the interfaces' boundaries, then the routes of OWNER (-o,\n"
	       "default static; all: every owner), as the commands that make them,\n"
	       "one a line, routes sorted by group, source and input: valid input\n"
	       "for " PROG_NAME " restore and -b, the same bytes for the same\n"
	       "configuration.\n");
}

int save_main(int argc, char **argv)
{
	struct route_list l = { .what = "save" };
	struct mcfw_nl *nl;
	int ret = EXIT_FAIL;
	size_t i;

	if (argc > 1) {
		if (is_help(argv[1])) {
			save_usage();
			return EXIT_OK;
		}
		return usage_error("save: unexpected argument '%s'", argv[1]);
	}
	nl = mcfw_nl_open();
	if (!nl)
		return EXIT_FAIL;
	if (iface_save(nl) == 0 &&
	    route_list_get(nl, opt_owner(), false, &l) == 0) {
		for (i = 0; i < l.n; i++)
			mroute_print_command(&l.routes[i]);
		/* Relays have no owner: saved with every owner's routes. */
		if (!relay_save(nl))
			ret = EXIT_OK;
	}
	mcfw_nl_close(nl);
	route_list_free(&l);
	return ret;
}
