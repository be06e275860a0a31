// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 input validation, delivery counters, output, and ICMP echo on a
 * private test host with two fake interfaces:
 *
 *   if2: host 10.0.0.2/24, Linux (the peer) 10.0.0.1
 *   if3: host 10.1.0.2/24
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/ip.h>

#include "utils.h"

#define HOST2	ANP_TEST_IP(10, 0, 0, 2)
#define PEER2	ANP_TEST_IP(10, 0, 0, 1)
#define HOST3	ANP_TEST_IP(10, 1, 0, 2)
#define PROTO_X	253			/* RFC 3692 experimental */
/* The change of one counter since anp_test_mib_snap(). */
#define DELTA(f, name)	anp_test_mib_delta((f)->ctx, ANP_MIB_##name)

struct ip_fix {
	struct anp_test_ctx *ctx;
	struct anp_test_iface *t2;
	struct anp_test_iface *t3;
	u8 peer_mac[ETH_ALEN];
};

static void ip_fix_setup(struct kunit *test, struct ip_fix *f)
{
	f->ctx = test->priv;
	f->t2 = anp_test_iface_new(test, 2);
	f->t3 = anp_test_iface_new(test, 3);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t2, HOST2, 24), 0);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t3, HOST3, 24), 0);
	anp_test_linux_mac(2, f->peer_mac);
	/* Adding addresses to a down device sends nothing. */
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f->t2), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f->t3), 0);
}

/* Teach the host the peer's MAC so output goes straight out. */
static void ip_fix_learn_peer(struct ip_fix *f)
{
	local_bh_disable();
	anp_neigh_update(&f->t2->ifc, PEER2, f->peer_mac, true);
	local_bh_enable();
}

static enum anp_ip_verdict ip_validate(struct anp_test_iface *t,
				       struct sk_buff *skb)
{
	enum anp_ip_verdict v;

	rcu_read_lock();
	v = anp_ip_validate(&t->ifc, skb);
	rcu_read_unlock();
	return v;
}

/* ---- the validation table ---------------------------------------- */

static const u8 payload8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

struct ip_case {
	const char *name;
	struct anp_test_ip_spec spec;
	enum anp_ip_verdict verdict;
};

#define GOOD(...) {							\
	.saddr = PEER2, .daddr = HOST2, .protocol = PROTO_X,		\
	.payload = payload8, .payload_len = sizeof(payload8),		\
	__VA_ARGS__ }

static const struct ip_case ip_cases[] = {
	{ "good", GOOD(), ANP_IP_OK },
	{ "good with link padding", GOOD(.pad = 18), ANP_IP_OK },
	{ "TTL 0 accepted (RFC 1122 3.2.1.7)", GOOD(.ttl_zero = true),
	  ANP_IP_OK },
	{ "TTL 1 accepted (RFC 1122 3.2.1.7)", GOOD(.ttl = 1), ANP_IP_OK },
	{ "DF set", GOOD(.frag_off = IP_DF), ANP_IP_OK },
	{ "no payload", GOOD(.payload_len = 0), ANP_IP_OK },
	{ "options accepted", GOOD(.opt_len = 8), ANP_IP_OK },
	{ "40 bytes of options", GOOD(.opt_len = 40), ANP_IP_OK },
	{ "weak ES: address of another interface",
	  GOOD(.daddr = HOST3), ANP_IP_OK },
	{ "limited broadcast destination",
	  GOOD(.daddr = ANP_TEST_IP(255, 255, 255, 255)), ANP_IP_OK },
	{ "subnet broadcast destination",
	  GOOD(.daddr = ANP_TEST_IP(10, 0, 0, 255)), ANP_IP_OK },
	{ "source 0.0.0.0 accepted (RFC 1122 3.2.1.3(a))",
	  GOOD(.saddr = 0), ANP_IP_OK },
	{ "truncated: shorter than total length", GOOD(.trim = 3),
	  ANP_IP_TRUNCATED },
	{ "truncated: less than a header", GOOD(.cut_to = 19),
	  ANP_IP_TRUNCATED },
	{ "total length beyond the frame", GOOD(.tot_len = 200),
	  ANP_IP_TRUNCATED },
	{ "bad checksum", GOOD(.bad_csum = true), ANP_IP_CSUM_ERROR },
	{ "bad checksum with options", GOOD(.opt_len = 4, .bad_csum = true),
	  ANP_IP_CSUM_ERROR },
	{ "version 6", GOOD(.version = 6), ANP_IP_HDR_ERROR },
	{ "version 5", GOOD(.version = 5), ANP_IP_HDR_ERROR },
	{ "IHL 4", GOOD(.ihl = 4), ANP_IP_HDR_ERROR },
	{ "IHL 1", GOOD(.ihl = 1), ANP_IP_HDR_ERROR },
	{ "IHL beyond the frame", GOOD(.ihl = 15), ANP_IP_HDR_ERROR },
	{ "total length below IHL", GOOD(.tot_len = 16), ANP_IP_HDR_ERROR },
	{ "not for us", GOOD(.daddr = ANP_TEST_IP(10, 0, 0, 9)),
	  ANP_IP_ADDR_ERROR },
	{ "network address is not a broadcast (Linux 6.1)",
	  GOOD(.daddr = ANP_TEST_IP(10, 0, 0, 0)), ANP_IP_ADDR_ERROR },
	{ "broadcast of another interface's subnet",
	  GOOD(.daddr = ANP_TEST_IP(10, 1, 0, 255)), ANP_IP_ADDR_ERROR },
	{ "multicast destination (no groups joined)",
	  GOOD(.daddr = ANP_TEST_IP(224, 0, 0, 1)), ANP_IP_ADDR_ERROR },
	{ "loopback destination",
	  GOOD(.daddr = ANP_TEST_IP(127, 0, 0, 1)), ANP_IP_ADDR_ERROR },
	{ "limited broadcast source",
	  GOOD(.saddr = ANP_TEST_IP(255, 255, 255, 255)), ANP_IP_ADDR_ERROR },
	{ "subnet broadcast source",
	  GOOD(.saddr = ANP_TEST_IP(10, 0, 0, 255)), ANP_IP_ADDR_ERROR },
	{ "multicast source",
	  GOOD(.saddr = ANP_TEST_IP(224, 0, 0, 5)), ANP_IP_ADDR_ERROR },
	{ "loopback source (RFC 1122 3.2.1.3(g))",
	  GOOD(.saddr = ANP_TEST_IP(127, 0, 0, 1)), ANP_IP_ADDR_ERROR },
};

static void ip_case_desc(const struct ip_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ip_validate, ip_cases, ip_case_desc);

/* The counter anp_ip_rcv must bump for each verdict. */
static enum anp_mib_field ip_verdict_counter(enum anp_ip_verdict v)
{
	switch (v) {
	case ANP_IP_OK:
		return ANP_MIB_IP_IN_UNKNOWN_PROTOS;	/* PROTO_X */
	case ANP_IP_HDR_ERROR:
		return ANP_MIB_IP_IN_HDR_ERRORS;
	case ANP_IP_TRUNCATED:
		return ANP_MIB_IP_IN_TRUNCATED_PKTS;
	case ANP_IP_CSUM_ERROR:
		return ANP_MIB_IP_IN_CSUM_ERRORS;
	case ANP_IP_ADDR_ERROR:
		return ANP_MIB_IP_IN_ADDR_ERRORS;
	case ANP_IP_DISCARD:
		return ANP_MIB_IP_IN_DISCARDS;
	}
	return ANP_MIB_MAX;
}

static const enum anp_mib_field ip_in_counters[] = {
	ANP_MIB_IP_IN_HDR_ERRORS, ANP_MIB_IP_IN_TRUNCATED_PKTS,
	ANP_MIB_IP_IN_CSUM_ERRORS, ANP_MIB_IP_IN_ADDR_ERRORS,
	ANP_MIB_IP_REASM_FAILS, ANP_MIB_IP_IN_DISCARDS,
	ANP_MIB_IP_IN_UNKNOWN_PROTOS, ANP_MIB_IP_IN_DELIVERS,
};

static void ip_validate_test(struct kunit *test)
{
	const struct ip_case *c = test->param_value;
	enum anp_mib_field want;
	struct sk_buff *skb;
	struct ip_fix f;
	bool answered;
	int i;

	ip_fix_setup(test, &f);

	skb = anp_test_ip(test, &c->spec);
	KUNIT_EXPECT_EQ(test, ip_validate(f.t2, skb), c->verdict);
	kfree_skb(skb);

	/* The same datagram through anp_ip_rcv: one counter moves. */
	want = ip_verdict_counter(c->verdict);
	skb = anp_test_ip(test, &c->spec);
	anp_test_mib_snap(f.ctx);
	anp_test_ip_rcv(f.t2, skb);
	KUNIT_EXPECT_EQ(test,
			anp_test_mib_delta(f.ctx, ANP_MIB_IP_IN_RECEIVES), 1);
	for (i = 0; i < ARRAY_SIZE(ip_in_counters); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    anp_test_mib_delta(f.ctx, ip_in_counters[i]),
				    ip_in_counters[i] == want ? 1 : 0,
				    "counter %d (enum anp_mib_field)",
				    ip_in_counters[i]);
	/*
	 * RFC 1122 3.2.2.1: a good unicast datagram from the peer for an
	 * unknown protocol is answered with Protocol Unreachable (the
	 * frame on if2 is the ARP request that resolves the peer first);
	 * nothing else is ever sent.
	 */
	answered = c->verdict == ANP_IP_OK && c->spec.saddr == PEER2 &&
		   (c->spec.daddr == HOST2 || c->spec.daddr == HOST3);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), answered);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), answered ? 1 : 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t3), 0);
}

/* Link padding is trimmed: the skb ends where the datagram does. */
static void ip_validate_trims_padding(struct kunit *test)
{
	struct anp_test_ip_spec spec = GOOD(.pad = 18);
	struct sk_buff *skb;
	struct ip_fix f;

	ip_fix_setup(test, &f);
	skb = anp_test_ip(test, &spec);
	KUNIT_EXPECT_EQ(test, skb->len, 20 + 8 + 18);
	KUNIT_EXPECT_EQ(test, ip_validate(f.t2, skb), ANP_IP_OK);
	KUNIT_EXPECT_EQ(test, skb->len, 20 + 8);
	kfree_skb(skb);
}

/* A cloned (shared) skb is validated and trimmed without harm. */
static void ip_validate_cloned(struct kunit *test)
{
	struct anp_test_ip_spec spec = GOOD(.pad = 6);
	struct sk_buff *skb, *clone;
	struct ip_fix f;

	ip_fix_setup(test, &f);
	skb = anp_test_ip(test, &spec);
	clone = skb_clone(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_EXPECT_EQ(test, ip_validate(f.t2, clone), ANP_IP_OK);
	KUNIT_EXPECT_EQ(test, clone->len, 28);
	KUNIT_EXPECT_EQ(test, skb->len, 28 + 6);
	kfree_skb(clone);
	kfree_skb(skb);
}

/* An empty skb and random garbage are dropped and counted, no crash. */
static void ip_rcv_garbage(struct kunit *test)
{
	u8 junk[64];
	struct ip_fix f;
	int i, n;

	ip_fix_setup(test, &f);
	anp_test_mib_snap(f.ctx);
	for (n = 0; n <= sizeof(junk); n += 7) {
		for (i = 0; i < n; i++)
			junk[i] = (u8)(i * 37 + n);
		anp_test_ip_rcv(f.t2, anp_test_skb(test, junk, n));
	}
	n = DIV_ROUND_UP(sizeof(junk) + 1, 7);
	KUNIT_EXPECT_EQ(test,
			anp_test_mib_delta(f.ctx, ANP_MIB_IP_IN_RECEIVES), n);
	KUNIT_EXPECT_EQ(test,
			anp_test_mib_delta(f.ctx, ANP_MIB_IP_IN_HDR_ERRORS) +
			anp_test_mib_delta(f.ctx, ANP_MIB_IP_IN_TRUNCATED_PKTS) +
			anp_test_mib_delta(f.ctx, ANP_MIB_IP_IN_CSUM_ERRORS), n);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
}

/* ---- ICMP echo ----------------------------------------------------- */

/* An ICMP message from the peer, of len bytes at icmp, to daddr. */
static struct sk_buff *ip_icmp_skb(struct kunit *test, __be32 daddr,
				   const void *icmp, size_t len, u8 tos)
{
	struct anp_test_ip_spec spec = {
		.saddr = PEER2, .daddr = daddr, .protocol = IPPROTO_ICMP,
		.tos = tos, .payload = icmp, .payload_len = len,
	};

	return anp_test_ip(test, &spec);
}

/*
 * Check the one frame on t: an Echo Reply from src to dst with the
 * request's id, seq and data (RFC 792, RFC 1122 3.2.2.6).
 */
static void ip_expect_echo_reply(struct kunit *test, struct ip_fix *f,
				 struct anp_test_iface *t, __be32 src,
				 const u8 *req, size_t len, u8 tos)
{
	const struct icmphdr *ic, *rq = (const struct icmphdr *)req;
	const struct iphdr *iph;
	struct sk_buff *skb;

	KUNIT_ASSERT_EQ(test, anp_test_tx_count(t), 1);
	skb = anp_test_tx_pop(t);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (!anp_test_expect_eth(test, skb, f->peer_mac, t->ifc.host_mac,
				 htons(ETH_P_IP)))
		goto out;
	KUNIT_ASSERT_GE(test, skb->len, sizeof(*iph) + len);
	iph = (const struct iphdr *)skb->data;
	KUNIT_EXPECT_EQ(test, (int)iph->version, 4);
	KUNIT_EXPECT_EQ(test, (int)iph->ihl, 5);
	KUNIT_EXPECT_EQ(test, iph->tos, tos);
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), sizeof(*iph) + len);
	KUNIT_EXPECT_EQ(test, skb->len, sizeof(*iph) + len);
	KUNIT_EXPECT_EQ(test, ntohs(iph->frag_off), IP_DF);
	KUNIT_EXPECT_EQ(test, iph->ttl, ANP_DEFAULT_TTL);
	KUNIT_EXPECT_EQ(test, iph->protocol, IPPROTO_ICMP);
	KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(src));
	KUNIT_EXPECT_EQ(test, ntohl(iph->daddr), ntohl(PEER2));
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(iph, 5), 0);

	ic = (const struct icmphdr *)(iph + 1);
	KUNIT_EXPECT_EQ(test, ic->type, ICMP_ECHOREPLY);
	KUNIT_EXPECT_EQ(test, ic->code, 0);
	KUNIT_EXPECT_EQ(test, ic->un.echo.id, rq->un.echo.id);
	KUNIT_EXPECT_EQ(test, ic->un.echo.sequence, rq->un.echo.sequence);
	ANP_TEST_EXPECT_MEMEQ(test, (const u8 *)(ic + 1), req + sizeof(*ic),
			      len - sizeof(*ic));
	KUNIT_EXPECT_EQ(test, (__force u16)ip_compute_csum(ic, len), 0);
out:
	kfree_skb(skb);
}

static void icmp_echo_reply(struct kunit *test)
{
	u8 data[56], req[8 + 56];
	struct ip_fix f;
	size_t n;
	int i;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	for (i = 0; i < sizeof(data); i++)
		data[i] = 0x10 + i;
	n = anp_test_icmp_echo(req, ICMP_ECHO, 0xbeef, 3, data, sizeof(data));

	anp_test_mib_snap(f.ctx);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, req, n, 0));
	ip_expect_echo_reply(test, &f, f.t2, HOST2, req, n, 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t3), 0);

	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_DELIVERS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_MSGS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_ECHO_REPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_MSGS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_OUT_REQUESTS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 0);
}

/* Odd-length data, a TOS byte, through a full Ethernet frame. */
static void icmp_echo_reply_odd_via_eth(struct kunit *test)
{
	u8 data[37], req[8 + 37];
	struct sk_buff *skb;
	struct ip_fix f;
	size_t n;
	int i;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	for (i = 0; i < sizeof(data); i++)
		data[i] = 0xff - i;
	n = anp_test_icmp_echo(req, ICMP_ECHO, 1, 65535, data, sizeof(data));
	skb = ip_icmp_skb(test, HOST2, req, n, 0x10);
	anp_test_push_eth(skb, f.t2->ifc.host_mac, f.peer_mac,
			  htons(ETH_P_IP));
	anp_test_mib_snap(f.ctx);
	anp_test_eth_rcv(f.t2, skb);
	ip_expect_echo_reply(test, &f, f.t2, HOST2, req, n, 0x10);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_RECEIVES), 1);
}

/*
 * Weak ES: a request arriving on if2 for if3's address is answered from
 * that address (RFC 1122 3.2.2.6), routed back out of if2.
 */
static void icmp_echo_reply_weak_es(struct kunit *test)
{
	u8 req[8 + 4];
	struct ip_fix f;
	size_t n;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	n = anp_test_icmp_echo(req, ICMP_ECHO, 7, 8, "ping", 4);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST3, req, n, 0));
	ip_expect_echo_reply(test, &f, f.t2, HOST3, req, n, 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t3), 0);
}

/* RFC 1122 3.2.2.6: broadcast echo is ignored (as Linux by default). */
static void icmp_echo_broadcast_ignored(struct kunit *test)
{
	u8 req[8 + 8];
	struct ip_fix f;
	size_t n;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	n = anp_test_icmp_echo(req, ICMP_ECHO, 7, 8, payload8, 8);
	anp_test_mib_snap(f.ctx);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, ANP_TEST_IP(10, 0, 0, 255),
					  req, n, 0));
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test,
					  ANP_TEST_IP(255, 255, 255, 255),
					  req, n, 0));
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_ECHO_REPS), 0);
}

static void icmp_bad_checksum(struct kunit *test)
{
	u8 req[8 + 8];
	struct ip_fix f;
	size_t n;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	n = anp_test_icmp_echo(req, ICMP_ECHO, 7, 8, payload8, 8);
	req[n - 1] ^= 0x40;		/* data no longer matches the sum */
	anp_test_mib_snap(f.ctx);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, req, n, 0));
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_CSUM_ERRORS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 0);
}

static void icmp_truncated(struct kunit *test)
{
	u8 req[8];
	struct ip_fix f;

	ip_fix_setup(test, &f);
	anp_test_icmp_echo(req, ICMP_ECHO, 7, 8, NULL, 0);
	anp_test_mib_snap(f.ctx);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, req, 7, 0));
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_MSGS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 0);
}

static void icmp_other_types(struct kunit *test)
{
	u8 msg[8 + 8];
	struct ip_fix f;
	size_t n;

	ip_fix_setup(test, &f);
	anp_test_mib_snap(f.ctx);
	n = anp_test_icmp_echo(msg, ICMP_ECHOREPLY, 7, 8, payload8, 8);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, msg, n, 0));
	n = anp_test_icmp_echo(msg, ICMP_TIMESTAMP, 7, 8, payload8, 8);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, msg, n, 0));
	n = anp_test_icmp_echo(msg, 42, 7, 8, payload8, 8);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, msg, n, 0));
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_MSGS), 3);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHO_REPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_OTHER), 2);
}

/* With the bucket empty (and its clock ahead), a request is not answered. */
static void icmp_echo_rate_limited(struct kunit *test)
{
	u8 req[8 + 8];
	struct ip_fix f;
	size_t n;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	spin_lock_bh(&f.ctx->an->icmp_rl.lock);
	f.ctx->an->icmp_rl.tokens = 0;
	f.ctx->an->icmp_rl.stamp = jiffies + 3600 * HZ;
	spin_unlock_bh(&f.ctx->an->icmp_rl.lock);

	n = anp_test_icmp_echo(req, ICMP_ECHO, 7, 8, payload8, 8);
	anp_test_mib_snap(f.ctx);
	anp_test_ip_rcv(f.t2, ip_icmp_skb(test, HOST2, req, n, 0));
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_RATE_LIMITED), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_ECHO_REPS), 0);
}

/* ---- the token bucket, with a fake clock --------------------------- */

static void icmp_ratelimit_bucket(struct kunit *test)
{
	struct anp_test_ctx *ctx = test->priv;
	struct anp_net *an = ctx->an;
	unsigned long s = 100000, d;
	unsigned int i, refill;

	anp_icmp_ratelimit_init(&an->icmp_rl);
	an->icmp_rl.stamp = s;

	/* A full bucket: exactly ANP_ICMP_BURST, then no. */
	for (i = 0; i < ANP_ICMP_BURST; i++)
		KUNIT_EXPECT_TRUE_MSG(test, anp_icmp_ratelimit_allow(an, s),
				      "token %u", i);
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s));
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s));

	/* d jiffies later: d * RATE / HZ tokens (at least 10) come back. */
	d = DIV_ROUND_UP(10 * HZ, ANP_ICMP_RATE);
	refill = min_t(unsigned long, d * ANP_ICMP_RATE / HZ, ANP_ICMP_BURST);
	for (i = 0; i < refill; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      anp_icmp_ratelimit_allow(an, s + d),
				      "refilled token %u of %u", i, refill);
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s + d));

	/* A clock going back refills nothing. */
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s));

	/* After a second or more, never more than a burst. */
	s += d + 10 * HZ;
	for (i = 0; i < ANP_ICMP_BURST; i++)
		KUNIT_EXPECT_TRUE(test, anp_icmp_ratelimit_allow(an, s));
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s));
}

/* jiffies wrapping between refills still refills. */
static void icmp_ratelimit_wrap(struct kunit *test)
{
	struct anp_test_ctx *ctx = test->priv;
	struct anp_net *an = ctx->an;
	unsigned long s = ULONG_MAX - 2;
	unsigned int i;

	anp_icmp_ratelimit_init(&an->icmp_rl);
	an->icmp_rl.stamp = s;
	an->icmp_rl.tokens = 0;
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s));
	for (i = 0; i < ANP_ICMP_BURST; i++)
		KUNIT_EXPECT_TRUE(test, anp_icmp_ratelimit_allow(an, s + HZ));
	KUNIT_EXPECT_FALSE(test, anp_icmp_ratelimit_allow(an, s + HZ));
}

/* ---- output -------------------------------------------------------- */

static int ip_send(struct kunit *test, struct anp_test_ctx *ctx,
		   __be32 saddr, __be32 daddr, size_t len)
{
	u8 *buf = kunit_kzalloc(test, len ?: 1, GFP_KERNEL);
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0x5a, len);
	skb = anp_test_skb(test, buf, len);
	return anp_ip_output(ctx->an, skb, saddr, daddr, PROTO_X, 0);
}

/* Pop the one frame on t, check L2 and return its IPv4 header. */
static struct sk_buff *ip_pop_ip(struct kunit *test, struct anp_test_iface *t,
				 const u8 *dst_mac)
{
	struct sk_buff *skb;

	KUNIT_EXPECT_EQ(test, anp_test_tx_count(t), 1);
	skb = anp_test_tx_pop(t);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (!anp_test_expect_eth(test, skb, dst_mac, t->ifc.host_mac,
				 htons(ETH_P_IP)) ||
	    skb->len < sizeof(struct iphdr)) {
		kfree_skb(skb);
		KUNIT_FAIL(test, "not an IPv4 frame");
		return NULL;
	}
	return skb;
}

static void ip_output_header(struct kunit *test)
{
	struct sk_buff *a, *b;
	const struct iphdr *ia, *ib;
	struct ip_fix f;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	anp_test_mib_snap(f.ctx);
	KUNIT_ASSERT_EQ(test, ip_send(test, f.ctx, 0, PEER2, 100), 0);
	a = ip_pop_ip(test, f.t2, f.peer_mac);
	KUNIT_ASSERT_EQ(test, ip_send(test, f.ctx, 0, PEER2, 3), 0);
	b = ip_pop_ip(test, f.t2, f.peer_mac);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	ia = (const struct iphdr *)a->data;
	ib = (const struct iphdr *)b->data;

	KUNIT_EXPECT_EQ(test, (int)ia->version, 4);
	KUNIT_EXPECT_EQ(test, (int)ia->ihl, 5);
	KUNIT_EXPECT_EQ(test, ntohs(ia->tot_len), 120);
	KUNIT_EXPECT_EQ(test, a->len, 120);
	KUNIT_EXPECT_EQ(test, ntohs(ib->tot_len), 23);
	KUNIT_EXPECT_EQ(test, ntohs(ia->frag_off), IP_DF);
	KUNIT_EXPECT_EQ(test, ia->ttl, ANP_DEFAULT_TTL);
	KUNIT_EXPECT_EQ(test, ia->protocol, PROTO_X);
	KUNIT_EXPECT_EQ(test, ntohl(ia->saddr), ntohl(HOST2));
	KUNIT_EXPECT_EQ(test, ntohl(ia->daddr), ntohl(PEER2));
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(ia, 5), 0);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(ib, 5), 0);
	/* RFC 6864: consecutive identifications from one counter. */
	KUNIT_EXPECT_EQ(test, (u16)(ntohs(ib->id) - ntohs(ia->id)), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_OUT_REQUESTS), 2);
	kfree_skb(a);
	kfree_skb(b);
}

static void ip_output_no_route(struct kunit *test)
{
	struct ip_fix f;

	ip_fix_setup(test, &f);
	anp_test_mib_snap(f.ctx);
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, 0,
				      ANP_TEST_IP(192, 168, 9, 9), 10),
			-ENETUNREACH);
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, 0,
				      ANP_TEST_IP(255, 255, 255, 255), 10),
			-ENETUNREACH);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_OUT_NO_ROUTES), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_OUT_REQUESTS), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t3), 0);
}

/*
 * MTU 1500: 1480 bytes of payload fit in one frame; 1481 leave in two
 * fragments (RFC 791 3.2; frag-test.c checks them in detail).
 */
static void ip_output_mtu(struct kunit *test)
{
	struct sk_buff *skb;
	struct ip_fix f;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	anp_test_mib_snap(f.ctx);
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, 0, PEER2, 1481), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_CREATES), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_OUT_DISCARDS), 0);
	anp_test_tx_purge(f.t2);
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, 0, PEER2, 1480), 0);
	skb = ip_pop_ip(test, f.t2, f.peer_mac);
	if (skb)
		KUNIT_EXPECT_EQ(test, skb->len, 1500);
	kfree_skb(skb);
}

static void ip_output_broadcast(struct kunit *test)
{
	const struct iphdr *iph;
	struct sk_buff *skb;
	struct ip_fix f;

	ip_fix_setup(test, &f);
	/* Subnet broadcast: to the broadcast MAC, no ARP. */
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, 0,
				      ANP_TEST_IP(10, 0, 0, 255), 4), 0);
	skb = ip_pop_ip(test, f.t2, f.t2->dev->broadcast);
	if (skb) {
		iph = (const struct iphdr *)skb->data;
		KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(HOST2));
	}
	kfree_skb(skb);

	/* Limited broadcast leaves by the interface of its source. */
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, HOST3,
				      ANP_TEST_IP(255, 255, 255, 255), 4), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	skb = ip_pop_ip(test, f.t3, f.t3->dev->broadcast);
	if (skb) {
		iph = (const struct iphdr *)skb->data;
		KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(HOST3));
		KUNIT_EXPECT_EQ(test, iph->daddr, htonl(INADDR_BROADCAST));
	}
	kfree_skb(skb);
}

/* Off-link: to the gateway's MAC, with the final destination in IP. */
static void ip_output_via_gateway(struct kunit *test)
{
	const struct iphdr *iph;
	struct sk_buff *skb;
	struct ip_fix f;

	ip_fix_setup(test, &f);
	ip_fix_learn_peer(&f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, PEER2, 0), 0);
	KUNIT_EXPECT_EQ(test, ip_send(test, f.ctx, 0,
				      ANP_TEST_IP(8, 8, 8, 8), 4), 0);
	skb = ip_pop_ip(test, f.t2, f.peer_mac);
	if (skb) {
		iph = (const struct iphdr *)skb->data;
		KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(HOST2));
		KUNIT_EXPECT_EQ(test, ntohl(iph->daddr),
				ntohl(ANP_TEST_IP(8, 8, 8, 8)));
	}
	kfree_skb(skb);
}

static struct kunit_case anp_ip_cases[] = {
	KUNIT_CASE_PARAM(ip_validate_test, ip_validate_gen_params),
	KUNIT_CASE(ip_validate_trims_padding),
	KUNIT_CASE(ip_validate_cloned),
	KUNIT_CASE(ip_rcv_garbage),
	KUNIT_CASE(icmp_echo_reply),
	KUNIT_CASE(icmp_echo_reply_odd_via_eth),
	KUNIT_CASE(icmp_echo_reply_weak_es),
	KUNIT_CASE(icmp_echo_broadcast_ignored),
	KUNIT_CASE(icmp_bad_checksum),
	KUNIT_CASE(icmp_truncated),
	KUNIT_CASE(icmp_other_types),
	KUNIT_CASE(icmp_echo_rate_limited),
	KUNIT_CASE(icmp_ratelimit_bucket),
	KUNIT_CASE(icmp_ratelimit_wrap),
	KUNIT_CASE(ip_output_header),
	KUNIT_CASE(ip_output_no_route),
	KUNIT_CASE(ip_output_mtu),
	KUNIT_CASE(ip_output_broadcast),
	KUNIT_CASE(ip_output_via_gateway),
	{}
};

static struct kunit_suite anp_ip_suite = {
	.name = "anp-ip",
	.init = anp_test_init,
	.exit = anp_test_exit,
	.test_cases = anp_ip_cases,
};

kunit_test_suite(anp_ip_suite);
