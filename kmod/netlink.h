/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfw - in-kernel IP multicast forwarder: what the files of the "mcfw"
 * generic netlink family share (netlink.c has the family, netlink_*.c one
 * object each).
 */
#ifndef _MCFW_NETLINK_H
#define _MCFW_NETLINK_H

#include <net/genetlink.h>

#include "mcfw.h"

extern struct genl_family mcfw_genl_family;

/* Index of the "config" multicast group in the family. */
#define MCFW_MCGRP_CONFIG_IDX	0

/* Outputs per MCFW_A_OIFS nest in replies: each nest stays under 64 KiB. */
#define MCFW_OIFS_PER_NEST	128

extern const struct nla_policy mcfw_oif_policy[MCFW_OIF_A_MAX + 1];
extern const struct nla_policy mcfw_route_new_policy[MCFW_A_MAX + 1];
extern const struct nla_policy mcfw_route_key_policy[MCFW_A_MAX + 1];
extern const struct nla_policy mcfw_route_get_policy[MCFW_A_MAX + 1];
extern const struct nla_policy mcfw_route_flush_policy[MCFW_A_MAX + 1];
extern const struct nla_policy mcfw_batch_begin_policy[MCFW_A_MAX + 1];
extern const struct nla_policy mcfw_iface_set_policy[MCFW_A_MAX + 1];

int mcfw_parse_group(struct nlattr **tb, struct mcfw_key *k,
		     struct netlink_ext_ack *extack);
int mcfw_check_group(__be32 grp, const struct nlattr *a,
		     struct netlink_ext_ack *extack);
int mcfw_check_group6(const struct in6_addr *grp, const struct nlattr *a,
		      struct netlink_ext_ack *extack);
int mcfw_parse_source(struct nlattr **tb, struct mcfw_key *k,
		      struct netlink_ext_ack *extack);
int mcfw_check_source(__be32 src, const struct nlattr *a,
		      struct netlink_ext_ack *extack);
int mcfw_check_source6(const struct in6_addr *src, const struct nlattr *a,
		       struct netlink_ext_ack *extack);
int mcfw_put_key(struct sk_buff *skb, const struct mcfw_key *k);
int mcfw_parse_iif(struct net *net, struct nlattr **tb, char *name,
		   struct netlink_ext_ack *extack);
int mcfw_parse_owner(const struct nlattr *a, char *owner,
		     struct netlink_ext_ack *extack);

size_t mcfw_stats_size(unsigned int n);
int mcfw_put_stats(struct sk_buff *skb, int type,
		   struct mcfw_pcpu __percpu *pcpu, unsigned int n,
		   const u64 *base, const u16 *attrs, unsigned int n_attrs,
		   bool drops);
size_t mcfw_route_msg_size(unsigned int n_oifs);
int mcfw_fill_route(struct sk_buff *skb, struct mcfw_net *mn,
		    const struct mcfw_route *rt, u32 portid, u32 seq,
		    int flags, u8 cmd, enum mcfw_event ev,
		    struct netlink_callback *cb, bool stats);
int mcfw_fill_oif(struct sk_buff *skb, const struct mcfw_oifs *oifs,
		  const struct mcfw_oif *oif, bool stats);
int mcfw_parse_oifs(struct net *net, struct nlattr *oifs,
		    struct mcfw_route_cfg *cfg, struct netlink_ext_ack *extack);
bool mcfw_has_listeners(struct net *net);
void mcfw_ntf_send(struct mcfw_net *mn, struct sk_buff *skb);

/* Operations, one file each. */
int mcfw_nl_route_new(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_route_del(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_route_get(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_route_dump_start(struct netlink_callback *cb);
int mcfw_nl_route_dump(struct sk_buff *skb, struct netlink_callback *cb);
int mcfw_nl_route_dump_done(struct netlink_callback *cb);
int mcfw_nl_route_flush(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_route_zero(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_iface_dump(struct sk_buff *skb, struct netlink_callback *cb);
int mcfw_nl_iface_set(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_relay_new(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_relay_del(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_relay_dump_start(struct netlink_callback *cb);
int mcfw_nl_relay_dump(struct sk_buff *skb, struct netlink_callback *cb);
int mcfw_nl_batch_begin(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_batch_commit(struct sk_buff *skb, struct genl_info *info);
int mcfw_nl_batch_abort(struct sk_buff *skb, struct genl_info *info);
int mcfw_batch_notifier_register(void);
void mcfw_batch_notifier_unregister(void);

#endif /* _MCFW_NETLINK_H */
