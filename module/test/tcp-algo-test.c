// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP algorithms of tcp_algo.h, driven with worked examples and
 * crafted segments (the style of smoltcp's tcp.rs tests): sequence
 * arithmetic at the wrap, ISNs (RFC 6528), acceptability (RFC 9293
 * 3.10.7.4), RFC 5961 verdicts, Nagle and silly-window decisions
 * (RFC 1122 4.2.3.3, 4.2.3.4), the RFC 6298
 * estimator, NewReno (RFC 5681, 6582, 6928), the out-of-order queue
 * and the options (RFC 9293 3.2, RFC 7323, RFC 2018).
 *
 * None of it needs a host: every function is a function of its
 * arguments or of a state struct the test owns.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "../tcp_algo.h"

/* ---- sequence space ------------------------------------------------- */

static void seq_wrap(struct kunit *test)
{
	/* RFC 9293 3.4: 2^32 - 1 comes just before 0. */
	KUNIT_EXPECT_TRUE(test, anp_seq_before(0xffffffffU, 0));
	KUNIT_EXPECT_FALSE(test, anp_seq_before(0, 0xffffffffU));
	KUNIT_EXPECT_TRUE(test, anp_seq_after(0, 0xffffffffU));
	KUNIT_EXPECT_TRUE(test, anp_seq_after(0x10, 0xfffffff0U));
	KUNIT_EXPECT_FALSE(test, anp_seq_before(5, 5));
	KUNIT_EXPECT_FALSE(test, anp_seq_after(5, 5));
	KUNIT_EXPECT_TRUE(test, anp_seq_leq(5, 5));
	KUNIT_EXPECT_TRUE(test, anp_seq_geq(5, 5));
	KUNIT_EXPECT_TRUE(test, anp_seq_leq(0xffffffffU, 0));
	KUNIT_EXPECT_FALSE(test, anp_seq_geq(0xffffffffU, 0));
	KUNIT_EXPECT_TRUE(test, anp_seq_geq(0, 0xffffffffU));
	/* Half the space away is the limit of the comparison. */
	KUNIT_EXPECT_TRUE(test, anp_seq_before(0, 0x7fffffffU));
	KUNIT_EXPECT_TRUE(test, anp_seq_after(0, 0x80000001U));

	/* [0xfffffff0, 0x10] straddles the wrap. */
	KUNIT_EXPECT_TRUE(test, anp_seq_between(0xfffffff0U, 0xfffffff0U, 0x10));
	KUNIT_EXPECT_TRUE(test, anp_seq_between(0xffffffffU, 0xfffffff0U, 0x10));
	KUNIT_EXPECT_TRUE(test, anp_seq_between(0, 0xfffffff0U, 0x10));
	KUNIT_EXPECT_TRUE(test, anp_seq_between(0x10, 0xfffffff0U, 0x10));
	KUNIT_EXPECT_FALSE(test, anp_seq_between(0x11, 0xfffffff0U, 0x10));
	KUNIT_EXPECT_FALSE(test, anp_seq_between(0xffffffefU, 0xfffffff0U,
						 0x10));
	KUNIT_EXPECT_TRUE(test, anp_seq_between(7, 7, 7));
	KUNIT_EXPECT_FALSE(test, anp_seq_between(8, 7, 7));
}

/* ---- ISN (RFC 6528) ------------------------------------------------- */

#define ISN_A	cpu_to_be32(0x0a000001)
#define ISN_B	cpu_to_be32(0x0a000002)
#define ISN_PA	htons(40000)
#define ISN_PB	htons(80)

static void isn_per_tuple(struct kunit *test)
{
	u64 t = 123456789000ULL;
	u32 base = anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB, t);

	/* Deterministic for one tuple at one instant. */
	KUNIT_EXPECT_EQ(test, anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB, t),
			base);
	/* Every field of the 4-tuple is an input of F (RFC 6528 3). */
	KUNIT_EXPECT_NE(test, anp_tcp_isn_at(ISN_B, ISN_B, ISN_PA, ISN_PB, t),
			base);
	KUNIT_EXPECT_NE(test, anp_tcp_isn_at(ISN_A, ISN_A, ISN_PA, ISN_PB, t),
			base);
	KUNIT_EXPECT_NE(test, anp_tcp_isn_at(ISN_A, ISN_B, htons(40001),
					     ISN_PB, t), base);
	KUNIT_EXPECT_NE(test, anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, htons(81),
					     t), base);
	/* The direction matters: the peer's view is another tuple. */
	KUNIT_EXPECT_NE(test, anp_tcp_isn_at(ISN_B, ISN_A, ISN_PB, ISN_PA, t),
			base);
}

static void isn_clock(struct kunit *test)
{
	u64 t = 4000ULL * 1000000;	/* a multiple of 4 us */
	u32 a = anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB, t);
	u32 b, c;

	/* RFC 6528 3: M ticks once every 4 microseconds. */
	KUNIT_EXPECT_EQ(test, anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB,
					     t + 3999) - a, 0U);
	KUNIT_EXPECT_EQ(test, anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB,
					     t + 4000) - a, 1U);
	KUNIT_EXPECT_EQ(test, anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB,
					     t + NSEC_PER_SEC) - a, 250000U);
	/* M wraps with the sequence space, the distance stays right. */
	t = 4000ULL * 0xffffffffULL;
	a = anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB, t);
	KUNIT_EXPECT_EQ(test, anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB,
					     t + 8000) - a, 2U);

	/* The real clock moves forward, at most 250000 per second. */
	b = anp_tcp_isn(ISN_A, ISN_B, ISN_PA, ISN_PB);
	c = anp_tcp_isn(ISN_A, ISN_B, ISN_PA, ISN_PB);
	KUNIT_EXPECT_TRUE(test, anp_seq_geq(c, b));
	KUNIT_EXPECT_LT(test, c - b, 250000U * 60);
}

static void isn_keyed(struct kunit *test)
{
	static const siphash_key_t k1 = { { 1, 2 } }, k2 = { { 3, 4 } };
	static const siphash_key_t zero = { { 0, 0 } };
	u32 d1, d2;

	/* Two keys, two unrelated ISNs for one tuple and instant. */
	KUNIT_EXPECT_NE(test,
			anp_tcp_isn_keyed(&k1, ISN_A, ISN_B, ISN_PA, ISN_PB, 0),
			anp_tcp_isn_keyed(&k2, ISN_A, ISN_B, ISN_PA, ISN_PB, 0));
	/*
	 * Not a counter: consecutive ports do not give equally spaced ISNs
	 * (an offset linear in the port would).
	 */
	d1 = anp_tcp_isn_keyed(&k1, ISN_A, ISN_B, htons(40001), ISN_PB, 0) -
	     anp_tcp_isn_keyed(&k1, ISN_A, ISN_B, htons(40000), ISN_PB, 0);
	d2 = anp_tcp_isn_keyed(&k1, ISN_A, ISN_B, htons(40002), ISN_PB, 0) -
	     anp_tcp_isn_keyed(&k1, ISN_A, ISN_B, htons(40001), ISN_PB, 0);
	KUNIT_EXPECT_NE(test, d1, d2);
	/* anp_tcp_isn_at keys with a drawn secret, not an all-zero key. */
	KUNIT_EXPECT_NE(test,
			anp_tcp_isn_at(ISN_A, ISN_B, ISN_PA, ISN_PB, 0),
			anp_tcp_isn_keyed(&zero, ISN_A, ISN_B, ISN_PA, ISN_PB,
					  0));
}

/* ---- acceptability (RFC 9293 3.10.7.4) ------------------------------ */

static void seq_acceptable_table(struct kunit *test)
{
	/* Length 0, window 0: only SEG.SEQ = RCV.NXT. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(1000, 0, 1000, 0));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(999, 0, 1000, 0));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(1001, 0, 1000, 0));
	/* Length > 0, window 0: never. */
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(1000, 1, 1000, 0));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(999, 2, 1000, 0));
	/* Length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(1000, 0, 1000, 100));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(1099, 0, 1000, 100));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(1100, 0, 1000, 100));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(999, 0, 1000, 100));
	/* Length > 0, window > 0: first or last octet in the window. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(1000, 10, 1000, 100));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(990, 10, 1000, 100));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(990, 11, 1000, 100));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(1099, 50, 1000, 100));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(1100, 1, 1000, 100));
	/*
	 * Covering the whole window (neither end inside it): acceptable,
	 * as Linux's tcp_sequence(); one ending just short of it is not.
	 */
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(990, 200, 1000, 100));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(999, 102, 1000, 100));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(900, 100, 1000, 100));
	/* Across the wrap: window [0xffffffc0, 0x40). */
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(0x10, 0, 0xffffffc0U,
						       0x80));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(0x40, 0, 0xffffffc0U,
							0x80));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(0xffffffb0U, 0x20,
						       0xffffffc0U, 0x80));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(0xffffffb0U, 0x10,
							0xffffffc0U, 0x80));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(0x3f, 0x100,
						       0xffffffc0U, 0x80));
	KUNIT_EXPECT_TRUE(test, anp_tcp_seq_acceptable(0xffffff00U, 0x200,
						       0xffffffc0U, 0x80));
	KUNIT_EXPECT_FALSE(test, anp_tcp_seq_acceptable(0xffffff00U, 0xc0,
							0xffffffc0U, 0x80));
}

/* ---- RFC 5961 ------------------------------------------------------- */

static void rst_check_edges(struct kunit *test)
{
	/* RFC 5961 3.2: exact match resets, in window challenges. */
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(1000, 1000, 100),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(1001, 1000, 100),
			ANP_TCP_CHALLENGE);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(1099, 1000, 100),
			ANP_TCP_CHALLENGE);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(1100, 1000, 100),
			ANP_TCP_DROP);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(999, 1000, 100),
			ANP_TCP_DROP);
	/* A zero window: only RCV.NXT itself. */
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(1000, 1000, 0),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(1001, 1000, 0),
			ANP_TCP_DROP);
	/* Across the wrap: window [0xfffffff0, 0x10). */
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(0xfffffff0U, 0xfffffff0U, 0x20),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(5, 0xfffffff0U, 0x20),
			ANP_TCP_CHALLENGE);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(0xf, 0xfffffff0U, 0x20),
			ANP_TCP_CHALLENGE);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(0x10, 0xfffffff0U, 0x20),
			ANP_TCP_DROP);
	KUNIT_EXPECT_EQ(test, anp_tcp_rst_check(0xffffffefU, 0xfffffff0U,
						0x20), ANP_TCP_DROP);
	/* RFC 5961 4.2: any SYN in a synchronized state. */
	KUNIT_EXPECT_EQ(test, anp_tcp_syn_check(), ANP_TCP_CHALLENGE);
}

static void ack_check_edges(struct kunit *test)
{
	/* RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT. */
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(1000, 1000, 2000, 500),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(1500, 1000, 2000, 500),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(2000, 1000, 2000, 500),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(2001, 1000, 2000, 500),
			ANP_TCP_CHALLENGE);
	/* Old duplicates down to SND.UNA - MAX.SND.WND. */
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(500, 1000, 2000, 500),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(499, 1000, 2000, 500),
			ANP_TCP_CHALLENGE);
	/* Nothing outstanding, no window ever offered. */
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(1000, 1000, 1000, 0),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(999, 1000, 1000, 0),
			ANP_TCP_CHALLENGE);
	/* Across the wrap: range [0xffffff00, 0x300]. */
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(0xffffff00U, 0x100, 0x300,
						0x200), ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(0xfffffeffU, 0x100, 0x300,
						0x200), ANP_TCP_CHALLENGE);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(0, 0x100, 0x300, 0x200),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(0x300, 0x100, 0x300, 0x200),
			ANP_TCP_ACCEPT);
	KUNIT_EXPECT_EQ(test, anp_tcp_ack_check(0x301, 0x100, 0x300, 0x200),
			ANP_TCP_CHALLENGE);
}

/* Count how many of n requests at now the limiter grants. */
/* ---- sender: RFC 1122 4.2.3.4 and Nagle (RFC 896) ------------------- */

static void send_ok_clauses(struct kunit *test)
{
	const u32 mss = 1000, wnd = 10000;

	/* (1) a full-sized segment, whatever is in flight. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(1000, mss, false, true, false,
						wnd, false));
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(1500, mss, true, true, false,
						wnd, false));
	/* (2) pushed, all of it, nothing in flight (Nagle satisfied). */
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(500, mss, true, false, false,
						wnd, false));
	/* Nagle: a small segment waits while data is unacknowledged ... */
	KUNIT_EXPECT_FALSE(test, anp_tcp_send_ok(500, mss, true, true, false,
						 wnd, false));
	/* ... unless TCP_NODELAY. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(500, mss, true, true, true,
						wnd, false));
	/* Not all of the queue fits (window-limited): SWS avoidance waits. */
	KUNIT_EXPECT_FALSE(test, anp_tcp_send_ok(500, mss, false, false, true,
						 wnd, false));
	KUNIT_EXPECT_FALSE(test, anp_tcp_send_ok(999, mss, false, false, false,
						 wnd, false));
	/* (3) half the largest window the peer offered (Fs = 1/2). */
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(500, mss, false, true, false,
						1000, false));
	KUNIT_EXPECT_FALSE(test, anp_tcp_send_ok(499, mss, false, true, false,
						 1000, false));
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(5000, 9000, false, true, false,
						wnd, false));
	KUNIT_EXPECT_FALSE(test, anp_tcp_send_ok(4999, 9000, false, true,
						 false, wnd, false));
	/* No window ever offered: (3) does not apply. */
	KUNIT_EXPECT_FALSE(test, anp_tcp_send_ok(10, mss, false, false, false,
						 0, false));
	/* (4) the override timer fired. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_send_ok(10, mss, false, true, false,
						wnd, true));
}

/* ---- receiver: RFC 1122 4.2.3.3 ------------------------------------- */

/* No window scale: the field's 65535 is the cap. */
static u32 rcv_wnd16(u32 free, u32 cur, u32 mss, u32 rcv_buf)
{
	return anp_tcp_rcv_wnd_select(free, cur, mss, rcv_buf, 65535U);
}

static void rcv_wnd_cases(struct kunit *test)
{
	/* mss 1460, rcv_buf 64 KiB: the step is min(32768, 1460) = 1460. */
	KUNIT_EXPECT_EQ(test, rcv_wnd16(1459, 0, 1460, 65536), 0U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(1460, 0, 1460, 65536),
			1460U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(11459, 10000, 1460, 65536),
			10000U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(11460, 10000, 1460, 65536),
			11460U);
	/* Less free space than the open window: never shrink. */
	KUNIT_EXPECT_EQ(test, rcv_wnd16(5000, 10000, 1460, 65536),
			10000U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(0, 10000, 1460, 65536),
			10000U);
	/* The 16-bit window field. */
	KUNIT_EXPECT_EQ(test, rcv_wnd16(200000, 0, 1460, 262144),
			65535U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(200000, 65535, 1460, 262144), 65535U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(70000, 65000, 1460, 262144), 65535U);
	/* RFC 7323 2.3: scaled by 7, the field's 65535 means 8388480. */
	KUNIT_EXPECT_EQ(test, anp_tcp_rcv_wnd_select(200000, 0, 1460, 262144,
						     65535U << 7), 200000U);
	KUNIT_EXPECT_EQ(test, anp_tcp_rcv_wnd_select(9000000, 0, 1460,
						     18000000, 65535U << 7),
			65535U << 7);
	/* A small buffer: the step is half of it (2000 / 2 = 1000). */
	KUNIT_EXPECT_EQ(test, rcv_wnd16(999, 0, 1460, 2000), 0U);
	KUNIT_EXPECT_EQ(test, rcv_wnd16(1000, 0, 1460, 2000),
			1000U);
}

/*
 * A reader drains a 64 KiB buffer unevenly while a sender keeps it
 * full: each advertised window is the last one or a step of at least
 * min(rcv_buf / 2, mss) beyond it (or the 65535 cap), never less.
 */
static void rcv_wnd_sweep(struct kunit *test)
{
	const u32 buf = 65536, mss = 1460, step = 1460;
	u32 used = 0, cur = 0, i, bad = 0;

	for (i = 0; i < 2000; i++) {
		u32 w;

		/* The sender fills what was offered, the reader eats some. */
		used = min(buf, used + cur);
		cur = 0;
		used -= min(used, (i * 37) % 3001);
		w = rcv_wnd16(buf - used, cur, mss, buf);
		if (w < cur || (w != cur && w - cur < step && w != 65535))
			bad++;
		cur = w;
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	/* Same rule, window left partly open between steps. */
	for (i = 0, cur = 3000, used = 0; i < 2000; i++) {
		u32 free = (i * 113) % 70000, w;

		w = rcv_wnd16(free, cur, mss, buf);
		if (w < cur || (w != cur && w - cur < step && w != 65535))
			bad++;
		if (w != cur && w != min(free, 65535U))
			bad++;
		cur = w - min(w, (i * 7) % 500);
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

static struct kunit_case anp_tcp_seq_cases[] = {
	KUNIT_CASE(seq_wrap),
	KUNIT_CASE(isn_per_tuple),
	KUNIT_CASE(isn_clock),
	KUNIT_CASE(isn_keyed),
	KUNIT_CASE(seq_acceptable_table),
	KUNIT_CASE(rst_check_edges),
	KUNIT_CASE(ack_check_edges),
	KUNIT_CASE(send_ok_clauses),
	KUNIT_CASE(rcv_wnd_cases),
	KUNIT_CASE(rcv_wnd_sweep),
	{}
};

static struct kunit_suite anp_tcp_seq_suite = {
	.name = "anp-tcp-seq",
	.test_cases = anp_tcp_seq_cases,
};

/* ---- RFC 6298 estimator --------------------------------------------- */

#define G_US	(USEC_PER_SEC / HZ)

static void rto_first_sample(struct kunit *test)
{
	struct anp_rtt r;

	anp_rtt_init(&r);
	/* RFC 6298 2.1: 1 s before any sample. */
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 1000000U);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 0U);
	/* 2.2: R = 100 ms: SRTT 100 ms, RTTVAR 50 ms, RTO 100 + 4*50. */
	anp_rtt_sample(&r, 100000);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 100000U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 50000U);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 300000U);
}

static void rto_later_samples(struct kunit *test)
{
	struct anp_rtt r;

	anp_rtt_init(&r);
	anp_rtt_sample(&r, 100000);
	/*
	 * 2.3, R' = 200 ms (RTTVAR first, with the old SRTT):
	 * RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 200000| = 37500 + 25000
	 *        = 62500
	 * SRTT   = 7/8 * 100000 + 1/8 * 200000 = 87500 + 25000 = 112500
	 * RTO    = 112500 + 4 * 62500 = 362500
	 */
	anp_rtt_sample(&r, 200000);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 62500U);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 112500U);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 362500U);
	/*
	 * R' = 112500 = SRTT: RTTVAR = 3/4 * 62500 = 46875, SRTT stays,
	 * RTO = 112500 + 187500 = 300000.
	 */
	anp_rtt_sample(&r, 112500);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 46875U);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 112500U);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 300000U);
	/*
	 * R' = 40500: |112500 - 40500| = 72000;
	 * RTTVAR = (3 * 46875 + 72000) / 4 = 212625 / 4 = 53156 (floor)
	 * SRTT = (7 * 112500 + 40500) / 8 = 828000 / 8 = 103500
	 * RTO = 103500 + 4 * 53156 = 316124
	 */
	anp_rtt_sample(&r, 40500);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 53156U);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 103500U);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 316124U);
}

static void rto_clamps(struct kunit *test)
{
	struct anp_rtt r;
	int i;

	/* 10 ms: 10000 + 4 * 5000 = 30 ms, raised to the 200 ms minimum. */
	anp_rtt_init(&r);
	anp_rtt_sample(&r, 10000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MIN_US);
	/* 100 s: 100 + 4 * 50 = 300 s, cut to the 120 s maximum (2.5). */
	anp_rtt_init(&r);
	anp_rtt_sample(&r, 100000000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MAX_US);
	/*
	 * G: a steady 300 ms path decays RTTVAR to 0 (x -> 3x/4, floor),
	 * leaving RTO = SRTT + max(G, 0) = 300 ms + one jiffy.
	 */
	anp_rtt_init(&r);
	for (i = 0; i < 64; i++)
		anp_rtt_sample(&r, 300000);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 0U);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 300000U + G_US);
	/* A 0 us sample still counts as the first one. */
	anp_rtt_init(&r);
	anp_rtt_sample(&r, 0);
	KUNIT_EXPECT_NE(test, r.srtt_us, 0U);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MIN_US);
	anp_rtt_sample(&r, 9);
	/* Second-sample rule: SRTT = (7 * 1 + 9) / 8 = 2. */
	KUNIT_EXPECT_EQ(test, r.srtt_us, 2U);
}

static void rto_backoff(struct kunit *test)
{
	struct anp_rtt r;
	int i;

	anp_rtt_init(&r);
	/* RFC 6298 5.5: 1 s, 2 s, 4 s ... 64 s, then 120 s (not 128). */
	for (i = 1; i <= 6; i++) {
		anp_rtt_backoff(&r);
		KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 1000000U << i);
	}
	anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MAX_US);
	for (i = 0; i < 100; i++)
		anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MAX_US);
	KUNIT_EXPECT_LE(test, (int)r.backoff, 7);

	/* 5.7: a new sample restores the computed RTO. */
	anp_rtt_sample(&r, 100000);
	KUNIT_EXPECT_EQ(test, (int)r.backoff, 0);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 300000U);
	anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 600000U);
	anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 1200000U);
	/* 300 ms * 2^8 = 76.8 s, * 2^9 = 153.6 s -> 120 s. */
	for (i = 0; i < 6; i++)
		anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 76800000U);
	anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MAX_US);
	/* SRTT 100 ms, RTTVAR 3/4 * 50 ms: the second-sample formula. */
	anp_rtt_sample(&r, 100000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 100000U + 4 * 37500U);
}

/* A route's rto_min (Linux's RTAX_RTO_MIN) replaces the 200 ms floor. */
static void rto_route_min(struct kunit *test)
{
	struct anp_rtt r;

	anp_rtt_init(&r);
	KUNIT_EXPECT_EQ(test, r.rto_min_us, ANP_TCP_RTO_MIN_US);

	/*
	 * rto_min 10 ms, R = 1 ms: 1 ms + max(G, 4 * 0.5 ms) is below
	 * 10 ms unless a jiffy is longer than 9 ms (HZ 100): the floor.
	 */
	r.rto_min_us = 10000;
	anp_rtt_sample(&r, 1000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r),
			max_t(u32, 10000, 1000 + max_t(u32, G_US, 2000)));
	/* RFC 6298 5.5 doubles from there. */
	anp_rtt_backoff(&r);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r),
			2 * max_t(u32, 10000, 1000 + max_t(u32, G_US, 2000)));

	/* R = 50 ms: 50 + 4 * 25 = 150 ms, above 10 ms, below 200 ms. */
	anp_rtt_init(&r);
	r.rto_min_us = 10000;
	anp_rtt_sample(&r, 50000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 150000U);
	/* The same path without the route's minimum: 200 ms. */
	anp_rtt_init(&r);
	anp_rtt_sample(&r, 50000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MIN_US);

	/* A minimum above 200 ms raises the RTO as well: 150 -> 500 ms. */
	anp_rtt_init(&r);
	r.rto_min_us = 500000;
	anp_rtt_sample(&r, 50000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), 500000U);
	/* ... and the 120 s maximum still caps it (2.5). */
	r.rto_min_us = ANP_TCP_RTO_MAX_US;
	anp_rtt_sample(&r, 50000);
	KUNIT_EXPECT_EQ(test, anp_rtt_rto(&r), ANP_TCP_RTO_MAX_US);
}

static struct kunit_case anp_tcp_rto_cases[] = {
	KUNIT_CASE(rto_first_sample),
	KUNIT_CASE(rto_later_samples),
	KUNIT_CASE(rto_clamps),
	KUNIT_CASE(rto_backoff),
	KUNIT_CASE(rto_route_min),
	{}
};

static struct kunit_suite anp_tcp_rto_suite = {
	.name = "anp-tcp-rto",
	.test_cases = anp_tcp_rto_cases,
};

/* ---- NewReno (RFC 5681, RFC 6582, RFC 6928) ------------------------- */

#define MSS	1000U

/* A new cumulative ACK: ack, acked bytes, flight before it. */
static enum anp_cc_verdict cc_new(struct anp_cc *cc, u32 ack, u32 acked,
				  u32 flight, u32 snd_nxt)
{
	struct anp_cc_ack a = {
		.ack = ack, .snd_una = ack - acked, .snd_nxt = snd_nxt,
		.acked = acked, .flight = flight,
	};

	return cc->ops->ack(cc, &a);
}

/* A duplicate ACK (RFC 5681 2) of snd_una. */
static enum anp_cc_verdict cc_dup(struct anp_cc *cc, u32 snd_una,
				  u32 flight, u32 snd_nxt)
{
	struct anp_cc_ack a = {
		.ack = snd_una, .snd_una = snd_una, .snd_nxt = snd_nxt,
		.flight = flight, .dup = true,
	};

	return cc->ops->ack(cc, &a);
}

static void cc_start(struct anp_cc *cc, u32 mss)
{
	cc->ops = &anp_cc_newreno;
	cc->ops->init(cc, mss);
}

/* An ACK with SACK on (RFC 6675): lost is IsLost(HighACK + 1). */
static enum anp_cc_verdict cc_sack(struct anp_cc *cc, u32 ack, u32 acked,
				   u32 flight, u32 snd_nxt, bool lost)
{
	struct anp_cc_ack a = {
		.ack = ack, .snd_una = ack - acked, .snd_nxt = snd_nxt,
		.acked = acked, .flight = flight, .dup = !acked, .sack = true,
		.lost = lost,
	};

	return cc->ops->ack(cc, &a);
}

/*
 * RFC 6675 5: with SACK, recovery starts at the third duplicate or as
 * soon as the scoreboard calls the first segment lost; cwnd = ssthresh
 * with no inflation by duplicates and no deflation by partial ACKs
 * (pipe counts what left); the full ACK ends it.
 */
static void cc_sack_recovery(struct kunit *test)
{
	struct anp_cc cc;

	cc_start(&cc, MSS);
	cc.cwnd = 20000;
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 5000, 0, 20000, 25000, false),
			ANP_CC_NONE);
	/* The second duplicate, and its SACK blocks make 5000 lost. */
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 5000, 0, 20000, 25000, true),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10000U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	KUNIT_EXPECT_EQ(test, cc.recover, 25000U);
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 5000, 0, 20000, 25000, true),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	/* A partial ACK: the next is presumed lost; no window change. */
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 8000, 3000, 17000, 25000, false),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 25000, 17000, 17000, 25000, false),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	/* An ACK that moves SND.UNA and leaves a lost segment: recovery. */
	cc.cwnd = 20000;
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 27000, 2000, 20000, 45000, true),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.recover, 45000U);
	/* Not from LOSS: the RTO's go-back-N runs its course. */
	cc_start(&cc, MSS);
	cc.ops->timeout(&cc, 20000, 25000);
	KUNIT_EXPECT_EQ(test, cc_sack(&cc, 6000, 1000, 20000, 25000, true),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_LOSS);
}

static void cc_initial_window(struct kunit *test)
{
	struct anp_cc cc;

	/* RFC 6928 2: min(10 * MSS, max(2 * MSS, 14600)). */
	KUNIT_EXPECT_EQ(test, anp_cc_initial_window(536), 5360U);
	KUNIT_EXPECT_EQ(test, anp_cc_initial_window(1460), 14600U);
	KUNIT_EXPECT_EQ(test, anp_cc_initial_window(4380), 14600U);
	KUNIT_EXPECT_EQ(test, anp_cc_initial_window(9000), 18000U);
	cc_start(&cc, 1460);
	KUNIT_EXPECT_STREQ(test, cc.ops->name, "newreno");
	KUNIT_EXPECT_EQ(test, cc.mss, 1460U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 14600U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, ANP_CC_INFINITE_SSTHRESH);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 4600, true), 10000U);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 20000, true), 0U);
}

static void cc_slow_start(struct kunit *test)
{
	struct anp_cc_ack upd = { .ack = 5500, .snd_una = 5500,
				  .snd_nxt = 12000, .flight = 6500 };
	struct anp_cc cc;

	cc_start(&cc, MSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	/* RFC 5681 3.1 (2): + min(N, SMSS) per ACK. */
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 2000, 1000, 10000, 11000),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11000U);
	cc_new(&cc, 5000, 3000, 10000, 12000);	/* a stretch ACK */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12000U);
	cc_new(&cc, 5500, 500, 10000, 12000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12500U);
	/* A window update (not a duplicate, nothing acked) changes nothing. */
	KUNIT_EXPECT_EQ(test, cc.ops->ack(&cc, &upd), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12500U);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
}

static void cc_congestion_avoidance(struct kunit *test)
{
	struct anp_cc cc;
	u32 i, ack = 0;

	cc_start(&cc, MSS);
	cc.ssthresh = 10000;
	/* cwnd = ssthresh: congestion avoidance, one SMSS per cwnd acked. */
	for (i = 0; i < 9; i++) {
		ack += 1000;
		cc_new(&cc, ack, 1000, 10000, ack + 10000);
	}
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	ack += 1000;
	cc_new(&cc, ack, 1000, 10000, ack + 10000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11000U);
	/* The next RTT: 11 segments for the next SMSS. */
	for (i = 0; i < 10; i++) {
		ack += 1000;
		cc_new(&cc, ack, 1000, 11000, ack + 11000);
	}
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11000U);
	ack += 1000;
	cc_new(&cc, ack, 1000, 11000, ack + 11000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12000U);
	/*
	 * RFC 3465: delayed ACKs (two segments each) grow it as fast: six
	 * ACKs of 2000 bytes are 12000 = cwnd.
	 */
	for (i = 0; i < 5; i++) {
		ack += 2000;
		cc_new(&cc, ack, 2000, 12000, ack + 12000);
	}
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12000U);
	ack += 2000;
	cc_new(&cc, ack, 2000, 12000, ack + 12000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13000U);
}

static void cc_fast_recovery(struct kunit *test)
{
	struct anp_cc cc;

	cc_start(&cc, MSS);
	cc.cwnd = 20000;
	/* 20 segments out: [5000, 25000); 5000 is lost. */
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 5000, 20000, 25000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 5000, 20000, 25000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20000U);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	/* RFC 5681 3.2: the third duplicate. */
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 5000, 20000, 25000),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10000U);	/* 20000 / 2 */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13000U);		/* + 3 * SMSS */
	KUNIT_EXPECT_EQ(test, cc.recover, 25000U);
	/* Step 4: inflation per further duplicate, no retransmission. */
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 5000, 20000, 25000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 14000U);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 5000, 20000, 26000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 15000U);
	/*
	 * RFC 6582 3.2 step 5, partial ACK of 3000 (< recover): retransmit,
	 * cwnd = 15000 - 3000 + SMSS = 13000.
	 */
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 8000, 3000, 21000, 26000),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13000U);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_RECOVERY);
	/* A partial ACK under one SMSS: no SMSS added back. */
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 8500, 500, 18000, 26000),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12500U);
	/* Step 3: the full ACK (>= recover) exits to ssthresh. */
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 25000, 16500, 17500, 26000),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10000U);
	KUNIT_EXPECT_EQ(test, (int)cc.dupacks, 0);
	/* Back in congestion avoidance. */
	cc_new(&cc, 26000, 1000, 1000, 26000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	KUNIT_EXPECT_EQ(test, cc.bytes_acked, 1000U);
}

static void cc_fast_recovery_edges(struct kunit *test)
{
	struct anp_cc cc;

	/* ssthresh is at least 2 * SMSS: flight 3000 -> 2000, cwnd 5000. */
	cc_start(&cc, MSS);
	cc_dup(&cc, 100, 3000, 3100);
	cc_dup(&cc, 100, 3000, 3100);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 100, 3000, 3100),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2000U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5000U);
	/* A full ACK beyond recover (new data sent in recovery) exits. */
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 3600, 3500, 5000, 5100),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);

	/* A new ACK between duplicates starts the count again. */
	cc_start(&cc, MSS);
	cc_dup(&cc, 100, 10000, 10100);
	cc_dup(&cc, 100, 10000, 10100);
	cc_new(&cc, 1100, 1000, 10000, 10100);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 1100, 9000, 10100), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 1100, 9000, 10100), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 1100, 9000, 10100),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 4500U);

	/* Across the wrap: recover = 0x3000, una 0xfffff000. */
	cc_start(&cc, MSS);
	cc.cwnd = 16384;
	cc_dup(&cc, 0xfffff000U, 16384, 0x3000);
	cc_dup(&cc, 0xfffff000U, 16384, 0x3000);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 0xfffff000U, 16384, 0x3000),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 0x800, 0x1800, 16384, 0x3000),
			ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc_new(&cc, 0x3000, 0x2800, 0x2800, 0x3000),
			ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8192U);
}

static void cc_timeout(struct kunit *test)
{
	struct anp_cc cc;

	cc_start(&cc, MSS);
	cc.cwnd = 20000;
	/* RFC 5681 3.1 (4) and the loss window. */
	cc.ops->timeout(&cc, 16000, 30000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 8000U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_LOSS);
	/* Slow start again. */
	cc_new(&cc, 15000, 1000, 16000, 30000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2000U);
	/* Duplicates of data sent before the RTO: no fast retransmit. */
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 15000, 15000, 30000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 15000, 15000, 30000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 15000, 15000, 30000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2000U);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_LOSS);
	/* Timer again before that data is acked: ssthresh held. */
	cc.ops->timeout(&cc, 15000, 30000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 8000U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
	cc_new(&cc, 20000, 5000, 15000, 30000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2000U);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_LOSS);
	/* All of it acked: OPEN, fast retransmit possible again. */
	cc_new(&cc, 30000, 10000, 10000, 31000);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	cc_dup(&cc, 30000, 1000, 31000);
	cc_dup(&cc, 30000, 1000, 31000);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 30000, 1000, 31000),
			ANP_CC_RETRANSMIT);

	/* A tiny flight: ssthresh 2 * SMSS. */
	cc_start(&cc, MSS);
	cc.ops->timeout(&cc, 1000, 1000);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2000U);
	/* An RTO in fast recovery: loss window, ssthresh from the flight. */
	cc_start(&cc, MSS);
	cc.cwnd = 20000;
	cc_dup(&cc, 0, 20000, 20000);
	cc_dup(&cc, 0, 20000, 20000);
	cc_dup(&cc, 0, 20000, 20000);
	cc.ops->timeout(&cc, 20000, 20000);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_LOSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, MSS);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10000U);
}

/*
 * RFC 3042 2 (RFC 5681 3.2 step 1): the first and the second duplicate
 * ACK each let one more segment of new data out beyond cwnd, never more
 * than two; cwnd is unchanged, and what they sent does not count in
 * the FlightSize that sets ssthresh at the third (RFC 5681 3.2 step 2).
 * Not for retransmissions, not in recovery or after an RTO.
 */
static void cc_limited_transmit(struct kunit *test)
{
	struct anp_cc cc;

	cc_start(&cc, MSS);
	/* cwnd 10000 full: [0, 10000) out, 0 lost. */
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 10000, true), 0U);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 0, 10000, 10000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 10000, true), MSS);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 10000, false), 0U);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 11000, true), 0U);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 0, 11000, 11000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 11000, true), MSS);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 10500, true), 1500U);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 12000, true), 0U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	KUNIT_EXPECT_EQ(test, cc.state, ANP_CC_OPEN);
	/* The third: ssthresh from 10000, not the 12000 out. */
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 0, 12000, 12000), ANP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5000U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8000U);
	/* Recovery: cwnd alone (its inflation is step 4's). */
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 7000, true), 1000U);
	KUNIT_EXPECT_EQ(test, cc_dup(&cc, 0, 12000, 12000), ANP_CC_NONE);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 9000, true), 0U);
	/* A new ACK ends the allowance. */
	cc_start(&cc, MSS);
	cc_dup(&cc, 0, 10000, 10000);
	cc_dup(&cc, 0, 11000, 11000);
	cc_new(&cc, 1000, 1000, 12000, 12000);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11000U);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 11000, true), 0U);
	/* After an RTO (LOSS), duplicates let nothing more out. */
	cc.ops->timeout(&cc, 11000, 12000);
	cc_dup(&cc, 1000, 1000, 12000);
	KUNIT_EXPECT_EQ(test, anp_cc_room(&cc, 1000, true), 0U);
}

static void cc_idle_restart(struct kunit *test)
{
	struct anp_cc cc;

	/* RFC 5681 4.1: cwnd = min(IW, cwnd). */
	cc_start(&cc, MSS);
	cc.cwnd = 50000;
	cc.ops->idle(&cc);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10000U);
	cc.cwnd = 3000;
	cc.ops->idle(&cc);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 3000U);
}

static struct kunit_case anp_tcp_cong_cases[] = {
	KUNIT_CASE(cc_initial_window),
	KUNIT_CASE(cc_slow_start),
	KUNIT_CASE(cc_congestion_avoidance),
	KUNIT_CASE(cc_fast_recovery),
	KUNIT_CASE(cc_fast_recovery_edges),
	KUNIT_CASE(cc_sack_recovery),
	KUNIT_CASE(cc_timeout),
	KUNIT_CASE(cc_limited_transmit),
	KUNIT_CASE(cc_idle_restart),
	{}
};

static struct kunit_suite anp_tcp_cong_suite = {
	.name = "anp-tcp-cong",
	.test_cases = anp_tcp_cong_cases,
};

/* ---- the out-of-order queue ----------------------------------------- */

#define NOLIMIT	U32_MAX

/* The byte the peer sends at sequence number seq. */
static u8 ofo_byte(u32 seq)
{
	return (u8)(seq * 7 + (seq >> 8) + 3);
}

static int ofo_init(struct kunit *test)
{
	struct anp_ofo *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);

	if (!q)
		return -ENOMEM;
	anp_ofo_init(q);
	test->priv = q;
	return 0;
}

/* Whatever a failed test left queued is freed (kmemleak stays quiet). */
static void ofo_exit(struct kunit *test)
{
	anp_ofo_purge(test->priv);
}

static void ofo_cb(struct sk_buff *skb, u32 seq, u32 len, bool fin)
{
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

	memset(cb, 0, sizeof(*cb));
	cb->seq = seq;
	cb->end_seq = seq + len + fin;
	cb->flags = TCPHDR_ACK | (fin ? TCPHDR_FIN : 0);
}

static struct sk_buff *ofo_seg(struct kunit *test, u32 seq, u32 len, bool fin)
{
	struct sk_buff *skb = alloc_skb(len ?: 1, GFP_KERNEL);
	u8 *p;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	p = skb_put(skb, len);
	for (i = 0; i < len; i++)
		p[i] = ofo_byte(seq + i);
	ofo_cb(skb, seq, len, fin);
	return skb;
}

/* head bytes in the linear part, the rest in a page fragment. */
static struct sk_buff *ofo_seg_paged(struct kunit *test, u32 seq, u32 head,
				     u32 len)
{
	struct sk_buff *skb = alloc_skb(head, GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL);
	u8 *p;
	u32 i;

	if (!skb || !page) {
		kfree_skb(skb);
		if (page)
			__free_page(page);
		KUNIT_ASSERT_FAILURE(test, "no memory for a paged skb");
	}
	p = skb_put(skb, head);
	for (i = 0; i < head; i++)
		p[i] = ofo_byte(seq + i);
	p = page_address(page);
	for (i = head; i < len; i++)
		p[i - head] = ofo_byte(seq + i);
	skb_add_rx_frag(skb, 0, page, 0, len - head, PAGE_SIZE);
	ofo_cb(skb, seq, len, false);
	return skb;
}

static int ofo_add(struct kunit *test, u32 seq, u32 len)
{
	return anp_ofo_insert(test->priv, ofo_seg(test, seq, len, false),
			      NOLIMIT);
}

/* skb is [seq, seq + len) with the peer's bytes; consumed. */
static void ofo_expect_seg(struct kunit *test, struct sk_buff *skb, u32 seq,
			   u32 len)
{
	u8 *buf;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, ANP_TCP_SKB_CB(skb)->seq, seq);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_EQ(test, ANP_TCP_SKB_CB(skb)->end_seq - seq,
			skb->len + !!(ANP_TCP_SKB_CB(skb)->flags & TCPHDR_FIN));
	buf = kmalloc(skb->len ?: 1, GFP_KERNEL);
	if (buf && !skb_copy_bits(skb, 0, buf, skb->len)) {
		for (i = 0; i < skb->len; i++) {
			if (buf[i] != ofo_byte(ANP_TCP_SKB_CB(skb)->seq + i)) {
				KUNIT_FAIL(test, "byte %u of seg %u wrong", i,
					   seq);
				break;
			}
		}
	} else {
		KUNIT_FAIL(test, "cannot read the segment");
	}
	kfree(buf);
	kfree_skb(skb);
}

/*
 * The queue is sorted, no two segments overlap, every segment holds
 * the peer's bytes, and the counters add up.
 */
static void ofo_check(struct kunit *test)
{
	struct anp_ofo *q = test->priv;
	u32 segs = 0, bytes = 0, truesize = 0;
	struct sk_buff *skb, *prev = NULL;

	for (skb = skb_rb_first(&q->root); skb; skb = skb_rb_next(skb)) {
		struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
		u8 b;

		KUNIT_EXPECT_TRUE(test, anp_seq_before(cb->seq, cb->end_seq));
		if (prev)
			KUNIT_EXPECT_TRUE(test,
					  anp_seq_leq(ANP_TCP_SKB_CB(prev)->end_seq,
						      cb->seq));
		if (skb->len && !skb_copy_bits(skb, skb->len - 1, &b, 1))
			KUNIT_EXPECT_EQ(test, b,
					ofo_byte(cb->seq + skb->len - 1));
		segs++;
		bytes += skb->len;
		truesize += skb->truesize;
		prev = skb;
	}
	KUNIT_EXPECT_EQ(test, q->segs, segs);
	KUNIT_EXPECT_EQ(test, q->bytes, bytes);
	KUNIT_EXPECT_EQ(test, q->truesize, truesize);
}

static void ofo_in_order(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	KUNIT_EXPECT_EQ(test, ofo_add(test, 1100, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 2U);
	KUNIT_EXPECT_EQ(test, q->bytes, 200U);
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 900));
	ofo_expect_seg(test, anp_ofo_pop(q, 1000), 1000, 100);
	ofo_expect_seg(test, anp_ofo_pop(q, 1100), 1100, 100);
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 1200));
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
	KUNIT_EXPECT_EQ(test, q->bytes, 0U);
	KUNIT_EXPECT_EQ(test, q->truesize, 0U);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&q->root));
}

static void ofo_gaps(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	KUNIT_EXPECT_EQ(test, ofo_add(test, 1400, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1200, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 0);
	ofo_check(test);
	ofo_expect_seg(test, anp_ofo_pop(q, 1000), 1000, 100);
	/* [1100, 1200) missing. */
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 1100));
	KUNIT_EXPECT_EQ(test, q->segs, 2U);
	ofo_expect_seg(test, anp_ofo_pop(q, 1200), 1200, 100);
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 1300));
	ofo_expect_seg(test, anp_ofo_pop(q, 1400), 1400, 100);
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
}

static void ofo_duplicates(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1100, 100), 0);
	/* Exact duplicate. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 1);
	/* Inside one held segment. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1020, 30), 1);
	/* Across two adjacent held segments. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1050, 100), 1);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 200), 1);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 2U);
	KUNIT_EXPECT_EQ(test, q->bytes, 200U);
	/* One byte beyond is new. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 201), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->bytes, 201U);
}

static void ofo_overlap_left(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/* New [1050, 1150) over held [1000, 1100): keeps [1100, 1150). */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1050, 100), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 2U);
	KUNIT_EXPECT_EQ(test, q->bytes, 150U);
	ofo_expect_seg(test, anp_ofo_pop(q, 1000), 1000, 100);
	ofo_expect_seg(test, anp_ofo_pop(q, 1100), 1100, 50);
}

static void ofo_overlap_right(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/* New [1050, 1150) under held [1100, 1200): keeps [1050, 1100). */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1100, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1050, 100), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->bytes, 150U);
	ofo_expect_seg(test, anp_ofo_pop(q, 1050), 1050, 50);
	ofo_expect_seg(test, anp_ofo_pop(q, 1100), 1100, 100);
}

static void ofo_overlap_both(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/* [1050, 1250) between [1000, 1100) and [1200, 1300). */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1200, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1050, 200), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 3U);
	KUNIT_EXPECT_EQ(test, q->bytes, 300U);
	ofo_expect_seg(test, anp_ofo_pop(q, 1000), 1000, 100);
	ofo_expect_seg(test, anp_ofo_pop(q, 1100), 1100, 100);
	ofo_expect_seg(test, anp_ofo_pop(q, 1200), 1200, 100);
}

static void ofo_cover_several(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/* [1000, 1400) covers three held segments whole. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1100, 50), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1200, 50), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1300, 50), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 400), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 1U);
	KUNIT_EXPECT_EQ(test, q->bytes, 400U);
	ofo_expect_seg(test, anp_ofo_pop(q, 1000), 1000, 400);

	/* Overlaps at both ends and one held segment inside. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2000, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2150, 10), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2300, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2050, 300), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 3U);
	KUNIT_EXPECT_EQ(test, q->bytes, 400U);
	ofo_expect_seg(test, anp_ofo_pop(q, 2000), 2000, 100);
	ofo_expect_seg(test, anp_ofo_pop(q, 2100), 2100, 200);
	ofo_expect_seg(test, anp_ofo_pop(q, 2300), 2300, 100);
}

static void ofo_bound(struct kunit *test)
{
	struct anp_ofo *q = test->priv;
	struct sk_buff *a = ofo_seg(test, 1000, 100, false);
	struct sk_buff *b = ofo_seg(test, 1200, 100, false);
	u32 limit = a->truesize + b->truesize - 1;

	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, a, limit), 0);
	KUNIT_EXPECT_EQ(test, q->truesize, a->truesize);
	/* Over the bound: refused, b still the caller's. */
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, b, limit), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, refcount_read(&b->users), 1U);
	KUNIT_EXPECT_EQ(test, ANP_TCP_SKB_CB(b)->seq, 1200U);
	KUNIT_EXPECT_EQ(test, b->len, 100U);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 1U);
	/* A duplicate needs no room: still freed and reported. */
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg(test, 1000, 50, false),
					     limit), 1);
	/* With room, b goes in. */
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, b, limit + 1), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 2U);
}

static void ofo_pop_trim(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/* In-order data already took [1000, 1040). */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 100), 0);
	ofo_expect_seg(test, anp_ofo_pop(q, 1040), 1040, 60);
	/* Wholly old segments are freed on the way to the next. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2000, 100), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2100, 100), 0);
	ofo_expect_seg(test, anp_ofo_pop(q, 2150), 2150, 50);
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 3000, 100), 0);
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 3100));
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
	KUNIT_EXPECT_EQ(test, q->truesize, 0U);
}

static void ofo_fin(struct kunit *test)
{
	struct anp_ofo *q = test->priv;
	struct sk_buff *skb;

	/* [1000, 1100) + FIN: end_seq 1101. */
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg(test, 1000, 100, true),
					     NOLIMIT), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1050, 50), 1);
	/* All the data taken in order: the FIN alone is left. */
	skb = anp_ofo_pop(q, 1100);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, ANP_TCP_SKB_CB(skb)->flags & TCPHDR_FIN);
	ofo_expect_seg(test, skb, 1100, 0);

	/* A FIN overlapping held data is cut off with the tail. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2100, 100), 0);
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg(test, 2000, 100, true),
					     NOLIMIT), 0);
	ofo_check(test);
	skb = anp_ofo_pop(q, 2000);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_FALSE(test, ANP_TCP_SKB_CB(skb)->flags & TCPHDR_FIN);
	ofo_expect_seg(test, skb, 2000, 100);
	ofo_expect_seg(test, anp_ofo_pop(q, 2100), 2100, 100);
}

static void ofo_wrap(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/* [0xffffffc0, 0x40) and [0x50, 0x80), then [0x20, 0x60) fills in. */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 0x50, 0x30), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 0xffffffc0U, 0x80), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 0xffffffe0U, 0x40), 1);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 0x20, 0x40), 0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 3U);
	KUNIT_EXPECT_EQ(test, q->bytes, 0xc0U);
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 0xffffffbfU));
	ofo_expect_seg(test, anp_ofo_pop(q, 0xffffffc0U), 0xffffffc0U, 0x80);
	ofo_expect_seg(test, anp_ofo_pop(q, 0x40), 0x40, 0x10);
	ofo_expect_seg(test, anp_ofo_pop(q, 0x50), 0x50, 0x30);
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
}

static void ofo_paged(struct kunit *test)
{
	struct anp_ofo *q = test->priv;

	/*
	 * Head cut into the page fragment: [1000, 3000) (64 bytes linear)
	 * after [1000, 1300) keeps [1300, 3000) and replaces the held
	 * [2500, 3000) it covers.
	 */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 1000, 300), 0);
	KUNIT_EXPECT_EQ(test, ofo_add(test, 2500, 500), 0);
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg_paged(test, 1000, 64,
							      2000), NOLIMIT),
			0);
	ofo_check(test);
	KUNIT_EXPECT_EQ(test, q->segs, 2U);
	KUNIT_EXPECT_EQ(test, q->bytes, 2000U);
	ofo_expect_seg(test, anp_ofo_pop(q, 1000), 1000, 300);
	/* Pop cuts into a fragment. */
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg_paged(test, 3000, 32,
							      3000), NOLIMIT),
			0);
	ofo_expect_seg(test, anp_ofo_pop(q, 1700), 1700, 1300);
	ofo_expect_seg(test, anp_ofo_pop(q, 4000), 4000, 2000);
	/* Tail cut into the fragment: [7000, 9000) before [8500, 9500). */
	KUNIT_EXPECT_EQ(test, ofo_add(test, 8500, 1000), 0);
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg_paged(test, 7000, 50,
							      2000), NOLIMIT),
			0);
	ofo_check(test);
	ofo_expect_seg(test, anp_ofo_pop(q, 7000), 7000, 1500);
	ofo_expect_seg(test, anp_ofo_pop(q, 8500), 8500, 1000);
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
}

/*
 * Random segments in an 8 KiB window across the wrap, against a byte
 * map: insert returns 1 exactly when every byte was held already, the
 * queue holds exactly the bytes inserted, and popping from the left
 * edge (jumping into the middle of segments too) returns them in order.
 */
static void ofo_random(struct kunit *test)
{
	const u32 base = 0xfffff000U, span = 8192;
	struct anp_ofo *q = test->priv;
	u32 rnd = 12345, i, j, held = 0, nxt, got = 0, len;
	struct sk_buff *skb;
	bool *map;

	map = kunit_kzalloc(test, span, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	for (i = 0; i < 400; i++) {
		bool dup = true;
		u32 off;

		rnd = rnd * 1103515245 + 12345;
		off = (rnd >> 8) % (span - 1) + 1;
		rnd = rnd * 1103515245 + 12345;
		len = min((rnd >> 8) % 300 + 1, span - off);
		for (j = off; j < off + len; j++)
			dup &= map[j];
		KUNIT_EXPECT_EQ(test, ofo_add(test, base + off, len), dup);
		for (j = off; j < off + len; j++)
			map[j] = true;
	}
	ofo_check(test);
	for (j = 0; j < span; j++)
		held += map[j];
	KUNIT_EXPECT_EQ(test, q->bytes, held);

	nxt = 0;
	while (q->segs) {
		skb = anp_ofo_pop(q, base + nxt);
		if (!skb) {
			/* A hole: jump into the next segment, a third in. */
			skb = skb_rb_first(&q->root);
			nxt = ANP_TCP_SKB_CB(skb)->seq - base + skb->len / 3;
			continue;
		}
		len = skb->len;
		for (j = nxt; j < nxt + len; j++) {
			if (!map[j]) {
				KUNIT_FAIL(test, "byte %u never inserted", j);
				break;
			}
		}
		ofo_expect_seg(test, skb, base + nxt, len);
		got += len;
		nxt += len;
	}
	KUNIT_EXPECT_GT(test, got, 0U);
	KUNIT_EXPECT_EQ(test, q->truesize, 0U);
}

static void ofo_purge(struct kunit *test)
{
	struct anp_ofo *q = test->priv;
	u32 i;

	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, ofo_add(test, 1000 + 200 * i, 100), 0);
	KUNIT_EXPECT_EQ(test, anp_ofo_insert(q, ofo_seg_paged(test, 5000, 16,
							      1000), NOLIMIT),
			0);
	KUNIT_EXPECT_EQ(test, q->segs, 17U);
	anp_ofo_purge(q);
	KUNIT_EXPECT_EQ(test, q->segs, 0U);
	KUNIT_EXPECT_EQ(test, q->bytes, 0U);
	KUNIT_EXPECT_EQ(test, q->truesize, 0U);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&q->root));
	KUNIT_EXPECT_NULL(test, anp_ofo_pop(q, 1000));
}

static struct kunit_case anp_tcp_ofo_cases[] = {
	KUNIT_CASE(ofo_in_order),
	KUNIT_CASE(ofo_gaps),
	KUNIT_CASE(ofo_duplicates),
	KUNIT_CASE(ofo_overlap_left),
	KUNIT_CASE(ofo_overlap_right),
	KUNIT_CASE(ofo_overlap_both),
	KUNIT_CASE(ofo_cover_several),
	KUNIT_CASE(ofo_bound),
	KUNIT_CASE(ofo_pop_trim),
	KUNIT_CASE(ofo_fin),
	KUNIT_CASE(ofo_wrap),
	KUNIT_CASE(ofo_paged),
	KUNIT_CASE(ofo_random),
	KUNIT_CASE(ofo_purge),
	{}
};

static struct kunit_suite anp_tcp_ofo_suite = {
	.name = "anp-tcp-ofo",
	.init = ofo_init,
	.exit = ofo_exit,
	.test_cases = anp_tcp_ofo_cases,
};

/* ---- options (RFC 9293 3.2, RFC 7323, RFC 2018) --------------------- */

/* A header with the option bytes opt (len a multiple of 4) after it. */
static struct tcphdr *opts_hdr(struct kunit *test, bool syn, const u8 *opt,
			       unsigned int len)
{
	struct tcphdr *th = kunit_kzalloc(test, sizeof(*th) + len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, th);
	th->doff = (sizeof(*th) + len) / 4;
	th->syn = syn;
	memcpy(th + 1, opt, len);
	return th;
}

/* What Linux 6.1 puts on a SYN: MSS, SACK-permitted + TS, NOP + WS 7. */
static void opts_parse_linux_syn(struct kunit *test)
{
	static const u8 syn[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34,
		0, 0, 0, 0, 1, 3, 3, 7,
	};
	struct anp_tcp_opts o;

	anp_tcp_opts_parse(opts_hdr(test, true, syn, sizeof(syn)), &o);
	KUNIT_EXPECT_EQ(test, o.present, ANP_TCP_OPT_MSS | ANP_TCP_OPT_SACK_OK |
			ANP_TCP_OPT_TS | ANP_TCP_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x1234U);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0U);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	/* The same options without SYN: only the timestamps count. */
	anp_tcp_opts_parse(opts_hdr(test, false, syn, sizeof(syn)), &o);
	KUNIT_EXPECT_EQ(test, o.present, ANP_TCP_OPT_TS);
}

static void opts_parse_bad(struct kunit *test)
{
	/* RFC 7323 2.3: a shift over 14 is taken as 14. */
	static const u8 ws15[] = { 1, 3, 3, 15 };
	/* A length running past the header ends the parse. */
	static const u8 past[] = { 2, 4, 0x05, 0xb4, 8, 12, 0, 0 };
	/* Length 0 and 1 are impossible (RFC 9293 3.1): stop. */
	static const u8 zero[] = { 4, 0, 2, 4, 0x05, 0xb4, 0, 0 };
	/* Wrong lengths for a known kind are skipped, not believed. */
	static const u8 wrong[] = { 2, 3, 0, 8, 6, 1, 2, 3, 4, 4, 2, 0 };
	/* EOL ends the list even when bytes follow. */
	static const u8 eol[] = { 0, 0, 2, 4, 0x05, 0xb4, 0, 0 };
	/* SACK: 2 + 8n bytes only. */
	static const u8 sack_odd[] = { 1, 1, 5, 6, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct anp_tcp_opts o;

	anp_tcp_opts_parse(opts_hdr(test, true, ws15, sizeof(ws15)), &o);
	KUNIT_EXPECT_EQ(test, o.present, ANP_TCP_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, o.wscale, ANP_TCP_MAX_WSCALE);
	anp_tcp_opts_parse(opts_hdr(test, true, past, sizeof(past)), &o);
	KUNIT_EXPECT_EQ(test, o.present, ANP_TCP_OPT_MSS);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	anp_tcp_opts_parse(opts_hdr(test, true, zero, sizeof(zero)), &o);
	KUNIT_EXPECT_EQ(test, o.present, 0);
	anp_tcp_opts_parse(opts_hdr(test, true, wrong, sizeof(wrong)), &o);
	KUNIT_EXPECT_EQ(test, o.present, ANP_TCP_OPT_SACK_OK);
	anp_tcp_opts_parse(opts_hdr(test, true, eol, sizeof(eol)), &o);
	KUNIT_EXPECT_EQ(test, o.present, 0);
	anp_tcp_opts_parse(opts_hdr(test, false, sack_odd, sizeof(sack_odd)),
			   &o);
	KUNIT_EXPECT_EQ(test, o.present, 0);
}

/* What we write parses back to itself, in Linux's layout. */
static void opts_write_roundtrip(struct kunit *test)
{
	static const u8 linux_syn[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 9,
		0, 0, 0, 0, 1, 3, 3, 2,
	};
	struct anp_tcp_opts w = {
		.present = ANP_TCP_OPT_MSS | ANP_TCP_OPT_SACK_OK |
			   ANP_TCP_OPT_TS | ANP_TCP_OPT_WSCALE,
		.mss = 1460, .wscale = 2, .tsval = 9,
	}, r;
	u8 buf[40];
	struct tcphdr *th;
	unsigned int len;

	len = anp_tcp_opts_len(&w);
	KUNIT_ASSERT_EQ(test, len, sizeof(linux_syn));
	anp_tcp_opts_write(buf, &w);
	KUNIT_EXPECT_EQ(test, memcmp(buf, linux_syn, len), 0);

	/* Timestamps and three SACK blocks: all 40 bytes. */
	w = (struct anp_tcp_opts){
		.present = ANP_TCP_OPT_TS | ANP_TCP_OPT_SACK,
		.tsval = 0xfffffff0U, .tsecr = 77, .num_sacks = 3,
		.sacks = { { 100, 200 }, { 0xfffffff0U, 5 }, { 300, 301 } },
	};
	len = anp_tcp_opts_len(&w);
	KUNIT_ASSERT_EQ(test, len, 40U);
	anp_tcp_opts_write(buf, &w);
	th = opts_hdr(test, false, buf, len);
	anp_tcp_opts_parse(th, &r);
	KUNIT_EXPECT_EQ(test, r.present, ANP_TCP_OPT_TS | ANP_TCP_OPT_SACK);
	KUNIT_EXPECT_EQ(test, r.tsval, w.tsval);
	KUNIT_EXPECT_EQ(test, r.tsecr, w.tsecr);
	KUNIT_EXPECT_EQ(test, r.num_sacks, 3);
	KUNIT_EXPECT_EQ(test, memcmp(r.sacks, w.sacks, 3 * sizeof(w.sacks[0])),
			0);

	/* SACK-permitted alone: NOP, NOP, 4, 2; nothing: no bytes. */
	w = (struct anp_tcp_opts){ .present = ANP_TCP_OPT_SACK_OK };
	KUNIT_ASSERT_EQ(test, anp_tcp_opts_len(&w), 4U);
	anp_tcp_opts_write(buf, &w);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "\x01\x01\x04\x02", 4), 0);
	w = (struct anp_tcp_opts){};
	KUNIT_EXPECT_EQ(test, anp_tcp_opts_len(&w), 0U);
}

/* RFC 7323 5.3 R1 and 5.5. */
static void opts_paws(struct kunit *test)
{
	const time64_t t = 1000000;

	KUNIT_EXPECT_TRUE(test, anp_tcp_paws_ok(1000, t, 1000, t));
	KUNIT_EXPECT_TRUE(test, anp_tcp_paws_ok(1000, t, 1001, t));
	/* One tick older is tolerated (TCP_PAWS_WINDOW), two are not. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_paws_ok(1000, t, 999, t));
	KUNIT_EXPECT_FALSE(test, anp_tcp_paws_ok(1000, t, 998, t));
	/* Modulo 2^32: just before the wrap is older than just after. */
	KUNIT_EXPECT_FALSE(test, anp_tcp_paws_ok(5, t, 0xfffffff0U, t));
	KUNIT_EXPECT_TRUE(test, anp_tcp_paws_ok(0xfffffff0U, t, 5, t));
	/* TS.Recent 24 days old is no longer trusted. */
	KUNIT_EXPECT_FALSE(test, anp_tcp_paws_ok(1000, t, 998,
						 t + TCP_PAWS_24DAYS - 1));
	KUNIT_EXPECT_TRUE(test, anp_tcp_paws_ok(1000, t, 998,
						t + TCP_PAWS_24DAYS));
	/* Never set. */
	KUNIT_EXPECT_TRUE(test, anp_tcp_paws_ok(0, t, 0x90000000U, t));
}

/* RFC 2018 4: the newest block first, merged, at most four. */
static void opts_sack_blocks(struct kunit *test)
{
	struct anp_tcp_sack_block b[ANP_TCP_MAX_SACKS];
	u8 n = 0;

	anp_tcp_sack_note(b, &n, 2000, 3000);
	anp_tcp_sack_note(b, &n, 5000, 6000);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, b[0].start, 5000U);
	KUNIT_EXPECT_EQ(test, b[1].start, 2000U);
	/* Extending the older block brings it to the front. */
	anp_tcp_sack_note(b, &n, 3000, 4000);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, b[0].start, 2000U);
	KUNIT_EXPECT_EQ(test, b[0].end, 4000U);
	KUNIT_EXPECT_EQ(test, b[1].start, 5000U);
	/* Filling the hole between them merges both. */
	anp_tcp_sack_note(b, &n, 4000, 5000);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, b[0].start, 2000U);
	KUNIT_EXPECT_EQ(test, b[0].end, 6000U);
	/* Five islands: the oldest is forgotten. */
	anp_tcp_sack_note(b, &n, 7000, 7100);
	anp_tcp_sack_note(b, &n, 8000, 8100);
	anp_tcp_sack_note(b, &n, 9000, 9100);
	anp_tcp_sack_note(b, &n, 10000, 10100);
	KUNIT_ASSERT_EQ(test, n, ANP_TCP_MAX_SACKS);
	KUNIT_EXPECT_EQ(test, b[0].start, 10000U);
	KUNIT_EXPECT_EQ(test, b[3].start, 7000U);
	/* RCV.NXT reaches the first two islands. */
	anp_tcp_sack_clean(b, &n, 8100);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, b[0].start, 10000U);
	KUNIT_EXPECT_EQ(test, b[1].start, 9000U);
	/* Across the wrap. */
	n = 0;
	anp_tcp_sack_note(b, &n, 0xfffffff0U, 0x10);
	anp_tcp_sack_note(b, &n, 0x10, 0x20);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, b[0].start, 0xfffffff0U);
	KUNIT_EXPECT_EQ(test, b[0].end, 0x20U);
	anp_tcp_sack_clean(b, &n, 0xffffffe0U);
	KUNIT_EXPECT_EQ(test, n, 1);
	anp_tcp_sack_clean(b, &n, 0x20);
	KUNIT_EXPECT_EQ(test, n, 0);
}

static struct kunit_case anp_tcp_opts_cases[] = {
	KUNIT_CASE(opts_parse_linux_syn),
	KUNIT_CASE(opts_parse_bad),
	KUNIT_CASE(opts_write_roundtrip),
	KUNIT_CASE(opts_paws),
	KUNIT_CASE(opts_sack_blocks),
	{}
};

static struct kunit_suite anp_tcp_opts_suite = {
	.name = "anp-tcp-opts",
	.test_cases = anp_tcp_opts_cases,
};

kunit_test_suites(&anp_tcp_seq_suite, &anp_tcp_rto_suite, &anp_tcp_cong_suite,
		  &anp_tcp_ofo_suite, &anp_tcp_opts_suite);
