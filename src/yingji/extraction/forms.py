"""The paste box's two inputs on a form that offers it (粘贴文字提取): the text the form was filled
from and its date, hidden, sent with the form so the save can record what was proposed and kept."""

from __future__ import annotations

from django import forms

from yingji.extraction.services import DATE_FIELD, MAX_TEXT_CHARS, TEXT_FIELD


def add_paste_fields(form) -> None:
    form.fields[TEXT_FIELD] = forms.CharField(required=False, max_length=MAX_TEXT_CHARS, strip=False,
                                              widget=forms.HiddenInput, label="提取原文",
                                              help_text="表单由粘贴文字提取填写时的原文；保存时记录各字段的提取值与保存值")
    form.fields[DATE_FIELD] = forms.DateField(required=False, widget=forms.HiddenInput, label="提取原文日期",
                                              help_text="推算原文中日期年份所用的日期；不填为今天")


def pop_paste(inputs: dict) -> tuple[str, object]:
    """(text, reference date) taken out of an operation's cleaned inputs."""
    return inputs.pop(TEXT_FIELD, "") or "", inputs.pop(DATE_FIELD, None)
