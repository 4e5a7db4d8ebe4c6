/* SPDX-License-Identifier: Apache-2.0 */
// Reading Poco::Redis replies without repeating its casts: text, elements and error checks.
#pragma once

#include <Poco/Redis/Type.h>

#include <string>
#include <vector>

namespace portico::resources {

// A bulk string's bytes (empty for a null one), an integer in decimal, else Poco's rendering.
std::string replyText(const Poco::Redis::RedisType::Ptr& reply);
// The elements of an array reply; empty for a null array or any other type.
std::vector<Poco::Redis::RedisType::Ptr> replyElements(const Poco::Redis::RedisType::Ptr& reply);
// True for a null bulk string or null array (a missing key).
bool replyIsNil(const Poco::Redis::RedisType::Ptr& reply);
// Throws std::runtime_error("<what>: <message>") for an error reply.
void throwIfError(const Poco::Redis::RedisType::Ptr& reply, const char* what);

}  // namespace portico::resources
