"""Telegram CPU per update: mamaflow's adapter + engine vs a hand-written PTB ConversationHandler bot.

Both bots run on the real PTB stack, offline: updates go in through `Application.process_update`
and every Bot API call is answered in-process with full objects (bench/offline_api.py). Before
timing, the bench checks that both bots make the same requests for the same branch; then it
interleaves rounds of many conversations on each and reports CPU time per update.

Usage: python bench/bench_telegram.py [--rounds 5] [--users 200] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, TypeHandler  # noqa: E402

from bench import baseline_bot  # noqa: E402
from bench.harness import summary  # noqa: E402
from bench.offline_api import OfflineBotAPI, update  # noqa: E402
from bot.adapters.telegram.handler import TelegramBot  # noqa: E402
from bot.app import build_engine  # noqa: E402
from bot.report import all_paths  # noqa: E402
from bot.settings import Settings  # noqa: E402

TOKEN = "123456:bench-token"


def branch(engine) -> tuple[tuple[str, str], ...]:
    """The branch compared: the first calf-cramp path of a woman at 13-27 weeks to self-care."""
    for path in all_paths(engine.flow):
        given = dict(path.answers)
        wanted = given.get("status") == "t2" and given.get("location") == "calf_cramp"
        if wanted and engine.flow.nodes[path.outcome].disposition == "self_care":
            return path.answers
    raise SystemExit("no t2 calf cramp self-care path in the flow")


def application(api: OfflineBotAPI) -> Application:
    """A PTB Application whose requests all go to `api`."""
    return ApplicationBuilder().token(TOKEN).request(api).get_updates_request(OfflineBotAPI()).build()


async def mamaflow_app() -> tuple[Application, OfflineBotAPI, TelegramBot]:
    """mamaflow's Telegram adapter and engine (memory store), as `python -m bot telegram` wires them."""
    engine = build_engine(Settings.load(env={}, store="memory://"))
    api = OfflineBotAPI()
    app = application(api)
    bot = TelegramBot(engine, catalog=engine.catalog)
    app.add_handler(TypeHandler(Update, bot.on_update))
    await app.initialize()
    return app, api, bot


async def converse(app: Application, api: OfflineBotAPI, chat: int, answers, first_id: int) -> int:
    """One user: /start, then press each answer on the message that carries its keyboard."""
    uid = first_id
    await app.process_update(Update.de_json(update(uid, chat, text="/start"), app.bot))
    for node, option in answers:
        uid += 1
        message = api.keyboard_message(chat)
        data = f"{node}|{option}"
        await app.process_update(Update.de_json(update(uid, chat, data=data, message=message), app.bot))
    return uid - first_id + 1


def steps_from(calls: list[tuple[str, dict]]) -> list[baseline_bot.Step]:
    """The messages mamaflow sent on the branch, grouped per update, as the baseline's states."""
    steps, current = [], []
    for method, params in calls:
        if method == "answerCallbackQuery" and current:
            steps.append(current)
            current = []
        if method == "sendMessage":
            current.append(params)
    steps.append(current)
    out = []
    for sent in steps:
        markup = sent[-1].get("reply_markup") or {"inline_keyboard": []}
        markup = json.loads(markup) if isinstance(markup, str) else markup
        rows = tuple(tuple((b["text"], b["callback_data"]) for b in row) for row in markup["inline_keyboard"])
        out.append(baseline_bot.Step(tuple(p["text"] for p in sent), rows))
    return out


async def baseline_app(steps: list[baseline_bot.Step]) -> tuple[Application, OfflineBotAPI]:
    """The hand-written ConversationHandler bot."""
    api = OfflineBotAPI()
    app = application(api)
    baseline_bot.build(app, steps)
    await app.initialize()
    return app, api


def same_requests(a: list[tuple[str, dict]], b: list[tuple[str, dict]]) -> list[str]:
    """The differences between two bots' request lists (empty when they are the same)."""
    diffs = [f"{len(a)} requests vs {len(b)}"] if len(a) != len(b) else []
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            diffs.append(f"request {i}: {x[0]} {sorted(x[1].items())[:4]} != {y[0]} {sorted(y[1].items())[:4]}")
    return diffs


async def measure(rounds: int, users: int) -> dict[str, dict[str, float]]:
    """CPU seconds per update of each bot, per round, interleaved in rotating order."""
    logging.disable(logging.WARNING)
    mama, mama_api, mama_bot = await mamaflow_app()
    answers = branch(mama_bot.engine)
    await converse(mama, mama_api, 1, answers, 1)
    reference = [c for c in mama_api.calls if c[0] != "getMe"]
    base, base_api = await baseline_app(steps_from(reference))
    await converse(base, base_api, 1, answers, 1)
    diffs = same_requests(reference, [c for c in base_api.calls if c[0] != "getMe"])
    if diffs:
        raise SystemExit("the two bots do not make the same requests:\n" + "\n".join(diffs[:10]))
    for api in (mama_api, base_api):
        api.record = False
    bots = {"mamaflow": (mama, mama_api), "baseline": (base, base_api)}
    per_round: dict[str, list[float]] = {name: [] for name in bots}
    chat = 1000
    for app, api in bots.values():  # warm-up: caches, first-call imports
        for _ in range(20):
            chat += 1
            await converse(app, api, chat, answers, chat * 100)
    for r in range(rounds):
        order = list(bots) if r % 2 == 0 else list(reversed(bots))
        for name in order:
            app, api = bots[name]
            updates = 0
            start = time.process_time()
            for _ in range(users):
                chat += 1
                updates += await converse(app, api, chat, answers, chat * 100)
            per_round[name].append((time.process_time() - start) / updates)
    for app, _ in bots.values():
        await app.shutdown()
    ratio = [m / b for m, b in zip(per_round["mamaflow"], per_round["baseline"], strict=True)]
    return {
        "mamaflow_cpu_ms": summary([x * 1000 for x in per_round["mamaflow"]]),
        "baseline_cpu_ms": summary([x * 1000 for x in per_round["baseline"]]),
        "mamaflow_over_baseline": summary(ratio),
        "updates_per_conversation": {"median": len(answers) + 1, "min": len(answers) + 1, "max": len(answers) + 1},
    }


def main() -> None:
    """Print the comparison (or one run's JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--users", type=int, default=200, help="conversations per bot per round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = asyncio.run(measure(args.rounds, args.users))
    if args.json:
        print(json.dumps(figures))
        return
    m, b, r = (figures[k] for k in ("mamaflow_cpu_ms", "baseline_cpu_ms", "mamaflow_over_baseline"))
    print(f"Telegram CPU per update, {args.rounds} rounds x {args.users} conversations per bot")
    print("| measure | median (min-max) | goal |")
    print("|---|---|---|")
    print(f"| mamaflow, ms CPU per update | {m['median']:.3f} ({m['min']:.3f}-{m['max']:.3f}) | |")
    print(f"| hand-written PTB ConversationHandler bot, ms CPU per update | {b['median']:.3f} ({b['min']:.3f}-{b['max']:.3f}) | |")
    print(f"| mamaflow / hand-written | {r['median']:.2f} ({r['min']:.2f}-{r['max']:.2f}) | <= 0.9 |")


if __name__ == "__main__":
    main()
