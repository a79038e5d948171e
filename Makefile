# The README's two commands: `make serve` and `make test`. Both run `make setup` first, which
# installs only what is missing (scripts/setup.sh), so a second run starts at once.

SHELL := /bin/bash
# Tools installed by setup: cargo's bin folder and the project-local wasm-opt (.tools/).
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: setup serve test build e2e cli clean

## setup: install what is missing (wasm target, wasm-bindgen-cli, trunk, wasm-opt, chromium, npm packages)
setup:
	@bash scripts/setup.sh

## serve: build the playground (release, as tested) and serve it on http://127.0.0.1:8080
serve: setup
	trunk serve --release

## test: every check (fmt, clippy, native + wasm tests, release build, end-to-end, bundle size)
test: setup
	@bash scripts/test.sh

## build: release build into dist/ and its size
build: setup
	@bash scripts/test.sh build size

## e2e: release build, then the end-to-end browser test against dist/
e2e: setup
	@bash scripts/test.sh build e2e

## cli: the `iamsim` command line built for speed, guided by a profile of its runs: target/cli/iamsim
cli:
	@bash scripts/build-cli.sh

clean:
	cargo clean
	rm -rf dist
