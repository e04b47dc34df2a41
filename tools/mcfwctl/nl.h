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
	void *arg;
};

/*
 * Enter the network namespace chosen with -n (if any), open a generic
 * netlink socket and resolve the "mcfw" family. Prints a diagnostic and
 * returns NULL on failure.
 */
struct mcfw_nl *mcfw_nl_open(void);
void mcfw_nl_close(struct mcfw_nl *nl);

/* A new request message for @cmd of the mcfw family, NULL if out of memory. */
struct nl_msg *mcfw_nl_msg(struct mcfw_nl *nl, __u8 cmd);

/*
 * Send @msg (consumed) as a "do" request with NLM_F_ACK, hand each reply
 * to @h (may be NULL) and wait for the kernel's acknowledgment. @what
 * names the operation in diagnostics ("route flush").
 * Returns 0, or -1 after printing a diagnostic.
 */
int mcfw_nl_do(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
	       const struct mcfw_nl_handler *h);

/* Like mcfw_nl_do(), but as an NLM_F_DUMP request that ends in NLMSG_DONE. */
int mcfw_nl_dump(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		 const struct mcfw_nl_handler *h);

/* Print "mcfwctl: @what: malformed reply from the kernel (no @attr)". */
int mcfw_nl_missing(const char *what, int attr);

#endif /* MCFWCTL_NL_H */
