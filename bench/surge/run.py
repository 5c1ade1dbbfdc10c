"""The deadline surge (issue 12, point 3): locust against gunicorn, the dossier against the bare view.

    .venv/bin/pip install -r bench/requirements.txt        # locust, gunicorn, redis client, py-spy
    .venv/bin/python bench/surge/data.py setup             # once (database, demo data, 300 applicants)
    .venv/bin/python bench/surge/run.py compare            # both worker models × both scenarios, one table
    .venv/bin/python bench/surge/run.py step               # the bare view's load at p95 ≤ 300 ms
    .venv/bin/python bench/surge/run.py profile            # py-spy (and cProfile) of saves and submits under load

`compare` starts gunicorn (`gunicorn config.wsgi`, DJANGO_SETTINGS_MODULE=surge_settings, 127.0.0.1:8011)
once per worker model — sync: `--workers 4`; gthread: `--workers 2 --threads 4` — and runs, against each,
the bare scenario and then the dossier scenario headless for `--duration` seconds with `--users` users
(spawned all at once: the login wave of a deadline), each run from the same database state
(data.py reset). It prints, per run: requests/s, p50, p95, failures, the load average of the machine
before and after, and the ratio dossier / bare requests/s with the targets (≥ 50 %, p95 ≤ 300 ms, 0
failures). `--users` defaults to the load found by `step` (written to var/bench_surge/step.json).

`compare --also help` adds, in each round, the 帮助 page (the lightest page with the system's layout) as a
second reference: what any page of the system costs before its own content; it is shown, not judged.

`step` runs the bare scenario at rising user counts (`--steps`) and keeps the largest count whose p95 stays
at or under 300 ms with no failure, per worker model.

Users start over `--ramp` seconds (default 10) and locust's statistics are reset once all have started
(`--reset-stats`): the numbers are the steady surge — applicants opening, saving and submitting, new ones
signing in as others finish — not the first wave of sign-ins (ADR 0027 sized that). `compare` alternates
bare and dossier runs (`--rounds`) so that other work on a shared machine weighs on both alike.

Each run also reports the cores each side took over the measured window (the gunicorn workers, PostgreSQL,
locust: CPU time of their processes, sampled with psutil when the window opens and closes) and the server's
CPU per request ((gunicorn + PostgreSQL + Redis) / requests per second): what a request costs the machine,
whatever the load.

Every command ends with one line `RESULT {json}`: the runs, the machine (date, `uname -m`, cores, load
average before and after each run) and, for `compare`, the verdict per worker model.

The users and their think time are in locustfile.py; the numbers are locust's (its p50/p95 come from its
own rounded histogram). Locust runs on the same machine and takes CPU from it too.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench_surge"
BIND = "127.0.0.1:8011"
P95_BAR_MS = 300
RATIO_BAR = 0.5

MODELS = {
    "sync": ["--workers", "4"],
    "gthread": ["--workers", "2", "--threads", "4", "--worker-class", "gthread"],
}
SCENARIOS = {"bare": "BareApplicant", "dossier": "DossierApplicant", "help": "HelpApplicant"}


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["DJANGO_SETTINGS_MODULE"] = "surge_settings"
    e["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE)])
    return e


def loadavg() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def machine() -> dict[str, Any]:
    return {
        "date": dt.datetime.now(tz=dt.UTC).astimezone().isoformat(timespec="minutes"),
        "machine": platform.machine(),
        "nproc": os.cpu_count(),
        "loadavg": loadavg(),
    }


def first_declaration() -> int:
    if not (OUT / "accounts.json").exists():  # written by data.py reset: a database just set up has none yet
        reset()
    accounts = json.loads((OUT / "accounts.json").read_text())
    return int(accounts[0][1]) if accounts else 1


class Gunicorn:
    def __init__(self, model: str, extra_env: dict[str, str] | None = None) -> None:
        self.model = model
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Gunicorn":
        try:
            return self._start()
        except BaseException:
            self.__exit__()  # a server that started but never answered is not left behind on the port
            raise

    def _start(self) -> "Gunicorn":
        log = OUT / f"gunicorn-{self.model}.log"
        cmd = [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", BIND, "--no-control-socket", *MODELS[self.model]]
        with log.open("ab") as out:
            # Our own venv's gunicorn with fixed arguments.
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env() | self.extra_env, stdout=out, stderr=out)  # noqa: S603
        for _ in range(120):
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"http://{BIND}/accounts/login/", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"gunicorn exited: see {log}") from None
        else:
            raise SystemExit("gunicorn did not answer within 60 s")
        # Warm every worker (imports, first connection, templates) before anything is timed.
        bare = f"http://{BIND}/bench/bare/{first_declaration()}/"
        for _ in range(40):
            for url in (f"http://{BIND}/accounts/login/", bare):
                with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310
                    r.read()
        return self

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
        return [int(p) for p in out.stdout.split()]

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def cpu_seconds(locust_pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by each process of the bench, with its side: the gunicorn workers, PostgreSQL's
    processes, Redis and locust. Sampled when the measured window opens and closes (see `locust`)."""
    import psutil  # locust's own dependency (bench/requirements.txt)

    seen: dict[int, tuple[str, float]] = {}
    for proc in psutil.process_iter(["pid", "name", "cmdline"]):
        try:
            name = proc.info["name"] or ""
            cmd = " ".join(proc.info["cmdline"] or [])
            if proc.info["pid"] == locust_pid:
                group = "locust"
            elif "gunicorn" in cmd and "config.wsgi" in cmd:
                group = "gunicorn"
            elif name.startswith("postgres"):
                group = "postgres"
            elif name.startswith("redis"):
                group = "redis"
            else:
                continue
            t = proc.cpu_times()
            seen[proc.info["pid"]] = (group, t.user + t.system)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return seen


def cores_used(
    start: dict[int, tuple[str, float]], end: dict[int, tuple[str, float]], seconds: float
) -> dict[str, float]:
    """Cores each side took between two samples: per process still alive at the end, its CPU since the first
    sample (a process born in between counts whole; one that ended in between is lost, a few ms)."""
    used = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0, "locust": 0.0}
    for pid, (group, cpu) in end.items():
        used[group] += cpu - start.get(pid, (group, 0.0))[1]
    return {k: round(v / seconds, 2) for k, v in used.items()}


def reset() -> None:
    # data.py of this directory, with this interpreter.
    subprocess.run(  # noqa: S603
        [sys.executable, str(HERE / "data.py"), "reset"], cwd=ROOT, env=env(), check=True, stdout=subprocess.DEVNULL
    )


def locust(scenario: str, users: int, duration: int, ramp: int, tag: str) -> dict[str, Any]:
    """One headless run; its aggregated and per-request numbers from locust's CSV."""
    reset()
    prefix = OUT / f"locust-{tag}"
    before = loadavg()
    cmd = [
        str(VENV_BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        SCENARIOS[scenario],
        "--headless",
        "--host",
        f"http://{BIND}",
        "--users",
        str(users),
        "--spawn-rate",
        f"{users / max(ramp, 1):.2f}",
        "--reset-stats",
        "--run-time",
        f"{duration + ramp}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with (OUT / f"locust-{tag}.log").open("w") as log:
        # Our own venv's locust with fixed arguments.
        runner = subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603
        # The CPU of each side over the measured window (after the ramp, as locust's statistics).
        time.sleep(ramp + 1)
        start, t0 = cpu_seconds(runner.pid), time.monotonic()
        time.sleep(max(duration - 2, 1))
        end, t1 = cpu_seconds(runner.pid), time.monotonic()
        runner.wait()
    after = loadavg()
    cores = cores_used(start, end, t1 - t0)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "avg": round(float(row["Average Response Time"] or 0), 1),
            }
    agg = rows.pop("Aggregated")
    return {
        "scenario": scenario,
        "users": users,
        "duration": duration,
        "load_before": before,
        "load_after": after,
        **agg,
        "cores": cores,
        # CPU per request of the server side (gunicorn + PostgreSQL + Redis), in ms.
        "server_cpu_ms": round(1000 * (cores["gunicorn"] + cores["postgres"] + cores["redis"]) / agg["rps"], 1)
        if agg["rps"]
        else 0.0,
        "by_name": rows,
    }


def fmt(r: dict[str, Any]) -> str:
    return (
        f"| {r['model']} | {r['scenario']} | {r['users']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
        f"{r['failures']} / {r['requests']} | {r['load_before']} → {r['load_after']} | "
        f"{r['cores']['gunicorn']:.2f} / {r['cores']['postgres']:.2f} / {r['cores']['locust']:.2f} | "
        f"{r['server_cpu_ms']:.1f} |"
    )


HEADER = (
    "| workers | scenario | users | requests/s | p50 ms | p95 ms | failures / requests | load avg before → after "
    "| cores gunicorn / postgres / locust | server CPU ms per request |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def default_users() -> int:
    step_file = OUT / "step.json"
    if step_file.exists():
        found = json.loads(step_file.read_text())
        held = [v for v in found.values() if v]
        if held:
            return min(held)
    return 50


def verdict(results: list[dict[str, Any]], model: str) -> dict[str, Any]:
    """Sum of the model's bare runs against the sum of its dossier runs (alternated, same users)."""
    bare = [r for r in results if r["model"] == model and r["scenario"] == "bare"]
    dossier = [r for r in results if r["model"] == model and r["scenario"] == "dossier"]
    bare_rps = sum(r["rps"] for r in bare) / len(bare)
    dossier_rps = sum(r["rps"] for r in dossier) / len(dossier)
    ratio = dossier_rps / bare_rps if bare_rps else 0.0
    p95 = max(r["p95"] for r in dossier)
    failures = sum(r["failures"] for r in dossier)
    return {
        "model": model,
        "bare_rps": round(bare_rps, 2),
        "bare_p95": max(r["p95"] for r in bare),
        "bare_failures": sum(r["failures"] for r in bare),
        "dossier_rps": round(dossier_rps, 2),
        "dossier_p95": p95,
        "dossier_failures": failures,
        "ratio": round(ratio, 3),
        "pass": ratio >= RATIO_BAR and p95 <= P95_BAR_MS and failures == 0,
    }


def compare(args: argparse.Namespace) -> dict[str, Any]:
    users = args.users or default_users()
    results = []
    print(f"# surge, {machine()}, {users} users, {args.duration} s per run after a {args.ramp} s ramp")
    for model in args.models:
        with Gunicorn(model):
            for i in range(args.rounds):
                for scenario in ("bare", "dossier", *args.also):
                    r = locust(scenario, users, args.duration, args.ramp, f"{model}-{scenario}-{i}") | {"model": model}
                    results.append(r)
                    print(fmt(r), flush=True)
    print()
    print(HEADER)
    for r in results:
        print(fmt(r))
    print()
    verdicts = [verdict(results, model) for model in args.models]
    for v in verdicts:
        print(
            f"{v['model']}: dossier/bare = {v['dossier_rps']:.1f} / {v['bare_rps']:.1f} = {v['ratio']:.0%} "
            f"(target ≥ 50 %); dossier p95 {v['dossier_p95']:.0f} ms (≤ 300), failures {v['dossier_failures']} (0): "
            f"{'PASS' if v['pass'] else 'FAIL'}"
        )
        for r in results:
            if r["model"] != v["model"] or r["scenario"] != "dossier":
                continue
            for name, row in sorted(r["by_name"].items()):
                print(
                    f"    {name:28} {row['requests']:6d} req  p50 {row['p50']:5.0f}  p95 {row['p95']:5.0f}  "
                    f"failures {row['failures']}"
                )
    return {"command": "compare", "users": users, "runs": results, "verdicts": verdicts}


def step(args: argparse.Namespace) -> dict[str, Any]:
    found: dict[str, int] = {}
    runs = []
    for model in args.models:
        with Gunicorn(model):
            best = 0
            for users in args.steps:
                r = locust("bare", users, args.duration, args.ramp, f"step-{model}-{users}") | {"model": model}
                runs.append(r)
                print(fmt(r), flush=True)
                if r["p95"] <= P95_BAR_MS and r["failures"] == 0:
                    best = users
                else:
                    break
            found[model] = best
            print(f"{model}: the bare view holds p95 ≤ {P95_BAR_MS} ms up to {best} users")
    (OUT / "step.json").write_text(json.dumps(found))
    return {"command": "step", "held": found, "runs": runs}


def profile(args: argparse.Namespace) -> dict[str, Any]:
    """The dossier scenario under load with py-spy on every worker, or cProfile of saves and submits."""
    users = args.users or default_users()
    prof_dir = OUT / "profile"
    prof_dir.mkdir(parents=True, exist_ok=True)
    for old in prof_dir.glob("*"):
        old.unlink()
    model = args.models[0]
    extra = {"BENCH_SURGE_PROFILE": str(prof_dir)} if args.cprofile else {}
    with Gunicorn(model, extra) as server:
        spy = [str(VENV_BIN / "py-spy"), "record", "--duration", str(args.duration + args.ramp), "--rate", "200"]
        spies = [
            # Our own venv's py-spy on our own gunicorn workers.
            subprocess.Popen(  # noqa: S603
                [*spy, "--pid", str(pid), "--format", "raw", "--idle", "--output", str(prof_dir / f"pyspy-{pid}.txt")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid in ([] if args.cprofile else server.worker_pids())
        ]
        r = locust("dossier", users, args.duration, args.ramp, f"profile-{model}") | {"model": model}
        for s in spies:
            s.wait(timeout=60)
    print(HEADER)
    print(fmt(r))
    print(f"profiles in {prof_dir}; summarise with: .venv/bin/python bench/surge/profiling.py {prof_dir}")
    return {"command": "profile", "runs": [r]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("compare", "step", "profile"):
        p = sub.add_parser(name)
        p.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
        p.add_argument("--duration", type=int, default=60 if name != "step" else 30, help="measured seconds")
        p.add_argument("--ramp", type=int, default=10, help="seconds over which the users start (not measured)")
        p.add_argument("--users", type=int, default=0)
        if name == "compare":
            p.add_argument("--rounds", type=int, default=1, help="bare/dossier pairs per worker model")
            p.add_argument(
                "--also",
                nargs="*",
                default=[],
                choices=["help"],
                help="more reference scenarios run in each round, not judged (help: the 帮助 page, the layout alone)",
            )
        if name == "step":
            p.add_argument("--steps", type=int, nargs="+", default=[10, 20, 30, 40, 60, 80, 100, 130, 160, 200])
        if name == "profile":
            p.add_argument("--cprofile", action="store_true", help="cProfile middleware instead of py-spy")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    started = machine()
    result = {"compare": compare, "step": step, "profile": profile}[args.command](args)
    result = {**result, "machine": started, "load_at_end": loadavg()}
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
    (OUT / f"{args.command}-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print("RESULT " + json.dumps(result, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
