from typing import Any

from django import forms

from title_review.core.forms import StyledForm


class ImportForm(StyledForm):
    file = forms.FileField(
        label="交换数据包（.zip）",
        help_text="由“导出数据包”生成的 .zip 文件；导入前逐个文件校验，有任何不符则一份也不导入。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".zip,application/zip"
