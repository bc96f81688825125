"""A screening run's details for download: Excel (openpyxl write-only) and CSV of any size."""

from __future__ import annotations

from collections.abc import Iterator

from registry.models import Organization, Region
from screening.models import ScreeningResult, ScreeningRun
from screening.services.aggregation import _region_names, totals

#: Excel's last row less the header: a run with more result rows than this exports its details as CSV.
EXCEL_DETAIL_ROWS = 1_048_575
DETAIL_TITLES = ["主体名称", "统一社会信用代码", "区市", "结论", "政策条款", "文件", "条款", "形式", "金额（元）", "说明",
                 "尚缺条件"]


def export_detail_rows(run: ScreeningRun, limit: int | None = None) -> Iterator[list]:
    """One row per entity and provision, in the export's order and wording (plain values, read as tuples)."""
    names = _region_names(run.results.values_list("region_id_snapshot", flat=True).distinct())
    statuses = dict(ScreeningResult.Status.choices)
    qs = (run.results.order_by("organization_id", "status", "provision_id")
          .values_list("organization__name", "organization__uscc", "region_id_snapshot", "status", "title",
                       "document", "article", "is_ceiling", "amount", "explanation", "missing"))
    if limit is not None:
        qs = qs[:limit]
    for name, uscc, region, status, title, document, article, ceiling, amount, explanation, missing in (
            qs.iterator(chunk_size=5000)):
        yield [name, uscc or "", names.get(region, ""), statuses.get(status, status), title, document, article,
               "上限" if ceiling else "应享", float(amount),
               explanation, missing if isinstance(missing, str) else "；".join(missing or [])]


def export_excel(run: ScreeningRun) -> bytes:
    """An .xlsx workbook: totals by provision and region, then one row per entity and provision.

    Amounts are numbers in yuan with a number format, provisions are named by their Chinese titles and citations
    (never by codes), headers are frozen and columns sized. Written in openpyxl's write-only mode (rows stream to the
    file). Details beyond Excel's row limit are left to the CSV export, which the workbook says.
    """
    from core import xlsx
    from core.xlsx import Column

    wb = xlsx.workbook()
    t = totals(run)
    ws = wb.create_sheet("按条款汇总")
    xlsx.write_table(ws, [Column("政策条款", 40, wrap=True), Column("文件", 24), Column("条款", 10),
                          Column("形式", 8), Column("主体数（家）", 12, xlsx.INTEGER), Column("金额（元）", 18, xlsx.YUAN)],
                     ([row["title"], row["document"], row["article"], "上限" if row["is_ceiling"] else "应享",
                       row["entities"], float(row["amount"] or 0)] for row in t.by_provision))
    ws = wb.create_sheet("按区市汇总")
    xlsx.write_table(ws, [Column("区市", 26), Column("主体数（家）", 12, xlsx.INTEGER),
                          Column("应享金额（元）", 18, xlsx.YUAN), Column("上限金额（元）", 18, xlsx.YUAN)],
                     ([row["region"], row["entities"], float(row["entitlement"]), float(row["ceiling"])]
                      for row in t.by_region))
    ws = wb.create_sheet("主体明细")
    widths = [34, 22, 16, 10, 36, 22, 10, 8, 16, 60, 40]
    formats = {8: xlsx.YUAN}
    written = xlsx.write_table(ws, [
        Column(title, width, formats.get(i), wrap=i in (4, 9, 10))
        for i, (title, width) in enumerate(zip(DETAIL_TITLES, widths, strict=True))
    ], export_detail_rows(run, limit=EXCEL_DETAIL_ROWS))
    if written == EXCEL_DETAIL_ROWS and run.results.count() > written:
        note = wb.create_sheet("说明")
        note.append([f"明细超过 Excel 的行数上限，只列出前 {written:,} 行；全部明细请在筛查页面点击“导出 CSV”。"])
    return xlsx.save(wb)


def export_csv(run: ScreeningRun) -> Iterator[bytes]:
    """The run's details as UTF-8 CSV (with the byte-order mark that Excel needs to read Chinese), streamed in blocks
    of rows: any size of run, no row limit. Formula-like text gets a leading apostrophe (the Excel export's guard,
    CSV's way). On PostgreSQL the database writes the CSV itself (COPY … TO STDOUT), the same rows and wording."""
    import csv

    from django.db import connection

    from core.xlsx import csv_value

    class _Buffer(list):
        def write(self, text: str) -> None:
            self.append(text)

    buf = _Buffer()
    writer = csv.writer(buf)
    writer.writerow(DETAIL_TITLES)
    yield ("\ufeff" + "".join(buf)).encode("utf-8")
    buf.clear()
    if connection.vendor == "postgresql":
        yield from _copy_csv(run)
        return
    for k, row in enumerate(export_detail_rows(run), start=1):
        row[8] = f"{row[8]:.2f}"
        writer.writerow([csv_value(v) for v in row])
        if k % 5000 == 0:
            yield "".join(buf).encode("utf-8")
            buf.clear()
    if buf:
        yield "".join(buf).encode("utf-8")


def _copy_csv(run: ScreeningRun) -> Iterator[bytes]:
    """export_detail_rows as CSV, written by PostgreSQL (no header)."""
    from django.db import connection

    def guard(col: str) -> str:  # core.xlsx.csv_value in SQL
        return (f"CASE WHEN left({col}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {col} "
                f"ELSE {col} END")

    statuses = " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in ScreeningResult.Status.choices)
    missing = ("CASE jsonb_typeof(r.missing) WHEN 'array' THEN array_to_string(ARRAY(SELECT "
               "jsonb_array_elements_text(r.missing)), '；') WHEN 'string' THEN r.missing #>> '{}' ELSE '' END")
    uscc = "COALESCE(o.uscc, '')"
    sql = (
        f"SELECT {guard('o.name')}, {guard(uscc)}, COALESCE(g.name, ''), "
        f"CASE r.status {statuses} ELSE r.status END, {guard('r.title')}, {guard('r.document')}, "
        f"{guard('r.article')}, CASE WHEN r.is_ceiling THEN '上限' ELSE '应享' END, r.amount, "
        f"{guard('r.explanation')}, {guard(missing)} "
        f"FROM {ScreeningResult._meta.db_table} r JOIN {Organization._meta.db_table} o ON o.id = r.organization_id "
        f"LEFT JOIN {Region._meta.db_table} g ON g.id = r.region_id_snapshot "
        f"WHERE r.run_id = {int(run.pk)} ORDER BY r.organization_id, r.status, r.provision_id"
    )
    with connection.cursor() as cur, cur.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        pending: list[bytes] = []
        size = 0
        for block in copy:
            pending.append(bytes(block))
            size += len(block)
            if size >= 1 << 20:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)
