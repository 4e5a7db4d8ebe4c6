/* SPDX-License-Identifier: Apache-2.0 */
// Whether a User-Agent is a program rather than a person: crawlers, link previews, monitors,
// headless browsers and HTTP libraries. Their events are counted, not stored.
#pragma once

#include <string_view>

namespace analytics_plugin {

// An empty User-Agent counts as a program: every browser sends one.
bool isBot(std::string_view userAgent);

}  // namespace analytics_plugin
