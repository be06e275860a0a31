// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's SACK scoreboard (RFC 6675 with RFC 2018's blocks): which
 * segments of the retransmit queue the peer holds, which are lost, how
 * much is in the network ("pipe"), and fast recovery that sends lost
 * segments and new data by that pipe, several holes a round trip,
 * instead of NewReno's one (RFC 6582).
 *
 * The scoreboard lives in the control blocks of rtx_q's segments
 * (sacked, lost, rtx_rec).  Only whole segments are marked: one a block
 * edge cuts stays unmarked, so it is counted in the network and never
 * taken for lost.  An RTO clears the marks (RFC 2018 8: "the data
 * receiver may have reneged"), and go-back-N sends everything again.
 */
#include "tcp.h"

/* RFC 6675 2: DupThresh. */
#define ANP_TCP_DUPTHRESH	3

/*
 * A block about data sent and not cumulatively acknowledged; a D-SACK
 * (RFC 2883 4: below SND.UNA, or the first block inside the second)
 * reports a duplicate and marks nothing; one beyond SND.MAX is bogus.
 */
static bool anp_tcp_sack_usable(const struct anp_tcp_sock *tp,
				const struct anp_tcp_opts *o, unsigned int i)
{
	const struct anp_tcp_sack_block *b = &o->sacks[i];

	if (!anp_seq_before(b->start, b->end) ||
	    anp_seq_before(b->start, tp->snd_una) ||
	    anp_seq_after(b->end, tp->snd_max))
		return false;
	return !(i == 0 && o->num_sacks > 1 &&
		 !anp_seq_before(b->start, o->sacks[1].start) &&
		 !anp_seq_after(b->end, o->sacks[1].end));
}

/* RFC 6675 4 Update(): mark what the SACK blocks of an ACK cover. */
void anp_tcp_sack_rcv(struct sock *sk, const struct anp_tcp_opts *opts)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	unsigned int i;

	if (!tp->sack_ok || !(opts->present & ANP_TCP_OPT_SACK))
		return;
	for (i = 0; i < opts->num_sacks; i++) {
		const struct anp_tcp_sack_block *b = &opts->sacks[i];
		struct sk_buff *skb;

		if (!anp_tcp_sack_usable(tp, opts, i))
			continue;
		skb_queue_walk(&tp->rtx_q, skb) {
			struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

			if (!anp_seq_before(cb->seq, b->end))
				break;
			if (!anp_seq_before(cb->seq, b->start) &&
			    !anp_seq_after(cb->end_seq, b->end))
				cb->sacked = 1;
		}
	}
}

/*
 * RFC 6675 4: IsLost() for every segment and SetPipe().  Walking from
 * the newest, a segment is lost once DupThresh segments above it are
 * SACKed, or more than (DupThresh - 1) * SMSS bytes; it stays lost
 * until acknowledged.  Pipe counts each segment not lost, and each
 * retransmitted in this recovery once more.  Returns IsLost(HighACK +
 * 1): whether the first unacknowledged segment is lost.
 */
bool anp_tcp_sack_update(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 segs = 0, bytes = 0, pipe = 0, lost = 0;
	struct sk_buff *skb;

	skb_queue_reverse_walk(&tp->rtx_q, skb) {
		struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
		u32 len = cb->end_seq - cb->seq;

		if (cb->sacked) {
			segs++;
			bytes += len;
			continue;
		}
		if (segs >= ANP_TCP_DUPTHRESH ||
		    bytes > (ANP_TCP_DUPTHRESH - 1) * tp->mss)
			cb->lost = 1;
		if (cb->lost)
			lost++;
		else
			pipe += len;
		if (cb->rtx_rec)
			pipe += len;
	}
	tp->pipe = pipe;
	tp->sacked_out = segs;
	tp->lost_out = lost;
	skb = skb_peek(&tp->rtx_q);
	return skb && ANP_TCP_SKB_CB(skb)->lost;
}

/* Send a lost segment again, in this recovery; pipe grows by it. */
static void anp_tcp_sack_retransmit(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

	anp_tcp_transmit(sk, skb, true);
	cb->rtx_rec = 1;
	tp->pipe += cb->end_seq - cb->seq;
	ANP_TCP_INC(sk, FAST_RETRANS);
}

/*
 * Fast recovery with SACK.  ANP_TCP_SACK_ENTRY: RFC 6675 5 (4.3), the
 * first segment goes again whatever pipe says; ANP_TCP_SACK_HEAD_LOST
 * (a partial ACK): it is presumed lost, as NewReno presumes, and goes
 * when pipe allows.  Then (C): while cwnd - pipe >= 1 SMSS, send
 * NextSeg(): rule (1), the first lost segment not yet retransmitted,
 * then rule (2), new data (anp_tcp_push() counts pipe in recovery).
 * Rules (3) and (4), retransmitting what is not known lost, are not
 * used: the RTO covers what they would.
 */
void anp_tcp_sack_recover(struct sock *sk, unsigned int how)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff *skb = skb_peek(&tp->rtx_q);
	struct anp_tcp_skb_cb *cb;

	if (!skb)
		return;
	cb = ANP_TCP_SKB_CB(skb);
	if (how && !cb->sacked && !cb->lost) {
		/* Lost now: no longer counted as in the network. */
		cb->lost = 1;
		tp->pipe -= min(tp->pipe, cb->end_seq - cb->seq);
	}
	if ((how & ANP_TCP_SACK_ENTRY) && !cb->sacked && !cb->rtx_rec)
		anp_tcp_sack_retransmit(sk, skb);
	skb_queue_walk(&tp->rtx_q, skb) {
		cb = ANP_TCP_SKB_CB(skb);
		if (tp->pipe + tp->mss > tp->cc.cwnd)
			return;
		if (cb->lost && !cb->sacked && !cb->rtx_rec)
			anp_tcp_sack_retransmit(sk, skb);
	}
	anp_tcp_push(sk, 0);
}

/* RFC 2018 8: after an RTO the peer may have dropped what it SACKed. */
void anp_tcp_sack_clear(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&tp->rtx_q, skb) {
		ANP_TCP_SKB_CB(skb)->sacked = 0;
		ANP_TCP_SKB_CB(skb)->lost = 0;
		ANP_TCP_SKB_CB(skb)->rtx_rec = 0;
	}
	tp->sacked_out = 0;
	tp->lost_out = 0;
}
