/* SPDX-License-Identifier: Apache-2.0 */
// Keep-alive clients that hammer one path from several threads until told to stop (or a hard
// time cap passes), counting answers by a JSON field and every failure.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace e2e {

class LoadClients {
 public:
  // Each thread reads `field` of every 200 answer; anything else is a failure.
  LoadClients(uint16_t port, std::string path, std::string field, int threads, int maxSeconds);
  ~LoadClients();

  // Stops and joins the threads; safe to call twice.
  void stop();

  uint64_t ok() const { return ok_; }
  // Waits until `more` answers beyond those counted so far have come back (or 10 s passed): the
  // load has run across whatever the test just did. False when they did not.
  bool answersMore(uint64_t more) const;
  uint64_t failures() const { return failures_; }
  std::map<std::string, uint64_t> byValue() const;
  std::vector<std::string> failureSamples() const;

 private:
  void run();

  uint16_t port_;
  std::string path_;
  std::string field_;
  int maxSeconds_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> failures_{0};
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> byValue_;
  std::vector<std::string> failureSamples_;
  std::vector<std::thread> threads_;
};

}  // namespace e2e
