// SPDX-License-Identifier: Apache-2.0
#include "log/Logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace portico::log {
namespace {

// The host is never unloaded, so a thread_local here is safe (plugins must not use them).
thread_local std::string_view tlsRequestId;

std::shared_ptr<spdlog::sinks::sink> sharedSink() {
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}

void appendJsonEscaped(std::string_view s, spdlog::memory_buf_t& dest) {
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      dest.push_back('\\');
      dest.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      dest.append(esc, esc + sizeof esc);
    } else {
      dest.push_back(static_cast<char>(c));
    }
  }
}

// %* : the current request id, or "-" outside a request.
class RequestIdFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view id = tlsRequestId.empty() ? std::string_view("-") : tlsRequestId;
    dest.append(id.data(), id.data() + id.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

// %~ : the message, escaped for a JSON string (plugins log arbitrary text).
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    appendJsonEscaped(std::string_view(msg.payload.data(), msg.payload.size()), dest);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

void setup(const Options& options) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<RequestIdFlag>('*').add_flag<JsonMessageFlag>('~');
  if (options.json) {
    formatter->set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","request_id":"%*","msg":"%~"})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ [%n] [%*] %v");
  }
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(spdlog::level::from_str(options.level));
  spdlog::flush_on(spdlog::level::warn);
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, sharedSink());
  spdlog::initialize_logger(logger);
  return logger;
}

RequestScope::RequestScope(std::string_view id) : previous_(tlsRequestId) {
  tlsRequestId = id;
}
RequestScope::~RequestScope() {
  tlsRequestId = previous_;
}

}  // namespace portico::log
