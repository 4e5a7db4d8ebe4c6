/* SPDX-License-Identifier: Apache-2.0 */
// Replicate's predictions API: a prediction is created, then polled (or its webhook arrives)
// until it succeeds, fails or is cancelled. Webhooks are signed as Standard Webhooks are:
// HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>" with the base64 secret after
// "whsec_", sent as "v1,<base64>" entries of webhook-signature.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "Registry.h"
#include "StreamedReply.h"
#include "portico/sdk.hpp"

namespace ai_plugin {

struct Prediction {
  std::string id;
  std::string status;  // starting, processing, succeeded, failed, canceled
  portico::json::Value output;
  std::string error;
  Usage usage;         // metrics.input_token_count / output_token_count when the model counts
  double seconds = 0;  // metrics.predict_time
  bool finished() const {
    return status == "succeeded" || status == "failed" || status == "canceled";
  }
};

// Throws json::TypeError when the document is not a prediction.
Prediction parsePrediction(const portico::json::Value& doc);

// POST to /models/{owner}/{name}/predictions, or /predictions with the version of
// "owner/name:version".
portico::HttpRequest createPrediction(const Provider& provider, const Model& model,
                                      const portico::json::Value& input,
                                      const std::string& webhookUrl);
portico::HttpRequest getPrediction(const Provider& provider, const std::string& id);
portico::HttpRequest cancelPrediction(const Provider& provider, const std::string& id);

// Whether a webhook is genuine: a signature that matches and a timestamp within
// toleranceSeconds of nowSeconds. why says what failed.
bool verifyWebhook(std::string_view secret, std::string_view id, std::string_view timestamp,
                   std::string_view body, std::string_view signatures, int64_t nowSeconds,
                   int64_t toleranceSeconds, std::string* why);

}  // namespace ai_plugin
