"""Issue 25 item 8: concurrent writes on SQLite wait for each other (BEGIN IMMEDIATE); a write that still finds the
database locked answers a Chinese 409, never a 500.

The threads use their own connections to a file database (the test database is in memory), opened with the project's
settings for the default database, so the test measures what the site does.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from kechuang import urls as project_urls

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking")


def _handler(tmp_path, **options) -> ConnectionHandler:
    db = dict(settings.DATABASES["default"], NAME=str(tmp_path / "concurrency.sqlite3"), TEST={})
    db["OPTIONS"] = {**db.get("OPTIONS", {}), **options}
    return ConnectionHandler({"default": db})


def _race(handler_factory, writers: int = 12) -> tuple[int, list[str]]:
    """Each writer, in one transaction, reads the counter and writes it back plus one (a read-then-write, as a cap
    check followed by a payment is)."""
    setup = handler_factory()
    with setup["default"].cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS counter (n INTEGER)")
        cur.execute("DELETE FROM counter")
        cur.execute("INSERT INTO counter VALUES (0)")
    setup["default"].close()
    errors: list[str] = []
    start = threading.Barrier(writers)

    def writer() -> None:
        conn = handler_factory()["default"]
        try:
            start.wait()
            with _atomic(conn):
                with conn.cursor() as cur:
                    cur.execute("SELECT n FROM counter")
                    n = cur.fetchone()[0]
                    time.sleep(0.01)
                    cur.execute("UPDATE counter SET n = %s", [n + 1])
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = handler_factory()["default"]
    with check.cursor() as cur:
        cur.execute("SELECT n FROM counter")
        total = cur.fetchone()[0]
    check.close()
    return total, errors


class _atomic:
    """BEGIN … COMMIT on one connection as Django's atomic() does it (its BEGIN follows transaction_mode)."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def __enter__(self):
        self.conn.ensure_connection()
        self.conn.set_autocommit(False)  # the backend's _start_transaction_under_autocommit: BEGIN <mode>
        self.conn._start_transaction_under_autocommit()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.commit()
        else:
            self.conn.rollback()
        self.conn.set_autocommit(True)


def test_settings_begin_sqlite_transactions_immediately() -> None:
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_concurrent_read_then_write_transactions_wait_instead_of_failing(tmp_path, django_db_blocker) -> None:
    with django_db_blocker.unblock():
        total, errors = _race(lambda: _handler(tmp_path))
    assert errors == [] and total == 12


def test_without_immediate_the_same_race_fails(tmp_path, django_db_blocker) -> None:
    """The failure the setting prevents (what the issue saw as 500s): deferred transactions cannot upgrade."""
    with django_db_blocker.unblock():
        total, errors = _race(lambda: _handler(tmp_path, transaction_mode="DEFERRED"))
    assert errors and all("locked" in e for e in errors) and total == 12 - len(errors)


def _locked_view(request):
    raise OperationalError("database is locked")


def _fine_view(request):
    return HttpResponse("好")


urlpatterns = [path("api/locked/", _locked_view), path("locked/", _locked_view), path("fine/", _fine_view),
               *project_urls.urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_write_that_finds_the_database_locked_answers_409_in_chinese(client) -> None:
    page = client.post("/locked/")
    assert page.status_code == 409
    assert "数据库暂时繁忙，本次操作没有保存" in page.content.decode()
    api = client.post("/api/locked/")
    assert api.status_code == 409 and "请稍候片刻后重新提交" in api.json()["detail"]
    assert client.get("/fine/").content.decode() == "好"
