# Day-to-day front door over CMake presets (the way DuckDB's Makefile is).
#   make          release build          make test     release build + every test
#   make debug    debug build            make asan     ASan+UBSan build + every test
#   make bench    micro-benchmarks       make demo     the default scenario and its report
#   make format   clang-format the tree  make ci       what .ci/run does
#   make fuzz     libFuzzer targets, 60 s each (scripts/fuzz; clang)
JOBS ?= $(shell nproc)

.PHONY: all release debug test asan bench fuzz demo format format-check ci clean

all: release

release:
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

debug:
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

test: release
	ctest --preset release

asan:
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan

bench: release
	bench/run-micro

fuzz:
	scripts/fuzz

demo:
	scripts/demo

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format --dry-run --Werror

ci:
	.ci/run

clean:
	rm -rf build
