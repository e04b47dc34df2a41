// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl -b FILE and mcfwctl restore FILE - files of commands, applied
 * as one transaction by the kernel.
 *
 * The file grammar (mcfw.conf(5)): one command a line, as on the command
 * line without the leading "mcfwctl"; a word that begins with '#' starts
 * a comment that runs to the end of the line; blank lines are ignored.
 *
 * The kernel stages a batch and receives every line's request (many per
 * send, failures only answered; sent by a thread of their own while the
 * following lines are parsed), and commits only once every line parsed
 * and none failed: a line that does not parse changes nothing, the first
 * failure is named by its line, and the batch is dropped with the
 * socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iface.h"
#include "relay.h"
#include "json.h"
#include "mcfwctl.h"
#include "nl.h"
#include "route.h"

#define DEFAULT_CONF	"/etc/mcfw/mcfw.conf"
#define BATCH_ONLY	"'%s': only route commands, iface set and relay may be batched"

/* How long to wait for another batch of the namespace to end. */
#define BUSY_WAIT_MS	10000
#define BUSY_POLL_MS	50

struct batch_file {
	const char *name;
	char *text;
	size_t len;
	/* The line of each request: lines[i] for request i. */
	unsigned int *lines;
	size_t n_lines;
	size_t size_lines;
	/* "iface set" requests, sent after the commit, and their lines. */
	struct nl_msg **iface_msgs;
	unsigned int *iface_lines;
	size_t n_iface;
};

/* Keep an "iface set" request of line @line for after the commit. */
static int iface_line(struct batch_file *f, struct mcfw_nl *nl, int argc,
		      char **argv, unsigned int line)
{
	const char *cmd = argc > 1 ? iface_cmd_name(argv[1]) : NULL;
	struct nl_msg **m;
	unsigned int *l;
	struct nl_msg *msg;
	int ret;

	if (!strcmp(argv[0], "relay"))
		ret = argc < 2 ? usage_error("relay: missing command") :
		      relay_msg(nl, argc - 1, argv + 1, true, &msg);
	else if (!cmd || strcmp(cmd, "set"))
		return usage_error(BATCH_ONLY,
				   argv[0]);
	else
		ret = iface_set_msg(nl, argc - 1, argv + 1, "iface set", &msg);
	if (ret)
		return ret;
	m = realloc(f->iface_msgs, (f->n_iface + 1) * sizeof(*m));
	if (m)
		f->iface_msgs = m;
	l = realloc(f->iface_lines, (f->n_iface + 1) * sizeof(*l));
	if (l)
		f->iface_lines = l;
	if (!m || !l) {
		nlmsg_free(msg);
		errmsg("%s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	f->iface_msgs[f->n_iface] = msg;
	f->iface_lines[f->n_iface++] = line;
	return 0;
}

static int file_read(struct batch_file *f)
{
	FILE *in = stdin;
	size_t size = 0, n;
	char *p;

	if (strcmp(f->name, "-")) {
		in = fopen(f->name, "r");
		if (!in) {
			errmsg("cannot open \"%s\": %s", f->name,
			       strerror(errno));
			return -1;
		}
	}
	for (;;) {
		if (f->len + 65536 + 1 > size) {
			size = size ? 2 * size : 1 << 20;
			p = realloc(f->text, size);
			if (!p) {
				errmsg("reading \"%s\": %s", f->name,
				       strerror(ENOMEM));
				goto fail;
			}
			f->text = p;
		}
		n = fread(f->text + f->len, 1, size - f->len - 1, in);
		f->len += n;
		if (n == 0)
			break;
	}
	if (ferror(in)) {
		errmsg("reading \"%s\": %s", f->name, strerror(errno));
		goto fail;
	}
	f->text[f->len] = '\0';
	if (in != stdin)
		fclose(in);
	return 0;
fail:
	if (in != stdin)
		fclose(in);
	return -1;
}

/* Cut @line into words in place; a word that begins with '#' ends it. */
static int split_words(char *line, char ***argv)
{
	static char **words;
	static size_t size;
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		if (n + 1 >= size) {
			size_t nsize = size ? 2 * size : 64;
			char **w = realloc(words, nsize * sizeof(*w));

			if (!w)
				return -1;
			words = w;
			size = nsize;
		}
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (words)
		words[n] = NULL;
	*argv = words;
	return n;
}

static int note_lines(struct batch_file *f, size_t upto, unsigned int line)
{
	while (f->n_lines < upto) {
		if (f->n_lines == f->size_lines) {
			size_t size = f->size_lines ? 2 * f->size_lines : 1024;
			unsigned int *l = realloc(f->lines, size * sizeof(*l));

			if (!l)
				return -1;
			f->lines = l;
			f->size_lines = size;
		}
		f->lines[f->n_lines++] = line;
	}
	return 0;
}

/* Every line into @bulk. 0, or the exit status after a diagnostic. */
static int file_parse(struct batch_file *f, struct mcfw_nl *nl,
		      struct mcfw_nl_bulk *bulk, const char *restore_owner)
{
	const char *obj;
	unsigned int line = 0;
	char *p = f->text, *end;
	char **argv = NULL;
	int argc, ret;

	while (p < f->text + f->len) {
		line++;
		end = strchr(p, '\n');
		if (end)
			*end = '\0';
		diag_line = line;
		argc = split_words(p, &argv);
		p = end ? end + 1 : f->text + f->len;
		if (argc < 0) {
			errmsg("%s", strerror(ENOMEM));
			return EXIT_FAIL;
		}
		if (!argc)
			continue;
		/* Objects abbreviate as on the command line ("rel", "if"). */
		obj = object_name(argv[0]);
		if (obj && (!strcmp(obj, "iface") || !strcmp(obj, "relay"))) {
			argv[0] = (char *)obj;
			ret = iface_line(f, nl, argc, argv, line);
			if (ret)
				return ret;
			continue;
		}
		if (!obj || strcmp(obj, "route"))
			return usage_error(BATCH_ONLY,
					   argv[0]);
		ret = route_batch_line(nl, argc, argv, restore_owner, bulk);
		if (ret)
			return ret;
		/* The kernel refused a line already: it will be named. */
		if (!(line % 1024) && mcfw_nl_bulk_failed(bulk))
			break;
		if (note_lines(f, mcfw_nl_bulk_count(bulk), line) < 0) {
			errmsg("%s", strerror(ENOMEM));
			return EXIT_FAIL;
		}
	}
	diag_line = 0;
	return 0;
}

static void request_failed(size_t i, void *arg)
{
	struct batch_file *f = arg;

	if (i < f->n_lines)
		diag_line = f->lines[i];
}

/* Begin a batch, waiting a while for another one to end. 0 or -1. */
static int batch_begin(struct mcfw_nl *nl, const char *what, bool restore,
		       const char *owner)
{
	struct timespec ts = { .tv_nsec = BUSY_POLL_MS * 1000000L };
	__u32 flags = MCFW_BATCH_F_WAIT;
	struct nl_msg *msg;
	int waited, ret;

	if (restore)
		flags |= MCFW_BATCH_F_REPLACE_OWNER;
	for (waited = 0; ; waited += BUSY_POLL_MS) {
		msg = mcfw_nl_msg(nl, MCFW_CMD_BATCH_BEGIN);
		if (!msg || nla_put_u32(msg, MCFW_A_BATCH_FLAGS, flags) < 0 ||
		    (restore && owner &&
		     nla_put_string(msg, MCFW_A_OWNER, owner) < 0)) {
			nlmsg_free(msg);
			errmsg("%s: %s", what, strerror(ENOMEM));
			return -1;
		}
		/* The last try reports EBUSY with the kernel's words. */
		ret = mcfw_nl_do_errno(nl, msg, what, NULL,
				       waited < BUSY_WAIT_MS ? EBUSY : 0);
		if (ret != EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	if (ret && waited >= BUSY_WAIT_MS)
		errmsg("%s: gave up after waiting %d s for another batch of this namespace",
		       what, BUSY_WAIT_MS / 1000);
	return ret ? -1 : 0;
}

struct commit_ctx {
	__u32 added, replaced, removed, unchanged;
	bool got;
};

static int commit_reply(const struct genlmsghdr *gnlh, struct nlattr **tb,
			void *arg)
{
	struct commit_ctx *ctx = arg;

	(void)gnlh;
	ctx->got = true;
	if (tb[MCFW_A_ADDED])
		ctx->added = nla_get_u32(tb[MCFW_A_ADDED]);
	if (tb[MCFW_A_REPLACED])
		ctx->replaced = nla_get_u32(tb[MCFW_A_REPLACED]);
	if (tb[MCFW_A_REMOVED])
		ctx->removed = nla_get_u32(tb[MCFW_A_REMOVED]);
	if (tb[MCFW_A_UNCHANGED])
		ctx->unchanged = nla_get_u32(tb[MCFW_A_UNCHANGED]);
	return 0;
}

/*
 * Apply @name as one transaction: a restore of @owner's routes (NULL:
 * every owner's) when @restore, else the commands as they are.
 */
static int batch_run(const char *name, const char *what, bool restore,
		     const char *owner)
{
	struct batch_file f = { .name = name };
	struct commit_ctx ctx = { 0 };
	const struct mcfw_nl_handler h = { .reply = commit_reply, .arg = &ctx };
	struct mcfw_nl_bulk *bulk = NULL;
	struct mcfw_nl *nl = NULL, *inl = NULL;
	struct json_writer jw;
	struct nl_msg *commit, *msg;
	int ret = EXIT_FAIL;
	size_t i;

	if (file_read(&f) < 0)
		goto out;
	nl = mcfw_nl_open();
	if (!nl)
		goto out;
	bulk = mcfw_nl_bulk_new(nl);
	if (!bulk) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		goto out;
	}
	/*
	 * The batch begins first: requests are sent while later lines are
	 * parsed. A line that does not parse still changes nothing: the
	 * batch is never committed, and dropped with the socket.
	 */
	ret = EXIT_FAIL;
	if (batch_begin(nl, what, restore, owner) < 0)
		goto out;
	mcfw_nl_bulk_start(bulk);
	/* Device names are read once, for the warnings about absent ones. */
	dev_exists_flush();
	ret = file_parse(&f, nl, bulk, restore ? owner : NULL);
	if (ret)
		goto out;

	ret = EXIT_FAIL;
	/*
	 * Boundaries (no route's, so not in the transaction) first, on a
	 * socket of their own (the batch's numbers its requests): a refused
	 * one stops here, before the routes change, and routes never forward
	 * across a boundary the file sets.
	 */
	if (f.n_iface) {
		inl = mcfw_nl_open();
		if (!inl)
			goto out;
	}
	for (i = 0; i < f.n_iface; i++) {
		diag_line = f.iface_lines[i];
		msg = f.iface_msgs[i];
		f.iface_msgs[i] = NULL;
		if (mcfw_nl_do(inl, msg, "file", NULL) < 0)
			goto out;
	}
	diag_line = 0;
	/* The kernel refuses the commit unless every request reached it. */
	commit = mcfw_nl_msg(nl, MCFW_CMD_BATCH_COMMIT);
	if (commit && mcfw_nl_knows(nl, MCFW_A_BATCH_COUNT) &&
	    nla_put_u32(commit, MCFW_A_BATCH_COUNT,
			mcfw_nl_bulk_count(bulk)) < 0) {
		nlmsg_free(commit);
		commit = NULL;
	}
	if (!commit) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		goto out;
	}
	if (mcfw_nl_bulk_run(nl, bulk, commit, what, &h, request_failed,
			     &f) < 0)
		goto out;
	diag_line = 0;
	ret = EXIT_OK;
	if (mcfwctl_opts.json) {
		json_init(&jw, stdout, mcfwctl_opts.pretty);
		json_object_open(&jw, NULL);
		json_u64(&jw, "added", ctx.added);
		json_u64(&jw, "replaced", ctx.replaced);
		json_u64(&jw, "removed", ctx.removed);
		json_u64(&jw, "unchanged", ctx.unchanged);
		json_object_close(&jw);
	} else if (mcfwctl_opts.stats) {
		printf("added %u replaced %u removed %u unchanged %u\n",
		       ctx.added, ctx.replaced, ctx.removed, ctx.unchanged);
	}
out:
	diag_line = 0;
	/* Closing the socket drops a batch left staged. */
	mcfw_nl_bulk_free(bulk);
	mcfw_nl_close(nl);
	if (inl)
		mcfw_nl_close(inl);
	free(f.text);
	free(f.lines);
	for (i = 0; i < f.n_iface; i++)
		nlmsg_free(f.iface_msgs[i]);
	free(f.iface_msgs);
	free(f.iface_lines);
	return ret;
}

int batch_main(const char *file)
{
	return batch_run(file, "batch", false, NULL);
}

static void restore_usage(void)
{
	printf("Usage: " PROG_NAME " [-o OWNER] restore [FILE | -]\n"
	       "\n"
	       "Make FILE (default " DEFAULT_CONF "; - for standard input) the\n"
	       "whole configuration of OWNER's routes (-o, default static; all:\n"
	       "every owner), as one transaction: routes of the file that are not\n"
	       "in the kernel are added, routes of the owner that are not in the\n"
	       "file are removed, changed ones replaced; unchanged routes keep\n"
	       "forwarding and keep their counters. Nothing changes on any error,\n"
	       "and the error names the line.\n");
}

int restore_main(int argc, char **argv)
{
	const char *file = DEFAULT_CONF;
	const char *owner = opt_owner();

	if (argc > 1 && is_help(argv[1])) {
		restore_usage();
		return EXIT_OK;
	}
	if (argc > 2)
		return usage_error("restore: unexpected argument '%s'", argv[2]);
	if (argc > 1)
		file = argv[1];
	return batch_run(file, "restore", true, owner);
}
