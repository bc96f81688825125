"""scripts/backup.sh and scripts/restore.sh round-trip a small demo database on PostgreSQL (pg_dump/pg_restore);
the append-only triggers come back with it (issue 12)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="pg_dump/pg_restore need PostgreSQL"),
]
ROOT = Path(__file__).resolve().parents[2]
TABLES = ["registry_organization", "registry_annualfacts", "registry_qualification", "registry_changerecord",
          "core_auditevent", "accounts_user"]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_backup_and_restore_round_trip(tmp_path):
    from core.audit import record
    from registry.demo import generate

    generate(enterprises=60, seed=3)
    record(None, "test.backup", None, "备份前的审计记录")
    source = _url(connection.settings_dict["NAME"])
    before = _counts(source)
    assert before["registry_organization"] > 60 and before["core_auditevent"] > 0
    env = {**os.environ, "DATABASE_URL": source}
    dump = subprocess.run(["bash", "scripts/backup.sh", str(tmp_path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=True).stdout.strip().splitlines()[-1]
    assert Path(dump).stat().st_size > 10_000
    target_name = connection.settings_dict["NAME"] + "_restore"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        conn.execute(f'CREATE DATABASE "{target_name}"')
    try:
        target = _url(target_name)
        subprocess.run(["bash", "scripts/restore.sh", dump], cwd=ROOT, env={**env, "DATABASE_URL": target},
                       capture_output=True, text=True, timeout=300, check=True)
        assert _counts(target) == before
        with psycopg.connect(target) as conn, pytest.raises(psycopg.Error, match="Cannot update or delete"):
            conn.execute("UPDATE core_auditevent SET summary = 'x'")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
