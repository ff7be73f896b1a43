"""The dependency rule: bot → handlers → {knowledge, storage}; transports and SQLAlchemy stay in their corners."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"bot", "handlers", "knowledge", "storage"}
ALLOWED_PROJECT_IMPORTS = {
    "bot": {"bot", "handlers", "knowledge", "storage"},
    "handlers": {"handlers", "knowledge", "storage"},
    "knowledge": {"knowledge"},
    "storage": {"storage"},
}
TRANSPORTS = {"telegram", "httpx", "starlette", "uvicorn", "fastapi", "aiohttp", "aiogram"}


def imported_roots(path: Path) -> set[str]:
    """Top-level module names a file imports (absolute imports only; we use no relative ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            roots.add((node.module or "").split(".")[0])
    return roots


def violations(root: Path) -> list[str]:
    found = []
    for package, allowed in ALLOWED_PROJECT_IMPORTS.items():
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            roots = imported_roots(path)
            for bad in sorted((roots & PROJECT) - allowed):
                found.append(f"{rel} imports {bad}")
            in_channels = rel.startswith("bot/channels/")
            for transport in sorted(roots & TRANSPORTS):
                if not in_channels:
                    found.append(f"{rel} imports transport {transport}")
            if "sqlalchemy" in roots and package != "storage":
                found.append(f"{rel} imports sqlalchemy")
            if "alembic" in roots and package != "storage":
                found.append(f"{rel} imports alembic")
    return found


def test_project_follows_the_dependency_rule() -> None:
    assert violations(ROOT) == []


@pytest.mark.parametrize(
    ("file", "source", "expected"),
    [
        ("knowledge/x.py", "import handlers.engine\n", "knowledge/x.py imports handlers"),
        ("handlers/x.py", "from bot.app import App\n", "handlers/x.py imports bot"),
        ("handlers/x.py", "import sqlalchemy\n", "handlers/x.py imports sqlalchemy"),
        ("storage/x.py", "from knowledge import matching\n", "storage/x.py imports knowledge"),
        ("bot/app.py", "import telegram\n", "bot/app.py imports transport telegram"),
        ("handlers/x.py", "import httpx\n", "handlers/x.py imports transport httpx"),
    ],
)
def test_rule_catches_a_wrong_import(tmp_path: Path, file: str, source: str, expected: str) -> None:
    for package in ALLOWED_PROJECT_IMPORTS:
        (tmp_path / package).mkdir()
    (tmp_path / file).write_text(source, encoding="utf-8")
    assert violations(tmp_path) == [expected]


def test_channels_may_import_transports(tmp_path: Path) -> None:
    for package in ALLOWED_PROJECT_IMPORTS:
        (tmp_path / package).mkdir()
    (tmp_path / "bot" / "channels").mkdir()
    (tmp_path / "bot" / "channels" / "web.py").write_text("import starlette\nimport httpx\n", encoding="utf-8")
    assert violations(tmp_path) == []
