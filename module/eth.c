// SPDX-License-Identifier: GPL-2.0
/*
 * Ethernet framing in and out of the ANP host.
 *
 * Input: the device's NAPI poll hands each frame Linux transmitted to
 * anp_eth_rcv() with skb->data at the Ethernet header.  The frame may be
 * non-linear (GSO/frag lists are not produced by the device, but paged
 * data is) and may be a clone shared with a packet tap, so the header is
 * reached with pskb_may_pull() and the skb is unshared with
 * skb_share_check() before anything writes to it (skb_pull and friends
 * write skb fields).
 *
 * The ANP host is one station on the link: it accepts frames addressed to
 * its own MAC and broadcast frames (IEEE 802.3 4.2.4.1.2 address
 * recognition), and nothing else; it joins no multicast group.
 *
 * Output: anp_eth_output() prepends the Ethernet II header (RFC 894)
 * and hands the frame to the interface's xmit.  Frames are not padded to
 * the 60-byte minimum: the link is virtual, and Linux's receive path
 * accepts short frames (veth does not pad either).
 */
#include <kunit/visibility.h>
#include <linux/if_ether.h>

#include "anp.h"

void anp_eth_rcv(struct anp_iface *ifc, struct sk_buff *skb)
{
	struct anp_net *an = ifc->an;
	const struct ethhdr *eh;
	__be16 proto;

	ANP_INC_STATS(an, ANP_MIB_ETH_IN_FRAMES);

	/* We pull headers below; a shared skb must be ours alone first. */
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb) {
		ANP_INC_STATS(an, ANP_MIB_ETH_IN_DISCARDS);
		return;
	}

	/* RFC 894: a frame carries at least the 14-byte header.  Shorter
	 * is a runt.  The 60-byte minimum is not enforced (see above).
	 */
	if (!pskb_may_pull(skb, ETH_HLEN)) {
		ANP_INC_STATS(an, ANP_MIB_ETH_IN_ERRORS);
		kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return;
	}

	skb_reset_mac_header(skb);
	eh = eth_hdr(skb);
	if (!ether_addr_equal(eh->h_dest, ifc->host_mac) &&
	    !is_broadcast_ether_addr(eh->h_dest)) {
		ANP_INC_STATS(an, ANP_MIB_ETH_IN_OTHER_HOST);
		kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
		return;
	}

	proto = eh->h_proto;
	skb_pull(skb, ETH_HLEN);
	skb->protocol = proto;
	skb_reset_network_header(skb);

	switch (proto) {
	case htons(ETH_P_ARP):
		anp_arp_rcv(ifc, skb);
		break;
	case htons(ETH_P_IP):
		anp_ip_rcv(ifc, skb);
		break;
	default:
		/* RFC 894: IPv4 is 0x0800, ARP 0x0806; we speak no other
		 * type (IPv6 neighbour discovery from Linux lands here).
		 */
		ANP_INC_STATS(an, ANP_MIB_ETH_IN_UNKNOWN_TYPE);
		kfree_skb_reason(skb, SKB_DROP_REASON_UNHANDLED_PROTO);
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(anp_eth_rcv);

int anp_eth_output(struct anp_iface *ifc, struct sk_buff *skb,
		   const u8 *dst_mac, __be16 proto)
{
	struct anp_net *an = ifc->an;
	struct ethhdr *eh;
	int err;

	/* Room for the header, and a private header if the skb is a clone. */
	err = skb_cow_head(skb, ETH_HLEN);
	if (err) {
		ANP_INC_STATS(an, ANP_MIB_ETH_OUT_DROPS);
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return err;
	}

	eh = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	/* dst_mac may be unaligned (an ARP payload, a stack copy). */
	memcpy(eh->h_dest, dst_mac, ETH_ALEN);
	ether_addr_copy(eh->h_source, ifc->host_mac);
	eh->h_proto = proto;
	skb->protocol = proto;

	/* xmit consumes the skb whatever it returns. */
	err = ifc->xmit(ifc, skb);
	if (err)
		ANP_INC_STATS(an, ANP_MIB_ETH_OUT_DROPS);
	else
		ANP_INC_STATS(an, ANP_MIB_ETH_OUT_FRAMES);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_eth_output);
