// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - generic netlink plumbing: namespace switch, socket setup,
 * family resolution, requests, dumps and extended acknowledgements.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/netlink.h>

#include "mcfwctl.h"
#include "nl.h"

#define NETNS_RUN_DIR	"/run/netns"

/* How often an interrupted dump is started over before giving up. */
#define DUMP_TRIES	5

/*
 * Socket buffers: a request with thousands of outputs is larger than
 * libnl's default send buffer; the reply to it, with the ack behind it,
 * and bursts of notifications need room too. The kernel caps these at
 * net.core.[rw]mem_max.
 */
#define SNDBUF_SIZE	(2 * 1024 * 1024)
#define RCVBUF_SIZE	(4 * 1024 * 1024)
#define MONITOR_RCVBUF	(4 * 1024 * 1024)

struct mcfw_nl {
	struct nl_sock *sk;
	int family;
	int mcgrp_config;	/* id of the "config" group, 0 if none */
	__u32 maxattr;		/* the loaded module's highest attribute */
	__u64 cmds;		/* the module's commands, a bit each */
	bool cmds_known;	/* the family listed its commands */
};

/* State of one request while its replies are read. */
struct nl_req {
	const struct mcfw_nl *nl;	/* NULL: no family resolved yet */
	const char *what;
	struct nl_msg *msg;	/* the request, to locate rejected attributes */
	int (*valid)(struct nl_req *req, struct nl_msg *msg);
	void *arg;		/* for valid() */
	int quiet_errno;	/* kernel error the caller reports itself */
	bool done;		/* ack or NLMSG_DONE seen */
	bool failed;		/* a reply handler failed, already reported */
	bool intr;		/* dump was interrupted by a concurrent change */
	int error;		/* positive errno reported by the kernel */
};

static const char * const mcfw_attr_names[MCFW_A_MAX + 1] = {
	[MCFW_A_UNSPEC]		= "MCFW_A_UNSPEC",
	[MCFW_A_PAD]		= "MCFW_A_PAD",
	[MCFW_A_VERSION]	= "MCFW_A_VERSION",
	[MCFW_A_ROUTE_COUNT]	= "MCFW_A_ROUTE_COUNT",
	[MCFW_A_IFACE_COUNT]	= "MCFW_A_IFACE_COUNT",
	[MCFW_A_OIF_MAX]	= "MCFW_A_OIF_MAX",
	[MCFW_A_GROUP]		= "MCFW_A_GROUP",
	[MCFW_A_SOURCE]		= "MCFW_A_SOURCE",
	[MCFW_A_IIF]		= "MCFW_A_IIF",
	[MCFW_A_OIFS]		= "MCFW_A_OIFS",
	[MCFW_A_OIF]		= "MCFW_A_OIF",
	[MCFW_A_REPLACE]	= "MCFW_A_REPLACE",
	[MCFW_A_STATS]		= "MCFW_A_STATS",
	[MCFW_A_IFINDEX]	= "MCFW_A_IFINDEX",
	[MCFW_A_IFNAME]		= "MCFW_A_IFNAME",
	[MCFW_A_IIF_NAME]	= "MCFW_A_IIF_NAME",
	[MCFW_A_OWNER]		= "MCFW_A_OWNER",
	[MCFW_A_NOJOIN]		= "MCFW_A_NOJOIN",
	[MCFW_A_WAITING]	= "MCFW_A_WAITING",
	[MCFW_A_LASTUSE]	= "MCFW_A_LASTUSE",
	[MCFW_A_EVENT]		= "MCFW_A_EVENT",
	[MCFW_A_BATCH_FLAGS]	= "MCFW_A_BATCH_FLAGS",
	[MCFW_A_BATCH_PORTID]	= "MCFW_A_BATCH_PORTID",
	[MCFW_A_ADDED]		= "MCFW_A_ADDED",
	[MCFW_A_REPLACED]	= "MCFW_A_REPLACED",
	[MCFW_A_REMOVED]	= "MCFW_A_REMOVED",
	[MCFW_A_UNCHANGED]	= "MCFW_A_UNCHANGED",
	[MCFW_A_WAITING_COUNT]	= "MCFW_A_WAITING_COUNT",
	[MCFW_A_OIF_WAITING_COUNT] = "MCFW_A_OIF_WAITING_COUNT",
	[MCFW_A_JOINED]		= "MCFW_A_JOINED",
	[MCFW_A_JOIN_COUNT]	= "MCFW_A_JOIN_COUNT",
	[MCFW_A_JOIN_MAX]	= "MCFW_A_JOIN_MAX",
	[MCFW_A_ALLMULTI]	= "MCFW_A_ALLMULTI",
	[MCFW_A_NO_STATS]	= "MCFW_A_NO_STATS",
	[MCFW_A_BATCH_COUNT]	= "MCFW_A_BATCH_COUNT",
	[MCFW_A_RATE_PKTS]	= "MCFW_A_RATE_PKTS",
	[MCFW_A_RATE_BITS]	= "MCFW_A_RATE_BITS",
	[MCFW_A_BOUNDARIES]	= "MCFW_A_BOUNDARIES",
	[MCFW_A_PREFIX]		= "MCFW_A_PREFIX",
	[MCFW_A_RELAY_ADDR]	= "MCFW_A_RELAY_ADDR",
	[MCFW_A_RELAY_PORT]	= "MCFW_A_RELAY_PORT",
	[MCFW_A_RELAY_GROUP_PORT] = "MCFW_A_RELAY_GROUP_PORT",
	[MCFW_A_RELAY_TTL]	= "MCFW_A_RELAY_TTL",
	[MCFW_A_RELAY_WAIT]	= "MCFW_A_RELAY_WAIT",
	[MCFW_A_SNAT]		= "MCFW_A_SNAT",
	[MCFW_A_GROUP6]		= "MCFW_A_GROUP6",
	[MCFW_A_SOURCE6]	= "MCFW_A_SOURCE6",
	[MCFW_A_RELAY_ADDR6]	= "MCFW_A_RELAY_ADDR6",
	[MCFW_A_BOUNDARY_SCOPE]	= "MCFW_A_BOUNDARY_SCOPE",
};

/* Types of the attributes the kernel sends; others are accepted as is. */
static struct nla_policy mcfw_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_VERSION]	= { .type = NLA_STRING },
	[MCFW_A_ROUTE_COUNT]	= { .type = NLA_U32 },
	[MCFW_A_IFACE_COUNT]	= { .type = NLA_U32 },
	[MCFW_A_OIF_MAX]	= { .type = NLA_U32 },
	[MCFW_A_GROUP]		= { .type = NLA_U32 },	/* be32 */
	[MCFW_A_SOURCE]		= { .type = NLA_U32 },	/* be32 */
	[MCFW_A_IIF]		= { .type = NLA_U32 },
	[MCFW_A_OIFS]		= { .type = NLA_NESTED },
	[MCFW_A_STATS]		= { .type = NLA_NESTED },
	[MCFW_A_IFINDEX]	= { .type = NLA_U32 },
	[MCFW_A_IFNAME]		= { .type = NLA_STRING },
	[MCFW_A_IIF_NAME]	= { .type = NLA_STRING },
	[MCFW_A_OWNER]		= { .type = NLA_STRING },
	[MCFW_A_NOJOIN]		= { .type = NLA_FLAG },
	[MCFW_A_WAITING]	= { .type = NLA_FLAG },
	[MCFW_A_LASTUSE]	= { .type = NLA_U64 },
	[MCFW_A_EVENT]		= { .type = NLA_U8 },
	[MCFW_A_BATCH_PORTID]	= { .type = NLA_U32 },
	[MCFW_A_ADDED]		= { .type = NLA_U32 },
	[MCFW_A_REPLACED]	= { .type = NLA_U32 },
	[MCFW_A_REMOVED]	= { .type = NLA_U32 },
	[MCFW_A_UNCHANGED]	= { .type = NLA_U32 },
	[MCFW_A_WAITING_COUNT]	= { .type = NLA_U32 },
	[MCFW_A_OIF_WAITING_COUNT] = { .type = NLA_U32 },
	[MCFW_A_JOINED]		= { .type = NLA_FLAG },
	[MCFW_A_JOIN_COUNT]	= { .type = NLA_U32 },
	[MCFW_A_JOIN_MAX]	= { .type = NLA_U32 },
	[MCFW_A_ALLMULTI]	= { .type = NLA_FLAG },
	[MCFW_A_RATE_PKTS]	= { .type = NLA_U64 },
	[MCFW_A_RATE_BITS]	= { .type = NLA_U64 },
	[MCFW_A_BOUNDARIES]	= { .type = NLA_NESTED },
	[MCFW_A_RELAY_ADDR]	= { .type = NLA_U32 },	/* be32 */
	[MCFW_A_RELAY_PORT]	= { .type = NLA_U16 },	/* be16 */
	[MCFW_A_RELAY_GROUP_PORT] = { .type = NLA_U16 },	/* be16 */
	[MCFW_A_RELAY_TTL]	= { .type = NLA_U8 },
	[MCFW_A_SNAT]		= { .type = NLA_FLAG },
	[MCFW_A_GROUP6]		= MCFW_NL_POLICY_IN6,
	[MCFW_A_SOURCE6]	= MCFW_NL_POLICY_IN6,
	[MCFW_A_RELAY_ADDR6]	= MCFW_NL_POLICY_IN6,
	[MCFW_A_BOUNDARY_SCOPE]	= { .type = NLA_U8 },
};

static struct nla_policy stats_policy[MCFW_STATS_A_MAX + 1] = {
	[MCFW_STATS_A_PACKETS]		= { .type = NLA_U64 },
	[MCFW_STATS_A_BYTES]		= { .type = NLA_U64 },
	[MCFW_STATS_A_RPF_FAIL]		= { .type = NLA_U64 },
	[MCFW_STATS_A_TTL_DROP]		= { .type = NLA_U64 },
	[MCFW_STATS_A_SCOPE_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_MTU_DROP]		= { .type = NLA_U64 },
	[MCFW_STATS_A_DOWN_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_XMIT_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_DROPS]		= { .type = NLA_U64 },
	[MCFW_STATS_A_OUT_PACKETS]	= { .type = NLA_U64 },
	[MCFW_STATS_A_OUT_BYTES]	= { .type = NLA_U64 },
	[MCFW_STATS_A_MARTIAN_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_RATE_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_RA_DROP]		= { .type = NLA_U64 },
	[MCFW_STATS_A_SRR_DROP]		= { .type = NLA_U64 },
	[MCFW_STATS_A_RECORD_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_BADOPT_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_BOUNDARY_DROP]	= { .type = NLA_U64 },
	[MCFW_STATS_A_FILTER_DROP]	= { .type = NLA_U64 },
};

static struct nla_policy op_policy[CTRL_ATTR_OP_MAX + 1] = {
	[CTRL_ATTR_OP_ID]	= { .type = NLA_U32 },
	[CTRL_ATTR_OP_FLAGS]	= { .type = NLA_U32 },
};

static struct nla_policy mcgrp_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= { .type = NLA_STRING },
	[CTRL_ATTR_MCAST_GRP_ID]	= { .type = NLA_U32 },
};

static struct nla_policy ext_ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]		= { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS]		= { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_TYPE]	= { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_NEST]	= { .type = NLA_U32 },
};

static const char *attr_name(int type, char *buf, size_t len)
{
	if (type >= 0 && type <= MCFW_A_MAX && mcfw_attr_names[type])
		return mcfw_attr_names[type];
	snprintf(buf, len, "attribute type %d", type);
	return buf;
}

static const char * const mcfw_cmd_names[MCFW_CMD_MAX + 1] = {
	[MCFW_CMD_INFO_GET]	= "info-get",
	[MCFW_CMD_ROUTE_FLUSH]	= "route-flush",
	[MCFW_CMD_ROUTE_NEW]	= "route-new",
	[MCFW_CMD_ROUTE_DEL]	= "route-del",
	[MCFW_CMD_ROUTE_GET]	= "route-get",
	[MCFW_CMD_IFACE_GET]	= "iface-get",
	[MCFW_CMD_BATCH_BEGIN]	= "batch-begin",
	[MCFW_CMD_BATCH_COMMIT]	= "batch-commit",
	[MCFW_CMD_BATCH_ABORT]	= "batch-abort",
	[MCFW_CMD_ROUTE_ZERO]	= "route-zero",
	[MCFW_CMD_IFACE_SET]	= "iface-set",
	[MCFW_CMD_RELAY_NEW]	= "relay-new",
	[MCFW_CMD_RELAY_DEL]	= "relay-del",
	[MCFW_CMD_RELAY_GET]	= "relay-get",
};

/*
 * After a package upgrade the running module may be older than this
 * tool until it is reloaded: say so, and how to reload it, rather than
 * leave the operator with the kernel's "Unknown attribute type".
 */
static void older_module(const char *what, const char *lacks)
{
	char ver[64] = "";
	FILE *f;

	f = fopen("/sys/module/mcfw/version", "r");
	if (f) {
		if (!fgets(ver, sizeof(ver), f))
			ver[0] = '\0';
		ver[strcspn(ver, "\n")] = '\0';
		fclose(f);
	}
	errmsg("%s: the loaded mcfw module (version %s) does not know %s: %s (version %s)",
	       what, ver[0] ? ver : "unknown", lacks,
	       "it is older than this mcfwctl", mcfwctl_version());
	errmsg("reload the module to use it (%s): %s",
	       "its routes go with it; the service restores /etc/mcfw/mcfw.conf's",
	       "systemctl stop mcfw; modprobe -r mcfw; systemctl start mcfw");
}

int mcfw_nl_missing(const char *what, int attr)
{
	char buf[32];

	errmsg("%s: malformed reply from the kernel (no %s)", what,
	       attr_name(attr, buf, sizeof(buf)));
	return -1;
}

/* libnl error codes are not errnos: give the matching errno's text. */
static const char *nl_strerr(int err)
{
	static const int map[][2] = {
		{ NLE_INTR, EINTR },
		{ NLE_BAD_SOCK, EBADF },
		{ NLE_AGAIN, EAGAIN },
		{ NLE_NOMEM, ENOMEM },
		{ NLE_EXIST, EEXIST },
		{ NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE },
		{ NLE_MSGSIZE, EMSGSIZE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP },
		{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND, ENOENT },
		{ NLE_BUSY, EBUSY },
		{ NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
		{ NLE_NOACCESS, EACCES },
		{ NLE_PERM, EPERM },
		{ NLE_NODEV, ENODEV },
		{ NLE_MSG_OVERFLOW, ENOBUFS },
	};
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i][0] == err)
			return strerror(map[i][1]);
	return nl_geterror(err);
}

static int netns_enter(const char *name)
{
	static bool entered;
	char buf[4096];
	const char *path = name;
	int fd;

	if (entered)
		return 0;

	/* Like ip -n: a bare name lives in /run/netns, a path is a path. */
	if (!strchr(name, '/')) {
		snprintf(buf, sizeof(buf), "%s/%s", NETNS_RUN_DIR, name);
		path = buf;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errmsg("cannot open network namespace \"%s\": %s", name,
		       strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		errmsg("cannot enter network namespace \"%s\": %s", name,
		       strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	entered = true;
	return 0;
}

int mcfw_nl_enter_netns(void)
{
	if (!mcfwctl_opts.netns)
		return 0;
	return netns_enter(mcfwctl_opts.netns);
}

/*
 * Parse the extended ack TLVs that follow the first @hlen payload bytes
 * of an NLMSG_ERROR or NLMSG_DONE message. Leaves @tb empty if none.
 */
static void ext_ack_parse(struct nlmsghdr *nlh, size_t hlen,
			  struct nlattr **tb)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);

	memset(tb, 0, sizeof(*tb) * (NLMSGERR_ATTR_MAX + 1));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, ext_ack_policy) < 0)
		memset(tb, 0, sizeof(*tb) * (NLMSGERR_ATTR_MAX + 1));
}

/*
 * Name the top-level attribute of our request that covers offset @offs.
 * Returns its type, and in *@nested whether @offs points inside it;
 * -1 if no attribute covers it.
 */
static int report_offset(const struct nl_req *req,
			 const struct nlmsghdr *nlh, __u32 offs, bool *nested)
{
	struct nlattr *head, *nla;
	char buf[32];
	int rem;

	if (!nlh || offs < NLMSG_HDRLEN + GENL_HDRLEN || offs >= nlh->nlmsg_len)
		return -1;
	head = genlmsg_attrdata(nlmsg_data(nlh), 0);
	nla_for_each_attr(nla, head, genlmsg_attrlen(nlmsg_data(nlh), 0),
			  rem) {
		size_t start = (char *)nla - (char *)nlh;

		if (offs < start || offs >= start + nla->nla_len)
			continue;
		errmsg("%s: the kernel rejected %s%s", req->what,
		       offs == start ? "" : "a part of ",
		       attr_name(nla_type(nla), buf, sizeof(buf)));
		*nested = offs != start;
		return nla_type(nla);
	}
	return -1;
}

/* The request an NLMSG_ERROR echoes whole (not capped), or NULL. */
static const struct nlmsghdr *echoed_request(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);

	if ((nlh->nlmsg_flags & NLM_F_CAPPED) ||
	    e->msg.nlmsg_len < NLMSG_HDRLEN ||
	    e->msg.nlmsg_len > nlh->nlmsg_len - NLMSG_HDRLEN -
			       offsetof(struct nlmsgerr, msg))
		return NULL;
	return &e->msg;
}

static void report_error(const struct nl_req *req, struct nlmsghdr *nlh,
			 size_t hlen, int error)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *msg = NULL;
	char buf[32], lacks[80];
	bool nested = false;
	int type = -1;

	ext_ack_parse(nlh, hlen, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	if (msg)
		errmsg("kernel reports: %s (%s)", msg, strerror(error));
	else
		errmsg("%s: %s", req->what, strerror(error));
	if (tb[NLMSGERR_ATTR_OFFS])
		type = report_offset(req, req->msg ? nlmsg_hdr(req->msg) :
				     echoed_request(nlh),
				     nla_get_u32(tb[NLMSGERR_ATTR_OFFS]),
				     &nested);
	/*
	 * This tool sends only attributes its header defines: one the
	 * module's policy does not know (beyond the family's maxattr, or
	 * what strict validation calls an unknown type) is newer than it.
	 */
	if (type > 0 && !nested && req->nl && req->nl->maxattr &&
	    (__u32)type > req->nl->maxattr) {
		older_module(req->what, attr_name(type, buf, sizeof(buf)));
	} else if (msg && !strcmp(msg, "Unknown attribute type")) {
		/* Without the request (a batch's), the attribute is unnamed. */
		if (type <= 0)
			snprintf(lacks, sizeof(lacks), "an attribute of this request");
		else
			snprintf(lacks, sizeof(lacks), "%s%s",
				 nested ? "an attribute inside " : "",
				 attr_name(type, buf, sizeof(buf)));
		older_module(req->what, lacks);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] && !tb[NLMSGERR_ATTR_MISS_NEST])
		errmsg("%s: the request lacks required %s", req->what,
		       attr_name(nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]),
				 buf, sizeof(buf)));
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		errmsg("%s: the request lacks nested attribute type %u",
		       req->what, nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
}

/* Payload of an NLMSG_ERROR message in front of its extack TLVs. */
static size_t nlmsgerr_len(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t hlen = sizeof(*e);

	/* Without NLM_F_CAPPED the whole request is echoed, not its header. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return hlen;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload of the NLMSG_ERROR message. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nl_req *req = arg;

	(void)nla;
	req->done = true;
	req->error = e->error < 0 ? -e->error : e->error;
	if (req->error != req->quiet_errno)
		report_error(req, nlh, nlmsgerr_len(nlh), req->error);
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nl_req *req = arg;

	/* A successful ack may still carry a warning. */
	ext_ack_parse(nlmsg_hdr(msg), nlmsgerr_len(nlmsg_hdr(msg)), tb);
	if (tb[NLMSGERR_ATTR_MSG])
		errmsg("kernel warning: %s",
		       nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	req->done = true;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nl_req *req = arg;
	int err;

	req->done = true;
	/* NLMSG_DONE carries the dump's final status, then extack TLVs. */
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(err)))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		req->error = -err;
		if (req->error != req->quiet_errno)
			report_error(req, nlh, sizeof(err), req->error);
	}
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nl_req *req = arg;

	if (!req->valid || req->failed)
		return NL_SKIP;
	if (req->valid(req, msg) < 0) {
		req->failed = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct nl_req *req = arg;

	(void)msg;
	req->intr = true;
	return NL_OK;
}

/*
 * Send @req->msg and read replies until the kernel's ack (or NLMSG_DONE
 * for a dump) or an error. Returns 0 or -1; -1 is reported unless it is
 * req->quiet_errno, left in req->error for the caller.
 */
static int transact(struct nl_sock *sk, struct nl_req *req, bool dump)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req->msg);
	struct nl_cb *cb;
	int ret = -1;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		errmsg("%s: %s", req->what, strerror(ENOMEM));
		return -1;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, req);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, req);

	/*
	 * Sequence number, port and NLM_F_REQUEST|NLM_F_ACK come from libnl;
	 * its default sequence check stays on. A dump ends in NLMSG_DONE
	 * rather than in an ack.
	 */
	nl_complete_msg(sk, req->msg);
	if (dump) {
		nlh->nlmsg_flags |= NLM_F_DUMP;
		nlh->nlmsg_flags &= ~NLM_F_ACK;
	}
	err = nl_send(sk, req->msg);
	if (err < 0) {
		errmsg("%s: sending request: %s", req->what, nl_strerr(err));
		goto out;
	}

	while (!req->done && !req->failed) {
		err = nl_recvmsgs_report(sk, cb);
		if (req->error || req->failed)
			break;
		if (err < 0) {
			errmsg("%s: receiving reply: %s", req->what,
			       nl_strerr(err));
			goto out;
		}
		if (err == 0 && !req->done) {
			errmsg("%s: receiving reply: %s", req->what,
			       "connection closed");
			goto out;
		}
	}
	/* The caller decides whether to start an interrupted dump over. */
	if (req->error || req->failed || req->intr)
		goto out;
	ret = 0;
out:
	nl_cb_put(cb);
	return ret;
}

/* Remember the id of the "config" multicast group, if the family has it. */
static void ctrl_mcast_groups(struct mcfw_nl *nl, struct nlattr *groups)
{
	struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *grp;
	int rem;

	nla_for_each_nested(grp, groups, rem) {
		if (nla_parse_nested(tb, CTRL_ATTR_MCAST_GRP_MAX, grp,
				     mcgrp_policy) < 0 ||
		    !tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (!strcmp(nla_get_string(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    MCFW_GENL_MCGRP_CONFIG))
			nl->mcgrp_config = nla_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

/* Remember which commands the loaded module has. */
static void ctrl_ops(struct mcfw_nl *nl, struct nlattr *ops)
{
	struct nlattr *tb[CTRL_ATTR_OP_MAX + 1];
	struct nlattr *op;
	__u32 id;
	int rem;

	nla_for_each_nested(op, ops, rem) {
		if (nla_parse_nested(tb, CTRL_ATTR_OP_MAX, op, op_policy) < 0 ||
		    !tb[CTRL_ATTR_OP_ID])
			continue;
		id = nla_get_u32(tb[CTRL_ATTR_OP_ID]);
		if (id < 64)
			nl->cmds |= 1ULL << id;
		nl->cmds_known = true;
	}
}

static int ctrl_reply(struct nl_req *req, struct nl_msg *msg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct mcfw_nl *nl = req->arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) < (int)sizeof(__u16)) {
		errmsg("%s: malformed reply from the kernel", req->what);
		return -1;
	}
	nl->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nl->maxattr = tb[CTRL_ATTR_MAXATTR] &&
		      nla_len(tb[CTRL_ATTR_MAXATTR]) >= (int)sizeof(__u32) ?
		      nla_get_u32(tb[CTRL_ATTR_MAXATTR]) : 0;
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		ctrl_mcast_groups(nl, tb[CTRL_ATTR_MCAST_GROUPS]);
	if (tb[CTRL_ATTR_OPS])
		ctrl_ops(nl, tb[CTRL_ATTR_OPS]);
	return 0;
}

/* What genl_ctrl_resolve() does, but keeping the kernel's errno. */
static int resolve_family(struct mcfw_nl *nl, bool quiet)
{
	struct nl_req req = {
		.what = "resolving generic netlink family \"" MCFW_GENL_NAME "\"",
		.valid = ctrl_reply,
		.arg = nl,
		.quiet_errno = ENOENT,
	};
	int ret;

	req.msg = nlmsg_alloc();
	if (!req.msg ||
	    !genlmsg_put(req.msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			 0, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME, MCFW_GENL_NAME) < 0) {
		errmsg("%s: %s", req.what, strerror(ENOMEM));
		nlmsg_free(req.msg);
		return -1;
	}
	ret = transact(nl->sk, &req, false);
	nlmsg_free(req.msg);
	if (ret < 0 && req.error == ENOENT && !quiet)
		errmsg("the mcfw kernel module is not loaded (load it with: modprobe mcfw)");
	if (ret < 0 && req.error == ENOENT)
		return -2;
	if (ret == 0 && nl->family <= 0) {
		errmsg("%s: no reply from the kernel", req.what);
		return -1;
	}
	return ret;
}

/* A buffer size beyond net.core.[rw]mem_max, which root may set. */
static void set_bufsize(int fd, int force, int plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

static struct mcfw_nl *nl_open(bool quiet, bool *absent)
{
	struct mcfw_nl *nl;
	int one = 1;
	int err;

	if (mcfw_nl_enter_netns() < 0)
		return NULL;

	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		errmsg("%s", strerror(ENOMEM));
		return NULL;
	}
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		errmsg("allocating netlink socket: %s", strerror(ENOMEM));
		goto err_free;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		errmsg("opening generic netlink socket: %s", nl_strerr(err));
		goto err_free;
	}
	/*
	 * A route with many outputs makes a message larger than a page:
	 * peek at each message's size before reading it.
	 */
	nl_socket_enable_msg_peek(nl->sk);
	set_bufsize(nl_socket_get_fd(nl->sk), SO_SNDBUFFORCE, SO_SNDBUF,
		    SNDBUF_SIZE);
	set_bufsize(nl_socket_get_fd(nl->sk), SO_RCVBUFFORCE, SO_RCVBUF,
		    RCVBUF_SIZE);
	/*
	 * Extended acks give the kernel's error message; capped acks keep
	 * the request out of error replies. Kernels without them (< 4.12)
	 * still work, so failure is not fatal.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	err = resolve_family(nl, quiet);
	if (err == -2 && absent)
		*absent = true;
	if (err < 0)
		goto err_free;
	return nl;

err_free:
	mcfw_nl_close(nl);
	return NULL;
}

struct mcfw_nl *mcfw_nl_open(void)
{
	return nl_open(false, NULL);
}

struct mcfw_nl *mcfw_nl_open_quiet(bool *absent)
{
	*absent = false;
	return nl_open(true, absent);
}

void mcfw_nl_close(struct mcfw_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *mcfw_nl_msg_sized(struct mcfw_nl *nl, __u8 cmd,
				 size_t payload)
{
	size_t size = NLMSG_SPACE(GENL_HDRLEN + payload);
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(size);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
			 cmd, MCFW_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *mcfw_nl_msg(struct mcfw_nl *nl, __u8 cmd)
{
	/* Room for any request but a route's (which says its size). */
	return mcfw_nl_msg_sized(nl, cmd, getpagesize() - NLMSG_SPACE(GENL_HDRLEN));
}

/* Parse an mcfw reply and hand its attributes to the caller's handler. */
static int mcfw_reply(struct nl_req *req, struct nl_msg *msg)
{
	const struct mcfw_nl_handler *h = req->arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[MCFW_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, MCFW_A_MAX, mcfw_policy) < 0) {
		errmsg("%s: malformed reply from the kernel", req->what);
		return -1;
	}
	return h->reply(genlmsg_hdr(nlh), tb, h->arg);
}

static int request(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		   const struct mcfw_nl_handler *h, bool dump, int quiet_errno)
{
	bool retry = dump && h && h->restart;
	struct nl_req req;
	int ret, tries;

	if (!msg) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return -1;
	}
	if (!mcfw_nl_has_cmd(nl, msg, what)) {
		nlmsg_free(msg);
		return -1;
	}
	for (tries = 1; ; tries++) {
		req = (struct nl_req){
			.nl = nl,
			.what = what,
			.msg = msg,
			.valid = h && h->reply ? mcfw_reply : NULL,
			.arg = (void *)h,
			.quiet_errno = quiet_errno,
		};
		ret = transact(nl->sk, &req, dump);
		if (ret == 0 || !req.intr || req.error || req.failed)
			break;
		if (!retry || tries >= DUMP_TRIES) {
			errmsg("%s: dump interrupted by concurrent changes %d times, giving up",
			       what, tries);
			break;
		}
		/* Start over with a new sequence number. */
		h->restart(h->arg);
		nlmsg_hdr(msg)->nlmsg_seq = NL_AUTO_SEQ;
	}
	nlmsg_free(msg);
	if (ret < 0 && quiet_errno && req.error == quiet_errno)
		return quiet_errno;
	return ret;
}

bool mcfw_nl_cmd_known(const struct mcfw_nl *nl, __u8 cmd)
{
	return !nl->cmds_known || (cmd < 64 && (nl->cmds & (1ULL << cmd)));
}

bool mcfw_nl_has_cmd(const struct mcfw_nl *nl, struct nl_msg *msg,
		     const char *what)
{
	__u8 cmd = genlmsg_hdr(nlmsg_hdr(msg))->cmd;
	char lacks[64];

	if (mcfw_nl_cmd_known(nl, cmd))
		return true;
	if (cmd <= MCFW_CMD_MAX && mcfw_cmd_names[cmd])
		snprintf(lacks, sizeof(lacks), "the %s command",
			 mcfw_cmd_names[cmd]);
	else
		snprintf(lacks, sizeof(lacks), "command %u", cmd);
	older_module(what, lacks);
	return false;
}

int mcfw_nl_do(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
	       const struct mcfw_nl_handler *h)
{
	return request(nl, msg, what, h, false, 0);
}

int mcfw_nl_do_errno(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		     const struct mcfw_nl_handler *h, int quiet_errno)
{
	return request(nl, msg, what, h, false, quiet_errno);
}

int mcfw_nl_dump(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		 const struct mcfw_nl_handler *h)
{
	return request(nl, msg, what, h, true, 0);
}

int mcfw_nl_stats(struct nlattr *nest, __u64 c[MCFW_STATS_A_MAX + 1])
{
	struct nlattr *tb[MCFW_STATS_A_MAX + 1];
	int i;

	memset(c, 0, sizeof(*c) * (MCFW_STATS_A_MAX + 1));
	if (nla_parse_nested(tb, MCFW_STATS_A_MAX, nest, stats_policy) < 0)
		return -1;
	for (i = MCFW_STATS_A_PACKETS; i <= MCFW_STATS_A_MAX; i++)
		if (tb[i])
			c[i] = nla_get_u64(tb[i]);
	return 0;
}

struct monitor_ctx {
	const struct mcfw_nl *nl;
	const char *what;
	const struct mcfw_nl_handler *h;
	bool failed;
};

static int monitor_valid(struct nl_msg *msg, void *arg)
{
	struct monitor_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[MCFW_A_MAX + 1];

	/* Only the kernel sends to the group; skip anything else. */
	if (nlh->nlmsg_type != ctx->nl->family ||
	    nlmsg_get_src(msg)->nl_pid != 0)
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, MCFW_A_MAX, mcfw_policy) < 0) {
		errmsg("%s: malformed notification from the kernel",
		       ctx->what);
		return NL_SKIP;
	}
	if (ctx->h->reply(genlmsg_hdr(nlh), tb, ctx->h->arg) < 0) {
		ctx->failed = true;
		return NL_STOP;
	}
	return NL_OK;
}

/* Notifications are not replies: they have no sequence number to check. */
static int monitor_seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int mcfw_nl_monitor(struct mcfw_nl *nl, const char *what,
		    const struct mcfw_nl_handler *h)
{
	struct monitor_ctx ctx = { .nl = nl, .what = what, .h = h };
	struct nl_sock *sk;
	struct nl_cb *cb = NULL;
	int bufsize;
	int err;

	if (!nl->mcgrp_config) {
		errmsg("%s: the mcfw module has no \"%s\" multicast group",
		       what, MCFW_GENL_MCGRP_CONFIG);
		return -1;
	}
	sk = nl_socket_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!sk || !cb) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		goto out;
	}
	err = genl_connect(sk);
	if (err < 0) {
		errmsg("%s: opening generic netlink socket: %s", what,
		       nl_strerr(err));
		goto out;
	}
	nl_socket_enable_msg_peek(sk);
	bufsize = MONITOR_RCVBUF;
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF, &bufsize,
		   sizeof(bufsize));
	err = nl_socket_add_membership(sk, nl->mcgrp_config);
	if (err < 0) {
		errmsg("%s: joining multicast group \"%s\": %s", what,
		       MCFW_GENL_MCGRP_CONFIG, nl_strerr(err));
		goto out;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, monitor_seq_ok, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, monitor_valid, &ctx);

	for (;;) {
		err = nl_recvmsgs_report(sk, cb);
		if (ctx.failed)
			goto out;
		/* libnl reports the socket's ENOBUFS as NLE_NOMEM. */
		if (err == -NLE_NOMEM) {
			errmsg("%s: notifications were lost (receive buffer overrun)",
			       what);
			if (h->restart)
				h->restart(h->arg);
			continue;
		}
		if (err < 0) {
			errmsg("%s: receiving notifications: %s", what,
			       nl_strerr(err));
			goto out;
		}
	}
out:
	nl_cb_put(cb);
	nl_socket_free(sk);
	return -1;
}

int mcfw_nl_fd(struct mcfw_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

__u32 mcfw_nl_port(struct mcfw_nl *nl)
{
	return nl_socket_get_local_port(nl->sk);
}

void mcfw_nl_report_error(const struct mcfw_nl *nl, const char *what,
			  struct nl_msg *req_msg, struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	struct nl_req req = { .nl = nl, .what = what, .msg = req_msg };

	report_error(&req, nlh, nlmsgerr_len(nlh), -e->error);
}

int mcfw_nl_send_msg(struct mcfw_nl *nl, struct nl_msg *msg, __u32 *seq,
		     const char *what)
{
	int err;

	if (!mcfw_nl_has_cmd(nl, msg, what))
		return -1;
	nl_complete_msg(nl->sk, msg);
	*seq = nlmsg_hdr(msg)->nlmsg_seq;
	err = nl_send(nl->sk, msg);
	if (err < 0) {
		errmsg("%s: sending request: %s", what, nl_strerr(err));
		return -1;
	}
	return 0;
}

int mcfw_nl_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	return genlmsg_parse(nlh, 0, tb, MCFW_A_MAX, mcfw_policy) < 0 ? -1 : 0;
}

bool mcfw_nl_knows(const struct mcfw_nl *nl, int attr)
{
	return attr >= 0 && (__u32)attr <= nl->maxattr;
}

int mcfw_nl_put_addr(struct nl_msg *msg, int attr4, int attr6,
		     const struct ipaddr *a)
{
	return nla_put(msg, a->family == AF_INET6 ? attr6 : attr4,
		       ipaddr_len(a), ipaddr_bytes(a)) < 0 ? -1 : 0;
}

int mcfw_nl_get_addr(const struct nlattr *a4, const struct nlattr *a6,
		     struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (a6) {
		a->family = AF_INET6;
		memcpy(&a->v6, nla_data(a6), sizeof(a->v6));
	} else if (a4) {
		a->family = AF_INET;
		memcpy(&a->v4, nla_data(a4), sizeof(a->v4));
	} else {
		return -1;
	}
	return 0;
}
