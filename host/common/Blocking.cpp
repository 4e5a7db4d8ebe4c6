// SPDX-License-Identifier: Apache-2.0
#include "common/Blocking.h"

namespace portico::common {

BlockingObserver*& blockingObserver() {
  // The host is never unloaded, so a thread_local here is safe.
  thread_local BlockingObserver* observer = nullptr;
  return observer;
}

}  // namespace portico::common
