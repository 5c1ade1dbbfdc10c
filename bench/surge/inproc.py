"""The deadline surge's requests in one process (issue 12, point 3): what an open and a 保存 of the dossier cost,
without gunicorn, locust or a network, so that a change to the page can be measured in seconds.

    .venv/bin/python bench/surge/data.py setup          # once (the surge database)
    .venv/bin/python bench/surge/inproc.py              # bare, open, save: 200 requests each
    .venv/bin/python bench/surge/inproc.py --queries    # and the SQL of one open and one save
    .venv/bin/py-spy record -f raw -o open.txt -- .venv/bin/python bench/surge/inproc.py --only open

Django's test client signs in one bench applicant (surge_settings: PostgreSQL, Redis, the production
middleware) and sends, one after another: the bare reference view, the dossier page, and the dossier's form
posted back as the locust users post it (locustfile.DossierForm), each answer checked (200, or the redirect to
?saved=1). Per kind: the median wall time, the worker's CPU per request (PostgreSQL's own time is not in it)
and the queries of one request. One line `RESULT {json}` at the end.
"""

import argparse
import ast
import json
import os
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["DJANGO_SETTINGS_MODULE"] = "surge_settings"

import django  # noqa: E402 — after the settings module is named

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.datastructures import MultiValueDict  # noqa: E402

PASSWORD = "Demo@2026"  # noqa: S105 — the demo accounts' documented password (README.md)


def dossier_form_class() -> type:
    """locustfile.DossierForm without importing locust (its gevent patching does not mix with Django here)."""
    tree = ast.parse((HERE / "locustfile.py").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DossierForm")
    namespace: dict[str, Any] = {"HTMLParser": HTMLParser}
    exec(compile(ast.Module([node], []), "locustfile.py", "exec"), namespace)  # noqa: S102 — our own file
    return namespace["DossierForm"]


DossierForm = dossier_form_class()


def posted(html: str) -> MultiValueDict:
    parser = DossierForm()
    parser.feed(html)
    data = MultiValueDict()
    for name, value in parser.fields:
        data.appendlist(name, value)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="requests of each kind")
    parser.add_argument("--only", nargs="+", default=["bare", "open", "save"], choices=["bare", "open", "save"])
    parser.add_argument("--account", type=int, default=5, help="which bench applicant (accounts.json)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request of each kind")
    args = parser.parse_args()

    accounts = json.loads((ROOT / "var" / "bench_surge" / "accounts.json").read_text())
    username, pk = accounts[args.account]
    client = Client(HTTP_HOST="127.0.0.1")
    if client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code != 302:
        raise SystemExit(f"{username} could not sign in: run bench/surge/data.py reset")
    dossier, bare = f"/declarations/{pk}/", f"/bench/bare/{pk}/"

    def request(kind: str) -> Any:
        if kind == "bare":
            return client.get(bare)
        if kind == "open":
            return client.get(dossier)
        return client.post(dossier, request.form)  # type: ignore[attr-defined]  # set just before

    def expect(kind: str, response: Any) -> None:
        if kind == "save":
            ok = response.status_code == 302 and "saved=1" in response["Location"]
        else:
            ok = response.status_code == 200
        if not ok:
            raise SystemExit(f"{kind}: answered {response.status_code}")

    results = {}
    for kind in args.only:
        wall, cpu = [], 0.0
        for _ in range(args.n):
            if kind == "save":  # the page as the person has it, then their 保存
                request.form = posted(client.get(dossier).content.decode())  # type: ignore[attr-defined]
            t, c = time.perf_counter(), time.process_time()
            response = request(kind)
            cpu += time.process_time() - c
            wall.append(time.perf_counter() - t)
            expect(kind, response)
        if kind == "save":
            request.form = posted(client.get(dossier).content.decode())  # type: ignore[attr-defined]
        with CaptureQueriesContext(connection) as queries:
            expect(kind, request(kind))
        results[kind] = {
            "median_ms": round(statistics.median(wall) * 1000, 2),
            "cpu_ms": round(cpu / args.n * 1000, 2),
            "queries": len(queries),
        }
        if args.queries:
            print(f"# {kind}: {len(queries)} queries")
            for q in queries.captured_queries:
                print("   ", q["sql"][:160])
    for kind, r in results.items():
        print(f"{kind:5}  median {r['median_ms']:6.2f} ms  cpu {r['cpu_ms']:6.2f} ms  queries {r['queries']}")
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
