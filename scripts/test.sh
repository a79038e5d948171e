#!/usr/bin/env bash
# Every check of `make test`, in order, stopping at the first failure:
#   fmt, clippy (native, and wasm32 for the web crate's browser-only tests), native tests of every
#   crate, wasm tests in headless Chromium, a release `trunk build`, the end-to-end test of dist/,
#   then the bundle's size. Ends with the test runners' summary lines; exits non-zero on failure.
# `scripts/test.sh STEP...` runs only the named steps (e.g. `build e2e`). Expects scripts/setup.sh
# to have run (the Makefile does that).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

ALL_STEPS=(fmt clippy clippy-wasm native wasm build e2e size)
STEPS=("$@")
[ "${#STEPS[@]}" -gt 0 ] || STEPS=("${ALL_STEPS[@]}")

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/iamsim-test.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT
SUMMARY=()
SIZE_LINE=""

# --- the steps --------------------------------------------------------------------------------
step_fmt() { cargo fmt --all --check; }
step_clippy() { cargo clippy --workspace --all-targets -- -D warnings; }
# The web crate's tests only exist on wasm32 (they need a DOM): lint them there too.
step_clippy_wasm() {
    cargo clippy -p iamsim-web --target wasm32-unknown-unknown --all-targets -- -D warnings
}
# --no-fail-fast: report every failing test binary, not only the first.
step_native() { cargo test --workspace --no-fail-fast; }
# web/tests/ holds the browser tests of the app and of core compiled to wasm32.
step_wasm() {
    CHROMEDRIVER=/usr/bin/chromedriver \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --target wasm32-unknown-unknown -p iamsim-web --no-fail-fast
}
step_build() { trunk build --release; }
# Every *.test.mjs in tests/e2e/; node prints one summary for all of them. share.test.mjs checks
# the page against the CLI (`iamsim simulate`, `link`, `export-aws`): build it first (incremental).
step_e2e() {
    cargo build -q -p iamsim-cli &&
        IAMSIM_BIN="$ROOT/target/debug/iamsim" node --test --test-reporter=spec tests/e2e/*.test.mjs
}
step_size() {
    local f raw gz total_raw=0 total_gz=0
    shopt -s nullglob
    local files=(dist/*.wasm dist/*.js)
    [ "${#files[@]}" -gt 0 ] || { echo "no dist/*.wasm or dist/*.js: run the build step"; return 1; }
    printf '%-40s %12s %12s\n' "bundle file" "raw bytes" "gzip -9"
    for f in "${files[@]}"; do
        raw=$(wc -c <"$f")
        gz=$(gzip -9 -c "$f" | wc -c)
        total_raw=$((total_raw + raw))
        total_gz=$((total_gz + gz))
        printf '%-40s %12d %12d\n' "$f" "$raw" "$gz"
    done
    printf '%-40s %12d %12d\n' "total (wasm + js)" "$total_raw" "$total_gz"
    SIZE_LINE="$(printf 'bundle size: wasm + js %d KiB raw, %d KiB gzipped' \
        $(((total_raw + 512) / 1024)) $(((total_gz + 512) / 1024)))"
}

# --- summaries of the runners' output ---------------------------------------------------------
# Sums cargo's / wasm-bindgen-test-runner's "test result:" lines of one step into one such line.
cargo_summary() {
    awk '/^test result: /{
            runs++; if ($3 != "ok.") bad = 1
            for (i = 1; i <= NF; i++) {
                if ($i ~ /^passed;?$/) p += $(i-1)
                if ($i ~ /^failed;?$/) f += $(i-1)
                if ($i ~ /^ignored;?$/) g += $(i-1)
            }
        }
        END { printf "test result: %s. %d passed; %d failed; %d ignored (%d test binaries)\n",
                     (bad || !runs) ? "FAILED" : "ok", p, f, g, runs }' "$1"
}
passed_count() { awk '/^test result: /{ for (i = 1; i <= NF; i++) if ($i ~ /^passed;?$/) p += $(i-1) } END { print p + 0 }' "$1"; }
# node's spec reporter ends with "ℹ tests N", "ℹ pass N", "ℹ fail N", ...
node_summary() {
    grep -E '^. (tests|pass|fail|cancelled|skipped) [0-9]+' "$1" | sed 's/^. //' | paste -sd ' ' | sed 's/ \([a-z]\)/; \1/g'
}

# The runners' summary lines come last, so they are what a reader (or CI log) sees at the end.
print_summary() {
    echo
    echo "=== summary: $1"
    [ -z "$SIZE_LINE" ] || echo "$SIZE_LINE"
    local line
    for line in "${SUMMARY[@]}"; do echo "$line"; done
}

run_step() {
    local name="$1" fn="step_${1//-/_}" log="$LOG_DIR/$1.log" start status
    declare -F "$fn" >/dev/null || { echo "unknown step: $name (steps: ${ALL_STEPS[*]})"; exit 2; }
    echo
    echo "=== $name"
    start=$SECONDS
    if [ "$name" = size ]; then
        "$fn"; status=$?   # adds its own summary line, so runs in this shell
    else
        "$fn" 2>&1 | tee "$log"; status=${PIPESTATUS[0]}
    fi
    local took="$((SECONDS - start))s"
    case "$name" in
        native | wasm)
            local s
            s="$(cargo_summary "$log")"
            # A step that ran no test at all is a broken setup, not a pass.
            if [ "$status" -eq 0 ] && [ "$(passed_count "$log")" -eq 0 ]; then
                status=1
                s="$s: no test ran"
            fi
            SUMMARY+=("$(printf '%-12s %s [%s]' "$name" "$s" "$took")") ;;
        e2e)
            local s
            s="$(node_summary "$log")"
            if [ "$status" -eq 0 ] && ! grep -qE '^. pass [1-9]' "$log"; then
                status=1
                s="$s: no test ran"
            fi
            SUMMARY+=("$(printf '%-12s %s [%s]' "$name" "$s" "$took")") ;;
        size) ;;
        *)
            SUMMARY+=("$(printf '%-12s %s [%s]' "$name" "$([ "$status" -eq 0 ] && echo ok || echo FAILED)" "$took")") ;;
    esac
    if [ "$status" -ne 0 ]; then
        print_summary "FAILED at step '$name' (exit status $status)"
        exit 1
    fi
}

for step in "${STEPS[@]}"; do run_step "$step"; done
print_summary "all ${#STEPS[@]} steps passed (${STEPS[*]})"
