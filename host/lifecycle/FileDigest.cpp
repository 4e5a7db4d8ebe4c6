// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/FileDigest.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <stdexcept>

namespace portico::lifecycle {
namespace {

// Streams `from` through SHA-256, writing each chunk to `out` when given.
std::string digest(const std::string& from, std::ofstream* out) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + from);
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  char buf[64 * 1024];
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    sha.update(buf, static_cast<unsigned>(n));
    if (out) out->write(buf, n);
  }
  if (in.bad()) throw std::runtime_error("reading " + from + " failed");
  return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace

std::string sha256OfFile(const std::string& path) {
  return digest(path, nullptr);
}

std::string copyWithDigest(const std::string& from, const std::string& to) {
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + to);
  std::string hex = digest(from, &out);
  out.close();
  if (!out) throw std::runtime_error("writing " + to + " failed");
  return hex;
}

}  // namespace portico::lifecycle
