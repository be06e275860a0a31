// SPDX-License-Identifier: GPL-2.0
/*
 * Routing for the ANP host: connected subnets and static routes.
 *
 * Connected routes are not stored: every address (addr.c) defines one,
 * its subnet reached directly on the address's interface.  Static
 * routes live in anp_net.routes (at most ANP_ROUTES_MAX), each either
 * via a gateway on a connected subnet or, with no gateway, straight out
 * of a named interface.  A lookup is a longest-prefix match over both
 * sets (RFC 1812 5.2.4.3, which RFC 1122 3.3.1.2 leaves to the host);
 * when a connected and a static route have the same prefix length the
 * connected one wins.  Both lists are short and bounded, so a linear
 * walk under RCU is enough.
 */
#include <kunit/visibility.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "anp.h"

static bool anp_prefix_match(__be32 a, __be32 b, u8 prefixlen)
{
	return !((a ^ b) & anp_prefix_mask(prefixlen));
}

int anp_route_lookup(struct anp_net *an, __be32 daddr,
		     struct anp_route_result *res)
{
	struct anp_route *best_rt = NULL;
	struct anp_ifaddr *best_ifa = NULL;
	struct anp_ifaddr *ifa;
	struct anp_route *rt;
	int best = -1;

	list_for_each_entry_rcu(ifa, &an->addrs, node,
				lockdep_rtnl_is_held()) {
		if (ifa->prefixlen > best &&
		    anp_prefix_match(daddr, ifa->addr, ifa->prefixlen)) {
			best = ifa->prefixlen;
			best_ifa = ifa;
		}
	}
	/* Strictly longer only: on a tie the connected subnet wins. */
	list_for_each_entry_rcu(rt, &an->routes, node,
				lockdep_rtnl_is_held()) {
		if (rt->prefixlen > best &&
		    anp_prefix_match(daddr, rt->dst, rt->prefixlen)) {
			best = rt->prefixlen;
			best_rt = rt;
		}
	}

	if (best_rt) {
		res->ifc = best_rt->ifc;
		res->nexthop = best_rt->gateway ?: daddr;
		res->saddr = anp_addr_select(best_rt->ifc, res->nexthop);
		res->rto_min_us = best_rt->rto_min_us;
		res->type = ANP_ROUTE_STATIC;
		return 0;
	}
	if (best_ifa) {
		res->ifc = best_ifa->ifc;
		res->nexthop = daddr;
		res->saddr = best_ifa->addr;
		res->rto_min_us = 0;
		res->type = ANP_ROUTE_CONNECTED;
		return 0;
	}
	return -ENETUNREACH;
}
EXPORT_SYMBOL_IF_KUNIT(anp_route_lookup);

/*
 * The interface whose connected subnet holds gw (restricted to want when
 * given), longest prefix first; NULL when none does.  RTNL.
 */
static struct anp_iface *anp_route_gw_iface(struct anp_net *an, __be32 gw,
					    struct anp_iface *want)
{
	struct anp_iface *found = NULL;
	struct anp_ifaddr *ifa;
	int best = -1;

	list_for_each_entry(ifa, &an->addrs, node) {
		if (want && ifa->ifc != want)
			continue;
		if (ifa->prefixlen > best &&
		    anp_prefix_match(gw, ifa->addr, ifa->prefixlen)) {
			best = ifa->prefixlen;
			found = ifa->ifc;
		}
	}
	return found;
}

/* The destination prefix of a route to add or delete, as `ip route`. */
static int anp_route_check_prefix(__be32 dst, u8 prefixlen,
				  struct netlink_ext_ack *extack)
{
	if (prefixlen > 32) {
		NL_SET_ERR_MSG(extack, "prefix length must be 0..32");
		return -EINVAL;
	}
	if (dst & ~anp_prefix_mask(prefixlen)) {
		NL_SET_ERR_MSG(extack,
			       "destination has host bits set beyond the prefix");
		return -EINVAL;
	}
	return 0;
}

int anp_route_add(struct anp_net *an, __be32 dst, u8 prefixlen,
		  __be32 gateway, int ifindex, u32 rto_min_us,
		  struct netlink_ext_ack *extack)
{
	struct anp_iface *ifc = NULL;
	struct anp_route *rt;
	int err;

	ASSERT_RTNL();
	err = anp_route_check_prefix(dst, prefixlen, extack);
	if (err)
		return err;
	if (ifindex) {
		ifc = anp_host_iface_get(an, ifindex);
		if (!ifc) {
			NL_SET_ERR_MSG(extack,
				       "no anp device with that ifindex in this netns");
			return -ENODEV;
		}
	}
	if (gateway) {
		if (ipv4_is_multicast(gateway) || ipv4_is_lbcast(gateway) ||
		    ipv4_is_zeronet(gateway) || ipv4_is_loopback(gateway)) {
			NL_SET_ERR_MSG(extack, "gateway is not a unicast address");
			return -EINVAL;
		}
		if (anp_addr_is_local(an, gateway)) {
			NL_SET_ERR_MSG(extack, "gateway is a local address");
			return -EINVAL;
		}
		/*
		 * RFC 1122 3.3.1.1: a gateway must be on a connected network;
		 * the route leaves by the interface whose subnet holds it.
		 */
		ifc = anp_route_gw_iface(an, gateway, ifc);
		if (!ifc && ifindex) {
			NL_SET_ERR_MSG(extack,
				       "gateway is not on a connected subnet of that device");
			return -ENETUNREACH;
		}
		if (!ifc) {
			NL_SET_ERR_MSG(extack,
				       "gateway is not on a connected subnet");
			return -ENETUNREACH;
		}
	} else if (!ifc) {
		NL_SET_ERR_MSG(extack, "a route needs a gateway or a device");
		return -EINVAL;
	}

	list_for_each_entry(rt, &an->routes, node) {
		if (rt->dst == dst && rt->prefixlen == prefixlen) {
			NL_SET_ERR_MSG(extack,
				       "a route to that destination already exists");
			return -EEXIST;
		}
	}
	if (an->n_routes >= ANP_ROUTES_MAX) {
		NL_SET_ERR_MSG(extack, "too many static routes on this host");
		return -ENOSPC;
	}

	rt = kzalloc(sizeof(*rt), GFP_KERNEL);
	if (!rt)
		return -ENOMEM;
	rt->dst = dst;
	rt->prefixlen = prefixlen;
	rt->gateway = gateway;
	rt->rto_min_us = rto_min_us;
	rt->ifc = ifc;
	list_add_tail_rcu(&rt->node, &an->routes);
	an->n_routes++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_route_add);

static void anp_route_unlink(struct anp_net *an, struct anp_route *rt)
{
	list_del_rcu(&rt->node);
	an->n_routes--;
	kfree_rcu(rt, rcu);
}

int anp_route_del(struct anp_net *an, __be32 dst, u8 prefixlen,
		  __be32 gateway, int ifindex, struct netlink_ext_ack *extack)
{
	struct anp_route *rt;
	int err;

	ASSERT_RTNL();
	err = anp_route_check_prefix(dst, prefixlen, extack);
	if (err)
		return err;
	/* Gateway and interface, when given, must match too (ip route del). */
	list_for_each_entry(rt, &an->routes, node) {
		if (rt->dst != dst || rt->prefixlen != prefixlen)
			continue;
		if (gateway && rt->gateway != gateway)
			continue;
		if (ifindex && rt->ifc->dev->ifindex != ifindex)
			continue;
		anp_route_unlink(an, rt);
		return 0;
	}
	NL_SET_ERR_MSG(extack,
		       "no such static route (connected routes go with their address)");
	return -ESRCH;
}
EXPORT_SYMBOL_IF_KUNIT(anp_route_del);

void anp_route_flush_iface(struct anp_net *an, struct anp_iface *ifc)
{
	struct anp_route *rt, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(rt, tmp, &an->routes, node) {
		if (rt->ifc == ifc)
			anp_route_unlink(an, rt);
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_route_flush_iface);

void anp_route_prune(struct anp_net *an, struct anp_iface *ifc)
{
	struct anp_route *rt, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(rt, tmp, &an->routes, node) {
		if (rt->ifc == ifc && rt->gateway &&
		    anp_route_gw_iface(an, rt->gateway, ifc) != ifc)
			anp_route_unlink(an, rt);
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_route_prune);

/* Was the connected route of ifa already given by an earlier address? */
static bool anp_route_connected_dup(struct anp_net *an,
				    struct anp_ifaddr *ifa)
{
	struct anp_ifaddr *prev;

	list_for_each_entry_rcu(prev, &an->addrs, node) {
		if (prev == ifa)
			return false;
		if (prev->ifc == ifa->ifc && prev->prefixlen == ifa->prefixlen &&
		    anp_prefix_match(prev->addr, ifa->addr, ifa->prefixlen))
			return true;
	}
	return false;
}

int anp_route_walk(struct anp_net *an, unsigned long *pos,
		   int (*fn)(void *arg, const struct anp_route_info *ri),
		   void *arg)
{
	struct anp_route_info ri;
	struct anp_ifaddr *ifa;
	struct anp_route *rt;
	unsigned long idx = 0;
	int ret = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(ifa, &an->addrs, node) {
		if (anp_route_connected_dup(an, ifa))
			continue;
		if (idx++ < *pos)
			continue;
		ri.dst = ifa->addr & anp_prefix_mask(ifa->prefixlen);
		ri.prefixlen = ifa->prefixlen;
		ri.gateway = 0;
		ri.ifindex = ifa->ifc->dev->ifindex;
		ri.rto_min_us = 0;
		ri.type = ANP_ROUTE_CONNECTED;
		ret = fn(arg, &ri);
		if (ret) {
			idx--;
			goto out;
		}
	}
	list_for_each_entry_rcu(rt, &an->routes, node) {
		if (idx++ < *pos)
			continue;
		ri.dst = rt->dst;
		ri.prefixlen = rt->prefixlen;
		ri.gateway = rt->gateway;
		ri.ifindex = rt->ifc->dev->ifindex;
		ri.rto_min_us = rt->rto_min_us;
		ri.type = ANP_ROUTE_STATIC;
		ret = fn(arg, &ri);
		if (ret) {
			idx--;
			goto out;
		}
	}
out:
	rcu_read_unlock();
	/* Entries deleted since the last call must not rewind the dump. */
	if (idx > *pos)
		*pos = idx;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(anp_route_walk);
