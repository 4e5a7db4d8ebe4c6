/* SPDX-License-Identifier: Apache-2.0 */
// A dlopen()ed shared library. Closing is explicit: a generation that never drained must stay
// mapped, so the destructor deliberately does not dlclose.
#pragma once

#include <memory>
#include <string>

namespace portico::lifecycle {

class Library {
 public:
  // dlopen(path, RTLD_NOW | RTLD_LOCAL): all symbols resolved up front (a missing one fails the
  // load, not a request later) and none leak into the global namespace of other plugins. A file
  // whose ELF headers do not hold up (ElfCheck.h) is refused before anything maps it.
  static std::unique_ptr<Library> open(const std::string& path, std::string* error);

  void* symbol(const char* name) const;
  // dlclose. Returns false (and *error) if the loader refused.
  bool close(std::string* error);
  const std::string& path() const { return path_; }

 private:
  Library(void* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  void* handle_;
  std::string path_;
};

// True while any mapping of `path` is listed in /proc/self/maps.
bool isMapped(const std::string& path);

}  // namespace portico::lifecycle
