// SPDX-License-Identifier: Apache-2.0
#include "push/UserStreams.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "auth/AuthService.h"
#include "auth/Base64Url.h"
#include "http/ErrorResponse.h"
#include "http/HostPaths.h"
#include "http/RequestTarget.h"
#include "http/Stream.h"
#include "portico/json.hpp"
#include "push/ChannelBus.h"
#include "push/ChannelHub.h"
#include "push/SessionStreams.h"
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

std::string randomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return auth::base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// KEYS[1] the ticket; ARGV[1] the resume secret the client sent ("" for none). The first use is
// free and makes the ticket live as long as its token; a later one needs the secret.
const char* const kRedeem = R"lua(
local t = redis.call('HMGET', KEYS[1], 'sub', 'jti', 'iat', 'resume', 'exp', 'used')
if not t[1] then return false end
if t[6] then
  if ARGV[1] == '' or ARGV[1] ~= t[4] then return false end
else
  redis.call('HSET', KEYS[1], 'used', '1')
  redis.call('EXPIREAT', KEYS[1], t[5])
end
return {t[1], t[2], t[3], t[4]}
)lua";

// Last-Event-ID as this host writes it: "<message id>[/<resume secret>]".
struct LastEvent {
  std::optional<std::string> id;
  std::string secret;
};

LastEvent lastEvent(const http::Request& request, std::string_view query) {
  std::optional<std::string> text;
  if (auto header = request.header("Last-Event-ID")) {
    text = std::string(*header);
  } else {
    text = http::queryParam(query, "last_event_id");
  }
  LastEvent out;
  if (!text) return out;
  size_t slash = text->find('/');
  std::string id = text->substr(0, slash);
  if (slash != std::string::npos) out.secret = text->substr(slash + 1);
  // Anything else is no cursor at all: the stream starts from now.
  if (parseMessageId(id)) out.id = std::move(id);
  return out;
}

}  // namespace

void UserStreams::issueTicket(http::Request& request, http::Response& response,
                              http::Exchange& exchange) {
  auto who = auth_.authenticate({request.header("Authorization"), std::nullopt},
                                PORTICO_AUTH_REQUIRED, {});
  if (who.status != 0) {
    return http::sendRefusal(response, who.status, who.message, who.challenge, exchange.requestId);
  }
  const auth::Principal& p = *who.principal;
  std::string channel = "user:" + p.subject;
  if (!ChannelHub::validName(channel) || p.tokenId.empty()) {
    return http::sendError(response, 403, "this caller has no push channel", exchange.requestId);
  }
  if (resources_.redis() == nullptr) {
    return http::sendError(response, 503, "push needs Redis", exchange.requestId);
  }
  std::string ticket = randomToken();
  std::string key = kTicketKey + ticket;
  try {
    resources_.redis()->withConnection([&](resources::RedisConnection& c) {
      auto replies = c.pipeline(
          {{"MULTI"},
           {"HSET", key, "sub", p.subject, "jti", p.tokenId, "iat", std::to_string(p.issuedAtMs),
            "exp", std::to_string(p.expiresAt), "resume", randomToken()},
           {"EXPIRE", key, std::to_string(ticketTtl_.count())},
           {"EXEC"}});
      resources::throwIfError(replies.back(), "issuing a push ticket");
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
  bool websocket = http::isWebSocketUpgrade(request);
  LastEvent last = lastEvent(request, query);
  Session session;
  std::string resume;
  auto ticket = http::queryParam(query, "ticket");
  if (ticket) {
    if (resources_.redis() == nullptr) {
      return http::sendError(response, 503, "push needs Redis", exchange.requestId);
    }
    Poco::Redis::RedisType::Ptr reply;
    try {
      reply = resources_.redis()->withConnection([&](resources::RedisConnection& c) {
        return c.command(
            {"EVAL", kRedeem, "1", kTicketKey + *ticket, websocket ? "" : last.secret});
      });
      resources::throwIfError(reply, "redeeming a push ticket");
    } catch (const std::exception&) {
      return http::sendError(response, 503, "push tickets are unavailable, try again later",
                             exchange.requestId);
    }
    auto fields = resources::replyElements(reply);
    if (fields.size() != 4) {
      return http::sendError(response, 401, "the push ticket is unknown, used or expired",
                             exchange.requestId);
    }
    session.subject = resources::replyText(fields[0]);
    session.tokenId = resources::replyText(fields[1]);
    session.issuedAtMs = std::atoll(resources::replyText(fields[2]).c_str());
    resume = resources::replyText(fields[3]);
  } else {
    auto who = auth_.authenticate({request.header("Authorization"), std::nullopt},
                                  PORTICO_AUTH_REQUIRED, {});
    if (who.status != 0) {
      return http::sendRefusal(response, who.status,
                               who.message + " (browsers: POST /push/ticket, then ?ticket=)",
                               who.challenge, exchange.requestId);
    }
    session = {who.principal->subject, who.principal->tokenId, who.principal->issuedAtMs};
  }
  auto stream = std::make_shared<http::Stream>(
      websocket ? http::Stream::Kind::WebSocket : http::Stream::Kind::Chunked, streamBufferBytes_,
      std::make_shared<Subscriber>());
  // Bound before the denylist is read: a revocation is either seen there or heard as a notice.
  if (!session.tokenId.empty()) sessions_.bind(stream, session, !websocket);
  bool ended = false;
  try {
    ended = !session.tokenId.empty() &&
            auth_.sessionEnded(session.subject, session.tokenId, session.issuedAtMs);
  } catch (const std::exception&) {
    stream->end(1011, "token checks are unavailable");
    return http::sendError(response, 503, "token checks are unavailable, try again later",
                           exchange.requestId);
  }
  if (ended) {
    stream->end(1008, "the session has ended");
    return http::sendError(response, 401, "the session this push ticket belongs to has ended",
                           exchange.requestId);
  }
  ChannelHub::Delivery delivery;
  if (!websocket) {
    delivery.ids = true;
    if (!resume.empty()) delivery.idSuffix = "/" + resume;
    delivery.after = last.id;
  }
  if (!channels_.subscribe("user:" + session.subject, stream, std::move(delivery))) {
    stream->end(1011, "push is unavailable");
    return http::sendError(response, 503, "push is unavailable, try again later",
                           exchange.requestId);
  }
  if (!websocket) {
    response.set("Content-Type", "text/event-stream");
    response.set("Cache-Control", "no-cache");
    stream->write(": subscribed\n\n", false);
  }
  response.stream = std::move(stream);
}

}  // namespace portico::push
