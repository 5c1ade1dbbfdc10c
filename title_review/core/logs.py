"""Structured logs without personal data (issue 16 point 3, ADR 0035).

Production writes one JSON object per line (python-json-logger's formatter: time, level, logger, message,
and the exception when there is one). Before any handler sees a record, `PersonalDataFilter` masks what
looks like a mainland identity number or mobile number in its message and exception text, the same way the
pages mask them (330106********123X, 138****5678): logs are read by more people, for longer, than the data.
"""

import logging
import re

from .identity import mask_identity, mask_phone

# 18-character identity numbers (17 digits and a digit or X), and 11-digit mobiles starting 13-19; not
# inside a longer run of digits (an order number). Letters around them do not protect them ("ID330106…").
IDENTITY_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_personal_data(text: str) -> str:
    text = IDENTITY_IN_TEXT.sub(lambda m: mask_identity(m.group(0)), text)
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


class PersonalDataFilter(logging.Filter):
    """Masks identity and mobile numbers in a record's message and exception text (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
            record.exc_info = None  # formatters print exc_text; the traceback's own text is masked above
        return True
