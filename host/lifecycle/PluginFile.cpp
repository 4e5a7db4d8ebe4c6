// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/PluginFile.h"

#include <algorithm>

#include "abi/AbiGlue.h"
#include "abi/HostApi.h"
#include "common/Names.h"

namespace portico::lifecycle {

using abi::sv;

namespace {

// MAJOR.MINOR.PATCH with optional -prerelease and +build of [0-9A-Za-z.-].
bool validSemver(const std::string& v) {
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    if (i == start) return false;
    if (part < 2) {
      if (i >= v.size() || v[i] != '.') return false;
      ++i;
    }
  }
  if (i == v.size()) return true;
  if (v[i] != '-' && v[i] != '+') return false;
  return v.size() - i > 1 && std::all_of(v.begin() + static_cast<long>(i) + 1, v.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '.' || c == '-' || c == '+';
         });
}

// Why the plugin's self-description is unacceptable, or "" when it is fine.
std::string validateInfo(const portico_plugin_info* info) {
  const std::string host = abiVersion(PORTICO_ABI_MAJOR, PORTICO_ABI_MINOR);
  if (info == nullptr) return "negotiation returned no portico_plugin_info";
  if (info->struct_size < PORTICO_PLUGIN_INFO_MIN_SIZE) {
    return "portico_plugin_info.struct_size is " + std::to_string(info->struct_size) +
           " bytes but ABI 1.0 needs at least " + std::to_string(PORTICO_PLUGIN_INFO_MIN_SIZE) +
           ": the plugin was not built against plugin.h; rebuild it against plugin-api " + host;
  }
  if (info->abi_major != PORTICO_ABI_MAJOR) {
    return "abi_major mismatch: plugin was built for ABI " +
           abiVersion(info->abi_major, info->abi_minor) + ", host speaks ABI " + host +
           "; rebuild the plugin against plugin-api " + std::to_string(PORTICO_ABI_MAJOR) + ".x";
  }
  if (info->abi_minor > PORTICO_ABI_MINOR) {
    return "abi_minor too new: plugin was built for ABI " +
           abiVersion(info->abi_major, info->abi_minor) + ", newer than this host's ABI " + host +
           "; upgrade porticod or rebuild the plugin against plugin-api " + host;
  }
  std::string name(sv(info->name));
  if (!common::isPluginName(name)) {
    return "name '" + name + "' is invalid: use 1 to 64 characters of [a-z0-9_-]";
  }
  std::string version(sv(info->version));
  if (!validSemver(version)) {
    return "version '" + version + "' of plugin '" + name +
           "' is not a semantic version (MAJOR.MINOR.PATCH)";
  }
  if (info->hooks == nullptr) return "plugin '" + name + "' has no hooks table (hooks is NULL)";
  if (info->hooks->struct_size < PORTICO_PLUGIN_HOOKS_MIN_SIZE) {
    return "hooks table too small: portico_plugin_hooks.struct_size is " +
           std::to_string(info->hooks->struct_size) + " bytes but ABI 1.0 needs at least " +
           std::to_string(PORTICO_PLUGIN_HOOKS_MIN_SIZE) + "; rebuild '" + name +
           "' against plugin-api " + host;
  }
  if (info->hooks->init == nullptr) return "hooks.init of plugin '" + name + "' is NULL";
  return "";
}

}  // namespace

std::string abiVersion(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

PluginFile::PluginFile(std::unique_ptr<Library> library, const portico_plugin_info* info)
    : library_(std::move(library)), info_(info), name_(sv(info->name)) {}

std::unique_ptr<PluginFile> PluginFile::open(const std::string& path, std::string* error) {
  auto library = Library::open(path, error);
  if (!library) return nullptr;
  auto refuse = [&](const std::string& why) {
    library->close(nullptr);
    *error = why;
    return nullptr;
  };
  auto negotiate = reinterpret_cast<portico_negotiate_fn>(library->symbol(PORTICO_ENTRY_SYMBOL));
  if (negotiate == nullptr) {
    return refuse("it exports no " PORTICO_ENTRY_SYMBOL
                  " symbol: it is not a Portico plugin (use PORTICO_PLUGIN(...) from "
                  "portico/sdk.hpp, or export the function with PORTICO_EXPORT)");
  }
  const portico_plugin_info* info = nullptr;
  abi::ErrorBuffer refusal;
  portico_status s = negotiate(abi::hostApi(), &info, &refusal.err);
  if (s != PORTICO_OK) {
    return refuse("plugin refused negotiation (status " + std::to_string(s) +
                  "): " + refusal.message());
  }
  std::string why = validateInfo(info);
  if (!why.empty()) return refuse(why);
  return std::unique_ptr<PluginFile>(new PluginFile(std::move(library), info));
}

migrate::MigrationSet PluginFile::migrations(const std::string& migrationsDir) const {
  size_t count = 0;
  const portico_migration* list = nullptr;
  if (PORTICO_HAS_MEMBER(info_, portico_plugin_info, migration_count)) {
    count = info_->migration_count;
    list = info_->migrations;
  }
  if (count == 0) return migrate::loadMigrations(migrationsDir, name_);
  if (list == nullptr) {
    throw std::runtime_error("plugin '" + name_ + "' declares " + std::to_string(count) +
                             " migrations but no table");
  }
  migrate::MigrationSet set{name_, "plugin " + name_ + " " + std::string(sv(info_->version)), {}};
  migrate::addMigrations(set, list, count);
  return set;
}

PluginFile::~PluginFile() {
  if (library_) library_->close(nullptr);
}

}  // namespace portico::lifecycle
