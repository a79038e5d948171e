#!/usr/bin/env python3
"""Measures `iamsim simulate` end to end: N small scenarios as JSON Lines, parsing included,
one process. Prints scenarios per second for each run and, with several runs, each binary's
median. Several binaries are run alternately on the same file, so that the machine's load falls
on all of them alike.

Usage: scripts/bench-cli.py [N] [path/to/iamsim ...] [--runs R]"""
import json, os, statistics, subprocess, sys, tempfile, time

actions = ["ecr:PutImage", "ecr:BatchGetImage", "s3:GetObject", "ecr:DeleteRepository"]

def scenario(i):
    # Every policy is different (its repository, tag value and Sid depend on i), so no cache of
    # parsed policies can shortcut the run: each scenario is parsed, validated and compiled.
    return {
        "format": "iamsim/scenario@1",
        "policies": {
            "identity": [{"name": f"Push{i}", "document": {"Version": "2012-10-17", "Statement": [
                {"Sid": f"Push{i}", "Effect": "Allow", "Action": ["ecr:PutImage", "ecr:Batch*"],
                 "Resource": f"arn:aws:ecr:us-east-1:111122223333:repository/team{i}-web-{i % 7}"},
                {"Effect": "Deny", "Action": "ecr:Delete*", "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:PrincipalTag/role": f"admin-{i}"}}}]}}],
        },
        "request": {
            "principal": f"arn:aws:iam::111122223333:user/u{i}",
            "action": actions[i % len(actions)],
            "resource": f"arn:aws:ecr:us-east-1:111122223333:repository/team{i}-web-{i % 5}",
        },
    }

def run_once(binary, path, n):
    """One run: the elapsed time, after checking the results' count and shape."""
    # Results go to a file, as in CI (`iamsim simulate in.jsonl > out.jsonl`): reading 80 MB from
    # a pipe into Python takes longer (≈ 0.25 s) than iamsim takes to write it.
    with tempfile.NamedTemporaryFile("w+b", suffix=".out.jsonl") as results:
        start = time.perf_counter()
        out = subprocess.run([binary, "simulate", path], stdout=results, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - start
        results.seek(0)
        stdout = results.read()
    lines = stdout.count(b"\n")
    if out.returncode != 0:
        sys.exit(f"iamsim exited with {out.returncode}: {out.stderr[:500]!r}")
    if lines != n:
        sys.exit(f"expected {n} result lines, got {lines}: {out.stderr[:500]!r}")
    decisions = {}
    for line in stdout.splitlines()[:2000]:
        result = json.loads(line)
        # The full result, not a decision alone.
        for field in ("decision", "reasons", "layers", "trace", "missingContextKeys", "diagnostics", "context"):
            if field not in result:
                sys.exit(f"result without `{field}`: {line[:300]!r}")
        d = result["decision"]
        decisions[d] = decisions.get(d, 0) + 1
    return elapsed, len(stdout), decisions


def main():
    args = sys.argv[1:]
    runs = 1
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at:at + 2]
    n = int(args[0]) if args else 30000
    # The README's build (`make cli`, profile-guided) when there is one.
    default = "target/cli/iamsim" if os.path.exists("target/cli/iamsim") else "target/release-native/iamsim"
    binaries = args[1:] or [default]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i in range(n):
            f.write(json.dumps(scenario(i), separators=(",", ":")) + "\n")
        path = f.name
    size = os.path.getsize(path)
    rates = {binary: [] for binary in binaries}
    try:
        for _ in range(runs):
            for binary in binaries:
                elapsed, output, decisions = run_once(binary, path, n)
                rates[binary].append(n / elapsed)
                print(f"{binary}: {n} scenarios ({size / 1e6:.1f} MB of JSON Lines) in {elapsed:.3f} s: "
                      f"{n / elapsed:,.0f} scenarios/s; output {output / 1e6:.1f} MB; decisions (first 2000) {decisions}")
    finally:
        os.unlink(path)
    if runs > 1:
        for binary, values in rates.items():
            print(f"{binary}: {runs} runs, median {statistics.median(values):,.0f} scenarios/s "
                  f"(min {min(values):,.0f}, max {max(values):,.0f})")


if __name__ == "__main__":
    main()
