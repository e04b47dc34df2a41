// SPDX-License-Identifier: GPL-2.0
/*
 * mcfw-routes - program many mcfw routes fast, for the benchmark.
 *
 *   mcfw-routes [-F] [-R] -i IIF -o OIFS -g GROUP [-c COUNT] [-s SOURCE]
 *
 * Adds COUNT routes (default 1) for the consecutive groups GROUP,
 * GROUP+1, ... (IPv4, or IPv6 counting in the last 32 bits) from SOURCE
 * (default: any source; of GROUP's family, given after it) arriving on
 * IIF, each copied to every interface of OIFS: a comma-separated list
 * of names, where "name[A-B]" stands for nameA ... nameB (e.g. "o[0-15]").
 * -F flushes the namespace's routes first; -R replaces existing routes.
 * Every route is added with MCFW_A_NOJOIN: the benchmark measures
 * forwarding and loading, not IGMP, and the memberships a namespace's
 * routes may hold are capped (module parameter join_max, 1024 by default).
 *
 * mcfwctl sends one request and waits for its answer; at 100,000 routes
 * under emulation that takes too long. This packs many MCFW_CMD_ROUTE_NEW
 * requests into each send() (the kernel handles every netlink message of
 * a buffer in turn) and then collects one acknowledgement per request.
 * It prints "mcfw-routes: added N routes (M outputs each) in T s" and
 * checks MCFW_A_ROUTE_COUNT afterwards.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ifrange.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/mcfw.h>

#define MAX_OIFS	4096
#define SENDBUF		(256 * 1024)
#define RECVBUF		(64 * 1024)
#define RCVBUF_SOCK	(32 * 1024 * 1024)

static int fd;
static __u16 family;
static __u32 seq = 1;

static void fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "mcfw-routes: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mcfw-routes [-F] [-R] -i IIF -o OIFS -g GROUP [-c COUNT] [-s SOURCE]\n");
	exit(2);
}

static char *put_attr(char *p, __u16 type, const void *data, __u16 len)
{
	struct nlattr *nla = (struct nlattr *)p;

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	return p + NLA_ALIGN(nla->nla_len);
}

static char *nest_start(char *p, __u16 type, struct nlattr **nest)
{
	*nest = (struct nlattr *)p;
	(*nest)->nla_type = type | NLA_F_NESTED;
	return p + NLA_HDRLEN;
}

static void nest_end(struct nlattr *nest, char *end)
{
	nest->nla_len = end - (char *)nest;
}

/* Starts a genl request at p; returns where its attributes go. */
static char *msg_start(char *p, __u16 type, __u8 cmd, __u16 flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)p;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(nlh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq++;
	g->cmd = cmd;
	g->version = MCFW_GENL_VERSION;
	return p + NLMSG_HDRLEN + GENL_HDRLEN;
}

static void msg_end(char *start, char *end)
{
	((struct nlmsghdr *)start)->nlmsg_len = end - start;
}

static const char *extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const char *p, *end = (const char *)nlh + nlh->nlmsg_len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	p = (const char *)e + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		p += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN)
			break;
		if (nla->nla_type == NLMSGERR_ATTR_MSG)
			return p + NLA_HDRLEN;
		p += NLA_ALIGN(nla->nla_len);
	}
	return "";
}

/*
 * Reads answers until @acks acknowledgements arrived. A reply message
 * other than an ack is handed to @cb (may be NULL). Exits on any error.
 */
static void collect(unsigned int acks,
		    void (*cb)(const struct nlmsghdr *nlh, void *arg),
		    void *arg)
{
	static char buf[RECVBUF];

	while (acks) {
		struct nlmsghdr *nlh;
		int len;

		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			fail("recv: %s", strerror(errno));
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error) {
					fprintf(stderr, "mcfw-routes: request %u: %s%s%s\n",
						e->msg.nlmsg_seq,
						strerror(-e->error),
						*extack_msg(nlh) ? ": " : "",
						extack_msg(nlh));
					exit(1);
				}
				acks--;
			} else if (cb) {
				cb(nlh, arg);
			}
		}
	}
}

static void send_buf(const char *buf, size_t len)
{
	while (send(fd, buf, len, 0) < 0) {
		if (errno != EINTR)
			fail("send: %s", strerror(errno));
	}
}

static void family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	(void)arg;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(&family, p + NLA_HDRLEN, sizeof(family));
		p += NLA_ALIGN(nla->nla_len);
	}
}

static void count_cb(const struct nlmsghdr *nlh, void *arg)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == MCFW_A_ROUTE_COUNT)
			memcpy(arg, p + NLA_HDRLEN, sizeof(__u32));
		p += NLA_ALIGN(nla->nla_len);
	}
}

static void nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = RCVBUF_SOCK;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		fail("socket: %s", strerror(errno));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("bind: %s", strerror(errno));
}

static void resolve_family(void)
{
	char buf[256], *p;

	p = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)buf))->version = 1;
	p = put_attr(p, CTRL_ATTR_FAMILY_NAME, MCFW_GENL_NAME,
		     sizeof(MCFW_GENL_NAME));
	msg_end(buf, p);
	send_buf(buf, p - buf);
	collect(1, family_cb, NULL);
	if (!family)
		fail("no generic netlink family %s", MCFW_GENL_NAME);
}

struct oif_list {
	int *oifs;
	unsigned int *n;
};

static void add_oif(const char *name, void *arg)
{
	struct oif_list *l = arg;

	if (*l->n >= MAX_OIFS)
		fail("too many outputs (most %s)", "4096");
	l->oifs[*l->n] = if_nametoindex(name);
	if (!l->oifs[*l->n])
		fail("no interface %s", name);
	(*l->n)++;
}

/* Adds the interfaces of one OIFS item ("name" or "name[A-B]"). */
static void parse_oif(const char *item, int *oifs, unsigned int *n)
{
	struct oif_list l = { oifs, n };

	ifrange_each(item, add_oif, &l);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static int oifs[MAX_OIFS];
	unsigned int n_oifs = 0, count = 1, done = 0, batch, i, k;
	__u32 iif = 0, routes = 0;
	bool flush = false, replace = false, any = true;
	struct in6_addr group = {}, source = {};
	bool v6 = false;
	size_t msg_max;
	char *buf, *p, *list = NULL;
	double t0;
	int opt;

	while ((opt = getopt(argc, argv, "FRi:o:g:c:s:")) != -1) {
		switch (opt) {
		case 'F':
			flush = true;
			break;
		case 'R':
			replace = true;
			break;
		case 'i':
			iif = if_nametoindex(optarg);
			if (!iif)
				fail("no interface %s", optarg);
			break;
		case 'o':
			list = optarg;
			break;
		case 'g':
			v6 = strchr(optarg, ':');
			if (inet_pton(v6 ? AF_INET6 : AF_INET, optarg, &group) != 1)
				fail("bad group %s", optarg);
			break;
		case 'c':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			/* After -g: the same family. */
			if (inet_pton(v6 ? AF_INET6 : AF_INET, optarg, &source) != 1)
				fail("bad source %s", optarg);
			any = false;
			break;
		default:
			usage();
		}
	}
	if (!iif || !list || !group.s6_addr32[0] || optind != argc)
		usage();
	for (p = strtok(list, ","); p; p = strtok(NULL, ","))
		parse_oif(p, oifs, &n_oifs);
	if (!n_oifs)
		usage();

	nl_open();
	resolve_family();

	/*
	 * One request: headers, group, source, iif, two flags, the output
	 * nest.
	 */
	msg_max = NLMSG_HDRLEN + GENL_HDRLEN + 3 * NLA_ALIGN(NLA_HDRLEN + 4) +
		  2 * NLA_ALIGN(NLA_HDRLEN + 16) +
		  NLA_HDRLEN + n_oifs * (NLA_HDRLEN + NLA_ALIGN(NLA_HDRLEN + 4));
	buf = malloc(SENDBUF > msg_max ? SENDBUF : msg_max);
	if (!buf)
		fail("%s", strerror(ENOMEM));
	/*
	 * Requests per send(): as many as fit, but the kernel's replies
	 * (each route with every output's counters, ~100 bytes an output)
	 * must fit the receive buffer while we are still sending.
	 */
	batch = SENDBUF / msg_max;
	k = (RCVBUF_SOCK / 4) / (256 + 128 * n_oifs);
	if (batch > k)
		batch = k;
	if (batch > 1024)
		batch = 1024;
	if (!batch)
		batch = 1;

	t0 = now();
	if (flush) {
		p = msg_start(buf, family, MCFW_CMD_ROUTE_FLUSH, 0);
		msg_end(buf, p);
		send_buf(buf, p - buf);
		collect(1, NULL, NULL);
	}

	while (done < count) {
		unsigned int in_batch = 0;

		p = buf;
		while (done + in_batch < count && in_batch < batch) {
			char *m = p;
			struct nlattr *outs, *o;
			struct in6_addr g = group;
			int last = v6 ? 3 : 0;

			/* IPv6: the groups differ in their last 32 bits. */
			g.s6_addr32[last] = htonl(ntohl(group.s6_addr32[last]) +
						  done + in_batch);
			p = msg_start(m, family, MCFW_CMD_ROUTE_NEW, 0);
			if (v6)
				p = put_attr(p, MCFW_A_GROUP6, &g, 16);
			else
				p = put_attr(p, MCFW_A_GROUP, &g, 4);
			if (!any && v6)
				p = put_attr(p, MCFW_A_SOURCE6, &source, 16);
			else if (!any)
				p = put_attr(p, MCFW_A_SOURCE, &source, 4);
			p = put_attr(p, MCFW_A_IIF, &iif, sizeof(iif));
			if (replace)
				p = put_attr(p, MCFW_A_REPLACE, NULL, 0);
			p = put_attr(p, MCFW_A_NOJOIN, NULL, 0);
			p = nest_start(p, MCFW_A_OIFS, &outs);
			for (i = 0; i < n_oifs; i++) {
				__u32 idx = oifs[i];

				p = nest_start(p, MCFW_A_OIF, &o);
				p = put_attr(p, MCFW_OIF_A_IFINDEX, &idx,
					     sizeof(idx));
				nest_end(o, p);
			}
			nest_end(outs, p);
			msg_end(m, p);
			in_batch++;
		}
		send_buf(buf, p - buf);
		collect(in_batch, NULL, NULL);
		done += in_batch;
	}

	p = msg_start(buf, family, MCFW_CMD_INFO_GET, 0);
	msg_end(buf, p);
	send_buf(buf, p - buf);
	collect(1, count_cb, &routes);
	printf("mcfw-routes: added %u routes (%u outputs each) in %.2f s; the namespace has %u\n",
	       count, n_oifs, now() - t0, routes);
	if (flush && routes != count) {
		fprintf(stderr, "mcfw-routes: expected %u routes, the module has %u\n",
			count, routes);
		return 1;
	}
	return 0;
}
