#!/bin/sh
# Installs the scheduler from its build tree into a scratch prefix, then builds and runs the
# C API test as an outside C project would: CMake find_package (static and shared targets) and
# pkg-config with the plain C compiler. usage: run.sh SCHEDULER_BUILD_DIR C_SOURCE
set -eu
build="$1"
source="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$here" -B "$work/cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCONSUMER_SOURCE="$source" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer_static"
LD_LIBRARY_PATH= "$work/cmake/consumer_shared"  # the shared library found through its RUNPATH
pc_dir=$(find "$work/prefix" -name p2pcdn_scheduler.pc -exec dirname {} \;)
export PKG_CONFIG_PATH="$pc_dir"
# Shared by default (what -l finds first); --static adds the C++ runtime for the archive.
cc -std=c11 -o "$work/pc_shared" "$source" $(pkg-config --cflags --libs p2pcdn_scheduler)
LD_LIBRARY_PATH="$(pkg-config --variable=libdir p2pcdn_scheduler)" "$work/pc_shared"
cc -std=c11 -o "$work/pc_static" "$source" \
  $(pkg-config --cflags p2pcdn_scheduler) \
  "$(pkg-config --variable=libdir p2pcdn_scheduler)/libp2pcdn_scheduler.a" \
  $(pkg-config --libs-only-l --static p2pcdn_scheduler | sed 's/-lp2pcdn_scheduler//')
"$work/pc_static"
echo "consumer: static and shared, CMake and pkg-config: ok"
