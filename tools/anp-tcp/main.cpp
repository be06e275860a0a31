// SPDX-License-Identifier: GPL-2.0
// anp-tcp: a TCP (SOCK_STREAM) test tool for AF_ANP and AF_INET alike.
//
// The same program runs on either family (--family anp|inet: only
// sin_family of the sockaddr_in changes, as the README describes), so any
// pairing works: Linux client to ANP server, ANP client to Linux server,
// ANP to ANP, ANP to itself.
//
// Wire formats (one connection each):
//   pattern  client: be32 L, then L bytes (0xAA + i) & 0xFF; the server
//            checks them, echoes the L bytes, the client checks the echo
//            and closes (the course project's test).
//   bulk     client: be64 N, then N bytes of a xorshift stream; the server
//            hashes what it receives (SHA-256) and answers with the 32-byte
//            digest; the client compares it with its own.
//   echo     the server echoes every byte until EOF.
//   many     N connections open at once (non-blocking connect, epoll);
//            each sends B bytes (0xAA + i + c) & 0xFF, c its index, so a
//            crossed echo shows, and checks the echo; all close once all
//            have been echoed (the server: serve --mode echo --concurrent).
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/anp.h>

#include "../common/cli.hpp"

namespace {

using namespace anp_cli;

constexpr const char *usage_text =
	"Usage: anp-tcp serve   [OPTIONS] --bind ADDR:PORT [--mode pattern|sink|echo]\n"
	"       anp-tcp pattern [OPTIONS] --to ADDR:PORT [--sizes N,...] [--repeat N]\n"
	"       anp-tcp bulk    [OPTIONS] --to ADDR:PORT [--bytes N[K|M|G]]\n"
	"       anp-tcp hold    [OPTIONS] --to ADDR:PORT --ready FILE\n"
	"       anp-tcp many    [OPTIONS] --to ADDR:PORT [--conns N] [--bytes N]\n"
	"\n"
	"A TCP test tool for AF_ANP and AF_INET: any pairing of the two works.\n"
	"\n"
	"serve    listen and serve connections one at a time:\n"
	"           pattern  read be32 L and L bytes, check (0xAA + i) & 0xFF,\n"
	"                    echo them, wait for the client's close\n"
	"           sink     read be64 N and N bytes, answer their SHA-256\n"
	"           echo     echo every byte until EOF\n"
	"         Ends on SIGTERM/SIGINT or after --count N connections, with a\n"
	"         summary; exit 1 if any connection was corrupt or broken.\n"
	"         --concurrent (echo only): serve every connection at once\n"
	"         (epoll), each closed at its EOF.\n"
	"pattern  for each size (default 4096,131072,1048576), --repeat times:\n"
	"         connect, send be32 size and the pattern, check the echo, close.\n"
	"bulk     connect, send be64 N and N bytes (default 1M) of a xorshift\n"
	"         stream; compare the server's SHA-256 with its own; print the\n"
	"         throughput.\n"
	"hold     connect, write --ready, and keep the connection open until\n"
	"         SIGTERM/SIGINT or the peer closes (for anpctl sockets tests).\n"
	"many     open --conns N (default 1000) connections at once (non-blocking\n"
	"         connect and epoll); each sends --bytes B (default 4096) bytes\n"
	"         (0xAA + i + c) & 0xFF (c: the connection's index) and checks\n"
	"         their echo; once every one is echoed (or failed) it prints\n"
	"         their TCP_INFO states and closes them all.  --ready FILE:\n"
	"         write the count of echoed connections to FILE first and\n"
	"         close only on SIGTERM/SIGINT.  Fails if any connection\n"
	"         fails or --idle passes with no progress.\n"
	"\n"
	"Options:\n"
	"  --family anp|inet   socket family (default anp)\n"
	"  --bind ADDR:PORT    local address (client: optional)\n"
	"  --to ADDR:PORT      the server\n"
	"  --idle SEC          fail a connection idle this long (default 60)\n"
	"  --ready FILE        serve: write the bound port to FILE once listening;\n"
	"                      hold: the local port once connected\n"
	"  --nodelay           set TCP_NODELAY\n"
	"  --backlog N         serve: listen(N) (default 64)\n"
	"  --quiet             client: only the summary\n";

struct Options {
	std::string mode;		// serve | pattern | bulk
	std::string serve_mode = "pattern";
	bool concurrent = false;
	unsigned long backlog = 64;
	unsigned long conns = 1000;
	bool bytes_set = false;
	int family = AF_ANP;
	std::optional<Endpoint> bind, to;
	std::vector<size_t> sizes = {4096, 131072, 1048576};
	unsigned long repeat = 1;
	uint64_t bytes = 1 << 20;
	unsigned long count = 0;
	double idle = 60;
	std::string ready;
	bool nodelay = false;
	bool quiet = false;
};

// ---- SHA-256 (FIPS 180-4) --------------------------------------------

class Sha256 {
public:
	Sha256() { reset(); }
	void reset()
	{
		static const uint32_t iv[8] = {
			0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
		std::memcpy(h_, iv, sizeof(h_));
		len_ = 0;
		used_ = 0;
	}
	void update(const unsigned char *p, size_t n)
	{
		len_ += n;
		while (n) {
			size_t k = std::min(n, sizeof(buf_) - used_);

			std::memcpy(buf_ + used_, p, k);
			used_ += k;
			p += k;
			n -= k;
			if (used_ == sizeof(buf_)) {
				block(buf_);
				used_ = 0;
			}
		}
	}
	std::array<unsigned char, 32> digest()
	{
		uint64_t bits = len_ * 8;
		unsigned char pad = 0x80, zero = 0, l[8];

		update(&pad, 1);
		while (used_ != 56)
			update(&zero, 1);
		for (int i = 0; i < 8; i++)
			l[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
		update(l, 8);
		std::array<unsigned char, 32> d;

		for (int i = 0; i < 8; i++)
			for (int j = 0; j < 4; j++)
				d[4 * i + j] = static_cast<unsigned char>(h_[i] >> (24 - 8 * j));
		return d;
	}

private:
	static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
	void block(const unsigned char *p)
	{
		static const uint32_t k[64] = {
			0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
			0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
			0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
			0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
			0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
			0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
			0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
			0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
			0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
			0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
			0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
			0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
			0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
		uint32_t w[64], a[8];

		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		std::memcpy(a, h_, sizeof(a));
		for (int i = 0; i < 64; i++) {
			uint32_t S1 = ror(a[4], 6) ^ ror(a[4], 11) ^ ror(a[4], 25);
			uint32_t ch = (a[4] & a[5]) ^ (~a[4] & a[6]);
			uint32_t t1 = a[7] + S1 + ch + k[i] + w[i];
			uint32_t S0 = ror(a[0], 2) ^ ror(a[0], 13) ^ ror(a[0], 22);
			uint32_t mj = (a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]);
			uint32_t t2 = S0 + mj;

			a[7] = a[6];
			a[6] = a[5];
			a[5] = a[4];
			a[4] = a[3] + t1;
			a[3] = a[2];
			a[2] = a[1];
			a[1] = a[0];
			a[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++)
			h_[i] += a[i];
	}
	uint32_t h_[8];
	uint64_t len_;
	unsigned char buf_[64];
	size_t used_;
};

std::string hex(const std::array<unsigned char, 32> &d)
{
	std::string s;
	char b[3];

	for (unsigned char c : d) {
		std::snprintf(b, sizeof(b), "%02x", c);
		s += b;
	}
	return s;
}

// The bulk stream: xorshift64*, 8 bytes at a time.
class Stream {
public:
	void fill(unsigned char *p, size_t n)
	{
		for (size_t i = 0; i < n; i++) {
			if (left_ == 0) {
				x_ ^= x_ >> 12;
				x_ ^= x_ << 25;
				x_ ^= x_ >> 27;
				cur_ = x_ * 0x2545F4914F6CDD1DULL;
				left_ = 8;
			}
			p[i] = static_cast<unsigned char>(cur_);
			cur_ >>= 8;
			left_--;
		}
	}

private:
	uint64_t x_ = 0x9E3779B97F4A7C15ULL, cur_ = 0;
	int left_ = 0;
};

inline unsigned char pattern_byte(size_t i)
{
	return static_cast<unsigned char>((0xAA + i) & 0xFF);
}

// ---- arguments --------------------------------------------------------

Options parse_args(int argc, char **argv)
{
	Options o;

	if (argc < 2)
		throw UsageError("no command");
	o.mode = argv[1];
	if (o.mode == "-h" || o.mode == "--help") {
		std::fputs(usage_text, stdout);
		std::exit(0);
	}
	if (o.mode != "serve" && o.mode != "pattern" && o.mode != "bulk" &&
	    o.mode != "hold" && o.mode != "many")
		throw UsageError("unknown command \"" + o.mode + "\"");
	for (int i = 2; i < argc; i++) {
		std::string opt = argv[i];
		auto arg = [&]() -> std::string {
			if (i + 1 >= argc)
				throw UsageError(opt + " needs an argument");
			return argv[++i];
		};

		if (opt == "--family") {
			o.family = parse_family(opt, arg());
		} else if (opt == "--bind") {
			o.bind = parse_endpoint(opt, arg());
		} else if (opt == "--to") {
			o.to = parse_endpoint(opt, arg());
		} else if (opt == "--mode") {
			o.serve_mode = arg();
			if (o.serve_mode != "pattern" && o.serve_mode != "sink" &&
			    o.serve_mode != "echo")
				throw UsageError("--mode: pattern, sink or echo");
		} else if (opt == "--sizes") {
			std::string s = arg();
			size_t pos = 0;

			o.sizes.clear();
			while (pos <= s.size()) {
				size_t c = s.find(',', pos);

				if (c == std::string::npos)
					c = s.size();
				o.sizes.push_back(parse_u64(opt, s.substr(pos, c - pos), 1U << 30));
				pos = c + 1;
			}
		} else if (opt == "--repeat") {
			o.repeat = parse_u64(opt, arg(), 1000000);
		} else if (opt == "--bytes") {
			o.bytes = parse_u64(opt, arg(), 1ULL << 40);
			o.bytes_set = true;
		} else if (opt == "--count") {
			o.count = parse_u64(opt, arg(), 1UL << 30);
		} else if (opt == "--idle") {
			o.idle = parse_secs(opt, arg());
		} else if (opt == "--ready") {
			o.ready = arg();
		} else if (opt == "--concurrent") {
			o.concurrent = true;
		} else if (opt == "--backlog") {
			o.backlog = parse_u64(opt, arg(), 65535);
		} else if (opt == "--conns") {
			o.conns = parse_u64(opt, arg(), 1000000);
			if (!o.conns)
				throw UsageError("--conns: at least 1");
		} else if (opt == "--nodelay") {
			o.nodelay = true;
		} else if (opt == "--quiet") {
			o.quiet = true;
		} else {
			throw UsageError("unknown option " + opt);
		}
	}
	if (o.mode == "serve" && !o.bind)
		throw UsageError("serve needs --bind");
	if (o.mode != "serve" && !o.to)
		throw UsageError(o.mode + " needs --to");
	if (o.concurrent && (o.mode != "serve" || o.serve_mode != "echo"))
		throw UsageError("--concurrent is for serve --mode echo");
	if (o.mode == "many" && !o.bytes_set)
		o.bytes = 4096;
	if (o.mode == "many" && o.bytes > (1U << 30))
		throw UsageError("many: --bytes at most 1G");
	return o;
}

// ---- sockets ----------------------------------------------------------

std::string err(const std::string &what)
{
	return what + ": " + std::strerror(errno);
}

void set_opts(int fd, const Options &o)
{
	struct timeval tv;

	tv.tv_sec = static_cast<time_t>(o.idle);
	tv.tv_usec = static_cast<suseconds_t>((o.idle - static_cast<double>(tv.tv_sec)) * 1e6);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		throw Failure(err("SO_RCVTIMEO/SO_SNDTIMEO"));
	int one = 1;

	if (o.nodelay && setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof(one)))
		throw Failure(err("TCP_NODELAY"));
}

class Fd {
public:
	explicit Fd(int fd) : fd_(fd) {}
	~Fd() { if (fd_ >= 0) close(fd_); }
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	int get() const { return fd_; }

private:
	int fd_;
};

void write_all(int fd, const unsigned char *p, size_t n, const char *what)
{
	while (n) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			throw Failure(err(std::string("send ") + what));
		p += r;
		n -= static_cast<size_t>(r);
	}
}

// Reads exactly n bytes; false on EOF before any byte when eof_ok.
bool read_all(int fd, unsigned char *p, size_t n, const char *what, bool eof_ok = false)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, p + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			throw Failure(err(std::string("recv ") + what + " (after " +
					  std::to_string(got) + " of " + std::to_string(n) +
					  " bytes)"));
		if (r == 0) {
			if (eof_ok && got == 0)
				return false;
			throw Failure(std::string("EOF in ") + what + " after " +
				      std::to_string(got) + " of " + std::to_string(n) + " bytes");
		}
		got += static_cast<size_t>(r);
	}
	return true;
}

// Reads until EOF; returns the number of bytes that came instead.
size_t drain_to_eof(int fd)
{
	unsigned char b[4096];
	size_t extra = 0;

	for (;;) {
		ssize_t r = recv(fd, b, sizeof(b), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			throw Failure(err("recv (waiting for EOF)"));
		if (r == 0)
			return extra;
		extra += static_cast<size_t>(r);
	}
}

int connect_to(const Options &o)
{
	int fd = socket(o.family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		throw Failure(err(std::string("socket(") + family_name(o.family) +
				  ", SOCK_STREAM)"));
	try {
		set_opts(fd, o);
		if (o.bind) {
			sockaddr_in sa = make_sockaddr(o.family, *o.bind);

			if (bind(fd, (sockaddr *)&sa, sizeof(sa)))
				throw Failure(err("bind " + ep_str(*o.bind)));
		}
		sockaddr_in sa = make_sockaddr(o.family, *o.to);

		if (connect(fd, (sockaddr *)&sa, sizeof(sa)))
			throw Failure(err("connect " + ep_str(*o.to)));
	} catch (...) {
		close(fd);
		throw;
	}
	return fd;
}

double secs_since(std::chrono::steady_clock::time_point t0)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- serve ------------------------------------------------------------

volatile sig_atomic_t g_stop;

void on_signal(int)
{
	g_stop = 1;
}

void serve_pattern(int fd, std::string &msg, uint64_t &total)
{
	unsigned char h[4];

	if (!read_all(fd, h, 4, "the length", true)) {
		msg = "closed without a request";
		return;
	}
	size_t len = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];

	if (len > (1U << 30))
		throw Failure("length " + std::to_string(len) + " too large");
	std::vector<unsigned char> buf(len);

	read_all(fd, buf.data(), len, "the pattern");
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern_byte(i))
			throw Failure("CORRUPT pattern at byte " + std::to_string(i) + " of " +
				      std::to_string(len) + ": " + std::to_string(buf[i]) +
				      ", want " + std::to_string(pattern_byte(i)));
	write_all(fd, buf.data(), len, "the echo");
	size_t extra = drain_to_eof(fd);

	if (extra)
		throw Failure(std::to_string(extra) + " bytes after the pattern");
	total += len;
	msg = "pattern " + std::to_string(len) + " bytes ok";
}

void serve_sink(int fd, std::string &msg, uint64_t &total)
{
	unsigned char h[8];

	if (!read_all(fd, h, 8, "the length", true)) {
		msg = "closed without a request";
		return;
	}
	uint64_t n = 0;

	for (int i = 0; i < 8; i++)
		n = n << 8 | h[i];
	Sha256 sha;
	std::vector<unsigned char> buf(1 << 16);
	uint64_t got = 0;
	auto t0 = std::chrono::steady_clock::now();

	while (got < n) {
		size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), n - got));
		ssize_t r = recv(fd, buf.data(), want, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			throw Failure(err("recv after " + std::to_string(got) + " of " +
					  std::to_string(n) + " bytes"));
		if (r == 0)
			throw Failure("EOF after " + std::to_string(got) + " of " +
				      std::to_string(n) + " bytes");
		sha.update(buf.data(), static_cast<size_t>(r));
		got += static_cast<uint64_t>(r);
	}
	double el = secs_since(t0);
	auto d = sha.digest();

	total += got;
	write_all(fd, d.data(), d.size(), "the digest");
	drain_to_eof(fd);
	char line[200];

	std::snprintf(line, sizeof(line), "sink %llu bytes sha256 %s in %.2f s (%.1f Mbit/s)",
		      (unsigned long long)got, hex(d).c_str(), el,
		      el > 0 ? static_cast<double>(got) * 8 / el / 1e6 : 0.0);
	msg = line;
}

void serve_echo(int fd, std::string &msg, uint64_t &total)
{
	unsigned char b[65536];
	uint64_t n = 0;

	for (;;) {
		ssize_t r = recv(fd, b, sizeof(b), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			throw Failure(err("recv"));
		if (r == 0)
			break;
		write_all(fd, b, static_cast<size_t>(r), "the echo");
		n += static_cast<uint64_t>(r);
	}
	total += n;
	msg = "echoed " + std::to_string(n) + " bytes";
}

// RLIMIT_NOFILE's soft limit up to the hard one: 1,000 connections need
// more descriptors than the usual 1024.
void raise_nofile()
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

void epoll_set(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {};

	ev.events = events;
	ev.data.u64 = data;
	if (epoll_ctl(ep, op, fd, &ev))
		throw Failure(err("epoll_ctl"));
}

// serve --mode echo --concurrent: every connection at once, each echoed
// until its EOF and then closed; the listener accepts while others run.
int serve_concurrent(const Options &o, int lfd)
{
	struct Conn {
		std::vector<unsigned char> pend;	// echo not yet written
		uint64_t n = 0;
	};
	std::vector<std::optional<Conn>> conns;
	unsigned long accepted = 0, finished = 0, bad = 0;
	uint64_t total = 0;
	std::vector<unsigned char> buf(1 << 16);

	raise_nofile();
	if (fcntl(lfd, F_SETFL, O_NONBLOCK))
		throw Failure(err("O_NONBLOCK"));
	Fd ep(epoll_create1(EPOLL_CLOEXEC));

	if (ep.get() < 0)
		throw Failure(err("epoll_create1"));
	epoll_set(ep.get(), EPOLL_CTL_ADD, lfd, EPOLLIN, static_cast<uint64_t>(lfd));
	auto finish = [&](int fd, const std::string &why) {
		if (!why.empty()) {
			bad++;
			std::printf("serve: connection fd %d FAILED: %s\n", fd, why.c_str());
			std::fflush(stdout);
		}
		total += conns[fd]->n;
		conns[fd].reset();
		close(fd);
		finished++;
	};
	// Writes the pending echo; false when the socket failed.
	auto flush = [&](int fd) -> bool {
		Conn &c = *conns[fd];

		while (!c.pend.empty()) {
			ssize_t r = send(fd, c.pend.data(), c.pend.size(), MSG_NOSIGNAL);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && errno == EAGAIN)
				break;
			if (r < 0) {
				finish(fd, err("send"));
				return false;
			}
			c.pend.erase(c.pend.begin(), c.pend.begin() + r);
		}
		epoll_set(ep.get(), EPOLL_CTL_MOD, fd, c.pend.empty() ? EPOLLIN : EPOLLOUT,
			  static_cast<uint64_t>(fd));
		return true;
	};
	struct epoll_event evs[64];

	while (!g_stop && (!o.count || finished < o.count)) {
		int n = epoll_wait(ep.get(), evs, 64, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw Failure(err("epoll_wait"));
		for (int i = 0; i < n; i++) {
			int fd = static_cast<int>(evs[i].data.u64);

			if (fd == lfd) {
				for (;;) {
					int c = accept4(lfd, nullptr, nullptr,
							SOCK_NONBLOCK | SOCK_CLOEXEC);

					if (c < 0 && errno == EINTR)
						continue;
					if (c < 0 && (errno == EAGAIN || errno == ECONNABORTED))
						break;
					if (c < 0)
						throw Failure(err("accept"));
					if (static_cast<size_t>(c) >= conns.size())
						conns.resize(static_cast<size_t>(c) + 1);
					conns[c].emplace();
					accepted++;
					epoll_set(ep.get(), EPOLL_CTL_ADD, c, EPOLLIN,
						  static_cast<uint64_t>(c));
				}
				continue;
			}
			if (!conns[fd])
				continue;	// finished by an earlier event
			if (!conns[fd]->pend.empty()) {
				flush(fd);
				continue;
			}
			ssize_t r = recv(fd, buf.data(), buf.size(), 0);

			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r < 0) {
				finish(fd, err("recv"));
				continue;
			}
			if (r == 0) {
				finish(fd, "");
				continue;
			}
			conns[fd]->n += static_cast<uint64_t>(r);
			conns[fd]->pend.assign(buf.begin(), buf.begin() + r);
			flush(fd);
		}
	}
	unsigned long still = 0;

	for (size_t fd = 0; fd < conns.size(); fd++)
		if (conns[fd]) {
			total += conns[fd]->n;
			close(static_cast<int>(fd));
			still++;
		}
	if (still)
		std::printf("serve: %lu connections FAILED: still open at the end\n", still);
	bad += still;
	std::printf("serve: %s echo (concurrent) on %s: %lu connections, %lu failed, %llu bytes\n",
		    family_name(o.family), ep_str(*o.bind).c_str(), accepted, bad,
		    (unsigned long long)total);
	return bad ? 1 : 0;
}

int do_serve(const Options &o)
{
	int lfd = socket(o.family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (lfd < 0)
		throw Failure(err(std::string("socket(") + family_name(o.family) +
				  ", SOCK_STREAM)"));
	Fd lg(lfd);
	int one = 1;

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sockaddr_in sa = make_sockaddr(o.family, *o.bind);

	if (bind(lfd, (sockaddr *)&sa, sizeof(sa)))
		throw Failure(err("bind " + ep_str(*o.bind)));
	if (listen(lfd, static_cast<int>(o.backlog)))
		throw Failure(err("listen"));
	socklen_t len = sizeof(sa);

	getsockname(lfd, (sockaddr *)&sa, &len);
	struct sigaction act = {};

	act.sa_handler = on_signal;	// no SA_RESTART: accept returns EINTR
	sigaction(SIGTERM, &act, nullptr);
	sigaction(SIGINT, &act, nullptr);
	if (!o.ready.empty()) {
		std::ofstream r(o.ready);

		r << ntohs(sa.sin_port) << '\n';
	}
	if (o.concurrent)
		return serve_concurrent(o, lfd);
	unsigned long conns = 0, bad = 0;
	uint64_t total = 0;

	while (!g_stop && (!o.count || conns < o.count)) {
		sockaddr_in peer = {};
		socklen_t pl = sizeof(peer);
		int fd = accept4(lfd, (sockaddr *)&peer, &pl, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			throw Failure(err("accept"));
		}
		Fd g(fd);
		std::string msg;

		conns++;
		try {
			set_opts(fd, o);
			if (o.serve_mode == "pattern")
				serve_pattern(fd, msg, total);
			else if (o.serve_mode == "sink")
				serve_sink(fd, msg, total);
			else
				serve_echo(fd, msg, total);
		} catch (const Failure &f) {
			bad++;
			msg = std::string("FAILED: ") + f.what();
		}
		std::printf("serve: connection %lu from %s:%u: %s\n", conns,
			    inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), msg.c_str());
		std::fflush(stdout);
	}
	std::printf("serve: %s %s on %s: %lu connections, %lu failed, %llu bytes\n",
		    family_name(o.family), o.serve_mode.c_str(), ep_str(*o.bind).c_str(),
		    conns, bad, (unsigned long long)total);
	return bad ? 1 : 0;
}

// ---- clients ----------------------------------------------------------

int do_pattern(const Options &o)
{
	unsigned long runs = 0, bad = 0;

	for (unsigned long r = 0; r < o.repeat; r++) {
		for (size_t size : o.sizes) {
			std::vector<unsigned char> buf(size + 4), echo(size);

			buf[0] = static_cast<unsigned char>(size >> 24);
			buf[1] = static_cast<unsigned char>(size >> 16);
			buf[2] = static_cast<unsigned char>(size >> 8);
			buf[3] = static_cast<unsigned char>(size);
			for (size_t i = 0; i < size; i++)
				buf[4 + i] = pattern_byte(i);
			runs++;
			auto t0 = std::chrono::steady_clock::now();

			try {
				Fd fd(connect_to(o));

				write_all(fd.get(), buf.data(), buf.size(), "the pattern");
				read_all(fd.get(), echo.data(), size, "the echo");
				for (size_t i = 0; i < size; i++)
					if (echo[i] != pattern_byte(i))
						throw Failure("CORRUPT echo at byte " +
							      std::to_string(i));
				if (!o.quiet)
					std::printf("pattern: %s -> %s %zu bytes ok (%.3f s)\n",
						    family_name(o.family), ep_str(*o.to).c_str(),
						    size, secs_since(t0));
			} catch (const Failure &f) {
				bad++;
				std::printf("pattern: %s -> %s %zu bytes FAILED: %s\n",
					    family_name(o.family), ep_str(*o.to).c_str(), size,
					    f.what());
			}
			std::fflush(stdout);
		}
	}
	std::printf("pattern: %s -> %s: %lu exchanges, %lu failed\n", family_name(o.family),
		    ep_str(*o.to).c_str(), runs, bad);
	return bad ? 1 : 0;
}

int do_hold(const Options &o)
{
	Fd fd(connect_to(o));
	sockaddr_in me = {};
	socklen_t len = sizeof(me);
	struct sigaction act = {};

	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, nullptr);
	sigaction(SIGINT, &act, nullptr);
	getsockname(fd.get(), (sockaddr *)&me, &len);
	if (!o.ready.empty()) {
		std::ofstream r(o.ready);

		r << ntohs(me.sin_port) << '\n';
	}
	struct timeval none = {0, 0};	// no idle limit while holding

	setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	unsigned char b[4096];

	while (!g_stop) {
		ssize_t r = recv(fd.get(), b, sizeof(b), 0);

		if (r == 0 || (r < 0 && errno != EINTR))
			break;
	}
	std::printf("hold: %s %s -> %s: %s\n", family_name(o.family),
		    std::to_string(ntohs(me.sin_port)).c_str(), ep_str(*o.to).c_str(),
		    g_stop ? "released" : "the peer closed");
	return 0;
}

inline unsigned char many_byte(size_t conn, uint64_t i)
{
	return static_cast<unsigned char>((0xAA + i + conn) & 0xFF);
}

// A tcp_info state as ss names it (TCP_ESTABLISHED is 1, ...).
const char *tcp_state_name(unsigned state)
{
	static const char *const names[] = {
		"?", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
		"TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
	};

	return state < std::size(names) ? names[state] : "?";
}

// anp-tcp many: --conns connections at once, each echoing --bytes.
int do_many(const Options &o)
{
	struct Conn {
		int fd = -1;
		bool connected = false, done = false;
		uint64_t sent = 0, got = 0;
		std::string failure;
	};
	const size_t n = o.conns;
	std::vector<Conn> conns(n);
	std::vector<unsigned char> buf(1 << 16);
	size_t connected = 0, left = n, failed = 0;
	double t_connected = -1;
	sockaddr_in to = make_sockaddr(o.family, *o.to);
	struct sigaction act = {};

	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, nullptr);
	sigaction(SIGINT, &act, nullptr);
	raise_nofile();
	Fd ep(epoll_create1(EPOLL_CLOEXEC));

	if (ep.get() < 0)
		throw Failure(err("epoll_create1"));
	auto fail = [&](size_t i, const std::string &why) {
		conns[i].failure = why;
		conns[i].done = true;
		failed++;
		left--;
		epoll_ctl(ep.get(), EPOLL_CTL_DEL, conns[i].fd, nullptr);
	};
	auto t0 = std::chrono::steady_clock::now();

	for (size_t i = 0; i < n; i++) {
		Conn &c = conns[i];

		c.fd = socket(o.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c.fd < 0)
			throw Failure(err("socket #" + std::to_string(i)));
		int one = 1;

		if (o.nodelay && setsockopt(c.fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one,
					    sizeof(one)))
			throw Failure(err("TCP_NODELAY"));
		if (o.bind) {
			sockaddr_in sa = make_sockaddr(o.family, *o.bind);

			if (bind(c.fd, (sockaddr *)&sa, sizeof(sa)))
				throw Failure(err("bind " + ep_str(*o.bind)));
		}
		if (connect(c.fd, (sockaddr *)&to, sizeof(to)) && errno != EINPROGRESS) {
			fail(i, err("connect"));
			continue;
		}
		epoll_set(ep.get(), EPOLL_CTL_ADD, c.fd, EPOLLIN | EPOLLOUT, i);
	}
	auto progress = std::chrono::steady_clock::now();
	struct epoll_event evs[64];

	while (left) {
		int k = epoll_wait(ep.get(), evs, 64, 1000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			throw Failure(err("epoll_wait"));
		if (k == 0 && secs_since(progress) > o.idle) {
			for (size_t i = 0; i < n; i++)
				if (!conns[i].done)
					fail(i, "no progress for " + std::to_string(o.idle) +
						" s (sent " + std::to_string(conns[i].sent) +
						", echoed " + std::to_string(conns[i].got) + ")");
			break;
		}
		if (k > 0)
			progress = std::chrono::steady_clock::now();
		for (int e = 0; e < k; e++) {
			size_t i = evs[e].data.u64;
			Conn &c = conns[i];

			if (c.done)
				continue;
			if (!c.connected) {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);

				if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
					throw Failure(err("SO_ERROR"));
				if (soerr) {
					errno = soerr;
					fail(i, err("connect"));
					continue;
				}
				c.connected = true;
				if (++connected == n)
					t_connected = secs_since(t0);
			}
			while (c.sent < o.bytes) {
				size_t m = static_cast<size_t>(std::min<uint64_t>(buf.size(),
										   o.bytes - c.sent));

				for (size_t j = 0; j < m; j++)
					buf[j] = many_byte(i, c.sent + j);
				ssize_t r = send(c.fd, buf.data(), m, MSG_NOSIGNAL);

				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 && errno == EAGAIN)
					break;
				if (r < 0) {
					fail(i, err("send"));
					break;
				}
				c.sent += static_cast<uint64_t>(r);
				if (c.sent == o.bytes)
					epoll_set(ep.get(), EPOLL_CTL_MOD, c.fd, EPOLLIN, i);
			}
			while (!c.done) {
				ssize_t r = recv(c.fd, buf.data(), buf.size(), 0);

				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 && errno == EAGAIN)
					break;
				if (r < 0) {
					fail(i, err("recv after " + std::to_string(c.got) + " bytes"));
					break;
				}
				if (r == 0) {
					fail(i, "EOF after " + std::to_string(c.got) + " of " +
						std::to_string(o.bytes) + " bytes");
					break;
				}
				size_t j;

				for (j = 0; j < static_cast<size_t>(r); j++)
					if (c.got + j >= o.bytes || buf[j] != many_byte(i, c.got + j))
						break;
				if (j < static_cast<size_t>(r)) {
					fail(i, "CORRUPT echo at byte " + std::to_string(c.got + j));
					break;
				}
				c.got += static_cast<uint64_t>(r);
				if (c.got == o.bytes) {
					c.done = true;
					left--;
					epoll_ctl(ep.get(), EPOLL_CTL_DEL, c.fd, nullptr);
				}
			}
		}
	}
	double t_echoed = secs_since(t0);
	size_t shown = 0;

	for (size_t i = 0; i < n && shown < 10; i++)
		if (!conns[i].failure.empty()) {
			shown++;
			std::printf("many: connection %zu FAILED: %s\n", i, conns[i].failure.c_str());
		}
	// What each socket's own TCP_INFO says, for the caller to compare
	// with the host's socket table.
	std::map<unsigned, size_t> states;

	for (size_t i = 0; i < n; i++) {
		struct tcp_info ti = {};
		socklen_t tl = sizeof(ti);

		if (conns[i].failure.empty() &&
		    !getsockopt(conns[i].fd, IPPROTO_TCP, TCP_INFO, &ti, &tl))
			states[ti.tcpi_state]++;
	}
	std::printf("many: TCP_INFO states of the open connections:");
	for (auto [st, k] : states)
		std::printf(" %s %zu", tcp_state_name(st), k);
	std::printf("\n");
	std::fflush(stdout);
	if (!o.ready.empty()) {
		// Every connection stays open until the signal: the caller
		// counts them in the socket tables meanwhile.
		std::ofstream r(o.ready);

		r << n - failed << '\n';
		r.close();
		while (!g_stop)
			pause();
	}
	for (Conn &c : conns)
		close(c.fd);
	std::printf("many: %s -> %s: %zu connections of %llu bytes, %zu echoed, %zu failed; "
		    "all connected in %.2f s, all echoed in %.2f s\n",
		    family_name(o.family), ep_str(*o.to).c_str(), n,
		    (unsigned long long)o.bytes, n - failed, failed, t_connected, t_echoed);
	return failed ? 1 : 0;
}

int do_bulk(const Options &o)
{
	Fd fd(connect_to(o));
	unsigned char h[8];

	for (int i = 0; i < 8; i++)
		h[i] = static_cast<unsigned char>(o.bytes >> (56 - 8 * i));
	write_all(fd.get(), h, 8, "the length");
	Sha256 sha;
	Stream st;
	std::vector<unsigned char> buf(1 << 16);
	uint64_t sent = 0;
	auto t0 = std::chrono::steady_clock::now();

	while (sent < o.bytes) {
		size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), o.bytes - sent));

		st.fill(buf.data(), n);
		sha.update(buf.data(), n);
		write_all(fd.get(), buf.data(), n, "the stream");
		sent += n;
	}
	std::array<unsigned char, 32> theirs;

	read_all(fd.get(), theirs.data(), theirs.size(), "the digest");
	double el = secs_since(t0);
	auto mine = sha.digest();

	std::printf("bulk: %s -> %s %llu bytes in %.2f s (%.1f Mbit/s) sha256 %s %s\n",
		    family_name(o.family), ep_str(*o.to).c_str(), (unsigned long long)sent, el,
		    el > 0 ? static_cast<double>(sent) * 8 / el / 1e6 : 0.0, hex(mine).c_str(),
		    mine == theirs ? "match" : ("MISMATCH (server " + hex(theirs) + ")").c_str());
	return mine == theirs ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		Options o = parse_args(argc, argv);

		signal(SIGPIPE, SIG_IGN);
		if (o.mode == "serve")
			return do_serve(o);
		if (o.mode == "pattern")
			return do_pattern(o);
		if (o.mode == "hold")
			return do_hold(o);
		if (o.mode == "many")
			return do_many(o);
		return do_bulk(o);
	} catch (const UsageError &e) {
		std::fprintf(stderr, "anp-tcp: %s\n%s", e.what(), usage_text);
		return 2;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "anp-tcp: %s\n", e.what());
		return 1;
	}
}
