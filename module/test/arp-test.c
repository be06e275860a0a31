// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the ANP host's Ethernet input/output (eth.c) and ARP (arp.c).
 *
 * Frames are crafted as Linux would send them, fed to anp_eth_rcv() as
 * the device's NAPI poll does, and what the host transmits is read back
 * from the fake interface's capture list.  Each case checks the frames
 * sent (or that none was), the counter deltas and the neighbour cache.
 */
#include <kunit/test.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>

#include "utils.h"

/* The change of one counter since anp_test_mib_snap(). */
#define T_DELTA(ctx, name) anp_test_mib_delta(ctx, ANP_MIB_##name)

#define T_IFINDEX	2
#define HOST_IP		ANP_TEST_IP(10, 0, 0, 2)	/* the ANP host */
#define LINUX_IP	ANP_TEST_IP(10, 0, 0, 1)	/* Linux's end */
#define OTHER_IP	ANP_TEST_IP(10, 0, 0, 3)	/* nobody's */

/* RFC 826 packet for Ethernet/IPv4, as on the wire. */
struct t_arp {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

static const u8 t_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 t_zero[ETH_ALEN];

struct t_env {
	struct anp_test_ctx *ctx;
	struct anp_test_iface *t;
	u8 host_mac[ETH_ALEN];
	u8 linux_mac[ETH_ALEN];
};

/* Time is ours: the neighbour work must not run behind the test. */
static void t_neigh_stop(struct anp_net *an)
{
	spin_lock_bh(&an->neigh.lock);
	an->neigh.stopped = true;
	spin_unlock_bh(&an->neigh.lock);
	cancel_delayed_work_sync(&an->neigh.gc_work);
}

static int t_suite_init(struct kunit *test)
{
	struct anp_test_ctx *ctx;
	int err;

	err = anp_test_init(test);
	if (err)
		return err;
	ctx = test->priv;
	t_neigh_stop(ctx->an);
	return 0;
}

/* One interface (down: no announcement) with HOST_IP/24, nothing sent. */
static void t_env_setup(struct kunit *test, struct t_env *e)
{
	e->ctx = test->priv;
	e->t = anp_test_iface_new(test, T_IFINDEX);
	anp_test_host_mac(T_IFINDEX, e->host_mac);
	anp_test_linux_mac(T_IFINDEX, e->linux_mac);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(e->t, HOST_IP, 24), 0);
	anp_test_tx_purge(e->t);
	anp_test_mib_snap(e->ctx);
}

/* Linux sends an ARP packet in an Ethernet frame to eth_dst. */
static void t_arp_in(struct kunit *test, struct t_env *e, const u8 *eth_dst,
		     u16 op, const u8 *sha, __be32 sip, const u8 *tha,
		     __be32 tip)
{
	struct sk_buff *skb = anp_test_arp(test, op, sha, sip, tha, tip);

	anp_test_push_eth(skb, eth_dst, e->linux_mac, htons(ETH_P_ARP));
	anp_test_eth_rcv(e->t, skb);
}

/*
 * Pop the next captured frame and check it is an ARP packet from the
 * host with these fields.  Fails the test if there is none.
 */
static void t_expect_arp_out(struct kunit *test, struct t_env *e,
			     const u8 *eth_dst, u16 op, __be32 sip,
			     const u8 *tha, __be32 tip)
{
	struct sk_buff *skb = anp_test_tx_pop(e->t);
	const struct t_arp *arp;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (!anp_test_expect_eth(test, skb, eth_dst, e->host_mac,
				 htons(ETH_P_ARP)))
		goto out;
	KUNIT_EXPECT_GE(test, skb->len, sizeof(*arp));
	if (skb->len < sizeof(*arp))
		goto out;
	arp = (const struct t_arp *)skb->data;
	KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_hrd), ARPHRD_ETHER);
	KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_pro), ETH_P_IP);
	KUNIT_EXPECT_EQ(test, arp->hdr.ar_hln, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, arp->hdr.ar_pln, 4);
	KUNIT_EXPECT_EQ(test, ntohs(arp->hdr.ar_op), op);
	ANP_TEST_EXPECT_MEMEQ(test, arp->sha, e->host_mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, ntohl(arp->sip), ntohl(sip));
	ANP_TEST_EXPECT_MEMEQ(test, arp->tha, tha, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, ntohl(arp->tip), ntohl(tip));
out:
	kfree_skb(skb);
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

/* Look ip up in the cache through the dump walk; also counts entries. */
static bool t_neigh_get(struct anp_net *an, int ifindex, __be32 ip,
			struct anp_neigh_info *ni, unsigned int *count)
{
	struct t_find f = { .ifindex = ifindex, .ip = ip };
	unsigned long pos = 0;

	anp_neigh_walk(an, &pos, t_find_fn, &f);
	if (count)
		*count = f.n;
	if (f.found && ni)
		*ni = f.ni;
	return f.found;
}

/* ---- ARP requests for our address --------------------------------- */

struct t_req_param {
	const char *desc;
	bool unicast;		/* to the host's MAC instead of broadcast */
};

static const struct t_req_param t_req_params[] = {
	{ .desc = "broadcast request", .unicast = false },
	{ .desc = "unicast request", .unicast = true },
};

static void t_req_desc(const struct t_req_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_req, t_req_params, t_req_desc);

/* RFC 826: a request for our address gets exactly one reply. */
static void arp_test_request_for_us(struct kunit *test)
{
	const struct t_req_param *p = test->param_value;
	struct anp_neigh_info ni;
	struct t_env e;

	t_env_setup(test, &e);
	t_arp_in(test, &e, p->unicast ? e.host_mac : t_bcast, ARPOP_REQUEST,
		 e.linux_mac, LINUX_IP, NULL, HOST_IP);

	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	/* Swapped fields, op reply, sent to the requester's MAC. */
	t_expect_arp_out(test, &e, e.linux_mac, ARPOP_REPLY, HOST_IP,
			 e.linux_mac, LINUX_IP);

	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_IN_FRAMES), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_REQUESTS), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REPLIES), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_OUT_FRAMES), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_ERRORS), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_IGNORED), 0);

	/* RFC 826 merge with us as target: the requester is cached. */
	KUNIT_ASSERT_TRUE(test, t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP,
					    &ni, NULL));
	KUNIT_EXPECT_EQ(test, ni.state, ANP_NEIGH_REACHABLE);
	KUNIT_EXPECT_TRUE(test, ni.has_lladdr);
	ANP_TEST_EXPECT_MEMEQ(test, ni.lladdr, e.linux_mac, ETH_ALEN);
}

/* A request for an address the host lacks: no reply, ArpInIgnored. */
static void arp_test_request_not_ours(struct kunit *test)
{
	unsigned int count;
	struct t_env e;

	t_env_setup(test, &e);
	t_arp_in(test, &e, t_bcast, ARPOP_REQUEST, e.linux_mac, LINUX_IP,
		 NULL, OTHER_IP);

	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_REQUESTS), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_IGNORED), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REPLIES), 0);
	/* RFC 826: not the target, not in the table: nothing is added. */
	KUNIT_EXPECT_FALSE(test, t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP,
					     NULL, &count));
	KUNIT_EXPECT_EQ(test, count, 0);
}

/* Our address on another interface is not ours on this link. */
static void arp_test_request_other_iface(struct kunit *test)
{
	struct anp_test_iface *t2;
	struct t_env e;

	t_env_setup(test, &e);
	t2 = anp_test_iface_new(test, T_IFINDEX + 1);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(t2, ANP_TEST_IP(10, 9, 0, 2),
						24), 0);
	anp_test_mib_snap(e.ctx);
	t_arp_in(test, &e, t_bcast, ARPOP_REQUEST, e.linux_mac, LINUX_IP,
		 NULL, ANP_TEST_IP(10, 9, 0, 2));
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(t2), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_IGNORED), 1);
}

/* RFC 5227 2.1.1 probe (sender 0.0.0.0): answered, nothing cached. */
static void arp_test_probe_for_us(struct kunit *test)
{
	unsigned int count;
	struct t_env e;

	t_env_setup(test, &e);
	t_arp_in(test, &e, t_bcast, ARPOP_REQUEST, e.linux_mac, 0, NULL,
		 HOST_IP);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, e.linux_mac, ARPOP_REPLY, HOST_IP,
			 e.linux_mac, 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REPLIES), 1);
	t_neigh_get(e.ctx->an, T_IFINDEX, 0, NULL, &count);
	KUNIT_EXPECT_EQ(test, count, 0);
}

/* ---- malformed ARP ------------------------------------------------- */

struct t_bad_param {
	const char *desc;
	unsigned int off;	/* byte of the ARP packet to overwrite */
	u8 val;
	bool cut;		/* instead: cut the packet to len bytes */
	unsigned int len;
};

#define T_OFF(field)	offsetof(struct t_arp, field)

static const struct t_bad_param t_bad_params[] = {
	{ "htype 6 (IEEE 802)", T_OFF(hdr.ar_hrd) + 1, 6, 0 },
	{ "htype 0x0101", T_OFF(hdr.ar_hrd), 1, 0 },
	{ "ptype 0x0806", T_OFF(hdr.ar_pro) + 1, 0x06, 0 },
	{ "ptype 0x86dd", T_OFF(hdr.ar_pro), 0x86, 0 },
	{ "hlen 8", T_OFF(hdr.ar_hln), 8, 0 },
	{ "hlen 0", T_OFF(hdr.ar_hln), 0, 0 },
	{ "plen 16", T_OFF(hdr.ar_pln), 16, 0 },
	{ "op 0", T_OFF(hdr.ar_op) + 1, 0, 0 },
	{ "op 3 (RARP request)", T_OFF(hdr.ar_op) + 1, 3, 0 },
	{ "op 8 (InARP request)", T_OFF(hdr.ar_op) + 1, 8, 0 },
	{ "op 0x0101", T_OFF(hdr.ar_op), 1, 0 },
	{ "sender MAC broadcast", T_OFF(sha), 0xff, 0 },
	{ "sender MAC multicast", T_OFF(sha), 0x01, 0 },
	{ "sender IP multicast", T_OFF(sip), 224, 0 },
	{ "truncated to 0", 0, 0, true, 0 },
	{ "truncated to 7", 0, 0, true, 7 },
	{ "truncated to 8 (header only)", 0, 0, true, 8 },
	{ "truncated to 27", 0, 0, true, 27 },
};

static void t_bad_desc(const struct t_bad_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_bad, t_bad_params, t_bad_desc);

static void arp_test_malformed(struct kunit *test)
{
	const struct t_bad_param *p = test->param_value;
	unsigned int count;
	struct sk_buff *skb;
	struct t_env e;

	t_env_setup(test, &e);
	/* A valid request for us, then broken one way. */
	skb = anp_test_arp(test, ARPOP_REQUEST, e.linux_mac, LINUX_IP, NULL,
			   HOST_IP);
	KUNIT_ASSERT_EQ(test, skb->len, sizeof(struct t_arp));
	if (p->cut)
		skb_trim(skb, p->len);
	else
		skb->data[p->off] = p->val;
	anp_test_push_eth(skb, t_bcast, e.linux_mac, htons(ETH_P_ARP));
	anp_test_eth_rcv(e.t, skb);

	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_IN_FRAMES), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_ERRORS), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_REQUESTS), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_IGNORED), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REPLIES), 0);
	/* A malformed packet never touches the cache. */
	t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP, NULL, &count);
	KUNIT_EXPECT_EQ(test, count, 0);
}

/* Padding after the ARP packet (60-byte minimum frames) is fine. */
static void arp_test_padded(struct kunit *test)
{
	u8 buf[ETH_ZLEN - ETH_HLEN] = {};
	struct sk_buff *skb;
	struct t_env e;

	t_env_setup(test, &e);
	skb = anp_test_arp(test, ARPOP_REQUEST, e.linux_mac, LINUX_IP, NULL,
			   HOST_IP);
	memcpy(buf, skb->data, min_t(unsigned int, skb->len, sizeof(buf)));
	kfree_skb(skb);
	skb = anp_test_skb(test, buf, sizeof(buf));
	anp_test_push_eth(skb, t_bcast, e.linux_mac, htons(ETH_P_ARP));
	anp_test_eth_rcv(e.t, skb);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, e.linux_mac, ARPOP_REPLY, HOST_IP,
			 e.linux_mac, LINUX_IP);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_ERRORS), 0);
}

/* ---- resolution ---------------------------------------------------- */

static struct sk_buff *t_ip_pkt(struct kunit *test, u16 id)
{
	struct anp_test_ip_spec spec = {
		.saddr = HOST_IP,
		.daddr = LINUX_IP,
		.protocol = IPPROTO_UDP,
		.id = id,
		.payload = "resolve me",
		.payload_len = 10,
	};

	return anp_test_ip(test, &spec);
}

/*
 * Packets to an unresolved next hop wait; Linux's reply to the host's
 * request resolves it and they leave, in order, to the learned MAC.
 */
static void arp_test_reply_flushes_queue(struct kunit *test)
{
	struct anp_neigh_info ni;
	struct sk_buff *skb;
	struct t_env e;
	int i;

	t_env_setup(test, &e);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, anp_neigh_output(&e.t->ifc, LINUX_IP,
						       t_ip_pkt(test, 100 + i)),
				0);
	/* One request, from our address, target MAC zero, broadcast. */
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, t_bcast, ARPOP_REQUEST, HOST_IP, t_zero,
			 LINUX_IP);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 1);
	KUNIT_ASSERT_TRUE(test, t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP,
					    &ni, NULL));
	KUNIT_EXPECT_EQ(test, ni.state, ANP_NEIGH_INCOMPLETE);
	KUNIT_EXPECT_FALSE(test, ni.has_lladdr);

	anp_test_mib_snap(e.ctx);
	t_arp_in(test, &e, e.host_mac, ARPOP_REPLY, e.linux_mac, LINUX_IP,
		 e.host_mac, HOST_IP);

	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_REPLIES), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REPLIES), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_OUT_FRAMES), 3);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 3);
	for (i = 0; i < 3; i++) {
		skb = anp_test_tx_pop(e.t);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		if (anp_test_expect_eth(test, skb, e.linux_mac, e.host_mac,
					htons(ETH_P_IP)) &&
		    skb->len >= sizeof(struct iphdr))
			KUNIT_EXPECT_EQ(test, ntohs(ip_hdr(skb)->id), 100 + i);
		kfree_skb(skb);
	}
	KUNIT_ASSERT_TRUE(test, t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP,
					    &ni, NULL));
	KUNIT_EXPECT_EQ(test, ni.state, ANP_NEIGH_REACHABLE);
	ANP_TEST_EXPECT_MEMEQ(test, ni.lladdr, e.linux_mac, ETH_ALEN);

	/* Resolved: the next packet goes at once, no request. */
	KUNIT_EXPECT_EQ(test, anp_neigh_output(&e.t->ifc, LINUX_IP,
					       t_ip_pkt(test, 200)), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	skb = anp_test_tx_pop(e.t);
	anp_test_expect_eth(test, skb, e.linux_mac, e.host_mac,
			    htons(ETH_P_IP));
	kfree_skb(skb);
}

/*
 * RFC 826 merge: a gratuitous ARP (not aimed at us) updates an existing
 * entry's MAC but creates none.
 */
static void arp_test_gratuitous_merge(struct kunit *test)
{
	static const u8 new_mac[ETH_ALEN] = { 0x02, 0x22, 0x33, 0, 0, 9 };
	struct anp_neigh_info ni;
	unsigned int count;
	struct t_env e;

	t_env_setup(test, &e);
	t_arp_in(test, &e, t_bcast, ARPOP_REQUEST, e.linux_mac, LINUX_IP,
		 NULL, LINUX_IP);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_IGNORED), 1);
	t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP, NULL, &count);
	KUNIT_EXPECT_EQ(test, count, 0);

	anp_neigh_update(&e.t->ifc, LINUX_IP, e.linux_mac, true);
	t_arp_in(test, &e, t_bcast, ARPOP_REQUEST, new_mac, LINUX_IP, NULL,
		 LINUX_IP);
	KUNIT_ASSERT_TRUE(test, t_neigh_get(e.ctx->an, T_IFINDEX, LINUX_IP,
					    &ni, &count));
	KUNIT_EXPECT_EQ(test, count, 1);
	ANP_TEST_EXPECT_MEMEQ(test, ni.lladdr, new_mac, ETH_ALEN);
	/* A changed MAC is news, not a confirmation (RFC 4861 7.2.5). */
	KUNIT_EXPECT_EQ(test, ni.state, ANP_NEIGH_STALE);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
}

/* A sender claiming our own address is not cached (RFC 5227 2.4). */
static void arp_test_sender_is_us(struct kunit *test)
{
	unsigned int count;
	struct t_env e;

	t_env_setup(test, &e);
	t_arp_in(test, &e, t_bcast, ARPOP_REQUEST, e.linux_mac, HOST_IP,
		 NULL, HOST_IP);
	t_neigh_get(e.ctx->an, T_IFINDEX, HOST_IP, NULL, &count);
	KUNIT_EXPECT_EQ(test, count, 0);
}

/* ---- output: requests and announcements ---------------------------- */

static void arp_test_send_request(struct kunit *test)
{
	struct t_env e;

	t_env_setup(test, &e);
	KUNIT_EXPECT_EQ(test, anp_arp_send_request(&e.t->ifc, HOST_IP,
						   OTHER_IP), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, t_bcast, ARPOP_REQUEST, HOST_IP, t_zero,
			 OTHER_IP);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_OUT_FRAMES), 1);
}

/* RFC 5227 2.3: adding an address on a running link announces it. */
static void arp_test_announce_on_addr_add(struct kunit *test)
{
	const __be32 addr = ANP_TEST_IP(10, 0, 0, 7);
	struct t_env e;

	t_env_setup(test, &e);
	anp_test_iface_set_up(e.t, true);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(e.t, addr, 24), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, t_bcast, ARPOP_REQUEST, addr, t_zero, addr);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_GRATUITOUS), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 0);
}

static struct kunit_case anp_arp_cases[] = {
	KUNIT_CASE_PARAM(arp_test_request_for_us, t_req_gen_params),
	KUNIT_CASE(arp_test_request_not_ours),
	KUNIT_CASE(arp_test_request_other_iface),
	KUNIT_CASE(arp_test_probe_for_us),
	KUNIT_CASE_PARAM(arp_test_malformed, t_bad_gen_params),
	KUNIT_CASE(arp_test_padded),
	KUNIT_CASE(arp_test_reply_flushes_queue),
	KUNIT_CASE(arp_test_gratuitous_merge),
	KUNIT_CASE(arp_test_sender_is_us),
	KUNIT_CASE(arp_test_send_request),
	KUNIT_CASE(arp_test_announce_on_addr_add),
	{}
};

static struct kunit_suite anp_arp_suite = {
	.name = "anp-arp",
	.init = t_suite_init,
	.exit = anp_test_exit,
	.test_cases = anp_arp_cases,
};

/* ---- Ethernet ------------------------------------------------------ */

struct t_eth_param {
	const char *desc;
	u8 dst[ETH_ALEN];	/* all zero: the host's MAC */
	u16 proto;
	bool cut;		/* cut the frame to len bytes */
	unsigned int len;
	enum anp_mib_field counter;	/* the one drop counter expected */
};

static const struct t_eth_param t_eth_params[] = {
	{ "other unicast MAC", { 0x02, 0x99, 0, 0, 0, 1 }, ETH_P_ARP,
	  false, 0, ANP_MIB_ETH_IN_OTHER_HOST },
	{ "IPv4 multicast MAC", { 0x01, 0x00, 0x5e, 0, 0, 1 }, ETH_P_ARP,
	  false, 0, ANP_MIB_ETH_IN_OTHER_HOST },
	{ "IPv6 multicast MAC", { 0x33, 0x33, 0, 0, 0, 1 }, ETH_P_IPV6,
	  false, 0, ANP_MIB_ETH_IN_OTHER_HOST },
	{ "runt: 0 bytes", {}, ETH_P_ARP, true, 0, ANP_MIB_ETH_IN_ERRORS },
	{ "runt: 13 bytes", {}, ETH_P_ARP, true, 13, ANP_MIB_ETH_IN_ERRORS },
	{ "unknown type IPv6", {}, ETH_P_IPV6, false, 0,
	  ANP_MIB_ETH_IN_UNKNOWN_TYPE },
	{ "unknown type 802.3 length", {}, 0x0040, false, 0,
	  ANP_MIB_ETH_IN_UNKNOWN_TYPE },
	{ "unknown type RARP", {}, ETH_P_RARP, false, 0,
	  ANP_MIB_ETH_IN_UNKNOWN_TYPE },
};

static void t_eth_desc(const struct t_eth_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_eth, t_eth_params, t_eth_desc);

static void eth_test_drop(struct kunit *test)
{
	const struct t_eth_param *p = test->param_value;
	static const enum anp_mib_field drops[] = {
		ANP_MIB_ETH_IN_ERRORS, ANP_MIB_ETH_IN_OTHER_HOST,
		ANP_MIB_ETH_IN_UNKNOWN_TYPE, ANP_MIB_ETH_IN_DISCARDS,
	};
	struct sk_buff *skb;
	struct t_env e;
	unsigned int i;

	t_env_setup(test, &e);
	/* A well-formed ARP request for us in every case but the runts. */
	skb = anp_test_arp(test, ARPOP_REQUEST, e.linux_mac, LINUX_IP, NULL,
			   HOST_IP);
	anp_test_push_eth(skb, is_zero_ether_addr(p->dst) ? e.host_mac :
			  p->dst, e.linux_mac, htons(p->proto));
	if (p->cut)
		skb_trim(skb, p->len);
	anp_test_eth_rcv(e.t, skb);

	KUNIT_EXPECT_EQ(test, anp_test_tx_count(e.t), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_IN_FRAMES), 1);
	for (i = 0; i < ARRAY_SIZE(drops); i++)
		KUNIT_EXPECT_EQ_MSG(test, anp_test_mib_delta(e.ctx, drops[i]),
				    drops[i] == p->counter ? 1 : 0,
				    "counter %d", drops[i]);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_REQUESTS), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_IN_ERRORS), 0);
}

/* IPv4 frames reach the IP layer with skb->data at the IP header. */
static void eth_test_ipv4_dispatch(struct kunit *test)
{
	struct sk_buff *skb;
	struct t_env e;

	t_env_setup(test, &e);
	skb = t_ip_pkt(test, 1);
	anp_test_push_eth(skb, e.host_mac, e.linux_mac, htons(ETH_P_IP));
	anp_test_eth_rcv(e.t, skb);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, IP_IN_RECEIVES), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_IN_UNKNOWN_TYPE), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_IN_OTHER_HOST), 0);
	anp_test_tx_purge(e.t);
}

/*
 * A shared skb (a packet tap holds a reference): the host must work on
 * its own copy and leave the tap's view of the frame untouched.
 */
static void eth_test_shared_skb(struct kunit *test)
{
	struct sk_buff *skb;
	unsigned int len;
	struct t_env e;
	u8 *data;

	t_env_setup(test, &e);
	skb = anp_test_arp(test, ARPOP_REQUEST, e.linux_mac, LINUX_IP, NULL,
			   HOST_IP);
	anp_test_push_eth(skb, t_bcast, e.linux_mac, htons(ETH_P_ARP));
	len = skb->len;
	data = skb->data;
	skb_get(skb);
	anp_test_eth_rcv(e.t, skb);

	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_PTR_EQ(test, skb->data, data);
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	kfree_skb(skb);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, e.linux_mac, ARPOP_REPLY, HOST_IP,
			 e.linux_mac, LINUX_IP);
}

/* A non-linear frame: only 4 bytes in the head, the rest in a page. */
static void eth_test_nonlinear(struct kunit *test)
{
	u8 frame[ETH_HLEN + sizeof(struct t_arp)];
	struct sk_buff *skb, *arp;
	struct page *page;
	struct t_env e;

	t_env_setup(test, &e);
	arp = anp_test_arp(test, ARPOP_REQUEST, e.linux_mac, LINUX_IP, NULL,
			   HOST_IP);
	anp_test_push_eth(arp, t_bcast, e.linux_mac, htons(ETH_P_ARP));
	KUNIT_ASSERT_EQ(test, arp->len, sizeof(frame));
	memcpy(frame, arp->data, sizeof(frame));
	kfree_skb(arp);

	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	page = alloc_page(GFP_KERNEL);
	if (!page)
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(test, page);
	skb_put_data(skb, frame, 4);
	memcpy(page_address(page), frame + 4, sizeof(frame) - 4);
	skb_add_rx_frag(skb, 0, page, 0, sizeof(frame) - 4, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, skb_is_nonlinear(skb));
	anp_test_eth_rcv(e.t, skb);

	KUNIT_ASSERT_EQ(test, anp_test_tx_count(e.t), 1);
	t_expect_arp_out(test, &e, e.linux_mac, ARPOP_REPLY, HOST_IP,
			 e.linux_mac, LINUX_IP);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_IN_ERRORS), 0);
}

/* Output with no headroom and from a clone: header pushed, data kept. */
static void eth_test_output_headroom_clone(struct kunit *test)
{
	static const u8 payload[] = "payload!";
	struct sk_buff *skb, *clone, *out;
	struct t_env e;

	t_env_setup(test, &e);
	skb = alloc_skb(sizeof(payload), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_data(skb, payload, sizeof(payload));
	KUNIT_ASSERT_LT(test, skb_headroom(skb), ETH_HLEN);
	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone)
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(test, clone);

	KUNIT_EXPECT_EQ(test, anp_eth_output(&e.t->ifc, clone, e.linux_mac,
					     htons(ETH_P_IP)), 0);
	/* The original still starts with the payload. */
	KUNIT_EXPECT_EQ(test, skb->len, sizeof(payload));
	ANP_TEST_EXPECT_MEMEQ(test, skb->data, payload, sizeof(payload));
	kfree_skb(skb);

	out = anp_test_tx_pop(e.t);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, out->len, ETH_HLEN + sizeof(payload));
	if (anp_test_expect_eth(test, out, e.linux_mac, e.host_mac,
				htons(ETH_P_IP)))
		ANP_TEST_EXPECT_MEMEQ(test, out->data, payload,
				      sizeof(payload));
	kfree_skb(out);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_OUT_FRAMES), 1);
}

static int t_xmit_fail(struct anp_iface *ifc, struct sk_buff *skb)
{
	kfree_skb(skb);
	return -ENOBUFS;
}

/* A frame the device refuses is counted as an output drop. */
static void eth_test_output_xmit_fails(struct kunit *test)
{
	struct t_env e;

	t_env_setup(test, &e);
	e.t->ifc.xmit = t_xmit_fail;
	KUNIT_EXPECT_EQ(test, anp_arp_send_request(&e.t->ifc, HOST_IP,
						   LINUX_IP), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_OUT_DROPS), 1);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ETH_OUT_FRAMES), 0);
	KUNIT_EXPECT_EQ(test, T_DELTA(e.ctx, ARP_OUT_REQUESTS), 0);
}

static struct kunit_case anp_eth_cases[] = {
	KUNIT_CASE_PARAM(eth_test_drop, t_eth_gen_params),
	KUNIT_CASE(eth_test_ipv4_dispatch),
	KUNIT_CASE(eth_test_shared_skb),
	KUNIT_CASE(eth_test_nonlinear),
	KUNIT_CASE(eth_test_output_headroom_clone),
	KUNIT_CASE(eth_test_output_xmit_fails),
	{}
};

static struct kunit_suite anp_eth_suite = {
	.name = "anp-eth",
	.init = t_suite_init,
	.exit = anp_test_exit,
	.test_cases = anp_eth_cases,
};

kunit_test_suites(&anp_arp_suite, &anp_eth_suite);
