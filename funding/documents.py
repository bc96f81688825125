"""Generated documents: 立项通知书/拨付通知 and the 公示 list as PDF (Chinese font embedded), Excel batches."""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import timezone

from core import xlsx
from core.formatting import masked
from core.xlsx import append_row
from funding.models import Claim, LedgerEntry
from funding.services import money
from indicators.reports import _font
from policy.jurisdiction import current


def _pdf(title: str, paragraphs: list[str], table: list[list[str]] | None = None,
         widths: list[float] | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = _font()
    head = ParagraphStyle("t", fontName=font, fontSize=16, leading=24, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=11, leading=18)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=11)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title, author=f"科创 · {current().platform_title}")
    story = [Paragraph(escape(title), head), Spacer(1, 6 * mm)]
    story += [Paragraph(escape(p), body) for p in paragraphs]
    if table:
        story.append(Spacer(1, 4 * mm))
        t = LongTable([[Paragraph(escape(str(x)), cell) for x in row] for row in table],
                      colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
        story.append(t)
    doc.build(story)
    return buf.getvalue()


STEP_WORDS = (("district_pass", "区市初审"), ("formal_pass", "形式审查"), ("review_done", "专家评审"),
              ("decide", "市科技局决定"), ("publicity_end", "公示"))


def steps_taken(claim: Claim) -> list[str]:
    """What actually happened to the claim, in order: a step is named only if its event is in the history (a fixed
    award skips 评审; a programme may skip 区市初审; 公示 is named once it has ended)."""
    done = set(claim.events.values_list("transition", flat=True))
    words = ["免申即享筛查、贵单位确认"] if claim.origin == Claim.Origin.PROACTIVE else []
    return words + [word for name, word in STEP_WORDS if name in done]


def notice_lines(claim: Claim) -> list[str]:
    """The notice's sentences (the PDF prints them)."""
    paid = claim.state == "paid"
    steps = steps_taken(claim)
    lines = [
        f"{claim.organization.name}（统一社会信用代码 {claim.organization.uscc or '—'}）：",
        f"{('经' + '、'.join(steps) + '，') if steps else ''}贵单位申报的“{claim.title}”"
        f"{('（' + claim.project_title + '）') if claim.project_title else ''}"
        f"获{claim.programme}支持，资助金额 {money(claim.decided_amount)} 元"
        f"{'' if 'publicity_end' in steps or claim.state != 'publicity' else '（正在公示，公示期满无异议后拨付）'}。",
        f"政策依据：{claim.citation}。预算科目：{claim.budget_line.name if claim.budget_line else '—'}"
        f"（{claim.budget_line.get_source_display() if claim.budget_line else ''}）。",
    ]
    if claim.state == "publicity" and claim.publicity_ends_on:
        lines[1] = lines[1].replace("（正在公示，", f"（正在公示至 {claim.publicity_ends_on:%Y年%m月%d日}，")
    if paid:
        pay = claim.entries.filter(kind=LedgerEntry.Kind.PAYMENT, reversed_by__isnull=True).first()
        if pay:
            lines.append(f"资金已于 {timezone.localtime(pay.created_at):%Y年%m月%d日} 拨付至贵单位账户 "
                         f"{masked(claim.bank_account)}。")  # a notice anyone of the payee may forward
    lines.append(f"{current().authority}　{timezone.localdate():%Y年%m月%d日}")
    return lines


def claim_notice_pdf(claim: Claim) -> bytes:
    """立项通知书 (decided) or 资金拨付通知 (paid)."""
    return _pdf("资金拨付通知" if claim.state == "paid" else "立项（资助）通知书", notice_lines(claim))


def publicity_pdf(claims: Iterable[Claim]) -> bytes:
    rows = [["序号", "单位", "事项", "政策依据", "拟资助金额(元)", "公示截止"]]
    for i, c in enumerate(claims, 1):
        rows.append([str(i), c.organization.name, c.title, c.citation, money(c.decided_amount),
                     f"{c.publicity_ends_on:%Y-%m-%d}" if c.publicity_ends_on else ""])
    return _pdf("科技创新专项资金拟支持项目公示", [
        "以下事项经审核、评审拟予支持，现予公示。公示期内对公示内容有异议的，可通过平台公示页面提出（请写明姓名和联系方式）。"],
        rows, [10, 40, 45, 32, 25, 22])


def _workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    wb = xlsx.workbook()
    ws = wb.create_sheet(title)
    xlsx.header(ws, headers, [max(12, len(h) * 2 + 4) for h in headers])
    for row in rows:
        append_row(ws, row)
    return xlsx.save(wb)


LOCAL_TIME = "北京时间"  # settings.TIME_ZONE, Asia/Shanghai: every time an export writes is local and says so
PAYMENT_HEADERS = ["序号", "收款单位", "统一社会信用代码", "开户银行", "银行账号", "金额(元)", "预算科目", "资金来源",
                   "政策依据", "申报编号", "付款参考号", "结果", "说明"]


def payment_batch_xlsx(claims: Iterable[Claim], full_accounts: bool = True) -> bytes:
    """A batch of payments to make (待拨付), one row per payee, in the layout a finance office loads. 付款参考号 is
    the key the payment will carry; the bank (or finance) fills 结果 (成功/失败/退票) and the same file imports
    back as the bank return (funding.bank)."""
    from funding.bank import reissue_key

    rows = []
    for i, c in enumerate(claims, 1):
        line = c.budget_line
        account = c.bank_account if full_accounts else masked(c.bank_account)  # 个人信息: full for finance only
        rows.append([i, c.organization.name, c.organization.uscc or "", c.bank_name, account,
                     float(c.decided_amount or 0), line.name if line else "",
                     line.get_source_display() if line else "", c.citation, c.pk, reissue_key(c), "", ""])
    return _workbook("拨付批次", PAYMENT_HEADERS, rows)


LEDGER_HEADERS = ["分录号", f"记账时间（{LOCAL_TIME}）", "类型", "专项", "预算科目", "收款单位", "统一社会信用代码",
                  "金额(元)", "政策依据", "决定", "冲销分录", "摘要"]


def ledger_xlsx(entries: Iterable[LedgerEntry]) -> bytes:
    rows = [[e.pk, timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"), e.get_kind_display(),
             str(e.budget_line.programme), e.budget_line.name, e.organization.name, e.organization.uscc or "",
             float(e.amount), f"{e.document} {e.article}", e.decision, e.reverses_id or "", e.memo] for e in entries]
    return _workbook("资金台账", LEDGER_HEADERS, rows)
