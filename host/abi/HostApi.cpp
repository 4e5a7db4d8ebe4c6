// SPDX-License-Identifier: Apache-2.0
#include "abi/HostApi.h"

#include "abi/ApiParts.h"

namespace portico::abi {
namespace {

portico_host_api makeTable() {
  portico_host_api api{};
  api.struct_size = sizeof(portico_host_api);
  api.abi_major = PORTICO_ABI_MAJOR;
  api.abi_minor = PORTICO_ABI_MINOR;
  api.host_version = PORTICO_STR_LIT(PORTICO_VERSION);
  fillCoreApi(api);
  fillDataApi(api);
  fillMessagingApi(api);
  fillAuthApi(api);
  fillHttpApi(api);
  fillStreamApi(api);
  fillSignalsApi(api);
  return api;
}

}  // namespace

const portico_host_api* hostApi() {
  static const portico_host_api table = makeTable();
  return &table;
}

}  // namespace portico::abi
