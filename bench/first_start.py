"""Benchmark: a fresh clone's `make run`, up to the first page, beside a bare Wagtail site.

In a temporary folder, in one run:

- the hub: `git clone` of this checkout's HEAD (committed work only), then `make run` on a
  free port, timed by stage from the commands make echoes: venv (the virtualenv, and
  whatever make does before the package install), install (the packages `make run`
  installs), migrate, seed_demo, and serve (from the server command to the first 200 on /);
- the baseline: a bare Wagtail site as Wagtail's documentation makes it, with the hub's
  pinned Wagtail: venv, `pip install wagtail==<pinned>` (+ `wagtail start`), migrate, and
  `runserver` to the first 200 on /. It has no demo data: its seed stage is 0.

pip's cache is used as the machine has it (nothing is cleared or warmed). The environment
sizes (`du` of each .venv) are printed too. Only PyPI (and the machine's own pip
configuration) is needed.

The machine is shared, so figures are noisy: each side runs `--rounds` times (default 2) in
ABBA order (hub, baseline, baseline, hub), each run in a fresh folder; the RESULT holds each
side's fastest run, their `ratio_total`, every run's total and the ratio of the means; and
`ratio_cpu`, the CPU seconds of all the processes of each side's fastest run (the clone and
the du of the sizes aside), which other people's load inflates less than time.

Run: python3 bench/first_start.py [--rounds 2] [--only baseline|hub] [--rev COMMIT] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Variables of the machine that would change what the hub or Django does, for both sides.
# PYTHONDONTWRITEBYTECODE (set in some CI and agent shells) would make every process compile
# again each module pip did not compile: Python's default, as on a developer's machine, is
# to cache the bytecode.
DROPPED_ENV = re.compile(
    r"^(DJANGO_|HUB_|DATABASE_URL$|REDIS_URL$|MEILISEARCH_|EMAIL_URL$|DEFAULT_FROM_EMAIL$"
    r"|VIRTUAL_ENV$|PYTHONPATH$|PYTHONDONTWRITEBYTECODE$|REQUIRE_SERVICES$|HOST$|PORT$"
    r"|MAKEFLAGS$|MFLAGS$|MAKELEVEL$)"
)
# The commands `make run` echoes, in order: each marks the start of a stage.
HUB_MARKS = [
    ("install", re.compile(r"-m pip install .*-c constraints\.txt")),
    ("migrate", re.compile(r"manage\.py migrate\b")),
    ("seed_demo", re.compile(r"manage\.py seed_demo\b")),
    ("serve", re.compile(r"(manage\.py serve|-m hub\.serve)\b")),
]
FIRST_PAGE_TIMEOUT = 120


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not DROPPED_ENV.match(key)}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[19]


def descendants(pid: int) -> list[tuple[int, str]]:
    """Every process below `pid` (from /proc), with its start time."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append((int(entry.name), stat[1]))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C as a person would (to the process group), then SIGTERM/SIGKILL to what is
    left of the processes this bench started."""
    tree = descendants(process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        # Only the very processes seen above (same pid and start time), never a reused pid.
        alive = [pid for pid, start in tree if (_stat(pid) or (0, ""))[1] == start]
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        if alive:
            time.sleep(2)
    if process.poll() is None:
        process.wait(timeout=10)


def wait_for_first_page(url: str, process: subprocess.Popen, log: Path) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < FIRST_PAGE_TIMEOUT:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped before its first page; see {log}")
        if get_status(url) == 200:
            return time.perf_counter()
        time.sleep(0.05)
    raise SystemExit(f"no 200 on {url} within {FIRST_PAGE_TIMEOUT} s; see {log}")


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process, and theirs: on a shared
    machine, a figure that the other engineers' load does not inflate as much as time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def venv_size_mb(venv: Path) -> float:
    out = subprocess.run(["du", "-sk", str(venv)], capture_output=True, text=True, check=True)
    return round(int(out.stdout.split()[0]) / 1024, 1)


def site_packages_mb(venv: Path) -> float:
    (site,) = venv.glob("lib/python3*/site-packages")
    return venv_size_mb(site)


def pick_python() -> str:
    """The interpreter `make run` picks (the Makefile's rule: 3.13, 3.12, 3.11, python3)."""
    for name in ("python3.13", "python3.12", "python3.11", "python3"):
        check = "import sys; sys.exit(sys.version_info < (3, 11))"
        try:
            ok = subprocess.run([name, "-c", check], capture_output=True).returncode == 0
        except FileNotFoundError:
            continue
        if ok:
            return name
    raise SystemExit("Python 3.11 or newer is required")


def pinned_wagtail() -> str:
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.lower().startswith("wagtail=="):
            return line.split("==", 1)[1].strip()
    raise SystemExit("wagtail is not pinned in constraints.txt")


def run_hub(work: Path, rev: str) -> dict:
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    clone = work / "hub"
    t0 = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", head], check=True)
    clone_s = time.perf_counter() - t0
    print(f"hub: cloned {head[:10]} in {clone_s:.1f} s", flush=True)

    port = free_port()
    log = work / "hub-make-run.log"
    marks: dict[str, float] = {}
    with log.open("w") as log_file:
        cpu_before = children_cpu()
        started = time.perf_counter()
        process = subprocess.Popen(
            ["make", "run", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=clone,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        try:
            pending = list(HUB_MARKS)
            for line in process.stdout:
                log_file.write(line)
                log_file.flush()
                if pending and pending[0][1].search(line):
                    marks[pending.pop(0)[0]] = time.perf_counter()
                    print(f"  {time.perf_counter() - started:6.1f} s  {line.strip()[:90]}")
                    if not pending:
                        break
            if pending:
                raise SystemExit(f"make run stopped before {pending[0][0]}; see {log}")
            # Keep draining make's output while the server starts.
            drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=log_file)
            first_page = wait_for_first_page(f"http://127.0.0.1:{port}/", process, log)
        finally:
            stop(process)
        drain.wait(timeout=10)
    cpu = children_cpu() - cpu_before
    stages = {
        "venv": marks["install"] - started,
        "install": marks["migrate"] - marks["install"],
        "migrate": marks["seed_demo"] - marks["migrate"],
        "seed_demo": marks["serve"] - marks["seed_demo"],
        "serve": first_page - marks["serve"],
    }
    venv = clone / ".venv"
    return {
        "stages": {key: round(value, 1) for key, value in stages.items()},
        "total": round(first_page - started, 1),
        "cpu_s": round(cpu, 1),
        "venv_mb": venv_size_mb(venv),
        "site_packages_mb": site_packages_mb(venv),
        "packages": len(list(venv.glob("lib/python3*/site-packages/*.dist-info"))),
    }


def run_baseline(work: Path, python: str, wagtail: str) -> dict:
    base = work / "wagtail-site"
    base.mkdir()
    env = clean_env()
    log = work / "baseline.log"
    stages: dict[str, float] = {}
    cpu_before = children_cpu()
    with log.open("w") as log_file:

        def step(name: str, command: list[str], cwd: Path) -> None:
            t0 = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, env=env, stdout=log_file, stderr=log_file)
            if done.returncode:
                log_file.flush()
                raise SystemExit(f"{command} failed:\n{log.read_text()[-2000:]}")
            stages[name] = stages.get(name, 0.0) + time.perf_counter() - t0
            print(f"  baseline {name}: {stages[name]:.1f} s", flush=True)

        step("venv", [python, "-m", "venv", ".venv"], base)
        pip = [str(base / ".venv/bin/python"), "-m", "pip", "install", "--quiet"]
        step("install", [*pip, f"wagtail=={wagtail}"], base)
        step("install", [str(base / ".venv/bin/wagtail"), "start", "mysite"], base)
        site = base / "mysite"
        manage = [str(base / ".venv/bin/python"), "manage.py"]
        step("migrate", [*manage, "migrate", "--noinput"], site)
        stages["seed_demo"] = 0.0
        port = free_port()
        t0 = time.perf_counter()
        process = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}"],
            cwd=site,
            env=env,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
        try:
            first_page = wait_for_first_page(f"http://127.0.0.1:{port}/", process, log)
        finally:
            stop(process)
        stages["serve"] = first_page - t0
        print(f"  baseline serve: {stages['serve']:.1f} s", flush=True)
    venv = base / ".venv"
    return {
        "stages": {key: round(value, 1) for key, value in stages.items()},
        "total": round(sum(stages.values()), 1),
        "cpu_s": round(children_cpu() - cpu_before, 1),
        "venv_mb": venv_size_mb(venv),
        "site_packages_mb": site_packages_mb(venv),
        "packages": len(list(venv.glob("lib/python3*/site-packages/*.dist-info"))),
    }


def pip_cache_mb(python: str) -> float | None:
    out = subprocess.run(
        [python, "-m", "pip", "cache", "dir"], capture_output=True, text=True, env=clean_env()
    )
    path = Path(out.stdout.strip())
    return venv_size_mb(path) if out.returncode == 0 and path.is_dir() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--only", choices=["hub", "baseline"], help="run one side only")
    parser.add_argument(
        "--rev", default="HEAD", help="the commit of the hub to clone (default HEAD)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="runs of each side, in ABBA order (default 2); the RESULT takes each side's "
        "fastest run",
    )
    args = parser.parse_args()

    python, wagtail = pick_python(), pinned_wagtail()
    version = subprocess.run(
        [python, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    cache = pip_cache_mb(python)
    print(f"{version}; wagtail=={wagtail}; pip cache before the run: {cache} MB", flush=True)
    result: dict = {"python": version, "wagtail": wagtail, "pip_cache_mb_before": cache}
    result["hub_rev"] = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    sides = [side for side in ("hub", "baseline") if args.only in (None, side)]
    # ABBA...: each side runs as often first as second, so a load that drifts over the
    # minutes of the run weighs on both alike.
    order = [side for i in range(args.rounds) for side in (sides if i % 2 == 0 else sides[::-1])]
    runs: dict[str, list[dict]] = {side: [] for side in sides}
    work = Path(tempfile.mkdtemp(prefix="first-start-"))
    try:
        for i, side in enumerate(order):
            folder = work / f"{i}-{side}"
            folder.mkdir()
            load = round(os.getloadavg()[0], 2)
            print(f"run {i + 1}/{len(order)}: {side} (load average {load})", flush=True)
            if side == "hub":
                run = run_hub(folder, args.rev)
            else:
                run = run_baseline(folder, python, wagtail)
            run["load_average_before"] = load
            print(f"{side}: {run}", flush=True)
            runs[side].append(run)
            if not args.keep:
                subprocess.run(["rm", "-rf", str(folder)], check=False)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            subprocess.run(["rm", "-rf", str(work)], check=False)
    for side, side_runs in runs.items():
        # The machine is shared: the fastest run is the least disturbed one.
        result[side] = min(side_runs, key=lambda run: run["total"])
        result[f"{side}_totals"] = [run["total"] for run in side_runs]
    if len(runs) == 2:
        result["ratio_total"] = round(result["hub"]["total"] / result["baseline"]["total"], 2)
        mean = {side: statistics.mean(result[f"{side}_totals"]) for side in runs}
        result["ratio_total_mean"] = round(mean["hub"] / mean["baseline"], 2)
        result["ratio_cpu"] = round(result["hub"]["cpu_s"] / result["baseline"]["cpu_s"], 2)
        result["goal_ratio_total"] = 1.5
    print("RESULT " + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
