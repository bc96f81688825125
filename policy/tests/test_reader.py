"""Coverage from the text itself (issue 27, item 8): the reader finds the sentences of the documents that state money,
and the coverage report accounts for each of them — encoded by a provision, catalogued with a reason, or unaccounted."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from policy import coverage, reader

FIXTURE = Path(__file__).resolve().parent / "data" / "money_sentences.yaml"
#: The reader's measured figures on the five documents against the hand-marked fixture (see the closing note): any
#: change of the rules or of the fixture that lowers recall or raises false positives fails here.
MIN_RECALL = 0.95
MAX_FALSE_POSITIVES = 7


def _hand_marked() -> dict[str, list[str]]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def _texts() -> dict[str, reader.DocumentText]:
    numbered = {"A": True, "B": True}
    return {d.key: d for d in reader.read_folder(Path(settings.POLICY_DIR), numbered)}


def _measure() -> dict[str, dict[str, int]]:
    texts, marked = _texts(), _hand_marked()
    out = {}
    for key, quotes in marked.items():
        sentences = texts[key].sentences
        hand = set()
        for quote in quotes:
            hits = [s.n for s in sentences if reader.normalise(quote) in s.text]
            assert len(hits) == 1, (key, quote, hits)
            hand.add(hits[0])
        found = {s.n for s in sentences if s.is_money}
        out[key] = {"marked": len(hand), "found": len(found), "hits": len(hand & found),
                    "missed": len(hand - found), "false_positives": len(found - hand)}
    return out


def test_the_reader_finds_the_hand_marked_money_sentences():
    """Recall and false positives of the reader against the sentences a person marked in the five documents."""
    figures = _measure()
    assert set(figures) == {"A", "B", "C", "D", "E"}
    marked = sum(f["marked"] for f in figures.values())
    hits = sum(f["hits"] for f in figures.values())
    false_positives = sum(f["false_positives"] for f in figures.values())
    assert marked == 90  # A 31, B 44, D 15; C and E grant no money of their own
    assert hits / marked >= MIN_RECALL, figures
    assert false_positives <= MAX_FALSE_POSITIVES, figures


def test_sentence_cues():
    assert reader.money_cues("对获得国家级孵化器的，给予不超过100万元奖励。") == ("amount", "cap", "verb")
    assert reader.money_cues("按照省拨资金1:1配套。") == ("matching",)
    assert "rate" in reader.money_cues("按照实际发生费用的50%给予企业补助")
    # a target's share is no money; nor a promise without a figure
    assert reader.money_cues("规模以上工业企业有研发活动的比例达到75%左右") == ()
    assert reader.money_cues("对新认定的平台，市级择优给予资金扶持。") == ()
    assert reader.money_cues("元器件企业") == ()


def test_sentences_follow_articles_and_ignore_pdf_breaks():
    text = "一、总则\n\n1.第一项。对认定为\n国家级的，给予\n\n— 3 —\n\n200 万元奖励；其余\n择优支持。\n2.第二项。\n"
    got = reader.read_text("Z", text, numbered_as_articles=True)
    assert [s.text for s in got if s.is_money] == ["对认定为国家级的，给予200万元奖励；"]
    assert {s.article for s in got if s.is_money} == {"第1条"}
    assert got[-1].article == "第2条" and got[-1].ref == f"Z-{len(got)}"


def test_the_five_documents_have_no_unaccounted_money_sentence():
    report = coverage.text_report()
    assert report["problems"] == []  # every declared quote names exactly one sentence of its text
    by_key = {d["key"]: d for d in report["documents"]}
    assert set(by_key) == {"A", "B", "C", "D", "E"}
    assert all(d["unaccounted"] == 0 for d in by_key.values()), [
        (d["key"], s["ref"], s["text"]) for d in by_key.values() for s in d["sentences"] if s["state"] == "unaccounted"]
    counts = {k: (d["found"], d["encoded"], d["catalogued"]) for k, d in by_key.items()}
    assert counts == {"A": (33, 28, 5), "B": (45, 39, 6), "C": (3, 0, 3), "D": (15, 14, 1), "E": (1, 0, 1)}
    # 威政发〔2023〕5号 第14条: the buyer's subsidy sentence stands beside the provision that computes it
    b14 = next(s for s in by_key["B"]["sentences"] if "按不超过支付金额的5%给予购买方补助" in s["text"])
    assert b14["state"] == "encoded" and b14["provisions"] == ["B.14.contract_subsidy"] and b14["article"] == "第14条"
    # 第14条's training fund is catalogued with the reason it is not computed
    fund = next(s for s in by_key["B"]["sentences"] if "技术转移人才培训资金" in s["text"])
    assert fund["state"] == "catalogued" and "资金池总额" in fund["rows"][0]["reason"]


def test_a_new_document_dropped_into_the_folder_shows_what_is_not_yet_code(tmp_path, settings):
    for path in Path(settings.POLICY_DIR).glob("B_*.txt"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "F_2026-01-01_new.txt").write_text(
        "关于支持专利的若干措施\n\n1.专利奖励。对新获发明专利授权的企业，每件给予\n1万元奖励，每家每年最高\n\n"
        "10万元。\n2.其他。加强宣传。\n", encoding="utf-8")
    settings.POLICY_DIR = tmp_path
    report = coverage.text_report()
    by_key = {d["key"]: d for d in report["documents"]}
    assert set(by_key) == {"B", "F"}
    assert by_key["B"]["unaccounted"] == 0
    new = by_key["F"]
    assert not new["declared"] and new["found"] == 1 and new["unaccounted"] == 1
    assert new["sentences"][0]["text"] == "对新获发明专利授权的企业，每件给予1万元奖励，每家每年最高10万元。"
    assert new["sentences"][0]["article"] == "1" and new["sentences"][0]["cues"] == "金额、上限、给予"
    out = StringIO()
    call_command("policy_coverage", "--text", stdout=out)
    assert "F F_2026-01-01_new（未登记的文件）：读" in out.getvalue()
    assert "[未处理] F-" in out.getvalue() and "每件给予1万元奖励，每家每年最高10万元。" in out.getvalue()


def test_a_stale_quote_is_reported(monkeypatch):
    rows = {"B": [{"article": "第14条", "summary": "x", "status": "encoded", "provisions": ["B.14.contract_subsidy"],
                   "sentences": ["这句话不在原文里", "对"]}]}
    monkeypatch.setattr(coverage, "inventory", lambda: rows)
    problems = coverage.text_report()["problems"]
    assert [p["quote"] for p in problems] == ["这句话不在原文里", "对"]
    assert problems[0]["problem"] == "原文中找不到这句话" and "请引得更长些" in problems[1]["problem"]


@pytest.mark.django_db
def test_coverage_page_and_api_list_the_sentences(client):
    from accounts.models import User

    client.force_login(User.objects.create_user("cov_bureau", password="x", role="bureau"))
    page = client.get("/policy/coverage/").content.decode()
    assert "原文逐句核对" in page and "找到 97 句" in page and "未处理 0" in page
    row = page[page.index("对我市科技型企业与高校院所在威开展的技术转移转化"):]
    assert row.index("技术合同购买方补助") < row.index("</tr>")  # the provision beside its sentence
    data = client.get("/api/policy/coverage/").json()
    assert data["text"]["summary"]["unaccounted"] == 0 and data["text"]["summary"]["found"] == 97
