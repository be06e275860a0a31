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
 * edge cuts stays unmarked, so it is counted in the network.  Which
 * segments are lost is RACK's answer (tcp_rack.c, RFC 8985 6), in place
 * of RFC 6675's IsLost() (RFC 8985 3.4: with no reordering seen, RACK
 * marks what DupThresh would, and finds lost retransmissions too).  An
 * RTO keeps the SACKed marks, makes the rest lost and sends those by
 * pipe in slow start (RFC 6675 5.1), unless the peer reneged.
 */
#include "tcp.h"

/*
 * RFC 2883 4: the first block reports a duplicate (a D-SACK) when it
 * lies below SND.UNA or inside the second block.
 */
static bool anp_tcp_sack_is_dsack(const struct anp_tcp_sock *tp,
				  const struct anp_tcp_opts *o)
{
	const struct anp_tcp_sack_block *b = &o->sacks[0];

	if (!o->num_sacks || !anp_seq_before(b->start, b->end))
		return false;
	return anp_seq_before(b->start, tp->snd_una) ||
	       (o->num_sacks > 1 &&
		!anp_seq_before(b->start, o->sacks[1].start) &&
		!anp_seq_after(b->end, o->sacks[1].end));
}

/*
 * A block about data sent and not cumulatively acknowledged; a D-SACK
 * (dsack: the first block is one) reports a duplicate and marks
 * nothing; one beyond SND.MAX is bogus.
 */
static bool anp_tcp_sack_usable(const struct anp_tcp_sock *tp,
				const struct anp_tcp_opts *o, unsigned int i,
				bool dsack)
{
	const struct anp_tcp_sack_block *b = &o->sacks[i];

	if (!anp_seq_before(b->start, b->end) ||
	    anp_seq_before(b->start, tp->snd_una) ||
	    anp_seq_after(b->end, tp->snd_max))
		return false;
	return !(i == 0 && dsack);
}

/*
 * The usable blocks of an ACK in ascending sequence order: a receiver
 * lists the block of its latest segment first (RFC 2018 4), but which
 * of the segments one ACK reports came first is unknown, and RACK
 * must not take a lower block walked after a higher one for
 * reordering (RFC 8985 6.2 step 3; Linux's tcp_sacktag_write_queue()
 * sorts them too).  Returns how many went to order[].
 */
static unsigned int anp_tcp_sack_order(const struct anp_tcp_sock *tp,
				       const struct anp_tcp_opts *o, bool dsack,
				       u8 order[ANP_TCP_MAX_SACKS])
{
	unsigned int i, j, n = 0;

	for (i = 0; i < o->num_sacks; i++) {
		if (!anp_tcp_sack_usable(tp, o, i, dsack))
			continue;
		/* Insertion sort of at most four. */
		j = n;
		while (j && anp_seq_before(o->sacks[i].start,
					   o->sacks[order[j - 1]].start)) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
		n++;
	}
	return n;
}

/*
 * RFC 6675 4 Update(): mark what the SACK blocks of an ACK cover, and
 * tell RACK each segment newly delivered (RFC 8985 6.2 steps 2, 3).
 * Returns whether the first block is a D-SACK (RFC 2883 4).
 */
bool anp_tcp_sack_rcv(struct sock *sk, const struct anp_tcp_opts *opts)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u8 order[ANP_TCP_MAX_SACKS];
	struct sk_buff *skb = NULL;
	unsigned int i, n;
	u32 prev_end = 0;
	bool dsack;

	if (!tp->sack_ok || !(opts->present & ANP_TCP_OPT_SACK))
		return false;
	dsack = anp_tcp_sack_is_dsack(tp, opts);
	n = anp_tcp_sack_order(tp, opts, dsack, order);
	for (i = 0; i < n; i++) {
		const struct anp_tcp_sack_block *b = &opts->sacks[order[i]];

		/*
		 * One walk for all the blocks: the next starts where the
		 * last stopped, unless the blocks overlap.
		 */
		if (!skb || anp_seq_before(b->start, prev_end))
			skb = skb_peek(&tp->rtx_q) ?:
			      (struct sk_buff *)&tp->rtx_q;
		prev_end = b->end;
		skb_queue_walk_from(&tp->rtx_q, skb) {
			struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

			if (!anp_seq_before(cb->seq, b->end))
				break;
			if (!cb->sacked && !anp_seq_before(cb->seq, b->start) &&
			    !anp_seq_after(cb->end_seq, b->end)) {
				cb->sacked = 1;
				anp_tcp_rack_delivered(tp, cb);
			}
		}
	}
	return dsack;
}

/*
 * RFC 6675 4 SetPipe(), with RACK's losses (RFC 8985 6.2 steps 4, 5)
 * for IsLost(): a lost segment stays lost until acknowledged or sent
 * again, a lost retransmission is lost anew.  Pipe counts each segment
 * not lost, and each retransmitted in this recovery once more.  Returns
 * whether any segment is lost.
 *
 * full: the ACK carried SACK blocks (or a timeout asks).  Without, with
 * nothing SACKed or lost and no recovery (pipe unused), only RACK runs,
 * and only the segments sent before the latest delivered one are
 * visited: the common case costs no walk of the whole queue.
 */
bool anp_tcp_sack_update(struct sock *sk, bool full)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	u32 segs = 0, pipe = 0, lost = 0;
	struct sk_buff *skb;
	bool marked;

	if (!full && !tp->sacked_out && !tp->lost_out &&
	    tp->cc.state == ANP_CC_OPEN) {
		tp->rack.reo_us = anp_tcp_rack_detect_loss(sk, &marked);
		if (!marked)
			return false;
	}
	skb_queue_walk(&tp->rtx_q, skb)
		segs += ANP_TCP_SKB_CB(skb)->sacked;
	tp->sacked_out = segs;
	tp->rack.reo_us = anp_tcp_rack_detect_loss(sk, &marked);
	skb_queue_walk(&tp->rtx_q, skb) {
		struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);
		u32 len = cb->end_seq - cb->seq;

		if (cb->sacked)
			continue;
		if (cb->lost)
			lost++;
		else
			pipe += len;
		if (cb->rtx_rec)
			pipe += len;
	}
	tp->pipe = pipe;
	tp->lost_out = lost;
	return lost;
}

/*
 * Send a lost segment again, in this recovery; pipe grows by it.  As
 * Linux counts them: after an RTO a slow-start retransmission, else a
 * fast one.
 */
static void anp_tcp_sack_retransmit(struct sock *sk, struct sk_buff *skb)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

	anp_tcp_transmit(sk, skb, true);
	cb->rtx_rec = 1;
	tp->pipe += cb->end_seq - cb->seq;
	if (tp->cc.state == ANP_CC_LOSS)
		ANP_TCP_INC(sk, SLOW_START_RETRANS);
	else
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
 * used: RACK's reordering timeout and TLP (tcp_rack.c) cover what they
 * would.  After an RTO (how 0) the same sending, in slow start.
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

/*
 * RFC 3708 2: a fast recovery or an RTO begins from the open state
 * (cwnd and ssthresh as they were before it); an RTO inside a recovery
 * keeps the episode the recovery began (Linux's tcp_init_undo()).
 */
void anp_tcp_undo_start(struct anp_tcp_sock *tp, u32 cwnd, u32 ssthresh)
{
	tp->undo_on = 1;
	tp->undo_marker = tp->snd_una;
	tp->undo_retrans = 0;
	tp->prior_cwnd = cwnd;
	tp->prior_ssthresh = ssthresh;
}

/*
 * RFC 3708 3.2: a D-SACK block b (RFC 2883) for data at or above the
 * episode's start reports a retransmission that was not needed: one
 * fewer left to account for, per segment it covers.
 */
void anp_tcp_undo_dsack(struct anp_tcp_sock *tp,
			const struct anp_tcp_sack_block *b)
{
	u32 segs;

	if (!tp->undo_on || !anp_seq_after(b->end, tp->undo_marker))
		return;
	segs = DIV_ROUND_UP(b->end - b->start, tp->mss);
	tp->undo_retrans -= min(tp->undo_retrans, segs);
}

/*
 * RFC 3708 3.2 / RFC 4015: once out of recovery, an episode whose
 * retransmissions all came back in D-SACKs was spurious: undo its
 * reduction (TcpExtTCPDSACKUndo), as Linux's tcp_try_undo_dsack().
 */
static void anp_tcp_try_undo(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);

	if (!tp->undo_on || tp->undo_retrans ||
	    tp->cc.state != ANP_CC_OPEN)
		return;
	if (tp->cc.ops->undo)
		tp->cc.ops->undo(&tp->cc, tp->prior_cwnd, tp->prior_ssthresh);
	tp->undo_on = 0;
	ANP_TCP_INC(sk, DSACK_UNDO);
}

/*
 * What congestion control makes of an ACK (or of RACK's reordering
 * timeout, tcp_rack.c), and the sending it asks for: with SACK, fast
 * recovery by the scoreboard (entry sends the first segment; a partial
 * ACK, NewReno's presumption, makes it lost), and after an RTO the lost
 * segments by pipe; without, NewReno's retransmission of the first
 * segment.
 */
void anp_tcp_recovery(struct sock *sk, const struct anp_cc_ack *ca)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	enum anp_cc_verdict verdict = ANP_CC_NONE;
	u32 cwnd = tp->cc.cwnd, ssthresh = tp->cc.ssthresh;
	u8 was = tp->cc.state;
	bool was_rec = was == ANP_CC_RECOVERY;

	if ((ca->acked || ca->dup || ca->lost) && tp->cc.ops)
		verdict = tp->cc.ops->ack(&tp->cc, ca);
	if (was == ANP_CC_OPEN && tp->cc.state == ANP_CC_RECOVERY)
		anp_tcp_undo_start(tp, cwnd, ssthresh);
	if (was != ANP_CC_OPEN && tp->cc.state == ANP_CC_OPEN)
		anp_tcp_rack_recovered(tp);
	anp_tcp_try_undo(sk);
	if (anp_tcp_by_pipe(tp)) {
		/* In LOSS (anp_tcp_sack_timeout()) the verdict is none. */
		if (tp->cc.state == ANP_CC_RECOVERY && !was_rec)
			ANP_TCP_INC(sk, SACK_RECOVERY);
		anp_tcp_sack_recover(sk, verdict != ANP_CC_RETRANSMIT ? 0 :
					 was_rec ? ANP_TCP_SACK_HEAD_LOST :
					 ANP_TCP_SACK_ENTRY);
	} else if (verdict == ANP_CC_RETRANSMIT) {
		ANP_TCP_INC(sk, FAST_RETRANS);
		anp_tcp_retransmit_head(sk);
	}
	tp->ca_state = tp->cc.state;
}

/*
 * The RTO (congestion control is in LOSS, cwnd one segment).  RFC 2018
 * 8 lets a receiver discard what it SACKed, and asked the sender to
 * forget the scoreboard at an RTO; RFC 6675 5.1 (with RFC 2018's
 * Errata 1610) allows keeping it given a robust test for reneging, and
 * asks that all SACK information be used in the recovery that follows.
 * The test, Linux's tcp_enter_loss(): SND.UNA's own segment marked
 * SACKed can only mean the receiver dropped it, since a block for it
 * would have been a cumulative ACK; then every mark goes.  Otherwise
 * what is SACKed stays, everything else is lost (RFC 5681 3.1 resends
 * all that is not acknowledged), and nothing is in the network:
 * anp_tcp_sack_recover() sends the lost segments in sequence order by
 * pipe while cwnd grows in slow start, until an ACK covers what was
 * sent before the RTO (no new recovery before: RFC 6675 5.1).
 */
void anp_tcp_sack_timeout(struct sock *sk)
{
	struct anp_tcp_sock *tp = anp_tcp_sk(sk);
	struct sk_buff *skb = skb_peek(&tp->rtx_q);
	bool reneged = skb && ANP_TCP_SKB_CB(skb)->sacked;
	u32 sacked = 0, lost = 0;

	if (reneged)
		ANP_TCP_INC(sk, SACK_RENEGING);
	skb_queue_walk(&tp->rtx_q, skb) {
		struct anp_tcp_skb_cb *cb = ANP_TCP_SKB_CB(skb);

		if (reneged)
			cb->sacked = 0;
		cb->lost = !cb->sacked;
		cb->rtx_rec = 0;
		sacked += cb->sacked;
		lost += cb->lost;
	}
	tp->sacked_out = sacked;
	tp->lost_out = lost;
	tp->pipe = 0;
	anp_tcp_sack_recover(sk, 0);
}
