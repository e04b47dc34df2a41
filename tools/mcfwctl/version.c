// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl version - the versions of the tool and of the kernel module.
 */
#include <stdio.h>

#include "json.h"
#include "mcfwctl.h"
#include "nl.h"

/* Set by the Makefile from MCFW_VERSION (git describe). */
#ifndef MCFW_VERSION
#define MCFW_VERSION "unknown"
#endif

const char *mcfwctl_version(void)
{
	return MCFW_VERSION;
}

static void version_usage(void)
{
	printf("Usage: " PROG_NAME " [OPTIONS] version\n"
	       "       " PROG_NAME " [OPTIONS] --version\n"
	       "\n"
	       "Show the versions of mcfwctl and of the loaded mcfw module\n"
	       "(\"mcfw module not loaded\" when there is none; that is no failure).\n");
}

int version_main(int argc, char **argv)
{
	struct mcfw_info info;
	struct json_writer jw;
	struct mcfw_nl *nl;
	bool absent = false;
	int ret = -1;

	if (argc > 1) {
		if (is_help(argv[1])) {
			version_usage();
			return EXIT_OK;
		}
		return usage_error("version: unexpected argument '%s'",
				   argv[1]);
	}

	/* The tool's own version comes first, whatever the kernel says. */
	if (!mcfwctl_opts.json)
		printf(PROG_NAME " %s\n", MCFW_VERSION);

	/* A module that is absent is an answer, not a failure. */
	nl = mcfw_nl_open_quiet(&absent);
	if (nl) {
		ret = mcfw_info_get(nl, &info, "version");
		mcfw_nl_close(nl);
	}

	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_string(&jw, "tool", MCFW_VERSION);
		json_string(&jw, "module", ret < 0 ? NULL : info.version);
		json_object_close(&jw);
	} else if (ret == 0) {
		printf("mcfw module %s\n", info.version);
	} else if (absent) {
		printf("mcfw module not loaded\n");
	}
	return ret < 0 && !absent ? EXIT_FAIL : EXIT_OK;
}
