"""Time `flask --help` against an empty Python and a Flask hello world's `--help`, in one run.

The machine is shared, so the ratios to the baselines matter more than the seconds. Prints the
median and best wall time, the median CPU time and each program's ratio to the hello world.
Target (issue 12): `flask --help` under 0.5 s on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))
PROGRAMS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "hello world --help": [FLASK, "--app", "tests.benchmarks.hello", "--help"],
    "flask --help": [FLASK, "--app", "skillsreg.app", "--help"],
    "flask workshops --help": [FLASK, "--app", "skillsreg.app", "workshops", "--help"],
}


def run(command: list[str]) -> tuple[float, float]:
    """Run a command once; return its wall and CPU seconds."""
    env = {**os.environ, "SKILLSREG_ENV": os.environ.get("SKILLSREG_ENV", "development")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what a user sees: compiled bytecode cached
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    """Warm each program once, then interleave the timed runs so load hits them alike."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    for command in PROGRAMS.values():
        run(command)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in PROGRAMS}
    for _ in range(options.runs):
        for name, command in PROGRAMS.items():
            times[name].append(run(command))
    print(f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(
        f"{'program':<24}{'median s':>9}{'best s':>8}{'CPU s':>7}"
        f"{'÷ hello (wall)':>16}{'÷ hello (CPU)':>15}"
    )
    hello_wall = statistics.median(wall for wall, _ in times["hello world --help"])
    hello_cpu = statistics.median(cpu for _, cpu in times["hello world --help"])
    for name, results in times.items():
        wall = statistics.median(result[0] for result in results)
        cpu = statistics.median(result[1] for result in results)
        best = min(result[0] for result in results)
        print(
            f"{name:<24}{wall:>9.3f}{best:>8.3f}{cpu:>7.3f}"
            f"{wall / hello_wall:>16.2f}{cpu / hello_cpu:>15.2f}"
        )


if __name__ == "__main__":
    main()
