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

struct mcfw_nl {
	struct nl_sock *sk;
	int family;
};

/* State of one request while its replies are read. */
struct nl_req {
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
};

/* Types of the attributes the kernel sends; others are accepted as is. */
static struct nla_policy mcfw_policy[MCFW_A_MAX + 1] = {
	[MCFW_A_VERSION]	= { .type = NLA_STRING },
	[MCFW_A_ROUTE_COUNT]	= { .type = NLA_U32 },
	[MCFW_A_IFACE_COUNT]	= { .type = NLA_U32 },
	[MCFW_A_OIF_MAX]	= { .type = NLA_U32 },
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
	char buf[4096];
	const char *path = name;
	int fd;

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
	return 0;
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

/* Name the top-level attribute of our request that covers offset @offs. */
static void report_offset(const struct nl_req *req, __u32 offs)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req->msg);
	struct nlattr *head, *nla;
	char buf[32];
	int rem;

	if (offs < NLMSG_HDRLEN + GENL_HDRLEN || offs >= nlh->nlmsg_len)
		return;
	head = genlmsg_attrdata(nlmsg_data(nlh), 0);
	nla_for_each_attr(nla, head, genlmsg_attrlen(nlmsg_data(nlh), 0),
			  rem) {
		size_t start = (char *)nla - (char *)nlh;

		if (offs < start || offs >= start + nla->nla_len)
			continue;
		errmsg("%s: the kernel rejected %s%s", req->what,
		       offs == start ? "" : "a part of ",
		       attr_name(nla_type(nla), buf, sizeof(buf)));
		return;
	}
}

static void report_error(const struct nl_req *req, struct nlmsghdr *nlh,
			 size_t hlen, int error)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	char buf[32];

	ext_ack_parse(nlh, hlen, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		errmsg("kernel reports: %s (%s)",
		       nla_get_string(tb[NLMSGERR_ATTR_MSG]), strerror(error));
	else
		errmsg("%s: %s", req->what, strerror(error));
	if (tb[NLMSGERR_ATTR_OFFS])
		report_offset(req, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
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
	if (req->error || req->failed)
		goto out;
	if (req->intr) {
		errmsg("%s: dump interrupted by a concurrent change, try again",
		       req->what);
		goto out;
	}
	ret = 0;
out:
	nl_cb_put(cb);
	return ret;
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
	return 0;
}

/* What genl_ctrl_resolve() does, but keeping the kernel's errno. */
static int resolve_family(struct mcfw_nl *nl)
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
	if (ret < 0 && req.error == ENOENT)
		errmsg("the mcfw kernel module is not loaded (load it with: modprobe mcfw)");
	if (ret == 0 && nl->family <= 0) {
		errmsg("%s: no reply from the kernel", req.what);
		return -1;
	}
	return ret;
}

struct mcfw_nl *mcfw_nl_open(void)
{
	struct mcfw_nl *nl;
	int one = 1;
	int err;

	if (mcfwctl_opts.netns && netns_enter(mcfwctl_opts.netns) < 0)
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
	 * Extended acks give the kernel's error message; capped acks keep
	 * the request out of error replies. Kernels without them (< 4.12)
	 * still work, so failure is not fatal.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	if (resolve_family(nl) < 0)
		goto err_free;
	return nl;

err_free:
	mcfw_nl_close(nl);
	return NULL;
}

void mcfw_nl_close(struct mcfw_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *mcfw_nl_msg(struct mcfw_nl *nl, __u8 cmd)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
			 cmd, MCFW_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
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
		   const struct mcfw_nl_handler *h, bool dump)
{
	struct nl_req req = {
		.what = what,
		.msg = msg,
		.valid = h && h->reply ? mcfw_reply : NULL,
		.arg = (void *)h,
	};
	int ret;

	if (!msg) {
		errmsg("%s: %s", what, strerror(ENOMEM));
		return -1;
	}
	ret = transact(nl->sk, &req, dump);
	nlmsg_free(msg);
	return ret;
}

int mcfw_nl_do(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
	       const struct mcfw_nl_handler *h)
{
	return request(nl, msg, what, h, false);
}

int mcfw_nl_dump(struct mcfw_nl *nl, struct nl_msg *msg, const char *what,
		 const struct mcfw_nl_handler *h)
{
	return request(nl, msg, what, h, true);
}
