#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Follows the plugin guide (plugin-api/README.md) as a newcomer would, so that every command in
# it is known to work: its ```sh blocks run in order in one shell, starting in an empty folder
# that holds only a link to the checkout (`portico/`); the ```sh background block (the guide's
# "second terminal", packaging/dev run) runs in its own session and gets Ctrl-C's SIGINT at the
# end; each ```output block must appear in what the block before it printed.
# Ports, data and the plugin dir are private to this run, passed through the variables the
# guide's commands and packaging/dev read.
set -euo pipefail
source_dir=$(cd "$1" && pwd)
guide=$source_dir/plugin-api/README.md
# shellcheck source=packaging/services.sh
source "$source_dir/packaging/services.sh"  # free_port

# Under /var/tmp with mode 755: the postgres and redis users must be able to enter it.
work=$(mktemp -d /var/tmp/portico-guide.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/newcomer" "$work/home" "$work/plugins"
ln -s "$source_dir" "$work/newcomer/portico"

background_pid=
stop_background() {
  [ -n "$background_pid" ] || return 0
  kill -INT -- "-$background_pid" 2>/dev/null || true
  for _ in $(seq 600); do
    kill -0 "$background_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$background_pid" 2>/dev/null || true
  background_pid=
}
trap 'stop_background; rm -rf "$work"' EXIT

http_port=$(free_port)
admin_port=$(free_port)
export HOME=$work/home
export PORTICO=http://127.0.0.1:$http_port PORTICO_ADMIN_URL=http://127.0.0.1:$admin_port
export PORTICO_HTTP_PORT=$http_port PORTICO_ADMIN_PORT=$admin_port
export PORTICO_DEV_PG_PORT=$(free_port) PORTICO_DEV_REDIS_PORT=$(free_port)
export PORTICO_DEV_STATE=$work/services PORTICO_PLUGINS_DIR=$work/plugins
export PORTICO_PLUGINS_STATE_DIR=$work/plugin-state
# ctest runs this from the dev build, which is therefore built: packaging/dev run must not
# reconfigure it under the tests running beside this one.
export PORTICO_DEV_BUILT=1

# Split the guide into numbered files: N.sh, N.background (sh blocks) and N.output, where N is
# the number of the sh block the output follows.
awk -v dir="$work" '
  /^```sh background$/ { n++; file = dir "/" n ".background"; next }
  /^```sh$/            { n++; file = dir "/" n ".sh"; next }
  /^```output$/        { file = dir "/" n ".output"; next }
  /^```/               { file = ""; next }
  file != ""           { print > file }
' "$guide"

script=$work/guide.sh
echo 'set -euo pipefail' >"$script"
blocks=$(ls "$work" | sed -n 's/^\([0-9]*\)\.\(sh\|background\)$/\1/p' | sort -n)
for n in $blocks; do
  if [ -f "$work/$n.background" ]; then
    # Started from a subshell, so that it is not a child of the guide's shell, whose `wait`
    # would otherwise wait for it too.
    echo "(setsid bash -e '$work/$n.background' >'$work/background.log' 2>&1 & echo \$! >'$work/background.pid')" >>"$script"
  else
    { echo "{"; cat "$work/$n.sh"; echo "} >'$work/$n.printed'"; } >>"$script"
  fi
done

status=0
(cd "$work/newcomer" && bash "$script") || status=$?
[ -f "$work/background.pid" ] && background_pid=$(cat "$work/background.pid")
if [ "$status" -ne 0 ]; then
  echo "FAIL: a command of the guide failed (exit $status); the background block printed:" >&2
  tail -n 40 "$work/background.log" >&2 || true
  exit 1
fi

checked=0
for expected in "$work"/*.output; do
  n=$(basename "$expected" .output)
  want=$(cat "$expected")
  got=$(cat "$work/$n.printed")
  if [[ "$got" != *"$want"* ]]; then
    echo "FAIL: block $n of the guide printed:" >&2
    echo "$got" >&2
    echo "where the guide shows:" >&2
    echo "$want" >&2
    exit 1
  fi
  checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "FAIL: the guide shows no output to check" >&2; exit 1; }

stop_background
grep -q "stopped" "$work/background.log" || {
  echo "FAIL: porticod did not stop cleanly on Ctrl-C:" >&2
  tail -n 20 "$work/background.log" >&2
  exit 1
}
echo "the guide ran: $(echo $blocks | wc -w) blocks, $checked outputs as shown"
