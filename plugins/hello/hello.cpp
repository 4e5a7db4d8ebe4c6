// SPDX-License-Identifier: Apache-2.0
// hello: the example plugin authors copy. GET /hello/{name} -> {"hello": name, "plugin_version",
// "scheme"}.
#include "portico/sdk.hpp"

class Hello : public portico::Plugin {
 public:
  explicit Hello(portico::Host& host) {
    host.route("GET", "/hello/{name}", [](const portico::Request& req, portico::Response& res) {
      res.json(portico::json::object({{"hello", std::string(*req.param("name"))},
                                      {"plugin_version", HELLO_VERSION},
                                      {"scheme", std::string(req.scheme())}}));
    });
  }
};

// HELLO_VERSION comes from the build so the tests can build a second version of the same plugin.
PORTICO_PLUGIN(Hello, "hello", HELLO_VERSION)
