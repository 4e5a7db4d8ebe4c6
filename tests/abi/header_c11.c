/* SPDX-License-Identifier: Apache-2.0 */
/* plugin.h must compile as strict C11 (-std=c11 -Wpedantic -Werror): a plugin may be written in C
 * by a compiler that knows nothing of C++. The assertions pin the rules every table follows;
 * layout.c pins each member. */
#include "portico/plugin.h"

_Static_assert(PORTICO_OK == 0, "OK must be zero");
_Static_assert(sizeof(portico_status) == sizeof(int), "status crosses the ABI as an int");
_Static_assert(offsetof(portico_host_api, struct_size) == 0, "tables start with struct_size");
_Static_assert(offsetof(portico_plugin_info, struct_size) == 0, "tables start with struct_size");
_Static_assert(offsetof(portico_plugin_hooks, struct_size) == 0, "tables start with struct_size");
_Static_assert(offsetof(portico_route, struct_size) == 0, "tables start with struct_size");
_Static_assert(PORTICO_PLUGIN_HOOKS_MIN_SIZE <= sizeof(portico_plugin_hooks), "min size fits");
_Static_assert(PORTICO_PLUGIN_INFO_MIN_SIZE <= sizeof(portico_plugin_info), "min size fits");

int portico_header_compiles_as_c11(void) {
  return PORTICO_ABI_MAJOR;
}
