/* SPDX-License-Identifier: Apache-2.0 */
// The text of conf/porticod.properties as it was built: every host setting with its default.
// Config falls back on it for keys that neither the operator's file nor the environment set.
#pragma once

#include <string_view>

namespace portico::config {

std::string_view defaultProperties();

}  // namespace portico::config
