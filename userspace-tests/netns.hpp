// SPDX-License-Identifier: GPL-2.0
//
// Fixture for cases that need an ANP host with addresses: a fresh network
// namespace entered by the calling thread (unshare(CLONE_NEWNET)), with
// lo up, IPv6 off, and anp0 set up as
//
//   Linux side of anp0   10.99.0.1/24 (and 10.99.0.11/24)
//   ANP host on anp0     10.99.0.2/24 (and 10.99.0.3/24)
//
// The destructor returns the thread to the namespace it came from; the
// namespace (and anp0 with it) goes away once the last socket in it is
// closed.  Commands (ip, anpctl) run in child processes, which inherit
// the namespace.
#ifndef ANP_CONFORMANCE_NETNS_HPP
#define ANP_CONFORMANCE_NETNS_HPP

#include "harness.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <netinet/in.h>

namespace anp_test {

// Addresses of the fixture, host byte order.
constexpr uint32_t LINUX_ADDR = 0x0a630001;	// 10.99.0.1
constexpr uint32_t LINUX_ADDR2 = 0x0a63000b;	// 10.99.0.11
constexpr uint32_t ANP_ADDR = 0x0a630002;	// 10.99.0.2
constexpr uint32_t ANP_ADDR2 = 0x0a630003;	// 10.99.0.3
constexpr uint32_t NOBODY_ADDR = 0x0a6300c8;	// 10.99.0.200: nobody's
constexpr uint32_t SUBNET_BCAST = 0x0a6300ff;	// 10.99.0.255
constexpr uint32_t LOOPBACK = 0x7f000001;	// 127.0.0.1

std::string ip_str(uint32_t host_order);

// Output and exit status of a command.
struct cmd_result {
	int status;		// exit status, or 128 + signal, or -1
	std::string out;	// stdout and stderr
};

// Runs argv (argv[0] looked up in PATH, or "anpctl" in $ANP_BIN).
cmd_result run_cmd(const std::vector<std::string> &argv);
// run_cmd that must succeed (REQUIRE).
void must_run(const std::vector<std::string> &argv);
// The path of an anp tool: $ANP_BIN/name, else next to this program.
std::string anp_tool(const std::string &name);

// Skips the case unless we may create network namespaces.
void require_root();

class anp_netns {
public:
	// with_addrs false: only lo (no anp0).
	explicit anp_netns(bool with_anp0 = true);
	~anp_netns();
	anp_netns(const anp_netns &) = delete;
	anp_netns &operator=(const anp_netns &) = delete;

	// Every counter of `anpctl stats`.
	std::map<std::string, uint64_t> stats() const;
	uint64_t stat(const std::string &name) const;
	// anp0's MTU.
	int mtu() const;
	void sysctl(const std::string &path, const std::string &value) const;
	std::string sysctl_read(const std::string &path) const;

private:
	int orig_ = -1;
};

// Every counter of `anpctl stats` in the current netns.
std::map<std::string, uint64_t> anp_stats();
// /proc/net/snmp "Udp:" (or other prefix) counters of the current netns;
// or those of another file of that format (/proc/net/netstat "TcpExt:"),
// each name prefixed with key_prefix.
std::map<std::string, uint64_t> linux_snmp(const std::string &proto,
					   const std::string &file = "/proc/net/snmp",
					   const std::string &key_prefix = "");

// Polls cond every few ms until it holds or the deadline passes; returns
// its last value.  For waiting on asynchronous effects (counters): the
// deadline is a failure bound, never a synchronisation.
bool wait_for(const std::function<bool()> &cond,
	      std::chrono::milliseconds deadline = std::chrono::seconds(5));

// ---- address families under test ------------------------------------

// One side of the comparison: a socket family and the fixture addresses
// its stack owns.  AF_INET sockets live on the Linux side of anp0.
struct fam {
	int family;
	const char *name;
	uint32_t addr;		// own address on anp0's subnet
	uint32_t addr2;		// a second own address
	uint32_t peer;		// the other stack's address
};

extern const fam FAM_ANP;
extern const fam FAM_INET;
extern const fam *const BOTH[2];

struct sockaddr_in saddr(int family, uint32_t host_addr, uint16_t port);
inline struct sockaddr_in saddr(const fam &f, uint32_t a, uint16_t p)
{
	return saddr(f.family, a, p);
}

fd_guard udp_socket(int family, int flags = 0);
inline fd_guard udp_socket(const fam &f, int flags = 0)
{
	return udp_socket(f.family, flags);
}

sys_result do_bind(int fd, const struct sockaddr_in &a,
		   socklen_t len = sizeof(struct sockaddr_in));
sys_result do_connect(int fd, const struct sockaddr_in &a,
		      socklen_t len = sizeof(struct sockaddr_in));
// bind that must succeed; returns the bound port (getsockname).
uint16_t must_bind(int fd, const struct sockaddr_in &a);
struct sockaddr_in local_name(int fd);
void set_int_opt(int fd, int level, int opt, int v, const char *name);
int get_int_opt(int fd, int level, int opt, const char *name);

// sendto that must send all of buf.
void must_sendto(int fd, const void *buf, size_t len,
		 const struct sockaddr_in &to);
// Waits (deadline) for fd to be readable.
bool wait_readable(int fd, int ms = 5000);
// recvfrom with a deadline; REQUIREs a datagram.
std::vector<unsigned char> must_recv(int fd, struct sockaddr_in *from = nullptr,
				     size_t max = 70000);

std::vector<unsigned char> pattern(size_t len, unsigned seed);
std::string addr_str(const struct sockaddr_in &a);

std::string expect_err_str(const std::string &what, const sys_result &r,
			   int want);

// How far each counter moved between two `anpctl stats` snapshots
// (a counter absent from a snapshot counts as 0).
struct counter_moves {
	std::map<std::string, uint64_t> before, after;
	int64_t operator()(const std::string &name) const;
	// "NAME moved by N, want W" for a CHECK message.
	std::string says(const std::string &name, int64_t want) const;
};

} // namespace anp_test

// CHECK that r (evaluated once) failed with errno want.
#define CHECK_ERR(r, want, what)					\
	do {								\
		const ::anp_test::sys_result ce_r_ = (r);		\
		CHECK(!ce_r_.ok() && ce_r_.err == (want),		\
		      ::anp_test::expect_err_str((what), ce_r_, (want))); \
	} while (0)
// CHECK that counter name moved by exactly want (moves: counter_moves).
#define CHECK_MOVED(moves, name, want)					\
	CHECK((moves)(name) == static_cast<int64_t>(want),		\
	      (moves).says((name), static_cast<int64_t>(want)))
#define CHECK_OK(r, what)						\
	do {								\
		const ::anp_test::sys_result co_r_ = (r);		\
		CHECK(co_r_.ok(), std::string(what) + ": " + co_r_.str()); \
	} while (0)

#endif
