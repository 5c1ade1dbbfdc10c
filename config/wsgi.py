import os

from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# Django runs its system checks for management commands only; gunicorn would serve a misconfigured
# installation (e.g. SMS codes left in the development outbox, verification.E002). Refuse to start.
_serious = [message for message in run_checks() if message.is_serious()]
if _serious:
    raise ImproperlyConfigured("\n".join(str(message) for message in _serious))
