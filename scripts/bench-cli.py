#!/usr/bin/env python3
"""Measures `iamsim simulate` end to end: N small scenarios as JSON Lines, parsing included,
one process. Prints scenarios per second. Usage: scripts/bench-cli.py [N] [path/to/iamsim]"""
import json, os, subprocess, sys, tempfile, time

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

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/release-native/iamsim"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i in range(n):
            f.write(json.dumps(scenario(i), separators=(",", ":")) + "\n")
        path = f.name
    size = os.path.getsize(path)
    # Results go to a file, as in CI (`iamsim simulate in.jsonl > out.jsonl`): reading 80 MB from
    # a pipe into Python takes longer (≈ 0.25 s) than iamsim takes to write it.
    with tempfile.NamedTemporaryFile("w+b", suffix=".out.jsonl") as results:
        start = time.perf_counter()
        out = subprocess.run([binary, "simulate", path], stdout=results, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - start
        results.seek(0)
        stdout = results.read()
    os.unlink(path)
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
    print(f"{n} scenarios ({size / 1e6:.1f} MB of JSON Lines) in {elapsed:.3f} s: "
          f"{n / elapsed:,.0f} scenarios/s; output {len(stdout) / 1e6:.1f} MB; decisions (first 2000) {decisions}")


if __name__ == "__main__":
    main()
