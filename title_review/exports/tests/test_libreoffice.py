"""The exported 汇总表 converts in LibreOffice: identity numbers stay 18 characters and =1+1 stays text."""

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from title_review.declarations.workflow import Status

from .conftest import flood, identity

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
# CSV filter: comma, double quote, UTF-8, and quote every text cell, so a quoted cell proves LibreOffice
# read it as text (a formula would come out as its result, a number unquoted).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


@pytest.fixture
def soffice():
    if not Path(SOFFICE).exists():
        message = "LibreOffice (soffice) not found: apt-get install -y --no-install-recommends libreoffice-calc-nogui"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return SOFFICE


def test_libreoffice_converts_the_export_keeping_numbers_and_formulas_as_text(
    users, login, review_round, office_desk, soffice, tmp_path
):
    school, desk = office_desk
    declarations = flood(review_round, school, desk, 3, status=Status.QUALIFICATION_CHECK, names={0: "=1+1"})
    with_x = identity(7_000_000, last="X")
    declarations[1].applicant.id_number = with_x
    declarations[1].applicant.save(update_fields=["id_number"])
    response = login("hzcheck").post("/exports/inbox/", {"full": "1"})
    assert response.status_code == 200
    source = tmp_path / "汇总表.xlsx"
    source.write_bytes(response.content)

    done = subprocess.run(  # noqa: S603 — a fixed program and our own temporary files
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    converted = tmp_path / "out" / "汇总表.csv"
    assert done.returncode == 0 and converted.exists(), done.stderr.decode(errors="replace")
    text = converted.read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][:5] == ["序号", "申报编号", "姓名", "证件号码", "手机号码"]
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"=1+1", "批量1", "批量2"}
    assert by_name["批量1"][3] == with_x and len(with_x) == 18 and with_x.endswith("X")
    assert by_name["=1+1"][3] == identity(0)
    # Quoted in the CSV: LibreOffice holds them as text cells (numbers such as 序号 come unquoted).
    assert '"=1+1"' in text and f'"{with_x}"' in text and f'"{identity(0)}"' in text
    assert "\n1," in text and "E+" not in text
