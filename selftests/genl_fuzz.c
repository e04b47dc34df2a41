// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz - a seeded random fuzzer of the "mcfw" generic netlink family.
 *
 *   genl_fuzz [-s SEED] [-T SECONDS] [-n COUNT] [-i IFNAME]...
 *
 * Sends requests built from the family's grammar (its commands and
 * attributes, with values near the ones that matter: the devices named
 * with -i, a few groups and owners) and then mutated at random: unknown
 * commands and attributes, wrong lengths, truncation, NLA_F_NESTED
 * flipped, random bytes, reserved header fields and flags, batches begun
 * and left, dumps abandoned half-way with their socket. It waits for the
 * answer to each request (an ack, an error, a reply, a whole dump) until
 * SECONDS (default 30) passed or COUNT requests were sent, then prints
 *
 *   fuzz: seed S sent N acked A refused R dumps D abandoned B lost L
 *   fuzz: errno E: count ...
 *
 * and exits 1 if a request was never answered (L > 0) or the socket failed
 * in a way netlink never should, 0 otherwise. The same seed sends the same
 * requests (what the kernel answers may differ with what else runs).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/mcfw.h>

#include "nlbuf.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUFSZ		65536
#define MAX_IFACES	16
#define MAX_ERRNO	200

static __u64 rng_state;

/* xorshift64*: small, fast and the same everywhere for a seed. */
static __u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* 0 .. n-1 */
static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

/* True one time in @n. */
static bool one_in(unsigned int n)
{
	return pick(n) == 0;
}

static char *ifnames[MAX_IFACES];
static __u32 ifindexes[MAX_IFACES];
static unsigned int n_ifaces;

static struct {
	unsigned long sent, acked, refused, replies, dumps, abandoned, lost;
	unsigned long err[MAX_ERRNO];
} st;

/* Mutates the attribute that starts at @at and ends the message. */
static void mutate(struct nlbuf *m, size_t at)
{
	struct nlattr *a = (struct nlattr *)(m->data + at);
	size_t i;

	switch (pick(6)) {
	case 0:		/* a length that lies */
		a->nla_len = pick(a->nla_len + 16);
		break;
	case 1:		/* NLA_F_NESTED where it is not, or not where it is */
		a->nla_type ^= NLA_F_NESTED;
		break;
	case 2:
		a->nla_type |= NLA_F_NET_BYTEORDER;
		break;
	case 3:		/* cut the payload short */
		if (a->nla_len > NLA_HDRLEN) {
			a->nla_len = NLA_HDRLEN + pick(a->nla_len - NLA_HDRLEN);
			m->len = at + NLA_ALIGN(a->nla_len);
		}
		break;
	case 4:		/* random payload bytes */
		for (i = at + NLA_HDRLEN; i < m->len; i++)
			if (one_in(4))
				m->data[i] = rnd();
		break;
	default:	/* a few bytes that are no attribute */
		for (i = 1 + pick(7); i; i--)
			m->data[m->len++] = rnd();
		break;
	}
}

static __u32 a_group(void)
{
	switch (pick(10)) {
	case 0:
		return htonl(0xe0000000 | pick(256));		/* 224.0.0.x */
	case 1:
		return rnd();
	default:
		return htonl(0xef000000 | (1 + pick(16)));	/* 239.0.0.1-16 */
	}
}

static void a_ifname(struct nlbuf *m, __u16 type)
{
	static const char * const odd[] = {
		"nosuch0", "", "a/b", "0123456789abcdefXYZ", ".", "..",
	};

	if (n_ifaces && !one_in(6))
		put_str(m, type, ifnames[pick(n_ifaces)]);
	else
		put_str(m, type, odd[pick(ARRAY_SIZE(odd))]);
}

static __u32 a_ifindex(void)
{
	static const __u32 odd[] = { 0, 1, 0x7fffffff, 0x80000000u, 0xffffffffu };

	if (n_ifaces && !one_in(5))
		return ifindexes[pick(n_ifaces)];
	return one_in(2) ? odd[pick(ARRAY_SIZE(odd))] : pick(64);
}

static void a_oifs(struct nlbuf *m)
{
	unsigned int i, n = one_in(20) ? 1100 : pick(7);
	size_t nest = nest_start(m, MCFW_A_OIFS), o, at;
	__u8 ttl;

	for (i = 0; i < n; i++) {
		o = nest_start(m, one_in(30) ? pick(MCFW_A_MAX + 2) : MCFW_A_OIF);
		if (one_in(2))
			put_u32(m, MCFW_OIF_A_IFINDEX, a_ifindex());
		else
			a_ifname(m, MCFW_OIF_A_IFNAME);
		if (one_in(3)) {
			ttl = one_in(8) ? 0 : pick(256);
			put(m, MCFW_OIF_A_TTL, &ttl, 1);
		}
		if (one_in(20)) {
			at = m->len;
			put_u32(m, pick(MCFW_OIF_A_MAX + 3), rnd());
			if (one_in(2))
				mutate(m, at);
		}
		nest_end(m, o);
	}
	nest_end(m, nest);
}

/* A boundary: prefixes, some of them wrong (host bits, unicast, lengths). */
static void a_boundaries(struct nlbuf *m)
{
	unsigned int i, n = one_in(20) ? 40 : pick(5);
	size_t nest = nest_start(m, MCFW_A_BOUNDARIES), p;
	__u8 len;

	for (i = 0; i < n; i++) {
		p = nest_start(m, one_in(30) ? pick(MCFW_A_MAX + 2) : MCFW_A_PREFIX);
		if (!one_in(10))
			put_u32(m, MCFW_PREFIX_A_ADDR,
				one_in(4) ? rnd() : htonl(0xef000000u + (pick(4) << 16)));
		if (!one_in(10)) {
			len = one_in(4) ? pick(40) : 8 + pick(9);
			put(m, MCFW_PREFIX_A_LEN, &len, 1);
		}
		nest_end(m, p);
	}
	nest_end(m, nest);
}

/* One attribute, of @type's kind, often mutated when @hostile. */
static void a_any(struct nlbuf *m, __u16 type, bool hostile)
{
	static const char * const owners[] = {
		"static", "fuzz", "pimd", "all", "no way", "0123456789abcdefg", "",
	};
	size_t at = m->len;
	unsigned char raw[24];
	unsigned int i;
	__u32 v;

	switch (type) {
	case MCFW_A_GROUP:
		put_u32(m, type, a_group());
		break;
	case MCFW_A_SOURCE:
		v = one_in(6) ? rnd() : htonl(0x0a000001 + pick(4));
		put_u32(m, type, v);
		break;
	case MCFW_A_IIF:
		put_u32(m, type, a_ifindex());
		break;
	case MCFW_A_IIF_NAME:
	case MCFW_A_IFNAME:
		a_ifname(m, type);
		break;
	case MCFW_A_OIFS:
		a_oifs(m);
		break;
	case MCFW_A_OWNER:
		put_str(m, type, owners[pick(ARRAY_SIZE(owners))]);
		break;
	case MCFW_A_REPLACE:
	case MCFW_A_NOJOIN:
	case MCFW_A_NO_STATS:
		put(m, type, NULL, 0);
		break;
	case MCFW_A_BATCH_FLAGS:
		put_u32(m, type, one_in(4) ? rnd() : pick(4));
		break;
	case MCFW_A_BATCH_COUNT:
		put_u32(m, type, pick(8));
		break;
	case MCFW_A_RATE_PKTS:
	case MCFW_A_RATE_BITS:
		v = one_in(4) ? rnd() : pick(20000);
		put(m, type, &(__u64){ v }, sizeof(__u64));
		break;
	case MCFW_A_BOUNDARIES:
		a_boundaries(m);
		break;
	default:
		for (i = 0; i < sizeof(raw); i++)
			raw[i] = rnd();
		put(m, type, raw, pick(sizeof(raw)));
		break;
	}
	if (hostile && one_in(12))
		mutate(m, at);
}

/* The attributes a command takes, most of the time; any, sometimes. */
static void attrs_for(struct nlbuf *m, __u8 cmd, bool hostile)
{
	static const __u16 route[] = {
		MCFW_A_GROUP, MCFW_A_SOURCE, MCFW_A_IIF_NAME, MCFW_A_OIFS,
		MCFW_A_OWNER, MCFW_A_REPLACE, MCFW_A_NOJOIN, MCFW_A_RATE_PKTS,
		MCFW_A_RATE_BITS,
	};
	unsigned int i, n;

	switch (cmd) {
	case MCFW_CMD_ROUTE_NEW:
		a_any(m, MCFW_A_GROUP, hostile);
		if (one_in(3))
			a_any(m, MCFW_A_SOURCE, hostile);
		a_any(m, one_in(4) ? MCFW_A_IIF : MCFW_A_IIF_NAME, hostile);
		a_any(m, MCFW_A_OIFS, hostile);
		for (i = 0, n = pick(3); i < n; i++)
			a_any(m, route[4 + pick(5)], hostile);
		break;
	case MCFW_CMD_IFACE_SET:
		if (!one_in(8))
			a_any(m, MCFW_A_IFNAME, hostile);
		if (!one_in(4))
			a_any(m, MCFW_A_BOUNDARIES, hostile);
		break;
	case MCFW_CMD_ROUTE_DEL:
	case MCFW_CMD_ROUTE_GET:
	case MCFW_CMD_ROUTE_ZERO:
		if (!one_in(6))
			a_any(m, MCFW_A_GROUP, hostile);
		if (one_in(3))
			a_any(m, MCFW_A_SOURCE, hostile);
		if (one_in(2))
			a_any(m, one_in(4) ? MCFW_A_IIF : MCFW_A_IIF_NAME, hostile);
		if (one_in(4))
			a_any(m, one_in(2) ? MCFW_A_OWNER : MCFW_A_NO_STATS, hostile);
		break;
	case MCFW_CMD_ROUTE_FLUSH:
		a_any(m, MCFW_A_OWNER, hostile);
		break;
	case MCFW_CMD_BATCH_BEGIN:
		a_any(m, MCFW_A_BATCH_FLAGS, hostile);
		if (one_in(2))
			a_any(m, MCFW_A_OWNER, hostile);
		break;
	case MCFW_CMD_BATCH_COMMIT:
		if (one_in(2))
			a_any(m, MCFW_A_BATCH_COUNT, hostile);
		break;
	default:
		break;
	}
	/* Anything at all: unknown, duplicated, out of place. */
	for (i = 0, n = hostile && one_in(5) ? 1 + pick(3) : 0; i < n; i++)
		a_any(m, one_in(4) ? pick(0x4000) : pick(MCFW_A_MAX + 3),
		      hostile);
}

static __u8 a_cmd(void)
{
	static const __u8 w[] = {
		MCFW_CMD_ROUTE_NEW, MCFW_CMD_ROUTE_NEW, MCFW_CMD_ROUTE_NEW,
		MCFW_CMD_ROUTE_NEW, MCFW_CMD_ROUTE_NEW, MCFW_CMD_ROUTE_DEL,
		MCFW_CMD_ROUTE_DEL, MCFW_CMD_ROUTE_GET, MCFW_CMD_ROUTE_GET,
		MCFW_CMD_ROUTE_GET, MCFW_CMD_IFACE_GET, MCFW_CMD_INFO_GET,
		MCFW_CMD_BATCH_BEGIN, MCFW_CMD_BATCH_BEGIN,
		MCFW_CMD_BATCH_COMMIT, MCFW_CMD_BATCH_ABORT,
		MCFW_CMD_ROUTE_ZERO, MCFW_CMD_IFACE_SET,
	};

	if (one_in(100))
		return MCFW_CMD_ROUTE_FLUSH;
	if (one_in(25))
		return pick(256);
	return w[pick(ARRAY_SIZE(w))];
}

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 30 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("fuzz: socket");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * Sends the request in @buf (@len bytes, sequence @seq) and reads until it
 * is answered. With @abandon, a dump is left after its first part.
 * Returns the answer's errno (0: acked or done), 1 if abandoned, -1 if
 * no answer came.
 */
static int exchange(int fd, const void *buf, size_t len, __u32 seq, bool dump,
		    bool abandon)
{
	static unsigned char rb[BUFSZ * 4];
	struct nlmsghdr *h;
	int n, err;

	if (send(fd, buf, len, 0) < 0) {
		/* Refused whole by the socket (too long, say): an answer. */
		return errno;
	}
	for (;;) {
		n = recv(fd, rb, sizeof(rb), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return -1;
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return -1;
		}
		if (dump && abandon)
			return 1;
		for (h = (struct nlmsghdr *)rb; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				return -err;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				err = 0;
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
					memcpy(&err, NLMSG_DATA(h), sizeof(err));
				return -err;
			}
			st.replies++;
		}
	}
}

static int family_id(int fd)
{
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		struct nlbuf m;
	} req = {};
	static unsigned char rb[BUFSZ];
	struct nlmsghdr *h;
	struct nlattr *a;
	int n, rem;

	put_str(&req.m, CTRL_ATTR_FAMILY_NAME, MCFW_GENL_NAME);
	req.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + req.m.len;
	memmove((char *)&req.g + GENL_HDRLEN, req.m.data, req.m.len);
	req.h.nlmsg_type = GENL_ID_CTRL;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
		return -1;
	n = recv(fd, rb, sizeof(rb), 0);
	h = (struct nlmsghdr *)rb;
	if (n < 0 || !NLMSG_OK(h, n) || h->nlmsg_type == NLMSG_ERROR)
		return -1;
	rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(__u16 *)((char *)a + NLA_HDRLEN);
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "Usage: genl_fuzz [-s SEED] [-T SECONDS] [-n COUNT] [-i IFNAME]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		struct nlbuf m;
	} req;
	unsigned long seed = 1, max = ~0UL, i;
	double seconds = 30;
	__u32 seq = 1;
	time_t end;
	int c, fd, family, err;

	while ((c = getopt(argc, argv, "s:T:n:i:")) != -1) {
		switch (c) {
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			seconds = atof(optarg);
			break;
		case 'n':
			max = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			if (n_ifaces == MAX_IFACES)
				usage();
			ifnames[n_ifaces] = optarg;
			ifindexes[n_ifaces] = if_nametoindex(optarg);
			n_ifaces++;
			break;
		default:
			usage();
		}
	}
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	fd = nl_open();
	family = family_id(fd);
	if (family < 0) {
		fprintf(stderr, "fuzz: no generic netlink family %s\n", MCFW_GENL_NAME);
		return 2;
	}

	end = time(NULL) + (time_t)seconds;
	for (i = 0; i < max && time(NULL) < end; i++) {
		bool hostile = one_in(3), dump, abandon;
		__u8 cmd = a_cmd();

		memset(&req.h, 0, sizeof(req.h) + sizeof(req.g));
		req.m.len = 0;
		dump = (cmd == MCFW_CMD_ROUTE_GET && one_in(2)) ||
		       cmd == MCFW_CMD_IFACE_GET || (hostile && one_in(20));
		attrs_for(&req.m, cmd, hostile);
		req.h.nlmsg_type = family;
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
		if (hostile && one_in(15))
			req.h.nlmsg_flags |= pick(16) << 8;
		req.h.nlmsg_seq = seq++;
		req.g.cmd = cmd;
		req.g.version = hostile && one_in(20) ? pick(256) : MCFW_GENL_VERSION;
		req.g.reserved = hostile && one_in(20) ? rnd() : 0;
		memmove((char *)&req.g + GENL_HDRLEN, req.m.data, req.m.len);
		req.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + req.m.len;
		if (hostile && one_in(30))	/* a header that lies */
			req.h.nlmsg_len = NLMSG_HDRLEN + pick(req.h.nlmsg_len);

		abandon = dump && one_in(10);
		err = exchange(fd, &req, req.h.nlmsg_len, req.h.nlmsg_seq, dump,
			       abandon);
		st.sent++;
		st.dumps += dump;
		if (err < 0) {
			st.lost++;
			fprintf(stderr, "fuzz: request %lu (cmd %u, %u bytes) got no answer\n",
				i, cmd, req.h.nlmsg_len);
		} else if (err == 1 && abandon) {
			st.abandoned++;
		} else if (err == 0) {
			st.acked++;
		} else {
			st.refused++;
			st.err[err < MAX_ERRNO ? err : 0]++;
		}
		/* A dump left half-way, a batch left staged: closed with it. */
		if (abandon || one_in(200)) {
			close(fd);
			fd = nl_open();
		}
	}
	close(fd);

	printf("fuzz: seed %lu sent %lu acked %lu refused %lu dumps %lu abandoned %lu lost %lu\n",
	       seed, st.sent, st.acked, st.refused, st.dumps, st.abandoned, st.lost);
	for (i = 0; i < MAX_ERRNO; i++)
		if (st.err[i])
			printf("fuzz: errno %s: %lu\n",
			       i ? strerrorname_np(i) : "other", st.err[i]);
	return st.lost ? 1 : 0;
}
