/* SPDX-License-Identifier: Apache-2.0 */
// What a handler answers: status, header fields and a whole body, or a stream that goes on after
// the head. The connection adds the framing (Content-Length or chunked, Connection), Date and
// X-Request-Id when it writes it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::http {

class Stream;

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set instead of a body when the response goes on after its head (Stream.h).
  std::shared_ptr<Stream> stream;

  // Replaces every field of that name (names compare without case).
  void set(std::string_view name, std::string_view value);
  void add(std::string_view name, std::string_view value) { headers.emplace_back(name, value); }
  bool has(std::string_view name) const;
  // The first field of that name; null when there is none.
  const std::string* value(std::string_view name) const;
};

// Whether a Content-Type value is server-sent events (parameters after it allowed).
inline bool isEventStream(std::string_view contentType) {
  return contentType.substr(0, 17) == "text/event-stream";
}

// An answer the server or a handler gives instead of serving a request: the status and the text
// for the JSON error body.
struct HttpError {
  int status;
  std::string message;
};

}  // namespace portico::http
