# Kairos: `make run` installs what is missing, builds and serves; `make test` runs every test.
BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DB         ?= ./data/kairos.db

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); fi

build: configure
	cmake --build $(BUILD) -j$(JOBS)

run: build
	./$(BUILD)/kairos serve --listen $(LISTEN) --db $(DB)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 600

bench: build
	cmake --build $(BUILD) -j$(JOBS) --target kairos_core_bench
	./$(BUILD)/bench/kairos_core_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	bash bench/http.sh
	bash bench/backends.sh

clean:
	rm -rf $(BUILD)
