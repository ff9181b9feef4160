"""Forms of the customer pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without BOM) or GBK, as a spreadsheet saves it."),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows and skip the bad ones"),
        required=False,
        help_text=_("Without it, one bad row stops the whole import and nothing is written."),
    )
