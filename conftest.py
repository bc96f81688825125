"""Shared test fixtures: demo accounts and a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

#: Fixtures that open the test database; a test that asks for none of them (directly or through its fixtures), has
#: no ``django_db`` marker and is not a Django ``TestCase`` cannot reach the database (pytest-django refuses it).
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences",
                               "django_db_serialized_rollback", "django_db_setup"})


def uses_database(item: pytest.Item) -> bool:
    """Whether a collected test can reach the database (so its outcome may differ between SQLite and PostgreSQL)."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("every_database"):
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TransactionTestCase

        return issubclass(cls, TransactionTestCase)
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With KECHUANG_TEST_DATABASE_ONLY=1 (scripts/test.sh's PostgreSQL half) only the tests that reach the database
    run: the others (pure functions, the policy engine, settings in a subprocess) give the same outcome on SQLite and
    PostgreSQL, and the SQLite half runs them. Found by what each test asks for, so a new test is placed without a
    list; ``@pytest.mark.every_database`` keeps a test that reads the database settings without the database in both
    halves."""
    if os.environ.get("KECHUANG_TEST_DATABASE_ONLY") == "1":
        kept = [item for item in items if uses_database(item)]
        if len(kept) < len(items):
            config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
            items[:] = kept
    # With KECHUANG_TEST_SQLITE_HALF=1 (scripts/test.sh's SQLite half, which runs beside its PostgreSQL half) the tests marked
    # ``postgres_half`` are left to the PostgreSQL half: long whole walks and generated checks (the access matrix,
    # schemathesis, the one-year browser walk) whose code paths do not depend on the engine, and which PostgreSQL
    # checks at least as strictly (lengths, integer ranges, NUL bytes). A plain ``pytest`` on SQLite runs them.
    if os.environ.get("KECHUANG_TEST_SQLITE_HALF") == "1":
        left = [item for item in items if item.get_closest_marker("postgres_half")]
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = [item for item in items if not item.get_closest_marker("postgres_half")]
    # pytest-django has put the tests in Django's order (database tests, then transactional ones, whose flush empties
    # the migrations' data, then the rest); each worker takes its tests in that order. Within each group the long
    # tests start first; sort is stable, so the rest keep the order collected.
    items.sort(key=lambda item: (_django_order(item), not _long(item)))


#: The tests that run for half a minute or more on the 2-core machine (``--durations``), besides the browser tests.
#: They start first in their group, so that the last tests the workers take are short ones and both finish together;
#: a long test missing here only risks ending a run late. (Not ``--dist worksteal``: a worker that steals runs a
#: database test after a transactional one, on a database whose migration data the flush has emptied.)
LONG_TESTS = ("accounts/tests/test_schemathesis.py::test_api_conforms_to_its_schema",
              "accounts/tests/test_url_matrix.py::test_access_matrix",
              "policy/tests/test_demo_city_identical.py::",
              "policy/tests/test_whatif_amounts.py::test_seeded_situations_every_provision",
              "worklist/tests/test_demo_logins.py::",
              "vouchers/tests/test_demo.py::",
              "screening/tests/test_whatif_agrees_with_screening.py::",
              "policy/tests/test_openfisca_yaml.py::",
              "policy/tests/test_openfisca_cli.py::",
              "techmarket/tests/test_quality_api_demo.py::")


def _django_order(item: pytest.Item) -> int:
    """0: a database test in a transaction rolled back; 1: a transactional test; 2: no database (as pytest-django)."""
    marker, fixtures = item.get_closest_marker("django_db"), set(getattr(item, "fixturenames", ()))
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TestCase, TransactionTestCase

        if issubclass(cls, TransactionTestCase):
            return 0 if issubclass(cls, TestCase) else 1
    if (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) \
            or {"transactional_db", "live_server", "django_db_reset_sequences"} & fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


def _long(item: pytest.Item) -> bool:
    return item.nodeid.startswith(LONG_TESTS) or "live_server" in getattr(item, "fixturenames", ())


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete() -> Iterator[None]:
    """A transactional test ends with Django's flush, on PostgreSQL one TRUNCATE of every table (about 150, each given
    new files for itself and its indexes), which costs far more than the few rows such a test leaves. In the tests it
    deletes the rows of the tables that hold any instead, in one transaction with triggers and foreign-key checks off
    (``session_replication_role = replica``, as pg_restore does: every row goes, so no reference is left dangling; the
    append-only triggers guard the product, not a test's clean-up). Same end state: empty tables, sequences left as
    they are (Django's flush does not restart them either). Needs a superuser, as the test database's creation does;
    otherwise, or where sequences are to be reset or the flush cascades, Django's TRUNCATE runs as before."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        qn = self.quote_name
        with self.connection.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cur.fetchone()[0]:
                return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
            cur.execute(" UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {qn(t)})"
                                           for i, t in enumerate(tables)))
            filled = [tables[i] for (i,) in cur.fetchall()]
        if not filled:
            return []
        return ["SET LOCAL session_replication_role = replica;",
                *(f"DELETE FROM {qn(t)};" for t in filled),
                "SET LOCAL session_replication_role = origin;"]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


CHROMIUM = os.environ.get("KECHUANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/setup.sh --test (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser page; ``page.base_url`` is the live server's address."""
    context = _browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def demo_city(db):
    """A small deterministic demo Weihai with its demo accounts (see registry.demo).

    Built once per test process: the first test that asks for it generates the city inside a savepoint, keeps the rows
    it added and rolls them back; every later test writes those rows again (COPY on PostgreSQL, executemany on
    SQLite), several times faster than generating them. Where the database does not start from the state the rows
    were taken in (a transactional test after a flush, a fixture that added rows first), the city is generated."""
    from django.db import connection

    from registry.demo import generate

    if not connection.in_atomic_block:  # transactional test: its reference rows were loaded again with other ids
        return generate(enterprises=300, seed=7)
    snapshot = _DEMO_SNAPSHOT.get(connection.vendor)
    if snapshot is None:
        snapshot = _DEMO_SNAPSHOT[connection.vendor] = _DemoSnapshot.take(lambda: generate(enterprises=300, seed=7))
    summary = snapshot.restore() if snapshot else None
    return summary if summary is not None else generate(enterprises=300, seed=7)


class _DemoSnapshot:
    """The rows that generating the demo city adds, per table, and the state of every table before (row count and
    largest key), which the database must be in for the rows to be written again as they are."""

    def __init__(self, before: dict[str, tuple[int, object]], rows: dict[str, tuple[list[str], object]],
                 summary: object) -> None:
        self.before, self.rows, self.summary = before, rows, summary

    @staticmethod
    def _state() -> dict[str, tuple[int, object, str | None]]:
        """Each table's row count and largest key (one query; the tables and their keys are read once)."""
        from django.db import connection

        qn = connection.ops.quote_name
        if connection.vendor not in _TABLES:
            from django.apps import apps
            from django.db import models

            # tables keyed by an integer: rows added are those above the old largest key
            keyed = {m._meta.db_table: m._meta.pk.column for m in apps.get_models(include_auto_created=True)
                     if isinstance(m._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField)}
            with connection.cursor() as cur:
                tables = connection.introspection.table_names(cur)
            keys = [keyed.get(t) for t in tables]
            query = " UNION ALL ".join(
                f"SELECT {k}, COUNT(*), {'MAX(' + qn(pk) + ')' if pk else 'NULL'} FROM {qn(t)}"
                for k, (t, pk) in enumerate(zip(tables, keys, strict=True)))
            _TABLES[connection.vendor] = (list(zip(tables, keys, strict=True)), query)
        tables, query = _TABLES[connection.vendor]
        with connection.cursor() as cur:
            cur.execute(query)
            found = {k: (count, top) for k, count, top in cur.fetchall()}
        return {t: (*found[k], pk) for k, (t, pk) in enumerate(tables)}

    @classmethod
    def take(cls, build):
        """Generates the city in a savepoint, reads back the rows it added, rolls them back and writes them again.
        None where the added rows cannot be told by their keys (a table without an integer key gained rows)."""
        import copy

        from django.db import connection, transaction

        qn = connection.ops.quote_name
        sid = transaction.savepoint()
        try:
            before = cls._state()
            summary = build()
            after = cls._state()
            rows: dict[str, tuple[list[str], object]] = {}
            with connection.cursor() as cur:
                for table, (count, top, pk) in after.items():
                    was_count, was_top, _ = before.get(table, (0, None, pk))
                    if count == was_count and top == was_top:
                        continue
                    if not pk or count < was_count:
                        return None
                    where, params = (f" WHERE {qn(pk)} > %s", [was_top]) if was_top is not None else ("", [])
                    columns = [c.name for c in connection.introspection.get_table_description(cur, table)]
                    cols = ", ".join(qn(c) for c in columns)
                    if connection.vendor == "postgresql":
                        data = bytearray()
                        literal = cur.mogrify(f"SELECT {cols} FROM {qn(table)}{where} ORDER BY {qn(pk)}", params)
                        with cur.cursor.copy(f"COPY ({literal}) TO STDOUT") as out:
                            for block in out:
                                data += block
                        added, got = bytes(data), bytes(data).count(b"\n")
                    else:
                        cur.execute(f"SELECT {cols} FROM {qn(table)}{where} ORDER BY {qn(pk)}", params)
                        added = cur.fetchall()
                        got = len(added)
                    if got != count - was_count:  # rows were also deleted or keyed below the old largest key
                        return None
                    rows[table] = (columns, added)
            snapshot = cls(before, rows, copy.deepcopy(summary))
        finally:
            transaction.savepoint_rollback(sid)
        return snapshot

    def restore(self):
        """Writes the rows again and returns the generator's summary; None where the database is not in the state
        the rows were taken in, or they do not fit (then nothing is written)."""
        import copy

        from django.db import DatabaseError, connection, transaction

        state = self._state()
        if any(state.get(t, (0, None))[:2] != was[:2] for t, was in self.before.items()):
            return None
        qn = connection.ops.quote_name
        try:
            with transaction.atomic(), connection.cursor() as cur:
                for table, (columns, added) in self.rows.items():
                    cols = ", ".join(qn(c) for c in columns)
                    if connection.vendor == "postgresql":
                        with cur.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as into:
                            into.write(added)
                    else:
                        marks = ", ".join(["%s"] * len(columns))
                        cur.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", added)
        except DatabaseError:
            return None
        return copy.deepcopy(self.summary)


_DEMO_SNAPSHOT: dict[str, _DemoSnapshot | None] = {}
_TABLES: dict[str, tuple[list[tuple[str, str | None]], str]] = {}


@pytest.fixture
def immediate_queue():
    """Queue jobs (screening, evaluation) run inside the request, as with KECHUANG_HUEY=immediate; the queue is put
    back afterwards."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def login(page, username: str, password: str = "demo12345") -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Django's cache lives as long as the worker process, not the test: 我的待办's count (a minute per account id),
    rate-limit counters and the like. Each test starts with it empty, whatever ran before it on that worker."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests (browser and concurrency tests) end by emptying every table, reference data included
    (regions, chains, the indicator catalogue and the reference tables that data migrations load). Each of them gets
    that data back first, so the order in which the apps' tests run does not matter."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from indicators.catalogue import sync
        from indicators.models import Indicator
        from registry.models import IndustryChain, Region
        from registry.reference import load_reference

        if not Region.objects.exists():
            load_reference(Region, IndustryChain)
        if not Indicator.objects.exists():
            sync(Indicator, Region)
        from reference.models import MonthlyValue
        from reference.seed import seed_from_package

        seed_from_package(MonthlyValue)
    yield


def in_parallel(n: int, one: Callable[[int], str]) -> list[str]:
    """``n`` calls of ``one(i)`` on 25 threads, each on its own database connection (the shared PostgreSQL server
    allows 100 in all); a barrier starts the first 25 together. Returns what each call returned."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    barrier, lock, outcomes = threading.Barrier(min(n, 25)), threading.Lock(), []

    def run(i: int) -> None:
        try:
            if i < min(n, 25):
                barrier.wait(timeout=30)
            result = one(i)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=25) as executor:
        list(executor.map(run, range(n)))
    return outcomes
