// SPDX-License-Identifier: MIT
// portico/errors.hpp — the exceptions a plugin's C++ code throws and the SDK turns into answers.
// Part of the header-only SDK; sdk.hpp includes it.
#ifndef PORTICO_ERRORS_HPP
#define PORTICO_ERRORS_HPP

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace portico {

// Throw from a handler to answer `status` with {"status", "message", "request_id"}, plus any
// headers given (Retry-After on a 429, WWW-Authenticate on a 401, ...). `detail` goes to the
// plugin's log, never to the client: driver text names hosts, ports and users.
class HttpError : public std::runtime_error {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  HttpError(int status, const std::string& message, Headers headers = {}, std::string detail = {})
      : std::runtime_error(message),
        status_(status),
        headers_(std::move(headers)),
        detail_(std::move(detail)) {}
  int status() const { return status_; }
  const Headers& headers() const { return headers_; }
  const std::string& detail() const { return detail_; }

 private:
  int status_;
  Headers headers_;
  std::string detail_;
};

// A statement failed in PostgreSQL (syntax, constraint, ...); what() is PostgreSQL's message.
class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace portico

#endif  // PORTICO_ERRORS_HPP
