/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - netlink plumbing: everything that talks to libnl lives in nl.c.
 */
#ifndef MCFWCTL_NL_H
#define MCFWCTL_NL_H

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/genetlink.h>
#include <linux/mcfw.h>

#include "addr.h"

struct mcfw_nl;

/*
 * Called for every reply message of a request; @tb holds the message's
 * top-level attributes, already checked against the types in mcfw.h.
 * Return 0 to go on, or a negative value after printing a diagnostic to
 * abort the request.
 */
struct mcfw_nl_handler {
	int (*reply)(const struct genlmsghdr *gnlh, struct nlattr **tb,
		     void *arg);
	/*
	 * Dumps only: drop what reply() collected so far, because the dump
	 * was interrupted by a concurrent change and starts over. Without
	 * it, an interrupted dump is an error.
	 */
	void (*restart)(void *arg);
	void *arg;
};

/*
 * Enter the network namespace chosen with -n, if any and not done yet, so
 * that device names are looked up there. 0, or -1 after a diagnostic.
 */
int mcfw_nl_enter_netns(void);

/*
 * Enter the network namespace chosen with -n (if any), open a generic
 * netlink socket and resolve the "mcfw" family. Prints a diagnostic and
 * returns NULL on failure.
 */
struct mcfw_nl *mcfw_nl_open(void);

/*
 * Like mcfw_nl_open(), but says nothing when the module is absent (and
 * cannot be loaded): *@absent tells.
 */
struct mcfw_nl *mcfw_nl_open_quiet(bool *absent);
void mcfw_nl_close(struct mcfw_nl *nl);

/* A new request message for @cmd of the mcfw family, NULL if out of memory. */
struct nl_msg *mcfw_nl_msg(struct mcfw_nl *nl, __u8 cmd);

/* The same, with room for at least @payload bytes of attributes. */
struct nl_msg *mcfw_nl_msg_sized(struct mcfw_nl *nl, __u8 cmd,
				 size_t payload);

/*
 * Send @msg (consumed) as a "do" request with NLM_F_ACK, hand each reply
 * to @h (may be NULL) and wait for the kernel's acknowledgment. @what
 * names the operation in diagnostics ("route flush").
 * Returns 0, or -1 after printing a diagnostic.
 */
int mcfw_nl_do(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
	       const struct mcfw_nl_handler *h);

/*
 * Like mcfw_nl_do(), but a failure with @quiet_errno is not reported:
 * it is returned (a positive errno) for the caller to deal with.
 */
int mcfw_nl_do_errno(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		     const struct mcfw_nl_handler *h, int quiet_errno);

/*
 * Like mcfw_nl_do(), but as an NLM_F_DUMP request that ends in NLMSG_DONE.
 * A dump that a concurrent change interrupted (NLM_F_DUMP_INTR) is
 * started over a few times if @h->restart is set, then given up.
 */
int mcfw_nl_dump(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		 const struct mcfw_nl_handler *h);

/*
 * Listen to the "config" multicast group on a socket of its own and hand
 * every mcfw notification to @h->reply until it returns a negative value
 * or receiving fails. Lost notifications (receive buffer overrun) are
 * reported, @h->restart is called (to read the whole state again) and
 * listening goes on. Returns -1 after a diagnostic, or
 * after @h->reply failed.
 */
int mcfw_nl_monitor(struct mcfw_nl *nl, const char *what,
		    const struct mcfw_nl_handler *h);

/*
 * Bulk requests, for batches: requests are collected with
 * mcfw_nl_bulk_add() (which consumes the message and numbers it; the
 * first is number 0) and sent, many per send() and without asking for
 * acknowledgments: by a thread of their own from mcfw_nl_bulk_start() on,
 * while the caller goes on making more, else by mcfw_nl_bulk_run(). Only
 * after every one of them was handled without failure does
 * mcfw_nl_bulk_run() send @last, with an acknowledgment, and hand its
 * replies to @h. The first request that failed is passed to @failed (to
 * name it) before the kernel's reason is printed. mcfw_nl_bulk_failed()
 * tells the caller early that there is no point in going on.
 * mcfw_nl_bulk_run() consumes @last and returns 0, or -1 after printing.
 */
struct mcfw_nl_bulk;

struct mcfw_nl_bulk *mcfw_nl_bulk_new(struct mcfw_nl *nl);
void mcfw_nl_bulk_start(struct mcfw_nl_bulk *b);
bool mcfw_nl_bulk_failed(struct mcfw_nl_bulk *b);
void mcfw_nl_bulk_free(struct mcfw_nl_bulk *b);
size_t mcfw_nl_bulk_count(const struct mcfw_nl_bulk *b);
int mcfw_nl_bulk_add(struct mcfw_nl *nl, struct mcfw_nl_bulk *b,
		     struct nl_msg *msg);
int mcfw_nl_bulk_run(struct mcfw_nl *nl, struct mcfw_nl_bulk *b,
		     struct nl_msg *last, const char *what,
		     const struct mcfw_nl_handler *h,
		     void (*failed)(size_t i, void *arg), void *arg);

/* For bulk.c: the socket, its port, and what nl.c does with answers. */
int mcfw_nl_fd(struct mcfw_nl *nl);
__u32 mcfw_nl_port(struct mcfw_nl *nl);
/* Print the kernel's reason in NLMSG_ERROR @nlh, for request @req_msg (or NULL). */
void mcfw_nl_report_error(const struct mcfw_nl *nl, const char *what,
			  struct nl_msg *req_msg, struct nlmsghdr *nlh);
/*
 * Does the loaded module have @msg's command? If not, say that the
 * module is older than the tool and how to reload it, and return false.
 */
bool mcfw_nl_has_cmd(const struct mcfw_nl *nl, struct nl_msg *msg,
		     const char *what);
/* Does the loaded module have command @cmd? (true if it did not say) */
bool mcfw_nl_cmd_known(const struct mcfw_nl *nl, __u8 cmd);
/*
 * Number and send @msg (not consumed); its sequence number in @seq.
 * 0, or -1 after saying why (@what: the operation, for the message).
 */
int mcfw_nl_send_msg(struct mcfw_nl *nl, struct nl_msg *msg, __u32 *seq,
		     const char *what);
/*
 * Does the loaded module know attribute @attr? A module older than the
 * tool refuses a request with an attribute it does not know: optional
 * ones are sent only to modules that know them.
 */
bool mcfw_nl_knows(const struct mcfw_nl *nl, int attr);

/* Parse an mcfw message's attributes into @tb. 0 or -1. */
int mcfw_nl_parse(struct nlmsghdr *nlh, struct nlattr **tb);

/*
 * Parse the counters nested in @nest into @c, indexed by
 * &enum mcfw_stats_attr; counters the kernel did not send are 0.
 * Returns 0, or -1 if @nest is malformed.
 */
int mcfw_nl_stats(struct nlattr *nest, __u64 c[MCFW_STATS_A_MAX + 1]);

/* The policy of an IPv6 address attribute: exactly 16 bytes. */
#define MCFW_NL_POLICY_IN6	{ .minlen = 16, .maxlen = 16 }

/*
 * @a as @attr4 (be32) if it is IPv4, else as @attr6 (16 bytes): 0, or
 * -1 if there is no room.
 */
int mcfw_nl_put_addr(struct nl_msg *msg, int attr4, int attr6,
		     const struct ipaddr *a);

/*
 * The address of @a6 (16 bytes) if given, else of @a4 (be32), checked
 * against the policies of the message's parser. 0, or -1 if both are
 * NULL.
 */
int mcfw_nl_get_addr(const struct nlattr *a4, const struct nlattr *a6,
		     struct ipaddr *a);

/* Print "mcfwctl: @what: malformed reply from the kernel (no @attr)". */
int mcfw_nl_missing(const char *what, int attr);

#endif /* MCFWCTL_NL_H */
