#!/usr/bin/env bash
# Builds the `iamsim` command line for speed, guided by a profile of its own runs (PGO), into
# target/cli/iamsim:
#   1. an instrumented build (profile `release-native`, its own target folder: these flags must
#      not invalidate the usual builds);
#   2. training runs on the conformance corpus (tests/corpus): `simulate` on every scenario as
#      JSON Lines, `simulate --explain`, and `test`. The corpus, not the benchmark's generated
#      scenarios, so that the benchmark measures a profile it was not trained on;
#   3. the profile merged with the toolchain's llvm-profdata (rustup component `llvm-tools`: it
#      must read the format of rustc's own LLVM, which Debian's llvm-profdata cannot);
#   4. the build again, optimized with the profile: branch layout and inlining follow the hot
#      paths. Measured: ≈ 1.24× the scenarios per second of the plain `release-native` build
#      (docs/performance.md, "Ninth round");
#   5. where LLVM's post-link optimizer BOLT is found (Debian's package bolt-19, installed here
#      when apt-get can), the linked binary is instrumented, run on the same corpus, and its
#      functions and blocks laid out by what ran: hot code packed together, cold code split
#      away (docs/performance.md, "Tenth round"). Without BOLT the step is skipped, with a note.
# Takes about twice one release build (≈ 4 minutes on 2 cores). Usage: bash scripts/build-cli.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'build-cli: %s\n' "$*"; }
die() { printf 'build-cli: error: %s\n' "$*" >&2; exit 1; }

PGO_DIR="$ROOT/target/pgo"
RAW_DIR="$PGO_DIR/raw"
PROFILE="$PGO_DIR/iamsim.profdata"
OUT_DIR="$ROOT/target/cli"
# RUSTFLAGS replaces the [target] rustflags of .cargo/config.toml rather than adding to them, so
# the CPU flag is repeated here.
NATIVE=(-C target-cpu=native)

command -v rustup >/dev/null || die "rustup not found: llvm-profdata comes from its llvm-tools component"
command -v python3 >/dev/null || die "python3 not found: it turns the corpus into JSON Lines"
sysroot="$(rustc --print sysroot)"
profdata="$(ls "$sysroot"/lib/rustlib/*/bin/llvm-profdata 2>/dev/null | head -n 1 || true)"
if [ -z "$profdata" ]; then
    say "adding the rustup component llvm-tools (llvm-profdata)"
    rustup component add llvm-tools
    profdata="$(ls "$sysroot"/lib/rustlib/*/bin/llvm-profdata 2>/dev/null | head -n 1 || true)"
    [ -n "$profdata" ] || die "llvm-profdata not found under $sysroot after adding llvm-tools"
fi

# BOLT (step 5): Debian's package puts llvm-bolt and merge-fdata under /usr/lib/llvm-N/bin, where
# llvm-bolt also finds its instrumentation runtime. Any LLVM's BOLT reads rustc's ELF output.
find_bolt() {
    ls -d /usr/lib/llvm-*/bin 2>/dev/null | sort -V -r | while read -r dir; do
        if [ -x "$dir/llvm-bolt" ] && [ -x "$dir/merge-fdata" ]; then echo "$dir"; break; fi
    done
}
bolt_dir="$(find_bolt)"
if [ -z "$bolt_dir" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing Debian's bolt-19 (LLVM's post-link optimizer)"
    apt-get install -y -qq bolt-19 >/dev/null 2>&1 || say "could not install bolt-19"
    bolt_dir="$(find_bolt)"
fi
# BOLT moves whole functions only in a binary that keeps its relocations.
LINK=()
[ -n "$bolt_dir" ] && LINK=(-C link-arg=-Wl,--emit-relocs)

# 1. Instrumented build.
say "instrumented build (target/pgo/train)"
RUSTFLAGS="${NATIVE[*]} -C profile-generate=$RAW_DIR" CARGO_TARGET_DIR="$PGO_DIR/train" \
    cargo build --quiet --profile release-native -p iamsim-cli
trained="$PGO_DIR/train/release-native/iamsim"

# 2. Training runs. Each run writes one .profraw file into $RAW_DIR.
rm -rf "$RAW_DIR"
mkdir -p "$RAW_DIR"
corpus="$PGO_DIR/corpus.jsonl"
python3 - "$ROOT/tests/corpus" "$corpus" <<'EOF'
import glob, json, os, sys
corpus, out = sys.argv[1], sys.argv[2]
lines = []
for path in sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)):
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    if isinstance(document, dict) and document.get("format") == "iamsim/scenario@1":
        lines.append(json.dumps(document, separators=(",", ":")))
# Repeated so that evaluation, not start-up and the catalog's one parse, fills the profile.
with open(out, "w", encoding="utf-8") as f:
    for _ in range(40):
        f.write("\n".join(lines) + "\n")
EOF
# The training runs, for both profiles: run_training BINARY [ENV=VALUE...].
run_training() {
    local binary="$1"
    shift
    env "$@" "$binary" simulate "$corpus" >/dev/null
    env "$@" "$binary" simulate --explain "$corpus" >/dev/null
    env "$@" "$binary" test tests/corpus >/dev/null
}
say "training on the corpus ($(wc -l <"$corpus") scenarios)"
run_training "$trained" LLVM_PROFILE_FILE="$RAW_DIR/run-%p.profraw"

# 3. Merge.
"$profdata" merge -o "$PROFILE" "$RAW_DIR"

# 4. Optimized build.
say "build with the profile (target/pgo/use)"
RUSTFLAGS="${NATIVE[*]} -C profile-use=$PROFILE ${LINK[*]}" CARGO_TARGET_DIR="$PGO_DIR/use" \
    cargo build --quiet --profile release-native -p iamsim-cli
guided="$PGO_DIR/use/release-native/iamsim"
mkdir -p "$OUT_DIR"

# 5. BOLT: instrument, train, lay out.
if [ -n "$bolt_dir" ]; then
    say "laying the binary out by its runs (BOLT, $bolt_dir)"
    BOLT_WORK="$PGO_DIR/bolt"
    rm -rf "$BOLT_WORK"
    mkdir -p "$BOLT_WORK"
    "$bolt_dir/llvm-bolt" "$guided" -instrument -o "$BOLT_WORK/instrumented" \
        --instrumentation-file="$BOLT_WORK/run" --instrumentation-file-append-pid >"$BOLT_WORK/log" 2>&1 \
        || die "llvm-bolt could not instrument the binary (see $BOLT_WORK/log)"
    run_training "$BOLT_WORK/instrumented"
    "$bolt_dir/merge-fdata" "$BOLT_WORK"/run.*.fdata >"$BOLT_WORK/profile.fdata" 2>>"$BOLT_WORK/log"
    "$bolt_dir/llvm-bolt" "$guided" -o "$OUT_DIR/iamsim" -data="$BOLT_WORK/profile.fdata" \
        -reorder-blocks=ext-tsp -reorder-functions=cdsort -split-functions -split-all-cold \
        -split-eh -icf=1 -use-gnu-stack >>"$BOLT_WORK/log" 2>&1 \
        || die "llvm-bolt could not optimize the binary (see $BOLT_WORK/log)"
else
    say "BOLT not found (Debian: apt-get install bolt-19): the binary is profile-guided only"
    cp "$guided" "$OUT_DIR/iamsim"
fi
# The binary must still give the corpus's expected answers.
"$OUT_DIR/iamsim" test tests/corpus >/dev/null || die "the built binary fails tests/corpus"
say "built $OUT_DIR/iamsim"
