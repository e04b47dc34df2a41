/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - control tool of the mcfw multicast forwarding module.
 */
#ifndef MCFWCTL_H
#define MCFWCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define PROG_NAME	"mcfwctl"

/* Exit statuses: success, runtime or kernel failure, usage error. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Global options, given before the object. */
struct mcfwctl_opts {
	bool json;		/* -j */
	bool pretty;		/* -p */
	unsigned int stats;	/* -s, repeatable */
	const char *netns;	/* -n NETNS */
	const char *batch;	/* -b FILE */
	const char *owner;	/* -o NAME: "static" unless given */
	bool timestamp;		/* -t */
};

extern struct mcfwctl_opts mcfwctl_opts;

/* This tool's version (MCFW_VERSION at build time). */
const char *mcfwctl_version(void);

/*
 * The line of a file being handled, 0 if none: diagnostics begin with
 * diag_prefix(), "line 3: " (formatted only when one is printed).
 */
extern unsigned int diag_line;
const char *diag_prefix(void);

/*
 * An object or a command of an object. @function gets the words from the
 * object's or command's own name on: argv[0] is that name.
 */
struct mcfwctl_cmd {
	const char *name;
	int (*function)(int argc, char **argv);
	const char *description;
	bool exact;		/* never abbreviated */
};

/*
 * Exact name first, then the first entry that @word is a prefix of
 * (entries marked exact excepted).
 */
/* The object a word names, abbreviated as on the command line; or NULL. */
const char *object_name(const char *word);
const struct mcfwctl_cmd *cmd_find(const struct mcfwctl_cmd *cmds, size_t n,
				   const char *word);
bool is_help(const char *word);

/*
 * "mcfwctl: ..." on stderr, after whatever stdout holds. Macros, so that
 * the compiler checks the format against its arguments.
 */
#define errmsg(fmt, ...)						\
	((void)fflush(stdout),						\
	 (void)fprintf(stderr, PROG_NAME ": %s" fmt "\n", diag_prefix(),	\
		       ##__VA_ARGS__))

/* errmsg() plus the --help hint; evaluates to EXIT_USAGE. */
#define usage_error(fmt, ...)						\
	(errmsg(fmt, ##__VA_ARGS__), usage_hint())

int usage_hint(void);

/* Copy @src into @dst of @size bytes, cut if it must be, NUL-terminated. */
void str_copy(char *dst, size_t size, const char *src);

/* Objects. */
int version_main(int argc, char **argv);
int info_main(int argc, char **argv);
int route_main(int argc, char **argv);
int iface_main(int argc, char **argv);
int relay_main(int argc, char **argv);
int monitor_main(int argc, char **argv);
int save_main(int argc, char **argv);
int restore_main(int argc, char **argv);
int batch_main(const char *file);

/* The owner -o names; NULL for "all" (every owner). */
const char *opt_owner(void);

/*
 * Network devices of the namespace mcfwctl acts in (enter it first with
 * mcfw_nl_enter_netns()).
 *
 * dev_index() looks @name up; if there is no such device it prints
 * 'cannot find device "NAME"' and returns -1.
 *
 * dev_name() gives the name of @ifindex, or "if<N>" if there is no such
 * device. Names are cached: the result is valid until the next call of
 * dev_name() or dev_cache_flush(); the latter forgets every name, for
 * output that spans time (monitor).
 */
int dev_index(const char *name, __u32 *ifindex);

/*
 * Does a device of this name exist now? Reads the namespace's devices
 * once (dev_exists_flush() forgets them); quiet.
 */
bool dev_exists(const char *name);
void dev_exists_flush(void);
const char *dev_name(__u32 ifindex);
void dev_cache_flush(void);

/* The module's answer to MCFW_CMD_INFO_GET. */
struct mcfw_info {
	char version[128];
	__u32 routes;
	__u32 ifaces;
	__u32 oif_max;
	__u32 waiting;		/* routes whose input is absent */
	__u32 oif_waiting;	/* outputs that are absent */
	__u32 joins;
	__u32 join_max;
	bool batch;		/* a batch is staged ... */
	__u32 batch_portid;	/* ... by this port */
};

struct mcfw_nl;

/* Ask for @info; @what names the operation in diagnostics. 0 or -1. */
int mcfw_info_get(struct mcfw_nl *nl, struct mcfw_info *info,
		  const char *what);

#endif /* MCFWCTL_H */
