/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlbuf.h - the attributes of a netlink request, built in a buffer: the
 * C selftests' shared builder (genl_test, genl_fuzz). Nests are closed
 * by patching their length once their content is in.
 */
#ifndef MCFW_SELFTEST_NLBUF_H
#define MCFW_SELFTEST_NLBUF_H

#include <stdbool.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/types.h>

#define NLBUF_SIZE	131072
/* Room a builder leaves at the end (the fuzzer appends junk there). */
#define NLBUF_SLACK	64

struct nlbuf {
	unsigned char data[NLBUF_SIZE];
	size_t len;
};

/* Appends one attribute; false, and nothing appended, when it would not fit. */
static inline bool put(struct nlbuf *m, __u16 type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->data + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->data) - NLBUF_SLACK)
		return false;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
	return true;
}

static inline bool put_u32(struct nlbuf *m, __u16 type, __u32 v)
{
	return put(m, type, &v, sizeof(v));
}

static inline bool put_str(struct nlbuf *m, __u16 type, const char *s)
{
	return put(m, type, s, strlen(s) + 1);
}

/* Opens a nest (NLA_F_NESTED set); returns where, for nest_end(). */
static inline size_t nest_start(struct nlbuf *m, __u16 type)
{
	size_t at = m->len;

	put(m, type | NLA_F_NESTED, NULL, 0);
	return at;
}

static inline void nest_end(struct nlbuf *m, size_t at)
{
	((struct nlattr *)(m->data + at))->nla_len = m->len - at;
}

#endif
