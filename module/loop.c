// SPDX-License-Identifier: GPL-2.0
/* SKELETON (issue 3 helper replaces): local delivery. */
#include <kunit/visibility.h>

#include "anp.h"

int anp_loop_init(struct anp_net *an)
{
	return 0;
}

void anp_loop_exit(struct anp_net *an)
{
}

int anp_loop_xmit(struct anp_net *an, struct sk_buff *skb)
{
	ANP_INC_STATS(an, ANP_MIB_IP_LOOP_DROPS);
	kfree_skb(skb);
	return -ENOBUFS;
}
