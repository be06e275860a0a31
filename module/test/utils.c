// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit helpers for anp.ko; see utils.h.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "utils.h"

MODULE_DESCRIPTION("KUnit tests for anp.ko");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

int anp_test_init(struct kunit *test)
{
	struct anp_test_ctx *ctx;
	struct anp_net *an;
	int err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	an = kzalloc(sizeof(*an), GFP_KERNEL);
	if (!an)
		return -ENOMEM;
	err = anp_host_setup(an, &init_net);
	if (err) {
		kfree(an);
		return err;
	}
	ctx->test = test;
	ctx->an = an;
	test->priv = ctx;
	return 0;
}

void anp_test_exit(struct kunit *test)
{
	struct anp_test_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	for (i = ctx->n_ifs; i-- > 0;)
		anp_test_iface_remove(ctx->ifs[i]);
	/* No reader may still see an interface we are about to free. */
	synchronize_rcu();
	for (i = ctx->n_ifs; i-- > 0;) {
		anp_test_tx_purge(ctx->ifs[i]);
		free_netdev(ctx->ifs[i]->dev);
		ctx->ifs[i] = NULL;
	}
	ctx->n_ifs = 0;
	anp_host_teardown(ctx->an);
	kfree(ctx->an);
	ctx->an = NULL;
	test->priv = NULL;
}

static int anp_test_xmit(struct anp_iface *ifc, struct sk_buff *skb)
{
	struct anp_test_iface *t = container_of(ifc, struct anp_test_iface,
						ifc);

	if (skb_queue_len(&t->tx) >= ANP_TEST_TX_MAX) {
		t->tx_dropped++;
		ANP_INC_STATS(ifc->an, ANP_MIB_ETH_OUT_DROPS);
		kfree_skb(skb);
		return -ENOBUFS;
	}
	skb_queue_tail(&t->tx, skb);
	return 0;
}

void anp_test_host_mac(int ifindex, u8 *mac)
{
	static const u8 base[ETH_ALEN] = { 0x02, 0xa0, 0x0a, 0x00, 0x00 };

	memcpy(mac, base, ETH_ALEN);
	mac[5] = ifindex;
}

void anp_test_linux_mac(int ifindex, u8 *mac)
{
	static const u8 base[ETH_ALEN] = { 0x02, 0x11, 0x11, 0x00, 0x00 };

	memcpy(mac, base, ETH_ALEN);
	mac[5] = ifindex;
}

struct anp_test_iface *anp_test_iface_new(struct kunit *test, int ifindex)
{
	struct anp_test_ctx *ctx = test->priv;
	struct anp_test_iface *t;
	struct net_device *dev;
	u8 mac[ETH_ALEN];

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_LT(test, ctx->n_ifs, ANP_TEST_IFACES_MAX);
	KUNIT_ASSERT_GT(test, ifindex, 0);
	KUNIT_ASSERT_LE(test, ifindex, 250);

	dev = alloc_netdev(sizeof(*t), "anpt%d", NET_NAME_ENUM, ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->ifindex = ifindex;
	anp_test_linux_mac(ifindex, mac);
	eth_hw_addr_set(dev, mac);

	t = netdev_priv(dev);
	t->dev = dev;
	t->test = test;
	skb_queue_head_init(&t->tx);
	t->ifc.dev = dev;
	t->ifc.an = ctx->an;
	anp_test_host_mac(ifindex, t->ifc.host_mac);
	t->ifc.xmit = anp_test_xmit;
	INIT_LIST_HEAD(&t->ifc.node);
	ctx->ifs[ctx->n_ifs++] = t;

	rtnl_lock();
	anp_host_iface_add(ctx->an, &t->ifc);
	rtnl_unlock();
	t->attached = true;
	return t;
}

void anp_test_iface_remove(struct anp_test_iface *t)
{
	if (!t->attached)
		return;
	rtnl_lock();
	anp_host_iface_del(t->ifc.an, &t->ifc);
	rtnl_unlock();
	t->attached = false;
}

void anp_test_iface_set_up(struct anp_test_iface *t, bool up)
{
	/* Never registered: flip the bits dev_open() would, no notifier. */
	if (up) {
		t->dev->flags |= IFF_UP;
		set_bit(__LINK_STATE_START, &t->dev->state);
	} else {
		t->dev->flags &= ~IFF_UP;
		clear_bit(__LINK_STATE_START, &t->dev->state);
	}
}

struct sk_buff *anp_test_tx_pop(struct anp_test_iface *t)
{
	return skb_dequeue(&t->tx);
}

unsigned int anp_test_tx_count(struct anp_test_iface *t)
{
	return skb_queue_len(&t->tx);
}

void anp_test_tx_purge(struct anp_test_iface *t)
{
	skb_queue_purge(&t->tx);
}

void anp_test_eth_rcv(struct anp_test_iface *t, struct sk_buff *skb)
{
	if (!skb->dev)
		skb->dev = t->dev;
	local_bh_disable();
	rcu_read_lock();
	anp_eth_rcv(&t->ifc, skb);
	rcu_read_unlock();
	local_bh_enable();
}

void anp_test_ip_rcv(struct anp_test_iface *t, struct sk_buff *skb)
{
	if (!skb->dev)
		skb->dev = t->dev;
	skb_reset_network_header(skb);
	local_bh_disable();
	rcu_read_lock();
	anp_ip_rcv(&t->ifc, skb);
	rcu_read_unlock();
	local_bh_enable();
}

int anp_test_addr_add(struct anp_test_iface *t, __be32 addr, u8 prefixlen)
{
	int err;

	rtnl_lock();
	err = anp_addr_add(&t->ifc, addr, prefixlen, NULL);
	rtnl_unlock();
	return err;
}

int anp_test_addr_del(struct anp_test_iface *t, __be32 addr, u8 prefixlen)
{
	int err;

	rtnl_lock();
	err = anp_addr_del(&t->ifc, addr, prefixlen, NULL);
	rtnl_unlock();
	return err;
}

int anp_test_route_add(struct anp_test_ctx *ctx, __be32 dst, u8 prefixlen,
		       __be32 gateway, int ifindex)
{
	int err;

	rtnl_lock();
	err = anp_route_add(ctx->an, dst, prefixlen, gateway, ifindex, 0,
			    NULL);
	rtnl_unlock();
	return err;
}

int anp_test_route_del(struct anp_test_ctx *ctx, __be32 dst, u8 prefixlen,
		       __be32 gateway, int ifindex)
{
	int err;

	rtnl_lock();
	err = anp_route_del(ctx->an, dst, prefixlen, gateway, ifindex, NULL);
	rtnl_unlock();
	return err;
}

void anp_test_mib_snap(struct anp_test_ctx *ctx)
{
	int i;

	for (i = 0; i < ANP_MIB_MAX; i++)
		ctx->mib[i] = anp_mib_read(ctx->an, i);
}

s64 anp_test_mib_delta(struct anp_test_ctx *ctx, enum anp_mib_field field)
{
	return (s64)(anp_mib_read(ctx->an, field) - ctx->mib[field]);
}

struct sk_buff *anp_test_skb(struct kunit *test, const void *data,
			     size_t len)
{
	struct sk_buff *skb;

	skb = alloc_skb(ANP_TEST_HEADROOM + len + ANP_TEST_TAILROOM,
			GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, ANP_TEST_HEADROOM);
	if (len)
		skb_put_data(skb, data, len);
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	return skb;
}

void anp_test_push_eth(struct sk_buff *skb, const u8 *dst, const u8 *src,
		       __be16 proto)
{
	struct ethhdr *eth = skb_push(skb, ETH_HLEN);

	ether_addr_copy(eth->h_dest, dst);
	ether_addr_copy(eth->h_source, src);
	eth->h_proto = proto;
	skb_reset_mac_header(skb);
}

struct sk_buff *anp_test_eth_frame(struct kunit *test, const u8 *dst,
				   const u8 *src, __be16 proto,
				   const void *payload, size_t len)
{
	struct sk_buff *skb = anp_test_skb(test, payload, len);

	anp_test_push_eth(skb, dst, src, proto);
	return skb;
}

struct sk_buff *anp_test_arp(struct kunit *test, u16 op,
			     const u8 *sha, __be32 sip,
			     const u8 *tha, __be32 tip)
{
	u8 buf[sizeof(struct arphdr) + 2 * (ETH_ALEN + 4)];
	struct arphdr *arp = (struct arphdr *)buf;
	u8 *p = buf + sizeof(*arp);

	/* RFC 826: hrd, pro, hln, pln, op, then sha, spa, tha, tpa. */
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons(op);
	memcpy(p, sha, ETH_ALEN);
	memcpy(p + ETH_ALEN, &sip, 4);
	if (tha)
		memcpy(p + ETH_ALEN + 4, tha, ETH_ALEN);
	else
		eth_zero_addr(p + ETH_ALEN + 4);
	memcpy(p + 2 * ETH_ALEN + 4, &tip, 4);
	return anp_test_skb(test, buf, sizeof(buf));
}

struct sk_buff *anp_test_ip(struct kunit *test,
			    const struct anp_test_ip_spec *spec)
{
	unsigned int hlen = sizeof(struct iphdr) + spec->opt_len;
	unsigned int total = hlen + spec->payload_len;
	struct sk_buff *skb;
	struct iphdr *iph;
	u8 *opt;

	KUNIT_ASSERT_EQ(test, spec->opt_len % 4, 0);
	KUNIT_ASSERT_LE(test, spec->opt_len, 40);

	skb = alloc_skb(ANP_TEST_HEADROOM + total + spec->pad +
			ANP_TEST_TAILROOM, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, ANP_TEST_HEADROOM);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, hlen);
	iph->version = spec->version ?: 4;
	iph->ihl = spec->ihl ?: hlen / 4;
	iph->tos = spec->tos;
	iph->tot_len = htons(spec->tot_len ?: total);
	iph->id = htons(spec->id);
	iph->frag_off = htons(spec->frag_off);
	iph->ttl = spec->ttl_zero ? 0 : (spec->ttl ?: 64);
	iph->protocol = spec->protocol;
	iph->saddr = spec->saddr;
	iph->daddr = spec->daddr;
	/* RFC 791 3.1: No Operation options, then End of Option List. */
	opt = (u8 *)(iph + 1);
	if (spec->opt_len) {
		memset(opt, IPOPT_NOOP, spec->opt_len - 1);
		opt[spec->opt_len - 1] = IPOPT_END;
	}
	/* Over the bytes really written, whatever the ihl knob says. */
	iph->check = ip_fast_csum(iph, hlen / 4);
	if (spec->bad_csum)
		iph->check ^= htons(0x0101);
	if (spec->payload_len)
		skb_put_data(skb, spec->payload, spec->payload_len);
	if (spec->pad)
		skb_put_zero(skb, spec->pad);
	if (spec->trim) {
		KUNIT_ASSERT_LE(test, spec->trim, skb->len);
		skb_trim(skb, skb->len - spec->trim);
	}
	if (spec->cut_to) {
		KUNIT_ASSERT_LE(test, spec->cut_to, skb->len);
		skb_trim(skb, spec->cut_to);
	}
	return skb;
}

size_t anp_test_icmp_echo(void *buf, u8 type, u16 id, u16 seq,
			  const void *data, size_t len)
{
	struct icmphdr *icmp = buf;

	memset(icmp, 0, sizeof(*icmp));
	icmp->type = type;
	icmp->code = 0;
	icmp->un.echo.id = htons(id);
	icmp->un.echo.sequence = htons(seq);
	if (len)
		memcpy(icmp + 1, data, len);
	/* RFC 792: checksum of the whole ICMP message, field zero. */
	icmp->checksum = ip_compute_csum(buf, sizeof(*icmp) + len);
	return sizeof(*icmp) + len;
}

bool anp_test_expect_memeq(struct kunit *test, const void *a, const void *b,
			   size_t len, const char *what)
{
	bool eq = !memcmp(a, b, len);

	KUNIT_EXPECT_TRUE_MSG(test, eq, "%s: %*ph vs %*ph", what,
			      (int)min_t(size_t, len, 64), a,
			      (int)min_t(size_t, len, 64), b);
	return eq;
}

bool anp_test_expect_eth(struct kunit *test, struct sk_buff *skb,
			 const u8 *dst, const u8 *src, __be16 proto)
{
	const struct ethhdr *eth;

	KUNIT_EXPECT_GE(test, skb->len, ETH_HLEN);
	if (skb->len < ETH_HLEN)
		return false;
	eth = (const struct ethhdr *)skb->data;
	ANP_TEST_EXPECT_MEMEQ(test, eth->h_dest, dst, ETH_ALEN);
	ANP_TEST_EXPECT_MEMEQ(test, eth->h_source, src, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, ntohs(eth->h_proto), ntohs(proto));
	if (memcmp(eth->h_dest, dst, ETH_ALEN) ||
	    memcmp(eth->h_source, src, ETH_ALEN) || eth->h_proto != proto)
		return false;
	skb_reset_mac_header(skb);
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	return true;
}
