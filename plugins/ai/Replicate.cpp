// SPDX-License-Identifier: Apache-2.0
#include "Replicate.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>
#include <vector>

namespace ai_plugin {

namespace json = portico::json;

namespace {

std::vector<unsigned char> base64Decode(std::string_view text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || text.size() % 4 != 0) return {};
  size_t pad = 0;  // EVP_DecodeBlock counts the padding as zero bytes
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string base64Encode(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string mac(std::string_view secret, std::string_view id, std::string_view timestamp,
                std::string_view body) {
  if (secret.rfind("whsec_", 0) == 0) secret.remove_prefix(6);
  std::vector<unsigned char> key = base64Decode(secret);
  if (key.empty()) return "";
  std::string signed_;
  signed_.append(id).append(".").append(timestamp).append(".").append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_.data()), signed_.size(), digest, &len);
  return base64Encode(digest, len);
}

portico::HttpRequest authorized(const Provider& p, std::string method, std::string url) {
  portico::HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = {{"Authorization", "Bearer " + p.key}, {"Content-Type", "application/json"}};
  return r;
}

}  // namespace

Prediction parsePrediction(const json::Value& doc) {
  Prediction p;
  p.id = doc.at("id").as_string();
  p.status = doc.at("status").as_string();
  if (const json::Value* o = doc.find("output")) p.output = *o;
  if (const json::Value* e = doc.find("error"); e && !e->is_null()) {
    p.error = e->is_string() ? e->as_string() : e->dump();
  }
  if (const json::Value* m = doc.find("metrics"); m && m->is_object()) {
    if (const json::Value* t = m->find("predict_time"); t && t->is_number()) {
      p.seconds = t->as_double();
    }
    if (const json::Value* in = m->find("input_token_count"); in && in->is_int()) {
      p.usage.inputTokens = in->as_int();
    }
    if (const json::Value* out = m->find("output_token_count"); out && out->is_int()) {
      p.usage.outputTokens = out->as_int();
    }
  }
  return p;
}

portico::HttpRequest createPrediction(const Provider& provider, const Model& model,
                                      const json::Value& input, const std::string& webhookUrl) {
  json::Value body = json::object({{"input", input}});
  std::string url;
  size_t colon = model.upstreamName.find(':');
  if (colon == std::string::npos) {
    url = provider.baseUrl + "/models/" + model.upstreamName + "/predictions";
  } else {
    url = provider.baseUrl + "/predictions";
    body.set("version", model.upstreamName.substr(colon + 1));
  }
  if (!webhookUrl.empty()) {
    body.set("webhook", webhookUrl);
    body.set("webhook_events_filter", json::Array{"completed"});
  }
  portico::HttpRequest r = authorized(provider, "POST", url);
  r.body = body.dump();
  return r;
}

portico::HttpRequest getPrediction(const Provider& provider, const std::string& id) {
  portico::HttpRequest r = authorized(provider, "GET", provider.baseUrl + "/predictions/" + id);
  r.max_attempts = 3;
  return r;
}

portico::HttpRequest cancelPrediction(const Provider& provider, const std::string& id) {
  return authorized(provider, "POST", provider.baseUrl + "/predictions/" + id + "/cancel");
}

bool verifyWebhook(std::string_view secret, std::string_view id, std::string_view timestamp,
                   std::string_view body, std::string_view signatures, int64_t nowSeconds,
                   int64_t toleranceSeconds, std::string* why) {
  if (id.empty() || timestamp.empty() || signatures.empty()) {
    *why = "webhook-id, webhook-timestamp and webhook-signature are required";
    return false;
  }
  int64_t at = 0;
  try {
    size_t used = 0;
    at = std::stoll(std::string(timestamp), &used);
    if (used != timestamp.size()) throw std::invalid_argument("timestamp");
  } catch (const std::exception&) {
    *why = "webhook-timestamp is not a number";
    return false;
  }
  if (std::llabs(nowSeconds - at) > toleranceSeconds) {
    *why = "webhook-timestamp is too far from now";
    return false;
  }
  std::string expected = mac(secret, id, timestamp, body);
  if (expected.empty()) {
    *why = "the webhook secret is not base64";
    return false;
  }
  size_t start = 0;
  while (start < signatures.size()) {
    size_t end = signatures.find(' ', start);
    if (end == std::string_view::npos) end = signatures.size();
    std::string_view entry = signatures.substr(start, end - start);
    if (entry.rfind("v1,", 0) == 0) {
      entry.remove_prefix(3);
      if (entry.size() == expected.size() &&
          CRYPTO_memcmp(entry.data(), expected.data(), entry.size()) == 0) {
        return true;
      }
    }
    start = end + 1;
  }
  *why = "no signature matches";
  return false;
}

}  // namespace ai_plugin
