// SPDX-License-Identifier: GPL-2.0
/* SKELETON (issue 3 helper replaces): UDP. */
#include <kunit/visibility.h>
#include <linux/module.h>

#include "anp.h"

void anp_udp_rcv(struct anp_net *an, struct sk_buff *skb)
{
	ANP_INC_STATS(an, ANP_MIB_UDP_NO_PORTS);
	kfree_skb(skb);
}
EXPORT_SYMBOL_IF_KUNIT(anp_udp_rcv);

void anp_udp_err(struct anp_net *an, const struct iphdr *iph,
		 const struct udphdr *uh, u8 type, u8 code, __be32 info)
{
}
