/* SPDX-License-Identifier: Apache-2.0 */
// SHA-256 of plugin files: reported per generation, and used to ignore a watch event for a file
// that did not change.
#pragma once

#include <string>

namespace portico::lifecycle {

// Hex SHA-256 of the file's bytes. Throws std::runtime_error when it cannot be read.
std::string sha256OfFile(const std::string& path);

// Copies `from` to `to` and returns the SHA-256 of the bytes copied. Throws on I/O failure.
std::string copyWithDigest(const std::string& from, const std::string& to);

}  // namespace portico::lifecycle
