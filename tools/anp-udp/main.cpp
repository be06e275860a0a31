// SPDX-License-Identifier: GPL-2.0
// anp-udp: a UDP datagram test tool for AF_ANP and AF_INET alike.
//
// Every datagram it sends carries a pattern that encodes its size and a
// sequence number, so whoever receives it can check it byte for byte
// without knowing what was sent:
//
//   size >= 16: "ANPU", be32 size, be32 seq, be32 mix(size, seq), then
//               byte i = pattern(seq, size, i); the (i >> 8) term makes
//               the pattern of every 8-byte-aligned block of a 64 KiB
//               datagram differ, so a fragment put at the wrong offset,
//               a missing or a duplicated one is caught.
//   size < 16:  byte i = small_pattern(size, i) (no room for a header).
//
// A datagram that is not exactly such a pattern, or that arrived
// truncated (MSG_TRUNC), is "corrupt": every mode fails on one.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/anp.h>

#include "../common/cli.hpp"

namespace {

using namespace anp_cli;

constexpr const char *usage_text =
	"Usage: anp-udp serve [OPTIONS] --bind ADDR:PORT\n"
	"       anp-udp send  [OPTIONS] --to ADDR:PORT --sizes N,N,...\n"
	"       anp-udp hold  [OPTIONS] [--bind ADDR:PORT] [--connect ADDR:PORT]\n"
	"\n"
	"A UDP test tool for AF_ANP and AF_INET: the same program talks to\n"
	"either, so Linux UDP and the ANP host can be paired both ways.\n"
	"\n"
	"serve   bind and echo every datagram back to its sender, checking it\n"
	"        (with --sink: check and count, no echo).  Ends on SIGTERM or\n"
	"        SIGINT, after --count N datagrams or --idle SEC without one,\n"
	"        and prints a summary.  Fails (exit 1) on any corrupt datagram.\n"
	"send    send datagrams of the given sizes (--repeat times each), each\n"
	"        carrying a pattern of its size and sequence number; wait for\n"
	"        its echo (--wait SEC) and check it byte for byte.\n"
	"          default       every echo must come back intact: any loss,\n"
	"                        corruption or unexpected datagram fails\n"
	"          --allow-loss  loss and duplicates are counted, not failures;\n"
	"                        corruption fails; at least --min-echoed (1)\n"
	"                        echoes must come back\n"
	"          --retry       resend (new sequence number) until each\n"
	"                        datagram's echo came back, within --deadline\n"
	"          --no-echo     send only (to a --sink server)\n"
	"hold    make a socket, bind and/or connect it, write --ready, and\n"
	"        wait for a signal (for anpctl sockets tests)\n"
	"\n"
	"Options:\n"
	"  --family anp|inet   socket family (default anp)\n"
	"  --bind ADDR:PORT    local address (port 0: any)\n"
	"  --connect ADDR:PORT connect() to it (send: use send(), not sendto())\n"
	"  --to ADDR:PORT      destination of send\n"
	"  --sizes LIST        comma-separated sizes, 0..65507\n"
	"  --repeat N          send each size N times (default 1)\n"
	"  --wait SEC          wait for one echo (default 5; 1 with loss modes)\n"
	"  --deadline SEC      whole run (default 120)\n"
	"  --min-echoed N      --allow-loss: echoes needed (default 1)\n"
	"  --ready FILE        write the bound port to FILE when ready\n"
	"  --count N           serve: stop after N datagrams\n"
	"  --idle SEC          serve: stop after SEC without a datagram\n"
	"  --sink              serve: do not echo\n"
	"  --any-source        send: accept echoes from any address\n"
	"  --quiet             no per-size lines in the summary\n"
	"\n"
	"Exit status: 0 success, 1 failure (see the summary), 2 usage error.\n";

// ---- the pattern ------------------------------------------------------

constexpr std::size_t hdr_len = 16;
constexpr std::size_t max_payload = 65507;

std::uint32_t mix(std::uint32_t size, std::uint32_t seq)
{
	std::uint32_t h = size * 0x9e3779b1u ^ seq * 0x85ebca77u;
	h ^= h >> 15;
	h *= 0xc2b2ae3du;
	return h ^ (h >> 13);
}

std::uint8_t pattern(std::uint32_t seq, std::uint32_t size, std::size_t i)
{
	return static_cast<std::uint8_t>(seq * 31u + i * 7u + (i >> 8) + size);
}

std::uint8_t small_pattern(std::size_t size, std::size_t i)
{
	return static_cast<std::uint8_t>(0xa5u ^ (size * 17u) ^ (i * 29u));
}

void put_be32(std::uint8_t *p, std::uint32_t v)
{
	v = htonl(v);
	std::memcpy(p, &v, 4);
}

std::uint32_t get_be32(const std::uint8_t *p)
{
	std::uint32_t v;
	std::memcpy(&v, p, 4);
	return ntohl(v);
}

std::vector<std::uint8_t> make_datagram(std::size_t size, std::uint32_t seq)
{
	std::vector<std::uint8_t> d(size);
	if (size < hdr_len) {
		for (std::size_t i = 0; i < size; i++)
			d[i] = small_pattern(size, i);
		return d;
	}
	std::memcpy(d.data(), "ANPU", 4);
	put_be32(&d[4], static_cast<std::uint32_t>(size));
	put_be32(&d[8], seq);
	put_be32(&d[12], mix(static_cast<std::uint32_t>(size), seq));
	for (std::size_t i = hdr_len; i < size; i++)
		d[i] = pattern(seq, static_cast<std::uint32_t>(size), i);
	return d;
}

// Is buf[0..len) exactly a datagram make_datagram() could have made?
// *seq gets its sequence number (none for small ones).
bool check_datagram(const std::uint8_t *buf, std::size_t len,
		    std::optional<std::uint32_t> *seq, std::string *why)
{
	seq->reset();
	if (len < hdr_len) {
		for (std::size_t i = 0; i < len; i++) {
			if (buf[i] != small_pattern(len, i)) {
				*why = "byte " + std::to_string(i) +
				       " of a " + std::to_string(len) +
				       "-byte datagram differs";
				return false;
			}
		}
		return true;
	}
	if (std::memcmp(buf, "ANPU", 4) != 0) {
		*why = "no ANPU magic in a " + std::to_string(len) +
		       "-byte datagram";
		return false;
	}
	std::uint32_t size = get_be32(buf + 4), s = get_be32(buf + 8);
	if (size != len) {
		*why = "a " + std::to_string(size) + "-byte datagram arrived as " +
		       std::to_string(len) + " bytes";
		return false;
	}
	if (get_be32(buf + 12) != mix(size, s)) {
		*why = "header check of a " + std::to_string(len) +
		       "-byte datagram differs";
		return false;
	}
	for (std::size_t i = hdr_len; i < len; i++) {
		if (buf[i] != pattern(s, size, i)) {
			*why = "byte " + std::to_string(i) + " of " +
			       std::to_string(len) + "-byte datagram seq " +
			       std::to_string(s) + " differs";
			return false;
		}
	}
	*seq = s;
	return true;
}

// ---- options ----------------------------------------------------------

struct Options {
	std::string mode;
	int family = AF_ANP;
	std::optional<Endpoint> bind, connect, to;
	std::vector<std::size_t> sizes;
	unsigned int repeat = 1;
	std::optional<double> wait;
	double deadline = 120;
	unsigned long min_echoed = 1;
	std::string ready;
	unsigned long count = 0;
	double idle = 0;
	bool sink = false, allow_loss = false, retry = false,
	     no_echo = false, any_source = false, quiet = false;
};

Options parse_args(int argc, char **argv)
{
	Options o;
	if (argc < 2)
		throw UsageError("missing mode (serve, send or hold)");
	o.mode = argv[1];
	if (o.mode != "serve" && o.mode != "send" && o.mode != "hold")
		throw UsageError("unknown mode \"" + o.mode + "\"");

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
		} else if (opt == "--connect") {
			o.connect = parse_endpoint(opt, arg());
		} else if (opt == "--to") {
			o.to = parse_endpoint(opt, arg());
		} else if (opt == "--sizes") {
			std::string list = arg();
			std::size_t pos = 0;
			while (true) {
				auto comma = list.find(',', pos);
				o.sizes.push_back(parse_u64(opt,
					list.substr(pos, comma - pos),
					max_payload));
				if (comma == std::string::npos)
					break;
				pos = comma + 1;
			}
		} else if (opt == "--repeat") {
			o.repeat = static_cast<unsigned int>(
				parse_u64(opt, arg(), 1000000));
		} else if (opt == "--wait") {
			o.wait = parse_secs(opt, arg());
		} else if (opt == "--deadline") {
			o.deadline = parse_secs(opt, arg());
		} else if (opt == "--min-echoed") {
			o.min_echoed = parse_u64(opt, arg(), 1UL << 30);
		} else if (opt == "--ready") {
			o.ready = arg();
		} else if (opt == "--count") {
			o.count = parse_u64(opt, arg(), 1UL << 30);
		} else if (opt == "--idle") {
			o.idle = parse_secs(opt, arg());
		} else if (opt == "--sink") {
			o.sink = true;
		} else if (opt == "--allow-loss") {
			o.allow_loss = true;
		} else if (opt == "--retry") {
			o.retry = true;
		} else if (opt == "--no-echo") {
			o.no_echo = true;
		} else if (opt == "--any-source") {
			o.any_source = true;
		} else if (opt == "--quiet") {
			o.quiet = true;
		} else {
			throw UsageError("unknown option \"" + opt + "\"");
		}
	}

	if (o.mode == "serve" && !o.bind)
		throw UsageError("serve needs --bind ADDR:PORT");
	if (o.mode == "send") {
		if (!o.to && !o.connect)
			throw UsageError("send needs --to or --connect");
		if (o.sizes.empty())
			throw UsageError("send needs --sizes");
		if (o.allow_loss + o.retry + o.no_echo > 1)
			throw UsageError("--allow-loss, --retry and --no-echo "
					 "exclude each other");
	}
	if (!o.wait)
		o.wait = (o.allow_loss || o.retry) ? 1.0 : 5.0;
	return o;
}

// ---- sockets ----------------------------------------------------------

volatile std::sig_atomic_t stop_signal;

void on_signal(int sig)
{
	stop_signal = sig;
}

int open_socket(const Options &o)
{
	int fd = socket(o.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		throw Failure(std::string("socket(") + family_name(o.family) +
			      ", SOCK_DGRAM): " + std::strerror(errno));
	if (o.bind) {
		sockaddr_in sa = make_sockaddr(o.family, *o.bind);
		if (bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof(sa)))
			throw Failure("bind " + ep_str(o.bind->addr,
							     o.bind->port) +
				      ": " + std::strerror(errno));
	}
	if (o.connect) {
		sockaddr_in sa = make_sockaddr(o.family, *o.connect);
		if (connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof(sa)))
			throw Failure("connect " +
				      ep_str(o.connect->addr,
						   o.connect->port) +
				      ": " + std::strerror(errno));
	}
	// Room for a few 64 KiB datagrams either way.
	int buf = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return fd;
}

Endpoint local_endpoint(int fd)
{
	sockaddr_in sa{};
	socklen_t len = sizeof(sa);
	if (getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len))
		throw Failure(std::string("getsockname: ") +
			      std::strerror(errno));
	return {sa.sin_addr.s_addr, ntohs(sa.sin_port)};
}

// Writes "ADDR:PORT\n" of the bound socket to file, atomically.
void write_ready(const std::string &file, int fd)
{
	if (file.empty())
		return;
	Endpoint e = local_endpoint(fd);
	std::string tmp = file + ".tmp";
	FILE *f = std::fopen(tmp.c_str(), "w");
	if (!f)
		throw Failure("cannot write " + tmp + ": " +
			      std::strerror(errno));
	std::fprintf(f, "%s\n", ep_str(e.addr, e.port).c_str());
	if (std::fclose(f) || std::rename(tmp.c_str(), file.c_str()))
		throw Failure("cannot write " + file + ": " +
			      std::strerror(errno));
}

using Clock = std::chrono::steady_clock;

int ms_until(Clock::time_point t)
{
	auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
		t - Clock::now()).count();
	return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000000));
}

Clock::time_point after(double secs)
{
	return Clock::now() + std::chrono::microseconds(
		static_cast<long long>(secs * 1e6));
}

struct Received {
	std::size_t len;		// the datagram's real length
	bool truncated;
	Endpoint from;
};

// Waits until deadline for one datagram; false on timeout or signal.
bool receive(int fd, std::vector<std::uint8_t> &buf, Received *r,
	     Clock::time_point deadline, bool forever)
{
	while (!stop_signal) {
		pollfd p{fd, POLLIN, 0};
		int n = poll(&p, 1, forever ? 1000 : ms_until(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw Failure(std::string("poll: ") + std::strerror(errno));
		if (n == 0) {
			if (forever)
				continue;
			return false;
		}
		sockaddr_in sa{};
		iovec iov{buf.data(), buf.size()};
		msghdr mh{};
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		ssize_t got = recvmsg(fd, &mh, MSG_TRUNC | MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			// An ICMP error reported on a connected socket.
			std::fprintf(stderr, "anp-udp: recvmsg: %s\n",
				     std::strerror(errno));
			if (errno == ECONNREFUSED)
				continue;
			throw Failure(std::string("recvmsg: ") +
				      std::strerror(errno));
		}
		r->len = static_cast<std::size_t>(got);
		r->truncated = (mh.msg_flags & MSG_TRUNC) ||
			       r->len > buf.size();
		r->from = {sa.sin_addr.s_addr, ntohs(sa.sin_port)};
		return true;
	}
	return false;
}

// ---- serve ------------------------------------------------------------

int run_serve(const Options &o)
{
	int fd = open_socket(o);
	write_ready(o.ready, fd);
	std::vector<std::uint8_t> buf(max_payload + 1 + 1024);
	unsigned long received = 0, corrupt = 0, echoed = 0, echo_errors = 0;
	unsigned long long bytes = 0;
	std::map<std::size_t, unsigned long> by_size;

	while (!o.count || received < o.count) {
		Received r;
		if (!receive(fd, buf, &r, after(o.idle), o.idle == 0))
			break;
		received++;
		bytes += r.len;
		by_size[r.len]++;
		std::optional<std::uint32_t> seq;
		std::string why;
		if (r.truncated) {
			corrupt++;
			std::fprintf(stderr, "anp-udp: CORRUPT: %zu-byte datagram "
				     "from %s truncated\n", r.len,
				     ep_str(r.from.addr, r.from.port).c_str());
			continue;
		}
		if (!check_datagram(buf.data(), r.len, &seq, &why)) {
			corrupt++;
			std::fprintf(stderr, "anp-udp: CORRUPT from %s: %s\n",
				     ep_str(r.from.addr, r.from.port).c_str(),
				     why.c_str());
			continue;
		}
		if (o.sink)
			continue;
		sockaddr_in sa = make_sockaddr(o.family, r.from);
		ssize_t n = o.connect ? send(fd, buf.data(), r.len, 0) :
			    sendto(fd, buf.data(), r.len, 0,
				   reinterpret_cast<sockaddr *>(&sa), sizeof(sa));
		if (n == static_cast<ssize_t>(r.len)) {
			echoed++;
		} else {
			echo_errors++;
			std::fprintf(stderr, "anp-udp: echo of %zu bytes to %s: %s\n",
				     r.len, ep_str(r.from.addr, r.from.port).c_str(),
				     n < 0 ? std::strerror(errno) : "short send");
		}
	}
	close(fd);

	std::printf("serve: %s received %lu datagrams (%llu bytes), corrupt %lu, "
		    "echoed %lu, echo errors %lu\n", family_name(o.family),
		    received, bytes, corrupt, echoed, echo_errors);
	if (!o.quiet)
		for (const auto &[size, n] : by_size)
			std::printf("serve: size %zu: %lu\n", size, n);
	std::fflush(stdout);
	return corrupt ? 1 : 0;
}

// ---- send -------------------------------------------------------------

struct SizeStats {
	unsigned long sent = 0, echoed = 0;
};

int run_send(const Options &o)
{
	int fd = open_socket(o);
	Endpoint peer = o.to ? *o.to : *o.connect;
	sockaddr_in dst = make_sockaddr(o.family, peer);
	std::vector<std::uint8_t> buf(max_payload + 1 + 1024);
	auto deadline = after(o.deadline);
	unsigned long sent = 0, echoed = 0, lost = 0, corrupt = 0,
		      unexpected = 0, dups = 0, send_errors = 0;
	std::map<std::size_t, SizeStats> stats;
	std::uint32_t seq = 0;
	bool out_of_time = false;

	for (unsigned int rep = 0; rep < o.repeat && !out_of_time; rep++) {
		for (std::size_t size : o.sizes) {
			bool done = false;
			while (!done) {
				if (stop_signal || Clock::now() >= deadline) {
					out_of_time = true;
					break;
				}
				seq++;
				std::vector<std::uint8_t> d = make_datagram(size, seq);
				ssize_t n = o.connect && !o.to ?
					send(fd, d.data(), d.size(), 0) :
					sendto(fd, d.data(), d.size(), 0,
					       reinterpret_cast<sockaddr *>(&dst),
					       sizeof(dst));
				if (n != static_cast<ssize_t>(d.size())) {
					send_errors++;
					std::fprintf(stderr, "anp-udp: send %zu bytes "
						     "to %s: %s\n", size,
						     ep_str(peer.addr, peer.port).c_str(),
						     n < 0 ? std::strerror(errno) : "short send");
					if (!o.retry && !o.allow_loss)
						goto out;
					if (!o.retry)
						break;
					continue;
				}
				sent++;
				stats[size].sent++;
				if (o.no_echo)
					break;

				// Wait for this datagram's echo; anything
				// else that arrives is checked and counted.
				auto until = std::min(after(*o.wait), deadline);
				Received r;
				while (receive(fd, buf, &r, until, false)) {
					std::optional<std::uint32_t> s;
					std::string why;
					if (r.truncated) {
						corrupt++;
						std::fprintf(stderr, "anp-udp: CORRUPT: "
							     "%zu-byte echo truncated\n", r.len);
						continue;
					}
					if (!check_datagram(buf.data(), r.len, &s, &why)) {
						corrupt++;
						std::fprintf(stderr, "anp-udp: CORRUPT echo: %s\n",
							     why.c_str());
						continue;
					}
					if (!o.any_source &&
					    (r.from.addr != peer.addr ||
					     r.from.port != peer.port)) {
						unexpected++;
						std::fprintf(stderr, "anp-udp: datagram from "
							     "%s, not %s\n",
							     ep_str(r.from.addr, r.from.port).c_str(),
							     ep_str(peer.addr, peer.port).c_str());
						continue;
					}
					bool mine = r.len == size &&
						    (size < hdr_len ? true : *s == seq);
					if (mine) {
						echoed++;
						stats[size].echoed++;
						done = true;
						break;
					}
					// An intact datagram sent before (a
					// duplicate, or a late echo).
					if (s && *s > seq) {
						unexpected++;
						std::fprintf(stderr, "anp-udp: echo of seq %u "
							     "never sent\n", *s);
					} else {
						dups++;
					}
				}
				if (done)
					break;
				if (stop_signal)
					continue;
				lost++;
				if (!o.retry && !o.allow_loss) {
					std::fprintf(stderr, "anp-udp: no echo of the "
						     "%zu-byte datagram seq %u within "
						     "%g s\n", size, seq, *o.wait);
					goto out;
				}
				if (!o.retry)
					break;
			}
			if (out_of_time)
				break;
		}
	}
out:
	close(fd);

	bool ok = corrupt == 0;
	std::string verdict;
	if (o.no_echo) {
		ok = ok && send_errors == 0 && !out_of_time;
	} else if (o.allow_loss) {
		ok = ok && echoed >= o.min_echoed && unexpected == 0;
	} else if (o.retry) {
		for (std::size_t size : o.sizes)
			ok = ok && stats[size].echoed >= o.repeat;
		ok = ok && unexpected == 0;
	} else {
		ok = ok && lost == 0 && unexpected == 0 && dups == 0 &&
		     send_errors == 0 && !out_of_time &&
		     echoed == o.sizes.size() * o.repeat;
	}
	if (out_of_time && !stop_signal)
		std::fprintf(stderr, "anp-udp: deadline of %g s reached\n",
			     o.deadline);

	std::printf("send: %s to %s: sent %lu, echoed %lu, lost %lu, corrupt %lu, "
		    "duplicates %lu, unexpected %lu, send errors %lu: %s\n",
		    family_name(o.family),
		    ep_str(peer.addr, peer.port).c_str(), sent, echoed,
		    lost, corrupt, dups, unexpected, send_errors,
		    ok ? "OK" : "FAILED");
	if (!o.quiet)
		for (const auto &[size, st] : stats)
			std::printf("send: size %zu: sent %lu, echoed %lu\n",
				    size, st.sent, st.echoed);
	std::fflush(stdout);
	return ok ? 0 : 1;
}

// ---- hold -------------------------------------------------------------

int run_hold(const Options &o)
{
	int fd = open_socket(o);
	write_ready(o.ready, fd);
	while (!stop_signal)
		pause();
	close(fd);
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc >= 2 && (!std::strcmp(argv[1], "-h") ||
			  !std::strcmp(argv[1], "--help") ||
			  !std::strcmp(argv[1], "help"))) {
		std::fputs(usage_text, stdout);
		return 0;
	}
	try {
		Options o = parse_args(argc, argv);
		struct sigaction sa {};
		sa.sa_handler = on_signal;
		sigaction(SIGTERM, &sa, nullptr);
		sigaction(SIGINT, &sa, nullptr);
		std::signal(SIGPIPE, SIG_IGN);
		if (o.mode == "serve")
			return run_serve(o);
		if (o.mode == "send")
			return run_send(o);
		return run_hold(o);
	} catch (const UsageError &e) {
		std::fprintf(stderr, "anp-udp: %s (try \"anp-udp --help\")\n",
			     e.what());
		return 2;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "anp-udp: %s\n", e.what());
		return 1;
	}
}
