#!/usr/bin/env bash
# Installs what building and testing iamsim needs, and only what is missing or at the wrong
# version, so a second run installs nothing and takes a second or two:
#   - the rustup target wasm32-unknown-unknown and the rustfmt/clippy components,
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (they must match),
#   - Trunk 0.21.14 (0.22 needs a newer rustc than this toolchain),
#   - wasm-opt from the npm package binaryen@132 into .tools/ (Debian's binaryen 108 cannot read
#     what rustc emits now),
#   - Debian's chromium and chromium-driver (for the browser tests),
#   - the end-to-end test's npm packages (tests/e2e/node_modules, from its package-lock.json).
# Runs without a terminal (CI). docs/build.md says why each pin is what it is.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
TOOLS_DIR="$ROOT/.tools"
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
installed=0
did() { installed=$((installed + 1)); }

# apt-get as root, or through sudo when not root; `apt-get update` at most once per run.
apt_updated=0
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
        sudo=(sudo -n)
    fi
    if [ "$apt_updated" -eq 0 ]; then
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The version field of the [[package]] named $1 in Cargo.lock.
lock_version() {
    awk -v name="$1" '
        $0 == "name = \"" name "\"" { found = 1; next }
        found && /^version = / { gsub(/"/, "", $3); print $3; exit }
        /^\[\[package\]\]/ { found = 0 }
    ' Cargo.lock
}

# --- Rust toolchain -------------------------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
command -v rustup >/dev/null || die "rustup not found: the wasm target is installed with rustup"

if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
    say "adding the rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
    did
fi
for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
        say "adding the rustup component $component"
        rustup component add "$component"
        did
    fi
done

# --- wasm-bindgen-cli, same version as the wasm-bindgen crate -------------------------------
WBG_VERSION="$(lock_version wasm-bindgen)"
[ -n "$WBG_VERSION" ] || die "no wasm-bindgen package in Cargo.lock"
have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_wbg" != "$WBG_VERSION" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
    say "installing wasm-bindgen-cli $WBG_VERSION (found: ${have_wbg:-none}); takes a few minutes"
    # No --locked: its lock file pins a crate version the registry here lacks (docs/build.md).
    cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
    did
fi

# --- Trunk ----------------------------------------------------------------------------------
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_trunk" != "$TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (found: ${have_trunk:-none}); takes several minutes"
    # --locked is required: without it a newer lightningcss/cssparser pair fails to compile.
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
    did
fi

# --- Node.js (npm packages: binaryen, playwright-core) --------------------------------------
# Machines of this kind ship Node.js 20; Debian's own nodejs (18) is too old for playwright-core.
command -v node >/dev/null && command -v npm >/dev/null \
    || die "node and npm not found: install Node.js 20 or newer"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: playwright-core needs 20 or newer"

# --- wasm-opt from npm binaryen, project-local ----------------------------------------------
have_wasm_opt="$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}' || true)"
if [ "$have_wasm_opt" != "$BINARYEN_VERSION" ]; then
    say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into .tools/ (found: ${have_wasm_opt:-none})"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
    did
fi

# --- Chromium and its driver ----------------------------------------------------------------
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromium-driver (Debian)"
    apt_install chromium chromium-driver
    did
fi

# --- npm packages of the end-to-end test ----------------------------------------------------
# Reinstall when package-lock.json changed since the last `npm ci` (npm keeps a copy of the
# resolved tree in node_modules/.package-lock.json, written after the lock file).
E2E="$ROOT/tests/e2e"
if [ ! -f "$E2E/node_modules/.package-lock.json" ] \
    || [ "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]; then
    say "installing the end-to-end test's npm packages (npm ci in tests/e2e)"
    npm ci --prefix "$E2E" --no-audit --no-fund --loglevel=error
    did
fi

if [ "$installed" -eq 0 ]; then
    say "everything already installed (wasm-bindgen $WBG_VERSION, trunk $TRUNK_VERSION, wasm-opt $BINARYEN_VERSION, chromium)"
else
    say "installed $installed item(s)"
fi
