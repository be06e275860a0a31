// SPDX-License-Identifier: GPL-2.0
/*
 * Routing (connected subnets, static routes, longest-prefix match) and
 * the host's addresses, on a private test host:
 *
 *   if2: 10.0.0.2/24      if3: 10.1.0.2/24      if4: no address
 */
#include <linux/rtnetlink.h>

#include "utils.h"

#define IP(a, b, c, d)	ANP_TEST_IP(a, b, c, d)
#define HOST2		IP(10, 0, 0, 2)
#define HOST3		IP(10, 1, 0, 2)
#define GW2		IP(10, 0, 0, 1)
#define GW3		IP(10, 1, 0, 1)

struct rt_fix {
	struct anp_test_ctx *ctx;
	struct anp_test_iface *t2, *t3, *t4;
};

static void rt_fix_setup(struct kunit *test, struct rt_fix *f)
{
	f->ctx = test->priv;
	f->t2 = anp_test_iface_new(test, 2);
	f->t3 = anp_test_iface_new(test, 3);
	f->t4 = anp_test_iface_new(test, 4);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t2, HOST2, 24), 0);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t3, HOST3, 24), 0);
}

static int rt_lookup(struct rt_fix *f, __be32 daddr,
		     struct anp_route_result *res)
{
	int err;

	memset(res, 0, sizeof(*res));
	rcu_read_lock();
	err = anp_route_lookup(f->ctx->an, daddr, res);
	rcu_read_unlock();
	return err;
}

/* ---- longest-prefix match table ------------------------------------
 * Static routes of the table's fixture:
 *   0.0.0.0/0        via 10.0.0.1 (if2)
 *   10.0.0.128/25    via 10.1.0.1 (if3)   longer than if2's /24
 *   10.1.0.0/24      via 10.0.0.1 (if2)   ties with if3's /24: loses
 *   192.168.7.0/24   dev if3 (no gateway)
 *   192.168.7.7/32   via 10.0.0.1 (if2)
 */
struct lpm_case {
	const char *name;
	__be32 daddr;
	u8 type;
	__be32 nexthop;		/* 0: daddr itself */
	int ifindex;
	__be32 saddr;
};

static const struct lpm_case lpm_cases[] = {
	{ "connected /24", IP(10, 0, 0, 77), ANP_ROUTE_CONNECTED, 0, 2,
	  HOST2 },
	{ "connected on if3", IP(10, 1, 0, 9), ANP_ROUTE_CONNECTED, 0, 3,
	  HOST3 },
	{ "static /25 beats connected /24", IP(10, 0, 0, 200),
	  ANP_ROUTE_STATIC, GW3, 3, HOST3 },
	{ "connected wins a tie with static /24", IP(10, 1, 0, 1),
	  ANP_ROUTE_CONNECTED, 0, 3, HOST3 },
	{ "default route", IP(8, 8, 8, 8), ANP_ROUTE_STATIC, GW2, 2, HOST2 },
	{ "device route: on-link next hop", IP(192, 168, 7, 20),
	  ANP_ROUTE_STATIC, 0, 3, HOST3 },
	{ "host route /32 beats /24", IP(192, 168, 7, 7), ANP_ROUTE_STATIC,
	  GW2, 2, HOST2 },
	{ "own address is connected", HOST2, ANP_ROUTE_CONNECTED, 0, 2,
	  HOST2 },
};

static void lpm_desc(const struct lpm_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(route_lpm, lpm_cases, lpm_desc);

static void route_lpm_test(struct kunit *test)
{
	const struct lpm_case *c = test->param_value;
	struct anp_route_result res;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(10, 0, 0, 128), 25,
						 GW3, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(10, 1, 0, 0), 24,
						 GW2, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(192, 168, 7, 0), 24,
						 0, 3), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(192, 168, 7, 7), 32,
						 GW2, 0), 0);

	KUNIT_ASSERT_EQ(test, rt_lookup(&f, c->daddr, &res), 0);
	KUNIT_EXPECT_EQ(test, res.type, c->type);
	KUNIT_EXPECT_EQ(test, ntohl(res.nexthop),
			ntohl(c->nexthop ?: c->daddr));
	KUNIT_ASSERT_NOT_NULL(test, res.ifc);
	KUNIT_EXPECT_EQ(test, res.ifc->dev->ifindex, c->ifindex);
	KUNIT_EXPECT_EQ(test, ntohl(res.saddr), ntohl(c->saddr));
}

/* ---- single cases ---------------------------------------------------- */

static void route_no_route(struct kunit *test)
{
	struct anp_route_result res;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_EXPECT_EQ(test, rt_lookup(&f, IP(8, 8, 8, 8), &res),
			-ENETUNREACH);
	KUNIT_EXPECT_EQ(test, rt_lookup(&f, IP(10, 2, 0, 1), &res),
			-ENETUNREACH);
}

static void route_empty_host(struct kunit *test)
{
	struct anp_test_ctx *ctx = test->priv;
	struct anp_route_result res = {};
	int err;

	rcu_read_lock();
	err = anp_route_lookup(ctx->an, IP(10, 0, 0, 1), &res);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, -ENETUNREACH);
}

static void route_add_rejects(struct kunit *test)
{
	struct rt_fix f;

	rt_fix_setup(test, &f);
	/* Host bits beyond the prefix. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 1), 24,
						 GW2, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(0, 0, 0, 1), 0,
						 GW2, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 33, GW2, 0),
			-EINVAL);
	/* Gateway not on a connected subnet. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0,
						 IP(192, 168, 5, 1), 0),
			-ENETUNREACH);
	/* ... of the named device. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 3),
			-ENETUNREACH);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 4),
			-ENETUNREACH);
	/* Gateway is one of ours, or not unicast. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0, HOST2, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0,
						 IP(224, 0, 0, 1), 0), -EINVAL);
	/* No gateway and no device. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 0), 16,
						 0, 0), -EINVAL);
	/* Not an anp device of this host. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 0), 16,
						 0, 99), -ENODEV);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_routes, 0);
}

/* The gateway picks the interface; a matching IFINDEX is accepted. */
static void route_add_gateway_iface(struct kunit *test)
{
	struct anp_route_result res;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 0), 12,
						 GW3, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 32, 0, 0), 12,
						 GW3, 3), 0);
	KUNIT_ASSERT_EQ(test, rt_lookup(&f, IP(172, 20, 1, 1), &res), 0);
	KUNIT_EXPECT_EQ(test, res.ifc->dev->ifindex, 3);
	KUNIT_ASSERT_EQ(test, rt_lookup(&f, IP(172, 40, 1, 1), &res), 0);
	KUNIT_EXPECT_EQ(test, res.ifc->dev->ifindex, 3);
}

static void route_duplicates(struct kunit *test)
{
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0),
			-EEXIST);
	/* Same prefix, another gateway: still the same destination. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW3, 0),
			-EEXIST);
	/* Same network, another length: a different route. */
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(10, 9, 0, 0), 16,
						 GW2, 0), 0);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(10, 9, 0, 0), 24,
						 GW2, 0), 0);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_routes, 3);
}

static void route_delete(struct kunit *test)
{
	struct anp_route_result res;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 0), 16,
						 GW3, 0), 0);
	/* Wrong gateway or device: no match (as `ip route del`). */
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, 0, 0, GW3, 0), -ESRCH);
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, 0, 0, 0, 3), -ESRCH);
	/* Connected routes are not static routes. */
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, IP(10, 0, 0, 0), 24,
						 0, 0), -ESRCH);
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, IP(10, 0, 0, 1), 24,
						 0, 0), -EINVAL);

	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, 0, 0, GW2, 2), 0);
	KUNIT_EXPECT_EQ(test, rt_lookup(&f, IP(8, 8, 8, 8), &res),
			-ENETUNREACH);
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, 0, 0, 0, 0), -ESRCH);
	/* Without gateway and device: any route to that prefix. */
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, IP(172, 16, 0, 0), 16,
						 0, 0), 0);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_routes, 0);
}

/* Removing an interface takes its routes (and its addresses) along. */
static void route_flush_on_iface_removal(struct kunit *test)
{
	struct anp_iface *gone, *kept;
	struct anp_route_result res;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 0), 16,
						 GW3, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 17, 0, 0), 16,
						 0, 3), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);
	KUNIT_ASSERT_EQ(test, f.ctx->an->n_routes, 3);

	anp_test_iface_remove(f.t3);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_routes, 1);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_addrs, 1);
	/* What if3 carried now follows the default route out of if2. */
	KUNIT_ASSERT_EQ(test, rt_lookup(&f, IP(172, 16, 1, 1), &res), 0);
	KUNIT_EXPECT_EQ(test, res.ifc->dev->ifindex, 2);
	KUNIT_EXPECT_EQ(test, ntohl(res.nexthop), ntohl(GW2));
	KUNIT_ASSERT_EQ(test, rt_lookup(&f, IP(10, 1, 0, 9), &res), 0);
	KUNIT_EXPECT_EQ(test, res.type, ANP_ROUTE_STATIC);
	rcu_read_lock();
	gone = anp_host_iface_get(f.ctx->an, 3);
	kept = anp_host_iface_get(f.ctx->an, 2);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, gone, NULL);
	KUNIT_EXPECT_PTR_EQ(test, kept, &f.t2->ifc);
}

/* Deleting the address of a gateway's subnet prunes its routes. */
static void route_pruned_with_address(struct kunit *test)
{
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 16, 0, 0), 16,
						 GW3, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, IP(172, 17, 0, 0), 16,
						 0, 3), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);
	KUNIT_ASSERT_EQ(test, anp_test_addr_del(f.t3, HOST3, 24), 0);
	/* The gateway route went; the device route and if2's stayed. */
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_routes, 2);
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, IP(172, 16, 0, 0), 16,
						 0, 0), -ESRCH);
}

static void route_bound(struct kunit *test)
{
	struct rt_fix f;
	int i;

	rt_fix_setup(test, &f);
	for (i = 0; i < ANP_ROUTES_MAX; i++)
		KUNIT_ASSERT_EQ_MSG(test,
				    anp_test_route_add(f.ctx,
						       IP(172, 16, i / 256, i % 256),
						       32, GW2, 0),
				    0, "route %d", i);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_routes, ANP_ROUTES_MAX);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(172, 31, 0, 0), 16,
						 GW2, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, anp_test_route_del(f.ctx, IP(172, 16, 0, 5), 32,
						 0, 0), 0);
	KUNIT_EXPECT_EQ(test, anp_test_route_add(f.ctx, IP(172, 31, 0, 0), 16,
						 GW2, 0), 0);
}

/* ---- the dump walker ------------------------------------------------ */

struct walk_acc {
	struct anp_route_info ri[8];
	int n;
	int stop_after;		/* refuse the entry after this many */
};

static int walk_collect(void *arg, const struct anp_route_info *ri)
{
	struct walk_acc *acc = arg;

	if (acc->n >= acc->stop_after || acc->n >= ARRAY_SIZE(acc->ri))
		return -EMSGSIZE;
	acc->ri[acc->n++] = *ri;
	return 0;
}

static void route_walk(struct kunit *test)
{
	struct walk_acc acc = { .stop_after = 2 };
	unsigned long pos = 0;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	/* A second address in if2's subnet adds no second connected route. */
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f.t2, IP(10, 0, 0, 3), 24), 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);

	/* First call: room for two entries. */
	KUNIT_EXPECT_EQ(test, anp_route_walk(f.ctx->an, &pos, walk_collect,
					     &acc), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, pos, 2);
	/* Second call resumes where the first stopped. */
	acc.stop_after = 8;
	KUNIT_EXPECT_EQ(test, anp_route_walk(f.ctx->an, &pos, walk_collect,
					     &acc), 0);
	KUNIT_EXPECT_EQ(test, pos, 3);
	KUNIT_ASSERT_EQ(test, acc.n, 3);

	KUNIT_EXPECT_EQ(test, ntohl(acc.ri[0].dst), ntohl(IP(10, 0, 0, 0)));
	KUNIT_EXPECT_EQ(test, acc.ri[0].prefixlen, 24);
	KUNIT_EXPECT_EQ(test, acc.ri[0].ifindex, 2);
	KUNIT_EXPECT_EQ(test, acc.ri[0].gateway, 0);
	KUNIT_EXPECT_EQ(test, acc.ri[0].type, ANP_ROUTE_CONNECTED);
	KUNIT_EXPECT_EQ(test, ntohl(acc.ri[1].dst), ntohl(IP(10, 1, 0, 0)));
	KUNIT_EXPECT_EQ(test, acc.ri[1].ifindex, 3);
	KUNIT_EXPECT_EQ(test, acc.ri[1].type, ANP_ROUTE_CONNECTED);
	KUNIT_EXPECT_EQ(test, acc.ri[2].dst, 0);
	KUNIT_EXPECT_EQ(test, acc.ri[2].prefixlen, 0);
	KUNIT_EXPECT_EQ(test, ntohl(acc.ri[2].gateway), ntohl(GW2));
	KUNIT_EXPECT_EQ(test, acc.ri[2].ifindex, 2);
	KUNIT_EXPECT_EQ(test, acc.ri[2].type, ANP_ROUTE_STATIC);

	/* A finished dump stays finished. */
	KUNIT_EXPECT_EQ(test, anp_route_walk(f.ctx->an, &pos, walk_collect,
					     &acc), 0);
	KUNIT_EXPECT_EQ(test, acc.n, 3);
}

/* A static route's rto_min reaches lookups and dumps; connected: 0. */
static void route_rto_min(struct kunit *test)
{
	struct walk_acc acc = { .stop_after = 8 };
	struct anp_route_result res;
	unsigned long pos = 0;
	struct rt_fix f;
	int err;

	rt_fix_setup(test, &f);
	rtnl_lock();
	err = anp_route_add(f.ctx->an, IP(172, 16, 0, 0), 16, GW2, 0, 10000,
			    NULL);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, anp_test_route_add(f.ctx, 0, 0, GW2, 0), 0);

	KUNIT_ASSERT_EQ(test, rt_lookup(&f, IP(172, 16, 3, 4), &res), 0);
	KUNIT_EXPECT_EQ(test, res.type, ANP_ROUTE_STATIC);
	KUNIT_EXPECT_EQ(test, res.rto_min_us, 10000U);
	KUNIT_ASSERT_EQ(test, rt_lookup(&f, IP(8, 8, 8, 8), &res), 0);
	KUNIT_EXPECT_EQ(test, res.rto_min_us, 0U);
	/* The lookup itself clears it (callers need not zero res). */
	res.rto_min_us = 1;
	rcu_read_lock();
	err = anp_route_lookup(f.ctx->an, IP(10, 0, 0, 9), &res);
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, res.type, ANP_ROUTE_CONNECTED);
	KUNIT_EXPECT_EQ(test, res.rto_min_us, 0U);

	KUNIT_EXPECT_EQ(test, anp_route_walk(f.ctx->an, &pos, walk_collect,
					     &acc), 0);
	KUNIT_ASSERT_EQ(test, acc.n, 4);
	KUNIT_EXPECT_EQ(test, acc.ri[0].rto_min_us, 0U);
	KUNIT_EXPECT_EQ(test, acc.ri[1].rto_min_us, 0U);
	KUNIT_EXPECT_EQ(test, ntohl(acc.ri[2].dst), ntohl(IP(172, 16, 0, 0)));
	KUNIT_EXPECT_EQ(test, acc.ri[2].rto_min_us, 10000U);
	KUNIT_EXPECT_EQ(test, acc.ri[3].rto_min_us, 0U);
}

static struct kunit_case anp_route_cases[] = {
	KUNIT_CASE_PARAM(route_lpm_test, route_lpm_gen_params),
	KUNIT_CASE(route_no_route),
	KUNIT_CASE(route_empty_host),
	KUNIT_CASE(route_add_rejects),
	KUNIT_CASE(route_add_gateway_iface),
	KUNIT_CASE(route_duplicates),
	KUNIT_CASE(route_delete),
	KUNIT_CASE(route_flush_on_iface_removal),
	KUNIT_CASE(route_pruned_with_address),
	KUNIT_CASE(route_bound),
	KUNIT_CASE(route_walk),
	KUNIT_CASE(route_rto_min),
	{}
};

static struct kunit_suite anp_route_suite = {
	.name = "anp-route",
	.init = anp_test_init,
	.exit = anp_test_exit,
	.test_cases = anp_route_cases,
};

/* ---- addresses -------------------------------------------------------- */

struct addr_reject {
	const char *name;
	__be32 addr;
	u8 prefixlen;
	int err;
};

static const struct addr_reject addr_rejects[] = {
	{ "prefix length 33", IP(10, 5, 0, 1), 33, -EINVAL },
	{ "0.0.0.0", 0, 24, -EINVAL },
	{ "0.1.2.3 (this network)", IP(0, 1, 2, 3), 8, -EINVAL },
	{ "loopback", IP(127, 0, 0, 1), 8, -EINVAL },
	{ "multicast", IP(224, 0, 0, 1), 24, -EINVAL },
	{ "multicast top", IP(239, 255, 255, 255), 24, -EINVAL },
	{ "limited broadcast", IP(255, 255, 255, 255), 32, -EINVAL },
	{ "already on this device", HOST2, 24, -EEXIST },
	{ "already on this device, other prefix", HOST2, 16, -EEXIST },
	{ "already on another device", HOST3, 24, -EEXIST },
};

static void addr_reject_desc(const struct addr_reject *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(addr_reject, addr_rejects, addr_reject_desc);

static void addr_reject_test(struct kunit *test)
{
	const struct addr_reject *c = test->param_value;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_EXPECT_EQ(test, anp_test_addr_add(f.t2, c->addr, c->prefixlen),
			c->err);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_addrs, 2);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f.t2), 0);
}

static void addr_lookups(struct kunit *test)
{
	bool local[3], on[3];
	__be32 sel[4];
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f.t2, IP(192, 168, 1, 2), 24),
			0);
	rcu_read_lock();
	local[0] = anp_addr_is_local(f.ctx->an, HOST2);
	local[1] = anp_addr_is_local(f.ctx->an, HOST3);
	local[2] = anp_addr_is_local(f.ctx->an, GW2);
	on[0] = anp_addr_on_iface(&f.t2->ifc, HOST2);
	on[1] = anp_addr_on_iface(&f.t2->ifc, HOST3);
	on[2] = anp_addr_on_iface(&f.t3->ifc, HOST3);
	sel[0] = anp_addr_select(&f.t2->ifc, IP(192, 168, 1, 1));
	sel[1] = anp_addr_select(&f.t2->ifc, GW2);
	sel[2] = anp_addr_select(&f.t2->ifc, IP(8, 8, 8, 8));
	sel[3] = anp_addr_select(&f.t4->ifc, GW2);
	rcu_read_unlock();

	KUNIT_EXPECT_TRUE(test, local[0]);
	KUNIT_EXPECT_TRUE(test, local[1]);
	KUNIT_EXPECT_FALSE(test, local[2]);
	KUNIT_EXPECT_TRUE(test, on[0]);
	KUNIT_EXPECT_FALSE(test, on[1]);
	KUNIT_EXPECT_TRUE(test, on[2]);
	/* The address whose subnet holds the destination, else the first. */
	KUNIT_EXPECT_EQ(test, ntohl(sel[0]), ntohl(IP(192, 168, 1, 2)));
	KUNIT_EXPECT_EQ(test, ntohl(sel[1]), ntohl(HOST2));
	KUNIT_EXPECT_EQ(test, ntohl(sel[2]), ntohl(HOST2));
	KUNIT_EXPECT_EQ(test, sel[3], 0);
}

static void addr_delete(struct kunit *test)
{
	struct rt_fix f;
	bool local;

	rt_fix_setup(test, &f);
	/* Absent, wrong device, wrong prefix: as `ip addr del`. */
	KUNIT_EXPECT_EQ(test, anp_test_addr_del(f.t2, IP(10, 0, 0, 9), 24),
			-EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, anp_test_addr_del(f.t3, HOST2, 24),
			-EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, anp_test_addr_del(f.t2, HOST2, 16),
			-EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, anp_test_addr_del(f.t2, HOST2, 24), 0);
	KUNIT_EXPECT_EQ(test, anp_test_addr_del(f.t2, HOST2, 24),
			-EADDRNOTAVAIL);
	rcu_read_lock();
	local = anp_addr_is_local(f.ctx->an, HOST2);
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, local);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_addrs, 1);
	/* It can come back, on another device too. */
	KUNIT_EXPECT_EQ(test, anp_test_addr_add(f.t4, HOST2, 24), 0);
}

static void addr_bound(struct kunit *test)
{
	struct rt_fix f;
	int i;

	rt_fix_setup(test, &f);
	for (i = 2; i < ANP_ADDRS_MAX; i++)
		KUNIT_ASSERT_EQ_MSG(test,
				    anp_test_addr_add(f.t4,
						      IP(172, 16, i / 200,
							 i % 200 + 1), 32),
				    0, "address %d", i);
	KUNIT_EXPECT_EQ(test, f.ctx->an->n_addrs, ANP_ADDRS_MAX);
	KUNIT_EXPECT_EQ(test, anp_test_addr_add(f.t4, IP(172, 31, 0, 1), 32),
			-ENOSPC);
}

/* Adding to a running device announces the address (RFC 5227). */
static void addr_announce_when_up(struct kunit *test)
{
	struct anp_test_ctx *ctx = test->priv;
	struct anp_test_iface *t = anp_test_iface_new(test, 5);
	struct sk_buff *skb;

	anp_test_iface_set_up(t, true);
	anp_test_mib_snap(ctx);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(t, IP(10, 5, 0, 2), 24), 0);
	KUNIT_EXPECT_GE(test,
			anp_test_mib_delta(ctx, ANP_MIB_ARP_OUT_GRATUITOUS), 1);
	KUNIT_ASSERT_GE(test, anp_test_tx_count(t), 1);
	skb = anp_test_tx_pop(t);
	anp_test_expect_eth(test, skb, t->dev->broadcast, t->ifc.host_mac,
			    htons(ETH_P_ARP));
	kfree_skb(skb);
}

struct addr_acc {
	struct anp_addr_info ai[4];
	int n;
	int stop_after;
};

static int addr_collect(void *arg, const struct anp_addr_info *ai)
{
	struct addr_acc *acc = arg;

	if (acc->n >= acc->stop_after || acc->n >= ARRAY_SIZE(acc->ai))
		return -EMSGSIZE;
	acc->ai[acc->n++] = *ai;
	return 0;
}

static void addr_walk(struct kunit *test)
{
	struct addr_acc acc = { .stop_after = 1 };
	unsigned long pos = 0;
	struct rt_fix f;

	rt_fix_setup(test, &f);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f.t4, IP(192, 168, 1, 2), 30),
			0);
	KUNIT_EXPECT_EQ(test, anp_addr_walk(f.ctx->an, &pos, addr_collect,
					    &acc), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, pos, 1);
	acc.stop_after = 4;
	KUNIT_EXPECT_EQ(test, anp_addr_walk(f.ctx->an, &pos, addr_collect,
					    &acc), 0);
	KUNIT_EXPECT_EQ(test, pos, 3);
	KUNIT_ASSERT_EQ(test, acc.n, 3);
	KUNIT_EXPECT_EQ(test, acc.ai[0].ifindex, 2);
	KUNIT_EXPECT_EQ(test, ntohl(acc.ai[0].addr), ntohl(HOST2));
	KUNIT_EXPECT_EQ(test, acc.ai[0].prefixlen, 24);
	KUNIT_EXPECT_EQ(test, acc.ai[1].ifindex, 3);
	KUNIT_EXPECT_EQ(test, ntohl(acc.ai[1].addr), ntohl(HOST3));
	KUNIT_EXPECT_EQ(test, acc.ai[2].ifindex, 4);
	KUNIT_EXPECT_EQ(test, ntohl(acc.ai[2].addr),
			ntohl(IP(192, 168, 1, 2)));
	KUNIT_EXPECT_EQ(test, acc.ai[2].prefixlen, 30);
}

static struct kunit_case anp_addr_cases[] = {
	KUNIT_CASE_PARAM(addr_reject_test, addr_reject_gen_params),
	KUNIT_CASE(addr_lookups),
	KUNIT_CASE(addr_delete),
	KUNIT_CASE(addr_bound),
	KUNIT_CASE(addr_announce_when_up),
	KUNIT_CASE(addr_walk),
	{}
};

static struct kunit_suite anp_addr_suite = {
	.name = "anp-addr",
	.init = anp_test_init,
	.exit = anp_test_exit,
	.test_cases = anp_addr_cases,
};

kunit_test_suites(&anp_route_suite, &anp_addr_suite);
