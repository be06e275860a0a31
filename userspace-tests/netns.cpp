// SPDX-License-Identifier: GPL-2.0
//
// The network namespace fixture and socket helpers of the datagram cases.
#include "netns.hpp"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/anp.h>

namespace anp_test {

const fam FAM_ANP = {AF_ANP, "AF_ANP", ANP_ADDR, ANP_ADDR2, LINUX_ADDR};
const fam FAM_INET = {AF_INET, "AF_INET", LINUX_ADDR, LINUX_ADDR2, ANP_ADDR};
const fam *const BOTH[2] = {&FAM_INET, &FAM_ANP};

std::string ip_str(uint32_t host_order)
{
	struct in_addr a = {htonl(host_order)};
	char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, &a, buf, sizeof(buf)) ? buf : "?";
}

std::string addr_str(const struct sockaddr_in &a)
{
	return "{family " + std::to_string(a.sin_family) + ", " +
	       ip_str(ntohl(a.sin_addr.s_addr)) + ":" +
	       std::to_string(ntohs(a.sin_port)) + "}";
}

std::string expect_err_str(const std::string &what, const sys_result &r,
			   int want)
{
	return what + ": want " + errno_name(want) + ", got " + r.str();
}

std::string anp_tool(const std::string &name)
{
	const char *bin = getenv("ANP_BIN");

	if (bin && *bin)
		return std::string(bin) + "/" + name;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		std::string p(self, static_cast<size_t>(n));
		auto slash = p.rfind('/');

		if (slash != std::string::npos)
			return p.substr(0, slash + 1) + name;
	}
	return name;
}

cmd_result run_cmd(const std::vector<std::string> &argv)
{
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC) != 0)
		throw failure("pipe: " + errno_name(errno));
	std::string prog = argv.at(0) == "anpctl" ? anp_tool("anpctl") : argv[0];
	pid_t pid = fork();

	if (pid < 0)
		throw failure("fork: " + errno_name(errno));
	if (pid == 0) {
		std::vector<char *> args;

		for (auto &a : argv)
			args.push_back(const_cast<char *>(a.c_str()));
		args[0] = const_cast<char *>(prog.c_str());
		args.push_back(nullptr);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		execvp(args[0], args.data());
		_exit(127);
	}
	close(pfd[1]);
	cmd_result res{-1, ""};
	char buf[4096];
	ssize_t n;

	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			res.out.append(buf, static_cast<size_t>(n));
	close(pfd[0]);
	int st;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		res.status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		res.status = 128 + WTERMSIG(st);
	return res;
}

void must_run(const std::vector<std::string> &argv)
{
	cmd_result r = run_cmd(argv);
	std::string line;

	for (auto &a : argv)
		line += a + " ";
	REQUIRE(r.status == 0, line + "exit " + std::to_string(r.status) +
			       ": " + r.out);
}

void require_root()
{
	if (geteuid() != 0)
		skip("needs root (network namespaces)");
}

static void write_file(const std::string &path, const std::string &v)
{
	std::ofstream f(path);

	f << v << '\n';
	f.close();
	REQUIRE(f.good(), "write " + path);
}

anp_netns::anp_netns(bool with_anp0)
{
	require_root();
	orig_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	REQUIRE(orig_ >= 0, "open own netns: " + errno_name(errno));
	if (unshare(CLONE_NEWNET) != 0) {
		int e = errno;

		close(orig_);
		orig_ = -1;
		throw failure("unshare(CLONE_NEWNET): " + errno_name(e));
	}
	try {
		must_run({"ip", "link", "set", "lo", "up"});
		// No router solicitations or MLD reports on anp0.
		sysctl("net/ipv6/conf/all/disable_ipv6", "1");
		sysctl("net/ipv6/conf/default/disable_ipv6", "1");
		if (!with_anp0)
			return;
		must_run({"ip", "link", "add", "anp0", "type", "anp"});
		must_run({"ip", "link", "set", "anp0", "up"});
		must_run({"ip", "addr", "add", ip_str(LINUX_ADDR) + "/24",
			  "dev", "anp0"});
		must_run({"ip", "addr", "add", ip_str(LINUX_ADDR2) + "/24",
			  "dev", "anp0"});
		must_run({"anpctl", "addr", "add", ip_str(ANP_ADDR) + "/24",
			  "dev", "anp0"});
		must_run({"anpctl", "addr", "add", ip_str(ANP_ADDR2) + "/24",
			  "dev", "anp0"});
	} catch (...) {
		setns(orig_, CLONE_NEWNET);
		close(orig_);
		orig_ = -1;
		throw;
	}
}

anp_netns::~anp_netns()
{
	if (orig_ >= 0) {
		setns(orig_, CLONE_NEWNET);
		close(orig_);
	}
}

void anp_netns::sysctl(const std::string &path, const std::string &v) const
{
	write_file("/proc/sys/" + path, v);
}

std::string anp_netns::sysctl_read(const std::string &path) const
{
	std::ifstream f("/proc/sys/" + path);
	std::string s;

	std::getline(f, s);
	REQUIRE(f.good() || f.eof(), "read /proc/sys/" + path);
	return s;
}

std::map<std::string, uint64_t> anp_netns::stats() const
{
	return anp_stats();
}

std::map<std::string, uint64_t> anp_stats()
{
	cmd_result r = run_cmd({"anpctl", "stats"});
	std::map<std::string, uint64_t> m;

	REQUIRE(r.status == 0, "anpctl stats: exit " + std::to_string(r.status) +
			       ": " + r.out);
	std::istringstream in(r.out);
	std::string k;
	uint64_t v;

	while (in >> k >> v)
		m[k] = v;
	REQUIRE(!m.empty(), "anpctl stats printed no counter: " + r.out);
	return m;
}

uint64_t anp_netns::stat(const std::string &name) const
{
	auto m = stats();
	auto it = m.find(name);

	REQUIRE(it != m.end(), "anpctl stats has no " + name);
	return it->second;
}

int64_t counter_moves::operator()(const std::string &name) const
{
	auto b = before.find(name), a = after.find(name);

	return static_cast<int64_t>(a == after.end() ? 0 : a->second) -
	       static_cast<int64_t>(b == before.end() ? 0 : b->second);
}

std::string counter_moves::says(const std::string &name, int64_t want) const
{
	return name + " moved by " + std::to_string((*this)(name)) +
	       ", want " + std::to_string(want);
}

int anp_netns::mtu() const
{
	// Not /sys/class/net: sysfs shows the namespace it was mounted in.
	fd_guard s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	struct ifreq ifr = {};

	REQUIRE(s.get() >= 0, "socket: " + errno_name(errno));
	std::strncpy(ifr.ifr_name, "anp0", IFNAMSIZ - 1);
	REQUIRE(ioctl(s.get(), SIOCGIFMTU, &ifr) == 0,
		"SIOCGIFMTU anp0: " + errno_name(errno));
	return ifr.ifr_mtu;
}

std::map<std::string, uint64_t> linux_snmp(const std::string &proto,
					   const std::string &file,
					   const std::string &key_prefix)
{
	std::ifstream f(file);
	std::string names, values;
	std::map<std::string, uint64_t> m;

	while (std::getline(f, names) && std::getline(f, values)) {
		if (names.rfind(proto + ":", 0) != 0)
			continue;
		std::istringstream n(names), v(values);
		std::string k, x;

		n >> k;
		v >> x;
		while (n >> k && v >> x)
			m[key_prefix + k] = std::stoull(x);
	}
	REQUIRE(!m.empty(), file + " has no " + proto);
	return m;
}

bool wait_for(const std::function<bool()> &cond, std::chrono::milliseconds d)
{
	auto end = std::chrono::steady_clock::now() + d;

	while (std::chrono::steady_clock::now() < end) {
		if (cond())
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	return cond();
}

struct sockaddr_in saddr(int family, uint32_t host_addr, uint16_t port)
{
	struct sockaddr_in a = {};

	a.sin_family = static_cast<sa_family_t>(family);
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(host_addr);
	return a;
}

fd_guard udp_socket(int family, int flags)
{
	sys_result r = sys([&] { return socket(family, SOCK_DGRAM | flags, 0); });

	REQUIRE(r.ok(), std::string("socket(") +
		(family == AF_ANP ? "AF_ANP" : "AF_INET") + ", SOCK_DGRAM) = " +
		r.str());
	return fd_guard(static_cast<int>(r.ret));
}

sys_result do_bind(int fd, const struct sockaddr_in &a, socklen_t len)
{
	return sys([&] { return bind(fd, (const struct sockaddr *)&a, len); });
}

sys_result do_connect(int fd, const struct sockaddr_in &a, socklen_t len)
{
	return sys([&] { return connect(fd, (const struct sockaddr *)&a, len); });
}

struct sockaddr_in local_name(int fd)
{
	struct sockaddr_in a = {};
	socklen_t len = sizeof(a);
	sys_result r = sys([&] {
		return getsockname(fd, (struct sockaddr *)&a, &len);
	});

	REQUIRE(r.ok(), "getsockname: " + r.str());
	REQUIRE(len == sizeof(a), "getsockname length " + std::to_string(len));
	return a;
}

uint16_t must_bind(int fd, const struct sockaddr_in &a)
{
	sys_result r = do_bind(fd, a);

	REQUIRE(r.ok(), "bind " + addr_str(a) + ": " + r.str());
	return ntohs(local_name(fd).sin_port);
}

void set_int_opt(int fd, int level, int opt, int v, const char *name)
{
	sys_result r = sys([&] {
		return setsockopt(fd, level, opt, &v, sizeof(v));
	});

	REQUIRE(r.ok(), std::string("setsockopt(") + name + "): " + r.str());
}

int get_int_opt(int fd, int level, int opt, const char *name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	sys_result r = sys([&] { return getsockopt(fd, level, opt, &v, &len); });

	REQUIRE(r.ok(), std::string("getsockopt(") + name + "): " + r.str());
	return v;
}

void must_sendto(int fd, const void *buf, size_t len,
		 const struct sockaddr_in &to)
{
	sys_result r = sys([&] {
		return sendto(fd, buf, len, 0, (const struct sockaddr *)&to,
			      sizeof(to));
	});

	REQUIRE(r.ok() && static_cast<size_t>(r.ret) == len,
		"sendto " + addr_str(to) + " " + std::to_string(len) +
		" bytes: " + r.str());
}

bool wait_readable(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	int n;

	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n == 1 && (p.revents & POLLIN);
}

std::vector<unsigned char> must_recv(int fd, struct sockaddr_in *from,
				     size_t max)
{
	REQUIRE(wait_readable(fd), "no datagram within 5 s");
	std::vector<unsigned char> buf(max);
	struct sockaddr_in a = {};
	socklen_t len = sizeof(a);
	sys_result r = sys([&] {
		return recvfrom(fd, buf.data(), buf.size(), MSG_DONTWAIT,
				(struct sockaddr *)&a, &len);
	});

	REQUIRE(r.ok(), "recvfrom: " + r.str());
	buf.resize(static_cast<size_t>(r.ret));
	if (from)
		*from = a;
	return buf;
}

std::vector<unsigned char> pattern(size_t len, unsigned seed)
{
	std::vector<unsigned char> v(len);
	uint32_t x = seed * 2654435761u + 1;

	for (auto &c : v) {
		x = x * 1103515245u + 12345u;
		c = static_cast<unsigned char>(x >> 16);
	}
	return v;
}

} // namespace anp_test
