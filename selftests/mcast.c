// SPDX-License-Identifier: GPL-2.0
/*
 * mcast - send or receive a counted IPv4 or IPv6 multicast UDP stream, for
 * mcfw's selftests. Each datagram carries a sequence number and a pattern
 * derived from it, so the receiver can tell a damaged payload. GROUP's
 * form chooses the family: dotted quad IPv4, else IPv6.
 *
 *   mcast send GROUP PORT [-i DEV] [-t TTL] [-n COUNT] [-s SIZE] [-D]
 *                         [-r PPS] [-T SECONDS] [-g SEGS] [-z]
 *   mcast recv GROUP PORT -i DEV [-w IDLE_MS] [-T SECONDS] [-n COUNT]
 *
 * send: COUNT datagrams (default 100) of SIZE payload bytes (default 64)
 * with TTL (default 64) out of DEV (GROUP may be a unicast address), DF
 * set with -D, paced at PPS (default as fast as possible), or for SECONDS
 * when -T is given (COUNT then caps).
 * With -g, each send hands the kernel SEGS datagrams at once, as one UDP
 * GSO buffer (UDP_SEGMENT) that leaves as one GSO packet where the device
 * takes them. With -z, datagrams carry no UDP checksum (SO_NO_CHECK: the
 * field is zero). It prints "sent N" (datagrams).
 *
 * recv: joins GROUP on DEV and counts datagrams to PORT until COUNT
 * arrived (default: no limit), nothing came for IDLE_MS after the first
 * (default: no limit), SECONDS passed (default 10), or it got SIGTERM or
 * SIGINT. Its socket's receive buffer is 8 MiB (as root), so that bursts
 * a slow emulated machine schedules it late for are not lost there; what
 * the socket still dropped is reported (SO_RXQ_OVFL) as "overflow". It
 * prints "received N bytes B ttl_min X ttl_max Y bad Z dup D overflow O
 * from S" (S: the source address of the last datagram, or -). GROUP may
 * be a unicast address of the receiver's: then it binds to it and joins
 * nothing (-i is still required, and ignored).
 *
 * IPv6 (GROUP an IPv6 address): the same, with these differences.
 * send: -i sets IPV6_MULTICAST_IF, -t the hop limit (IPV6_MULTICAST_HOPS,
 * and IPV6_UNICAST_HOPS for a unicast GROUP); a link-local GROUP (or a
 * group of interface- or link-local scope) is sent out of DEV. IPv6 has
 * no DF bit: a sender fragments at the path MTU it knows (which Packet
 * Too Big messages lower), so -D means IPV6_MTU_DISCOVER =
 * IPV6_PMTUDISC_PROBE: datagrams leave unfragmented up to the link MTU
 * whatever Packet Too Big said, and one larger than the link MTU fails
 * to send (EMSGSIZE: the program exits 1). -g works as for IPv4; -z is
 * refused (SO_NO_CHECK is IPv4's: UDP over IPv6 carries a checksum).
 * recv: joins with IPV6_JOIN_GROUP on DEV, reports the hop limit
 * (IPV6_RECVHOPLIMIT) as ttl_min and ttl_max, and S in IPv6 form; a
 * unicast GROUP is bound to (on DEV if link-local), nothing joined.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <stdbool.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD	65000
#define SEEN_BITS	1048576

struct opts {
	int family;		/* AF_INET or AF_INET6, as GROUP is written */
	struct in_addr group;
	struct in6_addr group6;
	unsigned short port;
	unsigned int ifindex;
	int ttl;
	unsigned long count;
	size_t size;
	bool df;
	unsigned long pps;
	double seconds;
	long idle_ms;
	unsigned int segs;
	bool nocsum;
};

static void die(const char *what)
{
	fprintf(stderr, "mcast: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void print_usage(void)
{
	fprintf(stderr,
		"Usage: mcast send GROUP PORT [-i DEV] [-t TTL] [-n COUNT] [-s SIZE] [-D] [-r PPS] [-T SECONDS] [-g SEGS] [-z]\n"
		"       mcast recv GROUP PORT -i DEV [-w IDLE_MS] [-T SECONDS] [-n COUNT]\n");
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char pattern(__u32 seq, size_t i)
{
	return (unsigned char)(seq * 31 + i * 7);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	if (argc < 4)
		print_usage();
	if (inet_pton(AF_INET, argv[2], &o->group) == 1)
		o->family = AF_INET;
	else if (inet_pton(AF_INET6, argv[2], &o->group6) == 1)
		o->family = AF_INET6;
	else
		print_usage();
	o->port = atoi(argv[3]);
	optind = 4;
	while ((c = getopt(argc, argv, "i:t:n:s:Dr:T:w:g:z")) != -1) {
		switch (c) {
		case 'i':
			o->ifindex = if_nametoindex(optarg);
			if (!o->ifindex)
				die(optarg);
			break;
		case 't':
			o->ttl = atoi(optarg);
			break;
		case 'n':
			o->count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			o->size = strtoul(optarg, NULL, 0);
			break;
		case 'D':
			o->df = true;
			break;
		case 'r':
			o->pps = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			o->seconds = atof(optarg);
			break;
		case 'w':
			o->idle_ms = atol(optarg);
			break;
		case 'g':
			o->segs = strtoul(optarg, NULL, 0);
			break;
		case 'z':
			o->nocsum = true;
			break;
		default:
			print_usage();
		}
	}
	if (o->size < 4 || o->size > MAX_PAYLOAD ||
	    (o->segs > 1 && o->size * o->segs > MAX_PAYLOAD))
		print_usage();
	if (o->family == AF_INET6 && o->nocsum) {
		fputs("mcast: -z is IPv4's: UDP over IPv6 has a checksum\n", stderr);
		exit(2);
	}
}

/*
 * Does the IPv6 address @a need an interface to be meaningful: link-local
 * unicast, or a group of interface- or link-local scope?
 */
static bool needs_scope(const struct in6_addr *a)
{
	return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_NODELOCAL(a) ||
	       IN6_IS_ADDR_MC_LINKLOCAL(a);
}

/* The IPv6 sending socket, as open_send4() below makes the IPv4 one. */
static int open_send6(struct opts *o, struct sockaddr_in6 *to)
{
	int fd, pmtu, zero = 0;

	to->sin6_family = AF_INET6;
	to->sin6_port = htons(o->port);
	to->sin6_addr = o->group6;
	if (needs_scope(&o->group6))
		to->sin6_scope_id = o->ifindex;
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
		       sizeof(zero)))
		die("IPV6_MULTICAST_LOOP");
	if (o->ifindex) {
		int ifindex = o->ifindex;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
			       sizeof(ifindex)))
			die("IPV6_MULTICAST_IF");
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &o->ttl,
		       sizeof(o->ttl)))
		die("IPV6_MULTICAST_HOPS");
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &o->ttl,
		       sizeof(o->ttl)))
		die("IPV6_UNICAST_HOPS");
	/*
	 * No DF bit in IPv6: PROBE sends up to the link MTU unfragmented,
	 * whatever Packet Too Big messages said, and refuses more (EMSGSIZE).
	 * Without -D, the kernel's default: fragments at the path MTU.
	 */
	if (o->df) {
		pmtu = IPV6_PMTUDISC_PROBE;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
			       sizeof(pmtu)))
			die("IPV6_MTU_DISCOVER");
	}
	return fd;
}

/* The IPv4 sending socket. */
static int open_send4(struct opts *o, struct sockaddr_in *to)
{
	int fd, pmtu, zero = 0;

	to->sin_family = AF_INET;
	to->sin_port = htons(o->port);
	to->sin_addr = o->group;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	/* Receivers in the sender's namespace must not see its own stream. */
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)))
		die("IP_MULTICAST_LOOP");
	if (o->ifindex) {
		struct ip_mreqn mr = { .imr_ifindex = o->ifindex };

		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)))
			die("IP_MULTICAST_IF");
	}
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &o->ttl,
		       sizeof(o->ttl)))
		die("IP_MULTICAST_TTL");
	/* GROUP may be a unicast address: its datagrams take this TTL. */
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &o->ttl, sizeof(o->ttl)))
		die("IP_TTL");
	pmtu = o->df ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT;
	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)))
		die("IP_MTU_DISCOVER");

	if (o->nocsum) {
		int one = 1;

		if (setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)))
			die("SO_NO_CHECK");
	}
	return fd;
}

static int do_send(struct opts *o)
{
	static unsigned char buf[MAX_PAYLOAD];
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} to = { 0 };
	socklen_t tolen;
	double start = now(), deadline = start + o->seconds;
	unsigned long sent = 0;
	int fd;

	if (o->family == AF_INET6) {
		fd = open_send6(o, &to.in6);
		tolen = sizeof(to.in6);
	} else {
		fd = open_send4(o, &to.in);
		tolen = sizeof(to.in);
	}
	if (o->segs > 1) {
		int gso = o->size;

		if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso, sizeof(gso)))
			die("UDP_SEGMENT");
	}

	while (sent < o->count && (!o->seconds || now() < deadline)) {
		unsigned long n = o->segs > 1 ? o->segs : 1, k;
		size_t i;

		if (n > o->count - sent)
			n = o->count - sent;
		/* Each datagram (GSO segment) its own number and pattern. */
		for (k = 0; k < n; k++) {
			unsigned char *d = buf + k * o->size;
			__u32 seq = sent + k;

			memcpy(d, &seq, sizeof(seq));
			for (i = sizeof(seq); i < o->size; i++)
				d[i] = pattern(seq, i);
		}
		if (sendto(fd, buf, n * o->size, 0, &to.sa, tolen) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN)
				continue;
			die("sendto");
		}
		sent += n;
		if (o->pps) {
			double due = start + (double)sent / o->pps;

			while (now() < due)
				usleep(100);
		}
	}
	printf("sent %lu\n", sent);
	return 0;
}

/*
 * The IPv6 receiving socket: bound to GROUP and PORT (on DEV where the
 * address needs an interface), GROUP joined on DEV, hop limits reported.
 */
static int open_recv6(struct opts *o)
{
	struct sockaddr_in6 addr = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(o->port),
		.sin6_addr = o->group6,
	};
	struct ipv6_mreq mr = {
		.ipv6mr_multiaddr = o->group6,
		.ipv6mr_interface = o->ifindex,
	};
	int one = 1, zero = 0, rcvbuf = 8 << 20;
	int fd;

	if (needs_scope(&o->group6))
		addr.sin6_scope_id = o->ifindex;
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)))
		die("SO_RXQ_OVFL");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("bind");
	if (IN6_IS_ADDR_MULTICAST(&o->group6) &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
		die("IPV6_JOIN_GROUP");
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero, sizeof(zero));
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)))
		die("IPV6_RECVHOPLIMIT");
	return fd;
}

/* The IPv4 receiving socket. */
static int open_recv4(struct opts *o)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(o->port),
		.sin_addr = o->group,
	};
	struct ip_mreqn mr = {
		.imr_multiaddr = o->group,
		.imr_ifindex = o->ifindex,
	};
	int one = 1, zero = 0, rcvbuf = 8 << 20;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)))
		die("SO_RXQ_OVFL");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("bind");
	if (IN_MULTICAST(ntohl(o->group.s_addr)) &&
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		die("IP_ADD_MEMBERSHIP");
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero));
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)))
		die("IP_RECVTTL");
	return fd;
}

static int do_recv(struct opts *o)
{
	static unsigned char buf[MAX_PAYLOAD + 1];
	static unsigned char seen[SEEN_BITS / 8];
	unsigned long n = 0, bad = 0, dup = 0, bytes = 0;
	int ttl_min = 256, ttl_max = -1;
	__u32 overflow = 0;
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} from = { 0 };
	char src[INET6_ADDRSTRLEN] = "-";
	double deadline = now() + (o->seconds ? o->seconds : 10);
	sigset_t mask;
	int fd, sfd;

	if (!o->ifindex)
		print_usage();
	/* SIGTERM or SIGINT end the count: they arrive through a signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		die("sigprocmask");
	sfd = signalfd(-1, &mask, 0);
	if (sfd < 0)
		die("signalfd");
	fd = o->family == AF_INET6 ? open_recv6(o) : open_recv4(o);

	/* Tell a waiting test that we are listening. */
	printf("ready\n");
	fflush(stdout);

	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(__u32))];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf,
			.msg_controllen = sizeof(cbuf),
		};
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		double left = deadline - now();
		long wait = left * 1000;
		struct cmsghdr *cm;
		__u32 seq;
		ssize_t len;
		ssize_t i;

		if (n && o->idle_ms && o->idle_ms < wait)
			wait = o->idle_ms;
		if (wait <= 0 || (o->count && n >= o->count))
			break;
		if (poll(pfd, 2, wait) <= 0 || pfd[1].revents)
			break;
		len = recvmsg(fd, &msg, 0);
		if (len < 0)
			die("recvmsg");
		n++;
		bytes += len;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if ((cm->cmsg_level == IPPROTO_IP &&
			     cm->cmsg_type == IP_TTL) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			     cm->cmsg_type == IPV6_HOPLIMIT)) {
				int t;

				memcpy(&t, CMSG_DATA(cm), sizeof(t));
				if (t < ttl_min)
					ttl_min = t;
				if (t > ttl_max)
					ttl_max = t;
			} else if (cm->cmsg_level == SOL_SOCKET &&
				   cm->cmsg_type == SO_RXQ_OVFL) {
				memcpy(&overflow, CMSG_DATA(cm), sizeof(overflow));
			}
		}
		if (len < 4) {
			bad++;
			continue;
		}
		memcpy(&seq, buf, sizeof(seq));
		for (i = sizeof(seq); i < len; i++) {
			if (buf[i] != pattern(seq, i)) {
				bad++;
				break;
			}
		}
		if (seq < SEEN_BITS) {
			if (seen[seq / 8] & (1 << (seq % 8)))
				dup++;
			seen[seq / 8] |= 1 << (seq % 8);
		}
	}
	if (n && o->family == AF_INET6)
		inet_ntop(AF_INET6, &from.in6.sin6_addr, src, sizeof(src));
	else if (n)
		inet_ntop(AF_INET, &from.in.sin_addr, src, sizeof(src));
	printf("received %lu bytes %lu ttl_min %d ttl_max %d bad %lu dup %lu overflow %u from %s\n",
	       n, bytes, n ? ttl_min : 0, n ? ttl_max : 0, bad, dup, overflow,
	       src);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.ttl = 64,
		.size = 64,
	};

	if (argc < 2)
		print_usage();
	if (!strcmp(argv[1], "send"))
		o.count = 100;
	parse(argc, argv, &o);
	if (!strcmp(argv[1], "send"))
		return do_send(&o);
	if (!strcmp(argv[1], "recv"))
		return do_recv(&o);
	print_usage();
	return 2;
}
