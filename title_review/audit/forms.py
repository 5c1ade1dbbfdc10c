from django import forms

from title_review.core.forms import DateInput, StyledForm

from .actions import ACTION_LABELS, LOGIN_EVENT_LABELS


class EventFilterForm(StyledForm):
    actor = forms.CharField(label="操作人", required=False)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *ACTION_LABELS.items()])
    organisation = forms.CharField(label="机构", required=False)
    keyword = forms.CharField(label="对象或原因", required=False)
    date_from = forms.DateField(label="开始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="结束日期", required=False, widget=DateInput())


class LoginFilterForm(StyledForm):
    username = forms.CharField(label="登录名", required=False)
    event = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *LOGIN_EVENT_LABELS.items()])
    ip = forms.GenericIPAddressField(label="IP", required=False)
    date_from = forms.DateField(label="开始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="结束日期", required=False, widget=DateInput())
