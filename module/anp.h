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
 *   icmp.c     ICMP (RFC 792): echo, errors sent and received, rate limit
 *   frag.c     IPv4 fragmentation and reassembly (RFC 791, RFC 815)
 *   loop.c     local delivery: datagrams to the host's own addresses
 *   sock.c     socket plumbing shared by the types: the per-netns socket
 *              list, port tables and demux, bind/connect address rules
 *   udp.c      UDP (RFC 768) and the SOCK_DGRAM proto_ops
 *   tcp*.c     TCP (RFC 9293) and the SOCK_STREAM proto_ops (tcp.h);
 *              tcp_seq.c, tcp_rto.c, tcp_cong.c, tcp_ofo.c: its
 *              algorithms (tcp_algo.h)
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
 * Sockets (sock.c): lock_sock(sk) (process context), then
 *   anp_port_table.lock  spinlock, BH-safe; writers of a protocol's
 *                        port tables (readers: RCU).
 *   anp_sock_table.lock  spinlock; the host's socket list (readers:
 *                        RCU).  Never held with another anp lock.
 *
 * TCP (tcp.h): lock_sock(sk) or bh_lock_sock(sk) of a connection, then
 *   a listener's acc_lock (spinlock, BH-safe) when a child joins or
 *   leaves the listener's queues (never the listener's socket lock
 *   under a child's), then anp_port_table.lock (hash changes), then
 *   anp_sock_table.lock.  Input in BH takes
 *   one socket lock at a time (bh_lock_sock_nested); a listener's
 *   socket lock is held while it creates a child, which is not
 *   locked until it is hashed.
 *
 * Readers on the data path (NAPI poll, socket calls) use RCU for the
 * interface, address and route lists; writers publish with the _rcu list
 * helpers under RTNL and free with kfree_rcu().
 */
#ifndef __ANP_H
#define __ANP_H

#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/tcp.h>
#include <linux/timer.h>
#include <linux/udp.h>
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
	ANP_MIB_IP_REASM_REQDS,		/* fragments received */
	ANP_MIB_IP_REASM_OKS,		/* datagrams reassembled */
	ANP_MIB_IP_REASM_FAILS,		/* reassembly failures (any reason) */
	ANP_MIB_IP_REASM_TIMEOUT,	/* queues expired */
	ANP_MIB_IP_REASM_OVERLAPS,	/* overlapping fragments */
	ANP_MIB_IP_REASM_DUPLICATES,	/* exact duplicates dropped alone */
	ANP_MIB_IP_OUT_REQUESTS,
	ANP_MIB_IP_OUT_NO_ROUTES,
	ANP_MIB_IP_OUT_DISCARDS,
	ANP_MIB_IP_FRAG_OKS,		/* datagrams fragmented */
	ANP_MIB_IP_FRAG_FAILS,		/* could not fragment */
	ANP_MIB_IP_FRAG_CREATES,	/* fragments made */
	ANP_MIB_IP_LOOP_PKTS,		/* delivered locally, not on a NIC */
	ANP_MIB_IP_LOOP_DROPS,		/* local delivery queue full */
	ANP_MIB_ICMP_IN_MSGS,
	ANP_MIB_ICMP_IN_ERRORS,		/* truncated */
	ANP_MIB_ICMP_IN_CSUM_ERRORS,
	ANP_MIB_ICMP_IN_ECHOS,
	ANP_MIB_ICMP_IN_ECHO_REPS,
	ANP_MIB_ICMP_IN_DEST_UNREACHS,
	ANP_MIB_ICMP_IN_TIME_EXCDS,
	ANP_MIB_ICMP_IN_OTHER,		/* types we do not act on */
	ANP_MIB_ICMP_OUT_MSGS,
	ANP_MIB_ICMP_OUT_ECHO_REPS,
	ANP_MIB_ICMP_OUT_DEST_UNREACHS,
	ANP_MIB_ICMP_OUT_TIME_EXCDS,
	ANP_MIB_ICMP_OUT_RATE_LIMITED,
	ANP_MIB_UDP_IN_DATAGRAMS,	/* delivered to a socket */
	ANP_MIB_UDP_NO_PORTS,		/* unicast to a port nobody holds */
	ANP_MIB_UDP_IN_ERRORS,		/* every UDP input drop */
	ANP_MIB_UDP_IN_CSUM_ERRORS,	/* also counted in UdpInErrors */
	ANP_MIB_UDP_RCVBUF_ERRORS,	/* receive buffer full (and InErrors) */
	ANP_MIB_UDP_OUT_DATAGRAMS,
	ANP_MIB_UDP_SNDBUF_ERRORS,	/* no send buffer (non-blocking) */
	ANP_MIB_UDP_IGNORED_MULTI,	/* broadcast nobody listens to */
	ANP_MIB_TCP_ACTIVE_OPENS,	/* CLOSED -> SYN-SENT */
	ANP_MIB_TCP_PASSIVE_OPENS,	/* LISTEN -> SYN-RECEIVED */
	ANP_MIB_TCP_ATTEMPT_FAILS,	/* SYN-* -> CLOSED or LISTEN */
	ANP_MIB_TCP_ESTAB_RESETS,	/* ESTABLISHED/CLOSE-WAIT -> CLOSED */
	ANP_MIB_TCP_CURR_ESTAB,		/* gauge: incremented and
					 * decremented; the sum is right
					 */
	ANP_MIB_TCP_IN_SEGS,
	ANP_MIB_TCP_OUT_SEGS,
	ANP_MIB_TCP_RETRANS_SEGS,
	ANP_MIB_TCP_IN_ERRS,		/* bad csum or header, SYN in ESTAB */
	ANP_MIB_TCP_OUT_RSTS,
	ANP_MIB_TCP_IN_CSUM_ERRORS,	/* also counted in TcpInErrs */
	ANP_MIB_TCP_LISTEN_OVERFLOWS,	/* accept or SYN queue full */
	ANP_MIB_TCP_LISTEN_DROPS,	/* every SYN/ACK a listener dropped */
	ANP_MIB_TCP_CHALLENGE_ACK,	/* TCPChallengeACK: RFC 5961 */
	ANP_MIB_TCP_SYN_CHALLENGE,	/* TCPSYNChallenge: for a SYN */
	ANP_MIB_TCP_CHALLENGE_LIMITED,	/* not sent: the socket's limit */
	ANP_MIB_TCP_ACK_SKIPPED_SYN_RECV, /* SYN,ACK not resent: limit */
	ANP_MIB_TCP_DEFER_ACCEPT_DROP,	/* bare ACK, TCP_DEFER_ACCEPT */
	ANP_MIB_TCP_PAWS_ESTAB,		/* PAWSEstab: old TSval (RFC 7323) */
	ANP_MIB_TCP_ACK_SKIPPED_PAWS,	/* its dupACK not sent: limit */
	ANP_MIB_TCP_OUT_OF_WINDOW,	/* unacceptable segments (ACKed) */
	ANP_MIB_TCP_BACKLOG_DROP,	/* TCPBacklogDrop: backlog full */
	ANP_MIB_TCP_RCVQ_DROP,		/* TCPRcvQDrop: receive buffer full */
	ANP_MIB_TCP_ZERO_WINDOW_DROP,	/* TCPZeroWindowDrop: at RCV.NXT,
					 * window 0
					 */
	ANP_MIB_TCP_PRUNE_CALLED,	/* PruneCalled: over the buffer */
	ANP_MIB_TCP_RCV_COLLAPSED,	/* TCPRcvCollapsed: skbs compacted */
	ANP_MIB_TCP_OFO_PRUNED,		/* OfoPruned: OFO queue cut */
	ANP_MIB_TCP_RCV_PRUNED,		/* RcvPruned: still over after both */
	ANP_MIB_TCP_OFO_DROP,		/* TCPOFODrop: out-of-order bound */
	ANP_MIB_TCP_OFO_QUEUE,		/* TCPOFOQueue: segments held */
	ANP_MIB_TCP_DSACK_OLD_SENT,	/* D-SACK for data below RCV.NXT */
	ANP_MIB_TCP_DSACK_OFO_SENT,	/* D-SACK for data held out of order */
	ANP_MIB_TCP_ABORT_ON_DATA,	/* data to a closed reader: RST */
	ANP_MIB_TCP_ABORT_ON_CLOSE,	/* close with unread data: RST */
	ANP_MIB_TCP_ABORT_ON_LINGER,	/* SO_LINGER 0: RST */
	ANP_MIB_TCP_ABORT_ON_TIMEOUT,	/* retries exhausted */
	ANP_MIB_TCP_TIMEOUTS,		/* TCPTimeouts: RTO expiries */
	ANP_MIB_TCP_FAST_RETRANS,	/* TCPFastRetrans */
	ANP_MIB_TCP_SLOW_START_RETRANS,	/* TCPSlowStartRetrans: after an RTO */
	ANP_MIB_TCP_SACK_RECOVERY,	/* TCPSackRecovery: episodes */
	ANP_MIB_TCP_SACK_RENEGING,	/* TCPSACKReneging: at an RTO */
	ANP_MIB_TCP_LOST_RETRANSMIT,	/* TCPLostRetransmit: RACK found one */
	ANP_MIB_TCP_LOSS_PROBES,	/* TCPLossProbes: TLPs sent */
	ANP_MIB_TCP_LOSS_PROBE_RECOVERY, /* TCPLossProbeRecovery */
	ANP_MIB_TCP_DSACK_UNDO,		/* TCPDSACKUndo: spurious recovery */
	ANP_MIB_TCP_DELAYED_ACKS,	/* TCPDelayedACKs: timer sent one */
	ANP_MIB_TCP_KEEPALIVE_PROBES,	/* TCPKeepAlive */
	ANP_MIB_TCP_WIN_PROBES,		/* zero-window probes sent */
	ANP_MIB_TCP_NO_SOCKET,		/* no socket: answered with RST */
	ANP_MIB_TCP_TW_RECYCLED,	/* TIME-WAIT reopened by a new SYN */
	ANP_MIB_MAX
};

struct anp_mib {
	unsigned long mibs[ANP_MIB_MAX];
};

/* Safe from any context: this_cpu_inc is IRQ-safe. */
#define ANP_INC_STATS(an, field) this_cpu_inc((an)->mib->mibs[field])
#define ANP_ADD_STATS(an, field, n) this_cpu_add((an)->mib->mibs[field], n)

/* ---- neighbour cache (neigh.c) ------------------------------------ */
#define ANP_NEIGH_HASH_BITS	6
#define ANP_NEIGH_MAX		512	/* entries per netns */
#define ANP_NEIGH_QUEUE_MAX	64	/* packets waiting per entry: the
					 * fragments of one 64 KiB datagram
					 */
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

struct anp_frag_table;
struct anp_loop;
struct anp_sock_table;

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
	/* Private to their files; set up by anp_host_setup(). */
	struct anp_frag_table *frag;	/* frag.c: reassembly queues */
	struct anp_loop *loop;		/* loop.c: local delivery */
	struct anp_sock_table *socks;	/* sock.c: sockets and ports */
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
	u32 rto_min_us;			/* TCP's minimum RTO; 0: the default */
	struct anp_iface *ifc;
	struct list_head node;		/* in anp_net.routes */
	struct rcu_head rcu;
};

struct anp_route_result {
	struct anp_iface *ifc;
	__be32 nexthop;			/* gateway, or daddr when on-link */
	__be32 saddr;			/* preferred source address */
	u32 rto_min_us;			/* the static route's; else 0 */
	u8 type;			/* enum anp_route_type */
};

/* Longest prefix match over connected subnets and static routes. RCU. */
int anp_route_lookup(struct anp_net *an, __be32 daddr,
		     struct anp_route_result *res);
/*
 * rto_min_us: the minimum RTO of TCP connections over the route (as
 * Linux's RTAX_RTO_MIN), 0 for the default; the caller checked its range.
 */
int anp_route_add(struct anp_net *an, __be32 dst, u8 prefixlen,
		  __be32 gateway, int ifindex, u32 rto_min_us,
		  struct netlink_ext_ack *extack);
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
	u32 rto_min_us;			/* 0: the default */
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
	ANP_IP_DISCARD,			/* IpInDiscards: no memory */
};

/*
 * Validate the IPv4 header at skb->data against RFC 791 / RFC 1122 3.2.1
 * and trim the skb to the datagram's total length.  Does not count.
 * Fragments pass (anp_ip_rcv hands them to reassembly).
 */
enum anp_ip_verdict anp_ip_validate(struct anp_iface *ifc,
				    struct sk_buff *skb);
/* skb->data at the IP header; validates, counts, delivers; consumes. */
void anp_ip_rcv(struct anp_iface *ifc, struct sk_buff *skb);
/*
 * A whole (reassembled or looped back) datagram, already validated:
 * skb->data and the network header at the IP header.  Hands it to its
 * protocol (IpInDelivers) or counts IpInUnknownProtos and answers with
 * an ICMP Protocol Unreachable.  ifc is the arrival interface, or NULL
 * for local delivery.  Consumes skb.  BH context (NAPI poll).
 */
void anp_ip_local_deliver(struct anp_net *an, struct anp_iface *ifc,
			  struct sk_buff *skb);

/* What a transport asks of IPv4 for one datagram. */
struct anp_ip_tx {
	__be32 saddr;			/* 0: the route's source */
	__be32 daddr;
	u8 protocol;
	u8 tos;
	u8 ttl;				/* 0: ANP_DEFAULT_TTL */
	bool bcast_ok;			/* SO_BROADCAST: may send to a
					 * broadcast address (else EACCES)
					 */
};

/*
 * Route, build the IPv4 header in front of skb->data (the payload) and
 * send: to the NIC of the route (fragmented when larger than its MTU,
 * DF set only on datagrams that fit), or through local delivery when
 * daddr is one of the host's addresses or in 127/8 (never on a NIC).
 * A broadcast also loops a copy back to the host's own sockets, as
 * Linux does.  Consumes skb.  Process or BH context.
 * Errors: -ENETUNREACH (no route), -EADDRNOTAVAIL (no source), -EACCES
 * (broadcast without bcast_ok), -EMSGSIZE (over 65535 bytes), -ENOBUFS
 * (no memory, ring or queue full), -EINVAL.
 */
int anp_ip_send(struct anp_net *an, struct sk_buff *skb,
		const struct anp_ip_tx *tx);
/* anp_ip_send with tx = { saddr, daddr, protocol, tos }. */
int anp_ip_output(struct anp_net *an, struct sk_buff *skb, __be32 saddr,
		  __be32 daddr, u8 protocol, u8 tos);

/*
 * The source address the host would use towards daddr: daddr itself
 * when it is the host's own address, 127.0.0.1 for 127/8, else the
 * route's source.  0, or -ENETUNREACH / -EADDRNOTAVAIL.  RCU inside.
 */
int anp_ip_route_saddr(struct anp_net *an, __be32 daddr, __be32 *saddr);
/* Is daddr delivered locally (host address or 127/8)?  RCU inside. */
bool anp_ip_is_local(struct anp_net *an, __be32 daddr);
/* Is daddr 255.255.255.255 or a subnet broadcast of the host?  RCU. */
bool anp_ip_is_bcast(struct anp_net *an, __be32 daddr);

/* Room to reserve in front of a payload for Ethernet + IPv4 headers. */
#define ANP_IP_HEADROOM		(LL_MAX_HEADER + 60)
/* The largest datagram IPv4 carries, and a UDP payload in it. */
#define ANP_IP_MAX_LEN		65535
#define ANP_UDP_MAX_PAYLOAD	(ANP_IP_MAX_LEN - 20 - 8)	/* 65507 */

/* ---- fragmentation and reassembly (frag.c) -------------------------
 * Reassembly (RFC 791 3.2, RFC 815): queues keyed by (source,
 * destination, protocol, identification) in a hash table per host.
 * ANP_FRAG_TIMEOUT after its first fragment an incomplete queue is
 * freed (IpReasmTimeout, IpReasmFails) and, when fragment 0 had
 * arrived, answered with ICMP Time Exceeded code 1 (RFC 792, RFC 1122
 * 3.3.2).  Memory held by queues is bounded per host by ANP_FRAG_MEM_MAX
 * bytes of skb truesize; a fragment past it is dropped (IpReasmFails).
 * An exact duplicate fragment is dropped alone; an overlapping or
 * inconsistent one discards its whole queue (IpReasmOverlaps,
 * IpReasmFails), as Linux does since RFC 5722's reasoning.
 */
#define ANP_FRAG_TIMEOUT	(30 * HZ)	/* Linux's ipfrag_time */
#define ANP_FRAG_MEM_MAX	(4 << 20)	/* Linux's ipfrag_high_thresh */

int anp_frag_init(struct anp_net *an);
void anp_frag_exit(struct anp_net *an);
/*
 * A validated fragment (skb->data at its IP header).  Consumes skb.
 * Returns the reassembled datagram (skb->data and network header at
 * its IP header, MF and offset cleared, tot_len and checksum fixed)
 * when this fragment completed one, else NULL.  BH context.
 */
struct sk_buff *anp_frag_reasm(struct anp_net *an, struct sk_buff *skb);
/* Expire queues as if the time were now (jiffies); KUnit's clock. */
void anp_frag_expire(struct anp_net *an, unsigned long now);
/* Bytes (truesize) held by reassembly queues; KUnit and stats. */
unsigned int anp_frag_mem(struct anp_net *an);
/*
 * Split a datagram (skb->data at a complete IP header, total length >
 * mtu) into fragments of at most mtu bytes (RFC 791 3.2: data in
 * multiples of 8, MF on all but the last) and call out(arg, frag) for
 * each in order; out consumes it.  Consumes skb.  Counts IpFragOKs /
 * IpFragCreates / IpFragFails.  0 or -errno.
 */
int anp_frag_output(struct anp_net *an, struct sk_buff *skb,
		    unsigned int mtu,
		    int (*out)(void *arg, struct sk_buff *frag), void *arg);

/* ---- local delivery (loop.c) ---------------------------------------
 * Datagrams the host sends to itself go to a bounded per-host queue
 * (ANP_LOOP_QLEN) drained by a NAPI instance of its own (on a dummy
 * netdev), which hands them to anp_ip_local_deliver() as a NIC's poll
 * would; a full queue drops (IpLoopDrops).
 */
#define ANP_LOOP_QLEN		1000	/* Linux's netdev_max_backlog */

int anp_loop_init(struct anp_net *an);
void anp_loop_exit(struct anp_net *an);
/* skb->data at a complete IP header.  Consumes skb.  0 or -ENOBUFS. */
int anp_loop_xmit(struct anp_net *an, struct sk_buff *skb);
/* Wait until the queue is delivered (KUnit).  0 or -ETIMEDOUT. */
int anp_loop_sync(struct anp_net *an, unsigned int timeout_ms);

/* ---- ICMP (icmp.c) ------------------------------------------------ */
/*
 * skb->data at the ICMP header, network header set; consumes.  ifc is
 * the arrival interface, NULL for local delivery.
 */
void anp_icmp_rcv(struct anp_net *an, struct anp_iface *ifc,
		  struct sk_buff *skb);
/*
 * Send an ICMP error (RFC 792) about skb_in (network header at the
 * offending datagram's IP header; skb_in is not consumed).  RFC 1122
 * 3.2.2: never about an ICMP error, a non-initial fragment, a datagram
 * to a broadcast or multicast address, or from a source that is not a
 * unicast address.  Quotes the IP header and as much data as fits in
 * 576 bytes (RFC 1812 4.3.2.3).  Rate limited.  Any context.
 */
void anp_icmp_send(struct anp_net *an, struct sk_buff *skb_in, u8 type,
		   u8 code, __be32 info);
/*
 * The errno an ICMP error reports to a socket (Linux's icmp_err_convert
 * table, RFC 1122 4.2.3.9), with *fatal set for a hard error that a
 * connected UDP socket reports (Port or Protocol Unreachable...).
 * 0 for a message that reports nothing.
 */
int anp_icmp_err_errno(u8 type, u8 code, bool *fatal);
/* Take one token; false when the rate limit says no. */
bool anp_icmp_ratelimit_allow(struct anp_net *an, unsigned long now);
void anp_icmp_ratelimit_init(struct anp_icmp_ratelimit *rl);

/* ---- sockets (sock.c) ----------------------------------------------
 * Every AF_ANP socket of a netns is on its host's socket list (for the
 * netlink dump).  A bound SOCK_DGRAM or SOCK_STREAM socket is in its
 * protocol's port table: hashed by (local address, port) for receive
 * demux and by port for bind conflicts, and when connected also by its
 * 4-tuple.  Receive-path lookups are RCU hash-chain walks
 * (SOCK_RCU_FREE sockets); writers hold the table's spinlock (BH).
 *
 * Addresses and ports live in struct sock_common's inet fields:
 *   sk_rcv_saddr  bound local address (0: any)
 *   sk_num        local port, host order (0: unbound)
 *   sk_daddr, sk_dport  the peer (0 unless connected)
 * and anp_sock.saddr is the source to send from (as inet_saddr).
 */
struct anp_sock {
	struct sock sk;			/* must be first */
	__be32 saddr;			/* source used when sending */
	u8 tos;				/* IP_TOS */
	u8 ttl;				/* IP_TTL; 0: ANP_DEFAULT_TTL */
	struct hlist_node bind_node;	/* port table: (addr, port) */
	struct hlist_node port_node;	/* port table: port only */
	struct hlist_node conn_node;	/* port table: 4-tuple */
	struct list_head list_node;	/* host's socket list */
};

static inline struct anp_sock *anp_sk(const struct sock *sk)
{
	return (struct anp_sock *)sk;
}

int anp_sock_net_init(struct anp_net *an);
void anp_sock_net_exit(struct anp_net *an);

/* One socket as the netlink dump (anpctl sockets) sees it. */
struct anp_sock_info {
	u8 type;			/* SOCK_DGRAM, ... */
	u8 protocol;			/* IPPROTO_UDP, ... */
	u8 state;			/* enum anp_sock_state (uapi) */
	__be32 laddr, raddr;
	u16 lport, rport;		/* host order */
	u32 rqueue, wqueue;		/* bytes queued */
	u32 drops;			/* sk_drops */
	u32 uid;			/* owner, in the caller's userns */
	u64 inode;			/* sock_i_ino */
};

/*
 * Call fn for each socket of the host from index *pos on, in creation
 * order, with no lock of the caller's held; stops when fn returns
 * non-zero (that socket not done) and returns that value, else 0; *pos
 * is the index of the next socket.
 */
int anp_sock_walk(struct anp_net *an, unsigned long *pos,
		  int (*fn)(void *arg, const struct anp_sock_info *si),
		  void *arg);
/* Changes whenever a socket joins or leaves the list; never 0. */
unsigned int anp_sock_gen(struct anp_net *an);

/* Every socket from creation (anp_create) to release. */
void anp_sock_list_add(struct sock *sk);
void anp_sock_list_del(struct sock *sk);
/*
 * A reference to a socket of protocol that its user has closed but
 * which is still on the list (a TCP orphan), or NULL.
 */
struct sock *anp_sock_grab_orphan(struct anp_net *an, int protocol);

/*
 * A protocol's port table (private to sock.c): UDP's now, TCP's in the
 * stream issue.  NULL for a protocol without one.
 */
struct anp_port_table;
struct anp_port_table *anp_port_table(struct anp_net *an, int protocol);
/*
 * Give sk (sk_num 0, sk_rcv_saddr set) port snum, or an ephemeral port
 * when 0 (_range: from low..high, searching from rand: KUnit's knobs),
 * and hash it.  0 or -EADDRINUSE.
 */
int anp_port_get(struct anp_port_table *pt, struct sock *sk, u16 snum);
int anp_port_get_range(struct anp_port_table *pt, struct sock *sk, u16 snum,
		       int low, int high, u32 rand);
/* Unhash sk (its port is free at once); sk_num becomes 0. */
void anp_port_unhash(struct anp_port_table *pt, struct sock *sk);
/* Set local address and peer of a hashed sk and rehash it. */
void anp_port_set_peer(struct anp_port_table *pt, struct sock *sk,
		       __be32 rcv_saddr, __be32 daddr, __be16 dport,
		       bool connected);
/*
 * TCP: move hashed sk (its state already SYN-SENT) into conn with this
 * peer; -EADDRNOTAVAIL when another connection holds the 4-tuple.
 */
int anp_port_connect(struct anp_port_table *pt, struct sock *sk,
		     __be32 laddr, __be32 raddr, __be16 rport);
/*
 * TCP: hash a listener's new child (sk_rcv_saddr, peer and state set)
 * on the listener's port, bypassing bind conflicts.  0 or -EADDRINUSE.
 */
int anp_port_inherit(struct anp_port_table *pt, struct sock *child,
		     const struct sock *parent);
/*
 * Receive demux, RCU: a connected socket with exactly this 4-tuple,
 * else one bound to (daddr, dport), else one bound to (any, dport).
 * saddr/sport are the datagram's source.  No reference taken.
 */
struct sock *anp_port_lookup(struct anp_port_table *pt, __be32 saddr,
			     __be16 sport, __be32 daddr, __be16 dport);
/* Broadcast demux, RCU: fn for every socket that takes it; count. */
int anp_port_bcast_walk(struct anp_port_table *pt, __be32 saddr,
			__be16 sport, __be32 daddr, __be16 dport,
			void (*fn)(struct sock *sk, void *arg), void *arg);

/*
 * The socket calls' address rules (see sock.c): bind takes the socket
 * lock; the others need it held.
 */
int anp_sock_bind(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int anp_sock_autobind(struct sock *sk);		/* 0 or -EAGAIN */
int anp_sock_dgram_connect(struct sock *sk, __be32 daddr, __be16 dport);
void anp_sock_disconnect(struct sock *sk);
void anp_sock_unhash(struct sock *sk);
int anp_sock_getname(struct socket *sock, struct sockaddr *uaddr, int peer);

/* ---- UDP (udp.c) ---------------------------------------------------*/
/* skb->data at the UDP header, network header set.  Consumes.  BH. */
void anp_udp_rcv(struct anp_net *an, struct sk_buff *skb);
/*
 * An ICMP error about a UDP datagram the host sent: iph is the quoted
 * IP header, uh its first 8 bytes of UDP header.  Reports errno to
 * the matching connected socket (RFC 1122 4.1.3.3).  BH.
 */
void anp_udp_err(struct anp_net *an, const struct iphdr *iph,
		 const struct udphdr *uh, u8 type, u8 code, __be32 info);
/* Set a UDP checksum (RFC 768) over skb (skb->data at the header). */
void anp_udp_set_csum(struct sk_buff *skb, __be32 saddr, __be32 daddr);
/* The SOCK_DGRAM proto_ops and proto (af_anp.c picks them). */
extern const struct proto_ops anp_dgram_ops;
extern struct proto anp_udp_proto;

/* ---- TCP (tcp*.c) --------------------------------------------------*/
/* skb->data at the TCP header, network header set.  Consumes.  BH. */
void anp_tcp_rcv(struct anp_net *an, struct sk_buff *skb);
/*
 * An ICMP error about a segment the host sent: iph is the quoted IP
 * header, th its first 8 bytes of TCP header (ports and sequence
 * number).  As Linux's tcp_v4_err.  BH.
 */
void anp_tcp_err(struct anp_net *an, const struct iphdr *iph,
		 const struct tcphdr *th, u8 type, u8 code, __be32 info);
/* Per host: challenge-ACK limiter; on exit, every orphan is ended. */
void anp_tcp_net_exit(struct anp_net *an);
/* The SOCK_STREAM proto_ops and proto (af_anp.c picks them). */
extern const struct proto_ops anp_stream_ops;
extern struct proto anp_tcp_proto;

/* ---- control plane (netlink.c) ------------------------------------ */
int anp_netlink_init(void);
void anp_netlink_exit(void);

#endif /* __ANP_H */
