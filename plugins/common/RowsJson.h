/* SPDX-License-Identifier: Apache-2.0 */
// Query results as JSON for a plugin's answer: each row an object, each column by its name and
// type (NULL as null, integers and doubles as numbers, anything else as its text).
#pragma once

#include <string>

#include "portico/sdk.hpp"

namespace portico::common {

inline json::Value rowObject(const Rows& rows, size_t i) {
  json::Value out = json::object({});
  for (size_t c = 0; c < rows.columns(); ++c) {
    DbValue v = rows.at(i, c);
    std::string name(rows.column_name(c));
    switch (v.type()) {
      case PORTICO_TYPE_NULL:
        out.set(name, nullptr);
        break;
      case PORTICO_TYPE_INT64:
        out.set(name, v.as_int());
        break;
      case PORTICO_TYPE_DOUBLE:
        out.set(name, v.as_double());
        break;
      default:
        out.set(name, std::string(v.as_text()));
    }
  }
  return out;
}

inline json::Value rowsArray(const Rows& rows) {
  json::Array out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(rowObject(rows, i));
  return out;
}

}  // namespace portico::common
