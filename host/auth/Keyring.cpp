// SPDX-License-Identifier: Apache-2.0
#include "auth/Keyring.h"

#include "common/Names.h"
#include "config/Config.h"

namespace portico::auth {
namespace {

bool isValidKid(const std::string& kid) {
  return common::isName(kid, 32, common::kLower | common::kDigits);
}

}  // namespace

Keyring Keyring::fromConfig(const config::Config& config) {
  Keyring ring;
  try {
    for (const auto& kid : config.getList("auth.keys")) {
      if (!isValidKid(kid)) {
        throw config::ConfigError("auth.keys: kid '" + kid + "' is not 1 to 32 of [a-z0-9]");
      }
      std::string prefix = "auth.key." + kid + ".";
      Algorithm alg = algorithmFromString(config.find(prefix + "alg").value_or(""));
      if (alg == Algorithm::HS256) {
        if (!config.fromEnvironment(prefix + "secret") && config.find(prefix + "secret")) {
          throw config::ConfigError(prefix + "secret must come from the environment (" +
                                    config::Config::envName(prefix + "secret") + "), not a file");
        }
        ring.add(SigningKey::fromSecret(kid, config.find(prefix + "secret").value_or("")));
      } else {
        std::string file = config.find(prefix + "file").value_or("");
        if (file.empty()) throw config::ConfigError(prefix + "file is not set");
        ring.add(SigningKey::fromPemFile(kid, alg, file));
      }
    }
    std::string signer = config.getString("auth.signing_key");
    if (!signer.empty()) ring.setSigner(signer);
  } catch (const KeyError& e) {
    throw config::ConfigError(e.what());
  }
  return ring;
}

void Keyring::add(SigningKey key) {
  std::string kid = key.kid();
  if (!keys_.emplace(kid, std::move(key)).second)
    throw KeyError("kid '" + kid + "' is listed twice");
  json::Array jwks;
  for (const auto& [k, v] : keys_) {
    json::Value jwk = v.publicJwk();
    if (!jwk.is_null()) jwks.push_back(std::move(jwk));
  }
  jwks_ = json::object({{"keys", json::Value(std::move(jwks))}}).dump();
}

void Keyring::setSigner(const std::string& kid) {
  const SigningKey* key = find(kid);
  if (key == nullptr) throw KeyError("auth.signing_key '" + kid + "' is not listed in auth.keys");
  if (!key->canSign()) throw KeyError("auth.signing_key '" + kid + "' has no private key");
  signer_ = key;
}

const SigningKey* Keyring::find(const std::string& kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace portico::auth
