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
 *
 * Errors received (Destination Unreachable, Time Exceeded; RFC 1122
 * 3.2.2.1, 3.2.2.4): the quoted datagram's header is checked (version
 * 4, a sane IHL, the header and the 8 bytes RFC 792 promises present)
 * and the error is handed to the quoted datagram's transport, which
 * reports it to the socket that sent it (RFC 1122 4.1.3.3 for UDP).
 * A malformed quote counts IcmpInErrors.  Parameter Problem is passed
 * on too (RFC 1122 3.2.2.5) and counted in IcmpInOther; Source Quench
 * (RFC 6633: ignored) and Redirect (the host keeps no per-destination
 * routes to change) are counted in IcmpInOther and dropped.
 *
 * Errors sent (anp_icmp_send): RFC 1122 3.2.2's "MUST NOT" list is
 * checked first, then the rate limit; the message quotes the offending
 * datagram's header and as much of its data as fits in 576 bytes
 * (RFC 1812 4.3.2.3; RFC 792 asks for 8 bytes at least) and comes from
 * the address the datagram was sent to when that is one of ours (RFC
 * 1122 3.2.2.6's rule for echo, RFC 1812 4.3.2.4), else from the
 * route's source.
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
	if (!anp_ip_is_local(an, iph->daddr)) {
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

/*
 * An error about a datagram the host sent (skb->data at the ICMP header,
 * checksum verified).  RFC 792: the message quotes "the internet header
 * plus the first 64 bits of the original data"; RFC 1122 3.2.2: "the
 * Internet header and at least the first 8 data octets".
 */
static void anp_icmp_err_rcv(struct anp_net *an, struct sk_buff *skb)
{
	const struct icmphdr *icmp = icmp_hdr(skb);
	u8 type = icmp->type, code = icmp->code;
	__be32 info = icmp->un.gateway;
	const struct iphdr *qiph, *iph = ip_hdr(skb);
	unsigned int qhlen;

	/*
	 * RFC 1122 3.2.2: errors are never sent to a broadcast address,
	 * so one that arrives on one is bogus (Linux ignores those too,
	 * icmp_ignore_bogus_error_responses).
	 */
	if (!anp_ip_is_local(an, iph->daddr)) {
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ERRORS);
		return;
	}
	if (!pskb_may_pull(skb, sizeof(*icmp) + sizeof(*qiph)))
		goto bad;
	qiph = (const struct iphdr *)(skb->data + sizeof(*icmp));
	/* RFC 791 3.1: version 4, IHL at least 5. */
	if (qiph->version != 4 || qiph->ihl < 5)
		goto bad;
	qhlen = qiph->ihl * 4;
	if (!pskb_may_pull(skb, sizeof(*icmp) + qhlen + 8))
		goto bad;
	qiph = (const struct iphdr *)(skb->data + sizeof(*icmp));

	/* RFC 1122 3.2.2.1, 3.2.2.4: the transport MUST be told. */
	switch (qiph->protocol) {
	case IPPROTO_UDP:
		anp_udp_err(an, qiph,
			    (const struct udphdr *)((const u8 *)qiph + qhlen),
			    type, code, info);
		break;
	case IPPROTO_TCP:
		anp_tcp_err(an, qiph,
			    (const struct tcphdr *)((const u8 *)qiph + qhlen),
			    type, code, info);
		break;
	default:
		/* Nothing of ours sent it (ICMP keeps no state). */
		break;
	}
	return;

bad:
	ANP_INC_STATS(an, ANP_MIB_ICMP_IN_ERRORS);
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
	case ICMP_DEST_UNREACH:
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_DEST_UNREACHS);
		anp_icmp_err_rcv(an, skb);
		break;
	case ICMP_TIME_EXCEEDED:
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_TIME_EXCDS);
		anp_icmp_err_rcv(an, skb);
		break;
	case ICMP_PARAMETERPROB:
		/* RFC 1122 3.2.2.5: MUST be passed to the transport. */
		ANP_INC_STATS(an, ANP_MIB_ICMP_IN_OTHER);
		anp_icmp_err_rcv(an, skb);
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

/*
 * RFC 1122 3.2.2: is the quoted ICMP message an error (as opposed to a
 * query)?  Unknown types count as errors, as in Linux (icmp_pointers).
 */
static bool anp_icmp_type_is_error(u8 type)
{
	switch (type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REQUEST:
	case ICMP_INFO_REPLY:
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		return false;
	default:
		return true;
	}
}

/*
 * RFC 1122 3.2.2: "An ICMP error message MUST NOT be sent as the
 * result of receiving" the datagrams this refuses.
 */
static bool anp_icmp_may_answer(struct anp_net *an, struct sk_buff *skb_in,
				const struct iphdr *iph)
{
	u32 src = ntohl(iph->saddr);
	u8 type, *tp;

	/* "a datagram destined to an IP broadcast or IP multicast
	 * address", or sent as a link-layer broadcast.
	 */
	if (ipv4_is_multicast(iph->daddr) || anp_ip_is_bcast(an, iph->daddr) ||
	    skb_in->pkt_type == PACKET_BROADCAST ||
	    skb_in->pkt_type == PACKET_MULTICAST)
		return false;
	/* "a datagram whose source address does not define a single
	 * host -- e.g., a zero address, a loopback address, a broadcast
	 * address, a multicast address, or a Class E address".  Loopback
	 * sources only ever come from the host itself (anp_ip_validate
	 * drops them from the wire), and Linux answers those on lo: so do
	 * we, to our own sockets.
	 */
	if (ipv4_is_zeronet(iph->saddr) || ipv4_is_multicast(iph->saddr) ||
	    (src & 0xf0000000) == 0xf0000000 ||
	    anp_ip_is_bcast(an, iph->saddr))
		return false;
	/* "a non-initial fragment". */
	if (iph->frag_off & htons(IP_OFFSET))
		return false;
	/* "an ICMP error message" (a query may be answered). */
	if (iph->protocol == IPPROTO_ICMP) {
		tp = skb_header_pointer(skb_in, skb_network_offset(skb_in) +
					iph->ihl * 4, sizeof(type), &type);
		if (!tp || anp_icmp_type_is_error(*tp))
			return false;
	}
	return true;
}

void anp_icmp_send(struct anp_net *an, struct sk_buff *skb_in, u8 type,
		   u8 code, __be32 info)
{
	const struct iphdr *iph;
	struct icmphdr *icmp;
	struct sk_buff *nskb;
	unsigned int qlen, avail;
	__be32 saddr;
	int noff;
	u8 tos;

	/* The offending header must be all there (anp_ip_validate). */
	noff = skb_network_offset(skb_in);
	if (skb_network_header(skb_in) < skb_in->head ||
	    skb_network_header(skb_in) + sizeof(*iph) >
	    skb_tail_pointer(skb_in))
		return;
	iph = ip_hdr(skb_in);
	if (iph->ihl < 5 || (int)skb_in->len - noff < iph->ihl * 4)
		return;
	if (!anp_icmp_may_answer(an, skb_in, iph))
		return;
	/* Rate limited, as Linux's icmp_global_allow. */
	if (!anp_icmp_ratelimit_allow(an, jiffies)) {
		ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_RATE_LIMITED);
		return;
	}

	/* RFC 1812 4.3.2.3: as much as fits in 576 bytes in all. */
	avail = skb_in->len - noff;
	qlen = min_t(unsigned int, avail, ntohs(iph->tot_len));
	qlen = min_t(unsigned int, qlen,
		     576 - sizeof(struct iphdr) - sizeof(*icmp));

	nskb = alloc_skb(ANP_IP_HEADROOM + sizeof(*icmp) + qlen, GFP_ATOMIC);
	if (!nskb) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		return;
	}
	skb_reserve(nskb, ANP_IP_HEADROOM);
	icmp = skb_put(nskb, sizeof(*icmp));
	/* RFC 792: type, code, checksum, then the "unused" (or the
	 * pointer / next-hop MTU) word, then the quote.
	 */
	icmp->type = type;
	icmp->code = code;
	icmp->checksum = 0;
	icmp->un.gateway = info;
	if (skb_copy_bits(skb_in, noff, skb_put(nskb, qlen), qlen)) {
		ANP_INC_STATS(an, ANP_MIB_IP_OUT_DISCARDS);
		kfree_skb(nskb);
		return;
	}
	icmp->checksum = ip_compute_csum(icmp, nskb->len);

	/*
	 * Source: the address the offending datagram was sent to when it
	 * is ours (RFC 1812 4.3.2.4, and what Linux does for a host),
	 * else the route's choice.  TOS as Linux: the datagram's, with
	 * Internetwork Control precedence (RFC 1812 4.3.2.5).
	 */
	saddr = anp_ip_is_local(an, iph->daddr) ? iph->daddr : 0;
	tos = (iph->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
	if (anp_ip_output(an, nskb, saddr, iph->saddr, IPPROTO_ICMP, tos))
		return;
	ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_MSGS);
	if (type == ICMP_DEST_UNREACH)
		ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_DEST_UNREACHS);
	else if (type == ICMP_TIME_EXCEEDED)
		ANP_INC_STATS(an, ANP_MIB_ICMP_OUT_TIME_EXCDS);
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_send);

/*
 * Linux's icmp_err_convert (net/ipv4/icmp.c): the errno of each
 * Destination Unreachable code (RFC 1122 3.2.2.1 lists the codes) and
 * whether it is a hard error.  RFC 1122 4.2.3.9: codes 0, 1 and 5 are
 * soft errors, 2-4 hard; Linux (and this table) treats Fragmentation
 * Needed (4) apart, see anp_icmp_err_errno(), and the codes RFC 1122
 * added (6-12) and RFC 1812 added (13-15) as Linux does.
 */
static const struct {
	int errno;
	bool fatal;
} anp_icmp_unreach_err[] = {
	[ICMP_NET_UNREACH]	= { ENETUNREACH, false },
	[ICMP_HOST_UNREACH]	= { EHOSTUNREACH, false },
	[ICMP_PROT_UNREACH]	= { ENOPROTOOPT, true },
	[ICMP_PORT_UNREACH]	= { ECONNREFUSED, true },
	[ICMP_FRAG_NEEDED]	= { EMSGSIZE, false },
	[ICMP_SR_FAILED]	= { EOPNOTSUPP, false },
	[ICMP_NET_UNKNOWN]	= { ENETUNREACH, true },
	[ICMP_HOST_UNKNOWN]	= { EHOSTDOWN, true },
	[ICMP_HOST_ISOLATED]	= { ENONET, true },
	[ICMP_NET_ANO]		= { ENETUNREACH, true },
	[ICMP_HOST_ANO]		= { EHOSTUNREACH, true },
	[ICMP_NET_UNR_TOS]	= { ENETUNREACH, false },
	[ICMP_HOST_UNR_TOS]	= { EHOSTUNREACH, false },
	[ICMP_PKT_FILTERED]	= { EHOSTUNREACH, true },
	[ICMP_PREC_VIOLATION]	= { EHOSTUNREACH, true },
	[ICMP_PREC_CUTOFF]	= { EHOSTUNREACH, true },
};

/* Positive errno values, as sk_err holds them. */
int anp_icmp_err_errno(u8 type, u8 code, bool *fatal)
{
	int err = 0;

	*fatal = false;
	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) {
			/*
			 * As Linux's __udp4_lib_err with the default
			 * IP_PMTUDISC_WANT: reported, hard; the host
			 * keeps no path MTU to lower.
			 */
			err = EMSGSIZE;
			*fatal = true;
		} else if (code < ARRAY_SIZE(anp_icmp_unreach_err)) {
			err = anp_icmp_unreach_err[code].errno;
			*fatal = anp_icmp_unreach_err[code].fatal;
		} else {
			/* RFC 1122 3.2.2.1: unknown codes, soft. */
			err = EHOSTUNREACH;
		}
		break;
	case ICMP_TIME_EXCEEDED:
		/* RFC 1122 3.2.2.4: soft, passed to the transport. */
		err = EHOSTUNREACH;
		break;
	case ICMP_PARAMETERPROB:
		/* RFC 1122 3.2.2.5: as Linux, a hard EPROTO. */
		err = EPROTO;
		*fatal = true;
		break;
	default:
		/* Source Quench (RFC 6633: ignored), Redirect, queries. */
		break;
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_icmp_err_errno);
