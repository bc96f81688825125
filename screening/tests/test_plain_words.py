"""Issue 26 item 17: the screening pages, the catalogue and the engine's sentences use plain Chinese — no engine
jargon (本引擎未录入该资格, what-if, （B 生效前）)."""

from __future__ import annotations

from django.test import Client

from accounts.models import User

JARGON = ("本引擎", "what-if", "B 生效前")


def test_screening_index_and_catalogue_speak_plainly(db):
    from registry.models import IndustryChain, Region
    from registry.reference import load_reference

    load_reference(Region, IndustryChain)
    User.objects.create_user("staff", password="x", role="bureau")
    c = Client()
    c.login(username="staff", password="x")
    index = c.get("/screening/").content.decode()
    assert "政策测算（调整参数看资金变化）" in index
    catalogue = c.get("/policy/").content.decode()
    assert "2023年7月13日前获得" in catalogue
    for text in (index, catalogue):
        assert not [w for w in JARGON if w in text]


def test_b27_caveat_says_what_to_do():
    """B 第27条 (威政发〔2023〕5号): the note on “一企一技术” tells the enterprise whom to ask."""
    from policy import services
    from policy.tests.helpers import event, qual, situation

    sit = situation(quals=[qual("high_tech_enterprise", "2024-01-01")],
                    events=[event("financing", "2024-03-01", "tech_bank_loan", amount="10000000")])
    r = next(r for r in services.evaluate_situation(sit, "2024").results
             if r.provision_id == "B.27.tech_bank_loan_interest_ceiling")
    assert r.status == "applies" and any("请向市科技局核实" in c for c in r.caveats)
    assert not [w for w in JARGON for c in r.caveats if w in c]
