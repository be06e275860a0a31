/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP algorithms with no socket in them: sequence arithmetic, initial
 * sequence numbers, the retransmission timeout estimator, congestion
 * control, the out-of-order queue and the acceptability, Nagle and
 * silly-window decisions.  Each is a function of its arguments (or of a
 * small state struct the caller owns and locks), so KUnit tests drive
 * them with worked examples and crafted segments; the TCP engine
 * (tcp_input.c, tcp_output.c, tcp_timer.c) calls them and owns every
 * side effect (sending, timers, counters).
 *
 *   tcp_seq.c   ISN (RFC 6528), acceptability and RFC 5961 checks,
 *               Nagle and SWS decisions
 *   tcp_rto.c   RFC 6298 estimator
 *   tcp_cong.c  RFC 5681 / 6582 / 6928: the ops table and NewReno
 *   tcp_ofo.c   the out-of-order queue (RFC 9293 3.10.7.4)
 *   tcp_opts.c  TCP options (RFC 9293 3.2, RFC 7323, RFC 2018): parsing,
 *               layout, PAWS, the receiver's SACK blocks
 *
 * Locking: none inside; the caller holds the socket (bh_lock_sock or
 * lock_sock) for per-connection state.
 */
#ifndef __ANP_TCP_ALGO_H
#define __ANP_TCP_ALGO_H

#include <linux/rbtree.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>

struct tcphdr;

/* ---- sequence space (RFC 9293 3.4: arithmetic modulo 2^32) ---------- */
static inline bool anp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#define anp_seq_after(a, b)	anp_seq_before(b, a)

static inline bool anp_seq_leq(u32 a, u32 b)
{
	return (s32)(a - b) <= 0;
}

#define anp_seq_geq(a, b)	anp_seq_leq(b, a)

/* low <= seq <= high, modulo 2^32. */
static inline bool anp_seq_between(u32 seq, u32 low, u32 high)
{
	return high - low >= seq - low;
}

/*
 * Per-segment state in skb->cb, on every queue of the engine (send,
 * retransmit, receive, out-of-order).  Payload at skb->data..skb->len.
 */
struct anp_tcp_skb_cb {
	u32 seq;		/* first sequence number (SEG.SEQ) */
	u32 end_seq;		/* seq + payload + SYN + FIN */
	u32 tx_us;		/* tcp_clock_us() of the last transmission */
	u8 flags;		/* TCPHDR_* of the segment */
	u8 retrans;		/* times retransmitted (Karn: no RTT sample) */
	/* The sender's SACK scoreboard (tcp_sack.c, RFC 6675 4). */
	u8 sacked:1,		/* the peer holds it (a SACK block covers it) */
	   lost:1,		/* IsLost(): enough SACKed above it */
	   rtx_rec:1;		/* retransmitted in this recovery */
};

#define ANP_TCP_SKB_CB(skb)	((struct anp_tcp_skb_cb *)&((skb)->cb[0]))

/* ---- initial sequence numbers (tcp_seq.c) ---------------------------
 * RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), M a clock ticking every 4 microseconds, F SipHash with a
 * key drawn once per boot.
 */
u32 anp_tcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
/* The same with the clock given (KUnit): ISN = M + F. */
u32 anp_tcp_isn_at(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		   u64 now_ns);
/* The same with the key given too (KUnit: two keys, two sequences). */
u32 anp_tcp_isn_keyed(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		      __be16 sport, __be16 dport, u64 now_ns);
/*
 * RFC 7323 7.1: a connection's TSval clock starts at a random offset,
 * a keyed hash of the address pair (as Linux's secure_tcp_ts_off()), so
 * timestamps tell an observer nothing about the host's uptime.
 */
u32 anp_tcp_ts_off(__be32 saddr, __be32 daddr);

/* ---- acceptability (tcp_seq.c) -------------------------------------- */
/*
 * RFC 9293 3.10.7.4, first check: is a segment of len sequence numbers
 * (payload + SYN + FIN) starting at seq acceptable for a receive window
 * [rcv_nxt, rcv_nxt + rcv_wnd)?  The four-case table, zero windows
 * included.
 */
bool anp_tcp_seq_acceptable(u32 seq, u32 len, u32 rcv_nxt, u32 rcv_wnd);

enum anp_tcp_check {
	ANP_TCP_DROP,		/* discard silently */
	ANP_TCP_ACCEPT,		/* act on it */
	ANP_TCP_CHALLENGE,	/* discard, send a challenge ACK (limited) */
};

/*
 * RFC 5961 3.2: an RST in a synchronized state.  ACCEPT when SEG.SEQ ==
 * RCV.NXT; CHALLENGE when it is otherwise inside the window; else DROP.
 */
enum anp_tcp_check anp_tcp_rst_check(u32 seq, u32 rcv_nxt, u32 rcv_wnd);
/*
 * RFC 5961 4.2: a SYN in a synchronized state is always answered with a
 * challenge ACK and discarded (never a reset of the connection).
 */
enum anp_tcp_check anp_tcp_syn_check(void);
/*
 * RFC 5961 5.2 with RFC 9293 3.10.7.4 fifth check: the ACK of a segment
 * in a synchronized state.  ACCEPT when snd_una - max_snd_wnd <= ack <=
 * snd_nxt (old duplicates inside that range included: the caller tells
 * a duplicate from new data); CHALLENGE when ack is beyond snd_nxt or
 * before snd_una - max_snd_wnd (RFC 5961: send an ACK, drop).
 */
enum anp_tcp_check anp_tcp_ack_check(u32 ack, u32 snd_una, u32 snd_nxt,
				     u32 max_snd_wnd);

/* ---- sender decisions (tcp_seq.c) ----------------------------------- */
/*
 * May the sender transmit a segment of len bytes now?  RFC 1122
 * 4.2.3.4 (sender SWS avoidance) combined with RFC 896 (Nagle):
 *   len >= mss                            yes
 *   len is everything queued (push), and
 *     nothing unacknowledged in flight, or nodelay        yes
 *   len >= max_snd_wnd / 2 (Fs = 1/2)     yes
 *   the override timer fired (override)   yes
 *   else no (wait for an ACK or the override timer).
 * usable: min(offered window left, bytes queued).
 */
bool anp_tcp_send_ok(u32 len, u32 mss, bool push, bool in_flight,
		     bool nodelay, u32 max_snd_wnd, bool override);

/*
 * RFC 1122 4.2.3.3 (receiver SWS avoidance, RFC 9293 3.8.6.2.2): the
 * window to advertise.  free: buffer space the socket can still take
 * (bytes); cur: the window the last ACK left open to the peer (right
 * edge - rcv_nxt, 0 when closed).  The window only moves its right edge
 * right by at least min(rcv_buf / 2, mss) at a time; it never shrinks
 * (returns at least cur); capped at max_wnd (65535 shifted by the window
 * scale, RFC 7323 2.3), unless cur is above it already.
 */
u32 anp_tcp_rcv_wnd_select(u32 free, u32 cur, u32 mss, u32 rcv_buf,
			   u32 max_wnd);

/* ---- retransmission timeout (tcp_rto.c, RFC 6298) -------------------
 * Microseconds throughout.  RFC 6298 2.4 asks for RTO >= 1 s; like
 * Linux we use 200 ms (RFC 6298 4 allows it for a "conservative"
 * implementation: our clock has 1 jiffy granularity added by the timer)
 * and 120 s as the maximum (RFC 6298 2.5).  A static route may set
 * another minimum for the connections over it (its rto_min, as Linux's
 * RTAX_RTO_MIN replaces TCP_RTO_MIN in tcp_rto_min()).
 */
#define ANP_TCP_RTO_INIT_US	1000000U	/* RFC 6298 2.1: 1 s */
#define ANP_TCP_RTO_MIN_US	200000U
#define ANP_TCP_RTO_MAX_US	120000000U
#define ANP_TCP_RTO_AFTER_SYN_US 3000000U	/* RFC 6298 5.7 */

struct anp_rtt {
	u32 srtt_us;		/* 0: no sample yet */
	u32 rttvar_us;
	u32 rto_us;		/* before backoff */
	u32 rto_min_us;		/* RFC 6298 2.4 floor: MIN or the route's */
	u8 backoff;		/* RFC 6298 5.5 doublings */
};

/* No sample yet, RTO 1 s, minimum ANP_TCP_RTO_MIN_US. */
void anp_rtt_init(struct anp_rtt *r);
/*
 * A measurement from a segment that was not retransmitted (Karn's
 * rule, RFC 6298 3: the caller never samples one that was).  RFC 6298
 * 2.2 for the first, 2.3 (alpha 1/8, beta 1/4, K 4, G one jiffy) after;
 * clamps to [rto_min_us, MAX] (2.4, 2.5); clears the backoff (5.7 ... a
 * new sample restores the computed RTO).
 */
void anp_rtt_sample(struct anp_rtt *r, u32 rtt_us);
/* RFC 6298 5.5: the timer expired; double, capped at MAX. */
void anp_rtt_backoff(struct anp_rtt *r);
/* The RTO to arm now (with backoff), in microseconds. */
u32 anp_rtt_rto(const struct anp_rtt *r);

/* ---- congestion control (tcp_cong.c) --------------------------------
 * Bytes throughout (RFC 5681 speaks in bytes).  An algorithm is an
 * anp_cc_ops; NewReno (RFC 5681 + RFC 6582) is the default and the
 * only one for now.  The engine feeds every ACK and every timeout and
 * does what the verdict says.
 */
enum anp_cc_state {
	ANP_CC_OPEN,		/* slow start or congestion avoidance */
	ANP_CC_RECOVERY,	/* fast recovery (RFC 6582) */
	ANP_CC_LOSS,		/* after an RTO, until snd_nxt at it is acked */
};

struct anp_cc {
	const struct anp_cc_ops *ops;
	u32 mss;		/* SMSS */
	u32 cwnd;
	u32 ssthresh;
	u32 bytes_acked;	/* RFC 3465 appropriate byte counting in CA */
	u32 recover;		/* RFC 6582 "recover" */
	u8 dupacks;
	u8 state;		/* enum anp_cc_state */
};

/* What the engine knows about one arriving ACK. */
struct anp_cc_ack {
	u32 ack;		/* SEG.ACK */
	u32 snd_una;		/* before this ACK */
	u32 snd_nxt;
	u32 acked;		/* bytes newly acknowledged (0: none) */
	u32 flight;		/* bytes outstanding before this ACK */
	bool dup;		/* a duplicate per RFC 5681 2 (no data, no
				 * window change, outstanding data, ack ==
				 * snd_una)
				 */
	bool sack;		/* SACK is on: RFC 6675 recovery, the engine
				 * sends by its scoreboard's pipe
				 */
	bool lost;		/* the scoreboard holds a segment RACK found
				 * lost (RFC 8985 6.2 step 5)
				 */
};

enum anp_cc_verdict {
	ANP_CC_NONE,
	ANP_CC_RETRANSMIT,	/* retransmit the first unacked segment now
				 * (fast retransmit, or a partial ACK)
				 */
};

struct anp_cc_ops {
	const char *name;
	void (*init)(struct anp_cc *cc, u32 mss);
	enum anp_cc_verdict (*ack)(struct anp_cc *cc,
				   const struct anp_cc_ack *a);
	/* RFC 5681 3.1 (4): the RTO fired with flight bytes outstanding. */
	void (*timeout)(struct anp_cc *cc, u32 flight, u32 snd_nxt);
	/* RFC 5681 4.1: restart after an idle period longer than rto. */
	void (*idle)(struct anp_cc *cc);
	/*
	 * RFC 8985 7.4.2: a loss that a tail loss probe repaired, with
	 * flight bytes outstanding: the response of fast recovery, at once.
	 */
	void (*reduce)(struct anp_cc *cc, u32 flight);
	/*
	 * RFC 3708 / RFC 4015: the reduction was for nothing (every
	 * retransmission was spurious): back to cwnd and ssthresh as they
	 * were before it, or more.
	 */
	void (*undo)(struct anp_cc *cc, u32 prior_cwnd, u32 prior_ssthresh);
};

extern const struct anp_cc_ops anp_cc_newreno;
/* ssthresh before the first loss: Linux's TCP_INFINITE_SSTHRESH. */
#define ANP_CC_INFINITE_SSTHRESH	0x7fffffffU
/* RFC 6928 2: min(10 * MSS, max(2 * MSS, 14600)). */
u32 anp_cc_initial_window(u32 mss);
/*
 * Bytes the window lets out now: cwnd - flight, or 0.  RFC 3042 2
 * (limited transmit): on each of the first two duplicate ACKs outside
 * recovery, one segment of new data (fresh: never sent) may go even
 * though cwnd does not allow it, so that FlightSize reaches at most
 * cwnd + 2 * SMSS; cwnd itself is not changed.
 */
static inline u32 anp_cc_room(const struct anp_cc *cc, u32 flight,
			      bool fresh)
{
	u32 wnd = cc->cwnd;

	if (fresh && cc->state == ANP_CC_OPEN)
		wnd += min_t(u32, cc->dupacks, 2) * cc->mss;
	return wnd > flight ? wnd - flight : 0;
}

/* ---- out-of-order queue (tcp_ofo.c) ---------------------------------
 * Segments that arrived beyond RCV.NXT (RFC 9293 3.10.7.4: "segments
 * with higher beginning sequence numbers SHOULD be held for later
 * processing"), kept sorted by sequence number with no two overlapping:
 * a new segment is trimmed against what is held (duplicates dropped,
 * partial overlaps cut), and the queue is bounded by its caller's limit
 * on truesize.  Only payload skbs (no SYN; FIN allowed on the last).
 */
struct anp_ofo {
	struct rb_root root;
	u32 segs;
	u32 bytes;		/* payload held */
	u32 truesize;		/* what the bound applies to */
};

void anp_ofo_init(struct anp_ofo *q);
/*
 * Take skb (ANP_TCP_SKB_CB seq/end_seq set, after rcv_nxt).  Returns 0
 * when it was queued (maybe trimmed), 1 when everything in it is held
 * already (skb freed), -ENOBUFS when q->truesize + skb->truesize would
 * pass limit, or when trimming a paged skb found no memory (skb not
 * consumed, the caller drops it).  A queued skb's rbnode overlays
 * skb->next, prev and dev: skb->dev is not valid after anp_ofo_pop().
 */
int anp_ofo_insert(struct anp_ofo *q, struct sk_buff *skb, u32 limit);
/*
 * The next segment that starts at or before rcv_nxt and ends after it,
 * trimmed to start at rcv_nxt (seq updated), unlinked; NULL when the
 * head of the queue is beyond rcv_nxt.  Segments wholly before rcv_nxt
 * are freed on the way.
 */
struct sk_buff *anp_ofo_pop(struct anp_ofo *q, u32 rcv_nxt);
/*
 * Drop held segments from the highest sequence number down until the
 * queue's truesize is at most limit (Linux's tcp_prune_ofo_queue(),
 * which counts one OfoPruned per call, not per segment).
 */
void anp_ofo_prune(struct anp_ofo *q, u32 limit);
void anp_ofo_purge(struct anp_ofo *q);

/* ---- options (tcp_opts.c) -------------------------------------------
 * What a segment's options say (RFC 9293 3.2: MSS; RFC 7323: window
 * scale and timestamps; RFC 2018: SACK-permitted and SACK), and the
 * same struct describes the options a segment we send carries.
 */
#define ANP_TCP_OPT_MSS		BIT(0)
#define ANP_TCP_OPT_WSCALE	BIT(1)
#define ANP_TCP_OPT_SACK_OK	BIT(2)
#define ANP_TCP_OPT_TS		BIT(3)
#define ANP_TCP_OPT_SACK	BIT(4)
/* RFC 2018 3: at most 4 blocks fit in 40 bytes, 3 next to timestamps. */
#define ANP_TCP_MAX_SACKS	4
/* RFC 7323 2.3: the largest shift a window scale option may ask. */
#define ANP_TCP_MAX_WSCALE	14

struct anp_tcp_sack_block {
	u32 start;		/* first sequence number held */
	u32 end;		/* the one after the last */
};

struct anp_tcp_opts {
	u8 present;		/* ANP_TCP_OPT_* */
	u8 wscale;		/* shift count, at most ANP_TCP_MAX_WSCALE */
	u8 num_sacks;
	u16 mss;
	u32 tsval, tsecr;
	struct anp_tcp_sack_block sacks[ANP_TCP_MAX_SACKS];
};

/*
 * Parse th's options (the header, doff words, must be in linear
 * memory).  As Linux's tcp_parse_options(): MSS, window scale and
 * SACK-permitted count only on a SYN; an option with a bad length ends
 * the parse (what came before stands); a window scale over 14 is taken
 * as 14 (RFC 7323 2.3).
 */
void anp_tcp_opts_parse(const struct tcphdr *th, struct anp_tcp_opts *o);
/* Bytes o takes in a header: a multiple of 4, at most 40. */
unsigned int anp_tcp_opts_len(const struct anp_tcp_opts *o);
/* Lay o out at p (anp_tcp_opts_len(o) bytes), aligned as Linux does. */
void anp_tcp_opts_write(u8 *p, const struct anp_tcp_opts *o);

/*
 * RFC 7323 5.3 R1 (PAWS): may a segment with this TSval be accepted,
 * given TS.Recent and when it was taken (seconds)?  No when TSval is
 * older than TS.Recent, unless TS.Recent is over 24 days old (5.5) or
 * was never set (0, Linux's allowance for peers that send 0 on SYNs).
 */
bool anp_tcp_paws_ok(u32 ts_recent, time64_t ts_recent_stamp, u32 tsval,
		     time64_t now);

/*
 * The receiver's SACK blocks (RFC 2018 4), most recent first: the
 * out-of-order segment [start, end) arrived and was queued; the block
 * that now holds it goes first, merged with every block it touches; the
 * oldest is forgotten when there are more than ANP_TCP_MAX_SACKS.
 */
void anp_tcp_sack_note(struct anp_tcp_sack_block *b, u8 *n, u32 start,
		       u32 end);
/* RCV.NXT moved to rcv_nxt: blocks it reached are dropped (RFC 2018 4). */
void anp_tcp_sack_clean(struct anp_tcp_sack_block *b, u8 *n, u32 rcv_nxt);

#endif /* __ANP_TCP_ALGO_H */
