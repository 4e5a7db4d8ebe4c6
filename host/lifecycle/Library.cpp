// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/Library.h"

#include <dlfcn.h>

#include <fstream>

#include "lifecycle/ElfCheck.h"

namespace portico::lifecycle {

std::unique_ptr<Library> Library::open(const std::string& path, std::string* error) {
  if (std::string why = elfProblem(path); !why.empty()) {
    if (error) *error = why;
    return nullptr;
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    if (error) *error = why ? why : "dlopen failed";
    return nullptr;
  }
  return std::unique_ptr<Library>(new Library(handle, path));
}

void* Library::symbol(const char* name) const {
  dlerror();
  return dlsym(handle_, name);
}

bool Library::close(std::string* error) {
  if (handle_ == nullptr) return true;
  if (dlclose(handle_) != 0) {
    const char* why = dlerror();
    if (error) *error = why ? why : "dlclose failed";
    return false;
  }
  handle_ = nullptr;
  return true;
}

bool isMapped(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    // The path is the last field; a deleted file shows as "<path> (deleted)".
    size_t at = line.find(path);
    if (at != std::string::npos) {
      size_t end = at + path.size();
      if (end == line.size() || line.compare(end, 10, " (deleted)") == 0) return true;
    }
  }
  return false;
}

}  // namespace portico::lifecycle
