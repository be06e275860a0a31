// SPDX-License-Identifier: GPL-2.0
/*
 * ARP for the ANP host: RFC 826 on Ethernet for IPv4 only.
 *
 * Input follows RFC 826's "Packet Reception" algorithm: check the
 * hardware and protocol types, merge the sender into the neighbour cache
 * if it is already there, and if we are the target add it and, for a
 * request, answer.  The packet is checked more strictly than RFC 826
 * requires (lengths, opcode and sender address are validated before the
 * merge) so that a malformed packet never touches the cache.
 *
 * Output: requests for the neighbour cache (anp_arp_send_request) and
 * the RFC 5227 2.3 announcement sent when an address is added.  Every
 * packet we send is built in a fresh skb; the received one is never
 * written to, so a shared or cloned skb is safe here.
 */
#include <kunit/visibility.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>

#include "anp.h"

/* RFC 826 "Packet format" for ar$hrd = Ethernet, ar$pro = IPv4. */
struct anp_arp_eth_ipv4 {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];		/* ar$sha */
	__be32 sip;			/* ar$spa */
	u8 tha[ETH_ALEN];		/* ar$tha */
	__be32 tip;			/* ar$tpa */
} __packed;

static const u8 anp_eth_bcast[ETH_ALEN] __aligned(2) = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static int anp_arp_send(struct anp_iface *ifc, u16 op, const u8 *eth_dst,
			__be32 sip, const u8 *tha, __be32 tip)
{
	struct anp_arp_eth_ipv4 *arp;
	struct sk_buff *skb;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(*arp), GFP_ATOMIC);
	if (!skb) {
		ANP_INC_STATS(ifc->an, ANP_MIB_ETH_OUT_DROPS);
		return -ENOMEM;
	}
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	arp = skb_put(skb, sizeof(*arp));

	/* RFC 826: ar$hrd 1 (Ethernet), ar$pro 0x0800, ar$hln 6,
	 * ar$pln 4, our own addresses in the sender fields.
	 */
	arp->hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->hdr.ar_pro = htons(ETH_P_IP);
	arp->hdr.ar_hln = ETH_ALEN;
	arp->hdr.ar_pln = 4;
	arp->hdr.ar_op = htons(op);
	memcpy(arp->sha, ifc->host_mac, ETH_ALEN);
	arp->sip = sip;
	if (tha)
		memcpy(arp->tha, tha, ETH_ALEN);
	else
		memset(arp->tha, 0, ETH_ALEN);
	arp->tip = tip;

	return anp_eth_output(ifc, skb, eth_dst, htons(ETH_P_ARP));
}

void anp_arp_rcv(struct anp_iface *ifc, struct sk_buff *skb)
{
	u8 sha[ETH_ALEN] __aligned(2);
	struct anp_net *an = ifc->an;
	const struct anp_arp_eth_ipv4 *arp;
	bool for_us;
	__be32 sip, tip;
	u16 op;

	/* RFC 826 "Packet format": 8 bytes of header and, for Ethernet and
	 * IPv4, 2 * (6 + 4) bytes of addresses.  Link padding may follow.
	 */
	if (!pskb_may_pull(skb, sizeof(*arp)))
		goto bad;
	arp = (const struct anp_arp_eth_ipv4 *)skb->data;

	/* RFC 826 "Packet Reception": "Do I have the hardware type in
	 * ar$hrd?", "[optionally check the hardware length ar$hln]", "Do I
	 * speak the protocol in ar$pro?", "[optionally check the protocol
	 * length ar$pln]".  We check all four.
	 */
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		goto bad;
	/* RFC 826 defines ares_op$REQUEST (1) and ares_op$REPLY (2); RARP
	 * and InARP opcodes are not ours to answer.
	 */
	op = ntohs(arp->hdr.ar_op);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		goto bad;

	memcpy(sha, arp->sha, ETH_ALEN);
	sip = arp->sip;
	tip = arp->tip;

	/* A sender is one station: its hardware address is a unicast MAC
	 * and its protocol address no multicast or limited broadcast
	 * address (RFC 1122 3.3.6 / RFC 1812 3.3.2: never cache those).
	 */
	if (!is_valid_ether_addr(sha) || ipv4_is_multicast(sip) ||
	    ipv4_is_lbcast(sip))
		goto bad;

	if (op == ARPOP_REQUEST)
		ANP_INC_STATS(an, ANP_MIB_ARP_IN_REQUESTS);
	else
		ANP_INC_STATS(an, ANP_MIB_ARP_IN_REPLIES);

	rcu_read_lock();
	/* RFC 826: "Am I the target protocol address?" -- on this link. */
	for_us = anp_addr_on_iface(ifc, tip);

	/* RFC 826 merge: "If the pair <protocol type, sender protocol
	 * address> is already in my translation table, update the sender
	 * hardware address field ... Am I the target protocol address?
	 * Yes: If Merge_flag is false, add the triplet".  One call does
	 * both: create only when we are the target.
	 *
	 * Not merged: sender 0.0.0.0, an RFC 5227 2.1.1 probe (there is
	 * no address to cache), and a sender claiming one of our own
	 * addresses (RFC 5227 2.4 conflict; we never resolve ourselves).
	 */
	if (sip && !anp_addr_is_local(an, sip))
		anp_neigh_update(ifc, sip, sha, for_us);

	if (!for_us) {
		/* Well formed but not for us: RFC 826 stops here. */
		rcu_read_unlock();
		ANP_INC_STATS(an, ANP_MIB_ARP_IN_IGNORED);
		consume_skb(skb);
		return;
	}

	/* RFC 826: "Is the opcode ares_op$REQUEST? (NOW look at the
	 * opcode!!) Yes: Swap hardware and protocol fields, putting the
	 * local hardware and protocol addresses in the sender fields. Set
	 * the ar$op field to ares_op$REPLY. Send the packet to the (new)
	 * target hardware address on the same hardware on which the
	 * request was received."  For a probe (sender 0.0.0.0) the reply's
	 * target protocol address is 0.0.0.0 as well, as Linux does.
	 */
	if (op == ARPOP_REQUEST &&
	    !anp_arp_send(ifc, ARPOP_REPLY, sha, tip, sha, sip))
		ANP_INC_STATS(an, ANP_MIB_ARP_OUT_REPLIES);
	rcu_read_unlock();
	consume_skb(skb);
	return;

bad:
	ANP_INC_STATS(an, ANP_MIB_ARP_IN_ERRORS);
	kfree_skb(skb);
}
EXPORT_SYMBOL_IF_KUNIT(anp_arp_rcv);

/*
 * RFC 826: a request is broadcast with our addresses as sender and the
 * address to resolve as ar$tpa; ar$tha "doesn't matter" -- zero, as
 * RFC 5227 2.1.1 asks of probes.
 */
int anp_arp_send_request(struct anp_iface *ifc, __be32 sip, __be32 tip)
{
	int err;

	err = anp_arp_send(ifc, ARPOP_REQUEST, anp_eth_bcast, sip, NULL, tip);
	if (!err)
		ANP_INC_STATS(ifc->an, ANP_MIB_ARP_OUT_REQUESTS);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_arp_send_request);

/*
 * RFC 5227 2.3: "An ARP Announcement is identical to the ARP Probe ...
 * except that now the sender and target IP addresses are both set to the
 * host's newly selected IPv4 address."  A probe is an ARP request with a
 * zero target hardware address (2.1.1), broadcast.  RFC 5227 asks for
 * ANNOUNCE_NUM (2) announcements ANNOUNCE_INTERVAL (2 s) apart; we send
 * one, and do no probing before using the address (the link has exactly
 * one other station, Linux, whose addresses the user configures).
 */
int anp_arp_announce(struct anp_iface *ifc, __be32 addr)
{
	int err;

	err = anp_arp_send(ifc, ARPOP_REQUEST, anp_eth_bcast, addr, NULL, addr);
	if (!err)
		ANP_INC_STATS(ifc->an, ANP_MIB_ARP_OUT_GRATUITOUS);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(anp_arp_announce);
