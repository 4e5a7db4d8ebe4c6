#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A third party's view of the SDK: configure plugin-api on its own (any find_package there fails
# this test: it must need nothing but CMake), install it into an empty prefix, then build both
# installed templates against that prefix only: C++ with find_package(PorticoPluginAPI), C with
# plain cc and pkg-config, as their READMEs say, and the C example of the installed ABI.md. Each
# plugin must export one symbol. The .so files land in OUT_DIR for the e2e test that loads them.
set -euo pipefail
source_dir=$1 out_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cat >"$work/no-dependencies.cmake" <<'CMAKE'
foreach(finder find_package find_library find_path find_program pkg_check_modules)
  cmake_language(EVAL CODE "macro(${finder})
    message(FATAL_ERROR \"plugin-api must install with CMake alone, but asks for ${finder}(\${ARGV})\")
  endmacro()")
endforeach()
CMAKE
cmake -S "$source_dir/plugin-api" -B "$work/sdk" -DCMAKE_PROJECT_INCLUDE="$work/no-dependencies.cmake" >/dev/null
cmake --install "$work/sdk" --prefix "$prefix" >/dev/null

for f in include/portico/plugin.h include/portico/sdk.hpp include/portico/input.hpp \
         share/cmake/PorticoPluginAPI/PorticoPluginAPIConfig.cmake \
         share/pkgconfig/portico-plugin-api.pc share/doc/portico-plugin-api/README.md \
         share/doc/portico-plugin-api/ABI.md share/portico/templates/c/my_c_plugin.c \
         share/portico/templates/cpp/my_plugin.cpp; do
  [ -f "$prefix/$f" ] || fail "the SDK did not install $f"
done
# The standard place: with --prefix /usr or /usr/local, pkg-config finds it with no
# PKG_CONFIG_PATH.
pc_path=$(pkg-config --variable pc_path pkg-config)
for p in /usr/local/share/pkgconfig /usr/share/pkgconfig; do
  [[ ":$pc_path:" == *":$p:"* ]] || fail "pkg-config does not search $p ($pc_path)"
done

cp -r "$prefix/share/portico/templates" "$work/mine"
cmake -S "$work/mine/cpp" -B "$work/mine/cpp/build" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/mine/cpp/build" >/dev/null

export PKG_CONFIG_PATH=$prefix/share/pkgconfig
# Its version is the ABI's, so that a build can ask for the minor it needs.
abi=$(sed -n 's/^#define PORTICO_ABI_MAJOR \([0-9]*\).*/\1/p' "$source_dir/plugin-api/include/portico/plugin.h").$(
  sed -n 's/^#define PORTICO_ABI_MINOR \([0-9]*\).*/\1/p' "$source_dir/plugin-api/include/portico/plugin.h")
[ "$(pkg-config --modversion portico-plugin-api)" = "$abi" ] ||
  fail "portico-plugin-api.pc says version '$(pkg-config --modversion portico-plugin-api)', not $abi"
pkg-config --atleast-version=1.3 portico-plugin-api || fail "pkg-config --atleast-version=1.3 fails"
(cd "$work/mine/c" &&
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fPIC -shared -Wl,-z,defs \
     $(pkg-config --cflags portico-plugin-api) -o my_c_plugin.so my_c_plugin.c)

# The C example in ABI.md (its first C block; later ones are fragments), as installed, builds the
# same way.
awk '/^```c$/ && !done { keep = 1; next } /^```/ && keep { keep = 0; done = 1 } keep' \
    "$prefix/share/doc/portico-plugin-api/ABI.md" >"$work/mine/c/hello_c.c"
[ -s "$work/mine/c/hello_c.c" ] || fail "ABI.md has no C example"
(cd "$work/mine/c" &&
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fPIC -shared -Wl,-z,defs \
     $(pkg-config --cflags portico-plugin-api) -o hello_c.so hello_c.c)

for so in "$work/mine/cpp/build/my_plugin.so" "$work/mine/c/my_c_plugin.so" "$work/mine/c/hello_c.so"; do
  exported=$(nm -D --defined-only "$so" | awk '{print $NF}')
  [ "$exported" = portico_plugin_negotiate ] ||
    fail "$(basename "$so") exports more than the entry point: $(echo $exported)"
done

mkdir -p "$out_dir"
cp "$work/mine/cpp/build/my_plugin.so" "$work/mine/c/my_c_plugin.so" "$work/mine/c/hello_c.so" \
   "$out_dir/"
echo "plugins built against the SDK installed alone in $prefix: $(ls "$out_dir")"
