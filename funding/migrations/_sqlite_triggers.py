"""The SQLite twins of the PostgreSQL ledger triggers (used by migration 0002 and by the tests' cleanup)."""

CREATE = [
    "CREATE TRIGGER IF NOT EXISTS funding_ledger_no_update BEFORE UPDATE ON funding_ledgerentry "
    "BEGIN SELECT RAISE(ABORT, '资金台账只能追加：分录不能修改，请用冲销分录更正'); END;",
    "CREATE TRIGGER IF NOT EXISTS funding_ledger_no_delete BEFORE DELETE ON funding_ledgerentry "
    "BEGIN SELECT RAISE(ABORT, '资金台账只能追加：分录不能删除，请用冲销分录更正'); END;",
]
DROP = ["DROP TRIGGER IF EXISTS funding_ledger_no_update;", "DROP TRIGGER IF EXISTS funding_ledger_no_delete;"]
