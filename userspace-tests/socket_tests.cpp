// SPDX-License-Identifier: GPL-2.0
//
// socket(AF_ANP, ...) creation, its errors, close, the SOL_SOCKET
// identity options, and struct sockaddr_anp's layout.  Where AF_INET has
// the same call, the case runs it on AF_INET too and asserts the same
// result: AF_ANP promises "port AF_INET code by swapping the family".
#include "harness.hpp"

#include <cstddef>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <linux/anp.h>

using namespace anp_test;

// ---- sockaddr_anp: same size and layout as sockaddr_in ---------------
static_assert(sizeof(struct sockaddr_anp) == sizeof(struct sockaddr_in));
static_assert(offsetof(struct sockaddr_anp, sanp_family) ==
	      offsetof(struct sockaddr_in, sin_family));
static_assert(offsetof(struct sockaddr_anp, sanp_port) ==
	      offsetof(struct sockaddr_in, sin_port));
static_assert(offsetof(struct sockaddr_anp, sanp_addr) ==
	      offsetof(struct sockaddr_in, sin_addr));
static_assert(offsetof(struct sockaddr_anp, sanp_zero) ==
	      offsetof(struct sockaddr_in, sin_zero));
static_assert(sizeof(((struct sockaddr_anp *)0)->sanp_zero) ==
	      sizeof(((struct sockaddr_in *)0)->sin_zero));
static_assert(AF_ANP == 19 && PF_ANP == AF_ANP);

namespace {

const char *type_name(int type)
{
	switch (type & 0xf) {
	case SOCK_STREAM: return "SOCK_STREAM";
	case SOCK_DGRAM: return "SOCK_DGRAM";
	case SOCK_RAW: return "SOCK_RAW";
	case SOCK_RDM: return "SOCK_RDM";
	case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
	default: return "type?";
	}
}

std::string call_str(int domain, int type, int proto)
{
	return std::string("socket(") +
	       (domain == AF_ANP ? "AF_ANP" : domain == AF_INET ? "AF_INET" : "?") +
	       ", " + type_name(type) + " (" + std::to_string(type) + "), " +
	       std::to_string(proto) + ")";
}

// socket() and close; returns 0 on success or the errno.
int socket_errno(int domain, int type, int proto)
{
	sys_result r = sys([&] { return socket(domain, type, proto); });

	if (r.ok()) {
		if (close(static_cast<int>(r.ret)) != 0)
			throw failure("close after " + call_str(domain, type, proto) +
				      " failed: " + errno_name(errno));
		return 0;
	}
	return r.err;
}

fd_guard anp_socket(int type, int proto = 0)
{
	sys_result r = sys([&] { return socket(AF_ANP, type, proto); });

	REQUIRE(r.ok(), call_str(AF_ANP, type, proto) + " = " + r.str());
	return fd_guard(static_cast<int>(r.ret));
}

void expect_socket_ok(int type, int proto, bool compare_inet)
{
	int err = socket_errno(AF_ANP, type, proto);

	CHECK(err == 0, call_str(AF_ANP, type, proto) + " failed with " +
			errno_name(err));
	if (compare_inet) {
		int ierr = socket_errno(AF_INET, type, proto);

		CHECK(ierr == err, call_str(AF_INET, type, proto) + " gives " +
				   errno_name(ierr) + ", AF_ANP gives " +
				   errno_name(err));
	}
}

void expect_socket_err(int type, int proto, int want, bool compare_inet)
{
	int err = socket_errno(AF_ANP, type, proto);

	CHECK(err == want, call_str(AF_ANP, type, proto) + ": want " +
			   errno_name(want) + ", got " +
			   (err ? errno_name(err) : std::string("success")));
	if (compare_inet) {
		int ierr = socket_errno(AF_INET, type, proto);

		CHECK(ierr == want, call_str(AF_INET, type, proto) + ": want " +
				    errno_name(want) + ", got " +
				    (ierr ? errno_name(ierr) : std::string("success")) +
				    " (the reference AF_ANP copies)");
	}
}

int getsockopt_int(int fd, int opt, const char *name)
{
	int v = -12345;
	socklen_t len = sizeof(v);
	sys_result r = sys([&] { return getsockopt(fd, SOL_SOCKET, opt, &v, &len); });

	REQUIRE(r.ok(), std::string("getsockopt(") + name + ") = " + r.str());
	REQUIRE(len == sizeof(v), std::string("getsockopt(") + name +
			 ") optlen " + std::to_string(len));
	return v;
}

} // namespace

// ---- creation -------------------------------------------------------

ANP_TEST(t_socket_stream, "socket-stream",
	 "socket(AF_ANP, SOCK_STREAM, 0) succeeds, as on AF_INET")
{
	expect_socket_ok(SOCK_STREAM, 0, true);
}

ANP_TEST(t_socket_dgram, "socket-dgram",
	 "socket(AF_ANP, SOCK_DGRAM, 0) succeeds, as on AF_INET")
{
	expect_socket_ok(SOCK_DGRAM, 0, true);
}

ANP_TEST(t_socket_seqpacket, "socket-seqpacket",
	 "socket(AF_ANP, SOCK_SEQPACKET, 0) succeeds")
{
	expect_socket_ok(SOCK_SEQPACKET, 0, false);
}

ANP_TEST(t_socket_stream_tcp, "socket-stream-tcp",
	 "socket(AF_ANP, SOCK_STREAM, IPPROTO_TCP) succeeds, as on AF_INET")
{
	expect_socket_ok(SOCK_STREAM, IPPROTO_TCP, true);
}

ANP_TEST(t_socket_dgram_udp, "socket-dgram-udp",
	 "socket(AF_ANP, SOCK_DGRAM, IPPROTO_UDP) succeeds, as on AF_INET")
{
	expect_socket_ok(SOCK_DGRAM, IPPROTO_UDP, true);
}

ANP_TEST(t_socket_stream_udp, "socket-stream-udp-eprotonosupport",
	 "SOCK_STREAM with IPPROTO_UDP fails EPROTONOSUPPORT, as on AF_INET")
{
	expect_socket_err(SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT, true);
}

ANP_TEST(t_socket_dgram_tcp, "socket-dgram-tcp-eprotonosupport",
	 "SOCK_DGRAM with IPPROTO_TCP fails EPROTONOSUPPORT, as on AF_INET")
{
	expect_socket_err(SOCK_DGRAM, IPPROTO_TCP, EPROTONOSUPPORT, true);
}

ANP_TEST(t_socket_stream_icmp, "socket-stream-icmp-eprotonosupport",
	 "SOCK_STREAM with IPPROTO_ICMP fails EPROTONOSUPPORT, as on AF_INET")
{
	expect_socket_err(SOCK_STREAM, IPPROTO_ICMP, EPROTONOSUPPORT, true);
}

ANP_TEST(t_socket_raw, "socket-raw-esocktnosupport",
	 "SOCK_RAW fails ESOCKTNOSUPPORT (AF_INET has raw sockets: no comparison)")
{
	expect_socket_err(SOCK_RAW, 0, ESOCKTNOSUPPORT, false);
	expect_socket_err(SOCK_RAW, IPPROTO_ICMP, ESOCKTNOSUPPORT, false);
}

ANP_TEST(t_socket_rdm, "socket-rdm-esocktnosupport",
	 "SOCK_RDM fails ESOCKTNOSUPPORT, as on AF_INET")
{
	expect_socket_err(SOCK_RDM, 0, ESOCKTNOSUPPORT, true);
}

ANP_TEST(t_socket_proto_negative, "socket-proto-negative-einval",
	 "protocol -1 fails EINVAL, as on AF_INET")
{
	expect_socket_err(SOCK_STREAM, -1, EINVAL, true);
	expect_socket_err(SOCK_DGRAM, -1, EINVAL, true);
}

ANP_TEST(t_socket_proto_max, "socket-proto-max-einval",
	 "protocol IPPROTO_MAX (256) and above fails EINVAL, as on AF_INET")
{
	expect_socket_err(SOCK_STREAM, IPPROTO_MAX, EINVAL, true);
	expect_socket_err(SOCK_DGRAM, IPPROTO_MAX, EINVAL, true);
	expect_socket_err(SOCK_DGRAM, 100000, EINVAL, true);
}

ANP_TEST(t_socket_type_100, "socket-type-100-einval",
	 "type 100 fails EINVAL, as on AF_INET")
{
	expect_socket_err(100, 0, EINVAL, true);
}

ANP_TEST(t_socket_flags, "socket-flags-nonblock-cloexec",
	 "SOCK_NONBLOCK and SOCK_CLOEXEC show in fcntl, and only when asked")
{
	for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
		fd_guard with = anp_socket(type | SOCK_NONBLOCK | SOCK_CLOEXEC);
		fd_guard without = anp_socket(type);
		std::string t = type_name(type);

		int fl = fcntl(with.get(), F_GETFL);
		int fdf = fcntl(with.get(), F_GETFD);

		REQUIRE(fl >= 0 && fdf >= 0, "fcntl: " + errno_name(errno));
		CHECK(fl & O_NONBLOCK, t + "|SOCK_NONBLOCK: O_NONBLOCK not set");
		CHECK(fdf & FD_CLOEXEC, t + "|SOCK_CLOEXEC: FD_CLOEXEC not set");
		CHECK((fl & O_ACCMODE) == O_RDWR, t + ": not O_RDWR");

		fl = fcntl(without.get(), F_GETFL);
		fdf = fcntl(without.get(), F_GETFD);
		REQUIRE(fl >= 0 && fdf >= 0, "fcntl: " + errno_name(errno));
		CHECK(!(fl & O_NONBLOCK), t + ": O_NONBLOCK set unasked");
		CHECK(!(fdf & FD_CLOEXEC), t + ": FD_CLOEXEC set unasked");

		CHECK(getsockopt_int(with.get(), SO_TYPE, "SO_TYPE") == type,
		      t + ": SO_TYPE must not carry the flags");
	}
}

ANP_TEST(t_close, "close",
	 "close() of each socket type returns 0; a second close fails EBADF")
{
	for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
		fd_guard s = anp_socket(type);
		int fd = s.release();

		CHECK(close(fd) == 0, std::string(type_name(type)) +
				      ": close: " + errno_name(errno));
		errno = 0;
		CHECK(close(fd) == -1 && errno == EBADF,
		      std::string(type_name(type)) + ": second close: " +
		      errno_name(errno));
	}
}

ANP_TEST(t_many_sockets, "socket-many",
	 "1000 sockets open at once, then all closed")
{
	std::vector<fd_guard> v;

	for (int i = 0; i < 1000; i++) {
		int type = i % 3 == 0 ? SOCK_STREAM :
			   i % 3 == 1 ? SOCK_DGRAM : SOCK_SEQPACKET;
		sys_result r = sys([&] { return socket(AF_ANP, type, 0); });

		if (!r.ok() && r.err == EMFILE)
			skip("RLIMIT_NOFILE below 1000");
		REQUIRE(r.ok(), "socket #" + std::to_string(i) + ": " + r.str());
		v.emplace_back(static_cast<int>(r.ret));
	}
	for (auto &g : v)
		CHECK(close(g.release()) == 0, "close: " + errno_name(errno));
}

// ---- SOL_SOCKET identity --------------------------------------------

ANP_TEST(t_sockopt_domain, "sockopt-domain",
	 "getsockopt(SO_DOMAIN) is AF_ANP for every type")
{
	for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
		fd_guard s = anp_socket(type);
		int v = getsockopt_int(s.get(), SO_DOMAIN, "SO_DOMAIN");

		CHECK(v == AF_ANP, std::string(type_name(type)) + ": SO_DOMAIN " +
				   std::to_string(v));
	}
}

ANP_TEST(t_sockopt_type, "sockopt-type",
	 "getsockopt(SO_TYPE) is the type asked for, as on AF_INET")
{
	for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
		fd_guard s = anp_socket(type);
		int v = getsockopt_int(s.get(), SO_TYPE, "SO_TYPE");

		CHECK(v == type, std::string(type_name(type)) + ": SO_TYPE " +
				 std::to_string(v));
	}
	for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
		fd_guard a = anp_socket(type);
		fd_guard i(socket(AF_INET, type, 0));

		REQUIRE(i.get() >= 0, "AF_INET socket: " + errno_name(errno));
		CHECK(getsockopt_int(a.get(), SO_TYPE, "SO_TYPE") ==
		      getsockopt_int(i.get(), SO_TYPE, "SO_TYPE"),
		      std::string(type_name(type)) + ": differs from AF_INET");
	}
}

ANP_TEST(t_sockopt_protocol, "sockopt-protocol",
	 "getsockopt(SO_PROTOCOL): TCP for stream, UDP for dgram, 0 for seqpacket")
{
	struct {
		int type, proto, want;
		bool inet;
	} cases[] = {
		{SOCK_STREAM, 0, IPPROTO_TCP, true},
		{SOCK_STREAM, IPPROTO_TCP, IPPROTO_TCP, true},
		{SOCK_DGRAM, 0, IPPROTO_UDP, true},
		{SOCK_DGRAM, IPPROTO_UDP, IPPROTO_UDP, true},
		{SOCK_SEQPACKET, 0, 0, false},
	};

	for (auto &c : cases) {
		fd_guard s = anp_socket(c.type, c.proto);
		int v = getsockopt_int(s.get(), SO_PROTOCOL, "SO_PROTOCOL");

		CHECK(v == c.want, call_str(AF_ANP, c.type, c.proto) +
				   ": SO_PROTOCOL " + std::to_string(v) +
				   ", want " + std::to_string(c.want));
		if (!c.inet)
			continue;
		fd_guard i(socket(AF_INET, c.type, c.proto));

		REQUIRE(i.get() >= 0, "AF_INET socket: " + errno_name(errno));
		int iv = getsockopt_int(i.get(), SO_PROTOCOL, "SO_PROTOCOL");

		CHECK(v == iv, call_str(AF_ANP, c.type, c.proto) +
			       ": SO_PROTOCOL " + std::to_string(v) +
			       ", AF_INET says " + std::to_string(iv));
	}
}

ANP_TEST(t_sockopt_error, "sockopt-error-zero",
	 "getsockopt(SO_ERROR) on a fresh socket is 0, as on AF_INET")
{
	for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
		fd_guard s = anp_socket(type);

		CHECK(getsockopt_int(s.get(), SO_ERROR, "SO_ERROR") == 0,
		      std::string(type_name(type)) + ": SO_ERROR not 0");
	}
}

// ---- sockaddr_anp ---------------------------------------------------

ANP_TEST(t_sockaddr_layout, "sockaddr-layout",
	 "struct sockaddr_anp has sockaddr_in's size and field offsets")
{
	CHECK(sizeof(struct sockaddr_anp) == sizeof(struct sockaddr_in),
	      "size " + std::to_string(sizeof(struct sockaddr_anp)));
	CHECK(offsetof(struct sockaddr_anp, sanp_port) ==
	      offsetof(struct sockaddr_in, sin_port), "sanp_port offset");
	CHECK(offsetof(struct sockaddr_anp, sanp_addr) ==
	      offsetof(struct sockaddr_in, sin_addr), "sanp_addr offset");
	CHECK(offsetof(struct sockaddr_anp, sanp_zero) ==
	      offsetof(struct sockaddr_in, sin_zero), "sanp_zero offset");

	// The same bytes read through either struct.
	struct sockaddr_in sin = {};

	sin.sin_family = AF_ANP;
	sin.sin_port = htons(4242);
	sin.sin_addr.s_addr = htonl(0x0a4d0002);
	struct sockaddr_anp sa;

	static_assert(sizeof(sa) == sizeof(sin));
	std::memcpy(&sa, &sin, sizeof(sa));
	CHECK(sa.sanp_family == AF_ANP, "family");
	CHECK(sa.sanp_port == htons(4242), "port");
	CHECK(sa.sanp_addr == htonl(0x0a4d0002), "addr");
}

// ---- operations not implemented yet -----------------------------------
// These document the current state of SOCK_SEQPACKET.  SOCK_DGRAM is real
// since the datagram issue (udp_tests.cpp), SOCK_STREAM since the stream
// issue (tcp_tests.cpp).

namespace {

void expect_eopnotsupp(const std::string &what, sys_result r)
{
	CHECK(!r.ok() && r.err == EOPNOTSUPP,
	      what + ": want EOPNOTSUPP, got " + r.str());
}

struct sockaddr_anp anp_addr(uint32_t host_order_addr, uint16_t port)
{
	struct sockaddr_anp a = {};

	a.sanp_family = AF_ANP;
	a.sanp_port = htons(port);
	a.sanp_addr = htonl(host_order_addr);
	return a;
}

} // namespace

ANP_TEST(t_bind_not_yet, "bind-not-yet",
	 "bind() of SOCK_SEQPACKET fails EOPNOTSUPP (not implemented)")
{
	fd_guard s = anp_socket(SOCK_SEQPACKET);
	auto a = anp_addr(0, 5000);

	expect_eopnotsupp("bind SOCK_SEQPACKET",
			  sys([&] { return bind(s.get(), (struct sockaddr *)&a,
						sizeof(a)); }));
}

ANP_TEST(t_connect_not_yet, "connect-not-yet",
	 "connect() of SOCK_SEQPACKET fails EOPNOTSUPP (not implemented)")
{
	fd_guard s = anp_socket(SOCK_SEQPACKET | SOCK_NONBLOCK);
	auto a = anp_addr(0x0a4d0001, 5000);

	expect_eopnotsupp("connect SOCK_SEQPACKET",
			  sys([&] { return connect(s.get(), (struct sockaddr *)&a,
						   sizeof(a)); }));
}

ANP_TEST(t_listen_not_yet, "listen-not-yet",
	 "listen() of SOCK_SEQPACKET fails EOPNOTSUPP (not implemented)")
{
	fd_guard s = anp_socket(SOCK_SEQPACKET);

	expect_eopnotsupp("listen SOCK_SEQPACKET",
			  sys([&] { return listen(s.get(), 1); }));
}

ANP_TEST(t_accept_not_yet, "accept-not-yet",
	 "accept() of SOCK_SEQPACKET fails EOPNOTSUPP (not implemented)")
{
	fd_guard s = anp_socket(SOCK_SEQPACKET | SOCK_NONBLOCK);

	expect_eopnotsupp("accept SOCK_SEQPACKET",
			  sys([&] { return accept(s.get(), nullptr, nullptr); }));
}

ANP_TEST(t_sendto_not_yet, "sendto-not-yet",
	 "sendto() on SOCK_SEQPACKET fails EOPNOTSUPP (not implemented)")
{
	fd_guard s = anp_socket(SOCK_SEQPACKET | SOCK_NONBLOCK);
	auto a = anp_addr(0x0a4d0001, 5000);
	char buf[8] = "hello";

	expect_eopnotsupp("sendto SOCK_SEQPACKET",
			  sys([&] { return sendto(s.get(), buf, sizeof(buf), 0,
						  (struct sockaddr *)&a,
						  sizeof(a)); }));
}

ANP_TEST(t_recvfrom_not_yet, "recvfrom-not-yet",
	 "recvfrom() on SOCK_SEQPACKET fails EOPNOTSUPP (not implemented)")
{
	fd_guard s = anp_socket(SOCK_SEQPACKET | SOCK_NONBLOCK);
	struct sockaddr_anp a;
	socklen_t len = sizeof(a);
	char buf[8];

	expect_eopnotsupp("recvfrom SOCK_SEQPACKET",
			  sys([&] { return recvfrom(s.get(), buf, sizeof(buf),
						    MSG_DONTWAIT,
						    (struct sockaddr *)&a,
						    &len); }));
}

ANP_TEST(t_socketpair, "socketpair-eopnotsupp",
	 "socketpair() fails EOPNOTSUPP, as on AF_INET")
{
	for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
		int sv[2];
		sys_result a = sys([&] { return socketpair(AF_ANP, type, 0, sv); });
		sys_result i = sys([&] { return socketpair(AF_INET, type, 0, sv); });

		CHECK(!a.ok() && a.err == EOPNOTSUPP,
		      std::string("socketpair(AF_ANP, ") + type_name(type) +
		      "): " + a.str());
		CHECK(a.ok() == i.ok() && a.err == i.err,
		      std::string("socketpair ") + type_name(type) + ": AF_INET " +
		      i.str() + ", AF_ANP " + a.str());
	}
}

// ---- module autoload (selftests/module.sh runs it by name) ------------

ANP_TEST_EXPLICIT(t_socket_autoload, "socket-autoload",
		  "socket(AF_ANP, SOCK_DGRAM, 0) succeeds and anp is loaded after")
{
	fd_guard s = anp_socket(SOCK_DGRAM);
	std::ifstream state("/sys/module/anp/initstate");
	std::string st;

	state >> st;
	CHECK(st == "live", "/sys/module/anp/initstate is '" + st + "'");
}
