// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - control tool of the mcfw multicast forwarding module.
 *
 *	mcfwctl [OPTIONS] OBJECT COMMAND [ARGS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/mcfw.h>

#include "mcfwctl.h"

struct mcfwctl_opts mcfwctl_opts;
unsigned int diag_line;

void str_copy(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

const char *diag_prefix(void)
{
	static char prefix[32];

	if (!diag_line)
		return "";
	snprintf(prefix, sizeof(prefix), "line %u: ", diag_line);
	return prefix;
}

static int help_main(int argc, char **argv);

/* Keep the order: an abbreviation picks the first object it fits. */
static const struct mcfwctl_cmd objects[] = {
	{ "route", route_main, "manage multicast routes", false },
	{ "info", info_main, "show mcfw's counts for the network namespace", false },
	{ "iface", iface_main, "show the interfaces of routes and their counters", false },
	{ "monitor", monitor_main, "print route changes as they happen", false },
	{ "version", version_main, "show the versions of mcfwctl and of mcfw", false },
	{ "save", save_main, "print the configuration as mcfwctl commands", true },
	{ "restore", restore_main, "make a file the configuration, as one transaction",
	  true },
	{ "relay", relay_main, "turn unicast datagrams to this host into multicast", false },
	{ "help", help_main, "show this help", false },
};

const char *opt_owner(void)
{
	if (!mcfwctl_opts.owner)
		return MCFW_OWNER_DEFAULT;
	if (!strcmp(mcfwctl_opts.owner, "all"))
		return NULL;
	return mcfwctl_opts.owner;
}

int usage_hint(void)
{
	fputs("Try '" PROG_NAME " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

const struct mcfwctl_cmd *cmd_find(const struct mcfwctl_cmd *cmds, size_t n,
				   const char *word)
{
	size_t len = strlen(word);
	size_t i;

	if (!len)
		return NULL;
	for (i = 0; i < n; i++)
		if (!strcmp(cmds[i].name, word))
			return &cmds[i];
	for (i = 0; i < n; i++)
		if (!cmds[i].exact && !strncmp(cmds[i].name, word, len))
			return &cmds[i];
	return NULL;
}

const char *object_name(const char *word)
{
	const struct mcfwctl_cmd *obj;

	obj = cmd_find(objects, ARRAY_SIZE(objects), word);
	return obj ? obj->name : NULL;
}

bool is_help(const char *word)
{
	return !strcmp(word, "help") || !strcmp(word, "-h") ||
	       !strcmp(word, "--help");
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: " PROG_NAME " [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"       " PROG_NAME " [OPTIONS] OBJECT help\n"
		"       " PROG_NAME " help [OBJECT]\n"
		"\n"
		"Objects:\n");
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		fprintf(out, "  %-10s %s\n", objects[i].name,
			objects[i].description);
	fprintf(out,
		"\n"
		"Commands:\n"
		"  " PROG_NAME " version\n"
		"  " PROG_NAME " info\n"
		"  " PROG_NAME " route { add | replace } GROUP [source SRC] iif DEV\n"
		"                 oif OUTPUT [OUTPUT...] [owner NAME] [nojoin] [rate RATE]\n"
		"                 [snat]\n"
		"  " PROG_NAME " route { del | delete } GROUP [source SRC] [iif DEV]\n"
		"  " PROG_NAME " route [{ show | list | ls } [GROUP] [source SRC] [iif DEV]\n"
		"                 [owner NAME]]\n"
		"  " PROG_NAME " route flush [owner NAME]\n"
		"  " PROG_NAME " route zero [GROUP...] [source SRC] [iif DEV]\n"
		"  " PROG_NAME " iface { show | list | ls }\n"
		"  " PROG_NAME " iface set DEV boundary { PREFIX... [scope SCOPE] | none }\n"
		"  " PROG_NAME " relay { add | replace } KEY [from SRC] [iif DEV]\n"
		"                 group GROUP[:PORT] oif OUTPUT [OUTPUT...] [ttl TTL] [snat]\n"
		"  " PROG_NAME " relay { del | delete } KEY [iif DEV]\n"
		"                 (KEY: ADDR:PORT, or ADDR port PORT)\n"
		"  " PROG_NAME " relay { show | list | ls }\n"
		"  " PROG_NAME " monitor\n"
		"  " PROG_NAME " save\n"
		"  " PROG_NAME " restore [{ FILE | - }]   (default /etc/mcfw/mcfw.conf)\n"
		"  " PROG_NAME " -b { FILE | - }\n"
		"\n"
		"Addresses are IPv4 or IPv6, the family following from them; an IPv6\n"
		"address followed by a port is written in brackets: [ADDR]:PORT.\n"
		"\n"
		"Options (one dash or two; a prefix is enough):\n"
		"  -j, -json           print results as JSON\n"
		"  -p, -pretty         indent JSON output (with -j)\n"
		"  -s, -stats          show counters (may be repeated)\n"
		"  -n, -netns NETNS    act in network namespace NETNS\n"
		"                      (/run/netns/NETNS, or a path)\n"
		"  -o, -owner NAME     routes of this owner (default static; all: every\n"
		"                      owner) for add, flush, save and restore\n"
		"  -b, -batch FILE     run the commands of FILE (- for standard input)\n"
		"                      as one transaction\n"
		"  -t, -timestamp      timestamps on monitor events\n"
		"  -h, -help           show this help\n"
		"  -V, -version        same as the version object\n"
		"\n"
		"Objects and commands may be abbreviated to a prefix, save and\n"
		"restore excepted.\n");
}

static int help_main(int argc, char **argv)
{
	const struct mcfwctl_cmd *obj;
	char *help_argv[3];

	/* "mcfwctl help OBJECT" is "mcfwctl OBJECT help". */
	if (argc > 1) {
		obj = cmd_find(objects, ARRAY_SIZE(objects), argv[1]);
		if (!obj)
			return usage_error("unknown object '%s'", argv[1]);
		if (argc > 2)
			return usage_error("help: unexpected argument '%s'",
					   argv[2]);
		if (obj->function != help_main) {
			help_argv[0] = (char *)obj->name;
			help_argv[1] = "help";
			help_argv[2] = NULL;
			return obj->function(2, help_argv);
		}
	}
	usage(stdout);
	return EXIT_OK;
}

/*
 * Options as ip(8) takes them: "-json", "--json", "-j" and any prefix of
 * the name, in this order of precedence ("-s" is -stats); a word of one
 * dash that is no prefix of a name is a cluster of one-letter options
 * ("-sj"; but "-js" is -json).
 */
static const struct {
	const char *name;
	char opt;
} long_options[] = {
	{ "json", 'j' },
	{ "pretty", 'p' },
	{ "stats", 's' },
	{ "statistics", 's' },
	{ "netns", 'n' },
	{ "batch", 'b' },
	{ "owner", 'o' },
	{ "timestamp", 't' },
	{ "help", 'h' },
	{ "version", 'V' },
};

static bool takes_value(char c)
{
	return c == 'n' || c == 'b' || c == 'o';
}

static char long_option(const char *word, const char **value)
{
	size_t len = strcspn(word, "=");
	size_t i;

	*value = word[len] == '=' ? word + len + 1 : NULL;
	for (i = 0; len && i < ARRAY_SIZE(long_options); i++)
		if (!strncmp(long_options[i].name, word, len))
			return long_options[i].opt;
	return 0;
}

/*
 * Apply option @c, naming it @word in errors. @value is its argument when
 * attached ("-nNS", "--netns=NS"); else it takes the next word, counted
 * in *@i. Returns -1 to go on, or the exit status to stop with.
 */
static int apply_option(char c, const char *word, const char *value,
			int argc, char **argv, int *i, bool *version)
{
	if (takes_value(c) && !value) {
		if (*i + 1 >= argc)
			return usage_error("option '%s' needs an argument", word);
		value = argv[++*i];
	}
	switch (c) {
	case 'j':
		mcfwctl_opts.json = true;
		break;
	case 'p':
		mcfwctl_opts.pretty = true;
		break;
	case 's':
		mcfwctl_opts.stats++;
		break;
	case 't':
		mcfwctl_opts.timestamp = true;
		break;
	case 'n':
		if (!*value)
			return usage_error("empty network namespace name");
		mcfwctl_opts.netns = value;
		break;
	case 'b':
		if (!*value)
			return usage_error("empty batch file name");
		mcfwctl_opts.batch = value;
		break;
	case 'o':
		if (!*value)
			return usage_error("empty owner name");
		mcfwctl_opts.owner = value;
		break;
	case 'h':
		usage(stdout);
		return EXIT_OK;
	case 'V':
		*version = true;
		break;
	default:
		return usage_error("unknown option '-%c'", c);
	}
	return -1;
}

/*
 * Parse the options in front of the object and store in *@used how many
 * words they took. Returns -1 to go on, or the exit status to stop with.
 */
static int parse_options(int argc, char **argv, int *used, bool *version)
{
	const char *word, *name, *value;
	int i, j, ret;
	char c;

	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		word = argv[i];
		if (!strcmp(word, "--")) {
			i++;
			break;
		}
		name = word + 1 + (word[1] == '-');
		c = long_option(name, &value);
		if (!c && word[1] == '-')
			return usage_error("unknown option '%s'", word);
		if (c) {
			if (value && !takes_value(c))
				return usage_error("option '%s' takes no argument",
						   word);
			ret = apply_option(c, word, value, argc, argv, &i,
					   version);
			if (ret >= 0)
				return ret;
			continue;
		}
		/* A cluster of one-letter options: "-sj", "-nNS", "-sn NS". */
		for (j = 1; word[j]; j++) {
			c = word[j];
			value = takes_value(c) && word[j + 1] ? word + j + 1 : NULL;
			ret = apply_option(c, word, value, argc, argv, &i,
					   version);
			if (ret >= 0)
				return ret;
			if (takes_value(c))
				break;
		}
	}
	*used = i;
	return -1;
}

static int run(int argc, char **argv)
{
	const struct mcfwctl_cmd *obj;
	char *version_argv[2] = { NULL };
	bool version = false;
	int ret, n = 0;

	/* Skip the program name. */
	ret = parse_options(argc - 1, argv + 1, &n, &version);
	if (ret >= 0)
		return ret;
	argc -= n + 1;
	argv += n + 1;

	if (version) {
		if (argc)
			return usage_error("unexpected argument '%s'", argv[0]);
		version_argv[0] = "version";
		return version_main(1, version_argv);
	}
	if (mcfwctl_opts.batch) {
		if (argc)
			return usage_error("-batch: unexpected argument '%s'",
					   argv[0]);
		return batch_main(mcfwctl_opts.batch);
	}
	if (!argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	obj = cmd_find(objects, ARRAY_SIZE(objects), argv[0]);
	if (!obj)
		return usage_error("unknown object '%s'", argv[0]);
	return obj->function(argc, argv);
}

int main(int argc, char **argv)
{
	static char outbuf[64 * 1024];
	int ret;

	/*
	 * A dump of many routes is mostly small writes to stdout: one
	 * thread, no locking; a larger buffer when it is not a terminal.
	 */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	ret = run(argc, argv);

	/* Results that never reached stdout are a failure too. */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG_NAME ": write error: %s\n",
			strerror(errno));
		if (ret == EXIT_OK)
			ret = EXIT_FAIL;
	}
	return ret;
}
