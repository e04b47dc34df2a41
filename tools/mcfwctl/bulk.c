// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - bulk requests: the many requests of a batch in few sends.
 *
 * Requests are packed into chunks of up to CHUNK bytes, each sent with
 * one send(); none asks for an acknowledgment, so only failures answer.
 * The kernel handles a send's requests inside send(), so after each one
 * its failures are already queued on the socket.
 *
 * A batch of 100,000 routes spends about as long in mcfwctl, parsing
 * lines and building requests, as in the kernel, staging them. Once the
 * kernel has begun the batch (mcfw_nl_bulk_start()), a sender thread
 * sends each chunk as soon as it is full while the caller builds the
 * next, so the two halves overlap on two CPUs. The sender only moves
 * chunks and records the first failure; everything that prints, and the
 * last request (the commit), stays on the caller's thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <linux/netlink.h>

#include "mcfwctl.h"
#include "nl.h"

/* Each send's failures must fit in the socket's receive buffer. */
#define CHUNK	(256 * 1024)

struct bulk_chunk {
	struct bulk_chunk *next;
	size_t len;
	size_t size;
	size_t count;			/* requests in @data */
	char data[];
};

struct mcfw_nl_bulk {
	struct mcfw_nl *nl;
	int fd;
	__u32 seq0;
	size_t n;			/* requests added */
	struct bulk_chunk *cur;		/* being filled, not queued */

	/* Between the caller and the sender thread, under @lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct bulk_chunk *head;	/* queued, not sent */
	struct bulk_chunk **tail;
	bool closing;			/* nothing more will be queued */
	bool failed;			/* a request, a send or a receive */
	bool threaded;			/* the sender thread runs */
	pthread_t thread;

	/* Written by whoever sends, read by the caller after the join. */
	size_t sent;			/* requests sent */
	struct nlmsghdr *err;		/* a copy of the first failure */
	const char *io_what;		/* a send or receive that failed */
	int io_errno;
};

struct mcfw_nl_bulk *mcfw_nl_bulk_new(struct mcfw_nl *nl)
{
	struct mcfw_nl_bulk *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->nl = nl;
	b->fd = mcfw_nl_fd(nl);
	/*
	 * The requests take the sequence numbers seq0, seq0 + 1, ..., far
	 * from libnl's own (which start at the time of day), so that the
	 * requests libnl numbers meanwhile keep the numbers it expects.
	 */
	b->seq0 = 0x80000000u;
	b->tail = &b->head;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	return b;
}

static void chunks_free(struct bulk_chunk *c)
{
	struct bulk_chunk *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
}

/* The sender is done (or never started): it touches @b no more. */
static void bulk_stop(struct mcfw_nl_bulk *b)
{
	pthread_mutex_lock(&b->lock);
	b->closing = true;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	if (b->threaded)
		pthread_join(b->thread, NULL);
	b->threaded = false;
}

void mcfw_nl_bulk_free(struct mcfw_nl_bulk *b)
{
	if (!b)
		return;
	/* A sender still running stops after its current send. */
	pthread_mutex_lock(&b->lock);
	b->failed = true;
	pthread_mutex_unlock(&b->lock);
	bulk_stop(b);
	chunks_free(b->head);
	free(b->cur);
	free(b->err);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
}

size_t mcfw_nl_bulk_count(const struct mcfw_nl_bulk *b)
{
	return b->n;
}

bool mcfw_nl_bulk_failed(struct mcfw_nl_bulk *b)
{
	bool failed;

	pthread_mutex_lock(&b->lock);
	failed = b->failed;
	pthread_mutex_unlock(&b->lock);
	return failed;
}

/* Hand the chunk being filled to whoever sends. */
static void bulk_queue(struct mcfw_nl_bulk *b)
{
	struct bulk_chunk *c = b->cur;

	if (!c)
		return;
	b->cur = NULL;
	pthread_mutex_lock(&b->lock);
	*b->tail = c;
	b->tail = &c->next;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

int mcfw_nl_bulk_add(struct mcfw_nl *nl, struct mcfw_nl_bulk *b,
		     struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	struct bulk_chunk *c = b->cur;

	(void)nl;
	if (c && c->len + len > c->size) {
		bulk_queue(b);
		c = NULL;
	}
	if (!c) {
		size_t size = len > CHUNK ? len : CHUNK;

		c = malloc(sizeof(*c) + size);
		if (!c) {
			nlmsg_free(msg);
			return -1;
		}
		c->next = NULL;
		c->len = 0;
		c->size = size;
		c->count = 0;
		b->cur = c;
	}
	nlh->nlmsg_pid = mcfw_nl_port(b->nl);
	nlh->nlmsg_seq = b->seq0 + b->n;
	/* No ack for what succeeds: only failures answer. */
	nlh->nlmsg_flags = NLM_F_REQUEST;
	memcpy(c->data + c->len, nlh, nlh->nlmsg_len);
	memset(c->data + c->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	c->len += len;
	c->count++;
	b->n++;
	nlmsg_free(msg);
	return 0;
}

/* Is @seq one of the requests sent so far? */
static bool bulk_seq(const struct mcfw_nl_bulk *b, __u32 seq)
{
	return seq >= b->seq0 && seq - b->seq0 < b->sent;
}

/*
 * Read the failures queued for us, without waiting: the first is kept.
 * Returns false on a receive error (recorded).
 */
static bool bulk_collect(struct mcfw_nl_bulk *b)
{
	static char rbuf[256 * 1024];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(b->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* ENOBUFS: answers were lost, failures among them. */
			b->io_what = "receiving answers";
			b->io_errno = n < 0 ? errno : ECONNRESET;
			return false;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				continue;
			e = NLMSG_DATA(nlh);
			if (!e->error || !bulk_seq(b, nlh->nlmsg_seq))
				continue;
			if (!b->err) {
				b->err = malloc(nlh->nlmsg_len);
				if (b->err)
					memcpy(b->err, nlh, nlh->nlmsg_len);
			}
			pthread_mutex_lock(&b->lock);
			b->failed = true;
			pthread_mutex_unlock(&b->lock);
		}
	}
}

/* Send one chunk and collect its failures. False if that failed. */
static bool bulk_send(struct mcfw_nl_bulk *b, const struct bulk_chunk *c)
{
	ssize_t n;

	do {
		n = send(b->fd, c->data, c->len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		b->io_what = "sending requests";
		b->io_errno = errno;
		return false;
	}
	b->sent += c->count;
	return bulk_collect(b);
}

/* Send what is queued until told to close, or until a failure. */
static void *bulk_sender(void *arg)
{
	struct mcfw_nl_bulk *b = arg;
	struct bulk_chunk *c;
	bool ok;

	for (;;) {
		pthread_mutex_lock(&b->lock);
		while (!b->head && !b->closing && !b->failed)
			pthread_cond_wait(&b->cond, &b->lock);
		c = b->failed ? NULL : b->head;
		if (c) {
			b->head = c->next;
			if (!b->head)
				b->tail = &b->head;
		}
		pthread_mutex_unlock(&b->lock);
		if (!c)
			return NULL;
		ok = bulk_send(b, c);
		free(c);
		if (!ok) {
			pthread_mutex_lock(&b->lock);
			b->failed = true;
			pthread_mutex_unlock(&b->lock);
		}
	}
}

void mcfw_nl_bulk_start(struct mcfw_nl_bulk *b)
{
	sigset_t all, old;

	/* Signals stay the caller's; without a thread, run() sends. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	b->threaded = !pthread_create(&b->thread, NULL, bulk_sender, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Wait for the answer to @last_seq; 1 when seen, -1 on a receive error. */
static int bulk_wait_last(struct mcfw_nl_bulk *b, const char *what,
			  __u32 last_seq, struct nl_msg *last,
			  const struct mcfw_nl_handler *h, bool *last_failed)
{
	static char rbuf[256 * 1024];
	struct nlattr *tb[MCFW_A_MAX + 1];
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(b->fd, rbuf, sizeof(rbuf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errmsg("%s: receiving answers: %s", what,
			       n < 0 ? strerror(errno) : "connection closed");
			return -1;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != last_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error) {
					*last_failed = true;
					mcfw_nl_report_error(b->nl, what, last, nlh);
				}
				return 1;
			}
			if (h && h->reply && nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
			    (mcfw_nl_parse(nlh, tb) < 0 ||
			     h->reply(nlmsg_data(nlh), tb, h->arg) < 0))
				*last_failed = true;
		}
	}
}

int mcfw_nl_bulk_run(struct mcfw_nl *nl, struct mcfw_nl_bulk *b,
		     struct nl_msg *last, const char *what,
		     const struct mcfw_nl_handler *h,
		     void (*failed)(size_t i, void *arg), void *arg)
{
	bool last_failed = false;
	struct bulk_chunk *c;
	__u32 last_seq;
	int ret;

	bulk_queue(b);
	bulk_stop(b);
	/* Without a sender thread (or after it), what is left goes now. */
	while ((c = b->head) && !b->failed) {
		b->head = c->next;
		if (!bulk_send(b, c))
			b->failed = true;
		free(c);
	}
	if (b->failed) {
		if (b->err) {
			failed(b->err->nlmsg_seq - b->seq0, arg);
			mcfw_nl_report_error(b->nl, what, NULL, b->err);
		} else if (b->io_what) {
			errmsg("%s: %s: %s", what, b->io_what,
			       strerror(b->io_errno));
		} else {
			errmsg("%s: a request failed", what);
		}
		nlmsg_free(last);
		return -1;
	}

	/* Only now, with every request staged without failure, the last. */
	if (mcfw_nl_send_msg(nl, last, &last_seq, what) < 0) {
		nlmsg_free(last);
		return -1;
	}
	ret = bulk_wait_last(b, what, last_seq, last, h, &last_failed);
	nlmsg_free(last);
	if (ret != 1 || last_failed)
		return -1;
	return 0;
}
