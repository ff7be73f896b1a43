"""Documentation that must stay in step with the code."""

from __future__ import annotations

from bot.config import Settings
from tests.conftest import ROOT


def test_every_setting_is_in_the_configuration_reference() -> None:
    reference = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in reference]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "make run" in head and "make test" in head and "http://127.0.0.1:8080" in head
