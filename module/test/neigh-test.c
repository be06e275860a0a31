// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the ANP host's neighbour cache (neigh.c).
 *
 * The table's work is stopped (table.stopped) so that time only moves
 * when a case calls anp_neigh_gc() with a made-up "now".  Entry stamps
 * come from the real jiffies at the moment of the call under test; each
 * case reads jiffies just before and after such a call and picks fake
 * times relative to those bounds, so no result depends on how fast the
 * machine runs.
 */
#include <kunit/test.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>

#include "utils.h"

/* The change of one counter since anp_test_mib_snap(). */
#define T_DELTA(ctx, name) anp_test_mib_delta(ctx, ANP_MIB_##name)

#define T_IFINDEX	2
#define HOST_IP		ANP_TEST_IP(10, 0, 0, 2)
#define PEER_IP		ANP_TEST_IP(10, 0, 0, 1)

static const u8 t_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 t_peer_mac[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 1 };
static const u8 t_peer_mac2[ETH_ALEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 2 };

struct t_arp {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

struct t_env {
	struct anp_test_ctx *ctx;
	struct anp_net *an;
	struct anp_test_iface *t;
	struct anp_iface *ifc;
	u8 host_mac[ETH_ALEN];
};

static int t_suite_init(struct kunit *test)
{
	struct anp_test_ctx *ctx;
	int err;

	err = anp_test_init(test);
	if (err)
		return err;
	ctx = test->priv;
	spin_lock_bh(&ctx->an->neigh.lock);
	ctx->an->neigh.stopped = true;
	spin_unlock_bh(&ctx->an->neigh.lock);
	cancel_delayed_work_sync(&ctx->an->neigh.gc_work);
	return 0;
}

static void t_env_setup(struct kunit *test, struct t_env *e)
{
	e->ctx = test->priv;
	e->an = e->ctx->an;
	e->t = anp_test_iface_new(test, T_IFINDEX);
	e->ifc = &e->t->ifc;
	anp_test_host_mac(T_IFINDEX, e->host_mac);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(e->t, HOST_IP, 16), 0);
	anp_test_tx_purge(e->t);
	anp_test_mib_snap(e->ctx);
}

/* An IPv4 datagram to daddr whose IP ID tags it. */
static struct sk_buff *t_pkt(struct kunit *test, __be32 daddr, u16 id)
{
	struct anp_test_ip_spec spec = {
		.saddr = HOST_IP,
		.daddr = daddr,
		.protocol = IPPROTO_UDP,
		.id = id,
		/* RFC 792: the 8 data bytes an ICMP error quotes. */
		.payload = "neighbor",
		.payload_len = 8,
	};

	return anp_test_ip(test, &spec);
}

static int t_out(struct kunit *test, struct t_env *e, __be32 nh, u16 id)
{
	return anp_neigh_output(e->ifc, nh, t_pkt(test, nh, id));
}

struct t_find {
	int ifindex;
	__be32 ip;
	bool found;
	struct anp_neigh_info ni;
	unsigned int n;
};

static int t_find_fn(void *arg, const struct anp_neigh_info *ni)
{
	struct t_find *f = arg;

	f->n++;
	if (ni->ifindex == f->ifindex && ni->addr == f->ip) {
		f->found = true;
		f->ni = *ni;
	}
	return 0;
}

static unsigned int t_count(struct anp_net *an)
{
	struct t_find f = {};
	unsigned long pos = 0;

	anp_neigh_walk(an, &pos, t_find_fn, &f);
	return f.n;
}

/* The state of (ifindex, ip), or ANP_NEIGH_NONE when absent. */
static u8 t_state(struct anp_net *an, int ifindex, __be32 ip,
		  struct anp_neigh_info *ni)
{
	struct t_find f = { .ifindex = ifindex, .ip = ip };
	unsigned long pos = 0;

	anp_neigh_walk(an, &pos, t_find_fn, &f);
	if (!f.found)
		return ANP_NEIGH_NONE;
	if (ni)
		*ni = f.ni;
	return f.ni.state;
}

/* Pop a frame: an ARP request from us for tip. */
static void t_expect_request(struct kunit *test, struct t_env *e, __be32 tip)
{
	struct sk_buff *skb = anp_test_tx_pop(e->t);
	const struct t_arp *arp;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (anp_test_expect_eth(test, skb, t_bcast, e->host_mac,
				htons(ETH_P_ARP)) &&
	    skb->len >= sizeof(*arp)) {
		arp = (const struct t_arp *)skb->data;
		KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_op), ARPOP_REQUEST);
		KUNIT_EXPECT_EQ(test, ntohl(arp->sip), ntohl(HOST_IP));
		KUNIT_EXPECT_EQ(test, ntohl(arp->tip), ntohl(tip));
	} else {
		KUNIT_FAIL(test, "not an ARP request");
	}
	kfree_skb(skb);
}

/* Pop a frame: an IPv4 packet with IP ID id to mac. */
static void t_expect_ip(struct kunit *test, struct t_env *e, const u8 *mac,
			u16 id)
{
	struct sk_buff *skb = anp_test_tx_pop(e->t);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (anp_test_expect_eth(test, skb, mac, e->host_mac,
				htons(ETH_P_IP)) &&
	    skb->len >= sizeof(struct iphdr))
		KUNIT_EXPECT_EQ(test, ntohs(((struct iphdr *)skb->data)->id),
				id);
	else
		KUNIT_FAIL(test, "not an IPv4 frame");
	kfree_skb(skb);
}

/* ---- cases --------------------------------------------------------- */

/* Insert, look up, use: a known MAC sends at once, no ARP. */
static void neigh_test_insert_lookup(struct kunit *test)
{
	struct anp_neigh_info ni;
	struct t_env e;

	t_env_setup(test, &e);
	/* create=false never inserts. */
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, false);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 0);

	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 1);
	KUNIT_ASSERT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, &ni),
			ANP_NEIGH_REACHABLE);
	KUNIT_EXPECT_TRUE(test, ni.has_lladdr);
	ANP_TEST_EXPECT_MEMEQ(test, ni.lladdr, t_peer_mac, ETH_ALEN);
	/* Keyed by interface too: not known on another ifindex. */
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX + 1, PEER_IP, NULL),
			ANP_NEIGH_NONE);

	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 7), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_ip(test, &e, t_peer_mac, 7);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 0);

	/* Update in place: a second create=true keeps one entry. */
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac2, true);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 1);
	t_state(e.an, T_IFINDEX, PEER_IP, &ni);
	ANP_TEST_EXPECT_MEMEQ(test, ni.lladdr, t_peer_mac2, ETH_ALEN);
}

/* REACHABLE turns STALE exactly at ANP_NEIGH_REACHABLE_TIME. */
static void neigh_test_reachable_to_stale(struct kunit *test)
{
	unsigned long before, after;
	struct t_env e;

	t_env_setup(test, &e);
	before = jiffies;
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	after = jiffies;

	anp_neigh_gc(e.an, before + ANP_NEIGH_REACHABLE_TIME - 1);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_REACHABLE);
	anp_neigh_gc(e.an, after + ANP_NEIGH_REACHABLE_TIME);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_STALE);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);

	/* STALE is still used, and its first use re-solicits. */
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 2);
	t_expect_request(test, &e, PEER_IP);
	t_expect_ip(test, &e, t_peer_mac, 1);
	/* Within ANP_NEIGH_RETRANS: no second request. */
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 2), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_ip(test, &e, t_peer_mac, 2);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 1);

	/* The answer (aimed at us) confirms it: REACHABLE again. */
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_REACHABLE);
}

/*
 * An unanswered next hop: ANP_NEIGH_RETRIES requests ANP_NEIGH_RETRANS
 * apart, then FAILED with its queue dropped; the next packet starts over.
 */
static void neigh_test_failed_after_retries(struct kunit *test)
{
	unsigned long before, after;
	unsigned int i;
	struct t_env e;

	t_env_setup(test, &e);
	before = jiffies;
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), 0);
	after = jiffies;
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 2), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_request(test, &e, PEER_IP);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_INCOMPLETE);

	/* Not yet due. */
	anp_neigh_gc(e.an, before + ANP_NEIGH_RETRANS - 1);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);

	for (i = 1; i < ANP_NEIGH_RETRIES; i++) {
		anp_neigh_gc(e.an, after + i * ANP_NEIGH_RETRANS);
		KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
		t_expect_request(test, &e, PEER_IP);
		KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
				ANP_NEIGH_INCOMPLETE);
	}
	/* Half a period later: still waiting, nothing sent. */
	anp_neigh_gc(e.an, after + (ANP_NEIGH_RETRIES - 1) * ANP_NEIGH_RETRANS +
		     ANP_NEIGH_RETRANS / 2);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_RESOLVE_FAILED), 0);

	anp_neigh_gc(e.an, after + ANP_NEIGH_RETRIES * ANP_NEIGH_RETRANS);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_FAILED);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS),
			ANP_NEIGH_RETRIES);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_RESOLVE_FAILED), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_QUEUE_DROPS), 2);

	/* A new packet to a FAILED entry starts a fresh resolution. */
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 3), 0);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_INCOMPLETE);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_request(test, &e, PEER_IP);
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_ip(test, &e, t_peer_mac, 3);
}

/*
 * A resolution that fails answers each packet it held with ICMP Host
 * Unreachable to the sender, this host (Linux's arp_error_report ->
 * ipv4_link_failure; RFC 1122 3.2.2.1): looped back, never on the wire,
 * received as an error for the transport.  Not for a non-initial
 * fragment (RFC 1122 3.2.2's MUST NOT).
 */
static void neigh_test_failed_unreach(struct kunit *test)
{
	struct anp_test_ip_spec frag = {
		.saddr = HOST_IP,
		.daddr = PEER_IP,
		.protocol = IPPROTO_UDP,
		.id = 3,
		.frag_off = 1,		/* offset 8 */
		.payload = "fragment",
		.payload_len = 8,
	};
	unsigned long after;
	unsigned int i;
	struct t_env e;

	t_env_setup(test, &e);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), 0);
	after = jiffies;
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 2), 0);
	KUNIT_EXPECT_EQ(test, anp_neigh_output(e.ifc, PEER_IP,
					       anp_test_ip(test, &frag)), 0);
	for (i = 1; i <= ANP_NEIGH_RETRIES; i++)
		anp_neigh_gc(e.an, after + i * ANP_NEIGH_RETRANS);
	KUNIT_ASSERT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_FAILED);
	KUNIT_ASSERT_EQ(test, anp_loop_sync(e.an, 5000), 0);

	/* On the wire: the ARP requests and nothing else. */
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), ANP_NEIGH_RETRIES);
	for (i = 0; i < ANP_NEIGH_RETRIES; i++)
		t_expect_request(test, &e, PEER_IP);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_QUEUE_DROPS), 3);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ICMP_OUT_MSGS), 2);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ICMP_OUT_DEST_UNREACHS), 2);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ICMP_IN_MSGS), 2);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ICMP_IN_DEST_UNREACHS), 2);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ICMP_IN_ERRORS), 0);
}

/*
 * GC frees STALE and FAILED entries unused for ANP_NEIGH_GC_STALE, not
 * a moment earlier, and leaves REACHABLE entries alone.
 */
static void neigh_test_gc(struct kunit *test)
{
	const __be32 quiet = ANP_TEST_IP(10, 0, 1, 1);
	const __be32 dead = ANP_TEST_IP(10, 0, 1, 3);
	unsigned long before, after;
	unsigned int i;
	struct t_env e;

	t_env_setup(test, &e);
	before = jiffies;
	anp_neigh_update(e.ifc, quiet, t_peer_mac, true);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, dead, 1), 0);
	after = jiffies;
	for (i = 1; i <= ANP_NEIGH_RETRIES; i++)
		anp_neigh_gc(e.an, after + i * ANP_NEIGH_RETRANS);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, dead, NULL),
			ANP_NEIGH_FAILED);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, quiet, NULL),
			ANP_NEIGH_REACHABLE);
	anp_test_tx_purge(e.t);

	/* The REACHABLE entry goes STALE; nothing is freed yet. */
	anp_neigh_gc(e.an, after + ANP_NEIGH_REACHABLE_TIME);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 2);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, quiet, NULL),
			ANP_NEIGH_STALE);

	/* Just before GC_STALE after their last use: both survive. */
	anp_neigh_gc(e.an, before + ANP_NEIGH_GC_STALE - 1);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 2);

	/* At GC_STALE: both are gone, and nothing was sent. */
	anp_neigh_gc(e.an, after + ANP_NEIGH_GC_STALE);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_QUEUE_DROPS), 1);
}

/* At most ANP_NEIGH_MAX entries; an unused STALE one is evicted. */
static void neigh_test_size_bound(struct kunit *test)
{
	const u8 mac2[ETH_ALEN] = { 0x02, 0x55, 0, 0, 0, 1 };
	unsigned int i;
	struct t_env e;

	t_env_setup(test, &e);
	/* Fill with REACHABLE entries (not evictable): 10.0.x.y, y >= 10. */
	for (i = 0; i < ANP_NEIGH_MAX; i++) {
		__be32 ip = ANP_TEST_IP(10, 0, 2 + i / 200, 10 + i % 200);

		anp_neigh_update(e.ifc, ip, t_peer_mac, true);
	}
	KUNIT_ASSERT_EQ(test, t_count(e.an), ANP_NEIGH_MAX);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_CACHE_FULL), 0);

	/* Full, nothing evictable: a new entry is refused and counted. */
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_CACHE_FULL), 1);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_NONE);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_CACHE_FULL), 2);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, t_count(e.an), ANP_NEIGH_MAX);

	/* Unsolicited news of a changed MAC makes one entry STALE... */
	anp_neigh_update(e.ifc, ANP_TEST_IP(10, 0, 2, 10), mac2, false);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX,
				      ANP_TEST_IP(10, 0, 2, 10), NULL),
			ANP_NEIGH_STALE);
	/* ...and the next new next hop takes its place. */
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 2), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_CACHE_FULL), 2);
	KUNIT_EXPECT_EQ(test, t_count(e.an), ANP_NEIGH_MAX);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX,
				      ANP_TEST_IP(10, 0, 2, 10), NULL),
			ANP_NEIGH_NONE);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_INCOMPLETE);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_request(test, &e, PEER_IP);
}

/* The pending queue keeps the newest ANP_NEIGH_QUEUE_MAX packets. */
static void neigh_test_queue_bound(struct kunit *test)
{
	const unsigned int extra = 3;
	unsigned int i;
	struct t_env e;

	t_env_setup(test, &e);
	for (i = 0; i < ANP_NEIGH_QUEUE_MAX + extra; i++)
		KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, i), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_QUEUE_DROPS), extra);
	/* One request only, however many packets wait. */
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_request(test, &e, PEER_IP);

	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), ANP_NEIGH_QUEUE_MAX);
	for (i = 0; i < ANP_NEIGH_QUEUE_MAX; i++)
		t_expect_ip(test, &e, t_peer_mac, extra + i);
}

/* Unsolicited news of an INCOMPLETE neighbour resolves it (STALE). */
static void neigh_test_unsolicited_resolves(struct kunit *test)
{
	struct t_env e;

	t_env_setup(test, &e);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), 0);
	anp_test_tx_purge(e.t);
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, false);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_STALE);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_ip(test, &e, t_peer_mac, 1);
}

/* An interface going away takes its entries and queues with it. */
static void neigh_test_flush_iface(struct kunit *test)
{
	struct anp_test_iface *t2;
	struct sk_buff *skb;
	struct t_env e;

	t_env_setup(test, &e);
	t2 = anp_test_iface_new(test, T_IFINDEX + 1);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), 0);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 2), 0);
	anp_neigh_update(e.ifc, ANP_TEST_IP(10, 0, 0, 9), t_peer_mac, true);
	anp_neigh_update(&t2->ifc, PEER_IP, t_peer_mac2, true);
	KUNIT_ASSERT_EQ(test, t_count(e.an), 3);
	anp_test_tx_purge(e.t);
	anp_test_mib_snap(e.ctx);

	anp_test_iface_remove(e.t);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 1);
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX + 1, PEER_IP, NULL),
			ANP_NEIGH_REACHABLE);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_QUEUE_DROPS), 2);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);

	/* A late sender on the removed interface creates nothing. */
	skb = t_pkt(test, PEER_IP, 3);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, anp_neigh_output(e.ifc, PEER_IP, skb), -ENODEV);
	anp_neigh_update(e.ifc, PEER_IP, t_peer_mac, true);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, t_count(e.an), 1);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_QUEUE_DROPS), 3);
}

/* Broadcast and multicast next hops need no ARP (RFC 1112 6.4). */
static void neigh_test_bcast_mcast(struct kunit *test)
{
	static const u8 mc_mac[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00,
					     0xfb };
	struct t_env e;

	t_env_setup(test, &e);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, ANP_TEST_IP(224, 0, 0, 251), 1),
			0);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, ANP_TEST_IP(239, 128, 0, 251),
				    2), 0);
	KUNIT_EXPECT_EQ(test, t_out(test, &e, htonl(INADDR_BROADCAST), 3), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 3);
	t_expect_ip(test, &e, mc_mac, 1);
	t_expect_ip(test, &e, mc_mac, 2);	/* the top bit of 23 is lost */
	t_expect_ip(test, &e, t_bcast, 3);
	KUNIT_EXPECT_EQ(test, t_count(e.an), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 0);
}

struct t_walk {
	unsigned int stop_after;	/* 0: never stop */
	unsigned int seen;
	DECLARE_BITMAP(ips, 64);
	bool dup;
};

static int t_walk_fn(void *arg, const struct anp_neigh_info *ni)
{
	struct t_walk *w = arg;
	unsigned int low = ntohl(ni->addr) & 0xff;

	if (w->stop_after && w->seen == w->stop_after)
		return -EMSGSIZE;
	w->seen++;
	if (low >= 64 || test_and_set_bit(low, w->ips))
		w->dup = true;
	return 0;
}

/* The dump walk resumes where it stopped and visits each entry once. */
static void neigh_test_walk_resume(struct kunit *test)
{
	struct t_walk w = { .stop_after = 7 };
	unsigned long pos = 0;
	unsigned int i, rounds = 0;
	struct t_env e;

	t_env_setup(test, &e);
	for (i = 0; i < 40; i++)
		anp_neigh_update(e.ifc, ANP_TEST_IP(10, 0, 3, i), t_peer_mac,
				 true);
	while (anp_neigh_walk(e.an, &pos, t_walk_fn, &w) == -EMSGSIZE) {
		KUNIT_ASSERT_LT(test, ++rounds, 10U);
		KUNIT_EXPECT_EQ(test, pos, (unsigned long)w.seen);
		w.stop_after += 7;
	}
	KUNIT_EXPECT_EQ(test, w.seen, 40U);
	KUNIT_EXPECT_EQ(test, pos, 40UL);
	KUNIT_EXPECT_FALSE(test, w.dup);
	KUNIT_EXPECT_EQ(test, bitmap_weight(w.ips, 64), 40U);
	KUNIT_EXPECT_EQ(test, rounds, 5U);
}

/*
 * The real clock: a new INCOMPLETE entry schedules the table's work
 * within ANP_NEIGH_RETRANS, and the work, run now, keeps itself queued
 * while an entry is INCOMPLETE; stopping it leaves nothing queued.
 */
static void neigh_test_work_scheduled(struct kunit *test)
{
	struct delayed_work *dw;
	unsigned long before;
	struct t_env e;

	t_env_setup(test, &e);
	dw = &e.an->neigh.gc_work;
	spin_lock_bh(&e.an->neigh.lock);
	e.an->neigh.stopped = false;
	spin_unlock_bh(&e.an->neigh.lock);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(dw));

	before = jiffies;
	KUNIT_EXPECT_EQ(test, t_out(test, &e, PEER_IP, 1), 0);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(dw));
	KUNIT_EXPECT_TRUE(test, time_before_eq(READ_ONCE(dw->timer.expires),
					       jiffies + ANP_NEIGH_RETRANS));
	KUNIT_EXPECT_TRUE(test, time_after_eq(READ_ONCE(dw->timer.expires),
					      before));

	/* Run it now and wait for it. */
	mod_delayed_work(system_wq, dw, 0);
	flush_delayed_work(dw);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(dw));
	KUNIT_EXPECT_EQ(test, t_state(e.an, T_IFINDEX, PEER_IP, NULL),
			ANP_NEIGH_INCOMPLETE);

	spin_lock_bh(&e.an->neigh.lock);
	e.an->neigh.stopped = true;
	spin_unlock_bh(&e.an->neigh.lock);
	cancel_delayed_work_sync(dw);
	/* Stopped: a new entry queues nothing. */
	KUNIT_EXPECT_EQ(test, t_out(test, &e, ANP_TEST_IP(10, 0, 0, 7), 2),
			0);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(dw));
	anp_test_tx_purge(e.t);
}

static struct kunit_case anp_neigh_cases[] = {
	KUNIT_CASE(neigh_test_insert_lookup),
	KUNIT_CASE(neigh_test_reachable_to_stale),
	KUNIT_CASE(neigh_test_failed_after_retries),
	KUNIT_CASE(neigh_test_failed_unreach),
	KUNIT_CASE(neigh_test_gc),
	KUNIT_CASE(neigh_test_size_bound),
	KUNIT_CASE(neigh_test_queue_bound),
	KUNIT_CASE(neigh_test_unsolicited_resolves),
	KUNIT_CASE(neigh_test_flush_iface),
	KUNIT_CASE(neigh_test_bcast_mcast),
	KUNIT_CASE(neigh_test_walk_resume),
	KUNIT_CASE(neigh_test_work_scheduled),
	{}
};

static struct kunit_suite anp_neigh_suite = {
	.name = "anp-neigh",
	.init = t_suite_init,
	.exit = anp_test_exit,
	.test_cases = anp_neigh_cases,
};

kunit_test_suite(anp_neigh_suite);
