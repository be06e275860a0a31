/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_ANP internal interfaces.
 *
 * The picture
 * -----------
 * Each network namespace has one ANP host (struct anp_net, found with
 * anp_net()).  The host owns addresses, routes, a neighbour cache, ICMP
 * rate-limit state and its counters.  Each anp network device created with
 * `ip link add NAME type anp` is one interface of the host of its netns
 * (struct anp_iface): Linux sees the netdev as its NIC, and the ANP host
 * sits at the other end of the wire with its own MAC address
 * (anp_iface.host_mac).
 *
 *   Linux stack --ndo_start_xmit--> [to_host ring] --NAPI--> anp_eth_rcv()
 *   Linux stack <--napi_gro_receive-- [to_linux ring] <-- ifc->xmit()
 *
 * One file per concern:
 *   af_anp.c   module init/exit ladder, the socket family, proto_ops
 *   host.c     per-netns host (pernet ops), interface list, counters
 *   dev.c      the virtual NIC: rtnl_link_ops, NAPI rings, coalescing
 *   ethtool.c  ethtool ops of the virtual NIC
 *   eth.c      Ethernet framing in and out of the host
 *   arp.c      ARP (RFC 826)
 *   neigh.c    neighbour cache: resolution, pending queue, timeouts
 *   ip.c       IPv4 input validation and output (RFC 791, RFC 1122)
 *   addr.c     the host's IPv4 addresses
 *   route.c    routing: connected subnets and static routes
 *   icmp.c     ICMP (RFC 792): echo reply, rate limit
 *   netlink.c  generic netlink control plane
 *
 * Lock order (outermost first)
 * ----------------------------
 *   RTNL                 every configuration change: devices, interface
 *                        list, addresses, routes.  The netlink handlers
 *                        take it for NEW/DEL.
 *   anp_neigh_table.lock spinlock, BH-safe; the neighbour hash table and
 *                        each entry's pending queue.  Taken on the data
 *                        path; never held while calling out to a ring.
 *   ptr_ring locks       inside ptr_ring_produce/consume only.
 *
 * Readers on the data path (NAPI poll, socket calls) use RCU for the
 * interface, address and route lists; writers publish with the _rcu list
 * helpers under RTNL and free with kfree_rcu().
 */
#ifndef __ANP_H
#define __ANP_H

#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "../uapi/linux/anp.h"

/* ---- counters (per netns, per cpu) ----------------------------------
 * Names follow `netstat -s` / /proc/net/snmp where Linux has the same
 * counter.  Add a counter with one line here and its name in
 * anp_mib_names[] (host.c); it appears in `anpctl stats` with no other
 * change.
 */
enum anp_mib_field {
	ANP_MIB_ETH_IN_FRAMES,		/* frames handed to the host */
	ANP_MIB_ETH_IN_ERRORS,		/* runt frames */
	ANP_MIB_ETH_IN_OTHER_HOST,	/* not our MAC, not broadcast */
	ANP_MIB_ETH_IN_UNKNOWN_TYPE,	/* EtherType we do not speak */
	ANP_MIB_ETH_IN_DISCARDS,	/* no memory to unshare a frame */
	ANP_MIB_ETH_OUT_FRAMES,
	ANP_MIB_ETH_OUT_DROPS,		/* ring full or device down */
	ANP_MIB_ARP_IN_REQUESTS,
	ANP_MIB_ARP_IN_REPLIES,
	ANP_MIB_ARP_IN_ERRORS,		/* malformed ARP */
	ANP_MIB_ARP_IN_IGNORED,		/* well formed, not for us */
	ANP_MIB_ARP_OUT_REQUESTS,
	ANP_MIB_ARP_OUT_REPLIES,
	ANP_MIB_ARP_OUT_GRATUITOUS,
	ANP_MIB_ARP_RESOLVE_FAILED,	/* no answer after all retries */
	ANP_MIB_ARP_QUEUE_DROPS,	/* pending queue full or flushed */
	ANP_MIB_ARP_CACHE_FULL,		/* no room for a new entry */
	ANP_MIB_IP_IN_RECEIVES,
	ANP_MIB_IP_IN_HDR_ERRORS,	/* version, IHL, options */
	ANP_MIB_IP_IN_TRUNCATED_PKTS,	/* shorter than its total length */
	ANP_MIB_IP_IN_CSUM_ERRORS,
	ANP_MIB_IP_IN_ADDR_ERRORS,	/* destination is not ours */
	ANP_MIB_IP_IN_UNKNOWN_PROTOS,
	ANP_MIB_IP_IN_DELIVERS,
	ANP_MIB_IP_IN_DISCARDS,		/* no memory to trim a datagram */
	ANP_MIB_IP_REASM_FAILS,		/* fragments: no reassembly yet */
	ANP_MIB_IP_OUT_REQUESTS,
	ANP_MIB_IP_OUT_NO_ROUTES,
	ANP_MIB_IP_OUT_DISCARDS,
	ANP_MIB_ICMP_IN_MSGS,
	ANP_MIB_ICMP_IN_ERRORS,		/* truncated */
	ANP_MIB_ICMP_IN_CSUM_ERRORS,
	ANP_MIB_ICMP_IN_ECHOS,
	ANP_MIB_ICMP_IN_ECHO_REPS,
	ANP_MIB_ICMP_IN_OTHER,		/* types we do not act on */
	ANP_MIB_ICMP_OUT_MSGS,
	ANP_MIB_ICMP_OUT_ECHO_REPS,
	ANP_MIB_ICMP_OUT_RATE_LIMITED,
	ANP_MIB_MAX
};

struct anp_mib {
	unsigned long mibs[ANP_MIB_MAX];
};

/* Safe from any context: this_cpu_inc is IRQ-safe. */
#define ANP_INC_STATS(an, field) this_cpu_inc((an)->mib->mibs[field])

/* ---- neighbour cache (neigh.c) ------------------------------------ */
#define ANP_NEIGH_HASH_BITS	6
#define ANP_NEIGH_MAX		512	/* entries per netns */
#define ANP_NEIGH_QUEUE_MAX	8	/* packets waiting per entry */
#define ANP_NEIGH_RETRIES	3	/* ARP requests before FAILED */
#define ANP_NEIGH_RETRANS	HZ	/* between ARP requests */
/* _TIME: ANP_NEIGH_REACHABLE is the uapi state. */
#define ANP_NEIGH_REACHABLE_TIME (30 * HZ)	/* REACHABLE -> STALE */
#define ANP_NEIGH_GC_STALE	(60 * HZ)	/* unused STALE entries freed */
#define ANP_NEIGH_GC_INTERVAL	(5 * HZ)

struct anp_neigh_table {
	spinlock_t lock;			/* see lock order above */
	struct hlist_head buckets[1 << ANP_NEIGH_HASH_BITS];
	unsigned int count;
	struct delayed_work gc_work;	/* GC and ARP retransmission */
	bool stopped;			/* no more gc_work: exit, or KUnit */
};

/* ---- ICMP rate limit (icmp.c) --------------------------------------
 * Token bucket per netns: ANP_ICMP_RATE replies per second, bursts up to
 * ANP_ICMP_BURST, the same shape as net.ipv4.icmp_msgs_per_sec/burst.
 */
#define ANP_ICMP_RATE		1000
#define ANP_ICMP_BURST		50

struct anp_icmp_ratelimit {
	spinlock_t lock;		/* protects tokens and stamp */
	u32 tokens;
	unsigned long stamp;		/* jiffies of the last refill */
};

/* ---- the host (host.c) -------------------------------------------- */
#define ANP_ADDRS_MAX		256	/* per netns */
#define ANP_ROUTES_MAX		256	/* static routes per netns */
#define ANP_DEFAULT_TTL		64	/* RFC 1700 / Linux ip_default_ttl */

struct anp_net {
	struct net *net;
	struct list_head ifaces;	/* anp_iface.node; RTNL, RCU */
	struct list_head addrs;		/* anp_ifaddr.node; RTNL, RCU */
	struct list_head routes;	/* anp_route.node; RTNL, RCU */
	unsigned int n_addrs;		/* RTNL */
	unsigned int n_routes;		/* RTNL */
	u16 ip_id;			/* next IPv4 identification */
	struct anp_neigh_table neigh;
	struct anp_icmp_ratelimit icmp_rl;
	struct anp_mib __percpu *mib;
};

extern unsigned int anp_net_id;

static inline struct anp_net *anp_net(const struct net *net)
{
	return net_generic(net, anp_net_id);
}

/*
 * One interface of the ANP host: the host's end of an anp device's wire.
 * Embedded in the device's private data (dev.c); KUnit tests embed it in
 * a fake netdev and set .xmit to capture frames.
 */
struct anp_iface {
	struct net_device *dev;		/* Linux's end of the wire */
	struct anp_net *an;
	u8 host_mac[ETH_ALEN];		/* the ANP host's MAC on this link */
	/* Hand a complete Ethernet frame from the ANP host to Linux.
	 * Consumes skb in all cases; returns 0 or a negative errno (the
	 * frame was dropped and counted).  Callable from any context.
	 */
	int (*xmit)(struct anp_iface *ifc, struct sk_buff *skb);
	struct list_head node;		/* in anp_net.ifaces */
};

int anp_host_init(void);		/* register pernet ops */
/* Set up / free a host; KUnit builds private hosts with these. */
int anp_host_setup(struct anp_net *an, struct net *net);
void anp_host_teardown(struct anp_net *an);
void anp_host_exit(void);
void anp_host_iface_add(struct anp_net *an, struct anp_iface *ifc);
/* Unlinks ifc and removes its addresses, routes and neighbours.  RTNL. */
void anp_host_iface_del(struct anp_net *an, struct anp_iface *ifc);
/* The anp interface of this netns with that ifindex, or NULL.  RCU/RTNL. */
struct anp_iface *anp_host_iface_get(struct anp_net *an, int ifindex);
/* Sums every cpu's copy of one counter. */
u64 anp_mib_read(struct anp_net *an, enum anp_mib_field field);
const char *anp_mib_name(enum anp_mib_field field);

/* ---- the virtual NIC (dev.c) -------------------------------------- */
int anp_dev_init(void);			/* rtnl_link_register */
void anp_dev_exit(void);		/* deletes every anp device */
bool anp_dev_is_anp(const struct net_device *dev);

/* ---- Ethernet (eth.c) --------------------------------------------- */
/* A frame Linux sent on ifc's device; consumes skb.  NAPI context. */
void anp_eth_rcv(struct anp_iface *ifc, struct sk_buff *skb);
/* Push an Ethernet header (src ifc->host_mac) and hand to ifc->xmit. */
int anp_eth_output(struct anp_iface *ifc, struct sk_buff *skb,
		   const u8 *dst_mac, __be16 proto);

/* ---- ARP (arp.c) -------------------------------------------------- */
/* skb->data at the ARP header; consumes skb. */
void anp_arp_rcv(struct anp_iface *ifc, struct sk_buff *skb);
int anp_arp_send_request(struct anp_iface *ifc, __be32 sip, __be32 tip);
/* RFC 5227 announcement for a newly added address. */
int anp_arp_announce(struct anp_iface *ifc, __be32 addr);

/* ---- neighbour cache (neigh.c) ------------------------------------ */
int anp_neigh_init(struct anp_net *an);
void anp_neigh_exit(struct anp_net *an);
/*
 * Send an IPv4 packet (skb->data at the IP header) to nexthop on ifc:
 * with a known MAC at once, otherwise queued (bounded) while ARP
 * resolves.  Consumes skb.
 */
int anp_neigh_output(struct anp_iface *ifc, __be32 nexthop,
		     struct sk_buff *skb);
/*
 * Learn ip -> mac on ifc (RFC 826 merge).  With create false only an
 * existing entry is updated.  Flushes the entry's pending queue.
 */
void anp_neigh_update(struct anp_iface *ifc, __be32 ip, const u8 *mac,
		      bool create);
void anp_neigh_flush_iface(struct anp_net *an, struct anp_iface *ifc);
/* Expire and collect entries as if the time were now (jiffies). */
void anp_neigh_gc(struct anp_net *an, unsigned long now);
/* One entry as the netlink dump sees it (a copy taken under the lock). */
struct anp_neigh_info {
	int ifindex;
	__be32 addr;
	u8 lladdr[ETH_ALEN];
	bool has_lladdr;
	u8 state;			/* enum anp_neigh_state */
};

/*
 * Call fn for each entry from index *pos on (for the netlink dump), with
 * no lock held.  Stops when fn returns non-zero (that entry is not
 * counted as done) and returns that value, else 0; *pos is the index of
 * the next entry to visit.
 */
int anp_neigh_walk(struct anp_net *an, unsigned long *pos,
		   int (*fn)(void *arg, const struct anp_neigh_info *ni),
		   void *arg);

/* ---- addresses (addr.c) ------------------------------------------- */
struct anp_ifaddr {
	struct anp_iface *ifc;
	__be32 addr;
	u8 prefixlen;
	struct list_head node;		/* in anp_net.addrs */
	struct rcu_head rcu;
};

int anp_addr_add(struct anp_iface *ifc, __be32 addr, u8 prefixlen,
		 struct netlink_ext_ack *extack);
int anp_addr_del(struct anp_iface *ifc, __be32 addr, u8 prefixlen,
		 struct netlink_ext_ack *extack);
void anp_addr_flush_iface(struct anp_net *an, struct anp_iface *ifc);
/* Is addr one of the host's addresses (on any interface)?  RCU. */
bool anp_addr_is_local(struct anp_net *an, __be32 addr);
/* Is addr one of the host's addresses on ifc?  RCU. */
bool anp_addr_on_iface(struct anp_iface *ifc, __be32 addr);
/* The host's address on ifc to use as source towards daddr, or 0. RCU. */
__be32 anp_addr_select(struct anp_iface *ifc, __be32 daddr);
/* One address as the netlink dump sees it. */
struct anp_addr_info {
	int ifindex;
	__be32 addr;
	u8 prefixlen;
};

/* As anp_route_walk, over the host's addresses.  RCU inside. */
int anp_addr_walk(struct anp_net *an, unsigned long *pos,
		  int (*fn)(void *arg, const struct anp_addr_info *ai),
		  void *arg);

static inline __be32 anp_prefix_mask(u8 prefixlen)
{
	return prefixlen ? htonl(~0U << (32 - prefixlen)) : 0;
}

/* ---- routing (route.c) -------------------------------------------- */
struct anp_route {
	__be32 dst;
	u8 prefixlen;
	__be32 gateway;			/* 0 for a directly connected route */
	struct anp_iface *ifc;
	struct list_head node;		/* in anp_net.routes */
	struct rcu_head rcu;
};

struct anp_route_result {
	struct anp_iface *ifc;
	__be32 nexthop;			/* gateway, or daddr when on-link */
	__be32 saddr;			/* preferred source address */
	u8 type;			/* enum anp_route_type */
};

/* Longest prefix match over connected subnets and static routes. RCU. */
int anp_route_lookup(struct anp_net *an, __be32 daddr,
		     struct anp_route_result *res);
int anp_route_add(struct anp_net *an, __be32 dst, u8 prefixlen,
		  __be32 gateway, int ifindex, struct netlink_ext_ack *extack);
int anp_route_del(struct anp_net *an, __be32 dst, u8 prefixlen,
		  __be32 gateway, int ifindex, struct netlink_ext_ack *extack);
void anp_route_flush_iface(struct anp_net *an, struct anp_iface *ifc);
/* Drop static routes of ifc whose gateway left its subnets.  RTNL. */
void anp_route_prune(struct anp_net *an, struct anp_iface *ifc);
/* One route as the netlink dump sees it (connected and static). */
struct anp_route_info {
	__be32 dst;
	u8 prefixlen;
	__be32 gateway;
	int ifindex;
	u8 type;			/* enum anp_route_type */
};

/*
 * Call fn for each route (connected subnets first, then static routes)
 * from index *pos on, under RCU.  Stops when fn returns non-zero (that
 * entry is not counted as done) and returns that value, else 0; *pos is
 * the number of entries already emitted.
 */
int anp_route_walk(struct anp_net *an, unsigned long *pos,
		   int (*fn)(void *arg, const struct anp_route_info *ri),
		   void *arg);

/* ---- IPv4 (ip.c) -------------------------------------------------- */
enum anp_ip_verdict {
	ANP_IP_OK,
	ANP_IP_HDR_ERROR,		/* IpInHdrErrors */
	ANP_IP_TRUNCATED,		/* IpInTruncatedPkts */
	ANP_IP_CSUM_ERROR,		/* IpInCsumErrors */
	ANP_IP_ADDR_ERROR,		/* IpInAddrErrors */
	ANP_IP_FRAGMENT,		/* IpReasmFails, until reassembly */
	ANP_IP_DISCARD,			/* IpInDiscards: no memory */
};

/*
 * Validate the IPv4 header at skb->data against RFC 791 / RFC 1122 3.2.1
 * and trim the skb to the datagram's total length.  Does not count.
 */
enum anp_ip_verdict anp_ip_validate(struct anp_iface *ifc,
				    struct sk_buff *skb);
/* skb->data at the IP header; validates, counts, delivers; consumes. */
void anp_ip_rcv(struct anp_iface *ifc, struct sk_buff *skb);
/*
 * Route, build the IPv4 header in front of skb->data (the payload) and
 * send.  saddr 0 picks the route's source.  Consumes skb.  Any context.
 */
int anp_ip_output(struct anp_net *an, struct sk_buff *skb, __be32 saddr,
		  __be32 daddr, u8 protocol, u8 tos);
/* Room to reserve in front of a payload for Ethernet + IPv4 headers. */
#define ANP_IP_HEADROOM		(LL_MAX_HEADER + 60)

/* ---- ICMP (icmp.c) ------------------------------------------------ */
/* skb->data at the ICMP header, skb network header set; consumes. */
void anp_icmp_rcv(struct anp_iface *ifc, struct sk_buff *skb);
/* Take one token; false when the rate limit says no. */
bool anp_icmp_ratelimit_allow(struct anp_net *an, unsigned long now);
void anp_icmp_ratelimit_init(struct anp_icmp_ratelimit *rl);

/* ---- control plane (netlink.c) ------------------------------------ */
int anp_netlink_init(void);
void anp_netlink_exit(void);

/* ---- socket family (af_anp.c) ------------------------------------- */
struct anp_sock {
	struct sock sk;			/* must be first */
};

static inline struct anp_sock *anp_sk(const struct sock *sk)
{
	return (struct anp_sock *)sk;
}

#endif /* __ANP_H */
