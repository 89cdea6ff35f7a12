// Status and Result<T>: how berth's modules report expected failures.
// Library exceptions are caught at adapter edges and turned into a Status whose
// message tells the user what went wrong and, where possible, what to do next.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace berth {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // bad user input: a name, key, port, flag
  kNotFound,            // a key, domain, plugin... that does not exist
  kAppNotFound,         // the named app does not exist (exit code 20, as Dokku)
  kAlreadyExists,       // creating something that is already there
  kFailedPrecondition,  // the state does not allow it (locked, no TTY to confirm...)
  kPermissionDenied,    // refused: over ssh, vetoed by user-auth, not root
  kUnavailable,         // temporarily impossible (store busy past its timeout)
  kInternal,            // I/O, a library error, a broken file
  kExited,              // a process berth ran for the user ended non-zero (`run`)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  // Passes on the exit status of a process the user ran (0 gives Ok).
  static Status ExitedWith(int exit_code) {
    if (exit_code == 0) return {};
    Status s(StatusCode::kExited, "");
    s.exit_code_ = exit_code;
    return s;
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // The process exit code a command returns for this status.
  int ExitCode() const {
    if (ok()) return 0;
    if (code_ == StatusCode::kExited) return exit_code_;
    return code_ == StatusCode::kAppNotFound ? 20 : 1;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  int exit_code_ = 1;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AppNotFound(std::string_view app) {
  return {StatusCode::kAppNotFound, "App " + std::string(app) + " does not exist"};
}
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result made from a Status must carry an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace berth

// Returns early from the enclosing function when `expr` yields an error Status.
#define BERTH_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::berth::Status berth_status_ = (expr);  \
    if (!berth_status_.ok()) return berth_status_; \
  } while (false)

#define BERTH_CONCAT_INNER(a, b) a##b
#define BERTH_CONCAT(a, b) BERTH_CONCAT_INNER(a, b)
#define BERTH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

// `BERTH_ASSIGN_OR_RETURN(auto x, Foo());` binds x or returns Foo()'s error.
#define BERTH_ASSIGN_OR_RETURN(lhs, expr) \
  BERTH_ASSIGN_OR_RETURN_IMPL(BERTH_CONCAT(berth_result_, __LINE__), lhs, expr)
