// SPDX-License-Identifier: GPL-2.0
/*
 * The "mcfw" generic netlink family, spoken to with raw netlink sockets
 * (no libnl, so the kernel side is checked apart from mcfwctl): family
 * registration, replies, strict validation with extack messages, and the
 * permission required for changes.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/mcfw.h>

#include "kselftest_harness.h"
#include "nlbuf.h"

/* Large enough for a route of 256 outputs by name, with counters. */
#define BUFSZ 131072

struct reply {
	int error;			/* 0, or negative errno from NLMSG_ERROR */
	char msg[256];			/* extack message, if any */
	struct nlattr *tb[64];		/* attributes of a genl reply */
	__u8 cmd;
};

static int nl_open_proto(int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int nl_open(void)
{
	return nl_open_proto(NETLINK_GENERIC);
}

static void *attr_put(void *pos, __u16 type, const void *data,
		      __u16 len)
{
	struct nlattr *nla = pos;

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	return (char *)pos + NLA_ALIGN(nla->nla_len);
}

/* Send one genl request; attrs/alen is the attribute payload. */
static int nl_send(int fd, __u16 type, __u8 cmd, __u16 flags,
		   __u16 reserved, const void *attrs, size_t alen)
{
	static __u32 seq = 1;
	static char buf[BUFSZ];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + alen;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq++;
	g->cmd = cmd;
	g->version = 1;
	g->reserved = reserved;
	memcpy((char *)g + GENL_HDRLEN, attrs, alen);
	return send(fd, buf, nlh->nlmsg_len, 0) < 0 ? -errno : 0;
}

/* Walking attributes: for (a = first; attr_ok(a, rem); a = attr_next(a, &rem)). */
static bool attr_ok(const struct nlattr *a, int rem)
{
	return rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
}

static struct nlattr *attr_next(struct nlattr *a, int *rem)
{
	*rem -= NLA_ALIGN(a->nla_len);
	return (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
}

/* The first attribute nested in @nest. */
static struct nlattr *nest_first(struct nlattr *nest, int *rem)
{
	*rem = nest->nla_len - NLA_HDRLEN;
	return (struct nlattr *)((char *)nest + NLA_HDRLEN);
}

/* The first attribute of the generic netlink message @nlh. */
static struct nlattr *genl_first(struct nlmsghdr *nlh, int *rem)
{
	*rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
}

static void parse_attrs(struct nlattr **tb, size_t max, void *data, int len)
{
	struct nlattr *nla = data;

	memset(tb, 0, max * sizeof(*tb));
	for (; attr_ok(nla, len); nla = attr_next(nla, &len))
		if ((nla->nla_type & NLA_TYPE_MASK) < max)
			tb[nla->nla_type & NLA_TYPE_MASK] = nla;
}

static void parse_extack(struct nlmsghdr *nlh, struct reply *r)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	char *p;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	p = (char *)e + off;
	parse_attrs(tb, NLMSGERR_ATTR_MAX + 1, p,
		    (char *)nlh + nlh->nlmsg_len - p);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 (char *)tb[NLMSGERR_ATTR_MSG] + NLA_HDRLEN);
}

/*
 * Receive until the ack. The reply (if any) stays in buf, which r->tb
 * points into.
 */
static int nl_recv(int fd, char *buf, struct reply *r)
{
	static char tmp[BUFSZ];

	memset(r, 0, sizeof(*r));
	r->error = 1;
	for (;;) {
		struct nlmsghdr *nlh;
		int len;

		len = recv(fd, tmp, sizeof(tmp), 0);
		if (len < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)tmp; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				r->error = e->error;
				parse_extack(nlh, r);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				r->error = 0;
				return 0;
			}
			memcpy(buf, nlh, nlh->nlmsg_len);
			r->cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
			parse_attrs(r->tb, 64,
				    (char *)NLMSG_DATA(buf) + GENL_HDRLEN,
				    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
		}
	}
}

/*
 * Creates dummy device @name, up, in the caller's namespace, over
 * rtnetlink: 0 or a negative errno, the kernel's extack message in @r.
 * Every "routes" case makes three in a namespace of its own; running "ip"
 * for them cost more than the case itself on the debug kernel, where each
 * exec takes most of a second.
 */
static int dummy_add(const char *name, char *buf, struct reply *r)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} *req;
	static struct nlbuf m;
	size_t info;
	int fd, err;

	memset(&m, 0, sizeof(m));
	m.len = NLMSG_ALIGN(sizeof(*req));
	req = (void *)m.data;
	req->nh.nlmsg_type = RTM_NEWLINK;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req->ifi.ifi_family = AF_UNSPEC;
	req->ifi.ifi_flags = IFF_UP;
	req->ifi.ifi_change = IFF_UP;
	put_str(&m, IFLA_IFNAME, name);
	info = nest_start(&m, IFLA_LINKINFO);
	put_str(&m, IFLA_INFO_KIND, "dummy");
	nest_end(&m, info);
	req->nh.nlmsg_len = m.len;

	fd = nl_open_proto(NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	err = send(fd, m.data, m.len, 0) < 0 ? -errno : nl_recv(fd, buf, r);
	close(fd);
	return err ?: r->error;
}

static __u32 nla_u32(const struct nlattr *nla)
{
	return *(const __u32 *)((const char *)nla + NLA_HDRLEN);
}

static __u16 nla_u16(const struct nlattr *nla)
{
	return *(const __u16 *)((const char *)nla + NLA_HDRLEN);
}

/*
 * Resolves the family on @fd (which loads the module through its alias).
 * Return: the family id, or a negative errno; @r has the controller's
 * reply, which points into @buf.
 */
static int family_id(int fd, char *buf, struct reply *r)
{
	char attrs[64];
	void *end;

	end = attr_put(attrs, CTRL_ATTR_FAMILY_NAME, MCFW_GENL_NAME,
		       sizeof(MCFW_GENL_NAME));
	if (nl_send(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, 0, attrs,
		    (char *)end - attrs) || nl_recv(fd, buf, r))
		return -EIO;
	if (r->error)
		return r->error;
	if (!r->tb[CTRL_ATTR_FAMILY_ID])
		return -EPROTO;
	return nla_u16(r->tb[CTRL_ATTR_FAMILY_ID]);
}

FIXTURE(mcfw) {
	int fd;
	__u16 family;
	char buf[BUFSZ];
	struct reply r;
};

FIXTURE_SETUP(mcfw)
{
	int id;

	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	id = family_id(self->fd, self->buf, &self->r);
	ASSERT_LT(0, id) {
		TH_LOG("family %s: %s", MCFW_GENL_NAME, strerror(-id));
	}
	self->family = id;
}

FIXTURE_TEARDOWN(mcfw)
{
	close(self->fd);
}

/* Look up an op's flags in the CTRL_ATTR_OPS nest of the family reply. */
static int op_flags(struct reply *r, __u32 cmd)
{
	struct nlattr *ops = r->tb[CTRL_ATTR_OPS];
	struct nlattr *op, *tb[CTRL_ATTR_OP_MAX + 1];
	int len;

	if (!ops)
		return -1;
	for (op = nest_first(ops, &len); attr_ok(op, len); op = attr_next(op, &len)) {
		parse_attrs(tb, CTRL_ATTR_OP_MAX + 1, (char *)op + NLA_HDRLEN,
			    op->nla_len - NLA_HDRLEN);
		if (tb[CTRL_ATTR_OP_ID] && nla_u32(tb[CTRL_ATTR_OP_ID]) == cmd)
			return tb[CTRL_ATTR_OP_FLAGS] ?
			       nla_u32(tb[CTRL_ATTR_OP_FLAGS]) : 0;
	}
	return -1;
}

TEST_F(mcfw, family_registered)
{
	int flags;

	ASSERT_NE(NULL, self->r.tb[CTRL_ATTR_VERSION]);
	EXPECT_EQ((__u32)MCFW_GENL_VERSION, nla_u32(self->r.tb[CTRL_ATTR_VERSION]));
	ASSERT_NE(NULL, self->r.tb[CTRL_ATTR_MAXATTR]);
	EXPECT_EQ((__u32)MCFW_A_MAX, nla_u32(self->r.tb[CTRL_ATTR_MAXATTR]));

	flags = op_flags(&self->r, MCFW_CMD_INFO_GET);
	ASSERT_LE(0, flags);
	EXPECT_EQ(0, flags & GENL_ADMIN_PERM);
	EXPECT_TRUE(flags & GENL_CMD_CAP_DO);

	flags = op_flags(&self->r, MCFW_CMD_ROUTE_FLUSH);
	ASSERT_LE(0, flags);
	EXPECT_TRUE(flags & GENL_ADMIN_PERM);
}

TEST_F(mcfw, info_get_reply)
{
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_INFO_GET, 0, 0,
			     NULL, 0));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	ASSERT_EQ(0, self->r.error);
	EXPECT_EQ(MCFW_CMD_INFO_GET, self->r.cmd);
	ASSERT_NE(NULL, self->r.tb[MCFW_A_VERSION]);
	EXPECT_LT(0U, strlen((char *)self->r.tb[MCFW_A_VERSION] + NLA_HDRLEN));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_ROUTE_COUNT]);
	EXPECT_EQ(0U, nla_u32(self->r.tb[MCFW_A_ROUTE_COUNT]));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_IFACE_COUNT]);
	EXPECT_EQ(0U, nla_u32(self->r.tb[MCFW_A_IFACE_COUNT]));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_OIF_MAX]);
	EXPECT_LE(1U, nla_u32(self->r.tb[MCFW_A_OIF_MAX]));
}

/* Commands that take no attributes reject any, saying why. */
TEST_F(mcfw, info_get_rejects_attributes)
{
	__u32 v = 1;
	char attrs[16];
	void *end;

	end = attr_put(attrs, MCFW_A_ROUTE_COUNT, &v, sizeof(v));
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_INFO_GET, 0, 0,
			     attrs, (char *)end - attrs));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_NE(0, self->r.msg[0]);
	TH_LOG("extack: %s", self->r.msg);
}

TEST_F(mcfw, reserved_header_rejected)
{
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_INFO_GET, 0, 1,
			     NULL, 0));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_NE(0, self->r.msg[0]);
}

TEST_F(mcfw, reserved_flags_rejected)
{
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_FLUSH,
			     NLM_F_REPLACE, 0, NULL, 0));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_NE(0, self->r.msg[0]);
}

TEST_F(mcfw, unknown_command)
{
	ASSERT_EQ(0, nl_send(self->fd, self->family, 200, 0, 0, NULL, 0));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	EXPECT_EQ(-EOPNOTSUPP, self->r.error);
}

TEST_F(mcfw, info_get_has_no_dump)
{
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_INFO_GET,
			     NLM_F_DUMP, 0, NULL, 0));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	EXPECT_EQ(-EOPNOTSUPP, self->r.error);
}

TEST_F(mcfw, route_flush_as_admin)
{
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_FLUSH, 0, 0,
			     NULL, 0));
	ASSERT_EQ(0, nl_recv(self->fd, self->buf, &self->r));
	ASSERT_EQ(0, self->r.error);
	EXPECT_EQ(MCFW_CMD_ROUTE_FLUSH, self->r.cmd);
	ASSERT_NE(NULL, self->r.tb[MCFW_A_ROUTE_COUNT]);
	EXPECT_EQ(0U, nla_u32(self->r.tb[MCFW_A_ROUTE_COUNT]));
}

/* A process without CAP_NET_ADMIN may read, but not change anything. */
TEST_F(mcfw, route_flush_needs_cap_net_admin)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop privileges");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct reply r;
		int fd;

		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		fd = nl_open();
		if (fd < 0)
			_exit(11);
		nl_send(fd, self->family, MCFW_CMD_ROUTE_FLUSH, 0, 0, NULL, 0);
		if (nl_recv(fd, self->buf, &r) || r.error != -EPERM)
			_exit(12);
		nl_send(fd, self->family, MCFW_CMD_INFO_GET, 0, 0, NULL, 0);
		if (nl_recv(fd, self->buf, &r) || r.error != 0)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * Routes, each test in a network namespace of its own with three dummy
 * devices, so nothing leaks between tests or into the rest of the suite.
 */
static void put_oif(struct nlbuf *m, __u32 ifindex)
{
	size_t oif = nest_start(m, MCFW_A_OIF);

	put_u32(m, MCFW_OIF_A_IFINDEX, ifindex);
	nest_end(m, oif);
}

/* GROUP [SOURCE] IIF and the given outputs, as MCFW_CMD_ROUTE_NEW takes. */
static void route_msg(struct nlbuf *m, const char *grp, const char *src,
		      __u32 iif, const __u32 *oifs, int n)
{
	struct in_addr a;
	size_t nest;
	int i;

	m->len = 0;
	inet_pton(AF_INET, grp, &a);
	put(m, MCFW_A_GROUP, &a, sizeof(a));
	if (src) {
		inet_pton(AF_INET, src, &a);
		put(m, MCFW_A_SOURCE, &a, sizeof(a));
	}
	if (iif)
		put_u32(m, MCFW_A_IIF, iif);
	if (n >= 0) {
		nest = nest_start(m, MCFW_A_OIFS);
		for (i = 0; i < n; i++)
			put_oif(m, oifs[i]);
		nest_end(m, nest);
	}
}

FIXTURE(routes) {
	int fd;
	__u16 family;
	__u32 d0, d1, d2;
	char buf[BUFSZ];
	struct reply r;
	struct nlbuf m;
};

FIXTURE_SETUP(routes)
{
	int id;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, dummy_add("d0", self->buf, &self->r)) TH_LOG("%s", self->r.msg);
	ASSERT_EQ(0, dummy_add("d1", self->buf, &self->r)) TH_LOG("%s", self->r.msg);
	ASSERT_EQ(0, dummy_add("d2", self->buf, &self->r)) TH_LOG("%s", self->r.msg);
	self->d0 = if_nametoindex("d0");
	self->d1 = if_nametoindex("d1");
	self->d2 = if_nametoindex("d2");
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	id = family_id(self->fd, self->buf, &self->r);
	ASSERT_LT(0, id);
	self->family = id;
}

FIXTURE_TEARDOWN(routes)
{
	close(self->fd);
}

/* Sends self->m as @cmd; the reply lands in self->r (and self->buf). */
#define route_cmd(_metadata, self, cmd, flags) ({			\
	typeof(self) __s = (self);					\
	int __err = -1;							\
									\
	if (!nl_send(__s->fd, __s->family, cmd, flags, 0, __s->m.data,	\
		     __s->m.len) &&					\
	    !nl_recv(__s->fd, __s->buf, &__s->r))			\
		__err = __s->r.error;					\
	if (__err && __s->r.msg[0])					\
		TH_LOG("extack: %s", __s->r.msg);			\
	__err;								\
})

/* The namespace's route count, asked with INFO_GET on @fd. */
static int route_count(int fd, __u16 family)
{
	static char buf[BUFSZ];
	struct reply r;

	if (nl_send(fd, family, MCFW_CMD_INFO_GET, 0, 0, NULL, 0) ||
	    nl_recv(fd, buf, &r) || r.error || !r.tb[MCFW_A_ROUTE_COUNT])
		return -1;
	return nla_u32(r.tb[MCFW_A_ROUTE_COUNT]);
}

TEST_F(routes, new_replies_with_the_route)
{
	__u32 oifs[] = { self->d1, self->d2 };

	route_msg(&self->m, "239.1.1.1", "10.1.0.2", self->d0, oifs, 2);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_EQ(MCFW_CMD_ROUTE_NEW, self->r.cmd);
	ASSERT_NE(NULL, self->r.tb[MCFW_A_IIF]);
	EXPECT_EQ(self->d0, nla_u32(self->r.tb[MCFW_A_IIF]));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_OIFS]);
	ASSERT_NE(NULL, self->r.tb[MCFW_A_SOURCE]);

	/* The same route again is refused; with REPLACE it is not. */
	EXPECT_EQ(-EEXIST, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	put(&self->m, MCFW_A_REPLACE, NULL, 0);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

TEST_F(routes, missing_attributes_are_named)
{
	__u32 oifs[] = { self->d1 };

	route_msg(&self->m, "239.1.1.1", NULL, 0, oifs, 1);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Missing input interface", self->r.msg);

	route_msg(&self->m, "239.1.1.1", NULL, self->d0, NULL, -1);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Missing output interfaces", self->r.msg);

	route_msg(&self->m, "239.1.1.1", NULL, self->d0, NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("At least one output interface is required", self->r.msg);
}

TEST_F(routes, unknown_interfaces_refused)
{
	__u32 oifs[] = { self->d1 }, bad[] = { 9999 };

	route_msg(&self->m, "239.1.1.1", NULL, 9999, oifs, 1);
	EXPECT_EQ(-ENODEV, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg(&self->m, "239.1.1.1", NULL, self->d0, bad, 1);
	EXPECT_EQ(-ENODEV, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
}

/* Above INT_MAX an ifindex would be negative: the policy refuses it (range). */
TEST_F(routes, ifindex_above_int_max_refused)
{
	__u32 oifs[] = { self->d1 }, big[] = { 0x80000000u };

	route_msg(&self->m, "239.1.1.1", NULL, 0x80000000u, oifs, 1);
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg(&self->m, "239.1.1.1", NULL, self->d0, big, 1);
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg(&self->m, "239.1.1.1", NULL, 0xffffffffu, NULL, -1);
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg(&self->m, "239.1.1.1", NULL, 0x80000000u, NULL, -1);
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	EXPECT_NE(0, self->r.msg[0]);
}

TEST_F(routes, more_outputs_than_oif_max_refused)
{
	static __u32 oifs[1100];
	int i, n;
	FILE *f;

	f = fopen("/sys/module/mcfw/parameters/oif_max", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%d", &n));
	fclose(f);
	ASSERT_GT(1100, n);
	for (i = 0; i <= n; i++)
		oifs[i] = self->d1;
	route_msg(&self->m, "239.1.1.1", NULL, self->d0, oifs, n + 1);
	EXPECT_EQ(-E2BIG, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
}

/* A route GRP on @iif with one output @oif whose TTL threshold is 0. */
static void route_msg_ttl0(struct nlbuf *m, const char *grp, __u32 iif,
			   __u32 oif)
{
	size_t nest, o;
	__u8 ttl = 0;

	route_msg(m, grp, NULL, iif, NULL, -1);
	nest = nest_start(m, MCFW_A_OIFS);
	o = nest_start(m, MCFW_A_OIF);
	put_u32(m, MCFW_OIF_A_IFINDEX, oif);
	put(m, MCFW_OIF_A_TTL, &ttl, 1);
	nest_end(m, o);
	nest_end(m, nest);
}

TEST_F(routes, ttl_threshold_zero_refused)
{
	route_msg_ttl0(&self->m, "239.1.1.1", self->d0, self->d1);
	/* The policy's minimum: out of range, with the core's message. */
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
}

TEST_F(routes, get_and_delete_on_every_input)
{
	__u32 o1[] = { self->d2 };

	route_msg(&self->m, "239.2.2.2", NULL, self->d0, o1, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg(&self->m, "239.2.2.2", NULL, self->d1, o1, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));

	route_msg(&self->m, "239.2.2.2", NULL, self->d1, NULL, -1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	EXPECT_EQ(self->d1, nla_u32(self->r.tb[MCFW_A_IIF]));
	route_msg(&self->m, "239.2.2.2", "10.9.9.9", self->d1, NULL, -1);
	EXPECT_EQ(-ENOENT, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	EXPECT_STREQ("No such route", self->r.msg);

	/* Without an input interface, delete removes the route on each. */
	route_msg(&self->m, "239.2.2.2", NULL, 0, NULL, -1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	EXPECT_EQ(-ENOENT, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	EXPECT_STREQ("No such route", self->r.msg);
}

/* Counts the route message @nlh in @seen if its group is 239.3.X.Y. */
static void dump_seen(struct nlmsghdr *nlh, unsigned char *seen)
{
	struct nlattr *tb[MCFW_A_MAX + 1];
	__u32 grp;

	parse_attrs(tb, MCFW_A_MAX + 1, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
		    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	if (!tb[MCFW_A_GROUP])
		return;
	grp = ntohl(nla_u32(tb[MCFW_A_GROUP]));
	if ((grp >> 16) == ((239 << 8) | 3) && seen[grp & 0xffff] < 255)
		seen[grp & 0xffff]++;
}

/*
 * Counts a dump's routes until DONE; notes whether any part was flagged.
 * @seen, if not NULL, counts the routes of each group 239.3.X.Y, at
 * index X * 256 + Y.
 */
static int dump_walk(int fd, bool *intr, void (*between)(void *), void *arg,
		     unsigned char *seen)
{
	static char buf[65536];	/* a dump part is sized for the largest route */
	int n = 0, parts = 0;

	*intr = false;
	for (;;) {
		struct nlmsghdr *nlh;
		int len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0)
			return -errno;
		if (parts++ == 0 && between)
			between(arg);
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			/*
			 * A dump refused by its first call ends with an
			 * NLMSG_DONE that carries the errno (6.1), or with
			 * an NLMSG_ERROR.
			 */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				return err < 0 ? err : n;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			n++;
			if (seen)
				dump_seen(nlh, seen);
		}
	}
}

static int dump_count(int fd, bool *intr, void (*between)(void *), void *arg)
{
	return dump_walk(fd, intr, between, arg, NULL);
}

struct change {
	int fd;
	__u16 family;
	__u8 cmd;
	struct nlbuf m;
};

static void change_routes(void *arg)
{
	struct change *c = arg;
	struct reply r;
	char buf[BUFSZ];

	nl_send(c->fd, c->family, c->cmd ?: MCFW_CMD_ROUTE_NEW, 0, 0,
		c->m.data, c->m.len);
	nl_recv(c->fd, buf, &r);
}

/* @n routes of groups 239.3.(i / @per).(i % @per + 1), on d0, to d1 and d2. */
static void add_groups(struct __test_metadata *_metadata,
		       struct _test_data_routes *self, int n, int per)
{
	__u32 oifs[] = { self->d1, self->d2 };
	char grp[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(grp, sizeof(grp), "239.3.%d.%d", i / per, i % per + 1);
		route_msg(&self->m, grp, NULL, self->d0, oifs, 2);
		ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	}
}

TEST_F(routes, dump_is_complete_or_flagged)
{
	struct change c = { .family = self->family };
	__u32 oifs[] = { self->d1, self->d2 };
	bool intr;
	int fd2;

	add_groups(_metadata, self, 600, 250);

	fd2 = nl_open();
	ASSERT_LE(0, fd2);
	self->m.len = 0;
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_ROUTE_GET, NLM_F_DUMP,
			     0, NULL, 0));
	EXPECT_EQ(600, dump_count(fd2, &intr, NULL, NULL));
	EXPECT_FALSE(intr);

	/* A route added after the first part of a dump: flagged. */
	c.fd = self->fd;
	route_msg(&c.m, "239.4.0.1", NULL, self->d0, oifs, 2);
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_ROUTE_GET, NLM_F_DUMP,
			     0, NULL, 0));
	EXPECT_LE(600, dump_count(fd2, &intr, change_routes, &c));
	EXPECT_TRUE(intr);

	/* A route deleted after the first part: flagged too. */
	c.cmd = MCFW_CMD_ROUTE_DEL;
	route_msg(&c.m, "239.3.2.50", NULL, self->d0, NULL, -1);
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_ROUTE_GET, NLM_F_DUMP,
			     0, NULL, 0));
	EXPECT_LE(600, dump_count(fd2, &intr, change_routes, &c));
	EXPECT_TRUE(intr);
	route_msg(&self->m, "239.3.2.50", NULL, self->d0, NULL, -1);
	EXPECT_EQ(-ENOENT, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	close(fd2);
}

/*
 * Dumps while another process adds and deletes routes as fast as it can:
 * every dump ends, and sends every route that stayed from its start to its
 * end exactly once, flagged or not.
 */
TEST_F(routes, dump_under_churn_terminates)
{
	static unsigned char seen[65536];
	__u32 oifs[] = { self->d1, self->d2 };
	int i, j, n, flagged = 0, fd2;
	char grp[32];
	bool intr;
	pid_t pid;

	add_groups(_metadata, self, 400, 200);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct change c = { .family = self->family };
		time_t end = time(NULL) + 120;

		/* Gone with the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c.fd = nl_open();
		/* Churn among the stable routes, in groups between them. */
		for (i = 0; time(NULL) < end; i++) {
			snprintf(grp, sizeof(grp), "239.3.%d.%d", i % 2,
				 201 + i % 50);
			route_msg(&c.m, grp, NULL, self->d0, oifs, 2);
			c.cmd = (i / 50) % 2 ? MCFW_CMD_ROUTE_DEL :
					       MCFW_CMD_ROUTE_NEW;
			if (c.cmd == MCFW_CMD_ROUTE_DEL)
				route_msg(&c.m, grp, NULL, self->d0, NULL, -1);
			change_routes(&c);
		}
		_exit(0);
	}
	fd2 = nl_open();
	ASSERT_LE(0, fd2);
	for (j = 0; j < 30; j++) {
		memset(seen, 0, sizeof(seen));
		ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_ROUTE_GET,
				     NLM_F_DUMP, 0, NULL, 0));
		n = dump_walk(fd2, &intr, NULL, NULL, seen);
		EXPECT_LE(400, n);
		flagged += intr;
		for (i = 0; i < 400; i++)
			EXPECT_EQ(1, seen[(i / 200) * 256 + i % 200 + 1])
				TH_LOG("dump %d: 239.3.%d.%d sent %d times", j,
				       i / 200, i % 200 + 1,
				       seen[(i / 200) * 256 + i % 200 + 1]);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	TH_LOG("%d of 30 dumps flagged NLM_F_DUMP_INTR", flagged);
	close(fd2);
}

/* A dump filtered by source: (S,G) routes of that source only. */
TEST_F(routes, dump_filtered_by_source)
{
	__u32 oifs[] = { self->d1 };
	bool intr;
	__u32 zero = 0;

	route_msg(&self->m, "239.3.9.1", NULL, self->d0, oifs, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg(&self->m, "239.3.9.2", "10.0.0.1", self->d0, oifs, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg(&self->m, "239.3.9.3", "10.0.0.2", self->d0, oifs, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));

	self->m.len = 0;
	put_u32(&self->m, MCFW_A_SOURCE, inet_addr("10.0.0.1"));
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_GET,
			     NLM_F_DUMP, 0, self->m.data, self->m.len));
	EXPECT_EQ(1, dump_count(self->fd, &intr, NULL, NULL));

	/* 0.0.0.0 is no source: refused, as by every other command. */
	self->m.len = 0;
	put(&self->m, MCFW_A_SOURCE, &zero, sizeof(zero));
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_GET,
			     NLM_F_DUMP, 0, self->m.data, self->m.len));
	EXPECT_EQ(-EINVAL, dump_count(self->fd, &intr, NULL, NULL));
}

/* MCFW_A_STATS of the route and of its outputs in the reply in self->buf. */
static void count_stats(struct __test_metadata *_metadata, char *buf,
			int *route, int *oif)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *tb[MCFW_OIF_A_MAX + 1];
	struct nlattr *nla, *o;
	int rem, orem;

	*route = *oif = 0;
	ASSERT_LE(NLMSG_LENGTH(GENL_HDRLEN), nlh->nlmsg_len);
	for (nla = genl_first(nlh, &rem); attr_ok(nla, rem); nla = attr_next(nla, &rem)) {
		if ((nla->nla_type & NLA_TYPE_MASK) == MCFW_A_STATS)
			(*route)++;
		if ((nla->nla_type & NLA_TYPE_MASK) != MCFW_A_OIFS)
			continue;
		for (o = nest_first(nla, &orem); attr_ok(o, orem); o = attr_next(o, &orem)) {
			parse_attrs(tb, MCFW_OIF_A_MAX + 1, (char *)o + NLA_HDRLEN,
				    o->nla_len - NLA_HDRLEN);
			if (tb[MCFW_OIF_A_STATS])
				(*oif)++;
		}
	}
}

/* MCFW_A_NO_STATS: the reply leaves every counter out; else all are in. */
TEST_F(routes, get_without_counters)
{
	__u32 oifs[] = { self->d1, self->d2 };
	int route, oif;
	bool intr;

	route_msg(&self->m, "239.3.10.1", NULL, self->d0, oifs, 2);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));

	route_msg(&self->m, "239.3.10.1", NULL, self->d0, NULL, -1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	count_stats(_metadata, self->buf, &route, &oif);
	EXPECT_EQ(1, route);
	EXPECT_EQ(2, oif);

	route_msg(&self->m, "239.3.10.1", NULL, self->d0, NULL, -1);
	put(&self->m, MCFW_A_NO_STATS, NULL, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	count_stats(_metadata, self->buf, &route, &oif);
	EXPECT_EQ(0, route);
	EXPECT_EQ(0, oif);

	/* A dump takes it too. */
	self->m.len = 0;
	put(&self->m, MCFW_A_NO_STATS, NULL, 0);
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_GET,
			     NLM_F_DUMP, 0, self->m.data, self->m.len));
	EXPECT_EQ(1, dump_count(self->fd, &intr, NULL, NULL));
}

/* Batches: staged on one socket, committed as one transaction. */

/* A route by names: GROUP, IIF_NAME and outputs w0 .. w<n-1> or @names. */
static void route_msg_names(struct nlbuf *m, const char *grp,
			    const char *iif, const char * const *names, int n)
{
	char name[16];
	size_t nest, oif;
	struct in_addr a;
	int i;

	m->len = 0;
	inet_pton(AF_INET, grp, &a);
	put(m, MCFW_A_GROUP, &a, sizeof(a));
	put_str(m, MCFW_A_IIF_NAME, iif);
	nest = nest_start(m, MCFW_A_OIFS);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "w%d", i);
		oif = nest_start(m, MCFW_A_OIF);
		put_str(m, MCFW_OIF_A_IFNAME, names ? names[i] : name);
		nest_end(m, oif);
	}
	nest_end(m, nest);
}

static void batch_begin_msg(struct nlbuf *m, __u32 flags)
{
	m->len = 0;
	put_u32(m, MCFW_A_BATCH_FLAGS, flags);
}

/* Does the route GROUP on IIF (by name) exist, asked on @fd? */
#define route_exists(_metadata, self, _fd, grp, iif) ({			\
	typeof(self) __e = (self);					\
	int __saved = __e->fd, __err;					\
	struct in_addr __a;						\
									\
	__e->m.len = 0;							\
	inet_pton(AF_INET, (grp), &__a);				\
	put(&__e->m, MCFW_A_GROUP, &__a, sizeof(__a));			\
	put_str(&__e->m, MCFW_A_IIF_NAME, (iif));			\
	__e->fd = (_fd);						\
	__err = route_cmd(_metadata, __e, MCFW_CMD_ROUTE_GET, 0);	\
	__e->fd = __saved;						\
	__err == 0;							\
})

TEST_F(routes, batch_one_per_namespace)
{
	int fd2 = nl_open();

	ASSERT_LE(0, fd2);
	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	EXPECT_EQ(-EBUSY, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	EXPECT_STREQ("This socket already stages a batch", self->r.msg);

	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_BATCH_BEGIN, 0, 0,
			     self->m.data, self->m.len));
	ASSERT_EQ(0, nl_recv(fd2, self->buf, &self->r));
	EXPECT_EQ(-EBUSY, self->r.error);
	EXPECT_STREQ("Another batch is being staged in this namespace",
		     self->r.msg);

	/* info names the port of the socket staging it. */
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_INFO_GET, 0, 0, NULL, 0));
	ASSERT_EQ(0, nl_recv(fd2, self->buf, &self->r));
	EXPECT_NE(NULL, self->r.tb[MCFW_A_BATCH_PORTID]);

	self->m.len = 0;
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_ABORT, 0));
	EXPECT_EQ(-ENOENT, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_STREQ("This socket stages no batch", self->r.msg);
	close(fd2);
}

TEST_F(routes, batch_staged_until_commit)
{
	static const char * const o[] = { "d1", "d2" };
	int fd2 = nl_open();

	ASSERT_LE(0, fd2);
	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg_names(&self->m, "239.5.0.1", "d0", o, 2);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	/* Staged: acknowledged, but no route to reply with, nor to see. */
	EXPECT_EQ(0, self->r.cmd);
	EXPECT_FALSE(route_exists(_metadata, self, fd2, "239.5.0.1", "d0"));

	self->m.len = 0;
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_ADDED]);
	EXPECT_EQ(1, nla_u32(self->r.tb[MCFW_A_ADDED]));
	EXPECT_TRUE(route_exists(_metadata, self, fd2, "239.5.0.1", "d0"));
	close(fd2);
}

TEST_F(routes, batch_dropped_with_its_socket)
{
	static const char * const o[] = { "d1" };
	int fd2 = nl_open();

	ASSERT_LE(0, fd2);
	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_BATCH_BEGIN, 0, 0,
			     self->m.data, self->m.len));
	ASSERT_EQ(0, nl_recv(fd2, self->buf, &self->r));
	ASSERT_EQ(0, self->r.error);
	route_msg_names(&self->m, "239.5.0.2", "d0", o, 1);
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_ROUTE_NEW, 0, 0,
			     self->m.data, self->m.len));
	ASSERT_EQ(0, nl_recv(fd2, self->buf, &self->r));
	ASSERT_EQ(0, self->r.error);
	close(fd2);

	/* The batch went with the socket: another may begin at once. */
	batch_begin_msg(&self->m, 0);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	self->m.len = 0;
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_ABORT, 0));
	EXPECT_FALSE(route_exists(_metadata, self, self->fd, "239.5.0.2", "d0"));
}

TEST_F(routes, batch_overtaken_is_refused_whole)
{
	static const char * const o[] = { "d1" };
	int fd2 = nl_open();

	ASSERT_LE(0, fd2);
	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg_names(&self->m, "239.5.0.3", "d0", o, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));

	/* Another socket changes routes meanwhile, at once. */
	route_msg_names(&self->m, "239.5.0.4", "d0", o, 1);
	ASSERT_EQ(0, nl_send(fd2, self->family, MCFW_CMD_ROUTE_NEW, 0, 0,
			     self->m.data, self->m.len));
	ASSERT_EQ(0, nl_recv(fd2, self->buf, &self->r));
	ASSERT_EQ(0, self->r.error);

	route_msg_names(&self->m, "239.5.0.5", "d0", o, 1);
	EXPECT_EQ(-EAGAIN, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(NULL, strstr(self->r.msg, "changed by another command"));
	self->m.len = 0;
	EXPECT_EQ(-EAGAIN, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_FALSE(route_exists(_metadata, self, fd2, "239.5.0.3", "d0"));
	EXPECT_TRUE(route_exists(_metadata, self, fd2, "239.5.0.4", "d0"));
	close(fd2);
}

TEST_F(routes, batch_with_a_refused_command_commits_nothing)
{
	static const char * const o[] = { "d1" };

	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg_names(&self->m, "239.5.0.6", "d0", o, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg_names(&self->m, "224.0.0.5", "d0", o, 1);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg_names(&self->m, "239.5.0.7", "d0", o, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	self->m.len = 0;
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_STREQ("A command of this batch was refused; nothing was applied",
		     self->r.msg);
	EXPECT_FALSE(route_exists(_metadata, self, self->fd, "239.5.0.6", "d0"));
	EXPECT_FALSE(route_exists(_metadata, self, self->fd, "239.5.0.7", "d0"));
}

/*
 * A command the netlink core refuses (here by policy) never reaches the
 * batch: the commit, told how many were sent, is refused; a commit that
 * says nothing keeps the old rule.
 */
TEST_F(routes, batch_commit_counts_its_commands)
{
	static const char why[] =
		"Commands of this batch were refused before they reached it; nothing was applied";
	static const char * const o[] = { "d1" };

	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg_names(&self->m, "239.5.1.1", "d0", o, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg_ttl0(&self->m, "239.5.1.2", self->d0, self->d1);
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	self->m.len = 0;
	put_u32(&self->m, MCFW_A_BATCH_COUNT, 2);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_STREQ(why, self->r.msg);
	EXPECT_FALSE(route_exists(_metadata, self, self->fd, "239.5.1.1", "d0"));

	/* The right count commits. */
	batch_begin_msg(&self->m, 0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg_names(&self->m, "239.5.1.1", "d0", o, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	self->m.len = 0;
	put_u32(&self->m, MCFW_A_BATCH_COUNT, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_TRUE(route_exists(_metadata, self, self->fd, "239.5.1.1", "d0"));
}

TEST_F(routes, batch_flags_and_owner_checked)
{
	batch_begin_msg(&self->m, 0x100);
	EXPECT_NE(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	EXPECT_NE(0, self->r.msg[0]);
	batch_begin_msg(&self->m, MCFW_BATCH_F_WAIT);
	put_str(&self->m, MCFW_A_OWNER, "static");
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	EXPECT_NE(0, self->r.msg[0]);
	batch_begin_msg(&self->m, MCFW_BATCH_F_REPLACE_OWNER);
	put_str(&self->m, MCFW_A_OWNER, "no way");
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	EXPECT_NE(0, self->r.msg[0]);
}

TEST_F(routes, names_and_owners_checked)
{
	static const char * const o[] = { "d1" }, * const slash[] = { "a/b" };

	/* Outside a batch a name must exist; inside a waiting batch not. */
	route_msg_names(&self->m, "239.6.0.1", "nosuch0", o, 1);
	EXPECT_EQ(-ENODEV, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Input interface does not exist in this namespace",
		     self->r.msg);
	route_msg_names(&self->m, "239.6.0.1", "d0", slash, 1);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Invalid output interface name", self->r.msg);
	route_msg_names(&self->m, "239.6.0.1", "d0", o, 1);
	put_u32(&self->m, MCFW_A_IIF, self->d0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg_names(&self->m, "239.6.0.1", "d0", o, 1);
	put_str(&self->m, MCFW_A_OWNER, "a b");
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg_names(&self->m, "239.6.0.1", "d0", o, 1);
	put_str(&self->m, MCFW_A_OWNER, "all");
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(NULL, strstr(self->r.msg, "reserved"));

	/* Flush by owner removes that owner's routes only. */
	route_msg_names(&self->m, "239.6.0.2", "d0", o, 1);
	put_str(&self->m, MCFW_A_OWNER, "pimd");
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("pimd", (char *)self->r.tb[MCFW_A_OWNER] + NLA_HDRLEN);
	route_msg_names(&self->m, "239.6.0.3", "d0", o, 1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("static", (char *)self->r.tb[MCFW_A_OWNER] + NLA_HDRLEN);
	self->m.len = 0;
	put_str(&self->m, MCFW_A_OWNER, "pimd");
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_FLUSH, 0));
	EXPECT_EQ(1, nla_u32(self->r.tb[MCFW_A_ROUTE_COUNT]));
	EXPECT_FALSE(route_exists(_metadata, self, self->fd, "239.6.0.2", "d0"));
	EXPECT_TRUE(route_exists(_metadata, self, self->fd, "239.6.0.3", "d0"));
}

static int param_rw(const char *name, int set)
{
	char path[128];
	int v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/mcfw/parameters/%s", name);
	f = fopen(path, set >= 0 ? "w" : "r");
	if (!f)
		return -1;
	if (set >= 0)
		v = fprintf(f, "%d\n", set) > 0 ? set : -1;
	else if (fscanf(f, "%d", &v) != 1)
		v = -1;
	if (fclose(f))
		v = -1;
	return v;
}

/* route_max caps a namespace's routes, for commands and for batches. */
TEST_F(routes, route_max_caps_the_namespace)
{
	static const char * const o[] = { "d1" };
	int saved = param_rw("route_max", -1);
	char grp[32];
	int i;

	ASSERT_LT(0, saved);
	ASSERT_EQ(3, param_rw("route_max", 3));
	for (i = 1; i <= 3; i++) {
		snprintf(grp, sizeof(grp), "239.9.0.%d", i);
		route_msg_names(&self->m, grp, "d0", o, 1);
		EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	}
	route_msg_names(&self->m, "239.9.0.4", "d0", o, 1);
	EXPECT_EQ(-ENOSPC, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(NULL, strstr(self->r.msg, "route_max"));
	EXPECT_EQ(3, route_count(self->fd, self->family));
	/* At the cap a replace still works: it adds nothing. */
	route_msg_names(&self->m, "239.9.0.1", "d0", o, 1);
	put(&self->m, MCFW_A_REPLACE, NULL, 0);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));

	/* A batch that would end above the cap commits nothing. */
	batch_begin_msg(&self->m, 0);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg(&self->m, "239.9.0.1", NULL, self->d0, NULL, -1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	route_msg_names(&self->m, "239.9.0.4", "d0", o, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg_names(&self->m, "239.9.0.5", "d0", o, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	self->m.len = 0;
	EXPECT_EQ(-ENOSPC, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_NE(NULL, strstr(self->r.msg, "route_max"));
	EXPECT_EQ(3, route_count(self->fd, self->family));
	EXPECT_TRUE(route_exists(_metadata, self, self->fd, "239.9.0.1", "d0"));
	EXPECT_FALSE(route_exists(_metadata, self, self->fd, "239.9.0.4", "d0"));

	/* One out, one in: at the cap, not above it. */
	batch_begin_msg(&self->m, 0);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg(&self->m, "239.9.0.1", NULL, self->d0, NULL, -1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	route_msg_names(&self->m, "239.9.0.4", "d0", o, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	self->m.len = 0;
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_EQ(3, route_count(self->fd, self->family));
	EXPECT_TRUE(route_exists(_metadata, self, self->fd, "239.9.0.4", "d0"));

	/* A batch that adds more than the cap alone is refused as it stages. */
	batch_begin_msg(&self->m, MCFW_BATCH_F_REPLACE_OWNER);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	for (i = 1; i <= 4; i++) {
		snprintf(grp, sizeof(grp), "239.9.1.%d", i);
		route_msg_names(&self->m, grp, "d0", o, 1);
		EXPECT_EQ(i <= 3 ? 0 : -ENOSPC,
			  route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	}
	self->m.len = 0;
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));
	EXPECT_EQ(3, route_count(self->fd, self->family));

	EXPECT_EQ(saved, param_rw("route_max", saved));
}

/* The outputs of a big route come in several nests, each under 64 KiB. */
TEST_F(routes, big_route_split_into_nests)
{
	struct nlattr *nla, *o, *tb[MCFW_OIF_A_MAX + 1];
	int n, nests = 0, oifs = 0, rem, orem;
	FILE *f;

	f = fopen("/sys/module/mcfw/parameters/oif_max", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%d", &n));
	fclose(f);
	if (n < 200)
		SKIP(return, "oif_max %d is below 200", n);
	if (n > 256)
		n = 256;
	/* Outputs that do not exist wait: no need for n devices. */
	batch_begin_msg(&self->m, MCFW_BATCH_F_WAIT);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_BEGIN, 0));
	route_msg_names(&self->m, "239.7.0.1", "d0", NULL, n);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	self->m.len = 0;
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_BATCH_COMMIT, 0));

	ASSERT_TRUE(route_exists(_metadata, self, self->fd, "239.7.0.1", "d0"));
	/* route_exists() left the reply in self->buf: walk every nest. */
	for (nla = genl_first((struct nlmsghdr *)self->buf, &rem); attr_ok(nla, rem);
	     nla = attr_next(nla, &rem)) {
		if ((nla->nla_type & NLA_TYPE_MASK) != MCFW_A_OIFS)
			continue;
		nests++;
		for (o = nest_first(nla, &orem); attr_ok(o, orem); o = attr_next(o, &orem)) {
			parse_attrs(tb, MCFW_OIF_A_MAX + 1, (char *)o + NLA_HDRLEN,
				    o->nla_len - NLA_HDRLEN);
			EXPECT_NE(NULL, tb[MCFW_OIF_A_IFNAME]);
			EXPECT_NE(NULL, tb[MCFW_OIF_A_WAITING]);
			EXPECT_EQ(NULL, tb[MCFW_OIF_A_IFINDEX]);
			oifs++;
		}
	}
	EXPECT_EQ(n, oifs);
	EXPECT_EQ((n + 127) / 128, nests);
}

/*
 * Sends self->m as ROUTE_NEW: it must be refused with a negative errno and
 * an extack message, and leave the table as it was.
 */
static void expect_refused(struct __test_metadata *_metadata,
			   struct _test_data_routes *self, const char *what)
{
	int n = route_count(self->fd, self->family), err;

	err = route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0);
	EXPECT_GT(0, err) TH_LOG("%s: not refused", what);
	EXPECT_NE(0, self->r.msg[0]) TH_LOG("%s: no extack message", what);
	EXPECT_EQ(n, route_count(self->fd, self->family))
		TH_LOG("%s: the table changed", what);
}

/* A valid route: group, input d0, the outputs in a nest at its end. */
static void route_msg_head(struct nlbuf *m, __u32 iif)
{
	struct in_addr a;

	m->len = 0;
	inet_pton(AF_INET, "239.8.0.1", &a);
	put(m, MCFW_A_GROUP, &a, sizeof(a));
	put_u32(m, MCFW_A_IIF, iif);
}

TEST_F(routes, truncated_attributes_refused)
{
	__u32 oifs[] = { self->d1 };
	struct nlattr *last;

	/* The last attribute claims more bytes than the message has. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	last = (struct nlattr *)(self->m.data + self->m.len);
	put_u32(&self->m, MCFW_A_SOURCE, inet_addr("10.0.0.1"));
	last->nla_len += 8;
	expect_refused(_metadata, self, "attribute longer than the message");

	/* An attribute shorter than its own header. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	last = (struct nlattr *)(self->m.data + self->m.len);
	put_u32(&self->m, MCFW_A_SOURCE, inet_addr("10.0.0.1"));
	last->nla_len = 2;
	expect_refused(_metadata, self, "attribute shorter than its header");

	/* Trailing bytes that are no attribute at all. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	memset(self->m.data + self->m.len, 0xff, 3);
	self->m.len += 3;
	expect_refused(_metadata, self, "trailing garbage");

	/* An output nest cut short inside. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	last = (struct nlattr *)(self->m.data + self->m.len - 8);
	last->nla_len = 12;
	expect_refused(_metadata, self, "output attribute past its nest");

	/* The same message, whole, is a route. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

TEST_F(routes, wrong_length_attributes_refused)
{
	__u32 oifs[] = { self->d1 };
	__u64 wide = 0;
	__u16 narrow = 0;
	size_t nest, o;
	__u32 ttl = 5;

	self->m.len = 0;
	put(&self->m, MCFW_A_GROUP, &narrow, sizeof(narrow));
	put_u32(&self->m, MCFW_A_IIF, self->d0);
	nest = nest_start(&self->m, MCFW_A_OIFS);
	put_oif(&self->m, self->d1);
	nest_end(&self->m, nest);
	expect_refused(_metadata, self, "2-byte group");

	route_msg(&self->m, "239.8.0.1", NULL, 0, oifs, 1);
	put(&self->m, MCFW_A_IIF, &wide, sizeof(wide));
	expect_refused(_metadata, self, "8-byte ifindex");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	put(&self->m, MCFW_A_REPLACE, &ttl, sizeof(ttl));
	expect_refused(_metadata, self, "flag with a payload");

	route_msg_head(&self->m, self->d0);
	nest = nest_start(&self->m, MCFW_A_OIFS);
	o = nest_start(&self->m, MCFW_A_OIF);
	put_u32(&self->m, MCFW_OIF_A_IFINDEX, self->d1);
	put(&self->m, MCFW_OIF_A_TTL, &ttl, sizeof(ttl));
	nest_end(&self->m, o);
	nest_end(&self->m, nest);
	expect_refused(_metadata, self, "4-byte TTL");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

TEST_F(routes, nested_flag_checked)
{
	__u32 oifs[] = { self->d1 };
	struct nlattr *oif;
	size_t nest;

	/* The outputs' nest without NLA_F_NESTED. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	nest = self->m.len - NLA_HDRLEN - NLA_HDRLEN - 8;
	((struct nlattr *)(self->m.data + nest))->nla_type &= ~NLA_F_NESTED;
	expect_refused(_metadata, self, "MCFW_A_OIFS without NLA_F_NESTED");

	/* One output's nest without it. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	oif = (struct nlattr *)(self->m.data + self->m.len - NLA_HDRLEN - 8);
	oif->nla_type &= ~NLA_F_NESTED;
	expect_refused(_metadata, self, "MCFW_A_OIF without NLA_F_NESTED");

	/* A plain attribute that claims to be nested. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	((struct nlattr *)self->m.data)->nla_type |= NLA_F_NESTED;
	expect_refused(_metadata, self, "MCFW_A_GROUP with NLA_F_NESTED");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

TEST_F(routes, unknown_attributes_refused)
{
	__u32 oifs[] = { self->d1 };
	size_t nest, o;

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	put_u32(&self->m, MCFW_A_MAX + 1, 1);
	expect_refused(_metadata, self, "attribute above MCFW_A_MAX");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	put_u32(&self->m, 0x3fff, 1);
	expect_refused(_metadata, self, "attribute 0x3fff");

	/* Known to the family, not to this command. */
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	put_u32(&self->m, MCFW_A_ROUTE_COUNT, 1);
	expect_refused(_metadata, self, "MCFW_A_ROUTE_COUNT in ROUTE_NEW");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	put(&self->m, MCFW_A_UNSPEC, NULL, 0);
	expect_refused(_metadata, self, "MCFW_A_UNSPEC");

	route_msg_head(&self->m, self->d0);
	nest = nest_start(&self->m, MCFW_A_OIFS);
	o = nest_start(&self->m, MCFW_A_OIF);
	put_u32(&self->m, MCFW_OIF_A_IFINDEX, self->d1);
	put_u32(&self->m, MCFW_OIF_A_MAX + 1, 1);
	nest_end(&self->m, o);
	nest_end(&self->m, nest);
	expect_refused(_metadata, self, "unknown attribute in an output");

	/* Something other than MCFW_A_OIF in the outputs' nest. */
	route_msg_head(&self->m, self->d0);
	nest = nest_start(&self->m, MCFW_A_OIFS);
	put_u32(&self->m, MCFW_A_IIF, self->d1);
	nest_end(&self->m, nest);
	expect_refused(_metadata, self, "MCFW_A_IIF in the outputs' nest");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

TEST_F(routes, out_of_range_values_refused)
{
	char longname[IFNAMSIZ + 8], owner[MCFW_OWNER_MAX + 2];
	__u32 oifs[] = { self->d1 }, zero[] = { 0 };
	char unterminated[4] = { 'd', '0', 'x', 'y' };

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, zero, 1);
	expect_refused(_metadata, self, "output ifindex 0");

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	route_msg(&self->m, "239.8.0.1", NULL, 0, oifs, 1);
	put_str(&self->m, MCFW_A_IIF_NAME, longname);
	expect_refused(_metadata, self, "input name longer than IFNAMSIZ");

	route_msg(&self->m, "239.8.0.1", NULL, 0, oifs, 1);
	put(&self->m, MCFW_A_IIF_NAME, unterminated, sizeof(unterminated));
	expect_refused(_metadata, self, "input name without its NUL");

	memset(owner, 'o', sizeof(owner) - 1);
	owner[sizeof(owner) - 1] = 0;
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	put_str(&self->m, MCFW_A_OWNER, owner);
	expect_refused(_metadata, self, "owner longer than MCFW_OWNER_MAX");

	route_msg(&self->m, "239.8.0.1", "224.1.1.1", self->d0, oifs, 1);
	expect_refused(_metadata, self, "multicast source");
	route_msg(&self->m, "10.8.0.1", NULL, self->d0, oifs, 1);
	expect_refused(_metadata, self, "unicast group");

	route_msg(&self->m, "239.8.0.1", NULL, 0, oifs, 1);
	put_str(&self->m, MCFW_A_IIF_NAME, "d0");
	put_str(&self->m, MCFW_A_OWNER, "ooooooooooooooo");
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

/* An output to @ifindex translated to @grp (if not NULL) and @port (if set). */
static void put_oif_xlat(struct nlbuf *m, __u32 ifindex, const char *grp,
			 const void *port, size_t port_len)
{
	size_t oif = nest_start(m, MCFW_A_OIF);
	struct in_addr a;

	put_u32(m, MCFW_OIF_A_IFINDEX, ifindex);
	if (grp) {
		inet_pton(AF_INET, grp, &a);
		put(m, MCFW_OIF_A_GROUP, &a, sizeof(a));
	}
	if (port)
		put(m, MCFW_OIF_A_PORT, port, port_len);
	nest_end(m, oif);
}

/*
 * Route 239.8.0.1 on d0 out of d1 and out of d1 translated to @grp and
 * @port (sizeof(__be16) bytes unless @port_len says otherwise).
 */
static void route_msg_xlat(struct nlbuf *m, __u32 iif, __u32 oif,
			   const char *grp, const void *port, size_t port_len)
{
	size_t nest;

	route_msg_head(m, iif);
	nest = nest_start(m, MCFW_A_OIFS);
	put_oif(m, oif);
	put_oif_xlat(m, oif, grp, port, port_len);
	nest_end(m, nest);
}

TEST_F(routes, translated_outputs_checked)
{
	__be16 port = htons(6001), zero = 0;
	struct nlattr *oifs, *a, *tb[MCFW_OIF_A_MAX + 1];
	__u32 wide = htonl(6001);
	int rem, n = 0;
	size_t nest;

	route_msg_xlat(&self->m, self->d0, self->d1, "10.1.1.1", NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Output group is not an IPv4 multicast address",
		     self->r.msg);
	route_msg_xlat(&self->m, self->d0, self->d1, "224.0.0.5", NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Output group is in 224.0.0.0/24, which is link-local and never forwarded",
		     self->r.msg);
	route_msg_xlat(&self->m, self->d0, self->d1, "239.9.0.1", &zero,
		       sizeof(zero));
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Output port 0: give 1 to 65535, or leave the port out",
		     self->r.msg);
	route_msg_xlat(&self->m, self->d0, self->d1, "239.9.0.1", &wide,
		       sizeof(wide));
	expect_refused(_metadata, self, "a 4-byte port");
	/* The route's own group is no translation: d1 twice. */
	route_msg_xlat(&self->m, self->d0, self->d1, "239.8.0.1", NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("An output interface is listed twice", self->r.msg);

	/* The same translation twice. */
	route_msg_head(&self->m, self->d0);
	nest = nest_start(&self->m, MCFW_A_OIFS);
	put_oif_xlat(&self->m, self->d1, "239.9.0.1", &port, sizeof(port));
	put_oif_xlat(&self->m, self->d1, "239.9.0.1", &port, sizeof(port));
	nest_end(&self->m, nest);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("An output is listed twice (the same interface, group and port)",
		     self->r.msg);
	EXPECT_EQ(0, route_count(self->fd, self->family));

	/* d1 and d1@239.9.0.1:6001: two outputs, the reply says which. */
	route_msg_xlat(&self->m, self->d0, self->d1, "239.9.0.1", &port,
		       sizeof(port));
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	oifs = self->r.tb[MCFW_A_OIFS];
	ASSERT_NE(NULL, oifs);
	for (a = nest_first(oifs, &rem); attr_ok(a, rem); a = attr_next(a, &rem)) {
		parse_attrs(tb, MCFW_OIF_A_MAX + 1, (char *)a + NLA_HDRLEN,
			    a->nla_len - NLA_HDRLEN);
		if (n++ == 0) {
			EXPECT_EQ(NULL, tb[MCFW_OIF_A_GROUP]);
			EXPECT_EQ(NULL, tb[MCFW_OIF_A_PORT]);
			continue;
		}
		ASSERT_NE(NULL, tb[MCFW_OIF_A_GROUP]);
		ASSERT_NE(NULL, tb[MCFW_OIF_A_PORT]);
		EXPECT_EQ(htonl(0xef090001), nla_u32(tb[MCFW_OIF_A_GROUP]));
		EXPECT_EQ(port, nla_u16(tb[MCFW_OIF_A_PORT]));
	}
	EXPECT_EQ(2, n);
}

/* A unicast output to @addr, with @port if not 0 and @ifindex if not 0. */
static void put_oif_unicast(struct nlbuf *m, const char *addr, __be16 port,
			    __u32 ifindex)
{
	size_t oif = nest_start(m, MCFW_A_OIF);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	put(m, MCFW_OIF_A_UNICAST, &a, sizeof(a));
	if (port)
		put(m, MCFW_OIF_A_PORT, &port, sizeof(port));
	if (ifindex)
		put_u32(m, MCFW_OIF_A_IFINDEX, ifindex);
	nest_end(m, oif);
}

/* Route 239.8.0.1 on @iif with the unicast outputs given. */
static void route_msg_unicast(struct nlbuf *m, __u32 iif, const char *a1,
			      __be16 p1, __u32 ifindex, const char *a2,
			      __be16 p2)
{
	size_t nest;

	route_msg_head(m, iif);
	nest = nest_start(m, MCFW_A_OIFS);
	put_oif_unicast(m, a1, p1, ifindex);
	if (a2)
		put_oif_unicast(m, a2, p2, 0);
	nest_end(m, nest);
}

TEST_F(routes, unicast_outputs_checked)
{
	struct nlattr *oifs, *a, *tb[MCFW_OIF_A_MAX + 1];
	__be16 port = htons(5001);
	int rem;

	route_msg_unicast(&self->m, self->d0, "239.1.1.1", 0, 0, NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("Unicast output address is a multicast address",
		     self->r.msg);
	route_msg_unicast(&self->m, self->d0, "127.0.0.1", 0, 0, NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_NE(0, self->r.msg[0]);
	route_msg_unicast(&self->m, self->d0, "255.255.255.255", 0, 0, NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg_unicast(&self->m, self->d0, "0.0.0.0", 0, 0, NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg_unicast(&self->m, self->d0, "10.1.1.1", 0, self->d1, NULL, 0);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("A unicast output has no interface and no group: the routing table chooses",
		     self->r.msg);
	route_msg_unicast(&self->m, self->d0, "10.1.1.1", port, 0, "10.1.1.1",
			  port);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_STREQ("A unicast output is listed twice (the same address and port)",
		     self->r.msg);
	EXPECT_EQ(0, route_count(self->fd, self->family));

	/* One address, two ports: two outputs; the reply names no device. */
	route_msg_unicast(&self->m, self->d0, "10.1.1.1", port, 0, "10.1.1.1",
			  0);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	oifs = self->r.tb[MCFW_A_OIFS];
	ASSERT_NE(NULL, oifs);
	a = nest_first(oifs, &rem);
	ASSERT_TRUE(attr_ok(a, rem));
	parse_attrs(tb, MCFW_OIF_A_MAX + 1, (char *)a + NLA_HDRLEN,
		    a->nla_len - NLA_HDRLEN);
	ASSERT_NE(NULL, tb[MCFW_OIF_A_UNICAST]);
	EXPECT_EQ(htonl(0x0a010101), nla_u32(tb[MCFW_OIF_A_UNICAST]));
	ASSERT_NE(NULL, tb[MCFW_OIF_A_PORT]);
	EXPECT_EQ(port, nla_u16(tb[MCFW_OIF_A_PORT]));
	EXPECT_EQ(NULL, tb[MCFW_OIF_A_IFNAME]);
	EXPECT_EQ(NULL, tb[MCFW_OIF_A_IFINDEX]);
	a = attr_next(a, &rem);
	ASSERT_TRUE(attr_ok(a, rem));
	parse_attrs(tb, MCFW_OIF_A_MAX + 1, (char *)a + NLA_HDRLEN,
		    a->nla_len - NLA_HDRLEN);
	EXPECT_EQ(NULL, tb[MCFW_OIF_A_PORT]);
}

/* A relay ADDR:PORT of group @grp out of @oif; @flags: REPLACE, WAIT. */
static void relay_msg(struct nlbuf *m, const char *addr, __u16 port,
		      const char *grp, __u32 oif, bool wait)
{
	__be16 p = htons(port);
	struct in_addr a;
	size_t nest;

	m->len = 0;
	if (addr) {
		inet_pton(AF_INET, addr, &a);
		put(m, MCFW_A_RELAY_ADDR, &a, sizeof(a));
	}
	put(m, MCFW_A_RELAY_PORT, &p, sizeof(p));
	if (grp) {
		inet_pton(AF_INET, grp, &a);
		put(m, MCFW_A_GROUP, &a, sizeof(a));
	}
	if (oif) {
		nest = nest_start(m, MCFW_A_OIFS);
		put_oif(m, oif);
		nest_end(m, nest);
	}
	if (wait)
		put(m, MCFW_A_RELAY_WAIT, NULL, 0);
}

TEST_F(routes, relays_checked)
{
	__u8 zero = 0;

	relay_msg(&self->m, NULL, 7000, "239.1.1.1", self->d1, true);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("Missing relay address", self->r.msg);
	relay_msg(&self->m, "10.9.0.1", 0, "239.1.1.1", self->d1, true);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("Relay port 0: give 1 to 65535", self->r.msg);
	relay_msg(&self->m, "239.9.0.1", 7000, "239.1.1.1", self->d1, true);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("A relay address is a unicast address of this host",
		     self->r.msg);
	relay_msg(&self->m, "10.9.0.1", 7000, "10.1.1.1", self->d1, true);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("Group is not an IPv4 multicast address", self->r.msg);
	relay_msg(&self->m, "10.9.0.1", 7000, "239.1.1.1", 0, true);
	EXPECT_EQ(-EINVAL, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("Missing output interfaces", self->r.msg);
	relay_msg(&self->m, "10.9.0.1", 7000, "239.1.1.1", self->d1, true);
	put(&self->m, MCFW_A_RELAY_TTL, &zero, sizeof(zero));
	EXPECT_EQ(-ERANGE, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	/* Not an address of this namespace, and no WAIT. */
	relay_msg(&self->m, "10.9.0.1", 7000, "239.1.1.1", self->d1, false);
	EXPECT_EQ(-EADDRNOTAVAIL,
		  route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("Relay address is not an address of this host",
		     self->r.msg);

	/* With WAIT: added, waiting; the same key again: refused. */
	relay_msg(&self->m, "10.9.0.1", 7000, "239.1.1.1", self->d1, true);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_EQ(MCFW_CMD_RELAY_NEW, self->r.cmd);
	EXPECT_NE(NULL, self->r.tb[MCFW_A_WAITING]);
	EXPECT_NE(NULL, self->r.tb[MCFW_A_OIFS]);
	EXPECT_EQ(-EEXIST, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));
	EXPECT_STREQ("Relay exists", self->r.msg);
	put(&self->m, MCFW_A_REPLACE, NULL, 0);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_RELAY_NEW, 0));

	relay_msg(&self->m, "10.9.0.1", 7000, NULL, 0, false);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_RELAY_DEL, 0));
	EXPECT_EQ(-ENOENT, route_cmd(_metadata, self, MCFW_CMD_RELAY_DEL, 0));
	EXPECT_STREQ("No such relay", self->r.msg);
}

TEST_F(routes, rate_limits_checked)
{
	__u32 oifs[] = { self->d1 };
	__u64 v;

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	v = 0;
	put(&self->m, MCFW_A_RATE_PKTS, &v, sizeof(v));
	expect_refused(_metadata, self, "a rate of 0 packets/s");
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	v = MCFW_RATE_PKTS_MAX + 1;
	put(&self->m, MCFW_A_RATE_PKTS, &v, sizeof(v));
	expect_refused(_metadata, self, "a packet rate over the maximum");
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	v = MCFW_RATE_BITS_MIN - 1;
	put(&self->m, MCFW_A_RATE_BITS, &v, sizeof(v));
	expect_refused(_metadata, self, "a bit rate under the minimum");
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	v = 1000;
	put(&self->m, MCFW_A_RATE_PKTS, &v, sizeof(v));
	put(&self->m, MCFW_A_RATE_BITS, &v, sizeof(v));
	expect_refused(_metadata, self, "a rate in packets and in bits");

	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	v = MCFW_RATE_BITS_MAX;
	put(&self->m, MCFW_A_RATE_BITS, &v, sizeof(v));
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_RATE_BITS]);
	memcpy(&v, (const char *)self->r.tb[MCFW_A_RATE_BITS] + NLA_HDRLEN,
	       sizeof(v));
	EXPECT_EQ(MCFW_RATE_BITS_MAX, v);
	EXPECT_EQ(NULL, self->r.tb[MCFW_A_RATE_PKTS]);
}

/* IFACE_SET with the boundary @n prefixes of @addrs/@lens make. */
static int iface_set(struct __test_metadata *_metadata,
		     struct _test_data_routes *self, const char *name,
		     const char * const *addrs, const __u8 *lens, int n)
{
	struct in_addr a;
	size_t nest, p;
	int i;

	self->m.len = 0;
	if (name)
		put_str(&self->m, MCFW_A_IFNAME, name);
	nest = nest_start(&self->m, MCFW_A_BOUNDARIES);
	for (i = 0; i < n; i++) {
		p = nest_start(&self->m, MCFW_A_PREFIX);
		inet_pton(AF_INET, addrs[i], &a);
		put(&self->m, MCFW_PREFIX_A_ADDR, &a, sizeof(a));
		put(&self->m, MCFW_PREFIX_A_LEN, &lens[i], 1);
		nest_end(&self->m, p);
	}
	nest_end(&self->m, nest);
	return route_cmd(_metadata, self, MCFW_CMD_IFACE_SET, 0);
}

static int iface_count(int fd, __u16 family)
{
	static char buf[BUFSZ];
	struct reply r;

	if (nl_send(fd, family, MCFW_CMD_INFO_GET, 0, 0, NULL, 0) ||
	    nl_recv(fd, buf, &r) || r.error || !r.tb[MCFW_A_IFACE_COUNT])
		return -1;
	return nla_u32(r.tb[MCFW_A_IFACE_COUNT]);
}

TEST_F(routes, boundaries_checked)
{
	static const char * const bad[] = {
		"239.1.1.1", "10.0.0.0", "239.0.0.0", "224.0.0.0",
	};
	static const __u8 badlen[] = { 8, 8, 33, 3 };
	static const char * const twice[] = { "239.0.0.0", "239.0.0.0" };
	static const __u8 eights[] = { 8, 8 };
	char many[MCFW_BOUNDARY_MAX + 1][16];
	const char *manyp[MCFW_BOUNDARY_MAX + 1];
	__u8 manylen[MCFW_BOUNDARY_MAX + 1];
	int i;

	for (i = 0; i < 4; i++) {
		EXPECT_GT(0, iface_set(_metadata, self, "nosuch0", &bad[i],
				       &badlen[i], 1)) TH_LOG("%s/%u", bad[i], badlen[i]);
		EXPECT_NE(0, self->r.msg[0]) TH_LOG("%s: no extack", bad[i]);
	}
	EXPECT_GT(0, iface_set(_metadata, self, "nosuch0", twice, eights, 2));
	for (i = 0; i <= MCFW_BOUNDARY_MAX; i++) {
		snprintf(many[i], sizeof(many[i]), "239.%d.0.0", i);
		manyp[i] = many[i];
		manylen[i] = 16;
	}
	EXPECT_GT(0, iface_set(_metadata, self, "nosuch0", manyp, manylen,
			       MCFW_BOUNDARY_MAX + 1));
	EXPECT_GT(0, iface_set(_metadata, self, NULL, twice, eights, 1));
	EXPECT_GT(0, iface_set(_metadata, self, "a/b", twice, eights, 1));
	EXPECT_EQ(0, iface_count(self->fd, self->family));

	/* A name without a device holds its boundary; none lets it go. */
	EXPECT_EQ(0, iface_set(_metadata, self, "nosuch0", manyp, manylen,
			       MCFW_BOUNDARY_MAX));
	EXPECT_EQ(1, iface_count(self->fd, self->family));
	EXPECT_EQ(0, iface_set(_metadata, self, "nosuch0", manyp, manylen, 1));
	EXPECT_EQ(1, iface_count(self->fd, self->family));
	EXPECT_EQ(0, iface_set(_metadata, self, "nosuch0", NULL, NULL, 0));
	EXPECT_EQ(0, iface_count(self->fd, self->family));
	EXPECT_EQ(0, iface_set(_metadata, self, "nosuch0", NULL, NULL, 0));
}

/* Outputs by ifindex, @n of them, all d1 (refused long before devices). */
static void route_msg_many(struct nlbuf *m, __u32 iif, __u32 oif, int n)
{
	size_t nest;
	int i;

	route_msg_head(m, iif);
	nest = nest_start(m, MCFW_A_OIFS);
	for (i = 0; i < n; i++)
		put_oif(m, oif);
	nest_end(m, nest);
}

TEST_F(routes, oversized_output_lists_refused)
{
	char name[IFNAMSIZ];
	size_t nest, o;
	int i;

	route_msg_many(&self->m, self->d0, self->d1, 1000);
	expect_refused(_metadata, self, "1,000 outputs");
	EXPECT_EQ(-E2BIG, self->r.error);
	route_msg_many(&self->m, self->d0, self->d1, 5000);
	expect_refused(_metadata, self, "5,000 outputs");
	EXPECT_EQ(-E2BIG, self->r.error);

	/*
	 * 5,000 outputs by name: more than 64 KiB, so the nest's 16-bit
	 * length wraps and what follows it is read as attributes.
	 */
	route_msg_head(&self->m, self->d0);
	nest = nest_start(&self->m, MCFW_A_OIFS);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		o = nest_start(&self->m, MCFW_A_OIF);
		put_str(&self->m, MCFW_OIF_A_IFNAME, name);
		nest_end(&self->m, o);
	}
	ASSERT_LT(65535, self->m.len - nest);
	nest_end(&self->m, nest);
	expect_refused(_metadata, self, "a nest whose length wrapped");

	route_msg_many(&self->m, self->d0, self->d1, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
}

TEST_F(routes, another_namespace_interfaces_refused)
{
	char cmd[256], ns[64];
	__u32 far, oifs[] = { self->d1 };

	snprintf(ns, sizeof(ns), "mcfw-far-%d", getpid());
	ASSERT_EQ(0, system("ip link add far type dummy"));
	far = if_nametoindex("far");
	ASSERT_NE(0, far);
	snprintf(cmd, sizeof(cmd), "ip netns add %s && ip link set far netns %s",
		 ns, ns);
	ASSERT_EQ(0, system(cmd));
	/* "far" lives in the other namespace, its ifindex free in ours. */
	ASSERT_EQ(0, if_nametoindex("far"));

	route_msg(&self->m, "239.8.0.1", NULL, far, oifs, 1);
	expect_refused(_metadata, self, "input of another namespace");
	EXPECT_EQ(-ENODEV, self->r.error);
	oifs[0] = far;
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	expect_refused(_metadata, self, "output of another namespace");
	EXPECT_EQ(-ENODEV, self->r.error);
	route_msg_names(&self->m, "239.8.0.1", "far", (const char *[]){ "d1" }, 1);
	expect_refused(_metadata, self, "input of another namespace, by name");
	EXPECT_EQ(-ENODEV, self->r.error);

	oifs[0] = self->d1;
	route_msg(&self->m, "239.8.0.1", NULL, self->d0, oifs, 1);
	EXPECT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));

	snprintf(cmd, sizeof(cmd), "ip netns del %s", ns);
	EXPECT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN

/* GROUP6 [SOURCE6] IIF and the given outputs: an IPv6 route. */
static void route_msg6(struct nlbuf *m, const char *grp, const char *src,
		       __u32 iif, const __u32 *oifs, int n)
{
	struct in6_addr a;
	size_t nest;
	int i;

	m->len = 0;
	inet_pton(AF_INET6, grp, &a);
	put(m, MCFW_A_GROUP6, &a, sizeof(a));
	if (src) {
		inet_pton(AF_INET6, src, &a);
		put(m, MCFW_A_SOURCE6, &a, sizeof(a));
	}
	if (iif)
		put_u32(m, MCFW_A_IIF, iif);
	if (n >= 0) {
		nest = nest_start(m, MCFW_A_OIFS);
		for (i = 0; i < n; i++)
			put_oif(m, oifs[i]);
		nest_end(m, nest);
	}
}

static void expect_refused_with(struct __test_metadata *_metadata,
				struct _test_data_routes *self, int err,
				const char *msg)
{
	int n = route_count(self->fd, self->family);

	EXPECT_EQ(err, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0))
		TH_LOG("expected: %s", msg);
	EXPECT_STREQ(msg, self->r.msg);
	EXPECT_EQ(n, route_count(self->fd, self->family));
}

#define SCOPE_MSG \
	"Group is of interface-local, link-local or reserved scope (0 to 2), which is never forwarded"

TEST_F(routes, ipv6_routes_checked)
{
	static const struct {
		const char *grp, *src, *msg;
	} bad[] = {
		{ "2001:db8::1", NULL,
		  "Group is not an IPv6 multicast address" },
		{ "ff02::1:3", NULL, SCOPE_MSG },
		{ "ff11::1", NULL, SCOPE_MSG },
		{ "ff30::1", NULL, SCOPE_MSG },
		{ "ff3e::1", "::",
		  "Source is the unspecified address (leave it out for any source)" },
		{ "ff3e::1", "::1", "Source is a loopback address" },
		{ "ff3e::1", "ff3e::2", "Source is a multicast address" },
		{ "ff3e::1", "fe80::1",
		  "Source is link-local: its packets never leave their link" },
		{ "ff3e::1", "::ffff:10.0.0.1",
		  "Source is an IPv4-mapped address: give the IPv4 address" },
	};
	__u32 oifs[] = { self->d1, self->d2 };
	struct in_addr a4 = { htonl(0x0a000001) }, g4 = { htonl(0xef010101) };
	struct in6_addr a6;
	struct nlattr *g;
	size_t i, nest;
	bool intr;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		route_msg6(&self->m, bad[i].grp, bad[i].src, self->d0, oifs, 2);
		expect_refused_with(_metadata, self, -EINVAL, bad[i].msg);
	}
	/* One family per route. */
	route_msg6(&self->m, "ff3e::1", NULL, self->d0, oifs, 2);
	put(&self->m, MCFW_A_SOURCE, &a4, sizeof(a4));
	expect_refused_with(_metadata, self, -EINVAL,
			    "Source and group are of different families");
	route_msg(&self->m, "239.1.1.1", NULL, self->d0, oifs, 2);
	inet_pton(AF_INET6, "2001:db8::2", &a6);
	put(&self->m, MCFW_A_SOURCE6, &a6, sizeof(a6));
	expect_refused_with(_metadata, self, -EINVAL,
			    "Source and group are of different families");
	route_msg6(&self->m, "ff3e::1", NULL, self->d0, oifs, 2);
	put(&self->m, MCFW_A_GROUP, &a4, sizeof(a4));
	expect_refused_with(_metadata, self, -EINVAL,
			    "Both an IPv4 and an IPv6 group");
	/* Addresses of the wrong size never reach the parser. */
	route_msg(&self->m, "239.1.1.1", NULL, self->d0, oifs, 2);
	put(&self->m, MCFW_A_SOURCE6, &a4, sizeof(a4));
	expect_refused(_metadata, self, "a 4-byte SOURCE6");
	/* IPv6 routes do not translate yet; an IPv4 group never. */
	self->m.len = 0;
	inet_pton(AF_INET6, "ff3e::1", &a6);
	put(&self->m, MCFW_A_GROUP6, &a6, sizeof(a6));
	put_u32(&self->m, MCFW_A_IIF, self->d0);
	i = nest_start(&self->m, MCFW_A_OIFS);
	put_oif_xlat(&self->m, self->d1, "239.9.0.1", NULL, 0);
	nest_end(&self->m, i);
	expect_refused_with(_metadata, self, -EINVAL,
			    "Output group is IPv4 but the route is IPv6");
	/* An IPv6 output group: in an IPv6 route, of a routable scope. */
	for (i = 0; i < 2; i++) {
		size_t oif;

		self->m.len = 0;
		if (i) {
			inet_pton(AF_INET6, "ff3e::1", &a6);
			put(&self->m, MCFW_A_GROUP6, &a6, sizeof(a6));
		} else {
			put(&self->m, MCFW_A_GROUP, &g4, sizeof(g4));
		}
		put_u32(&self->m, MCFW_A_IIF, self->d0);
		nest = nest_start(&self->m, MCFW_A_OIFS);
		oif = nest_start(&self->m, MCFW_A_OIF);
		put_u32(&self->m, MCFW_OIF_A_IFINDEX, self->d1);
		inet_pton(AF_INET6, i ? "ff02::9" : "ff3e::9", &a6);
		put(&self->m, MCFW_OIF_A_GROUP6, &a6, sizeof(a6));
		nest_end(&self->m, oif);
		nest_end(&self->m, nest);
		expect_refused_with(_metadata, self, -EINVAL,
				    i ? SCOPE_MSG :
				    "Output group is IPv6 but the route is IPv4");
	}
	/* IPv6 unicast outputs: routable addresses of an IPv6 route. */
	for (i = 0; i < 3; i++) {
		static const char * const u6[] = {
			"2001:db8::9", "fe80::9", "2001:db8::9",
		};
		static const char * const msg[] = {
			"Unicast output address is IPv6 but the route is IPv4",
			"Unicast output address is not a routable unicast address (unspecified, loopback, link-local or IPv4-mapped)",
			NULL,
		};
		size_t oif;

		self->m.len = 0;
		if (i) {
			inet_pton(AF_INET6, "ff3e::1", &a6);
			put(&self->m, MCFW_A_GROUP6, &a6, sizeof(a6));
		} else {
			put(&self->m, MCFW_A_GROUP, &g4, sizeof(g4));
		}
		put_u32(&self->m, MCFW_A_IIF, self->d0);
		nest = nest_start(&self->m, MCFW_A_OIFS);
		oif = nest_start(&self->m, MCFW_A_OIF);
		inet_pton(AF_INET6, u6[i], &a6);
		put(&self->m, MCFW_OIF_A_UNICAST6, &a6, sizeof(a6));
		nest_end(&self->m, oif);
		nest_end(&self->m, nest);
		if (msg[i]) {
			expect_refused_with(_metadata, self, -EINVAL, msg[i]);
			continue;
		}
		ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
		route_msg6(&self->m, "ff3e::1", NULL, self->d0, NULL, -1);
		ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	}

	/* (S,G) and (*,G) of one group, and an IPv4 route. */
	route_msg6(&self->m, "ff3e::8000:1", "2001:db8:1::2", self->d0,
		   oifs, 2);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	ASSERT_NE(NULL, self->r.tb[MCFW_A_GROUP6]);
	ASSERT_NE(NULL, self->r.tb[MCFW_A_SOURCE6]);
	EXPECT_EQ(NULL, self->r.tb[MCFW_A_GROUP]);
	EXPECT_EQ(NULL, self->r.tb[MCFW_A_SOURCE]);
	inet_pton(AF_INET6, "ff3e::8000:1", &a6);
	EXPECT_EQ(0, memcmp(&a6, (char *)self->r.tb[MCFW_A_GROUP6] + NLA_HDRLEN,
			    sizeof(a6)));
	EXPECT_EQ(-EEXIST, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	route_msg6(&self->m, "ff3e::8000:1", NULL, self->d0, oifs, 2);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_EQ(NULL, self->r.tb[MCFW_A_SOURCE6]);
	route_msg(&self->m, "239.1.1.1", NULL, self->d0, oifs, 2);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_NEW, 0));
	EXPECT_EQ(3, route_count(self->fd, self->family));

	/* A dump filtered by an IPv6 group has its two routes only. */
	self->m.len = 0;
	put(&self->m, MCFW_A_GROUP6, &a6, sizeof(a6));
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_GET,
			     NLM_F_DUMP, 0, self->m.data, self->m.len));
	EXPECT_EQ(2, dump_count(self->fd, &intr, NULL, NULL));
	/* And by an IPv6 source, its (S,G) route only. */
	self->m.len = 0;
	inet_pton(AF_INET6, "2001:db8:1::2", &a6);
	put(&self->m, MCFW_A_SOURCE6, &a6, sizeof(a6));
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_GET,
			     NLM_F_DUMP, 0, self->m.data, self->m.len));
	EXPECT_EQ(1, dump_count(self->fd, &intr, NULL, NULL));
	/* A bad group in a dump filter is refused with its reason. */
	self->m.len = 0;
	inet_pton(AF_INET6, "ff02::1", &a6);
	put(&self->m, MCFW_A_GROUP6, &a6, sizeof(a6));
	ASSERT_EQ(0, nl_send(self->fd, self->family, MCFW_CMD_ROUTE_GET,
			     NLM_F_DUMP, 0, self->m.data, self->m.len));
	EXPECT_EQ(-EINVAL, dump_count(self->fd, &intr, NULL, NULL));

	/* Get and delete by IPv6 key; the IPv4 route stays. */
	route_msg6(&self->m, "ff3e::8000:1", "2001:db8:1::2", self->d0, NULL,
		   -1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	g = self->r.tb[MCFW_A_SOURCE6];
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	EXPECT_EQ(-ENOENT, route_cmd(_metadata, self, MCFW_CMD_ROUTE_GET, 0));
	route_msg6(&self->m, "ff3e::8000:1", NULL, 0, NULL, -1);
	ASSERT_EQ(0, route_cmd(_metadata, self, MCFW_CMD_ROUTE_DEL, 0));
	EXPECT_EQ(1, route_count(self->fd, self->family));
}

/* IFACE_SET of one IPv6 prefix @addr/@len and scope @scope (if not 0). */
static int iface_set6(struct __test_metadata *_metadata,
		      struct _test_data_routes *self, const char *addr,
		      __u8 len, __u8 scope)
{
	struct in6_addr a;
	size_t nest, p;

	self->m.len = 0;
	put_str(&self->m, MCFW_A_IFNAME, "nosuch0");
	if (addr) {
		nest = nest_start(&self->m, MCFW_A_BOUNDARIES);
		p = nest_start(&self->m, MCFW_A_PREFIX);
		inet_pton(AF_INET6, addr, &a);
		put(&self->m, MCFW_PREFIX_A_ADDR6, &a, sizeof(a));
		put(&self->m, MCFW_PREFIX_A_LEN, &len, 1);
		nest_end(&self->m, p);
		nest_end(&self->m, nest);
	}
	if (scope)
		put(&self->m, MCFW_A_BOUNDARY_SCOPE, &scope, 1);
	return route_cmd(_metadata, self, MCFW_CMD_IFACE_SET, 0);
}

TEST_F(routes, ipv6_boundaries_checked)
{
	EXPECT_EQ(-EINVAL, iface_set6(_metadata, self, "2001:db8::", 32, 0));
	EXPECT_STREQ("A boundary is a prefix of multicast groups (in ff00::/8)",
		     self->r.msg);
	EXPECT_EQ(-EINVAL, iface_set6(_metadata, self, "ff05::1", 16, 0));
	EXPECT_STREQ("The prefix has host bits set", self->r.msg);
	EXPECT_EQ(-EINVAL, iface_set6(_metadata, self, "ff00::", 4, 0));
	EXPECT_STREQ("An IPv6 prefix is 8 to 128 bits long", self->r.msg);
	EXPECT_GT(0, iface_set6(_metadata, self, "ff05::", 129, 0));
	EXPECT_GT(0, iface_set6(_metadata, self, NULL, 0, 16));
	EXPECT_NE(0, self->r.msg[0]);
	EXPECT_EQ(0, iface_count(self->fd, self->family));

	EXPECT_EQ(0, iface_set6(_metadata, self, "ff05::", 16, 0));
	EXPECT_EQ(1, iface_count(self->fd, self->family));
	/* A scope alone is a boundary; none lets the name go. */
	EXPECT_EQ(0, iface_set6(_metadata, self, NULL, 0, 5));
	EXPECT_EQ(1, iface_count(self->fd, self->family));
	EXPECT_EQ(0, iface_set6(_metadata, self, "ff3e:0:0:0:1::", 80, 8));
	EXPECT_EQ(0, iface_set6(_metadata, self, NULL, 0, 0));
	EXPECT_EQ(0, iface_count(self->fd, self->family));
}
