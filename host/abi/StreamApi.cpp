// SPDX-License-Identifier: Apache-2.0
// Streams (1.5): request_body_read hands a route its body as it arrives; response_stream and
// response_websocket turn a response into an http::Stream
// that outlives the handler; the plugin's callbacks are called through a listener that keeps its
// generation mapped until the stream has ended; channels fan messages out across hosts.
#include "abi/AbiGlue.h"
#include "abi/ApiParts.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "crash/CallSite.h"
#include "log/Logging.h"
#include "push/ChannelHub.h"

namespace portico::abi {
namespace {

// Calls the plugin back for one stream: on the connection's event loop, with the crash handler
// told whose code runs, and an exception a C++ callback lets out stopped here.
class PluginListener final : public http::StreamListener {
 public:
  PluginListener(const portico_stream_handlers& handlers, const StreamOrigin& origin,
                 portico_stream* handle)
      : handlers_(handlers), origin_(origin), handle_(handle) {}

  void onMessage(bool binary, std::string_view data) override {
    if (handlers_.on_message == nullptr) return;
    call("MESSAGE", [&] { handlers_.on_message(handlers_.user_data, handle_, binary, ps(data)); });
  }

  void onWritable() override {
    if (handlers_.on_writable == nullptr) return;
    call("WRITABLE", [&] { handlers_.on_writable(handlers_.user_data, handle_); });
  }

  void onClose(uint16_t code, std::string_view reason) override {
    call("CLOSE", [&] { handlers_.on_close(handlers_.user_data, handle_, code, ps(reason)); });
    handle_->release();
    // Nothing of the plugin is called any more: its generation may go.
    origin_.generation.reset();
  }

 private:
  template <typename F>
  void call(const char* what, F&& f) {
    crash::CallSite site(origin_.plugin, origin_.generationNumber, origin_.sha256, what,
                         origin_.route, origin_.requestId);
    try {
      f();
    } catch (const std::exception& e) {
      log::get("plugin." + origin_.plugin)->error("stream callback {} threw: {}", what, e.what());
    } catch (...) {
      log::get("plugin." + origin_.plugin)->error("stream callback {} threw", what);
    }
  }

  portico_stream_handlers handlers_;
  StreamOrigin origin_;
  portico_stream* handle_;
};

portico_status makeStream(portico_response* res, const portico_stream_handlers* handlers,
                          portico_stream** stream, portico_error* err, http::Stream::Kind kind) {
  return guarded(err, [&] {
    if (res == nullptr || handlers == nullptr || stream == nullptr ||
        !PORTICO_HAS_MEMBER(handlers, portico_stream_handlers, on_close) ||
        handlers->on_close == nullptr) {
      portico_error_set(err, "a stream needs its handlers, on_close at least");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if (res->origin == nullptr || res->stream) {
      portico_error_set(err, "a response becomes a stream once, during its request's handler");
      return PORTICO_ERR_WRONG_STATE;
    }
    if (kind == http::Stream::Kind::WebSocket && !res->origin->websocketUpgrade) {
      res->refusedWebSocket = true;
      portico_error_set(err, "this request is not a WebSocket upgrade");
      return PORTICO_ERR_WRONG_STATE;
    }
    portico_stream_handlers copy{};
    std::memcpy(&copy, handlers, std::min(handlers->struct_size, sizeof copy));
    auto* handle = new portico_stream;
    handle->channels = res->origin->context->services->channels;
    handle->stream = std::make_shared<http::Stream>(
        kind, res->origin->bufferBytes,
        std::make_shared<PluginListener>(copy, *res->origin, handle));
    res->origin->context->streams.add(handle->stream);
    res->stream = handle->stream;
    res->body.clear();
    *stream = handle;
    return PORTICO_OK;
  });
}

portico_status responseStream(portico_response* res, const portico_stream_handlers* handlers,
                              portico_stream** stream, portico_error* err) {
  return makeStream(res, handlers, stream, err, http::Stream::Kind::Chunked);
}

portico_status responseWebsocket(portico_response* res, const portico_stream_handlers* handlers,
                                 portico_stream** stream, portico_error* err) {
  return makeStream(res, handlers, stream, err, http::Stream::Kind::WebSocket);
}

portico_status streamWrite(portico_stream* stream, portico_str data, bool binary) {
  if (stream == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  try {
    switch (stream->stream->write(std::string(sv(data)), binary)) {
      case http::Stream::Sent::Ok:
        return PORTICO_OK;
      case http::Stream::Sent::WouldBlock:
        return PORTICO_ERR_WOULD_BLOCK;
      case http::Stream::Sent::Closed:
        return PORTICO_ERR_CLOSED;
    }
  } catch (const std::bad_alloc&) {
    return PORTICO_ERR_TOO_LARGE;
  }
  return PORTICO_ERR_INTERNAL;
}

// Codes an endpoint may send (RFC 6455 section 7.4): 1005, 1006 and 1015 only ever describe a
// close, and 1004 and 1016-2999 are reserved.
bool sendableCloseCode(uint32_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

portico_status streamClose(portico_stream* stream, uint32_t code, portico_str reason) {
  if (stream == nullptr || !sendableCloseCode(code)) return PORTICO_ERR_INVALID_ARGUMENT;
  stream->stream->close(static_cast<uint16_t>(code), std::string(sv(reason)));
  return PORTICO_OK;
}

void streamRelease(portico_stream* stream) {
  if (stream != nullptr) stream->release();
}

portico_status channelPublish(portico_host_ctx* ctx, portico_str channel, portico_str data,
                              portico_error* err) {
  return guarded(err, [&] {
    if (ctx == nullptr || !push::ChannelHub::validName(sv(channel))) {
      portico_error_set(err, "channel names are [A-Za-z0-9:._-]{1,128}");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    push::ChannelHub* hub = ctx->plugin->services->channels;
    if (hub == nullptr) {
      portico_error_set(err, "this host has no push channels");
      return PORTICO_ERR_UNAVAILABLE;
    }
    hub->publish(std::string(sv(channel)), std::string(sv(data)));
    return PORTICO_OK;
  });
}

portico_status streamSubscribe(portico_stream* stream, portico_str channel, portico_error* err) {
  return guarded(err, [&] {
    if (stream == nullptr || !push::ChannelHub::validName(sv(channel))) {
      portico_error_set(err, "channel names are [A-Za-z0-9:._-]{1,128}");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if (stream->channels == nullptr) {
      portico_error_set(err, "this host has no push channels");
      return PORTICO_ERR_UNAVAILABLE;
    }
    if (stream->stream->ended()) return PORTICO_ERR_CLOSED;
    if (!stream->channels->subscribe(std::string(sv(channel)), stream->stream)) {
      portico_error_set(err, "the channel subscription was not confirmed in time (Redis?)");
      return PORTICO_ERR_UNAVAILABLE;
    }
    return PORTICO_OK;
  });
}

portico_status requestBodyRead(const portico_request* req, char* buf, size_t cap, size_t* len,
                               portico_error* err) {
  return guarded(err, [&] {
    if (req == nullptr || len == nullptr || (buf == nullptr && cap > 0)) {
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (req->bodySource == nullptr) {
      portico_error_set(err, "request_body_read needs a route with PORTICO_ROUTE_STREAM_BODY");
      return PORTICO_ERR_WRONG_STATE;
    }
    if (req->bodyError) {
      portico_error_set(err, req->bodyError->message.c_str());
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    auto error = req->bodySource->readBodySome(req->bodyLimit, buf, cap, len);
    if (!error) return PORTICO_OK;
    req->bodyError = error;
    portico_error_set(err, error->message.c_str());
    if (error->status == 413) return PORTICO_ERR_TOO_LARGE;
    if (error->status == 408) return PORTICO_ERR_TIMEOUT;
    return PORTICO_ERR_INVALID_ARGUMENT;
  });
}

portico_str callTraceparent(portico_host_ctx* ctx) {
  if (ctx == nullptr || ctx->scope == nullptr) return portico_str{};
  return ps(ctx->scope->traceparent);
}

}  // namespace

void fillStreamApi(portico_host_api& api) {
  api.call_traceparent = &callTraceparent;
  api.request_body_read = &requestBodyRead;
  api.response_stream = &responseStream;
  api.response_websocket = &responseWebsocket;
  api.stream_write = &streamWrite;
  api.stream_close = &streamClose;
  api.stream_release = &streamRelease;
  api.channel_publish = &channelPublish;
  api.stream_subscribe = &streamSubscribe;
}

}  // namespace portico::abi
