// SPDX-License-Identifier: Apache-2.0
#include "push/UserStreams.h"

#include <openssl/rand.h>

#include "auth/AuthService.h"
#include "auth/Base64Url.h"
#include "http/ErrorResponse.h"
#include "http/HostPaths.h"
#include "http/RequestTarget.h"
#include "http/Stream.h"
#include "portico/json.hpp"
#include "push/ChannelHub.h"
#include "resources/Resources.h"
#include "resources/redis/RedisReply.h"

namespace portico::push {

namespace {

const std::string kTicketKey = "portico:push:ticket:";

// The host's own streams carry only what channels send; a browser's messages are not read.
class Subscriber final : public http::StreamListener {
 public:
  void onMessage(bool, std::string_view) override {}
  void onWritable() override {}
  void onClose(uint16_t, std::string_view) override {}
};

std::string newTicket() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return auth::base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

void UserStreams::issueTicket(http::Request& request, http::Response& response,
                              http::Exchange& exchange) {
  auto who = auth_.authenticate({request.header("Authorization"), std::nullopt},
                                PORTICO_AUTH_REQUIRED, {});
  if (who.status != 0) {
    return http::sendRefusal(response, who.status, who.message, who.challenge, exchange.requestId);
  }
  std::string channel = "user:" + who.principal->subject;
  if (!ChannelHub::validName(channel)) {
    return http::sendError(response, 403, "this caller has no push channel", exchange.requestId);
  }
  if (resources_.redis() == nullptr) {
    return http::sendError(response, 503, "push needs Redis", exchange.requestId);
  }
  std::string ticket = newTicket();
  try {
    resources_.redis()->withConnection([&](resources::RedisConnection& c) {
      c.command({"SET", kTicketKey + ticket, who.principal->subject, "EX",
                 std::to_string(ticketTtl_.count())});
    });
  } catch (const std::exception&) {
    return http::sendError(response, 503, "push tickets are unavailable, try again later",
                           exchange.requestId);
  }
  http::sendJson(response, 201,
                 json::object({{"ticket", ticket},
                               {"expires_in", static_cast<int64_t>(ticketTtl_.count())},
                               {"url", std::string(http::kPushStreamPath) + "?ticket=" + ticket}})
                     .dump());
}

void UserStreams::open(http::Request& request, std::string_view query, http::Response& response,
                       http::Exchange& exchange) {
  std::string subject;
  if (auto ticket = http::queryParam(query, "ticket")) {
    if (resources_.redis() == nullptr) {
      return http::sendError(response, 503, "push needs Redis", exchange.requestId);
    }
    // GETDEL: a ticket opens one stream, on any host, once.
    Poco::Redis::RedisType::Ptr reply;
    try {
      reply = resources_.redis()->withConnection([&](resources::RedisConnection& c) {
        return c.command({"GETDEL", kTicketKey + *ticket});
      });
    } catch (const std::exception&) {
      return http::sendError(response, 503, "push tickets are unavailable, try again later",
                             exchange.requestId);
    }
    if (resources::replyIsNil(reply)) {
      return http::sendError(response, 401, "the push ticket is unknown, used or expired",
                             exchange.requestId);
    }
    subject = resources::replyText(reply);
  } else {
    auto who = auth_.authenticate({request.header("Authorization"), std::nullopt},
                                  PORTICO_AUTH_REQUIRED, {});
    if (who.status != 0) {
      return http::sendRefusal(response, who.status,
                               who.message + " (browsers: POST /push/ticket, then ?ticket=)",
                               who.challenge, exchange.requestId);
    }
    subject = who.principal->subject;
  }
  bool websocket = http::isWebSocketUpgrade(request);
  auto stream = std::make_shared<http::Stream>(
      websocket ? http::Stream::Kind::WebSocket : http::Stream::Kind::Chunked, streamBufferBytes_,
      std::make_shared<Subscriber>());
  channels_.subscribe("user:" + subject, stream);
  if (!websocket) {
    response.set("Content-Type", "text/event-stream");
    response.set("Cache-Control", "no-cache");
    stream->write(": subscribed\n\n", false);
  }
  response.stream = std::move(stream);
}

}  // namespace portico::push
