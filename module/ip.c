// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 for the ANP host: input validation and delivery, output.
 *
 * Input (anp_ip_rcv, from eth.c in the NAPI poll): every datagram is
 * counted in IpInReceives, checked by anp_ip_validate() against RFC 791
 * 3.1 and RFC 1122 3.2.1, and either dropped with exactly one counter
 * naming the reason or delivered by protocol (IpInDelivers).
 *
 * Choices, each with its RFC:
 *  - RFC 1122 3.3.4.2: weak end-system model, as Linux: a datagram for
 *    any of the host's addresses is accepted on any interface.  Also
 *    accepted: the limited broadcast 255.255.255.255 and the directed
 *    broadcast of a subnet of the arrival interface (RFC 1122 3.3.6; the
 *    obsolete all-zeros forms are not, as in Linux 6.1).
 *  - RFC 1122 3.2.1.7: a host MUST NOT discard a datagram just because
 *    it arrived with TTL < 2: the TTL is not checked at all on input.
 *  - RFC 1122 3.2.1.8: options are accepted and passed over unread; the
 *    host acts on none of them yet (no source route, record route or
 *    timestamp processing), which only a datagram that asks for them
 *    can notice.
 *  - RFC 791 3.2 / RFC 1122 3.3.2: fragments (MF or a fragment offset)
 *    go to reassembly (frag.c); the whole datagram is delivered when
 *    its last missing fragment arrives.
 *  - Datagrams the host sends itself arrive through loop.c, not here:
 *    they are never counted as NIC input (IpInReceives...) but in
 *    IpLoopPkts, then IpInDelivers.
 *
 * Output (anp_ip_send; anp_ip_output is its short form): the header
 * gets TTL ANP_DEFAULT_TTL (RFC 1122 3.2.1.7) and an identification
 * from one per-host counter (RFC 791 3.2; RFC 6864 4.1 allows one
 * counter for all destinations).  Then, by destination:
 *  - one of the host's addresses or 127/8: local delivery (loop.c),
 *    never a NIC (RFC 1122 3.2.1.3: 127/8 MUST NOT leave the host);
 *  - otherwise a route lookup picks the interface, next hop and source;
 *    a datagram that fits the interface's MTU leaves with DF set, one
 *    that does not is fragmented (RFC 791 3.2, anp_frag_output) with DF
 *    clear: Linux's IP_PMTUDISC_WANT default for UDP.  The host does
 *    no path MTU discovery, so DF on an atomic datagram only says it
 *    is atomic (RFC 6864 4.1);
 *  - a broadcast (limited, or a connected subnet's) goes to the
 *    Ethernet broadcast address and, as Linux's ip_mc_output() does, a
 *    copy loops back to the host's own sockets.  Only with bcast_ok
 *    (SO_BROADCAST), else EACCES as Linux.
 * A datagram over 65535 bytes cannot be expressed (RFC 791 3.1: Total
 * Length is 16 bits): EMSGSIZE.
 */
#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <net/ip.h>

#include "anp.h"

/*
 * Is addr the directed broadcast address of a subnet of ifc?  RFC 3021:
 * /31 subnets have no broadcast address, /32 neither.  RCU.
 */
static bool anp_ip_subnet_bcast(struct anp_iface *ifc, __be32 addr)
{
	struct anp_ifaddr *ifa;

	list_for_each_entry_rcu(ifa, &ifc->an->addrs, node,
				lockdep_rtnl_is_held()) {
		if (ifa->ifc != ifc || ifa->prefixlen > 30)
			continue;
		if (addr == (ifa->addr | ~anp_prefix_mask(ifa->prefixlen)))
			return true;
	}
	return false;
}

enum anp_ip_verdict anp_ip_validate(struct anp_iface *ifc,
				    struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int hlen, len;

	skb_reset_network_header(skb);
	/* Not even a minimal header in the frame: it was cut short. */
	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return ANP_IP_TRUNCATED;
	iph = ip_hdr(skb);
	/* RFC 791 3.1: Version is 4. */
	if (iph->version != 4)
		return ANP_IP_HDR_ERROR;
	/* RFC 791 3.1: "the minimum value for a correct header is 5". */
	if (iph->ihl < 5)
		return ANP_IP_HDR_ERROR;
	/* RFC 1122 3.2.1.1 (and Linux): an IHL past the frame is bad. */
	hlen = iph->ihl * 4;
	if (!pskb_may_pull(skb, hlen))
		return ANP_IP_HDR_ERROR;
	iph = ip_hdr(skb);
	/* RFC 791 3.1 / RFC 1122 3.2.1.2: MUST verify the checksum. */
	if (ip_fast_csum(iph, iph->ihl))
		return ANP_IP_CSUM_ERROR;
	/* RFC 791 3.1: Total Length covers header and data. */
	len = ntohs(iph->tot_len);
	if (len < hlen)
		return ANP_IP_HDR_ERROR;
	if (skb->len < len)
		return ANP_IP_TRUNCATED;
	/* Link-layer padding past the datagram is not part of it. */
	if (pskb_trim_rcsum(skb, len))
		return ANP_IP_DISCARD;
	iph = ip_hdr(skb);

	/*
	 * RFC 1122 3.2.1.3: a datagram whose source is a broadcast or
	 * multicast address MUST be silently discarded, and a loopback
	 * source (127/8) MUST NOT appear outside a host.
	 */
	if (ipv4_is_multicast(iph->saddr) || ipv4_is_lbcast(iph->saddr) ||
	    ipv4_is_loopback(iph->saddr) ||
	    anp_ip_subnet_bcast(ifc, iph->saddr))
		return ANP_IP_ADDR_ERROR;
	/* RFC 1122 3.3.4.2 (weak ES) and 3.3.6 (broadcasts): see above. */
	if (!anp_addr_is_local(ifc->an, iph->daddr) &&
	    !ipv4_is_lbcast(iph->daddr) &&
	    !anp_ip_subnet_bcast(ifc, iph->daddr))
		return ANP_IP_ADDR_ERROR;
	/*
	 * RFC 1122 3.2.1.7: no TTL check on input.  RFC 1122 3.2.1.8:
	 * options (hlen > 20) are passed over.
	 */
	return ANP_IP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_validate);

static void anp_ip_count_drop(struct anp_net *an, enum anp_ip_verdict v)
{
	switch (v) {
	case ANP_IP_HDR_ERROR:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_HDR_ERRORS);
		break;
	case ANP_IP_TRUNCATED:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_TRUNCATED_PKTS);
		break;
	case ANP_IP_CSUM_ERROR:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_CSUM_ERRORS);
		break;
	case ANP_IP_ADDR_ERROR:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_ADDR_ERRORS);
		break;
	case ANP_IP_DISCARD:
	default:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_DISCARDS);
		break;
	}
}

void anp_ip_local_deliver(struct anp_net *an, struct anp_iface *ifc,
			  struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	__skb_pull(skb, iph->ihl * 4);
	skb_reset_transport_header(skb);

	switch (iph->protocol) {
	case IPPROTO_ICMP:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_DELIVERS);
		anp_icmp_rcv(an, ifc, skb);
		return;
	case IPPROTO_UDP:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_DELIVERS);
		anp_udp_rcv(an, skb);
		return;
	case IPPROTO_TCP:
		ANP_INC_STATS(an, ANP_MIB_IP_IN_DELIVERS);
		anp_tcp_rcv(an, skb);
		return;
	default:
		/* RFC 1122 3.2.2.1: SHOULD send Protocol Unreachable. */
		ANP_INC_STATS(an, ANP_MIB_IP_IN_UNKNOWN_PROTOS);
		skb_push(skb, iph->ihl * 4);
		anp_icmp_send(an, skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
		kfree_skb(skb);
		return;
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_local_deliver);

void anp_ip_rcv(struct anp_iface *ifc, struct sk_buff *skb)
{
	struct anp_net *an = ifc->an;
	enum anp_ip_verdict v;

	ANP_INC_STATS(an, ANP_MIB_IP_IN_RECEIVES);
	v = anp_ip_validate(ifc, skb);
	if (v != ANP_IP_OK) {
		anp_ip_count_drop(an, v);
		kfree_skb(skb);
		return;
	}
	/* RFC 791 3.2: MF or a non-zero offset is a fragment. */
	if (ip_hdr(skb)->frag_off & htons(IP_MF | IP_OFFSET)) {
		skb = anp_frag_reasm(an, skb);
		if (!skb)
			return;
	}
	anp_ip_local_deliver(an, ifc, skb);
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_rcv);

/* RFC 6864 4.1: per-host counter; lock-free, wraps at 2^16. */
static __be16 anp_ip_next_id(struct anp_net *an)
{
	u16 old;

	do {
		old = READ_ONCE(an->ip_id);
	} while (cmpxchg(&an->ip_id, old, (u16)(old + 1)) != old);
	return htons(old);
}

/* The interface holding saddr, or NULL.  RCU. */
static struct anp_iface *anp_ip_saddr_iface(struct anp_net *an, __be32 saddr)
{
	struct anp_ifaddr *ifa;

	list_for_each_entry_rcu(ifa, &an->addrs, node,
				lockdep_rtnl_is_held()) {
		if (ifa->addr == saddr)
			return ifa->ifc;
	}
	return NULL;
}

/* Where the datagram (or each of its fragments) goes on the NIC. */
struct anp_ip_out {
	struct anp_iface *ifc;
	__be32 nexthop;
	bool bcast;
};

static int anp_ip_xmit_one(void *arg, struct sk_buff *skb)
{
	struct anp_ip_out *o = arg;

	/* RFC 1122 3.3.6: a broadcast goes out as a link broadcast. */
	if (o->bcast)
		return anp_eth_output(o->ifc, skb, o->ifc->dev->broadcast,
				      htons(ETH_P_IP));
	return anp_neigh_output(o->ifc, o->nexthop, skb);
}

/* Push the IPv4 header (RFC 791 3.1, no options) in front of skb->data. */
static int anp_ip_push_header(struct anp_net *an, struct sk_buff *skb,
			      const struct anp_ip_tx *tx, __be32 saddr,
			      bool df)
{
	unsigned int len = skb->len + sizeof(struct iphdr);
	struct iphdr *iph;

	if (skb_cow_head(skb, sizeof(*iph) + ETH_HLEN))
		return -ENOMEM;
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = tx->tos;
	iph->tot_len = htons(len);
	iph->id = anp_ip_next_id(an);
	iph->frag_off = df ? htons(IP_DF) : 0;
	/* RFC 1122 3.2.1.7: a fixed default TTL, ANP_DEFAULT_TTL. */
	iph->ttl = tx->ttl ?: ANP_DEFAULT_TTL;
	iph->protocol = tx->protocol;
	iph->saddr = saddr;
	iph->daddr = tx->daddr;
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	return 0;
}

int anp_ip_send(struct anp_net *an, struct sk_buff *skb,
		const struct anp_ip_tx *tx)
{
	__be32 saddr = tx->saddr, daddr = tx->daddr;
	struct anp_route_result res = {};
	struct anp_ip_out out = {};
	struct sk_buff *copy;
	bool bcast = false;
	unsigned int len, mtu;
	int err;

	/* RFC 791 3.1: Total Length is 16 bits. */
	len = skb->len + sizeof(struct iphdr);
	if (len > ANP_IP_MAX_LEN) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		kfree_skb(skb);
		return -EMSGSIZE;
	}

	rcu_read_lock();
	if (ipv4_is_loopback(daddr) || anp_addr_is_local(an, daddr)) {
		/*
		 * RFC 1122 3.2.1.3: to 127/8 or to one of our own
		 * addresses, the datagram stays in the host (loop.c).
		 * Source: the destination itself, 127.0.0.1 for 127/8
		 * (as anp_ip_route_saddr).
		 */
		if (!saddr)
			saddr = ipv4_is_loopback(daddr) ?
				htonl(INADDR_LOOPBACK) : daddr;
		if (anp_ip_push_header(an, skb, tx, saddr, true)) {
			ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
			err = -ENOMEM;
			goto drop;
		}
		rcu_read_unlock();
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_REQUESTS);
		return anp_loop_xmit(an, skb);
	}

	if (ipv4_is_lbcast(daddr)) {
		/*
		 * RFC 1122 3.3.6: limited broadcast goes out on one
		 * interface only: the one holding the chosen source, else
		 * the one the routes would use.
		 */
		res.ifc = saddr ? anp_ip_saddr_iface(an, saddr) : NULL;
		if (!res.ifc && !anp_route_lookup(an, daddr, &res))
			saddr = saddr ?: anp_addr_select(res.ifc, daddr);
		bcast = true;
	} else if (!anp_route_lookup(an, daddr, &res)) {
		bcast = res.type == ANP_ROUTE_CONNECTED &&
			anp_ip_subnet_bcast(res.ifc, daddr);
	}
	if (!res.ifc) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_NO_ROUTES);
		err = -ENETUNREACH;
		goto drop;
	}
	if (bcast && !tx->bcast_ok) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		err = -EACCES;
		goto drop;
	}
	if (!saddr)
		saddr = res.saddr;
	if (!saddr) {
		/* A device route out of an interface with no address. */
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		err = -EADDRNOTAVAIL;
		goto drop;
	}

	/* DF only on a datagram that fits: IP_PMTUDISC_WANT (above). */
	mtu = res.ifc->dev->mtu;
	if (anp_ip_push_header(an, skb, tx, saddr, len <= mtu)) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		err = -ENOMEM;
		goto drop;
	}
	ANP_INC_STATS(an, ANP_MIB_IP_OUT_REQUESTS);

	if (bcast) {
		/* The host hears its own broadcasts (Linux ip_mc_output). */
		copy = skb_clone(skb, GFP_ATOMIC);
		if (copy)
			anp_loop_xmit(an, copy);
		else
			ANP_INC_STATS(an, ANP_MIB_IP_LOOP_DROPS);
	}

	out.ifc = res.ifc;
	out.nexthop = res.nexthop;
	out.bcast = bcast;
	if (len > mtu)
		err = anp_frag_output(an, skb, mtu, anp_ip_xmit_one, &out);
	else
		err = anp_ip_xmit_one(&out, skb);
	rcu_read_unlock();
	return err;

drop:
	rcu_read_unlock();
	kfree_skb(skb);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_send);

int anp_ip_output(struct anp_net *an, struct sk_buff *skb, __be32 saddr,
		  __be32 daddr, u8 protocol, u8 tos)
{
	struct anp_ip_tx tx = {
		.saddr = saddr,
		.daddr = daddr,
		.protocol = protocol,
		.tos = tos,
		.bcast_ok = true,
	};

	return anp_ip_send(an, skb, &tx);
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_output);

bool anp_ip_is_local(struct anp_net *an, __be32 daddr)
{
	bool local;

	if (ipv4_is_loopback(daddr))
		return true;
	rcu_read_lock();
	local = anp_addr_is_local(an, daddr);
	rcu_read_unlock();
	return local;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_is_local);

bool anp_ip_is_bcast(struct anp_net *an, __be32 daddr)
{
	struct anp_iface *ifc;
	bool bcast = false;

	if (ipv4_is_lbcast(daddr))
		return true;
	rcu_read_lock();
	list_for_each_entry_rcu(ifc, &an->ifaces, node) {
		if (anp_ip_subnet_bcast(ifc, daddr)) {
			bcast = true;
			break;
		}
	}
	rcu_read_unlock();
	return bcast;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_is_bcast);

int anp_ip_route_saddr(struct anp_net *an, __be32 daddr, __be32 *saddr)
{
	struct anp_route_result res = {};
	int err = 0;

	if (ipv4_is_loopback(daddr)) {
		*saddr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	rcu_read_lock();
	if (anp_addr_is_local(an, daddr)) {
		*saddr = daddr;
	} else if (anp_route_lookup(an, daddr, &res)) {
		err = -ENETUNREACH;
	} else {
		*saddr = res.saddr;
		if (!*saddr)
			err = -EADDRNOTAVAIL;
	}
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_ip_route_saddr);
