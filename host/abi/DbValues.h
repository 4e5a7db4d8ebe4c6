/* SPDX-License-Identifier: Apache-2.0 */
// Conversion between the ABI's portico_value and what libpq sends and receives.
#pragma once

#include <deque>
#include <string>

#include "portico/plugin.h"
#include "resources/postgres/PgConnection.h"

namespace portico::abi {

// A statement parameter for `v`. Throws std::invalid_argument for an unknown type or a
// timestamp out of range.
resources::PgParam toParam(const portico_value& v);

// One result cell, typed by its column's type OID. Decoded bytes (bytea) are kept in `scratch`,
// which must live as long as the value is used.
portico_value cellValue(const resources::PgResult& result, int row, int column,
                        std::deque<std::string>& scratch);

// Microseconds since the epoch <-> "YYYY-MM-DD HH:MM:SS.ffffff+00" (UTC sessions only).
std::string formatTimestamp(int64_t micros);
bool parseTimestamp(const char* text, int64_t* micros);

}  // namespace portico::abi
