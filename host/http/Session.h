/* SPDX-License-Identifier: Apache-2.0 */
// One client connection on an event loop. Reading a request head, writing an answer and waiting
// for the next request are asynchronous, so an idle keep-alive connection or a slowloris costs a
// socket and a few hundred bytes, not a thread. The handler runs inline and reads the body with
// blocking reads (EventLoops.h lends the loop another thread if it blocks). The socket must be
// bound to a strand: a loop may be run by several threads at once.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "http/ServerShared.h"

namespace portico::http {

// Serves `socket` until either side closes, a limit is passed or the server stops.
void startSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerShared> shared);

}  // namespace portico::http
