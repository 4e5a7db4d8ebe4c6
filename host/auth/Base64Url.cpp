// SPDX-License-Identifier: Apache-2.0
#include "auth/Base64Url.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>

#include <iterator>
#include <sstream>

namespace portico::auth {

namespace {
constexpr int kOptions = Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING;
}

std::string base64UrlEncode(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, kOptions);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  std::string bytes;
  try {
    std::istringstream in{std::string(text)};
    Poco::Base64Decoder decoder(in, kOptions);
    bytes.assign(std::istreambuf_iterator<char>(decoder.rdbuf()), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
  // Poco's decoder skips whitespace and ignores stray trailing bits: only the one spelling its
  // encoder produces is accepted, so a token cannot be respelled.
  if (base64UrlEncode(bytes) != text) return std::nullopt;
  return bytes;
}

}  // namespace portico::auth
