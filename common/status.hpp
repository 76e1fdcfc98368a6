// Status and Result<T>: how every fallible call in fedq reports failure.
// Errors are values at module boundaries; no exception crosses a public
// function. Both types are plain values, safe to copy between threads.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fedq {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong (bad flag, bad spec)
  kCorrupt,           // bytes that fail validation (file, blob, frame)
  kIo,                // the OS said no (open, read, write, socket)
  kNotFound,
  kOutOfRange,        // a size or count beyond a configured limit
  kFailedPrecondition,
  kUnavailable,       // try again later (peer down, busy)
  kTimeout,
  kPermissionDenied,  // authentication or authorization failed
  kAlreadyExists,
  kCancelled,
  kInternal,          // a bug in fedq
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Corrupt: idx header: dimension 3 is 0"
  std::string ToString() const;

  // Adds context in front of the message: "loading model: " + message.
  Status WithContext(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
inline Status IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status OutOfRange(std::string m) { return {ErrorCode::kOutOfRange, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {ErrorCode::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status Timeout(std::string m) { return {ErrorCode::kTimeout, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
inline Status Cancelled(std::string m) { return {ErrorCode::kCancelled, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A T or the Status that explains why there is none. REQUIRES: a Result is
// never built from an ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace fedq

#define FEDQ_CONCAT_INNER(a, b) a##b
#define FEDQ_CONCAT(a, b) FEDQ_CONCAT_INNER(a, b)

#define FEDQ_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::fedq::Status fedq_status_ = (expr);       \
    if (!fedq_status_.ok()) return fedq_status_; \
  } while (0)

#define FEDQ_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

// FEDQ_ASSIGN_OR_RETURN(auto model, Mlp::Load(path));
#define FEDQ_ASSIGN_OR_RETURN(lhs, expr) \
  FEDQ_ASSIGN_OR_RETURN_IMPL(FEDQ_CONCAT(fedq_result_, __LINE__), lhs, expr)
