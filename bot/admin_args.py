"""Arguments of the staff commands `volunteers`, `poster` and `report`; their modules load only when run."""

from __future__ import annotations

import argparse
import datetime as dt

COMMANDS = ("volunteers", "poster", "report")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the staff commands on the main parser."""
    volunteers = sub.add_parser("volunteers", help="the volunteer registry (staff)")
    actions = volunteers.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="register a volunteer and print their links")
    add.add_argument("code", help="2–16 letters or digits, e.g. TN01")
    add.add_argument("--name", required=True)
    add.add_argument("--unit", required=True, help='e.g. "Đoàn phường Bến Nghé"')
    actions.add_parser("list", help="every volunteer with their status")
    for action in ("disable", "enable"):
        actions.add_parser(action, help=f"{action} a volunteer's links").add_argument("code")
    link = actions.add_parser("link", help="a one-time link that connects a chat account, for /thongke")
    link.add_argument("code")

    poster = sub.add_parser("poster", help="an A4 poster (PNG or PDF) with the volunteer's QR code")
    poster.add_argument("--volunteer", required=True, help="volunteer code")
    poster.add_argument("--procedure", help="procedure id (default: none, the bot opens on its menu)")
    poster.add_argument("--out", required=True, help="file.png or file.pdf")
    poster.add_argument("--catalogue", help="catalogue file (default procedures.yaml)")

    report = sub.add_parser("report", help="staff reports: unanswered questions, stuck steps, usage")
    report.add_argument("kind", choices=["unanswered", "stuck", "usage"])
    report.add_argument("--since", type=dt.date.fromisoformat, help="YYYY-MM-DD, Vietnamese day (default 7 days ago)")
    report.add_argument("--format", choices=["md", "csv"], default="md")
    report.add_argument("--limit", type=int, default=50, help="most rows per table")
    report.add_argument("--catalogue", help="catalogue file for titles (default procedures.yaml)")


def run(args: argparse.Namespace) -> int:
    """Run a staff command chosen by `add_parsers`."""
    if args.command == "report":
        from bot.report_cli import cli

        return cli(args)
    from bot.volunteer_cli import cli as volunteer_cli

    return volunteer_cli(args)
