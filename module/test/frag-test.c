// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 reassembly and fragmentation (frag.c), local delivery (loop.c)
 * and ICMP errors (icmp.c) on a private test host:
 *
 *   if2: host 10.0.0.2/24, Linux (the peer) 10.0.0.1
 *
 * Reassembly cases feed crafted fragments straight to anp_frag_reasm()
 * (as anp_ip_rcv does after validation) and check the datagram it
 * returns byte for byte; the clock of the timeout is anp_frag_expire's
 * argument.  Local delivery waits with anp_loop_sync(), which returns
 * once the loop's queue is empty and its NAPI idle.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "utils.h"

#define HOST2	ANP_TEST_IP(10, 0, 0, 2)
#define PEER2	ANP_TEST_IP(10, 0, 0, 1)
#define BCAST2	ANP_TEST_IP(10, 0, 0, 255)
#define PROTO_X	253			/* RFC 3692 experimental */
#define DELTA(f, name)	anp_test_mib_delta((f)->ctx, ANP_MIB_##name)
#define FRAGS_MAX	64
#define LOOP_WAIT_MS	5000

struct frag_fix {
	struct kunit *test;
	struct anp_test_ctx *ctx;
	struct anp_net *an;
	struct anp_test_iface *t2;
	u8 peer_mac[ETH_ALEN];
};

static void frag_fix_setup(struct kunit *test, struct frag_fix *f)
{
	f->test = test;
	f->ctx = test->priv;
	f->an = f->ctx->an;
	f->t2 = anp_test_iface_new(test, 2);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t2, HOST2, 24), 0);
	anp_test_linux_mac(2, f->peer_mac);
	local_bh_disable();
	anp_neigh_update(&f->t2->ifc, PEER2, f->peer_mac, true);
	local_bh_enable();
	anp_test_mib_snap(f->ctx);
}

/* A recognisable payload: byte i of datagram seed. */
static u8 *frag_data(struct kunit *test, size_t len, u8 seed)
{
	u8 *p = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < len; i++)
		p[i] = (u8)(i * 7 + seed + (i >> 8));
	return p;
}

/* One fragment of datagram id from PEER2 to HOST2: data[off, off+len). */
static struct sk_buff *frag_skb(struct kunit *test, u16 id, const u8 *data,
				unsigned int off, unsigned int len, bool mf)
{
	struct anp_test_ip_spec spec = {
		.saddr = PEER2, .daddr = HOST2, .protocol = PROTO_X,
		.id = id, .frag_off = (mf ? IP_MF : 0) | (off >> 3),
		.payload = data + off, .payload_len = len,
	};

	return anp_test_ip(test, &spec);
}

static struct sk_buff *frag_reasm(struct frag_fix *f, struct sk_buff *skb)
{
	struct sk_buff *r;

	local_bh_disable();
	r = anp_frag_reasm(f->an, skb);
	local_bh_enable();
	return r;
}

/* Build a fragment and feed it; the datagram it completes, or NULL. */
static struct sk_buff *frag_feed(struct frag_fix *f, u16 id, const u8 *data,
				 unsigned int off, unsigned int len, bool mf)
{
	return frag_reasm(f, frag_skb(f->test, id, data, off, len, mf));
}

/*
 * Split data[0, len) into fragments of fsize bytes (a multiple of 8)
 * into skbs[]; returns their number.
 */
static unsigned int frag_split(struct kunit *test, u16 id, const u8 *data,
			       unsigned int len, unsigned int fsize,
			       struct sk_buff **skbs)
{
	unsigned int n = 0, off;

	for (off = 0; off < len; off += fsize) {
		KUNIT_ASSERT_LT(test, n, FRAGS_MAX);
		skbs[n++] = frag_skb(test, id, data, off,
				     min(fsize, len - off), off + fsize < len);
	}
	return n;
}

/* Expect skb to be the reassembled datagram carrying data[0, len). */
static void frag_expect_datagram(struct kunit *test, struct sk_buff *skb,
				 const u8 *data, unsigned int len)
{
	const struct iphdr *iph;
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb_network_offset(skb), 0);
	iph = ip_hdr(skb);
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), sizeof(*iph) + len);
	KUNIT_EXPECT_EQ(test, skb->len, sizeof(*iph) + len);
	KUNIT_EXPECT_EQ(test, ntohs(iph->frag_off), 0);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(iph, iph->ihl), 0);
	KUNIT_EXPECT_EQ(test, iph->protocol, PROTO_X);
	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, sizeof(*iph), buf, len), 0);
	ANP_TEST_EXPECT_MEMEQ(test, buf, data, len);
	/* What UDP does with it: a sum over the whole datagram. */
	KUNIT_EXPECT_EQ(test,
			(__force u16)csum_fold(skb_checksum(skb, sizeof(*iph),
							    len, 0)),
			(__force u16)csum_fold(csum_partial(data, len, 0)));
}

/* Feed skbs in the order given; the last must complete the datagram. */
static void frag_feed_order(struct kunit *test, const unsigned int *order,
			    unsigned int n, unsigned int fsize)
{
	struct sk_buff *skbs[FRAGS_MAX], *r = NULL;
	unsigned int len = (n - 1) * fsize + fsize / 2 + 4, i;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, len, 1);
	KUNIT_ASSERT_EQ(test, frag_split(test, 7, data, len, fsize, skbs), n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_NULL(test, r);
		r = frag_reasm(&f, skbs[order[i]]);
	}
	frag_expect_datagram(test, r, data, len);
	kfree_skb(r);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_REQDS), n);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OKS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_FAILS), 0);
	KUNIT_EXPECT_EQ(test, anp_frag_mem(f.an), 0);
}

static void frag_in_order(struct kunit *test)
{
	static const unsigned int order[] = { 0, 1, 2, 3, 4 };

	frag_feed_order(test, order, ARRAY_SIZE(order), 1480);
}

static void frag_reverse_order(struct kunit *test)
{
	static const unsigned int order[] = { 4, 3, 2, 1, 0 };

	frag_feed_order(test, order, ARRAY_SIZE(order), 1480);
}

static void frag_shuffled(struct kunit *test)
{
	static const unsigned int order[] = { 3, 0, 6, 2, 7, 5, 1, 4 };

	frag_feed_order(test, order, ARRAY_SIZE(order), 16);
}

/* RFC 791 3.2: the last fragment first, then the rest, of a 64 KiB. */
static void frag_largest(struct kunit *test)
{
	struct sk_buff *skbs[FRAGS_MAX], *r = NULL;
	unsigned int len = ANP_IP_MAX_LEN - 20, n, i;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, len, 9);
	n = frag_split(test, 0xffff, data, len, 1480, skbs);
	KUNIT_ASSERT_EQ(test, n, 45);
	r = frag_reasm(&f, skbs[n - 1]);
	for (i = 0; i < n - 1; i++) {
		KUNIT_EXPECT_NULL(test, r);
		r = frag_reasm(&f, skbs[i]);
	}
	frag_expect_datagram(test, r, data, len);
	kfree_skb(r);
}

/* Every fragment twice (netem duplication): one datagram, no failure. */
static void frag_exact_duplicate(struct kunit *test)
{
	struct sk_buff *skbs[FRAGS_MAX], *r = NULL, *dup;
	unsigned int len = 3000, n, i;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, len, 2);
	n = frag_split(test, 8, data, len, 1024, skbs);
	KUNIT_ASSERT_EQ(test, n, 3);
	for (i = 0; i < n; i++) {
		dup = skb_copy(skbs[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, dup);
		KUNIT_EXPECT_NULL(test, r);
		if (i < n - 1) {
			r = frag_reasm(&f, skbs[i]);
			KUNIT_EXPECT_NULL(test, r);
			r = frag_reasm(&f, dup);
		} else {
			/* The completing one first: its copy starts anew. */
			r = frag_reasm(&f, skbs[i]);
			frag_expect_datagram(test, r, data, len);
			kfree_skb(r);
			r = frag_reasm(&f, dup);
			KUNIT_EXPECT_NULL(test, r);
		}
	}
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_DUPLICATES), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OKS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_FAILS), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OVERLAPS), 0);
	/* The late copy of the last fragment waits in a queue of its own. */
	KUNIT_EXPECT_GT(test, anp_frag_mem(f.an), 0);
	anp_frag_expire(f.an, jiffies + ANP_FRAG_TIMEOUT + 1);
	KUNIT_EXPECT_EQ(test, anp_frag_mem(f.an), 0);
}

/* An inconsistent fragment discards the queue it lands in. */
struct frag_bad_case {
	const char *name;
	unsigned int off, len;		/* the first, good fragment */
	bool mf;
	unsigned int boff, blen;	/* the bad one */
	bool bmf;
};

static const struct frag_bad_case frag_bad_cases[] = {
	{ "overlap at the front", 0, 800, true, 400, 800, true },
	{ "overlap at the back", 800, 800, true, 400, 800, true },
	{ "inside, not equal", 0, 1600, true, 800, 400, true },
	{ "same offset, longer", 0, 800, true, 0, 1600, true },
	{ "two different lasts", 800, 100, false, 1600, 100, false },
	{ "data past the last", 800, 100, false, 1600, 400, true },
	{ "last before data", 1600, 400, true, 800, 100, false },
	{ "non-last not a multiple of 8", 0, 800, true, 800, 100, true },
	{ "end past 65535", 0, 800, true, 65528, 16, false },
	{ "empty fragment", 0, 800, true, 800, 0, true },
};

static void frag_bad_desc(const struct frag_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(frag_bad, frag_bad_cases, frag_bad_desc);

static void frag_inconsistent(struct kunit *test)
{
	const struct frag_bad_case *c = test->param_value;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 66000, 3);
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 9, data, c->off, c->len, c->mf));
	KUNIT_EXPECT_GT(test, anp_frag_mem(f.an), 0);
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 9, data, c->boff, c->blen, c->bmf));
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OVERLAPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_FAILS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_REQDS), 2);
	/* The whole queue went, the good fragment with it. */
	KUNIT_EXPECT_EQ(test, anp_frag_mem(f.an), 0);
}

/* Overlap kills the queue; the remaining fragments cannot rebuild it. */
static void frag_overlap_then_rest(struct kunit *test)
{
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 2000, 4);
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 5, data, 0, 1000, true));
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 5, data, 504, 1000, true));
	/* A new queue: no fragment 0 in it, so no datagram. */
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 5, data, 1000, 1000, false));
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OKS), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OVERLAPS), 1);
	anp_frag_expire(f.an, jiffies + ANP_FRAG_TIMEOUT + 1);
	KUNIT_EXPECT_EQ(test, anp_frag_mem(f.an), 0);
}

/* Different ids (or sources) are different datagrams (RFC 791 3.2). */
static void frag_keys(struct kunit *test)
{
	struct sk_buff *a0, *a1, *b0, *b1, *r;
	struct frag_fix f;
	u8 *da, *db;

	frag_fix_setup(test, &f);
	da = frag_data(test, 1600, 5);
	db = frag_data(test, 1600, 6);
	a0 = frag_skb(test, 100, da, 0, 800, true);
	a1 = frag_skb(test, 100, da, 800, 800, false);
	b0 = frag_skb(test, 101, db, 0, 800, true);
	b1 = frag_skb(test, 101, db, 800, 800, false);
	KUNIT_EXPECT_NULL(test, frag_reasm(&f, a0));
	KUNIT_EXPECT_NULL(test, frag_reasm(&f, b1));
	r = frag_reasm(&f, a1);
	frag_expect_datagram(test, r, da, 1600);
	kfree_skb(r);
	r = frag_reasm(&f, b0);
	frag_expect_datagram(test, r, db, 1600);
	kfree_skb(r);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OKS), 2);
}

/*
 * RFC 1122 3.3.2: an incomplete datagram is freed after the timeout and,
 * with fragment 0 received, answered with Time Exceeded code 1 quoting
 * fragment 0.
 */
static void frag_timeout_icmp(struct kunit *test)
{
	const struct icmphdr *ic;
	const struct iphdr *iph, *q;
	struct sk_buff *skb;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 3000, 7);
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 11, data, 0, 1000, true));
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 11, data, 2000, 1000, false));
	/* Another queue without fragment 0: freed, not answered. */
	KUNIT_EXPECT_NULL(test, frag_feed(&f, 12, data, 1000, 1000, true));

	anp_frag_expire(f.an, jiffies + ANP_FRAG_TIMEOUT / 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_TIMEOUT), 0);
	KUNIT_EXPECT_GT(test, anp_frag_mem(f.an), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);

	anp_frag_expire(f.an, jiffies + ANP_FRAG_TIMEOUT + 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_TIMEOUT), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_FAILS), 2);
	KUNIT_EXPECT_EQ(test, anp_frag_mem(f.an), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_TIME_EXCDS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_MSGS), 1);

	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f.t2), 1);
	skb = anp_test_tx_pop(f.t2);
	if (!anp_test_expect_eth(test, skb, f.peer_mac, f.t2->ifc.host_mac,
				 htons(ETH_P_IP)))
		goto out;
	iph = (const struct iphdr *)skb->data;
	KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(HOST2));
	KUNIT_EXPECT_EQ(test, ntohl(iph->daddr), ntohl(PEER2));
	KUNIT_EXPECT_EQ(test, iph->protocol, IPPROTO_ICMP);
	/* RFC 1812 4.3.2.3: the whole 1020-byte fragment does not fit. */
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), 576);
	KUNIT_ASSERT_EQ(test, skb->len, 576);
	ic = (const struct icmphdr *)(iph + 1);
	KUNIT_EXPECT_EQ(test, ic->type, ICMP_TIME_EXCEEDED);
	KUNIT_EXPECT_EQ(test, ic->code, ICMP_EXC_FRAGTIME);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_compute_csum(ic, 556), 0);
	q = (const struct iphdr *)(ic + 1);
	KUNIT_EXPECT_EQ(test, ntohs(q->id), 11);
	KUNIT_EXPECT_EQ(test, ntohs(q->frag_off), IP_MF);
	ANP_TEST_EXPECT_MEMEQ(test, (const u8 *)(q + 1), data, 528);
out:
	kfree_skb(skb);
}

/* ANP_FRAG_MEM_MAX bounds what queues hold; beyond it, drops counted. */
static void frag_memory_bound(struct kunit *test)
{
	struct frag_fix f;
	unsigned int i;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 1480, 8);
	for (i = 0; i < 10000 && !DELTA(&f, IP_REASM_FAILS); i++) {
		KUNIT_EXPECT_NULL(test, frag_feed(&f, i, data, 0, 1480, true));
		KUNIT_ASSERT_LE(test, anp_frag_mem(f.an), ANP_FRAG_MEM_MAX);
	}
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_FAILS), 1);
	/* Well into the budget before the first refusal. */
	KUNIT_EXPECT_GT(test, anp_frag_mem(f.an), ANP_FRAG_MEM_MAX / 2);
	KUNIT_EXPECT_LT(test, i, 10000);
	/* A timeout frees it all; Time Exceeded up to the rate limit. */
	anp_frag_expire(f.an, jiffies + ANP_FRAG_TIMEOUT + 1);
	KUNIT_EXPECT_EQ(test, anp_frag_mem(f.an), 0);
	KUNIT_EXPECT_GE(test, DELTA(&f, ICMP_OUT_TIME_EXCDS), ANP_ICMP_BURST);
	KUNIT_EXPECT_GT(test, DELTA(&f, ICMP_OUT_RATE_LIMITED), 0);
	anp_test_tx_purge(f.t2);
}

/* ---- fragmentation --------------------------------------------------- */

static int frag_collect(void *arg, struct sk_buff *skb)
{
	skb_queue_tail(arg, skb);
	return 0;
}

/* A datagram HOST2 -> PEER2 (id 0x1234) with len bytes of data. */
static struct sk_buff *frag_datagram(struct kunit *test, const u8 *data,
				     unsigned int len, u16 frag_off)
{
	struct anp_test_ip_spec spec = {
		.saddr = HOST2, .daddr = PEER2, .protocol = PROTO_X,
		.id = 0x1234, .frag_off = frag_off,
		.payload = data, .payload_len = len,
	};

	return anp_test_ip(test, &spec);
}

/* RFC 791 3.2: sizes, offsets, MF, one identification. */
static void frag_output_layout(struct kunit *test)
{
	static const unsigned int sizes[] = { 1480, 1480, 1041 };
	const struct iphdr *iph;
	struct sk_buff_head q;
	struct sk_buff *skb;
	unsigned int i, off = 0;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	skb_queue_head_init(&q);
	data = frag_data(test, 4001, 10);
	KUNIT_ASSERT_EQ(test, anp_frag_output(f.an, frag_datagram(test, data,
								  4001, 0),
					      1500, frag_collect, &q), 0);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&q), ARRAY_SIZE(sizes));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		skb = skb_dequeue(&q);
		iph = ip_hdr(skb);
		KUNIT_EXPECT_PTR_EQ(test, skb->data, (u8 *)iph);
		KUNIT_EXPECT_EQ(test, skb->len, 20 + sizes[i]);
		KUNIT_EXPECT_LE(test, skb->len, 1500);
		KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), 20 + sizes[i]);
		KUNIT_EXPECT_EQ(test, ntohs(iph->id), 0x1234);
		KUNIT_EXPECT_EQ(test, ntohs(iph->frag_off) & IP_OFFSET,
				off >> 3);
		KUNIT_EXPECT_EQ(test, !!(ntohs(iph->frag_off) & IP_MF),
				i < ARRAY_SIZE(sizes) - 1);
		KUNIT_EXPECT_FALSE(test, ntohs(iph->frag_off) & IP_DF);
		KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(iph, 5), 0);
		KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(HOST2));
		KUNIT_EXPECT_EQ(test, iph->protocol, PROTO_X);
		ANP_TEST_EXPECT_MEMEQ(test, skb->data + 20, data + off,
				      sizes[i]);
		off += sizes[i];
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_OKS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_CREATES), 3);

	/* DF forbids it (RFC 791 3.2). */
	KUNIT_EXPECT_EQ(test, anp_frag_output(f.an, frag_datagram(test, data,
								  4001,
								  IP_DF),
					      1500, frag_collect, &q),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&q), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_FAILS), 1);
}

/* Output, then reassembly in reverse order: the same bytes. */
static void frag_round_trip(struct kunit *test)
{
	struct sk_buff *skbs[FRAGS_MAX], *skb, *r = NULL;
	unsigned int len = 20000, n = 0;
	struct sk_buff_head q;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	skb_queue_head_init(&q);
	data = frag_data(test, len, 11);
	KUNIT_ASSERT_EQ(test, anp_frag_output(f.an, frag_datagram(test, data,
								  len, 0),
					      576, frag_collect, &q), 0);
	/* (576 - 20) & ~7 = 552 bytes each. */
	KUNIT_ASSERT_EQ(test, skb_queue_len(&q), DIV_ROUND_UP(len, 552));
	while ((skb = skb_dequeue(&q))) {
		KUNIT_ASSERT_LT(test, n, FRAGS_MAX);
		skbs[n++] = skb;
	}
	while (n--) {
		KUNIT_EXPECT_NULL(test, r);
		r = frag_reasm(&f, skbs[n]);
	}
	frag_expect_datagram(test, r, data, len);
	kfree_skb(r);
}

/*
 * The whole path: a fragmented echo request from the peer through
 * anp_ip_rcv is reassembled, answered, and the 3008-byte reply leaves
 * in fragments that reassemble to the request's data.
 */
static void frag_echo_through_ip(struct kunit *test)
{
	struct sk_buff *skb, *r = NULL;
	unsigned int n = 3000, i;
	struct sk_buff_head q;
	struct anp_test_ip_spec spec = {
		.saddr = PEER2, .daddr = HOST2, .protocol = IPPROTO_ICMP,
		.id = 77,
	};
	struct frag_fix f;
	u8 *req, *data;
	size_t len;

	frag_fix_setup(test, &f);
	skb_queue_head_init(&q);
	data = frag_data(test, n, 12);
	req = kunit_kmalloc(test, 8 + n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	len = anp_test_icmp_echo(req, ICMP_ECHO, 1, 2, data, n);
	spec.payload = req;
	spec.payload_len = len;
	KUNIT_ASSERT_EQ(test, anp_frag_output(f.an, anp_test_ip(test, &spec),
					      1500, frag_collect, &q), 0);
	anp_test_mib_snap(f.ctx);
	while ((skb = skb_dequeue(&q)))
		anp_test_ip_rcv(f.t2, skb);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_REQDS), 3);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_REASM_OKS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_ECHO_REPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_OKS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_CREATES), 3);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f.t2), 3);
	for (i = 0; i < 3; i++) {
		skb = anp_test_tx_pop(f.t2);
		KUNIT_ASSERT_TRUE(test, anp_test_expect_eth(test, skb,
							    f.peer_mac,
							    f.t2->ifc.host_mac,
							    htons(ETH_P_IP)));
		KUNIT_EXPECT_LE(test, skb->len, 1500);
		KUNIT_EXPECT_EQ(test, ntohl(ip_hdr(skb)->saddr), ntohl(HOST2));
		KUNIT_EXPECT_NULL(test, r);
		r = frag_reasm(&f, skb);
	}
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->len, 20 + len);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(r, 20, req, len), 0);
	KUNIT_EXPECT_EQ(test, req[0], ICMP_ECHOREPLY);
	ANP_TEST_EXPECT_MEMEQ(test, req + 8, data, n);
	kfree_skb(r);
}

/* A datagram over the MTU leaves without DF; one that fits, with. */
static void frag_ip_send_df(struct kunit *test)
{
	struct anp_ip_tx tx = { .daddr = PEER2, .protocol = PROTO_X };
	struct sk_buff *skb;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 65516, 13);
	KUNIT_EXPECT_EQ(test, anp_ip_send(f.an, anp_test_skb(test, data, 1480),
					  &tx), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f.t2), 1);
	skb = anp_test_tx_pop(f.t2);
	KUNIT_EXPECT_EQ(test, skb->len, ETH_HLEN + 1500);
	KUNIT_EXPECT_EQ(test, ntohs(((struct iphdr *)(skb->data +
						      ETH_HLEN))->frag_off),
			IP_DF);
	kfree_skb(skb);

	KUNIT_EXPECT_EQ(test, anp_ip_send(f.an, anp_test_skb(test, data, 1481),
					  &tx), 0);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f.t2), 2);
	skb = anp_test_tx_pop(f.t2);
	KUNIT_EXPECT_EQ(test, ntohs(((struct iphdr *)(skb->data +
						      ETH_HLEN))->frag_off),
			IP_MF);
	kfree_skb(skb);
	anp_test_tx_purge(f.t2);

	/* RFC 791 3.1: 65515 bytes of data fit, 65516 do not. */
	KUNIT_EXPECT_EQ(test, anp_ip_send(f.an, anp_test_skb(test, data, 65516),
					  &tx), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, anp_ip_send(f.an, anp_test_skb(test, data, 65515),
					  &tx), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 45);
	anp_test_tx_purge(f.t2);
}

static struct kunit_case anp_frag_cases[] = {
	KUNIT_CASE(frag_in_order),
	KUNIT_CASE(frag_reverse_order),
	KUNIT_CASE(frag_shuffled),
	KUNIT_CASE(frag_largest),
	KUNIT_CASE(frag_exact_duplicate),
	KUNIT_CASE_PARAM(frag_inconsistent, frag_bad_gen_params),
	KUNIT_CASE(frag_overlap_then_rest),
	KUNIT_CASE(frag_keys),
	KUNIT_CASE(frag_timeout_icmp),
	KUNIT_CASE(frag_memory_bound),
	KUNIT_CASE(frag_output_layout),
	KUNIT_CASE(frag_round_trip),
	KUNIT_CASE(frag_echo_through_ip),
	KUNIT_CASE(frag_ip_send_df),
	{}
};

static struct kunit_suite anp_frag_suite = {
	.name = "anp-frag",
	.init = anp_test_init,
	.exit = anp_test_exit,
	.test_cases = anp_frag_cases,
};

/* ---- local delivery -------------------------------------------------- */

static void loop_send_echo(struct kunit *test, struct frag_fix *f,
			   __be32 saddr, __be32 daddr, unsigned int n)
{
	u8 *req = kunit_kmalloc(test, 8 + n, GFP_KERNEL);
	u8 *data = frag_data(test, n, 14);
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, req);
	len = anp_test_icmp_echo(req, ICMP_ECHO, 3, 4, data, n);
	KUNIT_EXPECT_EQ(test, anp_ip_output(f->an, anp_test_skb(test, req, len),
					    saddr, daddr, IPPROTO_ICMP, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_loop_sync(f->an, LOOP_WAIT_MS), 0);
}

/* Echo to our own address: request and reply never touch the NIC. */
static void loop_echo_self(struct kunit *test)
{
	struct frag_fix f;

	frag_fix_setup(test, &f);
	loop_send_echo(test, &f, 0, HOST2, 56);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_ECHO_REPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHO_REPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_LOOP_PKTS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_DELIVERS), 2);
	/* Not NIC input: no IpInReceives, no error counter. */
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_RECEIVES), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_ADDR_ERRORS), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
}

/* RFC 1122 3.2.1.3: 127/8 stays inside; 64 KiB is not fragmented. */
static void loop_echo_loopback_large(struct kunit *test)
{
	struct frag_fix f;

	frag_fix_setup(test, &f);
	loop_send_echo(test, &f, 0, ANP_TEST_IP(127, 0, 0, 1), 65507);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ECHO_REPS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_LOOP_PKTS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_FRAG_CREATES), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
}

/* A broadcast goes out and a copy comes back (Linux ip_mc_output). */
static void loop_broadcast_copy(struct kunit *test)
{
	struct anp_ip_tx tx = {
		.daddr = BCAST2, .protocol = PROTO_X, .bcast_ok = true,
	};
	struct frag_fix f;

	frag_fix_setup(test, &f);
	KUNIT_EXPECT_EQ(test, anp_ip_send(f.an, anp_test_skb(test, "x", 1),
					  &tx), 0);
	KUNIT_ASSERT_EQ(test, anp_loop_sync(f.an, LOOP_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_LOOP_PKTS), 1);
	/* Delivered to the unknown protocol; no ICMP to a broadcast. */
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_UNKNOWN_PROTOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), 0);
	anp_test_tx_purge(f.t2);

	/* Without SO_BROADCAST: EACCES, nothing anywhere. */
	tx.bcast_ok = false;
	KUNIT_EXPECT_EQ(test, anp_ip_send(f.an, anp_test_skb(test, "x", 1),
					  &tx), -EACCES);
	KUNIT_ASSERT_EQ(test, anp_loop_sync(f.an, LOOP_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_LOOP_PKTS), 1);
}

/* Unknown protocol to ourselves: Protocol Unreachable back to us. */
static void loop_proto_unreach_self(struct kunit *test)
{
	struct frag_fix f;

	frag_fix_setup(test, &f);
	/* RFC 792: the quote needs 8 data bytes to be used on receipt. */
	KUNIT_EXPECT_EQ(test, anp_ip_output(f.an,
					    anp_test_skb(test, "abcdefgh", 8),
					    0, HOST2, PROTO_X, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_loop_sync(f.an, LOOP_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_UNKNOWN_PROTOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_DEST_UNREACHS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
}

static struct kunit_case anp_loop_cases[] = {
	KUNIT_CASE(loop_echo_self),
	KUNIT_CASE(loop_echo_loopback_large),
	KUNIT_CASE(loop_broadcast_copy),
	KUNIT_CASE(loop_proto_unreach_self),
	{}
};

static struct kunit_suite anp_loop_suite = {
	.name = "anp-loop",
	.init = anp_test_init,
	.exit = anp_test_exit,
	.test_cases = anp_loop_cases,
};

/* ---- ICMP errors ------------------------------------------------------ */

/* A datagram from saddr to daddr of protocol proto with len bytes. */
static struct sk_buff *icmp_offender(struct kunit *test, __be32 saddr,
				     __be32 daddr, u8 proto, u16 frag_off,
				     const void *payload, size_t len)
{
	struct anp_test_ip_spec spec = {
		.saddr = saddr, .daddr = daddr, .protocol = proto,
		.frag_off = frag_off, .payload = payload, .payload_len = len,
		.id = 0x4242,
	};

	return anp_test_ip(test, &spec);
}

static void icmp_send_one(struct frag_fix *f, struct sk_buff *skb, u8 type,
			  u8 code)
{
	local_bh_disable();
	anp_icmp_send(f->an, skb, type, code, 0);
	local_bh_enable();
	kfree_skb(skb);
}

/* RFC 792 / RFC 1812 4.3.2.3: the message and its quote. */
static void icmp_port_unreach_format(struct kunit *test)
{
	const struct icmphdr *ic;
	const struct iphdr *iph;
	struct sk_buff *skb, *in;
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 100, 15);
	in = icmp_offender(test, PEER2, HOST2, IPPROTO_UDP, 0, data, 100);
	icmp_send_one(&f, in, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_MSGS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), 1);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f.t2), 1);
	skb = anp_test_tx_pop(f.t2);
	KUNIT_ASSERT_TRUE(test, anp_test_expect_eth(test, skb, f.peer_mac,
						    f.t2->ifc.host_mac,
						    htons(ETH_P_IP)));
	iph = (const struct iphdr *)skb->data;
	KUNIT_EXPECT_EQ(test, ntohl(iph->saddr), ntohl(HOST2));
	KUNIT_EXPECT_EQ(test, ntohl(iph->daddr), ntohl(PEER2));
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), 20 + 8 + 20 + 100);
	ic = (const struct icmphdr *)(iph + 1);
	KUNIT_EXPECT_EQ(test, ic->type, ICMP_DEST_UNREACH);
	KUNIT_EXPECT_EQ(test, ic->code, ICMP_PORT_UNREACH);
	KUNIT_EXPECT_EQ(test, ic->un.gateway, 0);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_compute_csum(ic, 128), 0);
	ANP_TEST_EXPECT_MEMEQ(test, (const u8 *)(ic + 1) + 20, data, 100);
	KUNIT_EXPECT_EQ(test, ntohs(((const struct iphdr *)(ic + 1))->id),
			0x4242);
	kfree_skb(skb);
}

/* RFC 1122 3.2.2: the datagrams no error may answer. */
static void icmp_send_not_for(struct kunit *test)
{
	u8 err[8 + 28] = { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH };
	u8 echo[8 + 8];
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 64, 16);
	/* To a subnet broadcast, to the limited broadcast. */
	icmp_send_one(&f, icmp_offender(test, PEER2, BCAST2, IPPROTO_UDP, 0,
					data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	icmp_send_one(&f, icmp_offender(test, PEER2,
					ANP_TEST_IP(255, 255, 255, 255),
					IPPROTO_UDP, 0, data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	/* To a multicast group. */
	icmp_send_one(&f, icmp_offender(test, PEER2,
					ANP_TEST_IP(224, 0, 0, 1),
					IPPROTO_UDP, 0, data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	/* From 0.0.0.0, from a broadcast, from class E. */
	icmp_send_one(&f, icmp_offender(test, 0, HOST2, IPPROTO_UDP, 0,
					data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	icmp_send_one(&f, icmp_offender(test, BCAST2, HOST2, IPPROTO_UDP, 0,
					data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	icmp_send_one(&f, icmp_offender(test, ANP_TEST_IP(240, 0, 0, 1),
					HOST2, IPPROTO_UDP, 0, data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	/* A non-initial fragment. */
	icmp_send_one(&f, icmp_offender(test, PEER2, HOST2, IPPROTO_UDP, 1,
					data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	/* An ICMP error. */
	icmp_send_one(&f, icmp_offender(test, PEER2, HOST2, IPPROTO_ICMP, 0,
					err, sizeof(err)),
		      ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_MSGS), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_RATE_LIMITED), 0);

	/* A query may be answered; so may fragment 0. */
	anp_test_icmp_echo(echo, ICMP_ECHO, 1, 1, data, 8);
	icmp_send_one(&f, icmp_offender(test, PEER2, HOST2, IPPROTO_ICMP, 0,
					echo, sizeof(echo)),
		      ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	icmp_send_one(&f, icmp_offender(test, PEER2, HOST2, IPPROTO_UDP,
					IP_MF, data, 64),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 2);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), 2);
	anp_test_tx_purge(f.t2);
}

/* An empty bucket sends nothing and counts it. */
static void icmp_send_rate_limited(struct kunit *test)
{
	struct frag_fix f;
	u8 *data;

	frag_fix_setup(test, &f);
	data = frag_data(test, 8, 17);
	spin_lock_bh(&f.an->icmp_rl.lock);
	f.an->icmp_rl.tokens = 0;
	f.an->icmp_rl.stamp = jiffies + 3600 * HZ;
	spin_unlock_bh(&f.an->icmp_rl.lock);
	icmp_send_one(&f, icmp_offender(test, PEER2, HOST2, IPPROTO_UDP, 0,
					data, 8),
		      ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_RATE_LIMITED), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), 0);
}

/* Through anp_ip_rcv: unknown protocol and closed UDP port answered. */
static void icmp_unreach_from_rcv(struct kunit *test)
{
	struct udphdr uh = {
		.source = htons(40000), .dest = htons(9), .len = htons(8),
	};
	const struct icmphdr *ic;
	struct sk_buff *skb;
	struct frag_fix f;

	frag_fix_setup(test, &f);
	anp_test_ip_rcv(f.t2, icmp_offender(test, PEER2, HOST2, PROTO_X, 0,
					    "abcd", 4));
	/* RFC 768: checksum 0 is "none"; nobody holds port 9. */
	anp_test_ip_rcv(f.t2, icmp_offender(test, PEER2, HOST2, IPPROTO_UDP,
					    0, &uh, sizeof(uh)));
	/* To the broadcast: no answer (RFC 1122 3.2.2). */
	anp_test_ip_rcv(f.t2, icmp_offender(test, PEER2, BCAST2, IPPROTO_UDP,
					    0, &uh, sizeof(uh)));
	KUNIT_EXPECT_EQ(test, DELTA(&f, IP_IN_UNKNOWN_PROTOS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_OUT_DEST_UNREACHS), 2);
	KUNIT_ASSERT_EQ(test, anp_test_tx_count(f.t2), 2);
	skb = anp_test_tx_pop(f.t2);
	KUNIT_ASSERT_TRUE(test, anp_test_expect_eth(test, skb, f.peer_mac,
						    f.t2->ifc.host_mac,
						    htons(ETH_P_IP)));
	ic = (const struct icmphdr *)(skb->data + 20);
	KUNIT_EXPECT_EQ(test, ic->code, ICMP_PROT_UNREACH);
	kfree_skb(skb);
	skb = anp_test_tx_pop(f.t2);
	KUNIT_ASSERT_TRUE(test, anp_test_expect_eth(test, skb, f.peer_mac,
						    f.t2->ifc.host_mac,
						    htons(ETH_P_IP)));
	ic = (const struct icmphdr *)(skb->data + 20);
	KUNIT_EXPECT_EQ(test, ic->code, ICMP_PORT_UNREACH);
	kfree_skb(skb);
}

/* Received errors: the quote is checked, the type counted. */
static void icmp_err_rcv(struct kunit *test)
{
	u8 msg[8 + 24 + 8];
	struct icmphdr *ic = (struct icmphdr *)msg;
	struct iphdr *q = (struct iphdr *)(msg + 8);
	struct anp_test_ip_spec spec = {
		.saddr = PEER2, .daddr = HOST2, .protocol = IPPROTO_ICMP,
		.payload = msg,
	};
	struct frag_fix f;

	frag_fix_setup(test, &f);
	memset(msg, 0, sizeof(msg));
	ic->type = ICMP_DEST_UNREACH;
	ic->code = ICMP_PORT_UNREACH;
	q->version = 4;
	q->ihl = 5;
	q->protocol = IPPROTO_UDP;
	q->saddr = HOST2;
	q->daddr = PEER2;
	ic->checksum = ip_compute_csum(msg, 36);
	/* Header + 8 bytes: fine (nobody connected: nothing reported). */
	spec.payload_len = 36;
	anp_test_ip_rcv(f.t2, anp_test_ip(test, &spec));
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_DEST_UNREACHS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 0);

	/* Short quote: 7 bytes after the header. */
	ic->checksum = 0;
	ic->checksum = ip_compute_csum(msg, 35);
	spec.payload_len = 35;
	anp_test_ip_rcv(f.t2, anp_test_ip(test, &spec));
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 1);

	/* Quoted IHL 6 needs 4 more bytes; version 6 is not IPv4. */
	q->ihl = 6;
	ic->checksum = 0;
	ic->checksum = ip_compute_csum(msg, 36);
	spec.payload_len = 36;
	anp_test_ip_rcv(f.t2, anp_test_ip(test, &spec));
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 2);
	q->ihl = 5;
	q->version = 6;
	ic->type = ICMP_TIME_EXCEEDED;
	ic->code = 0;
	ic->checksum = 0;
	ic->checksum = ip_compute_csum(msg, 36);
	anp_test_ip_rcv(f.t2, anp_test_ip(test, &spec));
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_TIME_EXCDS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(&f, ICMP_IN_ERRORS), 3);
	/* Never an error in answer to an error. */
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
}

/* Linux's icmp_err_convert and __udp4_lib_err. */
static void icmp_err_errno_table(struct kunit *test)
{
	bool fatal;

	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_PORT_UNREACH, &fatal),
			ECONNREFUSED);
	KUNIT_EXPECT_TRUE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_PROT_UNREACH, &fatal),
			ENOPROTOOPT);
	KUNIT_EXPECT_TRUE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_NET_UNREACH, &fatal),
			ENETUNREACH);
	KUNIT_EXPECT_FALSE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_HOST_UNREACH, &fatal),
			EHOSTUNREACH);
	KUNIT_EXPECT_FALSE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_HOST_UNKNOWN, &fatal),
			EHOSTDOWN);
	KUNIT_EXPECT_TRUE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_PKT_FILTERED, &fatal),
			EHOSTUNREACH);
	KUNIT_EXPECT_TRUE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH,
						 ICMP_FRAG_NEEDED, &fatal),
			EMSGSIZE);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_DEST_UNREACH, 200,
						 &fatal), EHOSTUNREACH);
	KUNIT_EXPECT_FALSE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_TIME_EXCEEDED,
						 ICMP_EXC_FRAGTIME, &fatal),
			EHOSTUNREACH);
	KUNIT_EXPECT_FALSE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_PARAMETERPROB, 0,
						 &fatal), EPROTO);
	KUNIT_EXPECT_TRUE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_SOURCE_QUENCH, 0,
						 &fatal), 0);
	KUNIT_EXPECT_FALSE(test, fatal);
	KUNIT_EXPECT_EQ(test, anp_icmp_err_errno(ICMP_ECHO, 0, &fatal), 0);
}

static struct kunit_case anp_icmp_cases[] = {
	KUNIT_CASE(icmp_port_unreach_format),
	KUNIT_CASE(icmp_send_not_for),
	KUNIT_CASE(icmp_send_rate_limited),
	KUNIT_CASE(icmp_unreach_from_rcv),
	KUNIT_CASE(icmp_err_rcv),
	KUNIT_CASE(icmp_err_errno_table),
	{}
};

static struct kunit_suite anp_icmp_suite = {
	.name = "anp-icmp",
	.init = anp_test_init,
	.exit = anp_test_exit,
	.test_cases = anp_icmp_cases,
};

kunit_test_suites(&anp_frag_suite, &anp_loop_suite, &anp_icmp_suite);
