/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - IPv4 and IPv6 addresses as commands give them and mcfwctl
 * prints them: one type for both families, the family following from
 * the address.
 */
#ifndef MCFWCTL_ADDR_H
#define MCFWCTL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

struct ipaddr {
	int family;		/* AF_INET or AF_INET6; 0: none */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* Room for an address as text, and for "[ADDR]:PORT", with the NUL. */
#define IPADDR_STRLEN		INET6_ADDRSTRLEN
#define IPADDR_PORT_STRLEN	(INET6_ADDRSTRLEN + 8)

/* An IPv4 address, else an IPv6 one. 0, or -1 if @s is neither. */
int ipaddr_parse(const char *s, struct ipaddr *a);

/* "IPv4" or "IPv6". */
const char *ipaddr_family_name(const struct ipaddr *a);

/* The address's bytes (network order) and their number, 4 or 16. */
const void *ipaddr_bytes(const struct ipaddr *a);
size_t ipaddr_len(const struct ipaddr *a);

/* @a as text into @buf (IPADDR_STRLEN bytes); returns @buf. */
const char *ipaddr_fmt(const struct ipaddr *a, char *buf);

/*
 * @a and @port as text into @buf (IPADDR_PORT_STRLEN bytes): "ADDR"
 * without a port (0), else "A.B.C.D:PORT" or "[ADDR6]:PORT". Returns @buf.
 */
const char *ipaddr_port_fmt(const struct ipaddr *a, __u16 port, char *buf);

/*
 * "ADDR[:PORT]", where an IPv6 ADDR is written "[ADDR]" when a port
 * follows ("[ADDR]" alone also does; an IPv6 address without brackets
 * has no port). 0 with *@port 0 if none; -1 if the address (or the
 * brackets) are bad, -2 if the port is.
 */
int ipaddr_port_parse(const char *word, struct ipaddr *a, __u16 *port);

/* "1-65535" at @s. 0, or -1 if it is not such a number. */
int ipaddr_parse_port(const char *s, __u16 *port);

/* IPv4 first, then IPv6, each in numeric order. */
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);

bool ipaddr_is_multicast(const struct ipaddr *a);

/*
 * Why @g cannot be a group mcfw forwards ("is not a multicast address",
 * "is in 224.0.0.0/24 (link-local)", or an IPv6 scope of 0 to 2), to
 * follow the group in a diagnostic; NULL if it can be.
 */
const char *ipaddr_group_error(const struct ipaddr *g);

/*
 * Is @a a unicast address: not multicast, nor the unspecified address,
 * nor 255.255.255.255 or in 0.0.0.0/8?
 */
bool ipaddr_is_unicast(const struct ipaddr *a);

/*
 * Why @a cannot be where a unicast output sends its copies (not
 * unicast, loopback, or IPv6 link-local), to follow "'unicast ADDR': " in
 * a diagnostic; NULL if it can be.
 */
const char *ipaddr_unicast_error(const struct ipaddr *a);

/*
 * Is @a/@len a prefix without host bits? @len is at most the family's
 * length in bits.
 */
bool ipaddr_prefix_clean(const struct ipaddr *a, unsigned int len);

#endif /* MCFWCTL_ADDR_H */
