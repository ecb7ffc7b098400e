"""Settings from the environment: bad values stop start-up with a message naming the variable; safe defaults when
DEBUG is off (secure cookies, CSP, no debug page)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

LONG_SECRET = "x" * 50
CLEARED = {"DEBUG", "SECRET_KEY", "BERDAYA_ALLOW_DEV_SECRET", "DATABASE_URL", "TIME_ZONE", "BERDAYA_HTTPS",
           "AXES_FAILURE_LIMIT", "DJANGO_SETTINGS_MODULE"}


def start_django(tmp_path, code="", **env):
    """Run `django.setup()` in a fresh interpreter with this environment; return (exit code, output)."""
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean.update(DJANGO_SETTINGS_MODULE="berdaya.settings", BERDAYA_DATA_DIR=str(tmp_path), **env)
    proc = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], env=clean,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize(("env", "message"), [
    ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean: use 1/0, true/false, yes/no or on/off."),
    ({"DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE='Mars/Olympus' is not a known time zone"),
    ({"DEBUG": "1", "DATABASE_URL": "mysql://berdaya:rahasia@127.0.0.1:3306/berdaya"},
     "DATABASE_URL: engine django.db.backends.mysql is not supported; use SQLite or PostgreSQL."),
    ({"DEBUG": "0"}, "SECRET_KEY is not set. Set SECRET_KEY to a long random value"),
    ({"DEBUG": "0", "SECRET_KEY": "pendek"}, "SECRET_KEY is too short"),
    ({"DEBUG": "1", "AXES_FAILURE_LIMIT": "lima"}, "AXES_FAILURE_LIMIT='lima' is not a whole number."),
])
def test_a_bad_value_stops_start_up_with_a_message_naming_the_variable(tmp_path, env, message):
    code, output = start_django(tmp_path, **env)
    assert code != 0
    assert "django.core.exceptions.ImproperlyConfigured: " in output
    assert message in output


def test_good_values_start_and_debug_off_makes_cookies_secure(tmp_path):
    show = "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    assert start_django(tmp_path, show, DEBUG="0", SECRET_KEY=LONG_SECRET) == (0, "False True True\n")
    assert start_django(tmp_path, show, DEBUG="1") == (0, "True False False\n")




def test_the_test_suite_runs_with_debug_off():
    assert settings.DEBUG is False


def test_every_response_carries_a_strict_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_and_csrf_cookies_are_secure_and_http_only(client, operator_desa_a):
    page = client.get(reverse("accounts:login"))
    assert page.cookies["csrftoken"]["secure"] is True
    response = client.post(reverse("accounts:login"), {"username": "operator_desa_a", "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize("logged_in", [False, True])
def test_an_unknown_address_gives_a_plain_404_without_a_debug_page(client, operator_desa_a, logged_in):
    if logged_in:
        client.force_login(operator_desa_a)
    response = client.get("/tidak-ada/sama-sekali/")
    assert response.status_code == 404
    body = response.content.decode()
    for leak in ("Traceback", "URLconf", "DEBUG = True", "berdaya.urls", "django-admin/"):
        assert leak not in body
    assert "Content-Security-Policy" in response.headers
