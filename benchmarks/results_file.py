"""What every benchmark's results file carries: the machine, the commit and the figures, in the shape of
../shared/CONVENTIONS.md ("Benchmark results"). Imported by the bench_*.py scripts, which run as
`python benchmarks/bench_<name>.py` (so this folder is on sys.path)."""

import json
import math
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores, {math.ceil(mem_kib / 1024 / 1024)} GiB"


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,  # noqa: S607
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def format_results(results: dict) -> str:
    """The results file with one figure per line, as ../shared/CONVENTIONS.md shows it."""
    head = {k: v for k, v in results.items() if k != "figures"}
    lines = [json.dumps(head)[:-1] + ', "figures": [']
    lines += [" " + json.dumps(f) + ("," if i < len(results["figures"]) - 1 else "")
              for i, f in enumerate(results["figures"])]
    return "\n".join(lines) + "\n]}\n"
