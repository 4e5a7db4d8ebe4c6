/* SPDX-License-Identifier: Apache-2.0 */
// What the admin API says about a plugin's generations, and a request that stays inside one: the
// drain tests wait on these states instead of sleeping, which raced on slow (TSan) machines.
#pragma once

#include <future>
#include <string>

#include "Http.h"
#include "portico/json.hpp"

namespace e2e {

class Porticod;

// The admin list's entry for `plugin`; throws (failing the test) when it is not listed.
portico::json::Value pluginEntry(const Porticod& p, const std::string& plugin);
// Polls until no old generation of `plugin` is still draining (or `timeoutMs` passes); returns
// the last entry seen.
portico::json::Value waitUntilDrained(const Porticod& p, const std::string& plugin, int timeoutMs);
// Polls until `plugin`'s current generation has `n` requests in flight; throws after 10 s.
void waitForInflight(const Porticod& p, const std::string& plugin, int n);

// A request to the slow fixture (tests/fixtures/slow.cpp) that stays inside the generation that
// took it until release(); released at the latest when the object goes away.
class HeldRequest {
 public:
  explicit HeldRequest(const Porticod& p);
  ~HeldRequest();
  HeldRequest(const HeldRequest&) = delete;
  HeldRequest& operator=(const HeldRequest&) = delete;

  void release();
  // Releases the request and waits for its reply.
  Reply reply();

 private:
  std::string releaseFile_;
  std::future<Reply> reply_;
};

}  // namespace e2e
