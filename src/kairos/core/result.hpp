// Result<T>: the value of an operation that can fail in an expected way.
// Expected failures (bad input, not found, conflicts) travel as values; exceptions are
// reserved for bugs and broken infrastructure.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace kairos {

// What kind of failure an Error is. Each face maps these to its own status codes.
enum class ErrorCode {
  kInvalidArgument,   // the input is malformed or breaks a rule
  kUnauthenticated,   // no valid credentials
  kForbidden,         // credentials are valid but the caller may not do this
  kNotFound,          // the resource does not exist (or is not the caller's)
  kConflict,          // the request collides with existing state (overlap, duplicate)
  kTooManyRequests,   // throttled
  kPayloadTooLarge,   // a body or field exceeds its limit
  kUnavailable,       // a dependency (database, provider) is temporarily down
  kBadGateway,        // an upstream provider answered wrongly
  kInternal,          // a bug; never caused by input
};

// An expected failure: a machine-readable code, a message a client may see, and the
// input field it concerns (empty when it concerns no single field).
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;
  // For kTooManyRequests: seconds until a retry may succeed (sent as Retry-After).
  int retry_after_seconds = 0;
};

inline Error InvalidArgument(std::string message, std::string field = {}) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Error NotFound(std::string message) { return Error{ErrorCode::kNotFound, std::move(message), {}}; }
inline Error Conflict(std::string message, std::string field = {}) {
  return Error{ErrorCode::kConflict, std::move(message), std::move(field)};
}
inline Error Forbidden(std::string message) { return Error{ErrorCode::kForbidden, std::move(message), {}}; }
inline Error Unauthenticated(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message), {}};
}
inline Error TooManyRequests(std::string message, int retry_after_seconds) {
  return Error{ErrorCode::kTooManyRequests, std::move(message), {}, retry_after_seconds};
}

// Holds either a T or an Error. Check ok() before value().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation with no value: success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

// Thrown by infrastructure (the database, an upstream) that is down or overloaded for a
// moment. Transports answer it with 503 instead of 500: the request may be retried.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kairos
