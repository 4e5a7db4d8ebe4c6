/* SPDX-License-Identifier: Apache-2.0 */
// The dashboard's files (dashboard/: the page, its script and style, and uPlot from npm), built
// into analytics.so by EmbedAssets.cmake.
#pragma once

#include <string_view>

namespace analytics_plugin {

struct Asset {
  std::string_view name;  // as in /analytics/assets/<name>; index.html is the page itself
  std::string_view contentType;
  std::string_view bytes;
};

// nullptr for a name that is not embedded.
const Asset* findAsset(std::string_view name);

}  // namespace analytics_plugin
