"""The one Excel import mechanism: a declarative spec per import, its template, the dry run and the commit.

An import is an `ImportSpec`: the sheet, its columns (Chinese header, required mark, type, dropdown),
the keys that must be unique inside the file, and a row function that calls the SAME service the pages
call. Everything else is shared:

- `build_template(spec)` (template.py): the .xlsx template — `*` on required headers, dropdowns (data
  validations over a hidden 选项 sheet), text-formatted code and identity columns, and a 说明 sheet.
- `read_upload(spec, upload)` (reading.py): refuses a wrong file type, an empty file, a renamed text
  file, a damaged workbook, and wrong or missing headers, each with a Chinese sentence naming the
  headers; then checks every cell — required values, types, dropdown values, identity numbers, codes
  looked up in bulk (one query per column), duplicates inside the file.
- `run_import(spec, ...)` (running.py): runs every clean row through the service inside one
  transaction, a savepoint per row — or, for a spec with `bulk`, per chunk of 1,000 rows through the
  service's bulk form (ADR 0026) — and lists every bad row with its number and reason. The dry run
  (预检) and any file with a bad row roll the whole transaction back; the commit is the same code
  without that rollback (ADR 0004): all or nothing.
- `template_response(spec)` (template.py): the template download.

The import page (`title_review.jobs.imports.import_view`) sits on top: files above
`IMPORT_INLINE_MAX_ROWS` rows (default 2,000) run there as a background job with progress (我的下载);
smaller ones run in the request. Core imports no app, so the job-facing part lives with the job runner.

See docs/decisions/0015-one-import-mechanism.md.
"""

from .reading import RawRow, header_text, read_upload
from .running import SPECS, register, result_workbook, run_import
from .spec import (
    Column,
    ImportContext,
    ImportResult,
    ImportRow,
    ImportSpec,
    Kind,
    Outcome,
    inline_max_rows,
    runs_in_background,
)
from .template import build_template, template_response

__all__ = [
    "SPECS",
    "Column",
    "ImportContext",
    "ImportResult",
    "ImportRow",
    "ImportSpec",
    "Kind",
    "Outcome",
    "RawRow",
    "build_template",
    "header_text",
    "inline_max_rows",
    "read_upload",
    "register",
    "result_workbook",
    "run_import",
    "runs_in_background",
    "template_response",
]
