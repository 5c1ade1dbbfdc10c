from django import forms

from title_review.core.forms import StyledForm

from .models import CertificateSource


class CertificateSearchForm(StyledForm):
    q = forms.CharField(label="姓名、证书编号、资格名称或证件号码", required=False, max_length=50)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *CertificateSource.choices])
