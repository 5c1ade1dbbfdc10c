from django import forms

from title_review.core.forms import StyledForm

from .models import SmsPurpose


class OutboxSearchForm(StyledForm):
    phone = forms.CharField(label="手机号码", required=False, max_length=11)
    purpose = forms.ChoiceField(label="用途", required=False, choices=[("", "全部"), *SmsPurpose.choices])
