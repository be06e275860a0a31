// SPDX-License-Identifier: GPL-2.0
/*
 * The ANP host's IPv4 addresses.
 *
 * One list per host (anp_net.addrs), at most ANP_ADDRS_MAX entries.
 * Writers hold RTNL and publish with the _rcu list helpers; readers on
 * the data path walk the list under RCU.  Each address also defines a
 * connected subnet (route.c derives those routes from this list).
 *
 * An address is unique within the host, not only within an interface:
 * the host answers ARP for it on its own interface only, and a second
 * copy on another interface would make the source of replies ambiguous.
 */
#include <kunit/visibility.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "anp.h"

/*
 * RFC 1122 3.2.1.3: 0.0.0.0/8 ("this network"), 127/8 (loopback, which
 * MUST NOT appear outside a host), class D (multicast) and the limited
 * broadcast address are never a host's unicast address.
 */
static bool anp_addr_invalid(__be32 addr, struct netlink_ext_ack *extack)
{
	/* Linux 5.3+ allows 0.x.y.z; RFC 1122 does not, and neither do we. */
	if (!(addr & htonl(0xff000000))) {
		NL_SET_ERR_MSG(extack, "address is in 0.0.0.0/8 (this network)");
		return true;
	}
	if (ipv4_is_loopback(addr)) {
		NL_SET_ERR_MSG(extack, "address is a loopback address");
		return true;
	}
	if (ipv4_is_multicast(addr)) {
		NL_SET_ERR_MSG(extack, "address is a multicast address");
		return true;
	}
	if (ipv4_is_lbcast(addr)) {
		NL_SET_ERR_MSG(extack,
			       "address is the limited broadcast address");
		return true;
	}
	return false;
}

int anp_addr_add(struct anp_iface *ifc, __be32 addr, u8 prefixlen,
		 struct netlink_ext_ack *extack)
{
	struct anp_net *an = ifc->an;
	struct anp_ifaddr *ifa;

	ASSERT_RTNL();
	if (prefixlen > 32) {
		NL_SET_ERR_MSG(extack, "prefix length must be 0..32");
		return -EINVAL;
	}
	if (anp_addr_invalid(addr, extack))
		return -EINVAL;
	list_for_each_entry(ifa, &an->addrs, node) {
		if (ifa->addr != addr)
			continue;
		if (ifa->ifc == ifc)
			NL_SET_ERR_MSG(extack, "address already on this device");
		else
			NL_SET_ERR_MSG(extack,
				       "address already on another anp device");
		return -EEXIST;
	}
	if (an->n_addrs >= ANP_ADDRS_MAX) {
		NL_SET_ERR_MSG(extack, "too many addresses on this host");
		return -ENOSPC;
	}

	ifa = kzalloc(sizeof(*ifa), GFP_KERNEL);
	if (!ifa)
		return -ENOMEM;
	ifa->ifc = ifc;
	ifa->addr = addr;
	ifa->prefixlen = prefixlen;
	list_add_tail_rcu(&ifa->node, &an->addrs);
	an->n_addrs++;

	/*
	 * RFC 5227 3: announce the new address so that caches on the link
	 * learn it.  Only on a running device; a failed announcement does
	 * not undo the address (ARP will still answer requests for it).
	 */
	if (netif_running(ifc->dev))
		anp_arp_announce(ifc, addr);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_add);

static void anp_addr_unlink(struct anp_net *an, struct anp_ifaddr *ifa)
{
	list_del_rcu(&ifa->node);
	an->n_addrs--;
	kfree_rcu(ifa, rcu);
}

int anp_addr_del(struct anp_iface *ifc, __be32 addr, u8 prefixlen,
		 struct netlink_ext_ack *extack)
{
	struct anp_net *an = ifc->an;
	struct anp_ifaddr *ifa;

	ASSERT_RTNL();
	list_for_each_entry(ifa, &an->addrs, node) {
		if (ifa->ifc == ifc && ifa->addr == addr &&
		    ifa->prefixlen == prefixlen) {
			anp_addr_unlink(an, ifa);
			/* Static routes via a gateway of that subnet go too. */
			anp_route_prune(an, ifc);
			return 0;
		}
	}
	NL_SET_ERR_MSG(extack, "no such address on this device");
	return -EADDRNOTAVAIL;
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_del);

void anp_addr_flush_iface(struct anp_net *an, struct anp_iface *ifc)
{
	struct anp_ifaddr *ifa, *tmp;
	bool any = false;

	ASSERT_RTNL();
	list_for_each_entry_safe(ifa, tmp, &an->addrs, node) {
		if (ifa->ifc == ifc) {
			anp_addr_unlink(an, ifa);
			any = true;
		}
	}
	if (any)
		anp_route_prune(an, ifc);
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_flush_iface);

/*
 * RFC 1122 3.3.4.2: we implement the weak end-system model, as Linux
 * does: a datagram is accepted when its destination is any address of
 * the host, whatever interface it arrived on.
 */
bool anp_addr_is_local(struct anp_net *an, __be32 addr)
{
	struct anp_ifaddr *ifa;

	list_for_each_entry_rcu(ifa, &an->addrs, node, lockdep_rtnl_is_held()) {
		if (ifa->addr == addr)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_is_local);

bool anp_addr_on_iface(struct anp_iface *ifc, __be32 addr)
{
	struct anp_ifaddr *ifa;

	list_for_each_entry_rcu(ifa, &ifc->an->addrs, node,
				lockdep_rtnl_is_held()) {
		if (ifa->ifc == ifc && ifa->addr == addr)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_on_iface);

/*
 * RFC 1122 3.3.4.3: the source of a datagram we originate is one of the
 * addresses of the interface it leaves by.  Prefer the one whose subnet
 * holds daddr (the next hop), else the first address of the interface.
 */
__be32 anp_addr_select(struct anp_iface *ifc, __be32 daddr)
{
	struct anp_ifaddr *ifa;
	__be32 first = 0;

	list_for_each_entry_rcu(ifa, &ifc->an->addrs, node,
				lockdep_rtnl_is_held()) {
		if (ifa->ifc != ifc)
			continue;
		if (!((ifa->addr ^ daddr) & anp_prefix_mask(ifa->prefixlen)))
			return ifa->addr;
		if (!first)
			first = ifa->addr;
	}
	return first;
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_select);

int anp_addr_walk(struct anp_net *an, unsigned long *pos,
		  int (*fn)(void *arg, const struct anp_addr_info *ai),
		  void *arg)
{
	struct anp_ifaddr *ifa;
	unsigned long idx = 0;
	int ret = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(ifa, &an->addrs, node) {
		struct anp_addr_info ai;

		if (idx < *pos) {
			idx++;
			continue;
		}
		ai.ifindex = ifa->ifc->dev->ifindex;
		ai.addr = ifa->addr;
		ai.prefixlen = ifa->prefixlen;
		ret = fn(arg, &ai);
		if (ret)
			break;
		idx++;
	}
	rcu_read_unlock();
	/* Entries deleted since the last call must not rewind the dump. */
	if (idx > *pos)
		*pos = idx;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(anp_addr_walk);
