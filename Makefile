# cleancast — quick start: `make demo`, then `make test`.
# Everything downloaded (Debian packages, npm packages) is pinned and hash-checked into
# $(CLEANCAST_CACHE), outside the source tree.

# scripts/cachedir.sh: $CLEANCAST_CACHE, else $XDG_CACHE_HOME/cleancast, else ~/.cache/cleancast
CLEANCAST_CACHE := $(shell . scripts/cachedir.sh && printf %s "$$CLEANCAST_CACHE")
export CLEANCAST_CACHE

BUILD ?= build
BUILD_SAN ?= build-san
NINJA ?= ninja

.PHONY: all setup deps models data build build-san demo test test-fast bench install clean
.PHONY: web web-demo web-native

all: build

deps:
	@scripts/install-deps.sh

models: deps
	@models/fetch.sh

data: deps
	@data/fetch.sh
	@data/build_hd.sh
	@data/build_echo.sh

setup: deps models data

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

$(BUILD_SAN)/build.ninja:
	CC=clang meson setup $(BUILD_SAN) --buildtype=debugoptimized \
	    -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false

build: deps $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

build-san: deps $(BUILD_SAN)/build.ninja
	$(NINJA) -C $(BUILD_SAN)

demo: setup build
	@scripts/demo.sh $(BUILD)

# Every test in the release build, and all but the real-time live tests in an ASan+UBSan
# build; product tests and tooling checks counted apart per build, ends with "N passed, N failed".
test: setup build build-san web web-native
	@scripts/run-tests.sh $(BUILD) $(BUILD_SAN):--no-suite=live

# Release build only (for quick iterations).
test-fast: setup build
	@scripts/run-tests.sh $(BUILD)

bench: setup build
	@bench/run.sh $(BUILD)

# Library, CLI, headers, pkg-config file, plugins and their host configs (meson's prefix,
# /usr/local unless configured otherwise). Models stay in the cache; see doc/VIRTUAL-MIC.md.
install: build
	meson install -C $(BUILD)

# WebAssembly build (web/README.md): web/dist/ from the library's own sources with clang-14
# --target=wasm32-wasi, objects in $(BUILD_WASM)/, apart from the Meson builds; npm pins of web/.
BUILD_WASM ?= build-wasm
web: deps
	@web/setup.sh
	$(MAKE) -C web B=$(abspath $(BUILD_WASM))

# The native CLI the browser tests hold the wasm to: the same sources without speexdsp (the
# wasm's resampler), release, library and CLI only.
BUILD_WEBNAT ?= build-webnat
$(BUILD_WEBNAT)/build.ninja:
	meson setup $(BUILD_WEBNAT) --buildtype=release -Dspeexdsp=disabled -Dtests=false \
	    -Dbench=false -Dgstreamer=disabled -Dobs=disabled -Dladspa=disabled -Dlv2=disabled
web-native: deps $(BUILD_WEBNAT)/build.ninja
	$(NINJA) -C $(BUILD_WEBNAT) tools/cleancast

# The demo page on http://127.0.0.1:8642/ (camera and microphone, before/after, controls).
web-demo: web models
	node web/demo/serve.mjs

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_WASM) web/dist
