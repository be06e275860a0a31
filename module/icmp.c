// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP (RFC 792) for the ANP host: echo reply, counters, rate limit.
 *
 * Every message is counted in IcmpInMsgs, then checked (length, then the
 * checksum over the whole message) and counted by type.  An Echo
 * Request addressed to one of the host's addresses is answered with an
 * Echo Reply carrying the same identifier, sequence number and data
 * (RFC 792; RFC 1122 3.2.2.6), from that address.
 *
 * Echo Requests sent to a broadcast address are ignored, as Linux does
 * with its default net.ipv4.icmp_echo_ignore_broadcasts=1 (RFC 1122
 * 3.2.2.6: "MAY be silently discarded"), and counted as Linux counts
 * them: IcmpInEchos, then IcmpInErrors.
 *
 * Replies go through a per-host token bucket (ANP_ICMP_RATE per second,
 * bursts of ANP_ICMP_BURST), the shape of Linux's icmp_msgs_per_sec and
 * icmp_msgs_burst; a reply the bucket refuses is counted in
 * IcmpOutRateLimited and not sent.
 */
#include <kunit/visibility.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "anp.h"

void anp_icmp_ratelimit_init(struct anp_icmp_ratelimit *rl)
{
	spin_lock_init(&rl->lock);
	rl->tokens = ANP_ICMP_BURST;
	rl->stamp = jiffies;
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_ratelimit_init);

/*
 * Refill by the time since the last refill, then take a token.  now is
 * a jiffies value; tests pass a fake one.  A clock that appears to go
 * back refills nothing.
 */
bool anp_icmp_ratelimit_allow(struct anp_net *an, unsigned long now)
{
	struct anp_icmp_ratelimit *rl = &an->icmp_rl;
	unsigned long elapsed, add;
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&rl->lock, flags);
	if (time_after(now, rl->stamp)) {
		elapsed = now - rl->stamp;
		if (elapsed >= HZ) {
			/* A second refills any bucket of ANP_ICMP_RATE >= burst. */
			rl->tokens = ANP_ICMP_BURST;
			rl->stamp = now;
		} else {
			add = elapsed * ANP_ICMP_RATE / HZ;
			if (add) {
				rl->tokens = min_t(unsigned long,
						   rl->tokens + add,
						   ANP_ICMP_BURST);
				/* Keep the remainder of a partial token. */
				rl->stamp += add * HZ / ANP_ICMP_RATE;
			}
		}
	}
	if (rl->tokens) {
		rl->tokens--;
		ok = true;
	}
	spin_unlock_irqrestore(&rl->lock, flags);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_ratelimit_allow);

/*
 * RFC 792 Echo: the reply is the request with type 0, the same
 * identifier, sequence number and data, and a new checksum.
 */
static void anp_icmp_echo_reply(struct anp_net *an, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct icmphdr *icmp;
	struct sk_buff *nskb;
	unsigned int len = skb->len;

	/*
	 * RFC 1122 3.2.2.6: the reply's source MUST be the request's
	 * specific destination.  A request to a broadcast address has
	 * none; Linux ignores those by default, and so do we.
	 */
	if (!anp_addr_is_local(an, iph->daddr)) {
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ERRORS);
		return;
	}
	if (!anp_icmp_ratelimit_allow(an, jiffies)) {
		ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_RATE_LIMITED);
		return;
	}

	nskb = alloc_skb(ANP_IP_HEADROOM + len, GFP_ATOMIC);
	if (!nskb) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		return;
	}
	skb_reserve(nskb, ANP_IP_HEADROOM);
	icmp = skb_put(nskb, len);
	if (skb_copy_bits(skb, 0, icmp, len)) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		kfree_skb(nskb);
		return;
	}
	icmp->type = ICMP_ECHOREPLY;
	icmp->code = 0;
	icmp->checksum = 0;
	icmp->checksum = ip_compute_csum(icmp, len);

	/* RFC 1122 3.2.2.6: the reply keeps the request's TOS. */
	if (anp_ip_output(an, nskb, iph->daddr, iph->saddr, IPPROTO_ICMP,
			  iph->tos))
		return;
	ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_MSGS);
	ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_ECHO_REPS);
}

void anp_icmp_rcv(struct anp_net *an, struct anp_iface *ifc,
		  struct sk_buff *skb)
{
	const struct icmphdr *icmp;

	ANP_INC_STATS(an, ANP_MIB_ICMP_IN_MSGS);
	/* RFC 792: every message has at least type, code, checksum, and
	 * 4 more bytes.
	 */
	if (!pskb_may_pull(skb, sizeof(struct icmphdr))) {
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ERRORS);
		goto drop;
	}
	/*
	 * RFC 792: "the 16-bit one's complement of the one's complement
	 * sum of the ICMP message"; over the whole message (RFC 1122
	 * 3.2.2).  Counted as Linux does: IcmpInCsumErrors and IcmpInErrors.
	 */
	if (csum_fold(skb_checksum(skb, 0, skb->len, 0))) {
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_CSUM_ERRORS);
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ERRORS);
		goto drop;
	}

	icmp = (const struct icmphdr *)skb->data;
	switch (icmp->type) {
	case ICMP_ECHO:
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ECHOS);
		anp_icmp_echo_reply(an, skb);
		break;
	case ICMP_ECHOREPLY:
		/* No ping sockets yet: counted, then dropped. */
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ECHO_REPS);
		break;
	default:
		/* RFC 1122 3.2.2: unknown types MUST be silently discarded. */
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_OTHER);
		break;
	}
	consume_skb(skb);
	return;

drop:
	kfree_skb(skb);
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_rcv);

/* SKELETON (issue 3 helper replaces): errors are not sent yet. */
void anp_icmp_send(struct anp_net *an, struct sk_buff *skb_in, u8 type,
		   u8 code, __be32 info)
{
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_send);

int anp_icmp_err_errno(u8 type, u8 code, bool *fatal)
{
	*fatal = false;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_err_errno);
