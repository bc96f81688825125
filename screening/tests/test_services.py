import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from core.models import AuditEvent
from policy import services as engine
from registry.models import Organization, Qualification, Region
from screening import services
from screening.models import Notice, ScreeningResult, ScreeningRun, WhatIfAggregate
from screening.tests.conftest import A07, A07_FIRST, A07_RE, A_DOC

YEAR = 2024


@pytest.fixture
def city(demo_city):
    return demo_city


@pytest.fixture
def bureau(city):
    return User.objects.get(username="bureau")


def _certified(year: int) -> tuple[int, int]:
    """Enterprises first certified / re-certified as high-tech enterprises in ``year`` (A 第7条's facts)."""
    qs = Qualification.objects.filter(kind="high_tech_enterprise", valid_from__year=year,
                                      organization__kind="enterprise")
    first = qs.filter(certification="first_certification").values("organization").distinct().count()
    return first, qs.values("organization").distinct().count() - first


def _counting_evaluate_many(monkeypatch, before=None, fail_on: dict | None = None) -> list:
    """Wrap policy.services.evaluate_many: count its batches, run ``before`` first, raise fail_on[n] on call n."""
    calls: list = []
    real = engine.evaluate_many

    def wrapped(ids, year, overrides=None):
        n = len(calls)
        calls.append(list(ids))
        if fail_on and n in fail_on:
            raise fail_on.pop(n)
        if before:
            before()
        return real(ids, year, overrides)

    monkeypatch.setattr(engine, "evaluate_many", wrapped)
    return calls


def test_screening_run_whole_city(bureau):
    run = services.start_run(bureau, year=YEAR)
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE
    assert run.processed == run.total == Organization.objects.count()
    first, re = _certified(YEAR)
    assert first > 0 and re > 0
    t = services.totals(run)
    by_id = {r["provision_id"]: r for r in t.by_provision}
    # A 第7条: 20 万元 per first certification, 10 万元 per re-certification in the year.
    assert by_id[A07]["entities"] == first + re
    assert by_id[A07]["amount"] == Decimal(A07_FIRST * first + A07_RE * re)
    assert (by_id[A07]["document"], by_id[A07]["article"], by_id[A07]["is_ceiling"]) == (A_DOC, "第7条", False)
    assert t.entitlement == sum(r["amount"] for r in t.by_provision if not r["is_ceiling"])
    assert t.ceiling == sum(r["amount"] for r in t.by_provision if r["is_ceiling"])
    assert sum(r["entitlement"] + r["ceiling"] for r in t.by_region) == t.entitlement + t.ceiling
    assert t.near_entities > 0
    assert AuditEvent.objects.filter(action="screening.screening_started").count() == 1


def test_totals_kept_with_the_batches_equal_those_counted_from_the_results(bureau):
    """The run page's totals come from RunTotal rows written per batch (small batches here: several of them, and
    the rerun clears and writes them again); they equal the totals counted from every result row."""
    from screening.models import RunTotal

    run = services.start_run(bureau, year=YEAR, enqueue=False)
    services.execute_run(run.pk, batch_size=40)
    run.refresh_from_db()
    assert run.batches_done > 3 and run.totals_kept
    kept, counted = services.totals(run), services.counted_totals(run)
    assert kept == counted and kept.entities > 0 and kept.near_entities > 0 and kept.by_region
    assert RunTotal.objects.filter(run=run).values("batch_no").distinct().count() > 3
    services.execute_run(run.pk, batch_size=40)  # a second delivery adds nothing
    services.rerun(bureau, run)
    run.refresh_from_db()
    assert services.totals(run) == counted
    old = services.start_run(bureau, year=YEAR, enqueue=False)
    ScreeningRun.objects.filter(pk=old.pk).update(totals_kept=False)  # a run made before totals were kept
    services.execute_run(old.pk)
    old.refresh_from_db()
    assert not RunTotal.objects.filter(run=old).exists() and services.totals(old) == counted


def test_rerun_and_double_execution_never_duplicate(bureau):
    run = services.start_run(bureau, year=YEAR)
    n = ScreeningResult.objects.filter(run=run).count()
    assert n > 0
    services.execute_run(run.pk)  # a second delivery of the same queue message: the run is already done
    assert ScreeningResult.objects.filter(run=run).count() == n
    run.refresh_from_db()
    services.rerun(bureau, run)
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE
    assert ScreeningResult.objects.filter(run=run).count() == n


def test_resume_after_worker_death(bureau, monkeypatch):
    clean = services.start_run(bureau, year=YEAR)
    expected = set(ScreeningResult.objects.filter(run=clean).values_list("organization_id", "provision_id", "amount"))
    run = services.start_run(bureau, year=YEAR, enqueue=False)
    _counting_evaluate_many(monkeypatch, fail_on={2: SystemExit("worker killed")})
    with pytest.raises(SystemExit):
        services.execute_run(run.pk, batch_size=50)
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.RUNNING and run.processed == 100 and run.cursor > 0
    # Not yet stale: another worker must not take it over.
    assert services.resume_interrupted() == []
    ScreeningRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    assert services.resume_interrupted() == [run.pk]  # immediate queue in tests: it runs now
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE and run.processed == run.total and run.attempts == 2
    got = set(ScreeningResult.objects.filter(run=run).values_list("organization_id", "provision_id", "amount"))
    assert got == expected


def test_batches_lost_by_the_queue_are_queued_again_by_resume(bureau):
    """The run was split and its batches queued, then the queue lost them (Redis restarted empty): ``screening_run
    --resume`` queues the unfinished ones again and the run finishes with the results of a clean run."""
    from django.core.management import call_command

    clean = services.start_run(bureau, year=YEAR)
    run = services.start_run(bureau, year=YEAR, enqueue=False)
    assert services._claim(run.pk)
    services.plan_batches(run.pk, batch_size=50)
    assert services.execute_batch(run.pk, 0)
    ScreeningRun.objects.filter(pk=run.pk).update(dispatched=True)  # the other batches' messages are gone
    out = io.StringIO()
    call_command("screening_run", "--resume", stdout=out)  # immediate queue in tests: they run now
    assert str(run.pk) in out.getvalue()
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE and run.processed == run.total
    columns = ("organization_id", "provision_id", "seq", "amount")
    assert sorted(ScreeningResult.objects.filter(run=run).values_list(*columns)) == sorted(
        ScreeningResult.objects.filter(run=clean).values_list(*columns))


def test_a_batch_whose_message_was_lost_is_queued_again_once_the_run_stalls(bureau):
    """A worker killed after taking a batch's message from the queue but before taking the batch: the batch stays
    queued with no message. Once no worker is on the run and it made no progress for STALE_AFTER, the watchdog queues
    again the batches the queue no longer holds (immediate queue here: they run at once)."""
    run = services.start_run(bureau, year=YEAR, enqueue=False)
    assert services._claim(run.pk)
    services.plan_batches(run.pk, batch_size=50)
    assert services.execute_batch(run.pk, 0)
    ScreeningRun.objects.filter(pk=run.pk).update(dispatched=True)
    assert services.resume_interrupted() == []  # progress a moment ago: the batches may be waiting their turn
    ScreeningRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    assert services.resume_interrupted() == [run.pk]
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE and run.processed == run.total


def test_cancel_between_batches(bureau, monkeypatch):
    run = services.start_run(bureau, year=YEAR, enqueue=False)
    _counting_evaluate_many(monkeypatch, before=lambda: ScreeningRun.objects.filter(pk=run.pk).update(
        cancel_requested=True))
    services.execute_run(run.pk, batch_size=50)
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.CANCELLED
    assert run.processed == 50 < run.total


def test_cancel_queued_run_is_audited(bureau):
    run = services.start_run(bureau, year=YEAR, enqueue=False)
    services.cancel_run(bureau, run)
    assert run.status == ScreeningRun.Status.CANCELLED
    assert services.execute_run(run.pk).processed == 0
    assert AuditEvent.objects.filter(action="screening.run_cancelled", object_id=str(run.pk)).exists()
    with pytest.raises(services.ScreeningInputError):
        services.cancel_run(bureau, run)


def test_empty_selection_is_refused(bureau):
    empty = Region.objects.create(code="X-EMPTY", name="空区", kind=Region.Kind.ZONE)
    with pytest.raises(services.ScreeningInputError, match="所选范围内没有主体"):
        services.start_run(bureau, year=YEAR, scope=ScreeningRun.Scope.REGION, region=empty)
    with pytest.raises(services.ScreeningInputError, match="所选范围内没有主体"):
        services.start_run(bureau, year=YEAR, scope=ScreeningRun.Scope.LIST, organization_ids=[99999999])
    assert not ScreeningRun.objects.exists()


def test_scopes_and_district_limits(bureau):
    gaoqu = Region.objects.get(code="Z-GAOQU")
    region_run = services.start_run(bureau, year=YEAR, scope=ScreeningRun.Scope.REGION, region=gaoqu)
    assert region_run.total == Organization.objects.filter(region=gaoqu).count()
    ids = list(Organization.objects.values_list("id", flat=True)[:7])
    run = services.start_run(bureau, year=YEAR, scope=ScreeningRun.Scope.LIST, organization_ids=ids)
    assert run.total == 7
    district = User.objects.get(username="district")
    with pytest.raises(services.ScreeningInputError, match="本区市"):
        services.start_run(district, year=YEAR)
    own = services.start_run(district, year=YEAR, scope=ScreeningRun.Scope.REGION, region=gaoqu)
    assert set(services.visible_runs(district)) == {own, region_run}
    assert services.visible_runs(district).filter(scope=ScreeningRun.Scope.ALL).count() == 0
    with pytest.raises(services.ScreeningInputError, match="年度"):
        services.start_run(bureau, year="20x4")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"a.art_07.hte_first": "-1"}, "不能小于"),
        ({"a.art_07.hte_first": "20000000"}, "不能大于"),
        ({"no.such.parameter": "1"}, "未知参数"),
        ({"a.art_07.hte_first": "abc"}, "不是数字"),
        ({}, "至少选择"),
    ],
)
def test_whatif_refuses_out_of_domain(bureau, overrides, message):
    with pytest.raises(services.ScreeningInputError, match=message):
        services.start_run(bureau, year=YEAR, kind=ScreeningRun.Kind.WHATIF, overrides=overrides)


def test_whatif_compares_current_and_changed(bureau):
    """A 第7条 first certification 20 → 25 万元: the cost grows by 5 万元 per enterprise first certified."""
    first, re = _certified(YEAR)
    screening = services.start_run(bureau, year=YEAR)
    run = services.start_run(bureau, year=YEAR, kind=ScreeningRun.Kind.WHATIF,
                             overrides={"a.art_07.hte_first": "250000"})
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE
    cmp = services.whatif_comparison(run)
    assert cmp.delta_amount == Decimal(50000) * first
    t = services.totals(screening)
    assert cmp.base_amount == t.entitlement + t.ceiling  # the what-if's current rules are the screening's
    assert cmp.delta_beneficiaries == 0
    row = next(c for c in cmp.by_provision if c["provision_id"] == A07)
    assert row["base_n"] == row["changed_n"] == first + re
    assert row["changed_amount"] - row["base_amount"] == Decimal(50000) * first
    assert sum(c["delta_amount"] for c in cmp.by_region) == cmp.delta_amount
    # Re-running replaces the aggregates instead of adding to them.
    n = WhatIfAggregate.objects.filter(run=run).count()
    services.rerun(bureau, run)
    assert WhatIfAggregate.objects.filter(run=run).count() == n
    assert services.whatif_comparison(run).delta_amount == cmp.delta_amount


def test_whatif_zero_reward_removes_beneficiaries(bureau):
    run = services.start_run(bureau, year=YEAR, kind=ScreeningRun.Kind.WHATIF, overrides={"a.art_07.hte_first": "0"})
    cmp = services.whatif_comparison(run)
    first, _ = _certified(YEAR)
    assert cmp.delta_amount == -Decimal(A07_FIRST) * first


def test_notices_once_per_run_and_export(bureau):
    run = services.start_run(bureau, year=YEAR)
    run.refresh_from_db()
    entities = services.totals(run).entities
    assert services.send_notices(bureau, run) == entities
    assert services.send_notices(bureau, run) == 0
    assert Notice.objects.filter(run=run).count() == entities
    notice = Notice.objects.filter(run=run).first()
    assert "威政发〔" in notice.body and "第" in notice.body and "说明" in notice.body
    wb = load_workbook(io.BytesIO(services.export_excel(run)))
    assert wb.sheetnames == ["按条款汇总", "按区市汇总", "主体明细"]
    assert wb["主体明细"].max_row == ScreeningResult.objects.filter(run=run).count() + 1


def test_export_is_readable_numbers_titles_frozen_header(bureau):
    """Issue 13: amounts are numbers with a number format; provisions by Chinese title, never by code."""
    run = services.start_run(bureau, year=YEAR)
    wb = load_workbook(io.BytesIO(services.export_excel(run)))
    ws = wb["按条款汇总"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width >= 30
    top = services.totals(run).by_provision[0]
    assert ws.cell(1, 1).value == "政策条款" and ws.cell(2, 1).value == top["title"]
    assert (ws.cell(2, 2).value, ws.cell(2, 3).value) == (top["document"], top["article"])
    amount = ws.cell(2, 6)
    assert amount.value == float(top["amount"]) > 0 and "#,##0.00" in amount.number_format
    codes = [c.value for row in wb["主体明细"].iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in codes if v.startswith(("A.", "B.")) and v[2:4].isdigit()]


def test_district_whatif_covers_its_region(city):
    district = User.objects.get(username="district")
    gaoqu = Region.objects.get(code="Z-GAOQU")
    run = services.start_run(district, year=YEAR, kind=ScreeningRun.Kind.WHATIF, scope=ScreeningRun.Scope.REGION,
                             region=gaoqu, overrides={"b.art_01.provincial_platform": "600000"})
    assert run.status == ScreeningRun.Status.DONE and run.total == Organization.objects.filter(region=gaoqu).count()
    assert {r["region"] for r in services.whatif_comparison(run).by_region} <= {gaoqu.name}


def test_copy_lines_are_the_copy_text_of_the_result_rows(city):
    """The worker's COPY text (made straight from the results) is byte for byte the COPY text of the result rows,
    escapes included: a tab, a new line, a backslash and a quote in a sentence or in what is missing."""
    from policy.explain import ProvisionResult

    run = ScreeningRun(pk=7, year=YEAR)
    ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    evaluated = list(engine.evaluate_many(ids, YEAR))
    odd = ProvisionResult("X.1", "标题\t一", "文\\号", "第1条", "one_time", True, Decimal("12.50"), "near",
                          "说明\n第二行", missing='缺少"金额"')
    listed = ProvisionResult("X.2", "标题", "文号", "第2条", "ceiling", False, Decimal("0.00"), "near", "x",
                             missing=["甲", "乙\\丙"])
    evaluated.append((ids[0], [odd, listed]))
    regions = dict(Organization.objects.values_list("id", "region_id"))
    rows = [row for org_id, results in evaluated
            for row in services._result_rows(run, org_id, regions.get(org_id) or 0, results)]
    assert len(rows) > 100
    assert services._copy_lines(run.pk, evaluated, regions) == _copy_text(rows)


def _copy_text(rows: list[tuple]) -> bytes:
    """Result rows (services.RESULT_COLUMNS) in PostgreSQL's COPY text format, field by field."""
    import json

    def escape(value: object) -> str:
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    lines = []
    for row in rows:
        *text, is_ceiling, amount, status, explanation, missing = row
        fields = [escape(v) for v in text] + ["t" if is_ceiling else "f", str(Decimal(amount)), escape(status),
                                               escape(explanation),
                                               escape(json.dumps(missing, ensure_ascii=False)) if missing else "[]"]
        lines.append("\t".join(fields) + "\n")
    return "".join(lines).encode("utf-8")


def test_batches_taken_by_any_worker_in_any_order_give_the_results_of_one_process(bureau):
    """A run split into batches (id ranges) that workers take in any order, each delivered twice, and the last taken
    over from a worker that looked dead after it had written: the results, totals and progress are those of the run
    computed in one process, each batch written once, and the run finishes exactly once (with its last batch)."""
    from screening.models import RunBatch, RunTotal

    one = services.execute_run(services.start_run(bureau, year=YEAR, enqueue=False).pk, batch_size=40)
    run = services.start_run(bureau, year=YEAR, enqueue=False)
    assert services._claim(run.pk)
    services.plan_batches(run.pk, batch_size=40)
    run.refresh_from_db()
    batches = list(RunBatch.objects.filter(run=run).order_by("batch_no"))
    assert run.batches_total == len(batches) == one.batches_total > 3
    assert [b.after_id for b in batches[1:]] == [b.last_id for b in batches[:-1]]
    order = [b.batch_no for b in reversed(batches)]
    for n in order[:-1]:
        assert services.execute_batch(run.pk, n)
        assert not services.execute_batch(run.pk, n)  # delivered twice: nothing more
        run.refresh_from_db()
        assert run.status == ScreeningRun.Status.RUNNING
    # Worker A computes the last batch but stalls; its heartbeat stops, worker B takes the batch over and lands it.
    last = RunBatch.objects.get(run=run, batch_no=order[-1])
    stalled = services._compute_batch(run, None, last.batch_no, services._batch_members(run, last))
    assert services.execute_batch(run.pk, order[-1])
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE
    with django_assert_no_new_rows(run):  # A wakes up and writes: nothing is added, the run finished once
        assert services._commit_batch(run, stalled, last) is False
        assert not services.execute_batch(run.pk, order[-1])  # and a second delivery is not even taken
    assert ScreeningRun.objects.get(pk=run.pk).finished_at == run.finished_at
    run.refresh_from_db()
    assert (run.processed, run.batches_done) == (one.processed, one.batches_done) == (run.total, run.batches_total)
    columns = ("organization_id", "provision_id", "seq", "amount", "status", "explanation", "missing")
    a, b = ([tuple(r) for r in ScreeningResult.objects.filter(run=r).order_by(*columns).values_list(*columns)]
            for r in (one, run))
    assert len(a) > 100 and a == b
    assert services.totals(run) == services.totals(one) == services.counted_totals(run)
    kept = ("batch_no", "kind", "provision_id", "region_id_snapshot", "is_ceiling", "entities", "items", "amount")
    assert (sorted(RunTotal.objects.filter(run=run).values_list(*kept))
            == sorted(RunTotal.objects.filter(run=one).values_list(*kept)))


def test_a_batch_computed_before_a_rerun_is_not_written_into_it(bureau):
    """A worker still computing a batch of a cancelled run that staff then run again: its late write finds the
    batch row gone (the rerun planned new ones) and adds nothing to the new results."""
    from screening.models import RunBatch

    run = services.start_run(bureau, year=YEAR, enqueue=False)
    assert services._claim(run.pk)
    services.plan_batches(run.pk, batch_size=50)
    first = RunBatch.objects.get(run=run, batch_no=0)
    late = services._compute_batch(run, None, 0, services._batch_members(run, first))
    ScreeningRun.objects.filter(pk=run.pk).update(status=ScreeningRun.Status.CANCELLED)
    run.refresh_from_db()
    services.rerun(bureau, run)  # immediate queue: computed again to the end
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE
    with django_assert_no_new_rows(run):
        assert services._commit_batch(run, late, first) is False


class django_assert_no_new_rows:  # noqa: N801 - reads as a statement in the test
    """Counts a run's result and total rows and its progress before and after the block: none may change."""

    def __init__(self, run: ScreeningRun) -> None:
        self.run = run

    def _state(self) -> tuple:
        from screening.models import RunTotal

        r = ScreeningRun.objects.get(pk=self.run.pk)
        return (ScreeningResult.objects.filter(run=r).count(), RunTotal.objects.filter(run=r).count(), r.processed,
                r.batches_done, r.status, r.finished_at)

    def __enter__(self) -> None:
        self.before = self._state()

    def __exit__(self, *exc: object) -> None:
        assert self._state() == self.before

