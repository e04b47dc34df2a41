// SPDX-License-Identifier: GPL-2.0
/*
 * relay - a userspace IPv4 multicast relay, the benchmark's userspace
 * contestant: what an application does without a kernel forwarder.
 *
 *   relay -i IIF -g GROUP -p PORT -o OIFS [-n COUNT] [-b BATCH] [-w] [-u]
 *
 * Joins GROUP on IIF and receives its UDP datagrams to PORT with
 * recvmmsg() (up to BATCH at a time, default 64); sends each one on to
 * GROUP:PORT out of every interface of OIFS (comma-separated names,
 * "name[A-B]" for nameA ... nameB) with sendmmsg(), one connected socket
 * per output (IP_MULTICAST_IF, no loopback), with the TTL it arrived
 * with minus one (datagrams with TTL 1 or less are dropped). With -u it
 * converts to unicast instead, as a gateway across a WAN without
 * multicast does: each output's copy goes to the address after the
 * output interface's own (its peer on a /24), routed, port PORT.
 *
 * It stops once COUNT datagrams arrived, or when none came for a second.
 * With -w it prints "ready" once its sockets are set up and waits for
 * SIGUSR1 before it reads anything, so the input can be queued first and
 * the relay timed alone. It prints
 * "relay: received R sent S ttl_drop T send_err E rxq_drops D ns NS":
 * NS is the time from SIGUSR1 (or the first datagram) to the last send.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ifrange.h"

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL	40
#endif

#define MAX_OIFS	256
#define MAX_BATCH	1024
#define BUF_SIZE	2048
#define RCVBUF_BYTES	(512 * 1024 * 1024)

static void fail(const char *what, const char *arg)
{
	fprintf(stderr, "relay: %s%s%s: %s\n", what, arg ? " " : "",
		arg ? arg : "", strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: relay -i IIF -g GROUP -p PORT -o OIFS [-n COUNT] [-b BATCH] [-w] [-u]\n");
	exit(2);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static bool unicast;

/* The address after @name's own IPv4 address: its peer. */
static struct in_addr peer_of(int fd, const char *name)
{
	struct ifreq ifr = {};
	struct in_addr a;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFADDR, &ifr))
		fail("no IPv4 address on", name);
	a = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	a.s_addr = htonl(ntohl(a.s_addr) + 1);
	return a;
}

static int open_output(const char *name, struct in_addr group,
		       unsigned short port)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET, .sin_addr = group,
		.sin_port = htons(port),
	};
	struct ip_mreqn mr = {};
	int fd, zero = 0;

	mr.imr_ifindex = if_nametoindex(name);
	if (!mr.imr_ifindex)
		fail("no interface", name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket", NULL);
	if (unicast) {
		to.sin_addr = peer_of(fd, name);
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
			fail("connect to the peer of", name);
		return fd;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)))
		fail("IP_MULTICAST_IF/LOOP on", name);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
		fail("connect out of", name);
	return fd;
}

struct out_list {
	struct in_addr group;
	unsigned short port;
	int *fds;
	unsigned int *n;
};

static void add_output(const char *name, void *arg)
{
	struct out_list *l = arg;

	if (*l->n >= MAX_OIFS) {
		errno = E2BIG;
		fail("too many outputs at", name);
	}
	l->fds[(*l->n)++] = open_output(name, l->group, l->port);
}

/* Opens the outputs of one OIFS item ("name" or "name[A-B]"). */
static void parse_oif(const char *item, struct in_addr group,
		      unsigned short port, int *fds, unsigned int *n)
{
	struct out_list l = { group, port, fds, n };

	ifrange_each(item, add_output, &l);
}

int main(int argc, char **argv)
{
	static char bufs[MAX_BATCH][BUF_SIZE];
	static char rx_cmsg[MAX_BATCH][CMSG_SPACE(sizeof(int)) +
				       CMSG_SPACE(sizeof(uint32_t))];
	static char tx_cmsg[MAX_BATCH][CMSG_SPACE(sizeof(int))];
	static struct mmsghdr rx[MAX_BATCH], tx[MAX_BATCH];
	static struct iovec rx_iov[MAX_BATCH], tx_iov[MAX_BATCH];
	static int outs[MAX_OIFS];
	unsigned long long received = 0, sent = 0, ttl_drop = 0, send_err = 0;
	unsigned long long count = 0, t0 = 0, t1 = 0;
	unsigned int n_outs = 0, batch = 64, i, k;
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct ip_mreqn mr = {};
	struct in_addr group = {};
	unsigned short port = 0;
	uint32_t rxq_drops = 0;
	char *list = NULL, *p;
	bool wait_sig = false;
	int fd, opt, one = 1, size = RCVBUF_BYTES;

	while ((opt = getopt(argc, argv, "i:g:p:o:n:b:wu")) != -1) {
		switch (opt) {
		case 'i':
			mr.imr_ifindex = if_nametoindex(optarg);
			if (!mr.imr_ifindex)
				fail("no interface", optarg);
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &group) != 1)
				usage();
			break;
		case 'p':
			port = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			list = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'b':
			batch = strtoul(optarg, NULL, 0);
			if (!batch || batch > MAX_BATCH)
				usage();
			break;
		case 'w':
			wait_sig = true;
			break;
		case 'u':
			unicast = true;
			break;
		default:
			usage();
		}
	}
	if (!mr.imr_ifindex || !group.s_addr || !port || !list ||
	    optind != argc)
		usage();

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket", NULL);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)))
		fail("IP_RECVTTL/SO_RXQ_OVFL", NULL);
	local.sin_addr = group;
	local.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)))
		fail("bind", NULL);
	mr.imr_multiaddr = group;
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		fail("IP_ADD_MEMBERSHIP", NULL);

	for (p = strtok(list, ","); p; p = strtok(NULL, ","))
		parse_oif(p, group, port, outs, &n_outs);
	if (!n_outs)
		usage();

	for (i = 0; i < batch; i++) {
		struct cmsghdr *c;

		rx_iov[i].iov_base = bufs[i];
		rx_iov[i].iov_len = BUF_SIZE;
		rx[i].msg_hdr.msg_iov = &rx_iov[i];
		rx[i].msg_hdr.msg_iovlen = 1;
		tx[i].msg_hdr.msg_iov = &tx_iov[i];
		tx[i].msg_hdr.msg_iovlen = 1;
		tx[i].msg_hdr.msg_control = tx_cmsg[i];
		tx[i].msg_hdr.msg_controllen = sizeof(tx_cmsg[i]);
		c = CMSG_FIRSTHDR(&tx[i].msg_hdr);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_TTL;
		c->cmsg_len = CMSG_LEN(sizeof(int));
	}

	if (wait_sig) {
		sigset_t set;
		int sig;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		if (sigwait(&set, &sig))
			fail("sigwait", NULL);
		t0 = now_ns();
	}

	while (!count || received < count) {
		unsigned int m = 0;
		int n;

		for (i = 0; i < batch; i++) {
			rx[i].msg_hdr.msg_control = rx_cmsg[i];
			rx[i].msg_hdr.msg_controllen = sizeof(rx_cmsg[i]);
		}
		n = recvmmsg(fd, rx, batch, MSG_DONTWAIT, NULL);
		if (n < 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (errno != EAGAIN && errno != EINTR)
				fail("recvmmsg", NULL);
			/* Idle for a second after the first datagram: done. */
			n = poll(&pfd, 1, 1000);
			if (n == 0 && received)
				break;
			continue;
		}
		if (!t0)
			t0 = now_ns();
		received += n;

		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *h = &rx[i].msg_hdr;
			struct cmsghdr *c;
			int ttl = -1;

			for (c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
				if (c->cmsg_level == IPPROTO_IP &&
				    c->cmsg_type == IP_TTL)
					memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
				else if (c->cmsg_level == SOL_SOCKET &&
					 c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&rxq_drops, CMSG_DATA(c),
					       sizeof(rxq_drops));
			}
			if (ttl <= 1) {
				ttl_drop++;
				continue;
			}
			ttl--;
			tx_iov[m].iov_base = bufs[i];
			tx_iov[m].iov_len = rx[i].msg_len;
			memcpy(CMSG_DATA(CMSG_FIRSTHDR(&tx[m].msg_hdr)), &ttl,
			       sizeof(ttl));
			m++;
		}

		for (k = 0; k < n_outs; k++) {
			unsigned int off = 0;

			while (off < m) {
				int s = sendmmsg(outs[k], tx + off, m - off, 0);

				if (s < 0) {
					if (errno == EINTR)
						continue;
					send_err++;	/* skip the one that failed */
					off++;
					continue;
				}
				sent += s;
				off += s;
			}
		}
		t1 = now_ns();
	}

	printf("relay: received %llu sent %llu ttl_drop %llu send_err %llu rxq_drops %u ns %llu\n",
	       received, sent, ttl_drop, send_err, rxq_drops,
	       t1 > t0 ? t1 - t0 : 0);
	return 0;
}
