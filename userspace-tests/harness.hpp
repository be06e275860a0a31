// SPDX-License-Identifier: GPL-2.0
//
// anp_conformance: a table of named test cases in the shape of
// tools/testing/vsock/vsock_test.c, with TAP 13 output.
//
// A case is a function registered with ANP_TEST(ident, "name", "what");
// it passes when it returns, fails when a CHECK/REQUIRE fails (the
// message goes out as a TAP diagnostic), and is skipped when it calls
// skip("reason").  Every .cpp file in userspace-tests/ is linked into one
// program; a later issue adds its cases in its own file.
//
// Pending cases.  A case that asserts behaviour the kernel does not have
// yet (a feature still being written) is registered with
//
//   ANP_TEST_PENDING(ident, "name", "what", "reason it cannot pass yet")
//
// It still runs, every time.  When it fails, it is reported as
//
//   not ok N - name # TODO pending: reason
//
// (TAP's TODO: scripts/test.sh counts it as skipped, never as passed), with
// its failure messages as diagnostics.  When it passes, it is reported as
//
//   not ok N - name (pending case passes: remove the pending mark)
//
// which fails the run, so that the marks always say what is true: the
// commit that makes a pending case pass removes its mark.  A pending case
// that calls skip() is reported as skipped, as any other.
#ifndef ANP_CONFORMANCE_HARNESS_HPP
#define ANP_CONFORMANCE_HARNESS_HPP

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

namespace anp_test {

using test_fn = void (*)();

struct test_case {
	std::string_view name;
	std::string_view desc;
	test_fn run;
	// Only run when named with --case (it changes global state or
	// depends on it, e.g. module autoload).
	bool explicit_only;
	// Non-empty: the case is pending (see above), for this reason.
	std::string_view pending;
};

std::vector<test_case> &registry();

struct registrar {
	registrar(std::string_view name, std::string_view desc, test_fn fn,
		  bool explicit_only = false, std::string_view pending = {})
	{
		registry().push_back({name, desc, fn, explicit_only, pending});
	}
};

// Thrown by REQUIRE: ends the case as failed.
struct failure : std::runtime_error {
	using std::runtime_error::runtime_error;
};

// Thrown by skip(): ends the case as skipped.
struct skipped : std::runtime_error {
	using std::runtime_error::runtime_error;
};

// Set by CHECK when it fails; the case goes on and fails at its end.
extern bool g_case_failed;

void diag(const std::string &msg);
[[noreturn]] void skip(const std::string &reason);
std::string errno_name(int err);

std::string fmt_loc(const char *file, int line, const std::string &msg);

// A descriptor closed when it goes out of scope.
class fd_guard {
public:
	fd_guard() = default;
	explicit fd_guard(int fd) : fd_(fd) {}
	fd_guard(const fd_guard &) = delete;
	fd_guard &operator=(const fd_guard &) = delete;
	fd_guard(fd_guard &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
	fd_guard &operator=(fd_guard &&o) noexcept
	{
		reset(std::exchange(o.fd_, -1));
		return *this;
	}
	~fd_guard() { reset(); }
	int get() const { return fd_; }
	int release() { return std::exchange(fd_, -1); }
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

// Result of one system call: the return value and errno when it failed.
struct sys_result {
	long ret;
	int err;
	bool ok() const { return ret >= 0; }
	std::string str() const
	{
		return ret >= 0 ? "success (" + std::to_string(ret) + ")"
				: "-1 " + errno_name(err);
	}
};

template <typename F>
sys_result sys(F &&f)
{
	errno = 0;
	long r = static_cast<long>(f());
	return {r, r < 0 ? errno : 0};
}

} // namespace anp_test

#define ANP_CAT2(a, b) a##b
#define ANP_CAT(a, b) ANP_CAT2(a, b)

#define ANP_TEST_IMPL(ident, name, desc, expl, pend)			\
	static void ident();						\
	static ::anp_test::registrar ANP_CAT(ident, _reg){name, desc,	\
							  ident, expl,	\
							  pend};	\
	static void ident()

// ANP_TEST(ident, "case-name", "one-line description") { body }
#define ANP_TEST(ident, name, desc) ANP_TEST_IMPL(ident, name, desc, false, "")
#define ANP_TEST_EXPLICIT(ident, name, desc) \
	ANP_TEST_IMPL(ident, name, desc, true, "")
// A pending case (see the top of this file): reason must not be empty.
#define ANP_TEST_PENDING(ident, name, desc, reason) \
	ANP_TEST_IMPL(ident, name, desc, false, reason)

// CHECK records a failure and continues; REQUIRE ends the case.
#define CHECK(cond, msg)						\
	do {								\
		if (!(cond)) {						\
			::anp_test::diag(::anp_test::fmt_loc(		\
				__FILE__, __LINE__,			\
				std::string("CHECK(" #cond ") failed: ") + \
				(msg)));				\
			::anp_test::g_case_failed = true;		\
		}							\
	} while (0)

#define REQUIRE(cond, msg)						\
	do {								\
		if (!(cond))						\
			throw ::anp_test::failure(::anp_test::fmt_loc(	\
				__FILE__, __LINE__,			\
				std::string("REQUIRE(" #cond ") failed: ") + \
				(msg)));				\
	} while (0)

#endif
