"""The .xlsx template of an import: headers with `*`, dropdowns, text columns and a 说明 sheet."""

import io
from typing import Any

from django.http import HttpResponse

from ..excel import xlsx_response
from .spec import Column, ImportSpec, Kind, inline_max_rows

TEMPLATE_ROWS = 20000  # rows of the template that carry the dropdowns
OPTIONS_SHEET = "选项"
NOTES_SHEET = "说明"


def build_template(spec: ImportSpec) -> bytes:
    """The .xlsx template: `*` on required headers, dropdowns, text columns, and a 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = spec.sheet
    lists = workbook.create_sheet(OPTIONS_SHEET)
    lists.sheet_state = "hidden"
    header_fill = PatternFill("solid", fgColor="E8EEF7")
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=("*" if column.required else "") + column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = header_fill
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(column.header) * 2 + 4)
        if column.kind != Kind.DATE:
            # Text, so that identity numbers and codes keep every digit (Excel would make them numbers).
            dimension.number_format = "@"
        options = column.options()
        if options:
            for i, option in enumerate(options, start=1):
                lists.cell(row=i, column=index, value=option)
            validation = DataValidation(
                type="list",
                formula1=f"={OPTIONS_SHEET}!${letter}$1:${letter}${len(options)}",
                allow_blank=not column.required,
                showErrorMessage=column.kind != Kind.LOOKUP,  # a code not in the list may still be typed
                errorTitle="输入有误",
                error=f"请从下拉列表中选择{column.header}。",
                promptTitle=column.header,
                prompt=(column.note or f"请从下拉列表中选择{column.header}")[:250],
                showInputMessage=True,
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"
    _notes_sheet(workbook.create_sheet(NOTES_SHEET), spec, Font, Alignment, header_fill)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _notes_sheet(notes: Any, spec: ImportSpec, font: Any, alignment: Any, fill: Any) -> None:
    general = [
        f"在“{spec.sheet}”工作表第 2 行起每行填写一{spec.noun.lstrip('0123456789 ')}；不要修改、删除或调换表头。",
        "带 * 的列必须填写；有下拉列表的列请从列表中选择。",
        "证件号码、代码等列已设为文本格式，请勿改为数字格式（否则末尾数字会丢失）。",
        "上传后系统先预检：逐行检查并列出每一行的问题（行号与原因），预检时不写入任何数据。",
        "预检全部通过后点击“确认导入”；只要有一行有错误，就一行也不导入。",
        f"一次最多导入 {spec.max_rows} 行；超过 {inline_max_rows()} 行的文件在后台处理，进度和结果见“我的下载”。"
        if spec.background
        else f"一次最多导入 {spec.max_rows} 行。",
    ]
    notes.cell(row=1, column=1, value=f"{spec.title} 填写说明").font = font(bold=True, size=14)
    row = 2
    for text in [*general, *spec.notes]:
        notes.cell(row=row, column=1, value=f"{row - 1}. {text}")
        notes.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        row += 1
    row += 1
    for col, title in enumerate(("列名", "是否必填", "填写说明", "示例"), start=1):
        cell = notes.cell(row=row, column=col, value=title)
        cell.font = font(bold=True)
        cell.fill = fill
    for column in spec.columns:
        row += 1
        notes.cell(row=row, column=1, value=column.header)
        notes.cell(row=row, column=2, value="必填" if column.required else "选填")
        notes.cell(row=row, column=3, value=column.note or _default_note(column)).alignment = alignment(wrap_text=True)
        notes.cell(row=row, column=4, value=column.example)
    for letter, width in (("A", 22), ("B", 10), ("C", 70), ("D", 26)):
        notes.column_dimensions[letter].width = width


def _default_note(column: Column) -> str:
    return {
        Kind.TICK: "填“是”或“否”（可从下拉列表选择），空白视为“否”。",
        Kind.DATE: "日期，如 2020-06-30。",
        Kind.INT: "整数。",
        Kind.CHOICE: "从下拉列表中选择。",
        Kind.LOOKUP: "填写代码，或从下拉列表中选择。",
        Kind.IDENTITY: "与证件类型相符的证件号码；居民身份证为 18 位。",
    }.get(column.kind, f"不超过 {column.max_length} 个字。")


def template_response(spec: ImportSpec) -> HttpResponse:
    return xlsx_response(spec.template_filename or f"{spec.sheet}导入模板.xlsx", build_template(spec))
