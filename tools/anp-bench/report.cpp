// SPDX-License-Identifier: GPL-2.0
// anp-bench: the machine's description, the table, the JSON and the plot.
#include "bench.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

namespace {

std::string fmt(const char *f, double v)
{
	char b[64];

	snprintf(b, sizeof(b), f, v);
	return b;
}

std::string proc_field(const char *file, const char *key)
{
	std::ifstream in(file);
	std::string line;
	size_t klen = strlen(key);

	while (std::getline(in, line)) {
		if (line.compare(0, klen, key) != 0)
			continue;
		size_t c = line.find(':');

		if (c == std::string::npos)
			continue;
		size_t s = line.find_first_not_of(" \t", c + 1);

		return s == std::string::npos ? "" : line.substr(s);
	}
	return "";
}

std::string extra(const Meta &m, const std::string &k)
{
	auto it = m.extra.find(k);

	return it == m.extra.end() ? "" : it->second;
}

std::string row_label(const Row &r)
{
	return r.cfg.label.empty() ? r.cfg.name : r.cfg.label;
}

// A ratio to the baseline: "0.42x", or "" when there is no baseline.
std::string ratio(double v, double base)
{
	if (base <= 0)
		return "";
	double q = v / base;

	return fmt(q < 0.1 ? "%.3fx" : "%.2fx", q);
}

struct Lat {
	std::vector<uint64_t> sorted;
	double mean = 0, stddev = 0;
};

Lat stats(const LatencyResult &l)
{
	Lat s;

	s.sorted = l.samples_ns;
	std::sort(s.sorted.begin(), s.sorted.end());
	if (s.sorted.empty())
		return s;
	double sum = 0, sq = 0;

	for (uint64_t v : s.sorted)
		sum += v;
	s.mean = sum / s.sorted.size();
	for (uint64_t v : s.sorted)
		sq += (v - s.mean) * (v - s.mean);
	s.stddev = std::sqrt(sq / s.sorted.size());
	return s;
}

double base_p(const Row *base, double p)
{
	if (!base || !base->lat.ok)
		return 0;
	std::vector<uint64_t> s = base->lat.samples_ns;

	std::sort(s.begin(), s.end());
	return percentile(s, p);
}

// ---- JSON ----------------------------------------------------------

std::string jstr(const std::string &s)
{
	std::string o = "\"";

	for (unsigned char c : s) {
		switch (c) {
		case '"': o += "\\\""; break;
		case '\\': o += "\\\\"; break;
		case '\n': o += "\\n"; break;
		case '\t': o += "\\t"; break;
		default:
			if (c < 0x20) {
				char b[8];

				snprintf(b, sizeof(b), "\\u%04x", c);
				o += b;
			} else {
				o += static_cast<char>(c);
			}
		}
	}
	return o + "\"";
}

std::string jnum(double v)
{
	if (!std::isfinite(v))
		return "null";
	return fmt("%.9g", v);
}

std::string jnotes(const std::vector<std::string> &notes)
{
	std::string o = "[";

	for (size_t i = 0; i < notes.size(); i++)
		o += (i ? ", " : "") + jstr(notes[i]);
	return o + "]";
}

} // namespace

Meta collect_meta()
{
	Meta m;
	char b[64];
	time_t t = time(nullptr);
	struct tm tm;
	struct utsname u;

	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	m.date = b;
	if (uname(&u) == 0) {
		m.kernel = u.release;
		m.kernel_version = u.version;
		m.arch = u.machine;
	}
	m.cpu_model = proc_field("/proc/cpuinfo", "model name");
	m.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	m.mem_kib = atol(proc_field("/proc/meminfo", "MemTotal").c_str());
	return m;
}

std::string table(const std::vector<Row> &rows, const Row *base,
		  const Params &p, const Meta &m)
{
	std::ostringstream o;
	std::string host_cpu = extra(m, "host_cpu");
	std::string accel = extra(m, "vm_accel");
	char b[512];

	o << "anp-bench   " << m.date << "\n";
	o << "kernel      " << m.kernel << " " << m.kernel_version << " "
	  << m.arch << "\n";
	o << "CPU         " << m.cpu_model << ", " << m.cpus << " online, "
	  << m.mem_kib / 1024 << " MiB";
	if (!host_cpu.empty())
		o << "; host: " << host_cpu;
	if (!extra(m, "host_cpus").empty())
		o << ", " << extra(m, "host_cpus") << " CPUs";
	if (!extra(m, "host_loadavg").empty())
		o << ", load average " << extra(m, "host_loadavg")
		  << " at the start";
	o << "\n";
	if (!accel.empty())
		o << "VM          QEMU " << accel << ", "
		  << extra(m, "vm_smp") << " vCPUs, " << extra(m, "vm_mem_mb")
		  << " MiB, " << extra(m, "vm_kernel") << " kernel\n";
	if (!extra(m, "git").empty())
		o << "tree        " << extra(m, "git") << "\n";
	snprintf(b, sizeof(b),
		 "throughput  one flow, %zu-byte writes, %g s measured at the "
		 "receiver after %g s warm-up\n"
		 "latency     1-byte ping-pong, %llu round trips in %llu "
		 "interleaved passes, each after %llu warm-up (cap %g s)%s\n",
		 p.write_size, p.seconds, p.warmup_seconds,
		 static_cast<unsigned long long>(p.rounds),
		 static_cast<unsigned long long>(std::min(p.passes, p.rounds)),
		 static_cast<unsigned long long>(p.warmup_rounds),
		 p.latency_cap, p.nodelay ? ", TCP_NODELAY on TCP" : "");
	o << b;
	if (base)
		o << "ratios      to " << row_label(*base)
		  << " (the same figure divided by its)\n";
	o << "\n";

	double bt = base && base->tp.ok ? base->tp.bps() : 0;
	double b50 = base_p(base, 50), b99 = base_p(base, 99);
	constexpr int namew = 40;
	std::vector<std::string> foot;

	snprintf(b, sizeof(b), "%-*s %10s %8s %10s %8s %10s %8s\n", namew,
		 "configuration", "throughput", "", "RTT p50", "", "RTT p99", "");
	o << b;
	snprintf(b, sizeof(b), "%-*s %10s %8s %10s %8s %10s %8s\n", namew, "",
		 "Mbit/s", "ratio", "us", "ratio", "us", "ratio");
	o << b;
	for (const Row &r : rows) {
		std::string tp, lat;

		if (r.tp.ok) {
			snprintf(b, sizeof(b), " %10.1f %8s", r.tp.bps() / 1e6,
				 ratio(r.tp.bps(), bt).c_str());
			tp = b;
		} else {
			tp = " n/a (" + r.tp.reason + ")";
		}
		if (r.lat.ok) {
			Lat s = stats(r.lat);
			double p50 = percentile(s.sorted, 50);
			double p99 = percentile(s.sorted, 99);

			snprintf(b, sizeof(b), " %10.1f %8s %10.1f %8s%s",
				 p50 / 1e3, ratio(p50, b50).c_str(), p99 / 1e3,
				 ratio(p99, b99).c_str(),
				 r.lat.truncated ? " *" : "");
			lat = b;
			if (r.lat.truncated)
				foot.push_back("* " + r.cfg.name + ": capped at " +
					       fmt("%g", p.latency_cap) + " s, " +
					       std::to_string(s.sorted.size()) +
					       " round trips");
		} else {
			lat = " n/a (" + r.lat.reason + ")";
		}
		snprintf(b, sizeof(b), "%-*s", namew, row_label(r).c_str());
		o << b;
		if (!r.tp.ok && !r.lat.ok && r.tp.reason == r.lat.reason) {
			o << tp << "\n";
		} else {
			if (!r.tp.ok)
				tp.resize(std::max<size_t>(tp.size(), 20), ' ');
			o << tp << lat << "\n";
		}
		for (const std::string &n : r.tp.notes)
			foot.push_back(r.cfg.name + " throughput: " + n);
		for (const std::string &n : r.lat.notes)
			foot.push_back(r.cfg.name + " latency: " + n);
		if (!r.tp.ok && r.tp.detail != r.tp.reason)
			foot.push_back(r.cfg.name + " throughput: " + r.tp.detail);
		if (!r.lat.ok && r.lat.detail != r.lat.reason &&
		    r.lat.detail != r.tp.detail)
			foot.push_back(r.cfg.name + " latency: " + r.lat.detail);
	}
	if (!foot.empty())
		o << "\n";
	for (const std::string &f : foot)
		o << f << "\n";
	return o.str();
}

std::string json(const std::vector<Row> &rows, const Row *base,
		 const Params &p, const Meta &m)
{
	std::ostringstream o;
	double bt = base && base->tp.ok ? base->tp.bps() : 0;

	o << "{\n  \"tool\": \"anp-bench\",\n  \"format\": 1,\n";
	o << "  \"date\": " << jstr(m.date) << ",\n";
	o << "  \"machine\": {\n"
	  << "    \"kernel\": " << jstr(m.kernel) << ",\n"
	  << "    \"kernel_version\": " << jstr(m.kernel_version) << ",\n"
	  << "    \"arch\": " << jstr(m.arch) << ",\n"
	  << "    \"cpu_model\": " << jstr(m.cpu_model) << ",\n"
	  << "    \"cpus_online\": " << m.cpus << ",\n"
	  << "    \"mem_total_kib\": " << m.mem_kib;
	for (const auto &[k, v] : m.extra)
		o << ",\n    " << jstr(k) << ": " << jstr(v);
	o << "\n  },\n";
	o << "  \"parameters\": {\n"
	  << "    \"throughput_seconds\": " << jnum(p.seconds) << ",\n"
	  << "    \"throughput_warmup_seconds\": " << jnum(p.warmup_seconds) << ",\n"
	  << "    \"write_size\": " << p.write_size << ",\n"
	  << "    \"latency_rounds\": " << p.rounds << ",\n"
	  << "    \"latency_passes\": " << std::min(p.passes, p.rounds) << ",\n"
	  << "    \"latency_warmup_rounds_per_pass\": " << p.warmup_rounds << ",\n"
	  << "    \"latency_cap_seconds\": " << jnum(p.latency_cap) << ",\n"
	  << "    \"io_timeout_seconds\": " << jnum(p.io_timeout) << ",\n"
	  << "    \"tcp_nodelay\": " << (p.nodelay ? "true" : "false") << ",\n"
	  << "    \"percentile_method\": \"nearest rank\",\n"
	  << "    \"clock\": \"CLOCK_MONOTONIC\"\n  },\n";
	o << "  \"baseline\": " << (base ? jstr(base->cfg.name) : "null") << ",\n";
	o << "  \"configurations\": [";
	for (size_t i = 0; i < rows.size(); i++) {
		const Row &r = rows[i];
		const Config &c = r.cfg;

		o << (i ? "," : "") << "\n    {\n"
		  << "      \"name\": " << jstr(c.name) << ",\n"
		  << "      \"label\": " << jstr(row_label(r)) << ",\n"
		  << "      \"client_family\": " << jstr(family_macro(c.client)) << ",\n"
		  << "      \"server_family\": " << jstr(family_macro(c.server)) << ",\n"
		  << "      \"address\": " << jstr(c.addr) << ",\n"
		  << "      \"port\": " << c.port << ",\n"
		  << "      \"client_netns\": " << jstr(c.client_ns) << ",\n"
		  << "      \"server_netns\": " << jstr(c.server_ns) << ",\n"
		  << "      \"required\": " << (c.required ? "true" : "false") << ",\n";
		o << "      \"throughput\": {";
		if (r.tp.ok) {
			o << "\n        \"status\": \"ok\",\n"
			  << "        \"bits_per_second\": " << jnum(r.tp.bps()) << ",\n"
			  << "        \"ratio_to_baseline\": "
			  << (bt > 0 ? jnum(r.tp.bps() / bt) : "null") << ",\n"
			  << "        \"bytes_measured\": " << r.tp.bytes << ",\n"
			  << "        \"seconds_measured\": " << jnum(r.tp.secs) << ",\n"
			  << "        \"bytes_sent_total\": " << r.tp.tx_total << ",\n"
			  << "        \"bytes_received_total\": " << r.tp.rx_total << ",\n"
			  << "        \"interval_bits_per_second\": [";
			for (size_t k = 0; k < r.tp.intervals_bps.size(); k++)
				o << (k ? ", " : "") << jnum(r.tp.intervals_bps[k]);
			o << "],\n";
		} else {
			o << "\n        \"status\": \"n/a\",\n"
			  << "        \"reason\": " << jstr(r.tp.reason) << ",\n"
			  << "        \"detail\": " << jstr(r.tp.detail) << ",\n"
			  << "        \"bytes_sent_total\": " << r.tp.tx_total << ",\n"
			  << "        \"bytes_received_total\": " << r.tp.rx_total << ",\n";
		}
		o << "        \"notes\": " << jnotes(r.tp.notes) << "\n      },\n";
		o << "      \"latency\": {";
		if (r.lat.ok) {
			Lat s = stats(r.lat);

			o << "\n        \"status\": \"ok\",\n"
			  << "        \"rounds\": " << s.sorted.size() << ",\n"
			  << "        \"truncated\": " << (r.lat.truncated ? "true" : "false") << ",\n"
			  << "        \"seconds_measured\": " << jnum(r.lat.measure_secs) << ",\n"
			  << "        \"mean_ns\": " << jnum(s.mean) << ",\n"
			  << "        \"stddev_ns\": " << jnum(s.stddev) << ",\n"
			  << "        \"percentiles_ns\": {";
			for (size_t k = 0; k < percentiles.size(); k++)
				o << (k ? ", " : "") << jstr(percentiles[k].first) << ": "
				  << percentile(s.sorted, percentiles[k].second);
			o << "},\n        \"ratio_to_baseline\": {";
			for (size_t k = 0; k < percentiles.size(); k++) {
				double bp = base_p(base, percentiles[k].second);

				o << (k ? ", " : "") << jstr(percentiles[k].first) << ": "
				  << (bp > 0 ? jnum(percentile(s.sorted, percentiles[k].second) / bp)
					     : "null");
			}
			o << "},\n        \"samples_ns\": [";
			for (size_t k = 0; k < r.lat.samples_ns.size(); k++)
				o << (k ? (k % 16 ? "," : ",\n          ") : "")
				  << r.lat.samples_ns[k];
			o << "],\n";
		} else {
			o << "\n        \"status\": \"n/a\",\n"
			  << "        \"reason\": " << jstr(r.lat.reason) << ",\n"
			  << "        \"detail\": " << jstr(r.lat.detail) << ",\n";
		}
		o << "        \"notes\": " << jnotes(r.lat.notes) << "\n      }\n    }";
	}
	o << "\n  ]\n}\n";
	return o.str();
}

std::string plot(const std::vector<Row> &rows, const Meta &m,
		 const std::string &dir)
{
	std::ostringstream gp;
	std::vector<std::string> curves;

	for (const Row &r : rows) {
		if (!r.lat.ok)
			continue;
		std::string file = "rtt-" + r.cfg.name + ".dat";
		std::ofstream dat(dir + "/" + file);
		Lat s = stats(r.lat);
		size_t n = s.sorted.size();
		// About 4000 points of the body, every point of the top 1%.
		size_t step = std::max<size_t>(1, n / 4000);
		size_t tail = n - n / 100;

		dat << "# " << row_label(r) << ": round-trip time (us), "
		    << "fraction of round trips <= it, fraction above it\n";
		for (size_t i = 0; i < n; i++) {
			if (i % step && i < tail && i != n - 1)
				continue;
			dat << fmt("%.3f", s.sorted[i] / 1e3) << " "
			    << fmt("%.6f", double(i + 1) / n) << " "
			    << fmt("%.6g", double(n - i) / n) << "\n";
		}
		if (!dat)
			return "cannot write " + dir + "/" + file;
		std::string title = row_label(r);

		std::replace(title.begin(), title.end(), '\'', ' ');
		curves.push_back("'" + file + "' using 1:COL with lines lw 2 title '" +
				 title + "'");
	}
	if (curves.empty())
		return "no latency measured";
	std::string sub = m.date + ", " + m.kernel + ", " + m.cpu_model;

	if (!extra(m, "vm_accel").empty())
		sub += ", QEMU " + extra(m, "vm_accel") + " " +
		       extra(m, "vm_smp") + " vCPUs";
	std::replace(sub.begin(), sub.end(), '\'', ' ');
	gp << "# anp-bench: round-trip time distribution per configuration\n"
	   << "set terminal pngcairo noenhanced size 1400,600 font 'sans,10'\n"
	   << "set output 'rtt-cdf.png'\n"
	   << "set multiplot layout 1,2 title '1-byte ping-pong round-trip time ("
	   << sub << ")'\n"
	   << "set logscale x\nset grid xtics mxtics ytics\n"
	   << "set xlabel 'round-trip time (us, log)'\n"
	   << "set key bottom right\n"
	   << "set ylabel 'fraction of round trips <= x'\nset yrange [0:1]\n"
	   << "set title 'CDF'\nplot ";
	for (size_t i = 0; i < curves.size(); i++) {
		std::string c = curves[i];

		c.replace(c.find("COL"), 3, "2");
		gp << (i ? ", \\\n     " : "") << c;
	}
	gp << "\nset logscale y\nset format y '%g'\nset yrange [*:1]\nset key bottom left\n"
	   << "set ylabel 'fraction of round trips > x (log)'\n"
	   << "set title 'tail (complementary CDF)'\nplot ";
	for (size_t i = 0; i < curves.size(); i++) {
		std::string c = curves[i];

		c.replace(c.find("COL"), 3, "3");
		gp << (i ? ", \\\n     " : "") << c;
	}
	gp << "\nunset multiplot\n";
	{
		std::ofstream f(dir + "/rtt-cdf.gp");

		f << gp.str();
		if (!f)
			return "cannot write " + dir + "/rtt-cdf.gp";
	}
	fflush(nullptr);
	pid_t pid = fork();

	if (pid == 0) {
		if (chdir(dir.c_str()) == 0)
			execlp("gnuplot", "gnuplot", "rtt-cdf.gp", nullptr);
		fprintf(stderr, "anp-bench: gnuplot: %s\n", strerror(errno));
		_exit(127);
	}
	int st = 0;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return "fork/wait for gnuplot failed";
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return "gnuplot failed (exit " +
		       std::to_string(WIFEXITED(st) ? WEXITSTATUS(st) : -1) + ")";
	return "";
}

} // namespace bench
