// SPDX-License-Identifier: GPL-2.0
/* SKELETON (issue 3 helper replaces): IPv4 fragments. */
#include <kunit/visibility.h>

#include "anp.h"

int anp_frag_init(struct anp_net *an)
{
	return 0;
}

void anp_frag_exit(struct anp_net *an)
{
}

struct sk_buff *anp_frag_reasm(struct anp_net *an, struct sk_buff *skb)
{
	ANP_INC_STATS(an, ANP_MIB_IP_REASM_FAILS);
	kfree_skb(skb);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(anp_frag_reasm);
