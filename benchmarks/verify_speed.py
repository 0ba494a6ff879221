"""How fast is `derivekit verify`, against the floor of importing sympy and jax?

Each command runs in a fresh process (cold), REPEAT times; the median wall time is reported
with its ratio to the floor `python -c "import sympy, jax"` measured in the same run.

    python benchmarks/verify_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PY = sys.executable
COMMANDS = {
    "floor: import sympy, jax": [PY, "-c", "import sympy, jax"],
    "derivekit --help": [PY, "-m", "derivekit", "--help"],
    "verify gan-gradients": [PY, "-m", "derivekit", "verify", "gan-gradients"],
    "verify the six headline": [PY, "-m", "derivekit", "verify", "matrix-gradients",
                                "bce-derivation", "gan-gradients", "instance-noise-ridge",
                                "lstm-jacobian", "quadratic-gd-eigen"],
    "verify --all": [PY, "-m", "derivekit", "verify", "--all"],
    "verify --all -j 1": [PY, "-m", "derivekit", "verify", "--all", "-j", "1"],
    "audit --all": [PY, "-m", "derivekit", "audit", "--all"],
}
TARGETS = {
    "derivekit --help": ("seconds", 0.25),
    "verify gan-gradients": ("ratio", 1.3),
    "verify the six headline": ("seconds", 5.0),
    "verify --all": ("seconds", 10.0),
}


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):  # interleaved, so machine noise hits every command alike
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    floor = statistics.median(times["floor: import sympy, jax"])
    print(f"{'command':<28} {'median s':>9} {'min s':>7} {'x floor':>8}  target")
    for name, samples in times.items():
        median = statistics.median(samples)
        kind, limit = TARGETS.get(name, ("", 0.0))
        value = median / floor if kind == "ratio" else median
        verdict = "" if not kind else (
            f"{'ok' if value <= limit else 'MISSED'} "
            f"(<= {limit:g}{'x' if kind == 'ratio' else ' s'})")
        print(f"{name:<28} {median:9.2f} {min(samples):7.2f} {median / floor:8.2f}  {verdict}")


if __name__ == "__main__":
    main()
