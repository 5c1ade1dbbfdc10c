"""Production smoke (issue 16 point 3): the production settings under gunicorn behind nginx, on PostgreSQL
and Redis, with uploads in an S3-compatible store (moto's server) — then a person's main path over HTTPS.

    .venv/bin/python deploy/smoke.py                      # what .ci/run runs
    .venv/bin/python deploy/smoke.py --check-only         # only the production settings check
    .venv/bin/python deploy/smoke.py --without DJANGO_REDIS_URL   # shows the refusal for a missing setting

Steps (each prints `== name ==`): the settings check (`manage.py check --deploy` under
config.settings.prod with every variable of docs/deploy.md), a fresh PostgreSQL database, migrate,
load_dictionaries, load_demo, one forwarded declaration (deploy/smoke_seed.py), collectstatic, gunicorn
(deploy/gunicorn.conf.py, sync workers) answering /readyz, a job worker (`manage.py run_jobs`), nginx with
deploy/nginx/title-review.conf (`nginx -t`, then in front of gunicorn with a throw-away certificate), and
over HTTPS: sign in as zsadmin (the 登录日志 records the address nginx took from X-Forwarded-For), open
待审核材料, 导出汇总表 as a background job and download the workbook from 我的下载, print the 评审表 PDF, a
static file with nginx's long cache, and nginx's 413 for a body over the upload limit. Then a second gunicorn
on its own port: five wrong passwords spread across both app servers lock the account on both.

Exit status 0 when every step passed; otherwise 1 (2 for a refused production setting) with a line
`SMOKE FAILED: <step>: <what>` and the tails of the server logs. Ports 18140-18149 by default
(SMOKE_PORT_BASE); the database from SMOKE_DATABASE_URL (dropped and created afresh), Redis from
SMOKE_REDIS_URL.
"""

import argparse
import http.client
import http.cookiejar
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 — the demo accounts' published password (README.md)
REVIEWER = "zsadmin"  # 杭州市教育局直属学校管理中心: the seeded declaration waits in its 待审核材料
TEACHER_ID, TEACHER_MOBILE = "330108198506120026", "13800000002"  # the demo's 朱老师
CLIENT_ADDRESS = "203.0.113.7"
LOCKED_USER = "hzadmin"  # the shared-lockout step locks this account (the smoke's other steps never use it)
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)  # what the "load balancer" (this script) names as the client

# Every variable production needs (docs/deploy.md; the Makefile's check-deploy gives the same set).
REQUIRED = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SMS_BACKEND",
    "DJANGO_SMS_GATEWAY_URL",
    "DJANGO_REDIS_URL",
)
S3_VARIABLES = ("DJANGO_S3_BUCKET", "DJANGO_S3_ENDPOINT_URL", "DJANGO_S3_ACCESS_KEY_ID", "DJANGO_S3_SECRET_ACCESS_KEY")


class SmokeFailure(Exception):
    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


STEP = ["start"]
CLOCK = [time.monotonic()]


def out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def step(name: str) -> None:
    now = time.monotonic()
    if STEP[0] != "start":
        out(f"   ({now - CLOCK[0]:.1f} s)")
    STEP[0], CLOCK[0] = name, now
    out(f"\n== {name} ==")


def say(text: str) -> None:
    out(f"   {text}")


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class Ports:
    def __init__(self, base: int) -> None:
        self.gunicorn, self.https, self.http, self.s3 = base, base + 1, base + 2, base + 3
        self.second = base + 4  # a second app server (gunicorn) on its own port, for the shared lockout


def production_env(args: argparse.Namespace, ports: Ports, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_")) and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://localhost:{ports.https}",
        DATABASE_URL=args.database_url,
        # A real gateway class; the smoke sends no SMS, so the address is never called.
        DJANGO_SMS_BACKEND="title_review.verification.backends.HttpGatewayBackend",
        DJANGO_SMS_GATEWAY_URL="https://sms.example.gov.cn/send",
        DJANGO_REDIS_URL=args.redis_url,
        DJANGO_TRUSTED_PROXIES="127.0.0.1",
        DJANGO_MEDIA_ROOT=str(work / "files"),
        # Every non-empty list goes to the background, so the smoke's one row is exported by the worker.
        DJANGO_EXPORT_INLINE_MAX_ROWS="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    if args.s3:
        env.update(
            DJANGO_S3_BUCKET="title-review-smoke",
            DJANGO_S3_ENDPOINT_URL=f"http://127.0.0.1:{ports.s3}",
            DJANGO_S3_ACCESS_KEY_ID="smoke-access-key",
            DJANGO_S3_SECRET_ACCESS_KEY=secrets.token_urlsafe(24),
            DJANGO_S3_REGION="cn-east-1",
        )
    env.update(_signing_files(work))
    for name in args.without:
        env.pop(name, None)
    return env


def _signing_files(work: Path) -> dict[str, str]:
    """电子证书 signing (certificates.E001): a throw-away CA stands in for the installation's own key."""
    try:
        from title_review.certificates.signing import make_test_ca
    except ImportError:
        return {}
    files = make_test_ca(work / "signing")
    return {
        "DJANGO_CERTIFICATE_SIGNING_KEY": str(files.key),
        "DJANGO_CERTIFICATE_SIGNING_CERT": str(files.cert),
        "DJANGO_CERTIFICATE_SIGNING_CHAIN": ",".join(str(p) for p in files.chain),
    }


def manage(env: dict[str, str], *arguments: str, timeout: int = 600) -> str:
    result = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SmokeFailure(f"manage.py {' '.join(arguments)} exited {result.returncode}:\n{_tail(result.stderr)}")
    return result.stdout


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def check_settings(env: dict[str, str], fail_level: str = "WARNING") -> None:
    """The production settings check; a missing or half-given setting ends the smoke with status 2."""
    step("production settings")
    missing = [name for name in REQUIRED if not env.get(name)]
    given_s3 = [name for name in S3_VARIABLES if env.get(name)]
    if given_s3 and len(given_s3) < len(S3_VARIABLES):
        missing += [name for name in S3_VARIABLES if name not in given_s3]
    result = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if missing or result.returncode != 0:
        output = _tail(result.stdout + result.stderr, 15)
        named = f"缺少生产环境变量 missing production setting: {', '.join(missing)}\n" if missing else ""
        refused = "manage.py check --deploy refused the production settings" if result.returncode else "check passed"
        raise SmokeFailure(f"{named}{refused}:\n{output}", status=2)
    say(f"manage.py check --deploy --fail-level {fail_level}: passed")


def fresh_database(url: str) -> None:
    import psycopg

    step("fresh PostgreSQL database")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    check(re.fullmatch(r"[a-z0-9_]+", name), f"unexpected database name {name!r}")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"created {name}")


def drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


class Processes:
    """The servers this smoke started, each with its log; stopped in reverse order, by their own ids."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.running: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        self.stopped: set[str] = set()

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self.work / f"{name}.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603 — fixed commands
        self.running.append((name, proc, log))
        return proc

    def alive(self, name: str) -> None:
        for each, proc, log in self.running:
            if each == name and proc.poll() is not None:
                raise SmokeFailure(f"{name} exited with {proc.returncode}:\n{_tail(log.read_text(errors='replace'))}")

    def stop(self) -> list[str]:
        """SIGTERM to each, then up to 20 s (together) before SIGKILL; says how each one ended."""
        started = time.monotonic()
        for _name, proc, _log in reversed(self.running):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        ended = []
        for name, proc, _log in reversed(self.running):
            if name in self.stopped:
                continue
            self.stopped.add(name)
            try:
                proc.wait(timeout=max(0.1, 20 - (time.monotonic() - started)))
                ended.append(f"{name} {time.monotonic() - started:.1f} s")
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                ended.append(f"{name} killed after 20 s")
        return ended

    def tails(self) -> str:
        out = []
        for name, _proc, log in self.running:
            text = log.read_text(errors="replace") if log.exists() else ""
            out.append(f"--- {name} ({log}) ---\n{_tail(text, 20)}")
        error_log = self.work / "nginx" / "error.log"
        if error_log.exists():
            out.append(f"--- nginx error.log ---\n{_tail(error_log.read_text(errors='replace'), 20)}")
        return "\n".join(out)


def check_logs(processes: Processes) -> None:
    """The app's processes log JSON lines (ADR 0035; gunicorn's own lines too, deploy/gunicorn.conf.py), and
    no log holds the seeded applicant's identity number or mobile number in full."""
    for name, _proc, log in processes.running:
        if name not in ("gunicorn", "gunicorn-2", "worker"):
            continue
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
        for line in lines:
            try:
                json.loads(line)
            except ValueError:
                raise SmokeFailure(f"{name}'s log has a line that is not JSON: {line[:200]}") from None
        text = log.read_text(errors="replace")
        check(TEACHER_ID not in text and TEACHER_MOBILE not in text, f"{name}'s log holds personal data in full")
        say(f"{name}: {len(lines)} log lines, every one JSON, no identity or mobile number")
    access = processes.work / "nginx" / "access.log"
    check(access.exists() and "/reviews/inbox/" in access.read_text(), "nginx wrote no access log")
    check(TEACHER_ID not in access.read_text(), "nginx's access log holds a searched identity number")
    say("nginx's access log: paths without query strings, no identity number")


def wait_for(what: str, probe: Any, timeout: float, processes: Processes, name: str) -> Any:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        processes.alive(name)
        try:
            result = probe()
        except (OSError, http.client.HTTPException) as error:
            last = error
        else:
            if result:
                return result
            last = result
        time.sleep(0.5)
    raise SmokeFailure(f"{what} not within {timeout:.0f} s (last: {last!r})")


def start_object_store(processes: Processes, env: dict[str, str], ports: Ports) -> None:
    step("S3-compatible store (moto server)")
    server = BIN / "moto_server"
    check(server.exists(), f"{server} is missing: pip install -r requirements-dev.txt")
    processes.start("moto", [str(server), "-H", "127.0.0.1", "-p", str(ports.s3)], env)

    def up() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{ports.s3}/moto-api/", timeout=2) as response:  # noqa: S310
            return response.status == 200

    wait_for("the S3 server", up, 60, processes, "moto")
    import boto3

    client = _s3_client(env)
    client.create_bucket(
        Bucket=env["DJANGO_S3_BUCKET"], CreateBucketConfiguration={"LocationConstraint": env["DJANGO_S3_REGION"]}
    )
    say(f"bucket {env['DJANGO_S3_BUCKET']} at {env['DJANGO_S3_ENDPOINT_URL']}")
    del boto3


def _s3_client(env: dict[str, str]) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["DJANGO_S3_ENDPOINT_URL"],
        aws_access_key_id=env["DJANGO_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["DJANGO_S3_SECRET_ACCESS_KEY"],
        region_name=env["DJANGO_S3_REGION"],
    )


def prepare_data(env: dict[str, str]) -> int:
    step("migrate (and collectstatic beside it)")
    # collectstatic needs no database: it runs while migrate does.
    collect = subprocess.Popen(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    manage(env, "migrate", "--noinput")
    say("migrated")
    collected, errors = collect.communicate(timeout=300)
    if collect.returncode != 0:
        raise SmokeFailure(f"manage.py collectstatic exited {collect.returncode}:\n{_tail(errors)}")
    say(_tail(collected, 1))
    step("demo data")
    say(_tail(manage(env, "load_dictionaries"), 1))
    say(_tail(manage(env, "load_demo"), 1))
    step("one declaration in 待审核材料")
    result = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, str(ROOT / "deploy" / "smoke_seed.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SmokeFailure(f"deploy/smoke_seed.py exited {result.returncode}:\n{_tail(result.stderr)}")
    declaration = int(result.stdout.strip().splitlines()[-1])
    say(f"declaration {declaration}: submitted by teacher, forwarded to 杭州市教育局直属学校管理中心")
    return declaration


def start_gunicorn(
    processes: Processes, env: dict[str, str], ports: Ports, *, name: str = "gunicorn", port: int = 0, workers: int = 2
) -> None:
    step(name)
    port = port or ports.gunicorn
    gunicorn_env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "config.wsgi"]
    processes.start(name, command, gunicorn_env)

    def ready() -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:  # noqa: S310
                return {"status": response.status, "body": json.loads(response.read())}
        except urllib.error.HTTPError as error:
            return None if error.code == 503 else {"status": error.code, "body": error.read()[:200]}

    answer = wait_for(f"{name}'s /readyz", ready, 90, processes, name)
    check(answer["status"] == 200, f"/readyz answered {answer['status']}: {answer['body']!r}")
    check(answer["body"] == {"database": "ok", "cache": "ok", "storage": "ok"}, f"/readyz said {answer['body']}")
    say(f"/readyz 200 {json.dumps(answer['body'])} (sync workers, deploy/gunicorn.conf.py)")


def start_worker(processes: Processes, env: dict[str, str]) -> None:
    step("job worker")
    processes.start("worker", [sys.executable, "manage.py", "run_jobs"], env)
    time.sleep(2)
    processes.alive("worker")
    say("manage.py run_jobs running")


def nginx_config(home: Path, ports: Ports) -> tuple[str, Path, Path]:
    """deploy/nginx/title-review.conf made ready for this machine in `home`, checked by `nginx -t`:
    (nginx, its main configuration, the certificate). Raises SmokeFailure naming what is wrong."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check(Path(nginx).exists(), "nginx is not installed (apt-get install nginx)")
    home.mkdir(parents=True, exist_ok=True)
    cert, key = home / "cert.pem", home / "key.pem"
    subprocess.run(  # noqa: S603 — fixed openssl arguments: a throw-away self-signed certificate
        [
            shutil.which("openssl") or "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy" / "nginx" / "title-review.conf").read_text()
    # The file in the repository, with this machine's paths, ports and certificate.
    replacements = {
        "/srv/title-review/": f"{ROOT}/",
        "server 127.0.0.1:8001": f"server 127.0.0.1:{ports.gunicorn}",
        "listen 443 ssl": f"listen 127.0.0.1:{ports.https} ssl",
        "listen 80;": f"listen 127.0.0.1:{ports.http};",
        "/etc/ssl/title-review/fullchain.pem": str(cert),
        "/etc/ssl/title-review/privkey.pem": str(key),
        "/var/log/nginx/title-review.access.log": str(home / "access.log"),
        # This script plays the load balancer in front of nginx.
        "set_real_ip_from 10.0.1.0/24;": "set_real_ip_from 127.0.0.1;",
    }
    for old, new in replacements.items():
        check(old in site, f"deploy/nginx/title-review.conf no longer contains {old!r}; update deploy/smoke.py")
        site = site.replace(old, new)
    (home / "title-review.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (home / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {home}/nginx.pid;\nerror_log {home}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {home}/access.log;\n"
        f"  client_body_temp_path {home}/body;\n  proxy_temp_path {home}/proxy;\n"
        f"  fastcgi_temp_path {home}/fastcgi;\n  uwsgi_temp_path {home}/uwsgi;\n  scgi_temp_path {home}/scgi;\n"
        f"  include {home}/title-review.conf;\n"
        "}\n"
    )
    test = subprocess.run(  # noqa: S603 — nginx's own configuration test
        [nginx, "-t", "-p", str(home), "-c", str(home / "nginx.conf")], capture_output=True, text=True
    )
    check(test.returncode == 0, f"nginx -t refused deploy/nginx/title-review.conf:\n{test.stderr}")
    return nginx, home / "nginx.conf", cert


def start_nginx(processes: Processes, work: Path, ports: Ports) -> Path:
    step("nginx")
    home = work / "nginx"
    nginx, conf, cert = nginx_config(home, ports)
    say(f"nginx -t: the configuration in {conf} (from deploy/nginx/title-review.conf) is valid")
    processes.start("nginx", [nginx, "-p", str(home), "-c", str(conf), "-g", "daemon off;"], {})
    return cert


class Browser:
    """A person's browser: cookies, CSRF tokens from the forms, HTTPS checked against the smoke's certificate."""

    def __init__(self, base: str, cafile: Path) -> None:
        self.base = base
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def request(self, path: str, data: dict[str, str] | bytes | None = None, **headers: str) -> Any:
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 — https to ourselves
        request.add_header("X-Forwarded-For", CLIENT_ADDRESS)
        if body is not None:
            request.add_header("Referer", self.base + path)
            request.add_header("Origin", self.base)
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        response.content = response.read()
        return response

    def text(self, path: str) -> str:
        response = self.request(path)
        check(response.status == 200, f"GET {path} answered {response.status}")
        return str(response.content.decode())

    @staticmethod
    def csrf(page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        check(found, "no CSRF token in the form")
        return found.group(1) if found else ""


def person(base: str, cert: Path, env: dict[str, str], declaration: int) -> None:
    browser = Browser(base, cert)

    step("sign in (登录)")
    page = browser.text("/accounts/login/")
    check('name="username"' in page and "captcha" not in page.lower(), "the login form asks for more than a password")
    response = browser.request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": browser.csrf(page), "username": REVIEWER, "password": DEMO_PASSWORD, "next": ""},
    )
    home = response.content.decode()
    check(response.status == 200 and response.url.startswith(base), f"login answered {response.status}")
    check("/accounts/logout/" in home, f"not signed in as {REVIEWER}: {response.url}")
    session = [c for c in browser.jar if c.name == "sessionid"]
    check(session and session[0].secure, "the session cookie is not marked Secure")
    say(f"signed in as {REVIEWER} over HTTPS (Secure session cookie)")
    logged = _login_address(env)
    check(logged == CLIENT_ADDRESS, f"登录日志 recorded {logged!r}, not the client {CLIENT_ADDRESS}")
    say(f"登录日志 has the client address {logged} (nginx real_ip → X-Forwarded-For → TRUSTED_PROXIES)")

    step("待审核材料 (inbox)")
    inbox = browser.text("/reviews/inbox/")
    check("待审核材料" in inbox and "朱老师" in inbox, "the inbox does not list the forwarded declaration")
    found = browser.text(f"/reviews/inbox/?q={TEACHER_ID}")
    masked = TEACHER_ID[:6] + "*" * 8 + TEACHER_ID[-4:]
    check("朱老师" in found and masked in found, "searching by 证件号码 does not find her, shown masked")
    say("found by 证件号码 (shown masked); nginx's access log must not keep the number (checked at the end)")
    check(TEACHER_ID not in inbox, "the inbox shows an identity number unmasked")
    say("/reviews/inbox/ lists 朱老师's declaration")

    step("导出汇总表 as a background job")
    response = browser.request("/exports/inbox/", {"csrfmiddlewaretoken": browser.csrf(inbox)})
    check(response.url.endswith("/downloads/"), f"the export did not go to 我的下载 but to {response.url}")
    check("已转入后台导出" in response.content.decode(), "no message that the export runs in the background")
    started = time.monotonic()

    def finished() -> str | None:
        found = re.search(r'href="(/downloads/\d+/download/)"', browser.text("/downloads/"))
        return found.group(1) if found else None

    link = _poll("the export job", finished, 90)
    say(f"job finished after {time.monotonic() - started:.1f} s: {link}")
    download = browser.request(link)
    check(download.status == 200, f"download answered {download.status}")
    check(download.content[:4] == b"PK\x03\x04", "the download is not an .xlsx workbook")
    check(".xlsx" in urllib.parse.unquote(download.headers.get("Content-Disposition", "")), "no .xlsx file name")
    _check_workbook(download.content)
    say(f"workbook {len(download.content)} bytes: header 序号 … and 朱老师's row, identity number masked")
    if env.get("DJANGO_S3_BUCKET"):
        names = [o["Key"] for o in _s3_client(env).list_objects_v2(Bucket=env["DJANGO_S3_BUCKET"]).get("Contents", [])]
        check(any(n.endswith(".xlsx") for n in names), f"the workbook is not in the S3 bucket: {names}")
        check(any(n.endswith(".pdf") for n in names), f"the uploaded 评审表 is not in the S3 bucket: {names}")
        local = [p for p in Path(env["DJANGO_MEDIA_ROOT"]).rglob("*") if p.is_file()]
        check(not local, f"files were written to the local MEDIA_ROOT instead: {local[:3]}")
        say(f"the bucket holds the uploads and the export ({len(names)} objects); the local MEDIA_ROOT none")

    step("评审表 PDF")
    pdf = browser.request(f"/printing/declarations/{declaration}/review.pdf")
    check(pdf.status == 200, f"the 评审表 answered {pdf.status}")
    check(pdf.headers.get("Content-Type", "").startswith("application/pdf"), "the 评审表 is not application/pdf")
    check(pdf.content.startswith(b"%PDF-"), "the 评审表 does not start with %PDF-")
    say(f"/printing/declarations/{declaration}/review.pdf: {len(pdf.content)} bytes of PDF")

    step("nginx: static files, headers, body limit")
    login_page = Browser(base, cert).text("/accounts/login/")
    found = re.search(r'href="(/static/[^"]+\.css)"', login_page)
    check(found, "the login page links no stylesheet")
    static = browser.request(found.group(1) if found else "")
    check(static.status == 200, f"{found.group(1) if found else ''} answered {static.status}")
    check("immutable" in static.headers.get("Cache-Control", ""), "static files are not cached for long")
    check(static.headers.get("X-Content-Type-Options") == "nosniff", "static files lack nosniff")
    # nginx's own responses carry the security headers Django puts on its pages, with the same values.
    for header in SECURITY_HEADERS:
        ours, django = static.headers.get(header), response.headers.get(header)
        check(django and ours == django, f"{header}: nginx sends {ours!r} on static files, Django {django!r}")
    say("static files carry Django's security headers with Django's values: " + ", ".join(SECURITY_HEADERS))
    say(f"{found.group(1) if found else ''}: {static.headers.get('Cache-Control')}")
    hsts = response.headers.get_all("Strict-Transport-Security") or []
    check(len(hsts) == 1, f"a page carries {len(hsts)} HSTS headers (Django's, and nginx adds none)")
    # Announced as 22 MB: nginx answers from the headers, before a byte of the body is sent.
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, context=browser.context, timeout=30)
    conn.putrequest("POST", "/attachments/upload/")
    conn.putheader("Content-Type", "multipart/form-data; boundary=smoke")
    conn.putheader("Content-Length", str(22 * 1024 * 1024))
    conn.endheaders()
    big = conn.getresponse()
    page = big.read().decode(errors="replace")
    conn.close()
    check(big.status == 413, f"a 22 MB body answered {big.status}, not 413")
    check("文件过大" in page, "nginx's 413 page is not the Chinese one")
    say("a 22 MB body: 413 上传的文件过大 from nginx (client_max_body_size 21m)")
    ready = browser.request("/readyz")
    check(ready.status == 200, f"/readyz through nginx answered {ready.status}")
    say("/readyz through nginx: 200")


CHROMIUM = "/usr/bin/chromium"


def in_a_browser(base: str) -> None:
    """The same stack in Chromium: the login page and 待审核材料 render with nginx's static files under the
    production CSP, with no failed request and no console error."""
    step("in Chromium through nginx")
    check(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            # The smoke's certificate is self-signed; the HTTP client above checks it properly.
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(base + "/accounts/login/")
            button = page.get_by_role("button", name="登录")
            colour = button.evaluate("e => getComputedStyle(e).backgroundColor")
            check(colour not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)"), "no stylesheet")
            page.get_by_label("登录名").fill(REVIEWER)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            button.click()
            page.wait_for_load_state()
            page.goto(base + "/reviews/inbox/")
            check(page.get_by_text("朱老师").first.is_visible(), "朱老师's row is not visible in 待审核材料")
            check(page.get_by_text("待审核材料").first.is_visible(), "no 待审核材料 heading")
        finally:
            browser.close()
    check(not problems, "the browser met: " + "; ".join(problems[:5]))
    say(f"signed in and opened 待审核材料 in Chromium; the stylesheet applies (登录 button {colour}); no errors")


def backup(env: dict[str, str], work: Path) -> None:
    """备份 under the production settings: the database and every file of the default storage (the bucket,
    with S3), then `restore --check` reads the archive back."""
    step("备份 (backup of the database and the file store)")
    said = _tail(manage(env, "backup", "--output", str(work / "backups"), "--keep", "0"), 1)
    say(said)
    found = re.search(r"(\d+) 个文件", said)
    check(found, "the backup did not say how many files it holds")
    files = int(found.group(1)) if found else 0
    if env.get("DJANGO_S3_BUCKET"):
        objects = _s3_client(env).list_objects_v2(Bucket=env["DJANGO_S3_BUCKET"]).get("Contents", [])
        check(files == len(objects), f"the backup holds {files} files, the bucket {len(objects)}")
        say(f"every object of the bucket is in the archive ({files})")
    [archive] = list((work / "backups").glob("*.tar"))
    say(_tail(manage(env, "restore", str(archive), "--check"), 1))


def _poll(what: str, probe: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(1)
    raise SmokeFailure(f"{what} did not finish within {timeout:.0f} s")


def _check_workbook(content: bytes) -> None:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    check(sheet is not None, "the workbook has no sheet")
    rows = [list(r) for r in sheet.iter_rows(values_only=True)] if sheet is not None else []
    check(rows and rows[0][0] == "序号", f"unexpected header: {rows[:1]}")
    check(len(rows) == 2 and "朱老师" in rows[1], f"expected 朱老师's one row, got {rows[1:]}")
    check("330108********0026" in rows[1], "the identity number is not masked in the export")


class BehindTheBalancer:
    """One person's browser reaching the app servers directly, as the load balancer forwards it: plain HTTP to
    gunicorn's port with X-Forwarded-For / X-Forwarded-Proto (the app trusts 127.0.0.1 as its proxy), and the
    same cookies whichever server answers."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, port: int, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        origin = f"https://127.0.0.1:{port}"
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("POST" if data is not None else "GET", path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie()
                jar.load(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()


def _captcha_answer(env: dict[str, str], session_key: str, captcha_key: str) -> str:
    """The pending captcha's answer, read from the person's session in the database (as a test would)."""
    import psycopg
    from django.core import signing

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute("SELECT session_data FROM django_session WHERE session_key = %s", [session_key]).fetchone()
    check(row, "the login page left no session in the database")
    data = signing.loads(
        row[0],
        key=env["DJANGO_SECRET_KEY"],
        salt="django.contrib.sessions.SessionStore",
        serializer=signing.JSONSerializer,
        fallback_keys=[],
    )
    return str(data["verification.captcha"][captcha_key][0])


def shared_lockout(processes: Processes, env: dict[str, str], ports: Ports) -> None:
    """Two app servers on different ports, one PostgreSQL and one Redis: five wrong passwords spread across
    both lock the account on both (the count in the database, the captcha marks in Redis)."""
    start_gunicorn(processes, env, ports, name="gunicorn-2", port=ports.second, workers=1)
    step("two app servers share the lockout")
    person = BehindTheBalancer("198.51.100.23")
    servers = (ports.gunicorn, ports.second)
    status, page = person.request(servers[0], "/accounts/login/")
    check(status == 200, f"GET /accounts/login/ on :{servers[0]} answered {status}")
    solved = 0
    for attempt in range(5):
        port = servers[attempt % 2]
        form = {"csrfmiddlewaretoken": Browser.csrf(page), "username": LOCKED_USER, "password": "wrong-password"}
        pending = re.search(r'name="captcha_key" value="([^"]+)"', page)
        if pending:  # asked after 3 failures: solved from the session another server may have written
            solved += 1
            form |= {
                "captcha_key": pending.group(1),
                "captcha_answer": _captcha_answer(env, person.cookies.get("sessionid", ""), pending.group(1)),
            }
        status, page = person.request(port, "/accounts/login/", form)
        check(status == 200, f"wrong password {attempt + 1} on :{port} answered {status}")
        check("临时锁定" not in page, f"locked already after {attempt + 1} wrong passwords")
        check("验证码错误" not in page and "请输入验证码" not in page, f"the captcha was refused on :{port}")
    for port in servers:
        form = {"csrfmiddlewaretoken": Browser.csrf(page), "username": LOCKED_USER, "password": DEMO_PASSWORD}
        pending = re.search(r'name="captcha_key" value="([^"]+)"', page)
        if pending:
            form |= {
                "captcha_key": pending.group(1),
                "captcha_answer": _captcha_answer(env, person.cookies.get("sessionid", ""), pending.group(1)),
            }
        status, page = person.request(port, "/accounts/login/", form)
        check(status == 200 and "临时锁定" in page, f"the right password on :{port} was not refused as locked")
    say(
        f"5 wrong passwords for {LOCKED_USER} alternating :{servers[0]} and :{servers[1]} ({solved} with the "
        "captcha the other server asked for); the right one is then refused on both (临时锁定)"
    )


def _login_address(env: dict[str, str]) -> str | None:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT host(ip) FROM audit_loginevent WHERE username = %s AND success ORDER BY id DESC LIMIT 1",
            [REVIEWER],
        ).fetchone()
    return row[0] if row else None


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="title-review-smoke-"))
    try:
        yield work
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-only", action="store_true", help="only the production settings check")
    parser.add_argument("--without", action="append", default=[], metavar="VAR", help="leave a variable out")
    parser.add_argument("--no-s3", dest="s3", action="store_false", help="files on the local disk, not in S3")
    parser.add_argument("--fail-level", default="WARNING", help="of manage.py check --deploy (default WARNING)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the work directory")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/title_review_smoke"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/6"))
    args = parser.parse_args(argv)
    ports = Ports(int(os.environ.get("SMOKE_PORT_BASE", "18140")))
    started = time.monotonic()
    with workspace(args.keep) as work:
        env = production_env(args, ports, work)
        processes = Processes(work)
        created = False
        try:
            check_settings(env, args.fail_level)
            if args.check_only:
                out("\nsmoke: production settings PASS")
                return 0
            if args.s3:
                start_object_store(processes, env, ports)
            fresh_database(args.database_url)
            created = True
            declaration = prepare_data(env)
            start_gunicorn(processes, env, ports)
            start_worker(processes, env)
            cert = start_nginx(processes, work, ports)
            base = f"https://localhost:{ports.https}"
            wait_for("nginx", lambda: Browser(base, cert).request("/healthz").status == 200, 30, processes, "nginx")
            person(base, cert, env, declaration)
            in_a_browser(base)
            backup(env, work)
            shared_lockout(processes, env, ports)
            for name in ("gunicorn", "gunicorn-2", "worker", "nginx"):
                processes.alive(name)
            step("stop")
            say("SIGTERM: " + ", ".join(processes.stop()))
            check_logs(processes)
        except SmokeFailure as failure:
            out(f"\nSMOKE FAILED: {STEP[0]}: {failure}")
            if processes.running:
                out(processes.tails())
            return failure.status
        finally:
            processes.stop()
            if created and not args.keep:
                drop_database(args.database_url)
    out(f"   ({time.monotonic() - CLOCK[0]:.1f} s)\n\nsmoke: PASS in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
