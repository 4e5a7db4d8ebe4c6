# SPDX-License-Identifier: Apache-2.0
# cmake -DINPUT=<conf/porticod.properties> -DOUTPUT=<file.cpp> -P EmbedProperties.cmake
#
# Compiles the shipped properties file into porticod as its defaults (config/Defaults.h): the
# file is where every default is written, and what porticod falls back on for a key no config
# file or environment variable sets.
file(READ "${INPUT}" _hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" _bytes "${_hex}")
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "// Generated from ${INPUT}; do not edit.
#include \"config/Defaults.h\"

namespace portico::config {

std::string_view defaultProperties() {
  static const char text[] = \"${_bytes}\";
  return std::string_view(text, sizeof text - 1);
}

}  // namespace portico::config
" @ONLY)
