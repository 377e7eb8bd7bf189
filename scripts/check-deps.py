#!/usr/bin/env python3
"""Fails when a target imports a module Package.swift does not declare for it, or declares one it never imports.

Reads the manifest through `swift package dump-package`, then every Swift file of every target. Standard
library, toolchain and system modules are ignored. Run from the repository root (CI does).
"""
import json
import os
import re
import subprocess
import sys

SYSTEM = {
    "Foundation", "FoundationEssentials", "Dispatch", "Synchronization", "Testing", "XCTest", "Glibc", "Musl", "Darwin",
    "Observation", "os", "_Concurrency", "Swift", "SQLite3", "CoreFoundation",
}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+|public\s+|internal\s+|package\s+)*import\s+(?:struct\s+|enum\s+|class\s+|func\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def main() -> int:
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    problems = []
    for target in manifest["targets"]:
        name = target["name"]
        kind = target["type"]
        path = target.get("path") or os.path.join("Tests" if kind == "test" else "Sources", name)
        declared = set()
        for dependency in target.get("dependencies", []):
            if "byName" in dependency:
                declared.add(dependency["byName"][0])
            elif "product" in dependency:
                declared.add(dependency["product"][0])
            elif "target" in dependency:
                declared.add(dependency["target"][0])
        imported = set()
        swift_files = 0
        roots = [os.path.join(path, source) for source in target.get("sources") or []] or [path]
        for root, _, files in (entry for base in roots for entry in os.walk(base)):
            for file in files:
                if file.endswith(".swift"):
                    swift_files += 1
                    with open(os.path.join(root, file), encoding="utf-8") as handle:
                        imported.update(IMPORT.findall(handle.read()))
        if swift_files == 0:
            continue  # C targets and resource-only targets
        imported -= SYSTEM
        imported.discard(name)
        # Executable targets are imported by their product's module name in tests (`sika` for `sika`).
        for module in sorted(imported - declared):
            problems.append(f"{name}: imports {module} but Package.swift does not declare it")
        executables = {t["name"] for t in manifest["targets"] if t["type"] == "executable"}
        for module in sorted(declared - imported):
            if kind == "test" and module in executables:
                continue  # a test may depend on an executable only to have it built beside it
            problems.append(f"{name}: declares {module} but never imports it")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} dependency problem(s)")
        return 1
    print(f"dependencies match the imports of {len(manifest['targets'])} targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
