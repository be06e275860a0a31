// SPDX-License-Identifier: GPL-2.0
/*
 * UDP (RFC 768) and the port tables on a private test host:
 *
 *   if2: host 10.0.0.2/24, the peer (Linux) 10.0.0.1
 *
 * Sockets here are kernel sockets of the UDP proto that are never
 * attached to a struct socket: they are hashed straight into the test
 * host's UDP port table, and datagrams built by hand go in through
 * anp_ip_rcv(), as from the NIC.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "utils.h"

#define HOST2	ANP_TEST_IP(10, 0, 0, 2)
#define PEER2	ANP_TEST_IP(10, 0, 0, 1)
#define OTHER2	ANP_TEST_IP(10, 0, 0, 7)
#define BCAST2	ANP_TEST_IP(10, 0, 0, 255)
#define DELTA(f, name)	anp_test_mib_delta((f)->ctx, ANP_MIB_##name)
#define UDP_SOCKS_MAX	64

struct udp_fix {
	struct anp_test_ctx *ctx;
	struct anp_test_iface *t2;
	struct anp_port_table *pt;
	struct sock *socks[UDP_SOCKS_MAX];
	unsigned int n_socks;
};

/* The running test's fixture, for udp_test_exit(); one test at a time. */
static struct udp_fix *udp_cur;

static struct udp_fix *udp_fix_setup(struct kunit *test)
{
	struct udp_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->ctx = test->priv;
	f->pt = anp_port_table(f->ctx->an, IPPROTO_UDP);
	KUNIT_ASSERT_NOT_NULL(test, f->pt);
	udp_cur = f;
	f->t2 = anp_test_iface_new(test, 2);
	KUNIT_ASSERT_EQ(test, anp_test_addr_add(f->t2, HOST2, 24), 0);
	return f;
}

/* An unbound UDP kernel socket; freed by udp_test_exit(). */
static struct sock *tsk_new(struct kunit *test, struct udp_fix *f,
			    __be32 addr, bool reuse, bool reuseport)
{
	struct sock *sk;

	KUNIT_ASSERT_LT(test, f->n_socks, UDP_SOCKS_MAX);
	sk = sk_alloc(&init_net, PF_ANP, GFP_KERNEL, &anp_udp_proto, 1);
	KUNIT_ASSERT_NOT_NULL(test, sk);
	sock_init_data(NULL, sk);
	sk->sk_protocol = IPPROTO_UDP;
	sock_set_flag(sk, SOCK_RCU_FREE);
	sk->sk_rcv_saddr = addr;
	sk->sk_reuse = reuse ? SK_CAN_REUSE : SK_NO_REUSE;
	sk->sk_reuseport = reuseport;
	f->socks[f->n_socks++] = sk;
	return sk;
}

/* A socket bound to addr:port (0: ephemeral); expects err. */
static struct sock *udp_bound(struct kunit *test, struct udp_fix *f,
			      __be32 addr, u16 port, bool reuse, int err)
{
	struct sock *sk = tsk_new(test, f, addr, reuse, false);

	KUNIT_EXPECT_EQ(test, anp_port_get(f->pt, sk, port), err);
	return sk;
}

/* Suite .exit: sockets out of the table before the host goes. */
static void udp_test_exit(struct kunit *test)
{
	struct udp_fix *f = udp_cur;
	unsigned int i;

	for (i = 0; f && i < f->n_socks; i++) {
		anp_port_unhash(f->pt, f->socks[i]);
		skb_queue_purge(&f->socks[i]->sk_receive_queue);
		sock_put(f->socks[i]);
	}
	udp_cur = NULL;
	anp_test_exit(test);
}

static struct sock *udp_lookup(struct udp_fix *f, __be32 saddr, u16 sport,
			       __be32 daddr, u16 dport)
{
	struct sock *sk;

	rcu_read_lock();
	sk = anp_port_lookup(f->pt, saddr, htons(sport), daddr, htons(dport));
	rcu_read_unlock();
	return sk;
}

/* ---- datagrams ---------------------------------------------------- */

/*
 * An independent RFC 768 checksum: 16-bit one's complement sum of the
 * pseudo header (source, destination, zero, protocol, UDP length) and
 * the datagram, folded and complemented.  Not the kernel's csum code.
 */
static u16 ref_csum(__be32 saddr, __be32 daddr, const u8 *udp, size_t len)
{
	u8 ph[12];
	u32 sum = 0;
	size_t i;

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP;
	ph[10] = len >> 8;
	ph[11] = len & 0xff;
	for (i = 0; i < 12; i += 2)
		sum += ph[i] << 8 | ph[i + 1];
	for (i = 0; i < len; i += 2)
		sum += udp[i] << 8 | (i + 1 < len ? udp[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

enum udp_csum_mode { CSUM_GOOD, CSUM_ZERO, CSUM_BAD };

/* An IPv4/UDP datagram, skb->data at the IP header. */
static struct sk_buff *udp_dgram(struct kunit *test, __be32 saddr,
				 __be32 daddr, u16 sport, u16 dport,
				 const void *data, size_t len,
				 enum udp_csum_mode mode, int len_delta)
{
	struct anp_test_ip_spec spec = {
		.saddr = saddr, .daddr = daddr, .protocol = IPPROTO_UDP,
	};
	struct sk_buff *skb;
	struct udphdr *uh;
	u8 *buf;
	u16 c;

	buf = kunit_kzalloc(test, sizeof(*uh) + len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	uh = (struct udphdr *)buf;
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons(sizeof(*uh) + len + len_delta);
	memcpy(buf + sizeof(*uh), data, len);
	c = ref_csum(saddr, daddr, buf, sizeof(*uh) + len);
	switch (mode) {
	case CSUM_GOOD:
		uh->check = htons(c ?: 0xffff);
		break;
	case CSUM_ZERO:
		uh->check = 0;
		break;
	case CSUM_BAD:
		uh->check = htons((c ?: 0xffff) ^ 0x0100);
		break;
	}
	spec.payload = buf;
	spec.payload_len = sizeof(*uh) + len;
	skb = anp_test_ip(test, &spec);
	return skb;
}

static void udp_in(struct udp_fix *f, struct sk_buff *skb)
{
	anp_test_ip_rcv(f->t2, skb);
}

static unsigned int qlen(struct sock *sk)
{
	return skb_queue_len(&sk->sk_receive_queue);
}

/* ---- demux -------------------------------------------------------- */

/*
 * Most specific first: connected 4-tuple, then bound address, then
 * wildcard; each removal exposes the next.
 */
static void udp_test_lookup_order(struct kunit *test)
{
	struct udp_fix *f;
	struct sock *w, *b, *c;

	f = udp_fix_setup(test);
	w = udp_bound(test, f, 0, 5000, true, 0);
	b = udp_bound(test, f, HOST2, 5000, true, 0);
	c = udp_bound(test, f, HOST2, 5000, true, 0);
	anp_port_set_peer(f->pt, c, HOST2, PEER2, htons(4000), true);

	KUNIT_EXPECT_PTR_EQ(test, udp_lookup(f, PEER2, 4000, HOST2, 5000), c);
	/* Another source port, another source: not the connected one. */
	KUNIT_EXPECT_PTR_EQ(test, udp_lookup(f, PEER2, 4001, HOST2, 5000), b);
	KUNIT_EXPECT_PTR_EQ(test, udp_lookup(f, OTHER2, 4000, HOST2, 5000), b);
	/* To an address only the wildcard covers (127.0.0.1). */
	KUNIT_EXPECT_PTR_EQ(test, udp_lookup(f, PEER2, 4000,
					     htonl(INADDR_LOOPBACK), 5000), w);
	KUNIT_EXPECT_NULL(test, udp_lookup(f, PEER2, 4000, HOST2, 5001));

	anp_port_unhash(f->pt, c);
	KUNIT_EXPECT_PTR_EQ(test, udp_lookup(f, PEER2, 4000, HOST2, 5000), b);
	anp_port_unhash(f->pt, b);
	KUNIT_EXPECT_PTR_EQ(test, udp_lookup(f, PEER2, 4000, HOST2, 5000), w);
	anp_port_unhash(f->pt, w);
	KUNIT_EXPECT_NULL(test, udp_lookup(f, PEER2, 4000, HOST2, 5000));
}

/* The same order for datagrams off the wire, with the counters. */
static void udp_test_rcv_demux(struct kunit *test)
{
	struct udp_fix *f;
	struct sock *w, *b, *c;

	f = udp_fix_setup(test);
	w = udp_bound(test, f, 0, 5000, true, 0);
	b = udp_bound(test, f, HOST2, 5000, true, 0);
	c = udp_bound(test, f, HOST2, 5000, true, 0);
	anp_port_set_peer(f->pt, c, HOST2, PEER2, htons(4000), true);
	anp_test_mib_snap(f->ctx);

	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "c", 1,
			    CSUM_GOOD, 0));
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4001, 5000, "b", 1,
			    CSUM_GOOD, 0));
	KUNIT_EXPECT_EQ(test, qlen(c), 1);
	KUNIT_EXPECT_EQ(test, qlen(b), 1);
	KUNIT_EXPECT_EQ(test, qlen(w), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_DATAGRAMS), 2);

	/* A closed port: UdpNoPorts, nothing queued. */
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5001, "x", 1,
			    CSUM_GOOD, 0));
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_NO_PORTS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_DATAGRAMS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_ERRORS), 0);
}

/* A queued datagram: payload at skb->data, headers still readable. */
static void udp_test_rcv_queued_skb(struct kunit *test)
{
	static const char msg[] = "hello, anp";
	struct udp_fix *f;
	struct sk_buff *skb;
	struct sock *sk;

	f = udp_fix_setup(test);
	sk = udp_bound(test, f, 0, 5000, false, 0);
	/* Trailing bytes past the UDP length are not part of it. */
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, msg,
			    sizeof(msg), CSUM_ZERO, -3));
	skb = skb_peek(&sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb->len, sizeof(msg) - 3);
	ANP_TEST_EXPECT_MEMEQ(test, skb->data, msg, sizeof(msg) - 3);
	KUNIT_EXPECT_EQ(test, ntohs(udp_hdr(skb)->source), 4000);
	KUNIT_EXPECT_EQ(test, ip_hdr(skb)->saddr, PEER2);
}

/* RFC 768 lengths: shorter than the header, or past the datagram. */
static void udp_test_rcv_bad_length(struct kunit *test)
{
	struct udp_fix *f;
	struct sock *sk;

	f = udp_fix_setup(test);
	sk = udp_bound(test, f, 0, 5000, false, 0);
	anp_test_mib_snap(f->ctx);
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "abcd", 4,
			    CSUM_ZERO, 1));
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "abcd", 4,
			    CSUM_ZERO, -5));
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_ERRORS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_NO_PORTS), 0);
	KUNIT_EXPECT_EQ(test, qlen(sk), 0);
}

/* A full receive buffer drops and counts; the queue stays bounded. */
static void udp_test_rcvbuf_full(struct kunit *test)
{
	struct udp_fix *f;
	struct sock *sk;
	int i;

	f = udp_fix_setup(test);
	sk = udp_bound(test, f, 0, 5000, false, 0);
	sk->sk_rcvbuf = 1;	/* room for exactly one datagram */
	anp_test_mib_snap(f->ctx);
	for (i = 0; i < 3; i++)
		udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "x", 1,
				    CSUM_GOOD, 0));
	KUNIT_EXPECT_EQ(test, qlen(sk), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_DATAGRAMS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_RCVBUF_ERRORS), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_ERRORS), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&sk->sk_drops), 2);
}

/*
 * Broadcast (RFC 1122 3.3.6): every wildcard socket of the port gets a
 * copy, a socket bound to a unicast address does not; nobody: counted
 * in UdpIgnoredMulti, never UdpNoPorts.
 */
static void udp_test_broadcast(struct kunit *test)
{
	struct udp_fix *f;
	struct sock *w1, *w2, *u, *bc;

	f = udp_fix_setup(test);
	w1 = udp_bound(test, f, 0, 6000, true, 0);
	w2 = udp_bound(test, f, 0, 6000, true, 0);
	u = udp_bound(test, f, HOST2, 6000, true, 0);
	bc = udp_bound(test, f, BCAST2, 6000, true, 0);
	anp_test_mib_snap(f->ctx);

	udp_in(f, udp_dgram(test, PEER2, BCAST2, 4000, 6000, "b", 1,
			    CSUM_GOOD, 0));
	KUNIT_EXPECT_EQ(test, qlen(w1), 1);
	KUNIT_EXPECT_EQ(test, qlen(w2), 1);
	KUNIT_EXPECT_EQ(test, qlen(bc), 1);
	KUNIT_EXPECT_EQ(test, qlen(u), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_DATAGRAMS), 3);

	udp_in(f, udp_dgram(test, PEER2, htonl(INADDR_BROADCAST), 4000, 6001,
			    "b", 1, CSUM_GOOD, 0));
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IGNORED_MULTI), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_NO_PORTS), 0);
	KUNIT_EXPECT_EQ(test, anp_test_tx_count(f->t2), 0);
}

/* ---- checksum ----------------------------------------------------- */

static void udp_test_csum_rcv(struct kunit *test)
{
	struct udp_fix *f;
	struct sock *sk;

	f = udp_fix_setup(test);
	sk = udp_bound(test, f, 0, 5000, false, 0);
	anp_test_mib_snap(f->ctx);
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "abc", 3,
			    CSUM_GOOD, 0));
	/* RFC 768: zero means "no checksum": accepted. */
	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "abc", 3,
			    CSUM_ZERO, 0));
	KUNIT_EXPECT_EQ(test, qlen(sk), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_CSUM_ERRORS), 0);

	udp_in(f, udp_dgram(test, PEER2, HOST2, 4000, 5000, "abc", 3,
			    CSUM_BAD, 0));
	KUNIT_EXPECT_EQ(test, qlen(sk), 2);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_CSUM_ERRORS), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_ERRORS), 1);
}

/* A checksum made for another source address is refused. */
static void udp_test_csum_pseudo_header(struct kunit *test)
{
	struct udp_fix *f;
	struct sk_buff *skb;
	struct sock *sk;
	struct udphdr *uh;

	f = udp_fix_setup(test);
	sk = udp_bound(test, f, 0, 5000, false, 0);
	anp_test_mib_snap(f->ctx);
	skb = udp_dgram(test, OTHER2, HOST2, 4000, 5000, "abcd", 4,
			CSUM_GOOD, 0);
	/* Same UDP bytes, IP source changed (IP checksum redone). */
	ip_hdr(skb)->saddr = PEER2;
	ip_send_check(ip_hdr(skb));
	uh = (struct udphdr *)(skb->data + sizeof(struct iphdr));
	KUNIT_EXPECT_NE(test, uh->check, 0);
	udp_in(f, skb);
	KUNIT_EXPECT_EQ(test, qlen(sk), 0);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_CSUM_ERRORS), 1);
}

/* anp_udp_set_csum() agrees with the reference, 0 sent as 0xffff. */
static void udp_test_csum_generate(struct kunit *test)
{
	u8 buf[sizeof(struct udphdr) + 6] = {};
	struct udphdr *uh = (struct udphdr *)buf;
	struct sk_buff *skb;
	u16 c, want;
	unsigned int v;

	uh->source = htons(1234);
	uh->dest = htons(53);
	uh->len = htons(sizeof(buf));
	memcpy(buf + sizeof(*uh), "\x12\x34\x56\x78", 4);

	skb = anp_test_skb(test, buf, sizeof(buf));
	anp_udp_set_csum(skb, PEER2, HOST2);
	want = ref_csum(PEER2, HOST2, buf, sizeof(buf));
	KUNIT_EXPECT_NE(test, want, 0);
	KUNIT_EXPECT_EQ(test, ntohs(((struct udphdr *)skb->data)->check), want);
	/* Verifying over the result gives zero. */
	KUNIT_EXPECT_EQ(test, ref_csum(PEER2, HOST2, skb->data, skb->len), 0);
	kfree_skb(skb);

	/*
	 * Pick the last two payload bytes so the sum is 0xffff: the
	 * computed checksum is then 0, which RFC 768 sends as all ones.
	 */
	buf[sizeof(buf) - 2] = 0;
	buf[sizeof(buf) - 1] = 0;
	c = ref_csum(PEER2, HOST2, buf, sizeof(buf));	/* ~sum */
	v = c;			/* adding ~sum to sum makes 0xffff */
	buf[sizeof(buf) - 2] = v >> 8;
	buf[sizeof(buf) - 1] = v & 0xff;
	KUNIT_ASSERT_EQ(test, ref_csum(PEER2, HOST2, buf, sizeof(buf)), 0);
	skb = anp_test_skb(test, buf, sizeof(buf));
	anp_udp_set_csum(skb, PEER2, HOST2);
	KUNIT_EXPECT_EQ(test, ntohs(((struct udphdr *)skb->data)->check), 0xffff);
	kfree_skb(skb);
}

/* A datagram with checksum 0xffff (computed 0) is accepted. */
static void udp_test_csum_ffff_rcv(struct kunit *test)
{
	u8 data[6] = { 0x12, 0x34, 0x56, 0x78 };
	struct udphdr uh = {};
	struct udp_fix *f;
	struct sk_buff *skb;
	struct sock *sk;
	u8 buf[sizeof(uh) + sizeof(data)];
	u16 c;

	f = udp_fix_setup(test);
	sk = udp_bound(test, f, 0, 5000, false, 0);
	uh.source = htons(4000);
	uh.dest = htons(5000);
	uh.len = htons(sizeof(buf));
	memcpy(buf, &uh, sizeof(uh));
	memcpy(buf + sizeof(uh), data, sizeof(data));
	c = ref_csum(PEER2, HOST2, buf, sizeof(buf));
	data[4] = c >> 8;
	data[5] = c & 0xff;
	memcpy(buf + sizeof(uh), data, sizeof(data));
	KUNIT_ASSERT_EQ(test, ref_csum(PEER2, HOST2, buf, sizeof(buf)), 0);

	skb = udp_dgram(test, PEER2, HOST2, 4000, 5000, data, sizeof(data),
			CSUM_GOOD, 0);
	KUNIT_EXPECT_EQ(test, ((struct udphdr *)(skb->data +
			       sizeof(struct iphdr)))->check, htons(0xffff));
	anp_test_mib_snap(f->ctx);
	udp_in(f, skb);
	KUNIT_EXPECT_EQ(test, qlen(sk), 1);
	KUNIT_EXPECT_EQ(test, DELTA(f, UDP_IN_CSUM_ERRORS), 0);
}

/* ---- ports -------------------------------------------------------- */

/* Default range: in ip_local_port_range, each port different. */
static void udp_test_ephemeral_unique(struct kunit *test)
{
	struct udp_fix *f;
	unsigned long *seen;
	int low, high, i;

	f = udp_fix_setup(test);
	seen = kunit_kzalloc(test, BITS_TO_LONGS(65536) * sizeof(long),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	inet_get_local_port_range(&init_net, &low, &high);
	for (i = 0; i < 40; i++) {
		struct sock *sk = udp_bound(test, f, 0, 0, false, 0);

		KUNIT_EXPECT_GE(test, (int)sk->sk_num, low);
		KUNIT_EXPECT_LE(test, (int)sk->sk_num, high);
		KUNIT_EXPECT_FALSE(test, test_bit(sk->sk_num, seen));
		__set_bit(sk->sk_num, seen);
	}
}

/*
 * A 4-port range searched from its last port: it wraps to the first,
 * uses every port once, then has none (EADDRINUSE).
 */
static void udp_test_ephemeral_wrap_exhaust(struct kunit *test)
{
	static const u16 want[] = { 40003, 40000, 40001, 40002 };
	struct udp_fix *f;
	struct sock *sk;
	int i;

	f = udp_fix_setup(test);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		sk = tsk_new(test, f, 0, false, false);
		/* rand ~0 starts at the last port of the range. */
		KUNIT_EXPECT_EQ(test, anp_port_get_range(f->pt, sk, 0, 40000,
							 40003, ~0U), 0);
		KUNIT_EXPECT_EQ(test, sk->sk_num, want[i]);
	}
	sk = tsk_new(test, f, 0, false, false);
	KUNIT_EXPECT_EQ(test, anp_port_get_range(f->pt, sk, 0, 40000, 40003,
						 ~0U), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, sk->sk_num, 0);
	/* A port freed is found again. */
	anp_port_unhash(f->pt, f->socks[1]);
	KUNIT_EXPECT_EQ(test, anp_port_get_range(f->pt, sk, 0, 40000, 40003,
						 0), 0);
	KUNIT_EXPECT_EQ(test, sk->sk_num, 40000);
}

/* Bind conflicts, the rules of Linux's udp_lib_lport_inuse(). */
struct udp_bind_case {
	const char *name;
	__be32 a1, a2;
	bool reuse1, reuse2, rp1, rp2;
	int err;
};

static const struct udp_bind_case udp_bind_cases[] = {
	{ "same address", HOST2, HOST2, false, false, false, false,
	  -EADDRINUSE },
	{ "wildcard then address", 0, HOST2, false, false, false, false,
	  -EADDRINUSE },
	{ "address then wildcard", HOST2, 0, false, false, false, false,
	  -EADDRINUSE },
	{ "different addresses", HOST2, htonl(INADDR_LOOPBACK), false, false,
	  false, false, 0 },
	{ "SO_REUSEADDR on both", HOST2, HOST2, true, true, false, false, 0 },
	{ "SO_REUSEADDR on one", HOST2, HOST2, true, false, false, false,
	  -EADDRINUSE },
	{ "SO_REUSEPORT on both, same uid", 0, 0, false, false, true, true,
	  0 },
	{ "SO_REUSEPORT on one", 0, 0, false, false, true, false,
	  -EADDRINUSE },
};

static void udp_bind_case_desc(const struct udp_bind_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(udp_bind, udp_bind_cases, udp_bind_case_desc);

static void udp_test_bind_conflict(struct kunit *test)
{
	const struct udp_bind_case *c = test->param_value;
	struct udp_fix *f;
	struct sock *s1, *s2;

	f = udp_fix_setup(test);
	s1 = tsk_new(test, f, c->a1, c->reuse1, c->rp1);
	KUNIT_ASSERT_EQ(test, anp_port_get(f->pt, s1, 7000), 0);
	s2 = tsk_new(test, f, c->a2, c->reuse2, c->rp2);
	KUNIT_EXPECT_EQ(test, anp_port_get(f->pt, s2, 7000), c->err);
	/* Once the first is gone the port is free again. */
	if (c->err) {
		anp_port_unhash(f->pt, s1);
		KUNIT_EXPECT_EQ(test, anp_port_get(f->pt, s2, 7000), 0);
	}
}

/* SO_REUSEPORT spreads flows over the group, one flow to one member. */
static void udp_test_reuseport_spread(struct kunit *test)
{
	struct sock *s[4], *hit, *first[16];
	struct udp_fix *f;
	unsigned int i, used = 0, j;

	f = udp_fix_setup(test);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = tsk_new(test, f, 0, false, true);
		KUNIT_ASSERT_EQ(test, anp_port_get(f->pt, s[i], 7100), 0);
	}
	for (i = 0; i < ARRAY_SIZE(first); i++) {
		first[i] = udp_lookup(f, PEER2, 1000 + i, HOST2, 7100);
		KUNIT_ASSERT_NOT_NULL(test, first[i]);
		/* The same flow again: the same socket. */
		hit = udp_lookup(f, PEER2, 1000 + i, HOST2, 7100);
		KUNIT_EXPECT_PTR_EQ(test, hit, first[i]);
	}
	for (j = 0; j < ARRAY_SIZE(s); j++)
		for (i = 0; i < ARRAY_SIZE(first); i++)
			if (first[i] == s[j]) {
				used++;
				break;
			}
	/* 16 flows over 4 sockets: more than one socket used. */
	KUNIT_EXPECT_GT(test, used, 1);
}

/* ---- ICMP errors -------------------------------------------------- */

/*
 * RFC 1122 4.1.3.3: a Port Unreachable about a connected socket's flow
 * sets its error (ECONNREFUSED); an unconnected socket's is ignored.
 */
static void udp_test_err_connrefused(struct kunit *test)
{
	struct udp_fix *f;
	struct iphdr iph = {};
	struct udphdr uh = {};
	struct sock *c, *u;

	f = udp_fix_setup(test);
	c = udp_bound(test, f, 0, 5000, false, 0);
	anp_port_set_peer(f->pt, c, HOST2, PEER2, htons(4000), true);
	u = udp_bound(test, f, 0, 5001, false, 0);

	iph.version = 4;
	iph.ihl = 5;
	iph.protocol = IPPROTO_UDP;
	iph.saddr = HOST2;
	iph.daddr = PEER2;
	uh.source = htons(5000);
	uh.dest = htons(4000);
	local_bh_disable();
	anp_udp_err(f->ctx->an, &iph, &uh, ICMP_DEST_UNREACH,
		    ICMP_PORT_UNREACH, 0);
	uh.source = htons(5001);
	anp_udp_err(f->ctx->an, &iph, &uh, ICMP_DEST_UNREACH,
		    ICMP_PORT_UNREACH, 0);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->sk_err), ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, READ_ONCE(u->sk_err), 0);
}

static struct kunit_case udp_cases[] = {
	KUNIT_CASE(udp_test_lookup_order),
	KUNIT_CASE(udp_test_rcv_demux),
	KUNIT_CASE(udp_test_rcv_queued_skb),
	KUNIT_CASE(udp_test_rcv_bad_length),
	KUNIT_CASE(udp_test_rcvbuf_full),
	KUNIT_CASE(udp_test_broadcast),
	KUNIT_CASE(udp_test_csum_rcv),
	KUNIT_CASE(udp_test_csum_pseudo_header),
	KUNIT_CASE(udp_test_csum_generate),
	KUNIT_CASE(udp_test_csum_ffff_rcv),
	KUNIT_CASE(udp_test_ephemeral_unique),
	KUNIT_CASE(udp_test_ephemeral_wrap_exhaust),
	KUNIT_CASE_PARAM(udp_test_bind_conflict, udp_bind_gen_params),
	KUNIT_CASE(udp_test_reuseport_spread),
	KUNIT_CASE(udp_test_err_connrefused),
	{}
};

static struct kunit_suite anp_udp_suite = {
	.name = "anp-udp",
	.init = anp_test_init,
	.exit = udp_test_exit,
	.test_cases = udp_cases,
};

kunit_test_suites(&anp_udp_suite);
