# Tongban (通办工作台): build, run and test. The two set-up commands for a fresh Debian 12
# machine are `make run` and `make test`; everything else is a part of them.
# The scripts in scripts/ do the work; `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# DATA_DIR=DIR: the workstation's data directory for `make run` / `make web`
# (default: $TONGBAN_DATA_DIR, else the OS user-data directory).
DATA_DIR ?=
export DATA_DIR
# VERSION: the version stamped into binaries (default: wails.json productVersion + git commit).
VERSION ?=
export VERSION

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: run
run: ## install what is missing, build, and open the workstation window (DATA_DIR=...)
	@scripts/run.sh

.PHONY: run-b
run-b: ## second workstation: handling place 330106 (B) against the platform `make run` started (data .tmp/ws-b)
	@scripts/run-b.sh

.PHONY: test
test: ## install what the tests need and run every check; ends with "N passed, N failed"
	@scripts/test.sh

.PHONY: deps deps-test
deps: ## install what `make run` needs (Debian packages, npm ci, Go modules)
	@scripts/deps.sh run
deps-test: ## install what `make test` needs
	@scripts/deps.sh test

.PHONY: frontend build build-linux build-windows
frontend: ## build the frontend into frontend/dist
	@scripts/build.sh frontend
build: build-linux ## build the Linux desktop binary (build/bin/tongban)
build-linux: frontend ## same as make build
	@scripts/build.sh linux
build-windows: frontend ## cross-build build/bin/tongban.exe and its NSIS installer
	@scripts/build.sh windows

.PHONY: web
web: frontend ## serve the UI and the Go services on http://127.0.0.1:34115 (no window needed)
	@scripts/build.sh web
	@.tmp/bin/tongban-web --addr 127.0.0.1:34115 $(if $(DATA_DIR),--data-dir "$(DATA_DIR)")

.PHONY: vet gotest e2e smoke
vet: ## go vet ./...
	@STEPS="vet" scripts/test.sh
gotest: ## go test -race ./... (with the test services)
	@STEPS="gotest" scripts/test.sh
e2e: frontend ## end-to-end tests in Chromium against cmd/tongban-web
	@scripts/e2e.sh
smoke: build-linux ## the real window under Xvfb: screenshot, checked not blank
	@scripts/smoke.sh

.PHONY: dist
dist: ## Linux binary, Windows .exe and NSIS installer (and tongbanctl) in dist/
	@scripts/dist.sh

.PHONY: bench
bench: build-linux ## run the benchmarks (BENCH_ONLY=regexp); results in bench/results/
	@scripts/bench.sh

.PHONY: soak
soak: ## long sync fault runs: many seeds of the SIGKILL and fault-proxy tests (TONGBAN_SOAK=1)
	TONGBAN_SOAK=1 go test -race -count=1 -timeout 30m -run 'SIGKILL|FaultProxy' ./app/syncstore/

.PHONY: clean
clean: ## remove build output (not frontend/dist, which go vet needs, nor any data directory)
	rm -rf build/bin dist .tmp e2e/screenshots
