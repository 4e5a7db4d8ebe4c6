/* SPDX-License-Identifier: Apache-2.0 */
// A browser's own push stream: every message a plugin (or a job) publishes to the channel
// user:<id> reaches the signed-in user's open tabs, on whichever porticod they are connected to.
//
// Browsers cannot set headers on EventSource or WebSocket, so the access token cannot travel the
// usual way. Putting it in the URL would write a long-lived bearer token into access logs,
// proxies' logs and browser history. Instead the page trades its token (sent as a header from
// fetch) for a ticket, kept in Redis so that any host can redeem it:
//   POST /push/ticket       Authorization: Bearer <access token>  -> {"ticket": "...", ...}
//   GET  /push/me?ticket=T  server-sent events, or a WebSocket when the request is an upgrade
// A non-browser client may send its Authorization header to /push/me directly.
//
// A ticket is bound to the token it was traded for, and lives no longer: once that session is
// revoked (or the token expires) it opens nothing, and the streams it opened close
// (SessionStreams.h). Its first use must come within http.push_ticket_ttl_s. After that it opens
// a stream again only with the resume secret that the stream's own event ids carry
// (`id: <message id>/<secret>`), which an EventSource sends back as Last-Event-ID when it
// reconnects (after a host restart, say) and which never appears in a URL: so a reconnecting
// EventSource comes back by itself and gets what it missed from the channel's log, while a ticket
// copied from a log opens nothing. A WebSocket's ticket works once.
#pragma once

#include <chrono>
#include <string>

#include "http/Exchange.h"

namespace portico::auth {
class AuthService;
}
namespace portico::resources {
class Resources;
}

namespace portico::push {

class ChannelHub;
class SessionStreams;

class UserStreams {
 public:
  UserStreams(auth::AuthService& auth, resources::Resources& resources, ChannelHub& channels,
              SessionStreams& sessions, std::chrono::seconds ticketTtl, size_t streamBufferBytes)
      : auth_(auth),
        resources_(resources),
        channels_(channels),
        sessions_(sessions),
        ticketTtl_(ticketTtl),
        streamBufferBytes_(streamBufferBytes) {}

  void issueTicket(http::Request& request, http::Response& response, http::Exchange& exchange);
  void open(http::Request& request, std::string_view query, http::Response& response,
            http::Exchange& exchange);

 private:
  auth::AuthService& auth_;
  resources::Resources& resources_;
  ChannelHub& channels_;
  SessionStreams& sessions_;
  std::chrono::seconds ticketTtl_;
  size_t streamBufferBytes_;
};

}  // namespace portico::push
