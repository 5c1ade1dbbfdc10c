"""Issue 12 in one run: every declaration list at ~3,000 and ~300,000 in scope, the 评审表 PDF against bare
WeasyPrint, the 汇总表 against raw XlsxWriter, every import against a bulk insert, and the deadline surge
(locust against gunicorn, the dossier against the bare view) — as ratios, ending with one `RESULT {json}`.

    .venv/bin/python bench/lists.py all          # or: make bench-lists  [--skip-imports] [--skip-surge]
    .venv/bin/python bench/lists.py generate     # only make sure both lists databases hold their data
    .venv/bin/python bench/lists.py lists [--reps 7] [--only 待审核材料]
    .venv/bin/python bench/lists.py pdf | xlsx | imports [--production-hasher] | surge [--surge-users 50]
    .venv/bin/python bench/lists.py reset        # drop both lists databases

Two PostgreSQL databases, `<BENCH_LISTS_DB>_3k` and `<BENCH_LISTS_DB>_300k` (default
title_review_bench_lists_*, on BENCH_LISTS_SERVER, default postgres://postgres@127.0.0.1:5432), each the demo
data plus one round whose declarations sit at 杭州市第一人民医院 in every stage (bench/lists_data.py). Each is
created and filled the first time (the 300,000 take several minutes); later runs only apply new migrations.

Lists are timed in-process (Django test Client, force_login, DEBUG off: bench/lists_settings.py) by two
long-lived worker processes, one per database, driven in turn by this process: for each page, 2 warm-ups
each (the second one also counts the queries, CaptureQueriesContext), then `--reps` requests alternating
small/large (the order flips every round), median. A page passes when its median at 300k is within 1.3 × its
median at 3k and both ran the same number of queries (the issue's bar). 导出汇总表 builds its file in the request
up to 2,000 rows and queues a job above (at 3k the inline file, at 300k the job): each button is timed twice,
with the inline limit at 0 so both sizes queue the job ("(job)", judged), and as a user sends it ("(as sent)",
shown, and judged only when both sizes answer the same way).

`imports` runs bench/imports.py (证书信息), imports_organisations.py (单位工作人员, 机构, 经办账号) and
imports_records.py (字典条目, 原系统单位代码, 评审情况), 3 interleaved rounds each at 10,000 rows, each on a
database of its own (`<BENCH_LISTS_DB>_imp_certificates`, `_imp_organisations`, `_imp_records`: created once
with migrate and what the script's docstring asks for, migrated on later runs; never the lists' databases,
which the imports would change). 机构 and 经办账号 run with MD5 on both sides at 10,000 rows (caps lifted for the
run: what they cost besides hashing one-time passwords, which both sides pay alike); `--production-hasher`
runs them with argon2id at their caps instead (≈ 15 minutes, hashing-bound, ≈ 1 ×). Each import is judged by
the worse of its dry run's and commit's median ratio to the bulk insert of the same round, ≤ 3 ×.

`surge` runs bench/surge/data.py setup (once: its database `<BENCH_SURGE_DB>`, default
title_review_bench_surge) and `bench/surge/run.py compare --models sync --users 50 --rounds 1 --duration 30
--ramp 5`: the verdict (dossier / bare requests/s ≥ 50 %, dossier p95 ≤ 300 ms, no failure). Needs
bench/requirements.txt in the venv (`make bench-lists` installs it).

The results go to bench/results/lists.md, one section per part; a part not measured in a run keeps its
section and RESULT entry from the previous file, marked as such.
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_LISTS_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_BASE = os.environ.get("BENCH_LISTS_DB", "title_review_bench_lists")
SIZES = {"3k": 3_000, "300k": 300_000}
SMALL, LARGE = "3k", "300k"
RATIO_BAR = 1.3
PROTOCOL = "@@"  # worker replies start with it; anything else a worker prints is passed through to stderr

# label, account, address ({round}: the bench round; {publicity}: its running 单位内部公示; {batch}: the 评审结果
# batch of lists_data.later_stages).
# "pN": page N, the same page number at both sizes (each exists at 3k too); the long lists get a deep one.
PAGES: list[tuple[str, str, str]] = [
    # 待审核材料 (reviews.inbox): every desk account, deep pages, every filter.
    ("待审核材料", "hzcheck", "/reviews/inbox/"),
    ("待审核材料 p2", "hzcheck", "/reviews/inbox/?page=2"),
    ("待审核材料 p25", "hzcheck", "/reviews/inbox/?page=25"),
    ("待审核材料 按单位名称", "hzcheck", "/reviews/inbox/?employer=第一人民医院"),
    ("待审核材料 评审活动", "hzcheck", "/reviews/inbox/?round={round}"),
    ("待审核材料 等待5天以上", "hzcheck", "/reviews/inbox/?waiting=5"),
    ("待审核材料", "hzreturn", "/reviews/inbox/"),
    ("待审核材料", "wjwreview", "/reviews/inbox/"),
    ("待审核材料 p25", "wjwreview", "/reviews/inbox/?page=25"),
    ("待审核材料", "wjwadmin", "/reviews/inbox/"),
    # 上报材料跟踪 (reviews.tracking): the employer, the department, the city and the province.
    ("上报材料跟踪", "hzcheck", "/reviews/track/"),
    ("上报材料跟踪 p2", "hzcheck", "/reviews/track/?page=2"),
    ("上报材料跟踪 p25", "hzcheck", "/reviews/track/?page=25"),
    ("上报材料跟踪 状态=已受理", "hzcheck", "/reviews/track/?status=accepted"),
    ("上报材料跟踪 评审活动", "hzcheck", "/reviews/track/?round={round}"),
    ("上报材料跟踪 按单位名称", "hzcheck", "/reviews/track/?employer=第一人民医院"),
    ("上报材料跟踪 等待5天以上", "hzcheck", "/reviews/track/?waiting=5"),
    ("上报材料跟踪", "hzadmin", "/reviews/track/"),
    ("上报材料跟踪", "zjadmin", "/reviews/track/"),
    ("上报材料跟踪", "wjwadmin", "/reviews/track/"),
    ("上报材料跟踪", "wjwreview", "/reviews/track/"),
    ("上报材料跟踪", "hospitaladmin", "/reviews/track/"),
    ("上报材料跟踪 p25", "hospitaladmin", "/reviews/track/?page=25"),
    ("上报材料跟踪 状态=退回", "hospitaladmin", "/reviews/track/?status=returned"),
    # 管理材料 (reviews.manage): the employer's own, drafts included.
    ("管理材料", "hospitaladmin", "/reviews/manage/"),
    ("管理材料 p2", "hospitaladmin", "/reviews/manage/?page=2"),
    ("管理材料 p25", "hospitaladmin", "/reviews/manage/?page=25"),
    ("管理材料 评审活动", "hospitaladmin", "/reviews/manage/?round={round}"),
    # 已受理名单 (reviews.accepted).
    ("已受理名单", "hzcheck", "/reviews/accepted/"),
    ("已受理名单 p2", "hzcheck", "/reviews/accepted/?page=2"),
    ("已受理名单 p10", "hzcheck", "/reviews/accepted/?page=10"),
    ("已受理名单 评审活动", "hzcheck", "/reviews/accepted/?round={round}"),
    ("已受理名单", "hzadmin", "/reviews/accepted/"),
    ("已受理名单", "zjadmin", "/reviews/accepted/"),
    # 被退回的材料 (reviews.returned).
    ("被退回的材料", "hospitaladmin", "/reviews/returned/"),
    ("被退回的材料 p2", "hospitaladmin", "/reviews/returned/?page=2"),
    # 单位审核 (reviews.employer): its three tabs, and a running 单位内部公示.
    ("单位审核 审核材料", "hospitaladmin", "/reviews/employer/?tab=review"),
    ("单位审核 审核材料 p2", "hospitaladmin", "/reviews/employer/?tab=review&page=2"),
    ("单位审核 单位内部公示", "hospitaladmin", "/reviews/employer/?tab=publicity"),
    ("单位审核 上报材料", "hospitaladmin", "/reviews/employer/?tab=forward"),
    ("单位审核 上报材料 p2", "hospitaladmin", "/reviews/employer/?tab=forward&page=2"),
    ("公示表 (running 单位内部公示)", "hospitaladmin", "/reviews/employer/publicity/{publicity}/"),
    # 交换数据包 (exchange).
    ("交换数据包", "hzadmin", "/exchange/"),
    ("交换数据包", "zjadmin", "/exchange/"),
    ("交换数据包 选择导出", "hzadmin", "/exchange/rounds/{round}/"),
    ("交换数据包 选择导出 p2", "hzadmin", "/exchange/rounds/{round}/?page=2"),
    # 导出汇总表 (exports): each list's button, with its page's filters. Up to 2,000 rows the file is built in
    # the request, above that a job is queued (我的下载): at 3k and 300k the same button is then two different
    # requests. "JOB": the same POST with the inline limit set to 0 (EXPORT_INLINE_MAX_ROWS), so both sizes
    # queue the job — the like-for-like comparison, judged. "POST" as a user sends it: judged when both sizes
    # answer the same way, otherwise shown (the inline build's time at 3k) but not judged (see verdict()).
    ("导出汇总表 待审核材料 (job)", "hzcheck", "JOB /exports/inbox/"),
    ("导出汇总表 上报材料跟踪 (job)", "hzcheck", "JOB /exports/tracking/"),
    ("导出汇总表 已受理名单 (job)", "hzcheck", "JOB /exports/accepted/"),
    ("导出汇总表 管理材料 (job)", "hospitaladmin", "JOB /exports/declarations/"),
    ("导出汇总表 评审活动 (job)", "hzadmin", "JOB /exports/rounds/{round}/"),
    ("导出汇总表 待审核材料 (as sent)", "hzcheck", "POST /exports/inbox/"),
    ("导出汇总表 上报材料跟踪 (as sent)", "hzcheck", "POST /exports/tracking/"),
    ("导出汇总表 已受理名单 (as sent)", "hzcheck", "POST /exports/accepted/"),
    ("导出汇总表 管理材料 (as sent)", "hospitaladmin", "POST /exports/declarations/"),
    ("导出汇总表 评审活动 (as sent)", "hzadmin", "POST /exports/rounds/{round}/"),
    # 打印 (printing): a round's 汇总表 PDF and 批量打印评审表.
    ("打印 汇总表 PDF", "hzcheck", "/printing/rounds/{round}/summary.pdf"),
    ("批量打印评审表", "hzcheck", "POST /printing/rounds/{round}/review-forms/"),
    # API lists.
    ("API 待审核", "hzcheck", "/api/v1/reviews/inbox/"),
    ("API 待审核 p2", "hzcheck", "/api/v1/reviews/inbox/?page=2"),
    ("API 待审核 p10", "hzcheck", "/api/v1/reviews/inbox/?page=10"),
    ("API 待审核 评审活动", "hzcheck", "/api/v1/reviews/inbox/?round={round}"),
    ("API 待审核", "wjwreview", "/api/v1/reviews/inbox/"),
    ("API 申报材料 (可填写的)", "hospitaladmin", "/api/v1/declarations/"),
    # The later stages' lists (评委会's results, 评审结果, a unit's results and certificates, received packages):
    # 评审结果, 单位评审结果 and 单位证书 hold the rows of lists_data.later_stages (a batch of every accepted
    # declaration, a certificate per applicant); the 评委会's results and received packages have no rows of
    # their own here and time their queries over the declarations around them.
    ("评审结果 (评委会)", "hzadmin", "/committees/results/"),
    ("评审结果", "hzadmin", "/results/"),
    ("单位评审结果", "hospitaladmin", "/results/unit/"),
    ("单位证书", "hospitaladmin", "/certificates/unit/"),
    ("交换数据包 已接收", "hzadmin", "/exchange/received/"),
    # After 受理 at size (lists_data.later_stages): the 评审结果 batch in 公示 holding every accepted declaration
    # of the round ({batch}), the public 公示 list, and one certificate per applicant (证书查询 of the province).
    ("评审结果 批次", "hzadmin", "/results/batches/{batch}/"),
    ("评审结果 批次 p2", "hzadmin", "/results/batches/{batch}/?page=2"),
    ("评审结果公示", "hzadmin", "/results/publicity/"),
    ("评审结果公示 p2", "hzadmin", "/results/publicity/?page=2"),
    ("证书查询", "zjadmin", "/certificates/"),
    ("证书查询 p2", "zjadmin", "/certificates/?page=2"),
    ("证书查询", "hzadmin", "/certificates/"),
    # 工作台: the desk counts and the employer's summary.
    ("工作台", "hospitaladmin", "/"),
    ("工作台", "hzcheck", "/"),
    ("工作台", "hzreturn", "/"),
    ("工作台", "wjwreview", "/"),
    ("工作台", "wjwadmin", "/"),
    ("工作台", "hzadmin", "/"),
    ("工作台", "zjadmin", "/"),
    # The reference the issue names: 机构树 of the province (not a declaration list).
    ("机构树", "zjadmin", "/organisations/"),
]


def database_url(size: str) -> str:
    return f"{SERVER}/{DB_BASE}_{size}"


def child_env(size: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(size)
    env["DJANGO_SETTINGS_MODULE"] = "lists_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")])
    return env


# ---------------------------------------------------------------- databases


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def ensure_data() -> None:
    """Both databases exist and hold their declarations (generated only when missing)."""
    for size, total in SIZES.items():
        name = f"{DB_BASE}_{size}"
        for _attempt in range(2):
            if not _exists(name):
                print(f"creating database {name}", flush=True)
                _admin(f'CREATE DATABASE "{name}"')
            print(f"{name}: {total:,} declarations", flush=True)
            done = subprocess.run(  # noqa: S603 — our own script
                [PYTHON, str(HERE / "lists_data.py"), str(total)], env=child_env(size), cwd=ROOT, check=False
            )
            if done.returncode == 0:
                break
            if done.returncode != 3:
                raise SystemExit(f"generating {name} failed ({done.returncode})")
            print(f"dropping the incomplete {name}", flush=True)
            _admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            raise SystemExit(f"could not generate {name}")


def reset() -> None:
    for size in SIZES:
        name = f"{DB_BASE}_{size}"
        if _exists(name):
            _admin(f'DROP DATABASE "{name}" WITH (FORCE)')
            print(f"dropped {name}")


# ---------------------------------------------------------------- the worker (one per database)


def worker() -> None:
    """Answer one request per line on stdin with one reply line on stdout, for the database of DATABASE_URL."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from lists_data import ROUND_TITLE

    from title_review.accounts.models import User
    from title_review.reviews.models import Publicity
    from title_review.rounds.models import Round

    round_ = Round.objects.get(title=ROUND_TITLE)
    running = Publicity.objects.filter(round=round_, declarations__status="in_publicity").first()
    from lists_data import LATER_COMMITTEE

    from title_review.results.models import ResultBatch

    later = ResultBatch.objects.filter(committee_name=LATER_COMMITTEE).values_list("pk", flat=True).first()
    values = {"round": round_.pk, "publicity": running.pk if running else 0, "batch": later or 0}
    clients: dict[str, Any] = {}

    def client(account: str) -> Any:
        if account not in clients:
            c = Client()
            c.force_login(User.objects.get(username=account))
            clients[account] = c
        return clients[account]

    def get(account: str, url: str) -> tuple[float, Any]:
        c = client(account)
        method, _space, address = url.rpartition(" ")
        started = time.perf_counter()
        if method == "JOB":
            with override_settings(EXPORT_INLINE_MAX_ROWS=0):
                response = c.post(address.format(**values), {"round": values["round"]})
        elif method == "POST":
            response = c.post(address.format(**values), {"round": values["round"]})
        else:
            response = c.get(address.format(**values))
        body = response.content
        return (time.perf_counter() - started) * 1000, (response.status_code, len(body))

    def reply(payload: dict[str, Any]) -> None:
        sys.stdout.write(PROTOCOL + json.dumps(payload, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    reply({"ready": True, "round": round_.pk})
    for line in sys.stdin:
        ask = json.loads(line)
        op = ask["op"]
        try:
            if op == "get":
                ms, (status, size) = get(ask["account"], ask["url"])
                reply({"ms": ms, "status": status, "bytes": size})
            elif op == "count":
                with CaptureQueriesContext(connection) as captured:
                    ms, (status, size) = get(ask["account"], ask["url"])
                reads = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
                slowest = sorted(reads, key=lambda q: -float(q["time"]))[:3]
                reply(
                    {
                        "ms": ms,
                        "status": status,
                        "bytes": size,
                        "queries": len(captured.captured_queries),
                        "slowest": [{"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in slowest],
                    }
                )
            elif op == "explain":
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + ask["sql"])
                    reply({"plan": "\n".join(row[0] for row in cursor.fetchall())})
            elif op == "quit":
                reply({"bye": True})
                return
            else:
                reply({"error": f"unknown op {op}"})
        except Exception as exc:  # noqa: BLE001 — reported to the driver, which marks the page
            reply({"error": f"{type(exc).__name__}: {exc}"[:500], "status": 0, "ms": 0.0, "queries": 0, "slowest": []})


class Worker:
    def __init__(self, size: str) -> None:
        self.size = size
        self.process = subprocess.Popen(  # noqa: S603 — our own script
            [PYTHON, str(Path(__file__).resolve()), "_worker"],
            env=child_env(size),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.ready = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None  # noqa: S101 — set by Popen
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                return json.loads(line[len(PROTOCOL) :])
            sys.stderr.write(f"[{self.size}] {line}")
        raise SystemExit(f"worker {self.size} stopped (exit {self.process.wait()})")

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.process.stdin is not None  # noqa: S101 — set by Popen
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        try:
            self.ask(op="quit")
        finally:
            self.process.wait(timeout=30)


# ---------------------------------------------------------------- lists


def load_average() -> str:
    """The first three fields of /proc/loadavg (1, 5 and 15 minutes), noted before each measurement."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
        "machine": platform.machine(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load": load_average(),
    }


def describe(info: dict[str, Any]) -> str:
    return (
        f"{info['date']}, `uname -m` {info['machine']}, nproc {info['nproc']} ({info['cpu']}), "
        f"load average {info['load']} at start"
    )


def measure_lists(reps: int, only: str = "") -> list[dict[str, Any]]:
    workers = {SMALL: Worker(SMALL), LARGE: Worker(LARGE)}
    results = []
    try:
        for label, account, url in PAGES:
            if only and only not in label and only != account:
                continue
            row: dict[str, Any] = {"page": label, "account": account, "url": url, "load": load_average()}
            for size, w in workers.items():
                w.ask(op="get", account=account, url=url)
                # The second warm-up counts: the first may still write the session's first row.
                first = w.ask(op="count", account=account, url=url)
                row[size] = {"queries": first["queries"], "status": first["status"], "slowest": first["slowest"]}
                row[size]["error"] = first.get("error", "")
                row[size]["bytes"] = first.get("bytes", 0)
                row[size]["times"] = []
            for rep in range(reps):
                order = (SMALL, LARGE) if rep % 2 == 0 else (LARGE, SMALL)
                for size in order:
                    answer = workers[size].ask(op="get", account=account, url=url)
                    row[size]["times"].append(answer["ms"])
                    if answer.get("status") != row[size]["status"]:
                        row[size]["error"] = row[size]["error"] or f"status {answer.get('status')}"
            for size in (SMALL, LARGE):
                row[size]["ms"] = statistics.median(row[size]["times"])
            results.append(row)
            print(_line(row), flush=True)
        explain_slowest(results, workers[LARGE])
    finally:
        for w in workers.values():
            w.close()
    return results


NOT_JUDGED = "NOT JUDGED"


def verdict(row: dict[str, Any]) -> tuple[float, str]:
    small, large = row[SMALL], row[LARGE]
    if small["error"] or large["error"] or small["status"] not in (200, 302) or large["status"] not in (200, 302):
        return 0.0, f"ERROR ({small['error'] or small['status']} / {large['error'] or large['status']})"
    ratio = large["ms"] / small["ms"] if small["ms"] else 0.0
    if row["url"].startswith("POST /exports/") and small["status"] != large["status"]:
        # 导出汇总表 as a user sends it: the file built in the request at one size (200), a job queued at the
        # other (302). Two different requests; its "(job)" row compares the same request at both sizes.
        kinds = {200: "file built inline", 302: "job queued"}
        return ratio, f"{NOT_JUDGED} ({kinds[small['status']]} at {SMALL}, {kinds[large['status']]} at {LARGE})"
    same = small["queries"] == large["queries"]
    ok = ratio <= RATIO_BAR and same
    reasons = []
    if ratio > RATIO_BAR:
        reasons.append(f"ratio > {RATIO_BAR}")
    if not same:
        reasons.append("query count differs")
    return ratio, "PASS" if ok else "FAIL (" + ", ".join(reasons) + ")"


def _line(row: dict[str, Any]) -> str:
    ratio, result = verdict(row)
    small, large = row[SMALL], row[LARGE]
    return (
        f"| {row['page']} | {row['account']} | {small['ms']:,.0f} | {large['ms']:,.0f} | {ratio:.2f}× | "
        f"{small['queries']} | {large['queries']} | {result} | {row['load'].split()[0]} |"
    )


HEADER = (
    "| page | account | ms at 3k | ms at 300k | ratio | queries 3k | queries 300k | result | load |\n"
    "|---|---|---:|---:|---:|---:|---:|---|---:|"
)


def explain_slowest(results: list[dict[str, Any]], large: Worker, count: int = 2) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest distinct queries seen at 300k."""
    seen: dict[str, tuple[float, str]] = {}
    for row in results:
        for q in row[LARGE]["slowest"]:
            key = q["sql"][:300]
            if key not in seen or seen[key][0] < q["ms"]:
                seen[key] = (q["ms"], f"{row['page']} ({row['account']})\n{q['sql']}")
    print(f"\nThe {count} slowest queries at 300k (first request of their page), EXPLAIN (ANALYZE, BUFFERS):")
    for ms, text in sorted(seen.values(), key=lambda v: -v[0])[:count]:
        where, sql = text.split("\n", 1)
        plan = large.ask(op="explain", sql=sql).get("plan", "(explain failed)")
        print(f"\n--- {ms:,.0f} ms in {where}\n{sql}\n\n{plan}\n")


def lists(reps: int, only: str, report: list[str]) -> dict[str, Any]:
    ensure_data()
    info = machine()
    print(f"\n{describe(info)}")
    print(f"warm in-process requests, median of {reps} after 2 warm-ups, sizes interleaved\n")
    print(HEADER, flush=True)
    results = measure_lists(reps, only)
    table = [HEADER] + [_line(row) for row in results]
    print("\n" + "\n".join(table))
    judged = [r for r in results if not verdict(r)[1].startswith(NOT_JUDGED)]
    failed = [r for r in judged if not verdict(r)[1].startswith("PASS")]
    verdict_line = (
        f"{len(judged) - len(failed)} of {len(judged)} judged pages PASS (ratio ≤ {RATIO_BAR} with equal query "
        f"counts); {len(results) - len(judged)} not judged (导出汇总表 as sent: a file built inline at one size, a "
        'job queued at the other; the same button with the inline limit at 0 is judged in its "(job)" row)'
    )
    print(f"\n{verdict_line}")
    report += [
        "## Declaration lists at ~3,000 and ~300,000 in scope",
        "",
        describe(info) + ".",
        f"Warm in-process requests (Django test Client, DEBUG off), median of {reps} after 2 warm-ups, the two "
        "sizes interleaved; queries counted on the second warm-up; `load` is the 1-minute load average "
        "before the page was measured.",
        "",
        *table,
        "",
        verdict_line + ".",
        "",
    ]
    ratios = {f"{r['page']} ({r['account']})": round(verdict(r)[0], 3) for r in results}
    worst = max(ratios, key=lambda k: ratios[k]) if ratios else ""
    return {
        "pages": len(judged),
        "pass": len(judged) - len(failed),
        "not_judged": [f"{r['page']} ({r['account']})" for r in results if r not in judged],
        "failed": [f"{r['page']} ({r['account']}): {verdict(r)[1]}" for r in failed],
        "max_ratio": ratios.get(worst, 0.0),
        "worst": worst,
        "queries_equal": all(r[SMALL]["queries"] == r[LARGE]["queries"] for r in judged),
        "ratios": ratios,
    }


# ---------------------------------------------------------------- 评审表 PDF vs bare WeasyPrint


def pdf_inner(runs: int) -> None:
    """In the 300k database: the accepted template's 评审表, its dossier grown to 4 pages (45 achievement
    rows, 8 work rows, as bench/exchange.py), through print_declaration and through WeasyPrint alone on
    the same HTML with the same fonts, interleaved."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    import django

    django.setup()
    from django.template.loader import render_to_string
    from lists_data import ROUND_TITLE
    from weasyprint import HTML

    from title_review.accounts.models import User
    from title_review.declarations.models import Declaration
    from title_review.printing import renderer
    from title_review.printing.documents import FORMS
    from title_review.printing.services import declaration_context, print_declaration

    viewer = User.objects.get(username="hzcheck")
    declaration = (
        Declaration.objects.filter(round__title=ROUND_TITLE, status="accepted", applicant__username__startswith="blt")
        .select_related("employer", "round", "applicant")
        .get()
    )
    papers = declaration.snapshot["records"]["achievement"]
    declaration.snapshot["records"]["achievement"] = [
        {**papers[i % len(papers)], "id": 10_000 + i, "title": f"{papers[i % len(papers)]['title']}（续{i}）"}
        for i in range(45)
    ]
    declaration.snapshot["records"]["work"] = declaration.snapshot["records"]["work"] * 8
    html = render_to_string(
        FORMS["review"].template, declaration_context(viewer=viewer, declaration=declaration, form_key="review")
    )
    font_config, font_css = renderer._fonts()

    def ours() -> bytes:
        return print_declaration(viewer=viewer, declaration=declaration, form_key="review").content

    def bare() -> bytes:
        return HTML(string=html, base_url=renderer.font_dir().as_uri() + "/").write_pdf(
            stylesheets=[font_css], font_config=font_config
        )

    timings: dict[str, list[float]] = {"print_declaration": [], "bare WeasyPrint": []}
    sizes = {}
    for rep in range(runs + 2):
        pairs = [("print_declaration", ours), ("bare WeasyPrint", bare)]
        for name, call in pairs if rep % 2 == 0 else reversed(pairs):
            started = time.perf_counter()
            sizes[name] = len(call())
            if rep >= 2:
                timings[name].append(time.perf_counter() - started)
    pages = _pdf_pages(ours())
    ours_s, bare_s = (statistics.median(timings[k]) for k in ("print_declaration", "bare WeasyPrint"))
    ratio = ours_s / bare_s
    print(
        f"| 评审表 PDF ({pages} pages) | {ours_s * 1000:,.0f} ms | {bare_s * 1000:,.0f} ms | {ratio:.2f}× | ≤ 1.3× | "
        f"{'PASS' if ratio <= RATIO_BAR else 'FAIL'} |"
    )
    note = (
        f"median of {runs} after 2 warm-ups, interleaved; PDF sizes {sizes['print_declaration'] / 1024:.0f} KB / "
        f"{sizes['bare WeasyPrint'] / 1024:.0f} KB; HTML {len(html) / 1024:.0f} KB"
    )
    print(f"  {note}")
    summary = {"ours_ms": ours_s * 1000, "bare_ms": bare_s * 1000, "ratio": ratio, "pages": pages, "note": note}
    print(PROTOCOL + json.dumps(summary, ensure_ascii=False), flush=True)


def _pdf_pages(content: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        try:
            info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
        except (OSError, subprocess.CalledProcessError):
            return "?"
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def pdf(report: list[str], runs: int = 10) -> dict[str, Any]:
    ensure_data()
    load = load_average()
    header = "| what | ours | reference | ratio | target | result |\n|---|---:|---:|---:|---|---|"
    print(f"\n(load average {load})\n{header}", flush=True)
    out = subprocess.run(  # noqa: S603 — our own script
        [PYTHON, str(Path(__file__).resolve()), "_pdf", str(runs)],
        env=child_env(LARGE),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    summary: dict[str, Any] = {}
    lines = []
    for line in out.splitlines():
        if line.startswith(PROTOCOL):
            summary = json.loads(line[len(PROTOCOL) :])
        else:
            print(line)
            lines.append(line)
    report += [
        "## 评审表 PDF against bare WeasyPrint on the same HTML",
        "",
        f"Load average {load} before the measurement; {summary.get('note', '')}.",
        "",
        header,
        *[line for line in lines if line.startswith("|")],
        "",
    ]
    return {
        "ratio": round(summary.get("ratio", 0.0), 3),
        "ours_ms": round(summary.get("ours_ms", 0.0), 1),
        "bare_ms": round(summary.get("bare_ms", 0.0), 1),
        "pass": summary.get("ratio", 99) <= RATIO_BAR,
    }


# ---------------------------------------------------------------- 汇总表 vs raw XlsxWriter


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def xlsx_inner(kind: str, rows: int) -> None:
    """One run in a fresh process (its own peak memory): `export` — the round's 汇总表 through the exporter
    a job runs, for hzadmin, the first `rows` rows; `raw` — the exporter's own query through a plain
    server-side cursor, each tuple written by XlsxWriter (constant_memory) with no per-cell work; `write` —
    XlsxWriter alone writing the cell values the exporter writes, held in memory beforehand."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    import tempfile

    import django

    django.setup()
    import xlsxwriter
    from django.db import connection
    from django.http import QueryDict
    from lists_data import ROUND_TITLE

    from title_review.accounts.models import User
    from title_review.exports.exporter import FULL, SERIAL, Lookups, Selection, write_export
    from title_review.exports.lists import LISTS
    from title_review.exports.services import full_identity_rows
    from title_review.rounds.models import Round

    user = User.objects.get(username="hzadmin")
    round_ = Round.objects.get(title=ROUND_TITLE)
    spec = LISTS["round"]
    selection = spec.select(user, QueryDict(f"round={round_.pk}"))
    ids = list(selection.queryset.order_by("pk").values_list("pk", flat=True)[:rows])
    limited = Selection(title=selection.title, queryset=selection.queryset.filter(pk__lte=ids[-1]), obj=selection.obj)
    full = full_identity_rows(user, asked=False)
    before = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        target = str(Path(folder) / "汇总表.xlsx")
        if kind == "write":
            lookups = Lookups.load()
            values = []
            for n, row in enumerate(
                limited.queryset.annotate(**{FULL: full}).values(*spec.fields, FULL).iterator(chunk_size=2000), 1
            ):
                row[SERIAL] = n
                values.append([c.value(row, lookups, full=False) for c in spec.columns])
            before = _peak_mb()
        started = time.perf_counter()
        if kind == "export":
            written = write_export(spec, limited, target, full=full).rows
        else:
            book = xlsxwriter.Workbook(target, {"constant_memory": True, "remove_timezone": True})
            sheet = book.add_worksheet("汇总表")
            sheet.write_row(0, 0, [c.label for c in spec.columns])
            written = 0
            if kind == "raw":
                sql, params = (
                    limited.queryset.annotate(**{FULL: full}).values(*spec.fields, FULL).query.sql_with_params()
                )
                connection.ensure_connection()
                with connection.connection.transaction():
                    raw = connection.connection.cursor(name="bench_raw_export")
                    raw.itersize = 2000
                    raw.execute(sql, params)
                    for written, record in enumerate(raw, 1):  # noqa: B007 — the count is used after the loop
                        sheet.write_row(written, 0, record)
                    raw.close()
            else:
                for written, record in enumerate(values, 1):  # noqa: B007 — the count is used after the loop
                    sheet.write_row(written, 0, record)
            book.close()
        elapsed = time.perf_counter() - started
        size = Path(target).stat().st_size
    print(
        json.dumps(
            {"kind": kind, "rows": written, "s": elapsed, "mb": size / 1e6, "peak": _peak_mb(), "before": before}
        )
    )


def xlsx(report: list[str], rows: int = 100_000, runs: int = 3) -> dict[str, Any]:
    ensure_data()
    load = load_average()

    def once(kind: str, n: int) -> dict[str, Any]:
        out = subprocess.run(  # noqa: S603 — our own script
            [PYTHON, str(Path(__file__).resolve()), "_xlsx", kind, str(n)],
            env=child_env(LARGE),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    seen: dict[str, list[dict[str, Any]]] = {"export": [], "raw": [], "write": []}
    for rep in range(runs):
        for kind in ("export", "raw", "write") if rep % 2 == 0 else ("write", "raw", "export"):
            seen[kind].append(once(kind, rows))
    quarter = once("export", rows // 4)
    med = {k: statistics.median(r["s"] for r in v) for k, v in seen.items()}
    peak = {k: max(r["peak"] for r in v) for k, v in seen.items()}
    header = "| what | ours | reference | ratio | target | result |\n|---|---:|---:|---:|---|---|"
    table = [header]
    ratios = {}
    for ref, name in (("write", "XlsxWriter alone writing the same cells"), ("raw", "raw cursor + XlsxWriter")):
        ratios[ref] = med["export"] / med[ref]
        table.append(
            f"| 汇总表 {seen['export'][0]['rows']:,} rows vs {name} | {med['export']:.1f} s | {med[ref]:.1f} s | "
            f"{ratios[ref]:.2f}× | ≤ 2× | {'PASS' if ratios[ref] <= 2 else 'FAIL'} |"
        )
    # Flat: the exporter's peak at the full row count within 10 % (and 10 MB) of its peak at a quarter.
    flat = peak["export"] <= quarter["peak"] * 1.1 + 10
    note = (
        f"median of {runs} fresh processes each, interleaved; file {seen['export'][0]['mb']:.1f} MB; peak RSS "
        f"(ru_maxrss of the process): exporter {peak['export']:.0f} MB at {rows:,} rows, {quarter['peak']:.0f} MB at "
        f"{rows // 4:,} ({quarter['s']:.1f} s) — {'flat' if flat else 'NOT flat'}; raw cursor {peak['raw']:.0f} MB; "
        f"XlsxWriter alone {peak['write']:.0f} MB (with the cells held in memory)"
    )
    print(f"\n(load average {load})\n" + "\n".join(table) + f"\n  {note}")
    report += [
        "## 汇总表 export against raw XlsxWriter",
        "",
        f"Load average {load} before the measurement; {note}.",
        "",
        *table,
        "",
    ]
    return {
        "ratio": round(ratios["write"], 3),
        "ratio_raw_cursor": round(ratios["raw"], 3),
        "export_s": round(med["export"], 2),
        "peak_mb": round(peak["export"]),
        "peak_mb_quarter": round(quarter["peak"]),
        "flat": flat,
        "pass": ratios["write"] <= 2 and flat,
    }


# ---------------------------------------------------------------- imports against a bulk insert

# Each import bench on a database of its own (never the lists' databases: they add employers, declarations
# and accounts that would change what the lists show), created once with what its docstring asks for.
# key: (script, database suffix, the manage.py commands that fill a new database, its arguments).
IMPORT_BENCHES: dict[str, tuple[str, str, list[str], list[str]]] = {
    "certificates": ("imports.py", "imp_certificates", ["load_dictionaries", "load_demo"], ["10000", "--rounds", "3"]),
    "organisations": (
        "imports_organisations.py",
        "imp_organisations",
        ["load_dictionaries", "load_demo"],
        ["--rounds", "3"],
    ),
    "records": (
        "imports_records.py",
        "imp_records",
        ["load_dictionaries", "load_demo", "load_demo_activity"],
        ["10000", "--rounds", "3"],
    ),
}
# Each import's name in the results, by the key its script uses in RESULT (imports.py has one import).
IMPORT_NAMES = {
    "certificates": "证书信息",
    "staff": "导入单位工作人员",
    "organisations": "导入机构",
    "accounts": "导入经办账号",
    "entries": "字典条目",
    "legacy": "原系统单位代码",
    "results": "评审情况",
}
IMPORT_BAR = 3.0  # the import within 3 × a bulk insert of the same rows
READY = "bench imports: ready"  # COMMENT ON DATABASE once a database is filled; missing: filled again


def import_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"{SERVER}/{database}"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"  # what the import benches were measured with
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def _ready(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return row is not None and row[0] == READY


def ensure_import_database(key: str) -> str:
    """The import bench's database: created and filled the first time (marked ready when done, so a run that
    stopped half way is started again), migrated on later runs."""
    _script, suffix, fill, _args = IMPORT_BENCHES[key]
    name = f"{DB_BASE}_{suffix}"
    env = import_env(name)
    fresh = not _ready(name)
    if fresh and _exists(name):
        print(f"dropping the incomplete {name}", flush=True)
        _admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    if fresh:
        print(f"creating database {name}: migrate, {', '.join(fill)}", flush=True)
        _admin(f'CREATE DATABASE "{name}"')
    for command in ["migrate"] + (fill if fresh else []):
        subprocess.run(  # noqa: S603 — our own manage.py
            [PYTHON, "manage.py", command, *(["--noinput"] if command == "migrate" else [])],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if fresh:
        _admin(f"COMMENT ON DATABASE \"{name}\" IS '{READY}'")
    return name


def run_script(command: list[str], env: dict[str, str]) -> tuple[dict[str, Any] | None, list[str], int]:
    """Run one bench script, echoing what it prints; its `RESULT {json}`, its table lines, its exit status."""
    process = subprocess.Popen(  # noqa: S603 — our own bench scripts
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    assert process.stdout is not None  # noqa: S101 — set by Popen
    result = None
    lines = []
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            continue
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line.rstrip("\n"))
    return result, lines, process.wait()


def _import_entry(name: str, data: dict[str, Any], database: str) -> dict[str, Any]:
    """One import's figures: the worse of its dry run and commit ratios, judged against IMPORT_BAR."""
    ratio = max(data["dry_run_ratio"], data["commit_ratio"])
    entry = {
        "name": name,
        "rows": data.get("rows"),
        "bulk_s": data["bulk_s"],
        "dry_run_s": data["dry_run_s"],
        "commit_s": data["commit_s"],
        "dry_run_ratio": data["dry_run_ratio"],
        "commit_ratio": data["commit_ratio"],
        "ratio": ratio,
        "pass": ratio <= IMPORT_BAR,
        "database": database,
    }
    if data.get("full_insert_s"):
        # 评审情况 writes more than its rows: each result moves its declaration (the status UPDATE) and records
        # the move (审核记录). Its bulk insert of "the same rows" is therefore the plain bulk write of all of that
        # (everything but the audit rows, which no import's reference writes); the entries alone are shown.
        entry["ratio_to_entries"] = ratio
        entry["bulk_entries_s"] = data["bulk_s"]
        entry["bulk_s"] = data["full_insert_s"]
        entry["dry_run_ratio"] = data["dry_run_ratio_to_full"]
        entry["commit_ratio"] = data["commit_ratio_to_full"]
        entry["ratio"] = max(data["dry_run_ratio_to_full"], data["commit_ratio_to_full"])
        entry["pass"] = entry["ratio"] <= IMPORT_BAR
    if data.get("hashing_s") is not None:
        entry["hashing_s"] = data["hashing_s"]
    if data.get("cap_lifted"):
        entry["cap_lifted"] = True
    return entry


def imports(report: list[str], production_hasher: bool = False) -> dict[str, Any]:
    """bench/imports.py, imports_organisations.py and imports_records.py, each on its own database; their
    RESULT lines gathered into one entry per import, each judged against 3 × its bulk insert."""
    info = machine()
    print(f"\nimports against a bulk insert; {describe(info)}", flush=True)
    entries: dict[str, Any] = {}
    errors: list[str] = []
    loads: list[float] = []
    organisations_args = (
        ["--rounds", "3"]
        if production_hasher
        else ["--rounds", "3", "--hasher", "md5", "--organisation-rows", "10000", "--account-rows", "10000"]
    )
    for key, (script, _suffix, _fill, args) in IMPORT_BENCHES.items():
        args = organisations_args if key == "organisations" else args
        try:
            database = ensure_import_database(key)
        except subprocess.CalledProcessError as exc:
            errors.append(f"{script}: setting up its database failed ({exc})")
            continue
        print(f"\nbench/{script} {' '.join(args)} on {database}", flush=True)
        result, _lines, status = run_script([PYTHON, str(HERE / script), *args], import_env(database))
        if result is None or status != 0:
            errors.append(f"{script}: exit {status}, {'no RESULT line' if result is None else 'RESULT printed'}")
            continue
        loads += result.get("load_1min", [])
        if key == "certificates":
            entries["certificates"] = _import_entry(IMPORT_NAMES["certificates"], result, database)
        else:
            for sub, data in result["imports"].items():
                data = {"rows": result.get("rows"), **data}  # imports_records.py: one size for all three
                entries[sub] = _import_entry(IMPORT_NAMES.get(sub, sub), data, database)
    hasher = "production (argon2id), the imports' own caps" if production_hasher else "MD5 on both sides"
    header = (
        "| import | rows | bulk insert s | dry run s | commit s | ratio dry run / commit | target | result |\n"
        "|---|---:|---:|---:|---:|---:|---|---|"
    )
    table = [header]
    for entry in entries.values():
        note = " (cap lifted)" if entry.get("cap_lifted") else ""
        table.append(
            f"| {entry['name']}{note} | {entry['rows'] or 0:,} | {entry['bulk_s']:.2f} | {entry['dry_run_s']:.2f} | "
            f"{entry['commit_s']:.2f} | {entry['dry_run_ratio']:.2f}× / {entry['commit_ratio']:.2f}× | "
            f"≤ {IMPORT_BAR:g}× | {'PASS' if entry['pass'] else 'FAIL'} |"
        )
    passed = sum(e["pass"] for e in entries.values())
    notes = [
        f"{passed} of {len(entries)} imports within {IMPORT_BAR:g} × the bulk insert of their own round (the worse "
        "of the dry run's and the commit's median ratio)."
    ]
    if "results" in entries and "ratio_to_entries" in entries["results"]:
        notes.append(
            "评审情况 is judged against a plain bulk write of everything it writes but its audit rows (the entries, "
            "the declarations' status UPDATE, the 审核记录), as every other import against the rows it writes; to a "
            f"bulk insert of the result entries alone: {entries['results']['ratio_to_entries']:.2f}× (shown)."
        )
    for error in errors:
        notes.append(f"NOT MEASURED: {error}.")
    load_range = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "?"
    print("\n" + "\n".join(table) + "\n" + "\n".join(notes), flush=True)
    report += [
        "## Imports against a bulk insert of the same rows",
        "",
        f"{describe(info)}; load average (1 min) {load_range} during the runs. bench/imports.py, "
        "imports_organisations.py and imports_records.py (their docstrings; results/imports*.md hold the "
        "longer runs), 3 interleaved rounds each, each on its own database "
        f"(`{DB_BASE}_imp_*`). 导入机构 and 导入经办账号: {hasher}"
        + ("" if production_hasher else ", 10,000 rows (their caps of 2,000 and 200 lifted for the run)")
        + ".",
        "",
        *table,
        "",
        *notes,
        "",
    ]
    ok = bool(entries) and not errors and passed == len(entries)
    return {"hasher": hasher, **entries, "errors": errors, "pass": ok}


# ---------------------------------------------------------------- the deadline surge (bench/surge/run.py)

SURGE_DB = os.environ.get("BENCH_SURGE_DB", "title_review_bench_surge")
SURGE_USERS = 50  # issue 12: the deadline's 50 applicants
SURGE_ADDRESS = ("127.0.0.1", 8011)  # bench/surge/run.py's BIND


def _listening(address: tuple[str, int]) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(address) == 0


def surge(report: list[str], users: int = SURGE_USERS, duration: int = 30) -> dict[str, Any]:
    """bench/surge/run.py compare with the sync workers, one round: the dossier against the bare view."""
    env = dict(os.environ)
    env["DATABASE_URL"] = f"{SERVER}/{SURGE_DB}"
    missing = [tool for tool in ("locust", "gunicorn") if not (Path(PYTHON).parent / tool).exists()]
    info = machine()
    command = ["compare", "--models", "sync", "--users", str(users), "--rounds", "1", "--duration", str(duration)]
    command += ["--ramp", "5"]
    print(f"\nthe deadline surge: bench/surge/run.py {' '.join(command)}; {describe(info)}", flush=True)
    error = ""
    result = None
    if missing:
        error = f"{', '.join(missing)} not in the venv: pip install -r bench/requirements.txt"
    elif _listening(SURGE_ADDRESS):
        # run.py would take a server already there for its own (a gunicorn left by an interrupted run).
        error = f"something already answers on {SURGE_ADDRESS[0]}:{SURGE_ADDRESS[1]} (bench/surge/run.py's BIND)"
    else:
        # data.py setup (once: database, demo data, the applicants), then reset, which also writes the
        # accounts file run.py reads before its first run.
        for step in ("setup", "reset"):
            done = subprocess.run(  # noqa: S603 — our own script
                [PYTHON, str(HERE / "surge" / "data.py"), step], env=env, cwd=ROOT, check=False
            )
            if done.returncode != 0:
                error = f"bench/surge/data.py {step} failed ({done.returncode})"
                break
        if not error:
            result, _lines, status = run_script([PYTHON, str(HERE / "surge" / "run.py"), *command], env)
            if result is None or status != 0 or not result.get("verdicts"):
                error = f"bench/surge/run.py exit {status}, {'no' if result is None else 'a'} RESULT line"
    if error or result is None:
        print(f"surge NOT MEASURED: {error}", flush=True)
        report += ["## Deadline surge", "", f"{describe(info)}. NOT MEASURED: {error}.", ""]
        return {"error": error, "pass": False}
    v = result["verdicts"][0]
    runs = {r["scenario"]: r for r in result["runs"]}
    header = (
        "| scenario | users | requests/s | p50 ms | p95 ms | failures / requests | load avg before → after |\n"
        "|---|---:|---:|---:|---:|---|---|"
    )
    table = [header] + [
        f"| {name} | {r['users']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['failures']} / "
        f"{r['requests']} | {r['load_before']} → {r['load_after']} |"
        for name, r in runs.items()
    ]
    line = (
        f"sync, 4 workers: dossier / bare = {v['dossier_rps']:.1f} / {v['bare_rps']:.1f} requests/s = "
        f"{v['ratio']:.0%} (target ≥ 50 %), dossier p95 {v['dossier_p95']:.0f} ms (≤ 300), failures "
        f"{v['dossier_failures']} (0): {'PASS' if v['pass'] else 'FAIL'}"
    )
    print(line, flush=True)
    report += [
        "## Deadline surge: locust against gunicorn, the dossier against the bare view",
        "",
        f"{describe(info)}. `bench/surge/run.py {' '.join(command)}` on {SURGE_DB} (surge_settings: the "
        f"production settings without TLS, Redis cache; locust on the same machine); {duration} s measured "
        "after a 5 s ramp; results/surge.md holds the longer runs.",
        "",
        *table,
        "",
        line + ".",
        "",
    ]
    return {
        "users": users,
        "duration_s": duration,
        "bare_rps": v["bare_rps"],
        "dossier_rps": v["dossier_rps"],
        "ratio": v["ratio"],
        "dossier_p95_ms": v["dossier_p95"],
        "dossier_failures": v["dossier_failures"],
        "pass": bool(v["pass"]),
    }


# ---------------------------------------------------------------- the results file and the RESULT line

RESULTS = HERE / "results" / "lists.md"

# The parts of one run, in the order of the results file, and the heading each section starts with.
PARTS = {
    "lists": "## Declaration lists",
    "pdf": "## 评审表 PDF",
    "xlsx": "## 汇总表 export",
    "imports": "## Imports",
    "surge": "## Deadline surge",
}
KEPT = " (not measured in this run: kept from the previous results file)"


def earlier_results(missing: list[str]) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """The sections (and RESULT entries) of the previous results file for the parts this run did not measure
    (`imports` alone leaves the lists, the PDF, the 汇总表 and the surge out): kept, and said to be from an
    earlier run."""
    if not RESULTS.exists():
        return {}, {}
    lines = RESULTS.read_text().splitlines()
    previous: dict[str, Any] = {}
    for line in lines:
        if line.startswith("RESULT "):
            previous = json.loads(line[len("RESULT ") :])
            break
    kept: dict[str, list[str]] = {}
    entries: dict[str, Any] = {}
    for part in missing:
        start = next((i for i, line in enumerate(lines) if line.startswith(PARTS[part])), None)
        if start is None or part not in previous:
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(("## ", "```"))), len(lines))
        heading = lines[start] if lines[start].endswith(KEPT) else lines[start] + KEPT
        kept[part] = [heading, *lines[start + 1 : end]]
        entries[part] = {**previous[part], "earlier_run": True}
    return kept, entries


def write_report(sections: dict[str, list[str]], summary: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(exist_ok=True)
    head = [
        "# Issue 12 in one run: lists at ~3,000 and ~300,000 declarations in scope, 评审表 PDF, 汇总表, imports, surge",
        "",
        "Written by `make bench-lists` (bench/lists.py). The bar: every list at ~300,000 within 1.3 × its time at "
        "~3,000 with the same query count; 评审表 PDF ≤ 1.3 × bare WeasyPrint; 100,000-row 汇总表 ≤ 2 × XlsxWriter "
        "alone, with flat memory; each import ≤ 3 × a bulk insert of the same rows; the surge's dossier at 50 "
        "users ≥ 50 % of the bare view's requests/s with p95 ≤ 300 ms and no failure.",
        "",
    ]
    body = [line for part in PARTS for line in sections.get(part, [])]
    RESULTS.write_text("\n".join(head + body + ["```", "RESULT " + json.dumps(summary, ensure_ascii=False), "```", ""]))
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["all", "generate", "lists", "pdf", "xlsx", "imports", "surge", "reset"])
    parser.add_argument("--reps", type=int, default=9, help="timed requests per page and size (≥ 7)")
    parser.add_argument("--only", default="", help="only pages whose label contains this, or of this account")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the 汇总表 comparison")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--skip-imports", action="store_true", help="leave the import benches out of `all`")
    parser.add_argument("--skip-surge", action="store_true", help="leave the surge out of `all`")
    parser.add_argument(
        "--production-hasher",
        action="store_true",
        help="导入机构 and 导入经办账号 with argon2id at their own caps (≈ 15 min, hashing-bound) instead of MD5 "
        "at 10,000 rows",
    )
    parser.add_argument("--surge-users", type=int, default=SURGE_USERS)
    parser.add_argument("--surge-duration", type=int, default=30, help="measured seconds per surge run")
    args = parser.parse_args()
    began = time.perf_counter()
    sections: dict[str, list[str]] = {part: [] for part in PARTS}
    summary: dict[str, Any] = {}
    command = args.command
    if command == "reset":
        reset()
    elif command == "generate":
        ensure_data()
    if command in ("all", "lists"):
        summary["lists"] = lists(args.reps, args.only, sections["lists"])
    if command in ("all", "pdf"):
        summary["pdf"] = pdf(sections["pdf"])
    if command in ("all", "xlsx"):
        summary["xlsx"] = xlsx(sections["xlsx"], args.rows)
    if command == "imports" or command == "all" and not args.skip_imports:
        summary["imports"] = imports(sections["imports"], args.production_hasher)
    if command == "surge" or command == "all" and not args.skip_surge:
        summary["surge"] = surge(sections["surge"], args.surge_users, args.surge_duration)
    if summary:
        writing = not args.no_write and not args.only
        if writing:  # the parts not measured now: their sections and entries from the previous file
            kept, entries = earlier_results([part for part in PARTS if part not in summary])
            sections.update(kept)
            summary.update(entries)
        summary = {part: summary[part] for part in PARTS if part in summary}
        lists_summary = summary.get("lists", {})
        brief = {k: v for k, v in lists_summary.items() if k != "ratios"}
        result = {**summary, "lists": brief} if lists_summary else summary
        checks = [part["pass"] for name, part in summary.items() if name != "lists"]
        if lists_summary:
            checks.append(lists_summary["pass"] == lists_summary["pages"] and lists_summary["queries_equal"])
        result["ok"] = all(checks)
        if writing:
            write_report(sections, {**result, "lists": lists_summary} if lists_summary else result)
        print(f"\n({time.perf_counter() - began:.0f} s)")
        print("RESULT " + json.dumps(result, ensure_ascii=False))
    else:
        print(f"\n({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker()
    elif len(sys.argv) > 1 and sys.argv[1] == "_pdf":
        pdf_inner(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_xlsx":
        xlsx_inner(sys.argv[2], int(sys.argv[3]))
    else:
        main()
