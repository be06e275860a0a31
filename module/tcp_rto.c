// SPDX-License-Identifier: GPL-2.0
/*
 * The retransmission timeout estimator of RFC 6298, in microseconds.
 * The engine takes samples (never from a retransmitted segment: Karn's
 * rule, RFC 6298 3), backs off when the timer fires and arms the timer
 * with anp_rtt_rto(); see tcp_algo.h for the constants.
 */
#include <kunit/visibility.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>

#include "tcp_algo.h"

/* RFC 6298 2: G, the clock granularity: the timer runs on jiffies. */
#define ANP_TCP_RTO_G_US	(USEC_PER_SEC / HZ)

/* RFC 6298 2.1: before any sample, RTO = 1 s. */
void anp_rtt_init(struct anp_rtt *r)
{
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->rto_us = ANP_TCP_RTO_INIT_US;
	r->rto_min_us = ANP_TCP_RTO_MIN_US;
	r->backoff = 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_rtt_init);

void anp_rtt_sample(struct anp_rtt *r, u32 rtt_us)
{
	u64 rto;

	/*
	 * srtt_us 0 means "no sample yet": a measurement below the clock's
	 * resolution counts as 1 us so that it is still a first sample.
	 */
	rtt_us = max(rtt_us, 1U);
	if (!r->srtt_us) {
		/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2. */
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
	} else {
		/*
		 * RFC 6298 2.3, in this order (RTTVAR uses the old SRTT):
		 * RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|,
		 * SRTT = 7/8 SRTT + 1/8 R'.
		 */
		u32 delta = r->srtt_us > rtt_us ? r->srtt_us - rtt_us :
						  rtt_us - r->srtt_us;

		r->rttvar_us = div_u64(3ULL * r->rttvar_us + delta, 4);
		r->srtt_us = div_u64(7ULL * r->srtt_us + rtt_us, 8);
	}
	/* RFC 6298 2.2, 2.3: RTO = SRTT + max(G, K * RTTVAR), K = 4. */
	rto = (u64)r->srtt_us + max_t(u64, ANP_TCP_RTO_G_US,
				      4ULL * r->rttvar_us);
	/*
	 * RFC 6298 2.4 (our minimum, or the route's: see tcp_algo.h), 2.5
	 * (maximum).
	 */
	r->rto_us = clamp_t(u64, rto, r->rto_min_us, ANP_TCP_RTO_MAX_US);
	/*
	 * RFC 6298 5.7: once a new sample arrives after backing off, the
	 * computed RTO is used again.
	 */
	r->backoff = 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_rtt_sample);

/*
 * RFC 6298 5.5: RTO = RTO * 2 at each expiry, up to the maximum (2.5);
 * the doubling stops counting once it reaches it.
 */
void anp_rtt_backoff(struct anp_rtt *r)
{
	if (anp_rtt_rto(r) < ANP_TCP_RTO_MAX_US)
		r->backoff++;
}
EXPORT_SYMBOL_IF_KUNIT(anp_rtt_backoff);

u32 anp_rtt_rto(const struct anp_rtt *r)
{
	return min_t(u64, (u64)r->rto_us << r->backoff, ANP_TCP_RTO_MAX_US);
}
EXPORT_SYMBOL_IF_KUNIT(anp_rtt_rto);
