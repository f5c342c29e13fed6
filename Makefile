# Kairos: `make run` installs what is missing, builds and serves; `make test` runs every test.
BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
DB         ?= ./data/kairos.db

.PHONY: all deps configure build run test bench bench-scale deb clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); fi

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Builds only the server (not the tests), quietly: one line per stage, the compiler's
# output only when a stage fails (kept in $(BUILD)/make-run.log).
run:
	@echo "kairos: [1/4] checking Debian packages (scripts/install-deps.sh)"
	@bash scripts/install-deps.sh
	@mkdir -p $(BUILD)
	@echo "kairos: [2/4] configuring $(BUILD)/"
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > $(BUILD)/make-run.log 2>&1 \
	    || { cat $(BUILD)/make-run.log; exit 1; }; fi
	@echo "kairos: [3/4] building $(BUILD)/kairos (the server only; make test builds the tests)"
	@cmake --build $(BUILD) -j$(JOBS) --target kairos > $(BUILD)/make-run.log 2>&1 \
	  || { tail -n 60 $(BUILD)/make-run.log; echo "kairos: build failed (full log: $(BUILD)/make-run.log)"; exit 1; }
	@echo "kairos: [4/4] serving on $(LISTEN) with database $(DB) (Ctrl-C stops)"
	@./$(BUILD)/kairos serve --listen $(LISTEN) --db $(DB)

test: build
	@bash scripts/install-deps.sh tests
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 600

bench: build
	cmake --build $(BUILD) -j$(JOBS) --target kairos_core_bench
	./$(BUILD)/bench/kairos_core_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	bash bench/http.sh
	bash bench/backends.sh

# The faces' ten workloads on a small database against a large one (10,000 calendars,
# 1,000,000 bookings), under the CPU lock (docs/performance.md).
bench-scale: build
	flock /tmp/kairos-cpu.lock bash bench/scale.sh 10s

# The Debian package: binary, hardened systemd unit, default configuration and docs,
# written to $(BUILD)/deb/ and checked with lintian (errors fail the target).
deb: configure
	@bash scripts/install-deps.sh packaging
	@echo "kairos: building $(BUILD)/kairos"
	@cmake --build $(BUILD) -j$(JOBS) --target kairos > $(BUILD)/make-deb.log 2>&1 \
	  || { tail -n 60 $(BUILD)/make-deb.log; exit 1; }
	@echo "kairos: packaging"
	@deb=$$(bash scripts/build-deb.sh $(BUILD)/kairos $(BUILD)/deb) && echo "kairos: lintian $$deb" \
	  && lintian --fail-on error $$deb && echo "kairos: built $$deb"

clean:
	rm -rf $(BUILD)
