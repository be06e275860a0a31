// SPDX-License-Identifier: GPL-2.0
// anp-bench: the measurements.
//
// Each measurement forks one child per side: the server (bind, listen,
// accept) and the client (connect), each first entering its network
// namespace.  Both run the same code for every family: only the socket's
// domain and the sockaddr differ (sockaddr_in with sin_family AF_INET or
// AF_ANP; sockaddr_un, abstract, for AF_UNIX).  Results come back through
// a shared anonymous mapping; the parent only orchestrates and enforces a
// deadline (a stuck side is killed, the row shows n/a).
//
// Throughput: the client writes write_size bytes per write() for
// warmup_seconds + seconds, then shuts down writing.  The receiver
// measures: from its first byte it discards warmup_seconds, then counts
// bytes until EOF (so data still buffered when the writer stops is
// counted, with the time it takes to arrive).  The client's and the
// server's byte totals must agree, else the row is n/a.
//
// Latency: the client writes one byte and reads its echo, warmup_rounds
// times unmeasured, then `rounds` times measured with CLOCK_MONOTONIC
// around each write+read.  Each echo must be the byte sent.
#include "bench.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <string>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/anp.h>

namespace bench {

const char *family_name(Family f)
{
	switch (f) {
	case Family::anp: return "anp";
	case Family::inet: return "inet";
	case Family::unix_stream: return "unix";
	}
	return "?";
}

const char *family_macro(Family f)
{
	switch (f) {
	case Family::anp: return "AF_ANP";
	case Family::inet: return "AF_INET";
	case Family::unix_stream: return "AF_UNIX";
	}
	return "?";
}

const std::vector<std::pair<std::string, double>> percentiles = {
	{ "min", 0 }, { "p1", 1 }, { "p10", 10 }, { "p25", 25 },
	{ "p50", 50 }, { "p75", 75 }, { "p90", 90 }, { "p99", 99 },
	{ "p99.9", 99.9 }, { "p99.99", 99.99 }, { "max", 100 },
};

uint64_t percentile(const std::vector<uint64_t> &sorted, double p)
{
	if (sorted.empty())
		return 0;
	// Nearest rank: the smallest sample with at least p% of the
	// samples at or below it.
	size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
	if (rank < 1)
		rank = 1;
	if (rank > sorted.size())
		rank = sorted.size();
	return sorted[rank - 1];
}

namespace {

constexpr size_t max_intervals = 4096;
constexpr size_t msg_len = 256;

// Lives in a MAP_SHARED mapping: written by the children, read by the
// parent after both exited.
struct Shared {
	char server_err[msg_len];	// "what: ENAME" of the failed call
	char server_detail[msg_len];
	char client_err[msg_len];
	char client_detail[msg_len];
	char server_note[msg_len];	// non-fatal (TCP_NODELAY refused)
	char client_note[msg_len];
	// throughput, written by the receiver (server)
	uint64_t rx_total;
	uint64_t rx_measured;
	int64_t rx_measured_ns;
	uint64_t interval_bytes[max_intervals];
	int64_t interval_ns[max_intervals];
	uint64_t nintervals;
	// throughput, written by the sender (client)
	uint64_t tx_total;
	// latency, written by the client
	uint64_t rounds_done;
	int64_t measure_ns;
	uint32_t truncated;
	// Bumped by each side at every call that moved data (the parent
	// kills a pair whose counters stood still for stall_limit); one
	// cache line each, so that they cost the measurement nothing.
	alignas(64) uint64_t client_progress;
	alignas(64) uint64_t server_progress;
	alignas(64) uint64_t samples[];	// Params::rounds of them
};

void bump(uint64_t &counter)
{
	std::atomic_ref<uint64_t>(counter).store(counter + 1,
						 std::memory_order_relaxed);
}

int64_t now_ns()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void put(char *dst, const std::string &s)
{
	snprintf(dst, msg_len, "%s", s.c_str());
}

std::string errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "errno " + std::to_string(e);
}

// A failed call: `what: ENAME` for the table, with strerror in the JSON.
struct SysError {
	std::string what;
	int err;
	std::string short_text() const { return what + ": " + errname(err); }
	std::string long_text() const
	{
		return what + ": " + errname(err) + " (" + strerror(err) + ")";
	}
};

// Another kind of failure (short echo, byte counts that disagree).
struct Mismatch {
	std::string text;
};

[[noreturn]] void sys_fail(const std::string &what)
{
	throw SysError{ what, errno };
}

int domain_of(Family f)
{
	switch (f) {
	case Family::anp: return AF_ANP;
	case Family::inet: return AF_INET;
	case Family::unix_stream: return AF_UNIX;
	}
	return AF_UNSPEC;
}

struct Sockaddr {
	sockaddr_storage ss{};
	socklen_t len = 0;
	const sockaddr *sa() const { return reinterpret_cast<const sockaddr *>(&ss); }
};

// The only place where the families differ.
Sockaddr make_addr(Family f, const std::string &addr, uint16_t port)
{
	Sockaddr a;

	if (f == Family::unix_stream) {
		auto *un = reinterpret_cast<sockaddr_un *>(&a.ss);

		un->sun_family = AF_UNIX;
		// Abstract name: sun_path[0] = 0, no file to clean up.
		size_t n = std::min(addr.size(), sizeof(un->sun_path) - 1);
		memcpy(un->sun_path + 1, addr.data(), n);
		a.len = offsetof(sockaddr_un, sun_path) + 1 + n;
		return a;
	}
	auto *in = reinterpret_cast<sockaddr_in *>(&a.ss);

	in->sin_family = domain_of(f);
	in->sin_port = htons(port);
	if (inet_pton(AF_INET, addr.c_str(), &in->sin_addr) != 1)
		throw Mismatch{ "bad IPv4 address " + addr };
	a.len = sizeof(*in);
	return a;
}

void enter_netns(const std::string &ns)
{
	if (ns.empty())
		return;
	std::string path = "/run/netns/" + ns;
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		sys_fail("open " + path);
	if (setns(fd, CLONE_NEWNET))
		sys_fail("setns " + ns);
	close(fd);
}

// Every blocking call on the socket (connect, accept, read, write) gives
// up after io_timeout, so a stalled transfer ends as a failure.
void set_timeouts(int fd, const Params &p)
{
	struct timeval tv;

	tv.tv_sec = static_cast<time_t>(p.io_timeout);
	tv.tv_usec = static_cast<suseconds_t>((p.io_timeout - tv.tv_sec) * 1e6);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		sys_fail("setsockopt SO_RCVTIMEO");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		sys_fail("setsockopt SO_SNDTIMEO");
}

// Socket options every connected socket gets, whatever its family.
// TCP_NODELAY is for the stream protocols on IPv4 (AF_INET and AF_ANP
// alike); its failure is noted, not fatal.
void set_common(int fd, Family f, const Params &p, char *note)
{
	int one = 1;

	set_timeouts(fd, p);
	if (f != Family::unix_stream && p.nodelay &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		put(note, "setsockopt TCP_NODELAY: " + errname(errno) +
			  " (left on: Nagle)");
}

enum class Mode { throughput, latency };

// Throughput on the configuration's port, latency on the next one: the
// second listener never depends on SO_REUSEADDR or on how the first
// connection's close went.
uint16_t port_of(const Config &c, Mode mode)
{
	return mode == Mode::throughput ? c.port : c.port + 1;
}

// write() all of buf, or throw.
void write_all(int fd, const char *buf, size_t n, const char *what)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			sys_fail(what);
		buf += w;
		n -= w;
	}
}

void receive_stream(int fd, const Params &p, Shared *sh)
{
	std::vector<char> buf(std::max<size_t>(p.write_size, 1));
	int64_t warm_ns = static_cast<int64_t>(p.warmup_seconds * 1e9);
	int64_t first = 0, start = 0, istart = 0, last = 0;
	uint64_t ibytes = 0;

	for (;;) {
		ssize_t r = read(fd, buf.data(), buf.size());

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			sys_fail("read");
		int64_t t = now_ns();

		if (r == 0) {
			last = t;
			break;
		}
		bump(sh->server_progress);
		sh->rx_total += r;
		if (!first)
			first = t;
		if (!start) {
			if (t - first < warm_ns)
				continue;
			// This read ends the warm-up: its bytes are not
			// counted, the window starts now.
			start = istart = t;
			continue;
		}
		sh->rx_measured += r;
		ibytes += r;
		if (t - istart >= 1000000000 && sh->nintervals < max_intervals) {
			sh->interval_bytes[sh->nintervals] = ibytes;
			sh->interval_ns[sh->nintervals] = t - istart;
			sh->nintervals++;
			ibytes = 0;
			istart = t;
		}
	}
	if (start)
		sh->rx_measured_ns = last - start;
}

void echo_bytes(int fd, Shared *sh)
{
	char b;

	for (;;) {
		ssize_t r = read(fd, &b, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			sys_fail("read");
		if (r == 0)
			return;
		write_all(fd, &b, 1, "write");
		bump(sh->server_progress);
	}
}

void server(const Config &c, const Params &p, Mode mode, Shared *sh,
	    int ready)
{
	enter_netns(c.server_ns);
	Sockaddr a = make_addr(c.server, c.addr, port_of(c, mode));
	int one = 1;
	int lfd = socket(domain_of(c.server), SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (lfd < 0)
		sys_fail("socket");
	if (c.server != Family::unix_stream &&
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		sys_fail("setsockopt SO_REUSEADDR");
	if (bind(lfd, a.sa(), a.len))
		sys_fail("bind");
	if (listen(lfd, 1))
		sys_fail("listen");
	set_timeouts(lfd, p);
	if (write(ready, "R", 1) != 1)
		sys_fail("write ready pipe");
	close(ready);
	int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);

	if (fd < 0)
		sys_fail("accept");
	bump(sh->server_progress);
	close(lfd);
	set_common(fd, c.server, p, sh->server_note);
	if (mode == Mode::throughput)
		receive_stream(fd, p, sh);
	else
		echo_bytes(fd, sh);
	close(fd);
}

void send_stream(int fd, const Params &p, Shared *sh)
{
	std::vector<char> buf(p.write_size);
	int64_t end = now_ns() +
		      static_cast<int64_t>((p.warmup_seconds + p.seconds) * 1e9);

	for (size_t i = 0; i < buf.size(); i++)
		buf[i] = static_cast<char>(0xAA + i);
	while (now_ns() < end) {
		ssize_t w = write(fd, buf.data(), buf.size());

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			sys_fail("write");
		sh->tx_total += w;
		bump(sh->client_progress);
	}
	if (shutdown(fd, SHUT_WR))
		sys_fail("shutdown");
	// Wait for the server's close, so that ours cannot reset a
	// connection whose data is still in flight.
	char b;
	ssize_t r;

	while ((r = read(fd, &b, 1)) < 0 && errno == EINTR)
		;
	if (r < 0)
		sys_fail("read (waiting for the receiver's close)");
}

void ping_pong(int fd, const Params &p, Shared *sh)
{
	int64_t cap = static_cast<int64_t>(p.latency_cap * 1e9);
	int64_t start = 0, t0 = 0;

	for (uint64_t i = 0; i < p.warmup_rounds + p.rounds; i++) {
		char b = static_cast<char>(i), e;
		ssize_t r;

		if (i == p.warmup_rounds) {
			start = now_ns();
			t0 = start;
		}
		write_all(fd, &b, 1, "write");
		while ((r = read(fd, &e, 1)) < 0 && errno == EINTR)
			;
		if (r < 0)
			sys_fail("read");
		if (r == 0)
			throw Mismatch{ "read: EOF before the echo" };
		if (e != b)
			throw Mismatch{ "echo: wrong byte" };
		bump(sh->client_progress);
		if (i < p.warmup_rounds)
			continue;
		// One clock read per round: this round's end is the next
		// one's start.
		int64_t t1 = now_ns();

		sh->samples[sh->rounds_done++] = t1 - t0;
		t0 = t1;
		if (t1 - start >= cap) {
			sh->truncated = sh->rounds_done < p.rounds;
			break;
		}
	}
	sh->measure_ns = t0 - start;
	if (shutdown(fd, SHUT_WR))
		sys_fail("shutdown");
}

void client(const Config &c, const Params &p, Mode mode, Shared *sh)
{
	enter_netns(c.client_ns);
	Sockaddr a = make_addr(c.client, c.addr, port_of(c, mode));
	int fd = socket(domain_of(c.client), SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		sys_fail("socket");
	// SO_SNDTIMEO bounds connect() too.
	set_common(fd, c.client, p, sh->client_note);
	while (connect(fd, a.sa(), a.len)) {
		if (errno != EINTR)
			sys_fail("connect");
	}
	bump(sh->client_progress);
	if (mode == Mode::throughput)
		send_stream(fd, p, sh);
	else
		ping_pong(fd, p, sh);
	close(fd);
}

// Runs fn in a child; a failure is written to err/detail and makes the
// child exit 1.
template <typename Fn>
pid_t spawn(Fn fn, char *err, char *detail)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_IGN);
	int rc = 0;

	try {
		fn();
	} catch (const SysError &e) {
		put(err, e.short_text());
		put(detail, e.long_text());
		rc = 1;
	} catch (const Mismatch &e) {
		put(err, e.text);
		put(detail, e.text);
		rc = 1;
	}
	_exit(rc);
}

std::string fmt_secs(double s)
{
	char b[32];

	snprintf(b, sizeof(b), "%g s", s);
	return b;
}

int pidfd_open(pid_t pid)
{
	return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

// Waits for the children.  Kills them all when they made no progress
// (Shared's counters) for stall_ns, or at `deadline` (CLOCK_MONOTONIC ns).
// Returns "" when they exited by themselves, else why they were killed.
std::string reap(std::vector<pid_t> pids, const Shared *sh, int64_t stall_ns,
		 int64_t deadline)
{
	auto progress = [sh] {
		return std::atomic_ref<const uint64_t>(sh->client_progress)
			       .load(std::memory_order_relaxed) +
		       std::atomic_ref<const uint64_t>(sh->server_progress)
			       .load(std::memory_order_relaxed);
	};
	uint64_t seen = progress();
	int64_t moved = now_ns();

	while (!pids.empty()) {
		std::vector<pollfd> fds;
		std::vector<pid_t> running;
		std::string why;

		for (pid_t pid : pids)
			fds.push_back({ pidfd_open(pid), POLLIN, 0 });
		// Wake once a second to look at the progress counters.
		poll(fds.data(), fds.size(), 1000);
		for (size_t i = 0; i < pids.size(); i++) {
			if (fds[i].fd < 0 || (fds[i].revents & POLLIN))
				waitpid(pids[i], nullptr, 0);
			else
				running.push_back(pids[i]);
			if (fds[i].fd >= 0)
				close(fds[i].fd);
		}
		int64_t t = now_ns();

		if (progress() != seen) {
			seen = progress();
			moved = t;
		}
		if (t - moved >= stall_ns)
			why = "stalled: no progress for " +
			      std::to_string((t - moved) / 1000000000) + " s";
		else if (t >= deadline)
			why = "timeout: still running at the deadline";
		if (!running.empty() && !why.empty()) {
			for (pid_t pid : running) {
				kill(pid, SIGKILL);
				waitpid(pid, nullptr, 0);
			}
			return why;
		}
		pids = running;
	}
	return "";
}

struct Run {
	Shared *sh = nullptr;
	size_t size = 0;
	bool ok = false;
	std::string reason, detail;
	std::vector<std::string> notes;

	~Run()
	{
		if (sh)
			munmap(sh, size);
	}
};

// Both sides of one measurement; fills run.reason when it failed.
void run_pair(const Config &c, const Params &p, Mode mode, double budget,
	      Run &run)
{
	run.size = sizeof(Shared) +
		   (mode == Mode::latency ? p.rounds * sizeof(uint64_t) : 0);
	void *m = mmap(nullptr, run.size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		run.reason = "mmap: " + errname(errno);
		run.detail = run.reason;
		return;
	}
	run.sh = static_cast<Shared *>(m);
	Shared *sh = run.sh;
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC)) {
		run.reason = "pipe: " + errname(errno);
		run.detail = run.reason;
		return;
	}
	fflush(nullptr);
	pid_t spid = spawn([&] {
		close(pfd[0]);
		server(c, p, mode, sh, pfd[1]);
	}, sh->server_err, sh->server_detail);
	close(pfd[1]);

	// The server listens (or has failed) before the client connects.
	pollfd rp = { pfd[0], POLLIN, 0 };
	char r = 0;

	if (poll(&rp, 1, static_cast<int>(p.io_timeout * 1000)) != 1 ||
	    read(pfd[0], &r, 1) != 1)
		r = 0;
	close(pfd[0]);
	if (r != 'R') {
		std::string killed = reap({ spid }, sh, 5000000000LL,
					  now_ns() + 5000000000LL);

		run.reason = sh->server_err[0] ? sh->server_err :
			     killed.empty() ? "exited before listening" :
			     "not listening within " + fmt_secs(p.io_timeout);
		run.detail = sh->server_detail[0] ? sh->server_detail : run.reason;
		run.reason = "server " + run.reason;
		run.detail = "server " + run.detail;
		return;
	}
	pid_t cpid = spawn([&] { client(c, p, mode, sh); },
			   sh->client_err, sh->client_detail);
	int64_t stall = static_cast<int64_t>((p.io_timeout + 5) * 1e9);
	std::string killed = reap({ spid, cpid }, sh, stall,
				  now_ns() + static_cast<int64_t>(budget * 1e9));

	if (sh->server_note[0])
		run.notes.push_back(std::string("server: ") + sh->server_note);
	if (sh->client_note[0] && strcmp(sh->client_note, sh->server_note))
		run.notes.push_back(std::string("client: ") + sh->client_note);
	// The client's own error first; a kill before the server's,
	// which may only be the consequence of the kill.
	if (sh->client_err[0]) {
		run.reason = std::string("client ") + sh->client_err;
		run.detail = std::string("client ") + sh->client_detail;
	} else if (!killed.empty()) {
		run.reason = run.detail = killed + ", killed";
		if (sh->server_err[0])
			run.detail += std::string("; server ") + sh->server_detail;
	} else if (sh->server_err[0]) {
		run.reason = std::string("server ") + sh->server_err;
		run.detail = std::string("server ") + sh->server_detail;
	} else {
		run.ok = true;
	}
}

} // namespace

ThroughputResult measure_throughput(const Config &c, const Params &p)
{
	ThroughputResult res;
	Run run;

	run_pair(c, p, Mode::throughput,
		 p.warmup_seconds + p.seconds + 3 * p.io_timeout, run);
	res.notes = run.notes;
	if (run.sh) {
		res.tx_total = run.sh->tx_total;
		res.rx_total = run.sh->rx_total;
	}
	if (!run.ok) {
		res.reason = run.reason;
		res.detail = run.detail;
		return res;
	}
	const Shared *sh = run.sh;

	if (sh->tx_total != sh->rx_total) {
		res.reason = "byte count mismatch";
		res.detail = "sent " + std::to_string(sh->tx_total) +
			     " bytes, received " + std::to_string(sh->rx_total);
		return res;
	}
	if (!sh->rx_measured_ns) {
		res.reason = "no data after the warm-up";
		res.detail = res.reason;
		return res;
	}
	res.ok = true;
	res.bytes = sh->rx_measured;
	res.secs = sh->rx_measured_ns / 1e9;
	for (uint64_t i = 0; i < sh->nintervals; i++)
		res.intervals_bps.push_back(sh->interval_bytes[i] * 8.0 * 1e9 /
					    sh->interval_ns[i]);
	return res;
}

LatencyResult measure_latency(const Config &c, const Params &p)
{
	LatencyResult res;
	Run run;

	// Warm-up rounds get at most one io_timeout each in theory; the
	// budget allows a slow warm-up of the same length as the cap.
	run_pair(c, p, Mode::latency, 2 * p.latency_cap + 3 * p.io_timeout,
		 run);
	res.notes = run.notes;
	if (!run.ok) {
		res.reason = run.reason;
		res.detail = run.detail;
		return res;
	}
	const Shared *sh = run.sh;

	if (!sh->rounds_done) {
		res.reason = "no round trip measured";
		res.detail = res.reason;
		return res;
	}
	res.ok = true;
	res.samples_ns.assign(sh->samples, sh->samples + sh->rounds_done);
	res.truncated = sh->truncated;
	res.measure_secs = sh->measure_ns / 1e9;
	return res;
}

} // namespace bench
