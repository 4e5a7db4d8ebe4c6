#include "http/Request.h"

#include "common/IgnoreCase.h"

namespace portico::http {

using common::equalsIgnoreCase;

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (equalsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string_view> Request::headers(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields_) {
    if (equalsIgnoreCase(n, name)) out.push_back(v);
  }
  return out;
}

}  // namespace portico::http
