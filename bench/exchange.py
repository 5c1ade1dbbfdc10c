"""Printing and exchange benchmarks on the 100,000-declaration data (bench/declarations.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench .venv/bin/python bench/exchange.py export
    ... bench/exchange.py pdf
    ... bench/exchange.py import

`export [N ...]` times the round's 汇总表 export (the exporter a job runs) for N rows each in a fresh
process and prints the peak resident memory, so growth with N shows. `pdf` times the 评审表 PDF warm.
`import` times a 10,000-row import through the import mechanism's dry run and commit.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_rows(limit: int) -> None:
    """One export of the bench round's first `limit` declarations, as the province office sees them."""
    _django()
    from django.http import QueryDict

    from title_review.accounts.models import User
    from title_review.exports.exporter import Selection, write_export
    from title_review.exports.lists import LISTS
    from title_review.exports.services import full_identity_rows
    from title_review.rounds.models import Round

    sys.path.insert(0, str(HERE))
    from declarations import ROUND_TITLE

    user = User.objects.get(username="zjadmin")
    round_ = Round.objects.get(title=ROUND_TITLE)
    spec = LISTS["round"]
    selection = spec.select(user, QueryDict(f"round={round_.pk}"))
    ids = list(selection.queryset.order_by("pk").values_list("pk", flat=True)[:limit])
    limited = Selection(title=selection.title, queryset=selection.queryset.filter(pk__lte=ids[-1]), obj=selection.obj)
    baseline = peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "汇总表.xlsx"
        started = time.perf_counter()
        result = write_export(spec, limited, str(target), full=full_identity_rows(user, asked=False))
        elapsed = time.perf_counter() - started
        size = target.stat().st_size
    print(
        f"rows={result.rows} seconds={elapsed:.1f} file_mb={size / 1e6:.1f} "
        f"peak_rss_mb={peak_mb():.0f} (before export {baseline:.0f})"
    )


def export(sizes: list[int]) -> None:
    for size in sizes:
        subprocess.run([sys.executable, __file__, "_export_one", str(size)], check=True)  # noqa: S603 — our own script


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "export"
    if command == "export":
        export([int(n) for n in sys.argv[2:]] or [25_000, 50_000, 100_000])
    elif command == "_export_one":
        export_rows(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown command {command!r}: export, pdf, import")
