"""Command line: `python -m bot run|chat|match|validate`. The single composition root."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import admin_args

if TYPE_CHECKING:
    from bot.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    from bot.config import Settings

    settings = Settings()
    if getattr(args, "catalogue", None):
        settings = settings.model_copy(update={"catalogue_path": Path(args.catalogue)})
    return settings


async def _run(args: argparse.Namespace) -> int:
    from bot.app import build_app
    from bot.logs import configured_secrets, setup_logging
    from bot.runner import run

    settings = _settings(args)
    setup_logging(settings.log_level, configured_secrets(settings))
    app = await build_app(settings)
    try:
        print(f"Trợ lý Dịch vụ công: http://{settings.host}:{settings.port}", flush=True)
        await run(app)
    finally:
        await app.close()
    logging.getLogger("bot").info("stopped")
    return 0


async def _chat(args: argparse.Namespace) -> int:
    from bot.app import build_app
    from bot.channels.console import run_console
    from bot.logs import setup_logging

    settings = _settings(args)
    setup_logging("WARNING")
    app = await build_app(settings)
    try:
        await run_console(app, sys.stdin, sys.stdout)
    finally:
        await app.close()
    return 0


def _match(args: argparse.Namespace) -> int:
    from knowledge.catalogue import CatalogueError
    from knowledge.library import load_knowledge

    try:
        knowledge = load_knowledge(args.catalogue or "procedures.yaml")
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return 1
    questions = sys.stdin if args.jsonl or not args.query else [" ".join(args.query)]
    for line in questions:
        query = line.rstrip("\r\n")
        result = knowledge.match(query)
        record = {
            "query": query,
            "decision": result.decision.value,
            "candidates": [{"id": c.id, "score": c.score} for c in result.candidates],
        }
        print(json.dumps(record, ensure_ascii=False), flush=not args.jsonl)
    return 0


def _validate(args: argparse.Namespace) -> int:
    import datetime as dt

    from knowledge.catalogue import CatalogueError, load_catalogue
    from knowledge.lint import lint
    from knowledge.yamlsource import parse_yaml

    path = Path(args.path)
    try:
        catalogue = load_catalogue(path)
    except CatalogueError as exc:
        for problem in exc.problems:
            print(f"{problem} [lỗi]")
        print(f"{len(exc.problems)} lỗi (errors) trong {path}")
        return 1
    except FileNotFoundError:
        print(f"{path}: không tìm thấy tệp (file not found)")
        return 1
    _, root = parse_yaml(path.read_text(encoding="utf-8"), path)
    warnings = lint(catalogue, root, path, dt.date.today())
    for warning in warnings:
        print(f"{warning} [cảnh báo]")
    counts = f"{len(catalogue.procedures)} thủ tục, {len(catalogue.faqs)} câu hỏi thường gặp"
    print(f"{path}: hợp lệ (valid) — {counts}; {len(warnings)} cảnh báo (warnings)")
    return 1 if warnings and args.strict else 0


def _catalogue(args: argparse.Namespace) -> int:
    from knowledge.catalogue import CatalogueError, load_catalogue
    from knowledge.stats import catalogue_stats, format_stats

    try:
        catalogue = load_catalogue(Path(args.path))
    except CatalogueError as exc:
        print(exc)
        return 1
    print(format_stats(catalogue_stats(catalogue)))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý Dịch vụ công")
    sub = root.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the bot (web chat and configured channels)")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    for command in (run, chat):
        command.add_argument("--catalogue", help="catalogue file (default procedures.yaml)")
    match = sub.add_parser("match", help="match questions to answers")
    match.add_argument("query", nargs="*", help="a question (otherwise read lines from stdin)")
    match.add_argument("--jsonl", action="store_true", help="read questions from stdin, write JSON lines")
    match.add_argument("--catalogue", help="catalogue file (default procedures.yaml)")
    validate = sub.add_parser("validate", help="check a catalogue file")
    validate.add_argument("path", nargs="?", default="procedures.yaml")
    validate.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    catalogue = sub.add_parser("catalogue", help="catalogue tools")
    catalogue.add_argument("action", choices=["stats"])
    catalogue.add_argument("path", nargs="?", default="procedures.yaml")
    dossiers = sub.add_parser("dossiers", help="dossier registry tools")
    dossiers.add_argument("action", choices=["import"])
    dossiers.add_argument("path", help="CSV export: code, procedure_id, phone, applicant_name, status, …")
    dossiers.add_argument("--rejects", help="also write every rejected row (row, reason) to this CSV")
    admin_args.add_parsers(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "run":
        return asyncio.run(_run(args))
    if args.command == "chat":
        return asyncio.run(_chat(args))
    if args.command == "match":
        return _match(args)
    if args.command == "catalogue":
        return _catalogue(args)
    if args.command == "dossiers":
        from bot.dossier_import import cli

        return cli(args)
    if args.command in admin_args.COMMANDS:
        return admin_args.run(args)
    return _validate(args)


if __name__ == "__main__":
    sys.exit(main())
