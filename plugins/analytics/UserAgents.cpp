// SPDX-License-Identifier: Apache-2.0
#include "UserAgents.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace analytics_plugin {

namespace {

// Lower-case fragments, as the isbot and Matomo device-detector lists group them: the generic
// words most crawlers carry, then known names without them.
constexpr std::string_view kFragments[] = {
    "bot",
    "crawl",
    "spider",
    "slurp",
    "scrape",
    "headless",
    "phantomjs",
    "lighthouse",
    "pagespeed",
    "pingdom",
    "uptime",
    "monitor",
    "preview",
    "facebookexternalhit",
    "embedly",
    "whatsapp",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "go-http-client",
    "java/",
    "okhttp",
    "axios/",
    "node-fetch",
    "undici",
    "libwww-perl",
    "httpclient",
    "scrapy",
    "postmanruntime",
    "insomnia",
    "feedfetcher",
    "mediapartners-google",
    "google-inspectiontool",
    "yandex",
    "baiduspider",
    "bingpreview",
    "ahrefs",
    "semrush",
    "archive.org_bot",
    "ia_archiver",
    "petalbot",
    "bytespider",
    "gptbot",
    "chatgpt-user",
    "claudebot",
    "perplexity",
    "ccbot",
    "applebot",
};

}  // namespace

bool isBot(std::string_view userAgent) {
  if (userAgent.find_first_not_of(" \t") == std::string_view::npos) return true;
  std::string lower(userAgent);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(kFragments), std::end(kFragments),
                     [&](std::string_view f) { return lower.find(f) != std::string::npos; });
}

}  // namespace analytics_plugin
