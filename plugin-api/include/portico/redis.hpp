// SPDX-License-Identifier: MIT
// portico/redis.hpp — Redis for plugins (ABI 1.1): a leased connection, any command, every
// reply type. Part of the header-only SDK; include portico/sdk.hpp.
#ifndef PORTICO_REDIS_HPP
#define PORTICO_REDIS_HPP

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portico/sdk.hpp"

namespace portico {

// A Redis reply: a view into the tree owned by the RedisReply that the command returned.
class RedisValue {
 public:
  RedisValue(const portico_host_api* api, const portico_redis_reply* r) : api_(api), r_(r) {}
  portico_redis_type type() const { return api_->redis_reply_type(r_); }
  bool is_nil() const { return type() == PORTICO_REDIS_NIL; }
  bool is_error() const { return type() == PORTICO_REDIS_ERROR; }
  int64_t integer() const { return api_->redis_reply_integer(r_); }
  std::string_view text() const { return view(api_->redis_reply_string(r_)); }
  size_t size() const { return api_->redis_reply_length(r_); }
  RedisValue operator[](size_t i) const {
    return RedisValue(api_, api_->redis_reply_element(r_, i));
  }

 protected:
  const portico_host_api* api_;
  const portico_redis_reply* r_;
};

// Owns a top-level reply.
class RedisReply : public RedisValue {
 public:
  RedisReply(const portico_host_api* api, portico_redis_reply* r) : RedisValue(api, r) {}
  RedisReply(RedisReply&& o) noexcept : RedisValue(o.api_, std::exchange(o.r_, nullptr)) {}
  RedisReply(const RedisReply&) = delete;
  RedisReply& operator=(const RedisReply&) = delete;
  RedisReply& operator=(RedisReply&&) = delete;
  ~RedisReply() {
    if (r_) api_->redis_reply_free(const_cast<portico_redis_reply*>(r_));
  }
};

// A leased Redis connection, with the same rules as Db.
class Redis {
 public:
  explicit Redis(const Scope& scope, uint32_t timeout_ms = 0) : api_(scope.api) {
    detail::ErrorBuffer e;
    detail::check(api_->redis_acquire(scope.ctx, timeout_ms, &redis_, &e.err), e.err, "redis");
  }
  template <typename Owner, typename = decltype(std::declval<const Owner&>().scope())>
  explicit Redis(const Owner& owner, uint32_t timeout_ms = 0) : Redis(owner.scope(), timeout_ms) {}
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;
  ~Redis() { api_->redis_release(redis_); }

  RedisReply command(std::initializer_list<std::string_view> argv) {
    std::vector<portico_str> args;
    for (auto a : argv) args.push_back(str(a));
    return send(args);
  }
  RedisReply command(const std::vector<std::string>& argv) {
    std::vector<portico_str> args;
    args.reserve(argv.size());
    for (const auto& a : argv) args.push_back(str(a));
    return send(args);
  }

 private:
  RedisReply send(const std::vector<portico_str>& args) {
    portico_redis_reply* reply = nullptr;
    detail::ErrorBuffer e;
    detail::check(api_->redis_command(redis_, args.data(), args.size(), &reply, &e.err), e.err,
                  "redis command");
    return RedisReply(api_, reply);
  }

  const portico_host_api* api_;
  portico_redis* redis_ = nullptr;
};

}  // namespace portico

#endif  // PORTICO_REDIS_HPP
