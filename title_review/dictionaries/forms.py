from django import forms

from title_review.core.forms import StyledForm


class EntryForm(StyledForm):
    code = forms.CharField(label="代码", max_length=40)
    name = forms.CharField(label="名称", max_length=100)
    parent_code = forms.CharField(label="上级代码", max_length=40, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)


class EntrySearchForm(StyledForm):
    q = forms.CharField(label="代码或名称", required=False)
    show_disabled = forms.BooleanField(label="显示已停用条目", required=False)


class CodeSetUploadForm(StyledForm):
    file = forms.FileField(label="代码文件（.json 或 .xlsx）")
