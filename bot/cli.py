"""The command line: console, telegram, lint, graph, paths, schema, preview, translations, signoff."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.errors import ConfigError, ContentError
from bot.logs import set_verbosity, setup_logging
from bot.settings import Settings
from bot.storage.base import StoreError


class _Version(argparse.Action):
    """`--version`: the program's version and the fingerprint of the content it would run."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the program and content versions, then exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """`mamaflow 0.1.0, content 1a2b3c4d5e6f (/path/to/flows, /path/to/locales)`."""
    try:
        settings = Settings.load(telegram=False)
    except ConfigError:
        settings = Settings()
    where = f"{settings.flows_dir}, {settings.locales_dir}"
    if not settings.flows_dir.is_dir():
        return f"mamaflow {__version__}, content missing ({where})"
    from bot.review.signoff import release

    state = release(settings.flows_dir, settings.locales_dir).describe()
    return f"mamaflow {__version__}, {state} ({where})"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="mamaflow: self-care and triage chatbot")
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("console", help="chat with the bot in this terminal")
    c.add_argument("--lang", help="language code (default: BOT_LOCALE or en)")
    c.add_argument("--store", help="session store URL (sqlite:///path.db, memory://)")
    c.add_argument("--user", default="local", help="conversation id to use or resume (default: local)")
    c.add_argument("--jsonl", action="store_true", help="JSON lines in and out, for scripts")

    t = sub.add_parser("telegram", help="run the Telegram bot")
    t.add_argument("--store", help="session store URL")
    t.add_argument("--webhook-url", help="public HTTPS URL Telegram posts updates to (webhook mode)")
    t.add_argument("--listen", help="address the webhook server listens on (default 127.0.0.1)")
    t.add_argument("--port", type=int, help="port the webhook server listens on (default 8443)")
    t.add_argument("--secret-token", help="secret Telegram sends with each webhook request")

    lint = sub.add_parser("lint", help="check flows and locales")
    lint.add_argument("--flows", type=Path, help="flows directory")
    lint.add_argument("--locales", type=Path, help="locales directory")

    g = sub.add_parser("graph", help="print a flow's diagram")
    g.add_argument("flow", nargs="?", default=None, help="flow id (default: triage)")
    g.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    g.add_argument("--flows", type=Path, help="flows directory")

    pa = sub.add_parser("paths", help="list every path to an outcome (or --table: the clinical table)")
    pa.add_argument("flow", nargs="?", default=None, help="flow id (default: triage)")
    pa.add_argument("--table", action="store_true", help="print the Markdown clinical table instead")
    pa.add_argument("--flows", type=Path, help="flows directory")

    sub.add_parser("schema", help="print the JSON Schema of flow files")
    _review_parsers(sub)
    return p


def _review_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pv = sub.add_parser("preview", help="build the review site: every message in every language (HTML)")
    pv.add_argument("--out", type=Path, default=Path("docs/preview"), help="output folder (default docs/preview)")
    pv.add_argument("--lang", action="append", help="a language to show (repeat; default: all)")
    tr = sub.add_parser("translations", help="per language: texts done, stale, untranslated, reviewed")
    tr.add_argument("--mark", metavar="LANG", help="record KEYs of LANG as translated from the current English")
    tr.add_argument("--reviewed", action="store_true", help="with --mark: record them as checked by a reviewer")
    tr.add_argument("--all", action="store_true", help="with --mark: every translated key of LANG")
    tr.add_argument("keys", nargs="*", metavar="KEY", help="locale keys to mark")
    so = sub.add_parser("signoff", help="record a clinical sign-off of the current content")
    so.add_argument("--by", required=True, help="reviewer's name")
    so.add_argument("--role", required=True, help="reviewer's role, e.g. 'midwife' or 'obstetrician'")
    for cmd in (pv, tr, so):
        cmd.add_argument("--flows", type=Path, help="flows directory")
        cmd.add_argument("--locales", type=Path, help="locales directory")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; errors become `file:line: message` lines and an exit code."""
    args = _parser().parse_args(argv)
    try:
        common = Settings.load(telegram=False)
        setup_logging(common.log_format)
        set_verbosity(common.log_level)
        return _run(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:  # nothing of the failed turn was written; it can be sent again
        print(f"error: the session store failed: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "lint":
        from bot.commands import lint

        settings = Settings.load(flows_dir=args.flows, locales_dir=args.locales, telegram=False)
        return lint(settings)
    if args.command == "graph":
        from bot.commands import graph

        settings = Settings.load(flows_dir=args.flows, telegram=False)
        return graph(settings, args.flow or settings.flow, args.format)
    if args.command == "paths":
        from bot.commands import paths

        settings = Settings.load(flows_dir=args.flows, telegram=False)
        return paths(settings, args.flow or settings.flow, table=args.table)
    if args.command in ("preview", "translations", "signoff"):
        from bot.review import commands as review

        settings = Settings.load(flows_dir=args.flows, locales_dir=args.locales, telegram=False)
        if args.command == "preview":
            return review.run_preview(settings, out=args.out, langs=args.lang)
        if args.command == "translations":
            return review.run_translations(
                settings, mark=args.mark, reviewed=args.reviewed, keys=args.keys, all_keys=args.all
            )
        return review.run_signoff(settings, by=args.by, role=args.role)
    if args.command == "schema":
        from bot.flow.schema import schema_text

        sys.stdout.write(schema_text())
        return 0
    if args.command == "console":
        from bot.adapters.console import run_console

        settings = Settings.load(store=args.store, telegram=False)
        return run_console(settings, user=args.user, lang=args.lang, jsonl=args.jsonl)
    if args.command == "telegram":
        from bot.adapters.telegram import run_telegram

        settings = Settings.load(
            store=args.store,
            webhook_url=args.webhook_url,
            webhook_listen=args.listen,
            webhook_port=args.port,
            webhook_secret=args.secret_token,
        )
        return run_telegram(settings)
    raise AssertionError(args.command)
