// SPDX-License-Identifier: GPL-2.0
/*
 * The Internet checksum helpers the host relies on, on known vectors:
 * RFC 1071's worked example, an IPv4 header with a published checksum,
 * odd lengths and odd alignment, RFC 1624's incremental update, and the
 * ICMP builder of utils.c.
 */
#include <linux/icmp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "utils.h"

/* The checksum as it sits in the packet, read as a big-endian number. */
static u16 anp_csum_wire(__sum16 c)
{
	return be16_to_cpu((__force __be16)c);
}

/*
 * RFC 1071 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum (one's complement,
 * 16-bit big-endian words) to ddf2, so the checksum is 220d.
 */
static void csum_rfc1071_example(struct kunit *test)
{
	static const u8 data[] = { 0x00, 0x01, 0xf2, 0x03,
				   0xf4, 0xf5, 0xf6, 0xf7 };
	__wsum sum = csum_partial(data, sizeof(data), 0);

	KUNIT_EXPECT_EQ(test, anp_csum_wire(csum_fold(sum)), 0x220d);
	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_compute_csum(data, 8)), 0x220d);
}

/*
 * A published IPv4 header (192.168.0.1 -> 192.168.0.199, UDP, 115
 * bytes): checksum b861.  ip_fast_csum over it with the field zero
 * gives b861; over it with the field filled gives 0 (RFC 1071 1(3)).
 */
static void csum_ipv4_header(struct kunit *test)
{
	u8 hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		       0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
		       0xc0, 0xa8, 0x00, 0xc7 };
	__sum16 c;

	c = ip_fast_csum(hdr, 5);
	KUNIT_EXPECT_EQ(test, anp_csum_wire(c), 0xb861);
	memcpy(hdr + 10, &c, 2);
	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_fast_csum(hdr, 5)), 0);
	/* One flipped bit anywhere must be caught. */
	hdr[15] ^= 0x10;
	KUNIT_EXPECT_NE(test, anp_csum_wire(ip_fast_csum(hdr, 5)), 0);
}

/* ip_fast_csum over a header with options (IHL 6) matches csum_partial. */
static void csum_ipv4_header_options(struct kunit *test)
{
	u8 hdr[24] = { 0x46, 0x00, 0x00, 0x18, 0x12, 0x34, 0x00, 0x00,
		       0x01, 0xfd, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
		       0x0a, 0x00, 0x00, 0x02, 0x01, 0x01, 0x01, 0x00 };

	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_fast_csum(hdr, 6)),
			anp_csum_wire(ip_compute_csum(hdr, sizeof(hdr))));
}

/*
 * RFC 1071 2(B)/4.1: an odd trailing byte is padded with a zero byte on
 * the right: 01 02 03 -> 0102 + 0300 = 0402 -> checksum fbfd.
 */
static void csum_odd_length(struct kunit *test)
{
	static const u8 data[] = { 0x01, 0x02, 0x03 };

	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_compute_csum(data, 3)), 0xfbfd);
	/* A single byte: 03 -> 0300 -> fcff. */
	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_compute_csum(data + 2, 1)),
			0xfcff);
}

/* The sum does not depend on the buffer's alignment (RFC 1071 2(B)). */
static void csum_odd_alignment(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 1 + 1500, GFP_KERNEL);
	u8 *odd;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	odd = buf + 1;
	for (i = 0; i < 1500; i++)
		odd[i] = (u8)(i * 7 + 3);
	for (i = 0; i < 64; i++) {
		u32 len = 1500 - i;
		u8 *al = kunit_kmalloc(test, len, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, al);
		memcpy(al, odd + i, len);
		KUNIT_EXPECT_EQ(test,
				anp_csum_wire(ip_compute_csum(odd + i, len)),
				anp_csum_wire(ip_compute_csum(al, len)));
	}
}

/* Data carrying its own correct checksum sums to zero. */
static void csum_verify_zero(struct kunit *test)
{
	u8 buf[8 + 31];
	u8 data[31];
	size_t n;
	int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = 0xa5 ^ i;
	n = anp_test_icmp_echo(buf, ICMP_ECHO, 0x1234, 7, data, sizeof(data));
	KUNIT_EXPECT_EQ(test, n, sizeof(buf));
	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_compute_csum(buf, n)), 0);
	buf[9] ^= 1;
	KUNIT_EXPECT_NE(test, anp_csum_wire(ip_compute_csum(buf, n)), 0);
}

/*
 * RFC 1624 4: HC = dd2f, a field m = 5555 becomes 3285; equation 3 gives
 * HC' = 0000 (equation 2 would give the other zero, ffff).
 */
static void csum_rfc1624_incremental(struct kunit *test)
{
	__sum16 check = (__force __sum16)cpu_to_be16(0xdd2f);

	csum_replace2(&check, cpu_to_be16(0x5555), cpu_to_be16(0x3285));
	KUNIT_EXPECT_EQ(test, anp_csum_wire(check), 0x0000);
}

/* Incremental update agrees with recomputing, as a TTL decrement. */
static void csum_incremental_matches_full(struct kunit *test)
{
	u8 hdr[20] = { 0x45, 0x00, 0x00, 0x54, 0xab, 0xcd, 0x40, 0x00,
		       0x40, 0x01, 0x00, 0x00, 0x0a, 0x4d, 0x00, 0x01,
		       0x0a, 0x4d, 0x00, 0x02 };
	struct iphdr *iph = (struct iphdr *)hdr;

	iph->check = ip_fast_csum(hdr, 5);
	ip_decrease_ttl(iph);
	KUNIT_EXPECT_EQ(test, iph->ttl, 63);
	KUNIT_EXPECT_EQ(test, anp_csum_wire(ip_fast_csum(hdr, 5)), 0);
}

/* skb_checksum over a nonlinear skb equals the flat sum. */
static void csum_skb_paged(struct kunit *test)
{
	u8 data[200];
	struct sk_buff *skb;
	struct page *page;
	__wsum sum;
	int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 13;
	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_data(skb, data, 33);	/* odd split point */
	page = alloc_page(GFP_KERNEL);
	if (!page) {
		kfree_skb(skb);
		KUNIT_FAIL(test, "no page");
		return;
	}
	memcpy(page_address(page), data + 33, sizeof(data) - 33);
	skb_add_rx_frag(skb, 0, page, 0, sizeof(data) - 33, PAGE_SIZE);
	sum = skb_checksum(skb, 0, skb->len, 0);
	KUNIT_EXPECT_EQ(test, anp_csum_wire(csum_fold(sum)),
			anp_csum_wire(ip_compute_csum(data, sizeof(data))));
	kfree_skb(skb);
}

static struct kunit_case anp_csum_cases[] = {
	KUNIT_CASE(csum_rfc1071_example),
	KUNIT_CASE(csum_ipv4_header),
	KUNIT_CASE(csum_ipv4_header_options),
	KUNIT_CASE(csum_odd_length),
	KUNIT_CASE(csum_odd_alignment),
	KUNIT_CASE(csum_verify_zero),
	KUNIT_CASE(csum_rfc1624_incremental),
	KUNIT_CASE(csum_incremental_matches_full),
	KUNIT_CASE(csum_skb_paged),
	{}
};

static struct kunit_suite anp_csum_suite = {
	.name = "anp-csum",
	.test_cases = anp_csum_cases,
};

kunit_test_suite(anp_csum_suite);
