// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control: NewReno, the ops table's default.
 *
 *   RFC 5681 3.1  slow start and congestion avoidance, the RTO response
 *   RFC 3465      appropriate byte counting in congestion avoidance
 *   RFC 5681 3.2  fast retransmit on the third duplicate ACK
 *   RFC 3042      limited transmit on the first two (anp_cc_room())
 *   RFC 6582 3.2  NewReno fast recovery, partial ACKs
 *   RFC 6675 5    with SACK: recovery when the scoreboard holds a lost
 *                 segment (RACK, RFC 8985, marks them), cwnd = ssthresh
 *                 without inflation or deflation (the engine sends by
 *                 "pipe")
 *   RFC 8985 7.4  the response to a loss a tail loss probe repaired
 *   RFC 4015 3.2  undoing a reduction that D-SACKs proved spurious
 *   RFC 5681 4.1  restart after idle
 *   RFC 6928 2    the initial window
 *
 * States: OPEN (slow start below ssthresh, congestion avoidance at or
 * above it), RECOVERY (fast recovery until an ACK covers "recover")
 * and LOSS (after an RTO, until an ACK covers the snd_nxt of the
 * timeout).  RFC 6582 3.2 step 2 enters fast retransmit only when the
 * duplicate ACKs' cumulative ACK covers more than "recover"; an ACK
 * that covers recover ends RECOVERY or LOSS, so that test is "the state
 * is OPEN", which also spares recover an initial value (RFC 6582 sets
 * it to the ISN, which init() does not know).  The heuristics of RFC
 * 6582 4 for duplicate ACKs after a timeout are not used: in LOSS they
 * never trigger fast retransmit.
 */
#include <kunit/visibility.h>
#include <linux/minmax.h>

#include "tcp_algo.h"

/* RFC 6928 2: IW = min(10 * MSS, max(2 * MSS, 14600)). */
u32 anp_cc_initial_window(u32 mss)
{
	return min(10 * mss, max(2 * mss, 14600U));
}
EXPORT_SYMBOL_IF_KUNIT(anp_cc_initial_window);

/* RFC 5681 3.1 equation (4): ssthresh = max(FlightSize / 2, 2 * SMSS). */
static u32 anp_newreno_ssthresh(const struct anp_cc *cc, u32 flight)
{
	return max(flight / 2, 2 * cc->mss);
}

static void anp_newreno_init(struct anp_cc *cc, u32 mss)
{
	cc->mss = mss;
	cc->cwnd = anp_cc_initial_window(mss);
	/* RFC 5681 3.1: the initial ssthresh "MAY be arbitrarily high". */
	cc->ssthresh = ANP_CC_INFINITE_SSTHRESH;
	cc->bytes_acked = 0;
	cc->recover = 0;
	cc->dupacks = 0;
	cc->state = ANP_CC_OPEN;
}

/* New data acknowledged outside fast recovery. */
static void anp_newreno_grow(struct anp_cc *cc, u32 acked)
{
	if (cc->cwnd < cc->ssthresh) {
		/* RFC 5681 3.1 equation (2): cwnd += min(N, SMSS). */
		cc->cwnd += min(acked, cc->mss);
		return;
	}
	/*
	 * RFC 5681 3.1 congestion avoidance with RFC 3465 2.1 byte
	 * counting: one SMSS each time a cwnd's worth of bytes has been
	 * acknowledged, about one SMSS per RTT.
	 */
	cc->bytes_acked += acked;
	if (cc->bytes_acked >= cc->cwnd) {
		cc->bytes_acked -= cc->cwnd;
		cc->cwnd += cc->mss;
	}
}

static enum anp_cc_verdict anp_newreno_recovery(struct anp_cc *cc,
						const struct anp_cc_ack *a)
{
	u32 cwnd;

	if (!a->acked) {
		/*
		 * RFC 6582 3.2 step 4 (RFC 5681 3.2 step 4): each further
		 * duplicate ACK inflates cwnd by SMSS, for the segment that
		 * left the network.  With SACK the scoreboard's pipe knows
		 * what left (RFC 6675 5): no inflation.
		 */
		if (a->dup && !a->sack)
			cc->cwnd += cc->mss;
		return ANP_CC_NONE;
	}
	if (anp_seq_geq(a->ack, cc->recover)) {
		/*
		 * RFC 6582 3.2 step 3, full acknowledgment (recover holds
		 * the snd_nxt of entry: everything up to and including the
		 * highest octet sent then is acknowledged): deflate to
		 * ssthresh, option (2) of step 3, and leave fast recovery.
		 */
		cc->cwnd = cc->ssthresh;
		cc->state = ANP_CC_OPEN;
		cc->dupacks = 0;
		cc->bytes_acked = 0;
		return ANP_CC_NONE;
	}
	/*
	 * RFC 6675 5: a partial ACK changes no window; the first segment
	 * left is presumed lost as in NewReno, and the engine sends it
	 * when pipe allows.
	 */
	if (a->sack)
		return ANP_CC_RETRANSMIT;
	/*
	 * RFC 6582 3.2 step 5, partial acknowledgment: retransmit the
	 * first unacknowledged segment, deflate cwnd by the amount of new
	 * data acknowledged, then add back SMSS if that was at least SMSS.
	 * cwnd stays at least one SMSS so that the retransmission fits.
	 */
	cwnd = cc->cwnd > a->acked ? cc->cwnd - a->acked : 0;
	if (a->acked >= cc->mss)
		cwnd += cc->mss;
	cc->cwnd = max(cwnd, cc->mss);
	return ANP_CC_RETRANSMIT;
}

/*
 * RFC 5681 3.2 step 2, RFC 6582 3.2 step 2: fast retransmit: ssthresh
 * per equation (4), recover = the highest sequence number sent,
 * retransmit (step 3) and cwnd = ssthresh + 3 * SMSS for the three
 * segments that left the network (step 4); with SACK, RFC 6675 5
 * (4.2): cwnd = ssthresh.
 */
static enum anp_cc_verdict anp_newreno_enter(struct anp_cc *cc,
					     const struct anp_cc_ack *a)
{
	/* The data limited transmit sent beyond cwnd "MUST NOT be
	 * included" in FlightSize for equation (4) (RFC 5681 3.2 step 2).
	 */
	cc->ssthresh = anp_newreno_ssthresh(cc, min(a->flight, cc->cwnd));
	cc->recover = a->snd_nxt;
	cc->cwnd = cc->ssthresh + (a->sack ? 0 : 3 * cc->mss);
	cc->bytes_acked = 0;
	cc->state = ANP_CC_RECOVERY;
	return ANP_CC_RETRANSMIT;
}

static enum anp_cc_verdict anp_newreno_ack(struct anp_cc *cc,
					   const struct anp_cc_ack *a)
{
	if (cc->state == ANP_CC_RECOVERY)
		return anp_newreno_recovery(cc, a);

	if (a->acked) {
		cc->dupacks = 0;
		anp_newreno_grow(cc, a->acked);
		/* The data outstanding at the RTO is all acknowledged. */
		if (cc->state == ANP_CC_LOSS && anp_seq_geq(a->ack, cc->recover))
			cc->state = ANP_CC_OPEN;
	} else if (a->dup && cc->dupacks < U8_MAX) {
		cc->dupacks++;
	}
	if (cc->state != ANP_CC_OPEN)
		return ANP_CC_NONE;
	/*
	 * With SACK, recovery starts when RACK finds a segment lost (RFC
	 * 8985 6.2 step 5; with no reordering seen that is RFC 6675's
	 * DupThresh SACKed segments, or sooner by time), on any ACK or the
	 * reordering timeout.  Without, the third duplicate ACK (and the
	 * cumulative ACK past recover, see the top of the file) starts fast
	 * retransmit; the first two change nothing here (RFC 5681 3.2 step
	 * 1: limited transmit, RFC 3042, is anp_cc_room()'s).
	 */
	if (a->sack ? a->lost : a->dup && cc->dupacks == 3)
		return anp_newreno_enter(cc, a);
	return ANP_CC_NONE;
}

static void anp_newreno_timeout(struct anp_cc *cc, u32 flight, u32 snd_nxt)
{
	/*
	 * RFC 5681 3.1 equation (4), except that ssthresh is held when the
	 * timer fires again before the previous timeout's data is all
	 * acknowledged ("the value of ssthresh is held constant" for a
	 * segment already retransmitted by the timer, RFC 5681 3.1).
	 */
	if (cc->state != ANP_CC_LOSS)
		cc->ssthresh = anp_newreno_ssthresh(cc, flight);
	/* RFC 5681 3.1: cwnd = the loss window, one SMSS. */
	cc->cwnd = cc->mss;
	/* RFC 6582 3.2 step 2 / 4: recover = highest sequence sent. */
	cc->recover = snd_nxt;
	cc->bytes_acked = 0;
	cc->dupacks = 0;
	cc->state = ANP_CC_LOSS;
}

/*
 * RFC 5681 4.1: after an idle period longer than the RTO, cwnd =
 * min(RW, cwnd) with the restart window RW = min(IW, cwnd).
 */
static void anp_newreno_idle(struct anp_cc *cc)
{
	cc->cwnd = min(cc->cwnd, anp_cc_initial_window(cc->mss));
	cc->bytes_acked = 0;
}

/*
 * RFC 8985 7.4.2: a tail loss probe repaired a loss.  As Linux's
 * tcp_process_tlp_ack(): what entering and at once leaving fast
 * recovery would leave, ssthresh per RFC 5681 equation (4) and cwnd =
 * ssthresh (RFC 6582 3.2 step 3's deflation).
 */
static void anp_newreno_reduce(struct anp_cc *cc, u32 flight)
{
	cc->ssthresh = anp_newreno_ssthresh(cc, min(flight, cc->cwnd));
	cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
}

/*
 * RFC 4015 3.2 (the Eifel response, as Linux's tcp_undo_cwnd_reduction()
 * does it): restore what the spurious recovery took, keeping any growth
 * since.
 */
static void anp_newreno_undo(struct anp_cc *cc, u32 prior_cwnd,
			     u32 prior_ssthresh)
{
	cc->cwnd = max(cc->cwnd, prior_cwnd);
	cc->ssthresh = max(cc->ssthresh, prior_ssthresh);
}

const struct anp_cc_ops anp_cc_newreno = {
	.name = "newreno",
	.init = anp_newreno_init,
	.ack = anp_newreno_ack,
	.timeout = anp_newreno_timeout,
	.idle = anp_newreno_idle,
	.reduce = anp_newreno_reduce,
	.undo = anp_newreno_undo,
};
EXPORT_SYMBOL_IF_KUNIT(anp_cc_newreno);
