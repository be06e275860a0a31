/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helpers for anp.ko: a private test host, fake interfaces that
 * capture what the host transmits, packet builders and counter deltas.
 *
 * Typical use:
 *
 *	static struct kunit_suite foo_suite = {
 *		.name = "anp-foo",
 *		.init = anp_test_init,		// test->priv = a fresh host
 *		.exit = anp_test_exit,		// frees ifaces, host, frames
 *		.test_cases = foo_cases,
 *	};
 *
 *	static void foo_test(struct kunit *test)
 *	{
 *		struct anp_test_ctx *ctx = test->priv;
 *		struct anp_test_iface *t = anp_test_iface_new(test, 2);
 *		struct sk_buff *skb;
 *
 *		KUNIT_ASSERT_EQ(test, anp_test_addr_add(t, ANP_TEST_IP(10, 0,
 *				0, 2), 24), 0);
 *		anp_test_mib_snap(ctx);
 *		skb = anp_test_arp(test, ARPOP_REQUEST, ...);
 *		anp_test_push_eth(skb, ...);
 *		anp_test_eth_rcv(t, skb);
 *		KUNIT_EXPECT_EQ(test, anp_test_mib_delta(ctx,
 *				ANP_MIB_ARP_IN_REQUESTS), 1);
 *		skb = anp_test_tx_pop(t);	// NULL when nothing was sent
 *		...
 *		kfree_skb(skb);
 *	}
 *
 * The host is a standalone struct anp_net (anp_host_setup() on init_net),
 * not the real host of any netns; fake interfaces are netdevs that are
 * never registered, so nothing leaks into the system.
 */
#ifndef __ANP_TEST_UTILS_H
#define __ANP_TEST_UTILS_H

#include <kunit/test.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/skbuff.h>

#include "../anp.h"

/* An IPv4 address from its four octets, in network order. */
#define ANP_TEST_IP(a, b, c, d)						\
	cpu_to_be32(((u32)(a) << 24) | ((u32)(b) << 16) |		\
		    ((u32)(c) << 8) | (u32)(d))

#define ANP_TEST_IFACES_MAX	4
/* Frames kept per fake interface; more are dropped and counted. */
#define ANP_TEST_TX_MAX		64
/* Headroom of every skb the builders make: room for Ethernet + IPv4. */
#define ANP_TEST_HEADROOM	ANP_IP_HEADROOM
/* Tailroom of every skb the builders make: room to append padding. */
#define ANP_TEST_TAILROOM	64

/* A fake interface: a never-registered netdev whose priv is this. */
struct anp_test_iface {
	struct anp_iface ifc;		/* ifc.xmit captures into tx */
	struct net_device *dev;		/* == ifc.dev */
	struct sk_buff_head tx;		/* frames the host sent, in order */
	unsigned int tx_dropped;	/* frames beyond ANP_TEST_TX_MAX */
	bool attached;			/* in the host's interface list */
	struct kunit *test;
};

struct anp_test_ctx {
	struct kunit *test;
	struct anp_net *an;		/* the private test host */
	struct anp_test_iface *ifs[ANP_TEST_IFACES_MAX];
	unsigned int n_ifs;
	u64 mib[ANP_MIB_MAX];		/* snapshot for anp_test_mib_delta */
};

/* Suite .init / .exit: test->priv becomes a struct anp_test_ctx. */
int anp_test_init(struct kunit *test);
void anp_test_exit(struct kunit *test);

/*
 * A fake interface of the test host with this ifindex (1..250; also
 * used in the MACs below), added to the host under RTNL.  The device is
 * down (netif_running() false) until anp_test_iface_set_up().  Fails the
 * test on error.  Freed by anp_test_exit().
 */
struct anp_test_iface *anp_test_iface_new(struct kunit *test, int ifindex);
/* Remove a fake interface from the host now (anp_host_iface_del). */
void anp_test_iface_remove(struct anp_test_iface *t);
/* Mark the device running (or not), as `ip link set up` would. */
void anp_test_iface_set_up(struct anp_test_iface *t, bool up);

/* The MACs used by anp_test_iface_new(): host end and Linux end. */
void anp_test_host_mac(int ifindex, u8 *mac);
void anp_test_linux_mac(int ifindex, u8 *mac);

/* Captured frames: oldest first; the caller frees what it pops. */
struct sk_buff *anp_test_tx_pop(struct anp_test_iface *t);
unsigned int anp_test_tx_count(struct anp_test_iface *t);
void anp_test_tx_purge(struct anp_test_iface *t);

/* Feed the host as its NAPI poll would (BH off, RCU read side). */
void anp_test_eth_rcv(struct anp_test_iface *t, struct sk_buff *skb);
void anp_test_ip_rcv(struct anp_test_iface *t, struct sk_buff *skb);

/* Configuration under RTNL, as netlink does it. */
int anp_test_addr_add(struct anp_test_iface *t, __be32 addr, u8 prefixlen);
int anp_test_addr_del(struct anp_test_iface *t, __be32 addr, u8 prefixlen);
int anp_test_route_add(struct anp_test_ctx *ctx, __be32 dst, u8 prefixlen,
		       __be32 gateway, int ifindex);
int anp_test_route_del(struct anp_test_ctx *ctx, __be32 dst, u8 prefixlen,
		       __be32 gateway, int ifindex);

/* Counters: snapshot every counter, then read one's change since. */
void anp_test_mib_snap(struct anp_test_ctx *ctx);
s64 anp_test_mib_delta(struct anp_test_ctx *ctx, enum anp_mib_field field);

/* ---- builders: ANP_TEST_HEADROOM in front, ANP_TEST_TAILROOM after --- */

/* An skb holding a copy of data; skb->data at its first byte. */
struct sk_buff *anp_test_skb(struct kunit *test, const void *data,
			     size_t len);
/*
 * Push an Ethernet header in front of skb->data and reset the mac
 * header there; network header is left at the old skb->data.
 */
void anp_test_push_eth(struct sk_buff *skb, const u8 *dst, const u8 *src,
		       __be16 proto);
/* An Ethernet frame (header + payload); skb->data at the header. */
struct sk_buff *anp_test_eth_frame(struct kunit *test, const u8 *dst,
				   const u8 *src, __be16 proto,
				   const void *payload, size_t len);

/*
 * An Ethernet/IPv4 ARP packet (RFC 826), skb->data at the ARP header
 * (what anp_arp_rcv() takes); anp_test_push_eth() makes it a frame.
 */
struct sk_buff *anp_test_arp(struct kunit *test, u16 op,
			     const u8 *sha, __be32 sip,
			     const u8 *tha, __be32 tip);

/*
 * An IPv4 datagram.  Zeroed fields take the defaults noted; the other
 * fields are knobs to break the header on purpose.
 */
struct anp_test_ip_spec {
	__be32 saddr;
	__be32 daddr;
	u8 protocol;
	u8 ttl;				/* 0: 64; use ttl_zero for 0 */
	bool ttl_zero;
	u8 tos;
	u16 id;
	u16 frag_off;			/* host order: flags | offset/8 */
	const void *payload;
	size_t payload_len;
	u8 opt_len;			/* bytes of options (NOPs + EOL) */
	/* knobs */
	u8 version;			/* 0: 4 */
	u8 ihl;				/* 0: 5 + opt_len / 4 */
	u16 tot_len;			/* 0: header + payload */
	bool bad_csum;			/* flip the header checksum */
	unsigned int trim;		/* bytes cut from the end after build */
	unsigned int cut_to;		/* if non-zero: skb length after build */
	unsigned int pad;		/* zero bytes appended (link padding) */
};

/* skb->data and the network header at the IPv4 header. */
struct sk_buff *anp_test_ip(struct kunit *test,
			    const struct anp_test_ip_spec *spec);

/*
 * Write an ICMP echo request/reply (RFC 792) with a correct checksum
 * into buf (room for 8 + len bytes); returns its length.
 */
size_t anp_test_icmp_echo(void *buf, u8 type, u16 id, u16 seq,
			  const void *data, size_t len);

/*
 * Expect skb to be an Ethernet frame dst <- src with that EtherType;
 * on success pull the header (skb->data at the payload) and return true.
 */
bool anp_test_expect_eth(struct kunit *test, struct sk_buff *skb,
			 const u8 *dst, const u8 *src, __be16 proto);

/* 6.1 has no KUNIT_EXPECT_MEMEQ: expect len bytes at a and b equal. */
bool anp_test_expect_memeq(struct kunit *test, const void *a, const void *b,
			   size_t len, const char *what);
#define ANP_TEST_EXPECT_MEMEQ(test, a, b, len)				\
	anp_test_expect_memeq(test, a, b, len, #a " == " #b)

#endif /* __ANP_TEST_UTILS_H */
