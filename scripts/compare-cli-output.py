#!/usr/bin/env python3
"""Checks that two `iamsim` binaries print the same `simulate` results, byte for byte (JSON and
`--explain`), for every scenario of tests/corpus and for scenarios of the CLI benchmark: run it
with the binary from before and after a change that must not change output.
Usage: scripts/compare-cli-output.py OLD_BINARY [NEW_BINARY]
The clock (`aws:CurrentTime`, `aws:EpochTime`) is the only difference allowed: every spelling
of the seconds the run spans is masked before comparing."""
import datetime, glob, importlib.util, json, os, subprocess, sys, tempfile, time

old = sys.argv[1]
new = sys.argv[2] if len(sys.argv) > 2 else "target/release-native/iamsim"
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_cli", os.path.join(here, "bench-cli.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

inputs = sorted(glob.glob(os.path.join(here, "..", "tests", "corpus", "**", "*.json"), recursive=True))
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    for i in range(2000):
        f.write(json.dumps(bench.scenario(i), separators=(",", ":")) + "\n")
    generated = f.name
inputs.append(generated)

def clock_spellings(start, end):
    spellings = []
    for t in range(int(start) - 2, int(end) + 3):
        spellings.append(str(t))
        spellings.append(datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return spellings

def run(binary, path, extra):
    start = time.time()
    out = subprocess.run([binary, "simulate", *extra, path], capture_output=True, check=False)
    text = out.stdout.decode() + "\n--stderr--\n" + out.stderr.decode() + f"\n--exit {out.returncode}--"
    for s in clock_spellings(start, time.time()):
        text = text.replace(s, "<clock>")
    return text

failures = 0
for path in inputs:
    for extra in ([], ["--explain"]):
        a, b = run(old, path, extra), run(new, path, extra)
        if a != b:
            failures += 1
            first = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y) if any(x != y for x, y in zip(a, b)) else min(len(a), len(b))
            print(f"DIFFERENT: {os.path.relpath(path)} {' '.join(extra)} at char {first}:\n  old {a[max(0, first - 80):first + 120]!r}\n  new {b[max(0, first - 80):first + 120]!r}")
os.unlink(generated)
print(f"{len(inputs)} inputs (corpus + 2,000 generated scenarios), JSON and --explain: {failures} differ")
sys.exit(1 if failures else 0)
