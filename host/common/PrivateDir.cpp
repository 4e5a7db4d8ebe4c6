// SPDX-License-Identifier: Apache-2.0
#include "common/PrivateDir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace portico::common {
namespace {

std::string describeMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Why `dir` may not be trusted; `leaf` is the directory itself (no sticky exemption for it).
std::string problemOf(const std::string& dir, bool leaf) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return dir + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return dir + " belongs to uid " + std::to_string(st.st_uid) + ", not to porticod's user (uid " +
           std::to_string(::geteuid()) + ") or root";
  }
  bool othersWrite = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (othersWrite && (leaf || (st.st_mode & S_ISVTX) == 0)) {
    return dir + " may be written by others (mode " + describeMode(st.st_mode) + "): chmod go-w it";
  }
  return "";
}

}  // namespace

std::string privateDirProblem(const std::string& path, bool create) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(path, ec);
  if (ec) return path + ": " + ec.message();
  if (create && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  // The directory itself, then each one above it up to /.
  std::filesystem::path at = std::filesystem::canonical(dir, ec);
  if (ec) return dir.string() + ": " + ec.message();
  for (bool leaf = true;; leaf = false) {
    if (std::string why = problemOf(at.string(), leaf); !why.empty()) return why;
    if (at == at.root_path()) return "";
    at = at.parent_path();
  }
}

}  // namespace portico::common
