// SPDX-License-Identifier: GPL-2.0
// anp-bench: stream throughput and request/response latency of AF_ANP
// next to Linux's own AF_INET and AF_UNIX, in one run.  See usage_text,
// measure.cpp (how it measures) and scripts/bench.sh (`make bench`).
#include "bench.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace {

using namespace bench;

constexpr const char *usage_text =
	"Usage: anp-bench [OPTIONS] [--config SPEC]...\n"
	"\n"
	"Measures, for every configuration, stream throughput (one flow,\n"
	"fixed-size writes, measured at the receiver after a warm-up) and\n"
	"request/response latency (1-byte ping-pong, percentiles of the round\n"
	"trips after a warm-up).  Prints a table with each figure and its ratio\n"
	"to the baseline configuration; --out DIR also gets anp-bench.json (every\n"
	"number, every percentile, every round-trip sample), table.txt, and\n"
	"rtt-cdf.png (gnuplot; rtt-cdf.gp and rtt-NAME.dat beside it).\n"
	"\n"
	"A configuration that cannot run shows as n/a (the failing call and its\n"
	"errno).  Exit status: 0 when every configuration without AF_ANP (Linux's\n"
	"own stack) was measured, 1 otherwise, 2 on a usage error.  Numbers never\n"
	"fail a run.\n"
	"\n"
	"SPEC is KEY=VALUE,...:\n"
	"  name=NAME             short name (JSON, file names); required\n"
	"  label=TEXT            the table's row label (no commas)\n"
	"  family=F              client and server family: anp, inet or unix\n"
	"  client=F, server=F    the client's (connects) and server's (listens)\n"
	"  addr=A                IPv4 address (anp, inet) or abstract name (unix)\n"
	"  port=N                TCP port (anp, inet) of the throughput run;\n"
	"                        latency pass k (0, 1, ...) uses N+1+k\n"
	"  ns=NS                 both sides in network namespace /run/netns/NS\n"
	"  client-ns=NS, server-ns=NS\n"
	"  required=0|1          default: 1 unless a side is AF_ANP\n"
	"Without --config: AF_INET over lo (127.0.0.1:5201) and AF_UNIX.\n"
	"\n"
	"Options (default: the environment variable in brackets, else the value):\n"
	"  --seconds S           throughput: measured seconds [ANP_BENCH_SECONDS] (10)\n"
	"  --warmup-seconds S    throughput: warm-up [ANP_BENCH_WARMUP_SECONDS] (1)\n"
	"  --write-size N        throughput: bytes per write [ANP_BENCH_WRITE_SIZE] (65536)\n"
	"  --rounds N            latency: round trips [ANP_BENCH_ROUNDS] (100000)\n"
	"  --warmup-rounds N     latency: warm-up [ANP_BENCH_WARMUP_ROUNDS] (1000)\n"
	"  --passes N            latency: in N passes, configurations taking\n"
	"                        turns in each [ANP_BENCH_PASSES] (5)\n"
	"  --latency-cap S       latency: stop measuring after S s in all (S/N\n"
	"                        per pass), keeping the round trips done\n"
	"                        [ANP_BENCH_LATENCY_CAP] (300)\n"
	"  --io-timeout S        one blocking call's limit [ANP_BENCH_IO_TIMEOUT] (20)\n"
	"  --no-nodelay          leave Nagle on (default: TCP_NODELAY on AF_INET, AF_ANP)\n"
	"  --baseline NAME       the ratios' reference (default inet-lo, else the first)\n"
	"  --out DIR             write the JSON, table and plot there\n"
	"  --meta KEY=VALUE      recorded in the JSON's machine object (and the\n"
	"                        header: host_cpu, host_cpus, host_loadavg,\n"
	"                        vm_accel, vm_smp, vm_mem_mb, vm_kernel, git)\n";

struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

double to_double(const std::string &s, const char *what)
{
	char *end;
	double v = strtod(s.c_str(), &end);

	if (s.empty() || *end || !(v >= 0))
		throw UsageError(std::string("bad ") + what + ": " + s);
	return v;
}

uint64_t to_u64(const std::string &s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s.c_str(), &end, 10);

	if (s.empty() || *end || s[0] == '-')
		throw UsageError(std::string("bad ") + what + ": " + s);
	return v;
}

Family to_family(const std::string &s)
{
	if (s == "anp")
		return Family::anp;
	if (s == "inet")
		return Family::inet;
	if (s == "unix")
		return Family::unix_stream;
	throw UsageError("bad family (anp, inet or unix): " + s);
}

Config parse_config(const std::string &spec)
{
	Config c;
	int required = -1;
	size_t pos = 0;

	while (pos <= spec.size()) {
		size_t comma = spec.find(',', pos);

		if (comma == std::string::npos)
			comma = spec.size();
		std::string kv = spec.substr(pos, comma - pos);

		pos = comma + 1;
		if (kv.empty())
			continue;
		size_t eq = kv.find('=');

		if (eq == std::string::npos)
			throw UsageError("--config: no '=' in " + kv);
		std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);

		if (k == "name")
			c.name = v;
		else if (k == "label")
			c.label = v;
		else if (k == "family")
			c.client = c.server = to_family(v);
		else if (k == "client")
			c.client = to_family(v);
		else if (k == "server")
			c.server = to_family(v);
		else if (k == "addr")
			c.addr = v;
		else if (k == "port")
			c.port = static_cast<uint16_t>(to_u64(v, "port"));
		else if (k == "ns")
			c.client_ns = c.server_ns = v;
		else if (k == "client-ns")
			c.client_ns = v;
		else if (k == "server-ns")
			c.server_ns = v;
		else if (k == "required")
			required = v == "1";
		else
			throw UsageError("--config: unknown key " + k);
	}
	if (c.name.empty() || c.name.find('/') != std::string::npos)
		throw UsageError("--config: a name (no '/') is required: " + spec);
	if ((c.client == Family::unix_stream) != (c.server == Family::unix_stream))
		throw UsageError("--config " + c.name + ": unix pairs only with unix");
	if (c.addr.empty())
		throw UsageError("--config " + c.name + ": addr= is required");
	if (c.client != Family::unix_stream && (!c.port || c.port == 65535))
		throw UsageError("--config " + c.name + ": port= (1..65534) is required");
	c.required = required >= 0 ? required :
		     c.client != Family::anp && c.server != Family::anp;
	return c;
}

// The round trips of every configuration in p.passes passes over fresh
// connections, the configurations taking turns within each pass: a
// change in the machine's load during the run (other VMs on the host)
// then weighs on every configuration alike.  Pass k uses port + 1 + k
// (abstract name NAME-k for AF_UNIX); a failed pass makes the row n/a.
void measure_latency_passes(std::vector<Row> &rows, const Params &p)
{
	uint64_t passes = std::min<uint64_t>(p.passes, p.rounds);

	for (uint64_t k = 0; k < passes; k++) {
		Params q = p;

		q.rounds = p.rounds / passes + (k < p.rounds % passes);
		q.latency_cap = p.latency_cap / passes;
		for (Row &r : rows) {
			if (k && !r.lat.ok)
				continue;
			Config c = r.cfg;

			c.port = static_cast<uint16_t>(c.port + k);
			if (c.client == Family::unix_stream)
				c.addr += "-" + std::to_string(k);
			fprintf(stderr, "anp-bench: %s: latency pass %llu/%llu "
				"(%llu round trips) ...", c.name.c_str(),
				static_cast<unsigned long long>(k + 1),
				static_cast<unsigned long long>(passes),
				static_cast<unsigned long long>(q.rounds));
			LatencyResult one = measure_latency(c, q);

			if (!one.ok) {
				fprintf(stderr, " n/a (%s)\n", one.detail.c_str());
				// A failure after a pass that worked says which.
				if (k) {
					std::string pass = "pass " + std::to_string(k + 1) + ": ";

					one.reason = pass + one.reason;
					one.detail = pass + one.detail;
				}
				r.lat = std::move(one);
				continue;
			}
			std::vector<uint64_t> s = one.samples_ns;

			std::sort(s.begin(), s.end());
			fprintf(stderr, " p50 %.1f us, p99 %.1f us%s\n",
				percentile(s, 50) / 1e3, percentile(s, 99) / 1e3,
				one.truncated ? " (capped)" : "");
			if (!k) {
				r.lat = std::move(one);
				continue;
			}
			r.lat.samples_ns.insert(r.lat.samples_ns.end(),
						one.samples_ns.begin(),
						one.samples_ns.end());
			r.lat.truncated |= one.truncated;
			r.lat.measure_secs += one.measure_secs;
			for (const std::string &n : one.notes)
				if (std::find(r.lat.notes.begin(), r.lat.notes.end(), n) ==
				    r.lat.notes.end())
					r.lat.notes.push_back(n);
		}
	}
}

void print_usage_error(const char *msg)
{
	fprintf(stderr, "anp-bench: %s\n(anp-bench --help for usage)\n", msg);
}

int run(int argc, char **argv)
{
	Params p;
	std::vector<Config> configs;
	std::string out, baseline;
	Meta meta = collect_meta();
	auto env = [](const char *name) -> std::string {
		const char *v = getenv(name);

		return v ? v : "";
	};
	struct Knob {
		const char *opt, *env;
		std::function<void(const std::string &)> set;
	};
	std::vector<Knob> knobs = {
		{ "--seconds", "ANP_BENCH_SECONDS",
		  [&](const std::string &v) { p.seconds = to_double(v, "seconds"); } },
		{ "--warmup-seconds", "ANP_BENCH_WARMUP_SECONDS",
		  [&](const std::string &v) { p.warmup_seconds = to_double(v, "warm-up seconds"); } },
		{ "--write-size", "ANP_BENCH_WRITE_SIZE",
		  [&](const std::string &v) { p.write_size = to_u64(v, "write size"); } },
		{ "--rounds", "ANP_BENCH_ROUNDS",
		  [&](const std::string &v) { p.rounds = to_u64(v, "rounds"); } },
		{ "--warmup-rounds", "ANP_BENCH_WARMUP_ROUNDS",
		  [&](const std::string &v) { p.warmup_rounds = to_u64(v, "warm-up rounds"); } },
		{ "--passes", "ANP_BENCH_PASSES",
		  [&](const std::string &v) { p.passes = to_u64(v, "passes"); } },
		{ "--latency-cap", "ANP_BENCH_LATENCY_CAP",
		  [&](const std::string &v) { p.latency_cap = to_double(v, "latency cap"); } },
		{ "--io-timeout", "ANP_BENCH_IO_TIMEOUT",
		  [&](const std::string &v) { p.io_timeout = to_double(v, "I/O timeout"); } },
	};

	for (const Knob &k : knobs)
		if (!env(k.env).empty())
			k.set(env(k.env));
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto value = [&]() -> std::string {
			if (i + 1 >= argc)
				throw UsageError(a + " needs a value");
			return argv[++i];
		};
		bool known = false;

		for (const Knob &k : knobs) {
			if (a == k.opt) {
				k.set(value());
				known = true;
			}
		}
		if (known)
			continue;
		if (a == "-h" || a == "--help") {
			fputs(usage_text, stdout);
			return 0;
		} else if (a == "--config") {
			configs.push_back(parse_config(value()));
		} else if (a == "--baseline") {
			baseline = value();
		} else if (a == "--out") {
			out = value();
		} else if (a == "--meta") {
			std::string kv = value();
			size_t eq = kv.find('=');

			if (eq == std::string::npos || !eq)
				throw UsageError("--meta wants KEY=VALUE: " + kv);
			meta.extra[kv.substr(0, eq)] = kv.substr(eq + 1);
		} else if (a == "--no-nodelay") {
			p.nodelay = false;
		} else {
			throw UsageError("unknown argument " + a);
		}
	}
	if (p.seconds <= 0 || !p.write_size || !p.rounds || !p.passes ||
	    p.io_timeout <= 0 || p.latency_cap <= 0)
		throw UsageError("seconds, write size, rounds, passes, latency cap "
				 "and I/O timeout must be positive");
	if (configs.empty()) {
		configs.push_back(parse_config("name=inet-lo,label=AF_INET over lo,"
					       "family=inet,addr=127.0.0.1,port=5201"));
		configs.push_back(parse_config("name=unix,label=AF_UNIX stream,"
					       "family=unix,addr=anp-bench"));
	}
	for (const Config &c : configs)
		if (c.port + p.passes >= 65536)
			throw UsageError("--config " + c.name + ": port + passes "
					 "beyond 65535");
	for (size_t i = 0; i < configs.size(); i++)
		for (size_t j = 0; j < i; j++)
			if (configs[i].name == configs[j].name)
				throw UsageError("two configurations named " +
						 configs[i].name);

	std::vector<Row> rows;
	for (const Config &c : configs) {
		Row r;

		r.cfg = c;
		fprintf(stderr, "anp-bench: %s: throughput (%g s + %g s warm-up) ...",
			c.name.c_str(), p.seconds, p.warmup_seconds);
		r.tp = measure_throughput(c, p);
		if (r.tp.ok)
			fprintf(stderr, " %.1f Mbit/s\n", r.tp.bps() / 1e6);
		else
			fprintf(stderr, " n/a (%s)\n", r.tp.detail.c_str());
		rows.push_back(std::move(r));
	}
	measure_latency_passes(rows, p);
	const Row *base = nullptr;
	if (baseline.empty())
		baseline = "inet-lo";
	for (const Row &r : rows)
		if (r.cfg.name == baseline)
			base = &r;
	if (!base)
		base = &rows.front();

	std::string tab = table(rows, base, p, meta);
	int rc = 0;

	fputs("\n", stdout);
	fputs(tab.c_str(), stdout);
	if (!out.empty()) {
		mkdir(out.c_str(), 0755);
		std::ofstream(out + "/table.txt") << tab;
		std::ofstream js(out + "/anp-bench.json");

		js << json(rows, base, p, meta);
		if (!js) {
			fprintf(stderr, "anp-bench: cannot write %s/anp-bench.json\n",
				out.c_str());
			rc = 1;
		}
		js.close();
		std::string why = plot(rows, meta, out);

		if (!why.empty())
			fprintf(stderr, "anp-bench: no plot: %s\n", why.c_str());
		printf("\nwritten: %s/anp-bench.json, %s/table.txt%s%s\n",
		       out.c_str(), out.c_str(), why.empty() ? ", " : "",
		       why.empty() ? (out + "/rtt-cdf.png").c_str() : "");
	}
	for (const Row &r : rows) {
		if (r.cfg.required && (!r.tp.ok || !r.lat.ok)) {
			fprintf(stderr, "anp-bench: %s (Linux's own stack) could "
				"not be measured\n", r.cfg.name.c_str());
			rc = 1;
		}
	}
	return rc;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		return run(argc, argv);
	} catch (const UsageError &e) {
		print_usage_error(e.what());
		return 2;
	}
}
