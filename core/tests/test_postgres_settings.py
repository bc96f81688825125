"""The PostgreSQL session settings the platform relies on."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")]


def test_every_connection_has_the_jit_compiler_off():
    """A screening batch's reads (10,000 ids in an array) are costed above the JIT threshold at 10M organisations and
    spent far longer compiling than reading (kechuang/settings.py)."""
    with connection.cursor() as cur:
        cur.execute("SHOW jit")
        assert cur.fetchone()[0] == "off"
