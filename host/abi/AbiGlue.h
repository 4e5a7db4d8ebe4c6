/* SPDX-License-Identifier: Apache-2.0 */
// Small pieces every host-side implementation of plugin.h shares: string views across the
// boundary, a buffer for a callee's error message, and the guard that keeps C++ exceptions from
// unwinding into plugin code.
#pragma once

#include <Poco/Exception.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "portico/plugin.h"
#include "resources/Pool.h"

namespace portico::abi {

inline std::string_view sv(portico_str s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : "";
}
inline portico_str ps(std::string_view s) {
  return portico_str{s.data(), s.size()};
}

// Copies s into a caller-owned buffer of cap bytes (an id out-parameter), truncated to fit and
// NUL-terminated. Does nothing for a NULL buffer.
inline void copyOut(std::string_view s, char* out, size_t cap) {
  if (out == nullptr || cap == 0) return;
  size_t n = std::min(s.size(), cap - 1);
  std::memcpy(out, s.data(), n);
  out[n] = '\0';
}

// A portico_error with room for the message a plugin writes.
struct ErrorBuffer {
  char buf[1024] = {0};
  portico_error err{buf, sizeof buf, 0};
  std::string message(const char* fallback = "no message") const {
    return err.len ? std::string(buf, err.len) : std::string(fallback);
  }
};

// Runs `body` (which returns a status) for a caller in plugin code, turning every exception into
// a status and a message: busy pools are TIMEOUT, unreachable services and broken connections
// UNAVAILABLE, bad arguments INVALID_ARGUMENT, anything else INTERNAL.
template <typename F>
portico_status guarded(portico_error* err, F&& body) noexcept {
  try {
    return body();
  } catch (const resources::PoolExhausted& e) {
    portico_error_set(err, e.what());
    return PORTICO_ERR_TIMEOUT;
  } catch (const resources::PoolUnavailable& e) {
    portico_error_set(err, e.what());
    return PORTICO_ERR_UNAVAILABLE;
  } catch (const Poco::IOException& e) {  // includes network failures and timeouts on a socket
    portico_error_set(err, e.displayText().c_str());
    return PORTICO_ERR_UNAVAILABLE;
  } catch (const Poco::TimeoutException& e) {
    portico_error_set(err, e.displayText().c_str());
    return PORTICO_ERR_UNAVAILABLE;
  } catch (const std::invalid_argument& e) {
    portico_error_set(err, e.what());
    return PORTICO_ERR_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    portico_error_set(err, e.what());
  } catch (...) {
    portico_error_set(err, "internal host error");
  }
  return PORTICO_ERR_INTERNAL;
}

}  // namespace portico::abi
