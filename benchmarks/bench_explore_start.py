"""`mlg explore --demo` from launch to the first screen, in a real terminal (tmux).

    python benchmarks/bench_explore_start.py                      # 80x24 and 160x48, 5 rounds
    python benchmarks/bench_explore_start.py --rounds 3 --pythonpath /tmp/old-checkout

Each round starts the explorer in a new detached tmux session of the size, polls
`tmux capture-pane` every 5 ms and records two moments: the first screen's text (the
header's title, drawn with the first frame) and the welcome page's counts ("N assets ·",
which need the graph opened and asked). Beside each wall time, the explorer process's
CPU time by then (/proc/PID/stat, all its threads): on a shared machine the wall time
mostly measures the other processes. The demo graph must be cached already (warm);
`--pythonpath` runs another checkout of mlg (its mlg/ with mlg/tui linked to its tui/)
for a before/after comparison under the same load. Needs tmux and Linux's /proc.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

TITLE = "mlg explore"
COUNTS = "assets ·"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: str) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICK


def one_start(command: str, width: int, height: int, timeout: float) -> tuple[float, float, float, float]:
    """(wall to the title, wall to the counts, CPU by the title, CPU by the counts) in s."""
    session = f"mlg-bench-start-{os.getpid()}"
    began = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), f"exec {command}"],
        check=True,
    )
    try:
        pid = subprocess.run(
            ["tmux", "display", "-p", "-t", session, "#{pane_pid}"], capture_output=True, text=True
        ).stdout.strip()
        title = title_cpu = None
        while True:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            now = time.perf_counter() - began
            if title is None and TITLE in screen:
                title, title_cpu = now, cpu_seconds(pid)
            if COUNTS in screen:
                return title or now, now, title_cpu or float("nan"), cpu_seconds(pid)
            if now > timeout:
                raise TimeoutError(f"no counts after {timeout} s; the screen:\n{screen}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="80x24,160x48", help="comma-separated WxH")
    parser.add_argument("--pythonpath", default=None, help="run the mlg found there instead")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    command = f"{sys.executable} -m mlg explore --demo"
    if args.pythonpath:
        command = f"env PYTHONPATH={args.pythonpath} {command}"
    print(f"{command}\nload average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for size in args.sizes.split(","):
        width, height = (int(n) for n in size.split("x"))
        runs = [one_start(command, width, height, args.timeout) for _ in range(args.rounds)]
        med = [statistics.median(r[i] for r in runs) * 1000 for i in range(4)]
        print(
            f"  {size:>7}: first screen {med[0]:6.0f} ms (CPU {med[2]:4.0f} ms) · counts {med[1]:6.0f} ms "
            f"(CPU {med[3]:4.0f} ms)   median of {args.rounds}, load {os.getloadavg()[0]:.2f}"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
