/* SPDX-License-Identifier: Apache-2.0 */
// A test suite whose tests share one porticod on the test PostgreSQL and Redis (the URLs come
// from the environment; packaging/dev test sets them). Derive as
//   class Data : public e2e::SharedHost<Data> { static Porticod::Options options(); ... };
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>

#include "Porticod.h"

namespace e2e {

template <typename Suite>
class SharedHost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::getenv("PORTICO_DATABASE_URL") == nullptr ||
        std::getenv("PORTICO_REDIS_URL") == nullptr) {
      GTEST_FAIL() << "PORTICO_DATABASE_URL and PORTICO_REDIS_URL must point at the test services "
                      "(packaging/dev test starts them)";
    }
    host = new Porticod(Suite::options());
  }
  static void TearDownTestSuite() {
    delete host;
    host = nullptr;
  }
  static inline Porticod* host = nullptr;
};

}  // namespace e2e
