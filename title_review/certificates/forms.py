from django import forms

from title_review.core.forms import StyledForm

from .models import CertificateSource


class CertificateSearchForm(StyledForm):
    q = forms.CharField(label="姓名、证书编号、资格名称或证件号码", required=False, max_length=50)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *CertificateSource.choices])


class NumberingForm(StyledForm):
    """证书编号: what the batch's numbers are made of besides each certificate's 系列 and 级别."""

    review_year = forms.IntegerField(label="评审年度", min_value=2000, max_value=2100)
    issuing_body = forms.CharField(label="发证单位", max_length=100)
    # Not needed for a batch that got its 发文字号 at 发文 (the service says so when it is needed).
    agency_code = forms.CharField(label="机关代字", max_length=20, required=False, help_text="如：浙人社")
    region_code = forms.CharField(label="地区代码", max_length=12, required=False, help_text="如：330000")
    committee_code = forms.CharField(label="评委会代码", max_length=12, required=False, help_text="如：001")
    document_year = forms.IntegerField(label="发文年份", min_value=2000, max_value=2100, required=False)


class NumberingFilterForm(StyledForm):
    document_number = forms.ChoiceField(label="批次（发文字号）", required=False)
    q = forms.CharField(label="姓名或资格名称", required=False, max_length=50)

    def __init__(self, *args: object, batches: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["document_number"].choices = [("", "全部批次"), *((b, b) for b in batches)]  # type: ignore[attr-defined]


class RevokeForm(StyledForm):
    reason = forms.CharField(label="撤销原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label="撤销依据", max_length=200, help_text="如：人社部令第40号第四十条")


class VerifyForm(StyledForm):
    number = forms.CharField(label="证书编号", max_length=50)
    name = forms.CharField(label="姓名", max_length=50)
