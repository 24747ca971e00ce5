"""Audit trail (collection, change, consultation, disclosure, erasure) and retention."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_advisor import Scene
from tests.support import run

pytestmark = pytest.mark.integration


@pytest.fixture
def scene(tmp_path: Path, mailstack: Any, db_url: str, hubs: list[dict[str, Any]]) -> Scene:
    scene = Scene(tmp_path, mailstack, db_url, hubs)
    scene.config.write_text(
        scene.config.read_text().replace("[service]\n", "[service]\nretention_days = 0\n", 1)
    )
    return scene


def _audit(scene: Scene) -> list[str]:
    code, out = run(scene.config, "audit", scene.ref)
    assert code == 0
    return out.splitlines()


def test_collection_disclosure_consultation_and_change_are_logged(scene):
    """A referral, its acknowledgement, `cases show` and an advisor's #close each leave an entry."""
    assert run(scene.config, "cases", "show", scene.ref)[0] == 0
    scene.advisor_reply("#close")
    lines = _audit(scene)
    actions = [line.split()[2] for line in lines]
    assert actions[:2] == ["collection", "disclosure"]
    assert "consultation" in actions and "change" in actions
    change = next(line for line in lines if " change " in line)
    assert f"advisor:{scene.advisor}" in change and "closed" in change


def test_retention_anonymises_closed_cases_and_keeps_statistics(scene):
    """`retention --dry-run` changes nothing; `retention` blanks personal data and logs an erasure."""
    scene.advisor_reply("#close")
    code, out = run(scene.config, "retention", "--dry-run")
    assert code == 0 and f"would anonymise {scene.ref}" in out
    assert scene.case()["referrer_email"] is not None
    code, out = run(scene.config, "retention")
    assert code == 0 and f"anonymised {scene.ref}" in out
    case = scene.case()
    assert case["referrer_email"] is None and case["referrer_name"] is None and case["phone"] is None
    assert case["status"] == "closed" and case["hub"] == "NOR"
    assert all(m["subject"] is None for m in case["messages"])
    erasure = [line for line in _audit(scene) if " erasure " in line]
    assert len(erasure) == 1 and scene.person not in erasure[0]
    assert run(scene.config, "retention")[1].strip().endswith("0 case(s) anonymised")
