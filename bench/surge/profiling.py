"""Where a save and a submit spend their time (issue 12, point 3).

1. Under load, in the bench settings: `BENCH_SURGE_PROFILE=<dir>` puts `ProfileMiddleware` first; it runs
   each dossier request (open, save, submit) under cProfile and writes one .prof per request to <dir>
   (`run.py profile --cprofile`). `run.py profile` without it samples every gunicorn worker with py-spy
   instead (wall clock, idle included: time waiting on PostgreSQL shows).
2. Summaries:

    .venv/bin/python bench/surge/profiling.py var/bench_surge/profile          # what the directory holds
    .venv/bin/python bench/surge/profiling.py var/bench_surge/profile --top 40

For cProfile files: per kind (open / save / submit) the requests' mean time and the functions with the most
cumulative time, restricted to the project's code and the framework parts it calls. For py-spy raw files:
the share of samples per frame (inclusive), idle (waiting on a socket) apart.
"""

import argparse
import collections
import cProfile
import os
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

DOSSIER = re.compile(r"^/declarations/\d+/(submit/)?$")


def request_kind(method: str, path: str) -> str | None:
    match = DOSSIER.match(path)
    if match is None:
        return None
    if match.group(1):
        return "submit"
    return "save" if method == "POST" else "open"


class ProfileMiddleware:
    """cProfile around each dossier request; one file per request, named by kind, process and time."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.directory = Path(os.environ["BENCH_SURGE_PROFILE"])
        self.directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, request):  # noqa: ANN001, ANN204 — Django middleware signature
        kind = request_kind(request.method, request.path)
        if kind is None:
            return self.get_response(request)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        response = profiler.runcall(self.get_response, request)
        elapsed = time.perf_counter() - started
        profiler.dump_stats(self.directory / f"{kind}-{os.getpid()}-{time.time_ns()}-{elapsed * 1000:.0f}ms.prof")
        return response


def summarise_cprofile(files: list[Path], top: int) -> None:
    by_kind: dict[str, list[Path]] = collections.defaultdict(list)
    for f in files:
        by_kind[f.name.split("-")[0]].append(f)
    for kind, group in sorted(by_kind.items()):
        walls = [float(f.stem.rsplit("-", 1)[1].removesuffix("ms")) for f in group]
        stats = pstats.Stats(*map(str, group))
        total = stats.total_tt  # type: ignore[attr-defined]
        print(
            f"\n## {kind}: {len(group)} requests, wall mean {sum(walls) / len(walls):.1f} ms, "
            f"profiled CPU mean {total / len(group) * 1000:.1f} ms (profiler overhead included)"
        )
        rows = []
        for (filename, line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            if (
                "title_review" in filename
                or "django/template" in filename
                or "psycopg" in filename
                or "bench/surge" in filename
            ):
                short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
                rows.append((ct, f"{short}:{line} {func}"))
        for ct, name in sorted(rows, reverse=True)[:top]:
            print(f"  {ct / len(group) * 1000:7.1f} ms  {100 * ct / total:5.1f} %  {name}")


def summarise_pyspy(files: list[Path], top: int) -> None:
    inclusive: collections.Counter[str] = collections.Counter()
    total = idle = 0
    for f in files:
        for line in f.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            n = int(count)
            total += n
            frames = stack.split(";")
            if any(x in frames[-1] for x in ("wait (", "select (", "accept (", "_recv", "recv_into", "poll (")):
                idle += n
            for frame in set(frames):
                if "title_review" in frame or "django/" in frame or "psycopg" in frame or "argon2" in frame:
                    inclusive[frame] += n
    print(
        f"{total} samples, {100 * idle / max(total, 1):.0f} % idle or waiting on a socket (PostgreSQL, the client, accept)"
    )
    for frame, n in inclusive.most_common(top):
        print(f"  {100 * n / total:5.1f} %  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    profs = sorted(args.directory.glob("*.prof"))
    raws = sorted(args.directory.glob("pyspy-*.txt"))
    if profs:
        summarise_cprofile(profs, args.top)
    if raws:
        summarise_pyspy(raws, args.top)
    if not profs and not raws:
        sys.exit(f"nothing to summarise in {args.directory}")


if __name__ == "__main__":
    main()
