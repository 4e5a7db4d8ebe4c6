// SPDX-License-Identifier: Apache-2.0
#include "resources/redis/RedisReply.h"

#include <Poco/Redis/Array.h>

#include <stdexcept>

namespace portico::resources {
namespace {

using Poco::Redis::Array;
using Poco::Redis::BulkString;
using Poco::Redis::RedisType;

const Array& arrayOf(const RedisType::Ptr& r) {
  return static_cast<const Poco::Redis::Type<Array>*>(r.get())->value();
}

}  // namespace

std::string replyText(const RedisType::Ptr& r) {
  if (r.isNull()) return "";
  if (r->isBulkString()) {
    const auto& b = static_cast<const Poco::Redis::Type<BulkString>*>(r.get())->value();
    return b.isNull() ? "" : b.value();
  }
  if (r->isInteger())
    return std::to_string(static_cast<const Poco::Redis::Type<Poco::Int64>*>(r.get())->value());
  return r->toString();
}

std::vector<RedisType::Ptr> replyElements(const RedisType::Ptr& r) {
  if (r.isNull() || !r->isArray() || arrayOf(r).isNull()) return {};
  const Array& a = arrayOf(r);
  return std::vector<RedisType::Ptr>(a.begin(), a.end());
}

bool replyIsNil(const RedisType::Ptr& r) {
  if (r.isNull()) return true;
  if (r->isBulkString())
    return static_cast<const Poco::Redis::Type<BulkString>*>(r.get())->value().isNull();
  if (r->isArray()) return arrayOf(r).isNull();
  return false;
}

void throwIfError(const RedisType::Ptr& r, const char* what) {
  if (!r.isNull() && r->isError())
    throw std::runtime_error(std::string(what) + ": " + r->toString());
}

}  // namespace portico::resources
