#!/usr/bin/env bash
# Installs plugin-api from the build tree into a scratch prefix, then builds, against that prefix
# only: the template project with find_package(PorticoPluginAPI), and the C plugin with
# pkg-config. Both .so land in OUT_DIR for the e2e test that loads them.
set -euo pipefail
build_dir=$1 source_dir=$2 out_dir=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" --component plugin-api >/dev/null
cmake -S "$source_dir/plugin-api/template" -B "$work/template" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/template" >/dev/null

export PKG_CONFIG_PATH=$prefix/share/pkgconfig
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fPIC -shared $(pkg-config --cflags portico-plugin-api) \
   -o "$work/cplugin_pc.so" "$source_dir/tests/abi/c_plugin.c"

mkdir -p "$out_dir"
cp "$work/template/my_plugin.so" "$out_dir/"
cp "$work/cplugin_pc.so" "$out_dir/"
echo "out-of-tree plugins built against $prefix: $(ls "$out_dir")"
