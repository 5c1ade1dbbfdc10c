"""gunicorn for 职称评审管理信息系统: `gunicorn -c deploy/gunicorn.conf.py config.wsgi` (docs/deploy.md).

Sync workers, two per core (ADR 0028), behind nginx on the same machine (deploy/nginx/title-review.conf),
which buffers slow clients and whole request bodies, so a worker never waits on a client.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", "0")) or 2 * multiprocessing.cpu_count()
# The longest request served in-line: a PDF form or an export below the background threshold. nginx's
# proxy_read_timeout is a little longer, so a killed worker shows nginx's 504 page, not a dropped line.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 2
# Recycle a worker now and then (memory held by a large PDF or workbook is returned to the system).
max_requests = 1000
max_requests_jitter = 100
# nginx logs every request; gunicorn's own messages go to stderr beside the app's JSON lines (ADR 0035).
accesslog = None
errorlog = "-"
# Only nginx on this machine may set X-Forwarded-Proto for gunicorn; Django applies its own rule
# (TRUSTED_PROXIES, ADR 0019) to the forwarded headers in any case.
forwarded_allow_ips = "127.0.0.1,::1"
# No control socket: several instances on one machine (and the smoke) must not fight over its path.
control_socket_disable = True

# gunicorn's own messages (start, worker boot and exit, timeouts) as the same JSON lines as the app's
# (config/settings/prod.py, ADR 0035), so the process manager collects one format.
_JSON = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    "json_ensure_ascii": False,
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "level": "INFO",
            "handlers": ["error_console"],
            "propagate": False,
            "qualname": "gunicorn.error",
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["console"],
            "propagate": False,
            "qualname": "gunicorn.access",
        },
    },
    # gunicorn's access lines carry the query string (a staff list searched by 证件号码): masked as the app's are.
    "filters": {"personal_data": {"()": "title_review.core.logs.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["personal_data"],
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["personal_data"],
            "stream": "ext://sys.stderr",
        },
    },
    "formatters": {"json": _JSON},
}
