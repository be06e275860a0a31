// SPDX-License-Identifier: GPL-2.0
// anp-bench: shared types of the measurement (measure.cpp) and the report
// (report.cpp, main.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bench {

enum class Family { anp, inet, unix_stream };

const char *family_name(Family f);	// "anp", "inet", "unix"
const char *family_macro(Family f);	// "AF_ANP", "AF_INET", "AF_UNIX"

// One pairing to measure: who connects (client), who listens (server),
// where each side runs (network namespace name under /run/netns, "" for
// the namespace anp-bench runs in) and the address the server binds and
// the client connects to (IPv4 for AF_ANP/AF_INET, an abstract socket
// name for AF_UNIX).
struct Config {
	std::string name;
	std::string label;
	Family client = Family::inet;
	Family server = Family::inet;
	std::string addr;
	uint16_t port = 0;
	std::string client_ns;
	std::string server_ns;
	// Rows without AF_ANP are Linux's own stack: they must run, and
	// anp-bench exits 1 when one of them could not be measured.
	bool required = true;
};

struct Params {
	double seconds = 10;		// throughput: measured time
	double warmup_seconds = 1;	// throughput: discarded first
	size_t write_size = 65536;	// throughput: bytes per write()
	uint64_t rounds = 100000;	// latency: measured round trips
	uint64_t warmup_rounds = 1000;	// latency: discarded first
	uint64_t passes = 5;		// latency: configurations take turns
	double latency_cap = 300;	// latency: stop measuring after this
	double io_timeout = 20;		// SO_RCVTIMEO/SO_SNDTIMEO, accept
	bool nodelay = true;		// TCP_NODELAY on AF_INET and AF_ANP
};

struct ThroughputResult {
	bool ok = false;
	std::string reason;		// short, for the table: "listen: EOPNOTSUPP"
	std::string detail;		// long, for the JSON
	uint64_t bytes = 0;		// received in the measured window
	double secs = 0;		// length of the measured window
	uint64_t tx_total = 0;		// every byte the client wrote
	uint64_t rx_total = 0;		// every byte the server read
	std::vector<double> intervals_bps;	// per second of the window
	std::vector<std::string> notes;
	double bps() const { return secs > 0 ? bytes * 8.0 / secs : 0; }
};

struct LatencyResult {
	bool ok = false;
	std::string reason;
	std::string detail;
	std::vector<uint64_t> samples_ns;	// in the order measured
	bool truncated = false;		// stopped by latency_cap
	double measure_secs = 0;
	std::vector<std::string> notes;
};

struct Row {
	Config cfg;
	ThroughputResult tp;
	LatencyResult lat;
};

ThroughputResult measure_throughput(const Config &cfg, const Params &p);
LatencyResult measure_latency(const Config &cfg, const Params &p);

// Nearest-rank percentile of sorted samples (p in 0..100; 0 = minimum).
uint64_t percentile(const std::vector<uint64_t> &sorted, double p);

// The percentiles computed, reported and written to the JSON.
extern const std::vector<std::pair<std::string, double>> percentiles;

struct Meta {
	std::string date;	// UTC, ISO 8601
	std::string kernel;	// uname -r
	std::string kernel_version;	// uname -v
	std::string arch;
	std::string cpu_model;	// of the machine anp-bench runs on
	long cpus = 0;
	long mem_kib = 0;
	std::map<std::string, std::string> extra;	// --meta KEY=VALUE
};

Meta collect_meta();
std::string table(const std::vector<Row> &rows, const Row *base,
		  const Params &p, const Meta &m);
std::string json(const std::vector<Row> &rows, const Row *base,
		 const Params &p, const Meta &m);
// Writes DIR/rtt-NAME.dat and DIR/rtt-cdf.gp, runs gnuplot for
// DIR/rtt-cdf.png.  Returns "" or why the plot is missing.
std::string plot(const std::vector<Row> &rows, const Meta &m,
		 const std::string &dir);

} // namespace bench
