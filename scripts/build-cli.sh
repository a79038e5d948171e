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
#      (docs/performance.md, "Ninth round").
# Takes about twice one release build (≈ 3–4 minutes on 2 cores). Usage: bash scripts/build-cli.sh
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
say "training on the corpus ($(wc -l <"$corpus") scenarios)"
LLVM_PROFILE_FILE="$RAW_DIR/simulate-%p.profraw" "$trained" simulate "$corpus" >/dev/null
LLVM_PROFILE_FILE="$RAW_DIR/explain-%p.profraw" "$trained" simulate --explain "$corpus" >/dev/null
LLVM_PROFILE_FILE="$RAW_DIR/test-%p.profraw" "$trained" test tests/corpus >/dev/null

# 3. Merge.
"$profdata" merge -o "$PROFILE" "$RAW_DIR"

# 4. Optimized build.
say "build with the profile (target/pgo/use)"
RUSTFLAGS="${NATIVE[*]} -C profile-use=$PROFILE" CARGO_TARGET_DIR="$PGO_DIR/use" \
    cargo build --quiet --profile release-native -p iamsim-cli
mkdir -p "$OUT_DIR"
cp "$PGO_DIR/use/release-native/iamsim" "$OUT_DIR/iamsim"
say "built $OUT_DIR/iamsim"
