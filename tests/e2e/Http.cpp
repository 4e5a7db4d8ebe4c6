// SPDX-License-Identifier: Apache-2.0
#include "Http.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "Porticod.h"

namespace e2e {

Reply request(uint16_t port, const std::string& method, const std::string& path,
              const std::string& body, const std::map<std::string, std::string>& headers) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  return exchange(session, method, path, body, headers);
}

Reply exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
               const std::string& path, const std::string& body,
               const std::map<std::string, std::string>& headers) {
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "PUT" || method == "POST") {
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  std::ostream& out = session.sendRequest(req);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse res;
  std::istream& in = session.receiveResponse(res);
  Reply reply;
  reply.status = res.getStatus();
  Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : res) reply.headers[Poco::toLower(k)] = v;
  return reply;
}

Reply get(uint16_t port, const std::string& path) {
  return request(port, "GET", path);
}

Reply adminWithToken(const Porticod& p, const std::string& token, const std::string& method,
                     const std::string& path) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return request(p.adminPort(), method, path, "", headers);
}

Reply admin(const Porticod& p, const std::string& method, const std::string& path,
            const std::string& body) {
  return request(p.adminPort(), method, path, body, {{"Authorization", "Bearer " + p.token()}});
}

double metric(uint16_t port, const std::string& series) {
  std::string page = "\n" + get(port, "/metrics").body;
  size_t at = page.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(page.substr(at + series.size() + 2));
}

std::string rawExchange(uint16_t port, const std::string& bytes, int timeoutMs) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  char buf[4096];
  // Done once one whole response (headers plus Content-Length bytes) is in.
  auto complete = [&out] {
    size_t end = out.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    Reply head = parseRaw(out.substr(0, end + 4));
    auto length = head.headers.find("content-length");
    return length != head.headers.end() && out.size() >= end + 4 + std::stoul(length->second);
  };
  try {
    while (!complete()) {
      int n = socket.receiveBytes(buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  } catch (const Poco::Exception&) {
    // timeout or reset: return what arrived
  }
  return out;
}

Conversation rawUntilClose(uint16_t port, const std::string& bytes, int timeoutMs) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  Conversation c;
  char buf[4096];
  try {
    int n;
    while ((n = socket.receiveBytes(buf, sizeof buf)) > 0)
      c.received.append(buf, static_cast<size_t>(n));
    c.closed = true;
  } catch (const Poco::TimeoutException&) {
    // still open
  } catch (const Poco::Exception&) {
    c.closed = true;  // reset
  }
  return c;
}

Reply parseRaw(const std::string& raw) {
  Reply r;
  std::istringstream in(raw);
  std::string line;
  if (!std::getline(in, line)) return r;
  if (line.size() > 12) r.status = std::stoi(line.substr(9, 3));
  while (std::getline(in, line) && line != "\r") {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    Poco::trimInPlace(value);
    r.headers[Poco::toLower(line.substr(0, colon))] = value;
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  r.body = rest.str();
  return r;
}

std::pair<int, std::string> runCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace e2e
