// SPDX-License-Identifier: GPL-2.0
/* SKELETON (issue 3 helper replaces): socket plumbing. */
#include <kunit/visibility.h>

#include "anp.h"

int anp_sock_net_init(struct anp_net *an)
{
	return 0;
}

void anp_sock_net_exit(struct anp_net *an)
{
}

int anp_sock_walk(struct anp_net *an, unsigned long *pos,
		  int (*fn)(void *arg, const struct anp_sock_info *si),
		  void *arg)
{
	return 0;
}
