// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink control plane of the ANP host.
 *
 * Family ANP_GENL_NAME, one per kernel, netnsok: every command acts on the
 * ANP host of the requester's network namespace.  Commands and attributes
 * are in uapi/linux/anp.h.
 *
 * - Strict validation: resv_start_op is 0, so every op has a policy (ops
 *   without one get the core's reject-all policy) and unknown attributes,
 *   wrong lengths and flags other than REQUEST/ACK/ECHO/DUMP are refused.
 * - NEW and DEL need CAP_NET_ADMIN in the user namespace owning the netns
 *   (GENL_UNS_ADMIN_PERM, checked by the genetlink core, which answers
 *   EPERM); they run under RTNL, the outermost lock of anp.h's order.
 * - GET commands are open to everyone.  Dumps keep their position in
 *   cb->args[0] and are resumed by the walkers of addr.c, route.c,
 *   neigh.c and sock.c, so a table larger than one skb is sent in
 *   several parts.
 *   ADDR_GET, ROUTE_GET and NEIGH_GET accept an optional ANP_A_IFINDEX
 *   that restricts the dump to one interface.
 * - Every rejection made here carries an extack message; anp_addr_*()
 *   and anp_route_*() set their own.
 */
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "anp.h"
#include "tcp_algo.h"

static struct genl_family anp_genl_family;

/* ADDR_NEW, ADDR_DEL */
static const struct nla_policy anp_addr_policy[ANP_A_MAX + 1] = {
	[ANP_A_IFINDEX]		= { .type = NLA_U32 },
	[ANP_A_ADDR]		= { .type = NLA_BE32 },
	[ANP_A_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
};

/*
 * ROUTE_NEW, ROUTE_DEL.  ROUTE_RTO_MIN's range is checked by
 * anp_nl_rto_min() rather than by an NLA_POLICY_FULL_RANGE, whose
 * "integer out of range" would not say why.
 */
static const struct nla_policy anp_route_policy[ANP_A_MAX + 1] = {
	[ANP_A_IFINDEX]		= { .type = NLA_U32 },
	[ANP_A_DST]		= { .type = NLA_BE32 },
	[ANP_A_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[ANP_A_GATEWAY]		= { .type = NLA_BE32 },
	[ANP_A_ROUTE_RTO_MIN]	= { .type = NLA_U32 },
};

/* ADDR_GET, ROUTE_GET, NEIGH_GET dumps: an optional interface filter */
static const struct nla_policy anp_dump_policy[ANP_A_MAX + 1] = {
	[ANP_A_IFINDEX]		= { .type = NLA_U32 },
};

/* Reports a missing mandatory attribute; true when it is present. */
static bool anp_nl_require(struct genl_info *info, int type)
{
	if (info->attrs[type])
		return true;

	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	switch (type) {
	case ANP_A_IFINDEX:
		GENL_SET_ERR_MSG(info, "missing attribute: ifindex");
		break;
	case ANP_A_ADDR:
		GENL_SET_ERR_MSG(info, "missing attribute: address");
		break;
	case ANP_A_PREFIXLEN:
		GENL_SET_ERR_MSG(info, "missing attribute: prefix length");
		break;
	case ANP_A_DST:
		GENL_SET_ERR_MSG(info, "missing attribute: destination");
		break;
	case ANP_A_GATEWAY:
		GENL_SET_ERR_MSG(info, "missing attribute: gateway");
		break;
	default:
		GENL_SET_ERR_MSG(info, "missing attribute");
		break;
	}
	return false;
}

/* The anp interface named by ANP_A_IFINDEX in this netns.  RTNL. */
static struct anp_iface *anp_nl_iface(struct anp_net *an,
				      struct genl_info *info)
{
	struct nlattr *attr = info->attrs[ANP_A_IFINDEX];
	struct anp_iface *ifc;
	u32 ifindex = nla_get_u32(attr);

	ifc = ifindex <= INT_MAX ? anp_host_iface_get(an, ifindex) : NULL;
	if (!ifc)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "device is not an anp device in this network namespace");
	return ifc;
}

static int anp_nl_addr_doit(struct genl_info *info, bool add)
{
	struct anp_net *an = anp_net(genl_info_net(info));
	struct anp_iface *ifc;
	__be32 addr;
	u8 plen;
	int err;

	if (!anp_nl_require(info, ANP_A_IFINDEX) ||
	    !anp_nl_require(info, ANP_A_ADDR) ||
	    !anp_nl_require(info, ANP_A_PREFIXLEN))
		return -EINVAL;

	addr = nla_get_in_addr(info->attrs[ANP_A_ADDR]);
	plen = nla_get_u8(info->attrs[ANP_A_PREFIXLEN]);

	rtnl_lock();
	ifc = anp_nl_iface(an, info);
	if (!ifc)
		err = -ENODEV;
	else if (add)
		err = anp_addr_add(ifc, addr, plen, info->extack);
	else
		err = anp_addr_del(ifc, addr, plen, info->extack);
	rtnl_unlock();
	return err;
}

static int anp_nl_addr_new(struct sk_buff *skb, struct genl_info *info)
{
	return anp_nl_addr_doit(info, true);
}

static int anp_nl_addr_del(struct sk_buff *skb, struct genl_info *info)
{
	return anp_nl_addr_doit(info, false);
}

/*
 * The route's minimum RTO in microseconds from ROUTE_RTO_MIN (ms), 0
 * when absent.  1 ms .. ANP_TCP_RTO_MAX_US: a minimum of 0 would let
 * the RTO fall to SRTT + one jiffy (RFC 6298 2.4 wants a floor), and
 * one above the maximum RTO (RFC 6298 2.5) could never apply.
 */
static int anp_nl_rto_min(struct genl_info *info, u32 *rto_min_us)
{
	struct nlattr *attr = info->attrs[ANP_A_ROUTE_RTO_MIN];
	u32 ms;

	*rto_min_us = 0;
	if (!attr)
		return 0;
	ms = nla_get_u32(attr);
	if (!ms) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "rto_min must be at least 1 ms (leave it out for the default 200 ms)");
		return -EINVAL;
	}
	if (ms > ANP_TCP_RTO_MAX_US / USEC_PER_MSEC) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "rto_min must not exceed the maximum RTO of 120 s");
		return -EINVAL;
	}
	*rto_min_us = ms * USEC_PER_MSEC;
	return 0;
}

static int anp_nl_route_doit(struct genl_info *info, bool add)
{
	struct anp_net *an = anp_net(genl_info_net(info));
	__be32 dst, gateway = 0;
	u32 rto_min_us = 0;
	int ifindex = 0;
	u8 plen;
	int err;

	if (!anp_nl_require(info, ANP_A_DST) ||
	    !anp_nl_require(info, ANP_A_PREFIXLEN) ||
	    (add && !anp_nl_require(info, ANP_A_GATEWAY)))
		return -EINVAL;
	if (add) {
		err = anp_nl_rto_min(info, &rto_min_us);
		if (err)
			return err;
	}

	dst = nla_get_in_addr(info->attrs[ANP_A_DST]);
	plen = nla_get_u8(info->attrs[ANP_A_PREFIXLEN]);
	if (info->attrs[ANP_A_GATEWAY])
		gateway = nla_get_in_addr(info->attrs[ANP_A_GATEWAY]);

	rtnl_lock();
	if (info->attrs[ANP_A_IFINDEX]) {
		struct anp_iface *ifc = anp_nl_iface(an, info);

		if (!ifc) {
			err = -ENODEV;
			goto out;
		}
		ifindex = ifc->dev->ifindex;
	}
	if (add)
		err = anp_route_add(an, dst, plen, gateway, ifindex,
				    rto_min_us, info->extack);
	else
		err = anp_route_del(an, dst, plen, gateway, ifindex,
				    info->extack);
out:
	rtnl_unlock();
	return err;
}

static int anp_nl_route_new(struct sk_buff *skb, struct genl_info *info)
{
	return anp_nl_route_doit(info, true);
}

static int anp_nl_route_del(struct sk_buff *skb, struct genl_info *info)
{
	return anp_nl_route_doit(info, false);
}

/* ---- dumps ---------------------------------------------------------- */

struct anp_nl_dump {
	struct anp_net *an;
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int ifindex;			/* filter; 0 for every interface */
};

static void anp_nl_dump_init(struct anp_nl_dump *d, struct sk_buff *skb,
			     struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *attr = NULL;

	if (info->attrs && info->op.maxattr >= ANP_A_IFINDEX)
		attr = info->attrs[ANP_A_IFINDEX];
	d->an = anp_net(sock_net(skb->sk));
	d->skb = skb;
	d->cb = cb;
	d->ifindex = attr ? nla_get_u32(attr) : 0;
}

static void *anp_nl_dump_put(struct anp_nl_dump *d, u8 cmd)
{
	return genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			   d->cb->nlh->nlmsg_seq, &anp_genl_family,
			   NLM_F_MULTI, cmd);
}

/*
 * What a dumpit returns after a walk: the length so far when the skb is
 * full (the core calls again and the walk resumes at the saved position),
 * an error when not even one entry fits, and 0 (end of dump) when the
 * walk finished with nothing left to send.
 */
static int anp_nl_dump_ret(struct sk_buff *skb, int err)
{
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	if (err)
		return err;
	return skb->len;
}

/* Called by anp_addr_walk() under RCU. */
static int anp_nl_addr_fill(void *arg, const struct anp_addr_info *ai)
{
	struct anp_nl_dump *d = arg;
	struct anp_iface *ifc;
	void *hdr;

	if (d->ifindex && ai->ifindex != d->ifindex)
		return 0;

	/* The host's MAC on that link, for `anpctl addr show`. */
	ifc = anp_host_iface_get(d->an, ai->ifindex);
	hdr = anp_nl_dump_put(d, ANP_CMD_ADDR_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(d->skb, ANP_A_IFINDEX, ai->ifindex) ||
	    nla_put_in_addr(d->skb, ANP_A_ADDR, ai->addr) ||
	    nla_put_u8(d->skb, ANP_A_PREFIXLEN, ai->prefixlen) ||
	    (ifc && nla_put(d->skb, ANP_A_LLADDR, ETH_ALEN, ifc->host_mac))) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int anp_nl_addr_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct anp_nl_dump d;
	int err;

	anp_nl_dump_init(&d, skb, cb);
	err = anp_addr_walk(d.an, &pos, anp_nl_addr_fill, &d);
	cb->args[0] = pos;
	return anp_nl_dump_ret(skb, err);
}

/* Called by anp_route_walk() under RCU. */
static int anp_nl_route_fill(void *arg, const struct anp_route_info *ri)
{
	struct anp_nl_dump *d = arg;
	void *hdr;

	if (d->ifindex && ri->ifindex != d->ifindex)
		return 0;

	hdr = anp_nl_dump_put(d, ANP_CMD_ROUTE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_in_addr(d->skb, ANP_A_DST, ri->dst) ||
	    nla_put_u8(d->skb, ANP_A_PREFIXLEN, ri->prefixlen) ||
	    (ri->gateway &&
	     nla_put_in_addr(d->skb, ANP_A_GATEWAY, ri->gateway)) ||
	    nla_put_u32(d->skb, ANP_A_IFINDEX, ri->ifindex) ||
	    nla_put_u8(d->skb, ANP_A_ROUTE_TYPE, ri->type) ||
	    (ri->rto_min_us &&
	     nla_put_u32(d->skb, ANP_A_ROUTE_RTO_MIN,
			 ri->rto_min_us / USEC_PER_MSEC))) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int anp_nl_route_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct anp_nl_dump d;
	int err;

	anp_nl_dump_init(&d, skb, cb);
	err = anp_route_walk(d.an, &pos, anp_nl_route_fill, &d);
	cb->args[0] = pos;
	return anp_nl_dump_ret(skb, err);
}

/* Called by anp_neigh_walk() with a copy of the entry, no lock held. */
static int anp_nl_neigh_fill(void *arg, const struct anp_neigh_info *ni)
{
	struct anp_nl_dump *d = arg;
	void *hdr;

	if (d->ifindex && ni->ifindex != d->ifindex)
		return 0;

	hdr = anp_nl_dump_put(d, ANP_CMD_NEIGH_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(d->skb, ANP_A_IFINDEX, ni->ifindex) ||
	    nla_put_in_addr(d->skb, ANP_A_ADDR, ni->addr) ||
	    (ni->has_lladdr &&
	     nla_put(d->skb, ANP_A_LLADDR, ETH_ALEN, ni->lladdr)) ||
	    nla_put_u8(d->skb, ANP_A_NEIGH_STATE, ni->state)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int anp_nl_neigh_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct anp_nl_dump d;
	int err;

	anp_nl_dump_init(&d, skb, cb);
	err = anp_neigh_walk(d.an, &pos, anp_nl_neigh_fill, &d);
	cb->args[0] = pos;
	return anp_nl_dump_ret(skb, err);
}

/* Called by anp_sock_walk() with a copy of the socket's state. */
static int anp_nl_sock_fill(void *arg, const struct anp_sock_info *si)
{
	struct anp_nl_dump *d = arg;
	void *hdr;

	hdr = anp_nl_dump_put(d, ANP_CMD_SOCK_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(d->cb, hdr);
	if (nla_put_u8(d->skb, ANP_A_SOCK_TYPE, si->type) ||
	    nla_put_u8(d->skb, ANP_A_SOCK_PROTO, si->protocol) ||
	    nla_put_u8(d->skb, ANP_A_SOCK_STATE, si->state) ||
	    nla_put_in_addr(d->skb, ANP_A_SOCK_LADDR, si->laddr) ||
	    nla_put_u16(d->skb, ANP_A_SOCK_LPORT, si->lport) ||
	    nla_put_in_addr(d->skb, ANP_A_SOCK_RADDR, si->raddr) ||
	    nla_put_u16(d->skb, ANP_A_SOCK_RPORT, si->rport) ||
	    nla_put_u32(d->skb, ANP_A_SOCK_RQUEUE, si->rqueue) ||
	    nla_put_u32(d->skb, ANP_A_SOCK_WQUEUE, si->wqueue) ||
	    nla_put_u32(d->skb, ANP_A_SOCK_DROPS, si->drops) ||
	    nla_put_u32(d->skb, ANP_A_SOCK_UID, si->uid) ||
	    nla_put_u64_64bit(d->skb, ANP_A_SOCK_INODE, si->inode,
			      ANP_A_PAD)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/*
 * Every AF_ANP socket of the requester's netns, in creation order (the
 * `ss -uan` of the family).  No filter: anpctl filters for display.
 * The walk resumes by index, so a socket that joins or leaves between
 * two parts shifts the rest: the list's generation goes in cb->seq and
 * netlink marks the next message NLM_F_DUMP_INTR (anpctl dumps again).
 */
static int anp_nl_sock_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct anp_nl_dump d;
	int err;

	anp_nl_dump_init(&d, skb, cb);
	cb->seq = anp_sock_gen(d.an);
	err = anp_sock_walk(d.an, &pos, anp_nl_sock_fill, &d);
	cb->args[0] = pos;
	return anp_nl_dump_ret(skb, err);
}

/* ---- counters ------------------------------------------------------- */

/* The exact payload of a STATS_GET reply. */
static size_t anp_nl_stats_size(void)
{
	size_t size = nla_total_size(0);	/* ANP_A_STATS */
	int i;

	for (i = 0; i < ANP_MIB_MAX; i++)
		size += nla_total_size(0) +	/* ANP_A_STAT */
			nla_total_size(strlen(anp_mib_name(i)) + 1) +
			nla_total_size_64bit(sizeof(u64));
	return size;
}

static int anp_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct anp_net *an = anp_net(genl_info_net(info));
	struct nlattr *stats, *stat;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = genlmsg_new(anp_nl_stats_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &anp_genl_family, 0,
				ANP_CMD_STATS_GET);
	if (!hdr)
		goto too_big;
	stats = nla_nest_start(msg, ANP_A_STATS);
	if (!stats)
		goto too_big;
	for (i = 0; i < ANP_MIB_MAX; i++) {
		stat = nla_nest_start(msg, ANP_A_STAT);
		if (!stat ||
		    nla_put_string(msg, ANP_A_STAT_NAME, anp_mib_name(i)) ||
		    nla_put_u64_64bit(msg, ANP_A_STAT_VALUE,
				      anp_mib_read(an, i), ANP_A_PAD))
			goto too_big;
		nla_nest_end(msg, stat);
	}
	nla_nest_end(msg, stats);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	/* Cannot happen: the size above is exact. */
	WARN_ON_ONCE(1);
	nlmsg_free(msg);
	GENL_SET_ERR_MSG(info, "counters do not fit in the reply");
	return -EMSGSIZE;
}

/* ---- the family ----------------------------------------------------- */

static const struct genl_ops anp_genl_ops[] = {
	{
		.cmd		= ANP_CMD_ADDR_NEW,
		.doit		= anp_nl_addr_new,
		.policy		= anp_addr_policy,
		.maxattr	= ANP_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= ANP_CMD_ADDR_DEL,
		.doit		= anp_nl_addr_del,
		.policy		= anp_addr_policy,
		.maxattr	= ANP_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= ANP_CMD_ADDR_GET,
		.dumpit		= anp_nl_addr_dump,
		.policy		= anp_dump_policy,
		.maxattr	= ANP_A_MAX,
	},
	{
		.cmd		= ANP_CMD_ROUTE_NEW,
		.doit		= anp_nl_route_new,
		.policy		= anp_route_policy,
		.maxattr	= ANP_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= ANP_CMD_ROUTE_DEL,
		.doit		= anp_nl_route_del,
		.policy		= anp_route_policy,
		.maxattr	= ANP_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= ANP_CMD_ROUTE_GET,
		.dumpit		= anp_nl_route_dump,
		.policy		= anp_dump_policy,
		.maxattr	= ANP_A_MAX,
	},
	{
		.cmd		= ANP_CMD_NEIGH_GET,
		.dumpit		= anp_nl_neigh_dump,
		.policy		= anp_dump_policy,
		.maxattr	= ANP_A_MAX,
	},
	{
		/* no policy: the core rejects every attribute */
		.cmd		= ANP_CMD_STATS_GET,
		.doit		= anp_nl_stats_get,
	},
	{
		/* no policy: no filter, every attribute rejected */
		.cmd		= ANP_CMD_SOCK_GET,
		.dumpit		= anp_nl_sock_dump,
	},
};

static struct genl_family anp_genl_family __ro_after_init = {
	.name		= ANP_GENL_NAME,
	.version	= ANP_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= anp_genl_ops,
	.n_ops		= ARRAY_SIZE(anp_genl_ops),
	.resv_start_op	= 0,
};

int anp_netlink_init(void)
{
	return genl_register_family(&anp_genl_family);
}

void anp_netlink_exit(void)
{
	genl_unregister_family(&anp_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(ANP_GENL_NAME);
