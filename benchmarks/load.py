"""Load test: N concurrent Telegram chats against the real bot's webhook, Telegram faked on loopback.

    .venv/bin/python benchmarks/load.py --chats 200 --duration 600            # SQLite, 1 process
    .venv/bin/python benchmarks/load.py --chats 200 --duration 600 --postgres --processes 2

Each chat sends a message, waits for the bot's first reply at the fake Bot API, thinks 10–20 s
(so replies stay under Telegram's ~30 messages/s per bot), and repeats until the time is up.
Prints acknowledgement and end-to-end latency (p50/p95/p99), messages per second, errors, the
bot processes' peak RSS, and the engine's own p50/p99 from its Prometheus histogram; as the
baseline, the latency of GET /healthz (no work) sampled every second during the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import postgres  # noqa: E402
from tests.bot.fake_telegram import TOKEN, FakeBotApi, message_update, serve_fake  # noqa: E402
from tests.bot.helpers import bot_env, free_port  # noqa: E402

SECRET = "load-test-secret-" + "x" * 24
QUESTIONS = [
    "/start",
    "dang ky khai sinh",
    "làm lại căn cước bị mất",
    "đổi bằng lái xe hết hạn",
    "thủ tục đăng ký tạm trú",
    "giá vàng hôm nay",
    "quên mã hồ sơ",
    "xin phiếu lý lịch tư pháp",
    "/menu",
    "nộp phạt giao thông online",
]


class RecordingApi(FakeBotApi):
    """The fake Bot API, waking the chat that a sendMessage answers."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Event] = {}

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        result = await super()._result(method, params)
        if method == "sendMessage":
            event = self.waiting.get(int(params["chat_id"]))
            if event is not None:
                event.set()
        self.calls.clear() if len(self.calls) > 10_000 else None
        return result


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def histogram_quantiles(metrics: str, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of bot_handle_seconds (all channels) from cumulative bucket counts."""
    buckets: dict[float, float] = defaultdict(float)
    for le, count in re.findall(r'bot_handle_seconds_bucket\{channel="[^"]*",le="([^"]+)"\} ([\d.e+]+)', metrics):
        buckets[float("inf") if le == "+Inf" else float(le)] += float(count)
    if not buckets:
        return [float("nan")] * len(qs)
    total = buckets[float("inf")]
    return [next(le for le, count in sorted(buckets.items()) if count >= q * total) for q in qs]


async def chat(
    n: int, client: httpx.AsyncClient, ports: list[int], api: RecordingApi, until: float, out: dict[str, list[float]]
) -> None:
    """One citizen: ask, wait for the first reply, think, repeat."""
    chat_id, rng = 10_000 + n, random.Random(n)
    update_ids = itertools.count(n * 1_000_000)
    await asyncio.sleep(rng.uniform(0, 10))
    for turn in itertools.count():
        if time.monotonic() >= until:
            return
        port = ports[turn % len(ports)]
        event = api.waiting.setdefault(chat_id, asyncio.Event())
        event.clear()
        update = message_update(next(update_ids), chat_id, rng.choice(QUESTIONS))
        started = time.monotonic()
        try:
            response = await client.post(
                f"http://127.0.0.1:{port}/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            out["ack"].append(time.monotonic() - started)
            if response.status_code != 200:
                out["errors"].append(1.0)
                continue
            await asyncio.wait_for(event.wait(), timeout=30)
            out["e2e"].append(time.monotonic() - started)
        except (httpx.HTTPError, TimeoutError):
            out["errors"].append(1.0)
        await asyncio.sleep(rng.uniform(10, 20))


def start_bot(port: int, database_url: str, api_root: str, log: Path) -> subprocess.Popen[bytes]:
    env = bot_env(
        DATABASE_URL=database_url,
        PORT=str(port),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_root,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        LOG_LEVEL="WARNING",
    )
    with log.open("ab") as handle:
        return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=handle, stderr=handle)


async def wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"bot on port {port} did not become ready")


async def run(args: argparse.Namespace, database_url: str, workdir: Path) -> None:
    api = RecordingApi()
    async with serve_fake(api) as api_root:
        ports = [free_port() for _ in range(args.processes)]
        bots = [start_bot(port, database_url, api_root, workdir / f"bot-{port}.log") for port in ports]
        try:
            await asyncio.gather(*(wait_ready(port) for port in ports))
            out: dict[str, list[float]] = {"ack": [], "e2e": [], "errors": [], "floor": []}
            peak = {bot.pid: 0 for bot in bots}
            started = time.monotonic()
            until = started + args.duration
            # One client for every chat: creating one each (an SSL context apiece) stalls this loop for seconds
            # at the start, and the chats' first messages then arrive at the bot in one burst.
            limits = httpx.Limits(max_connections=args.chats, max_keepalive_connections=args.chats)
            async with httpx.AsyncClient(timeout=30, limits=limits) as client:
                chats = [asyncio.create_task(chat(n, client, ports, api, until, out)) for n in range(args.chats)]
                while not all(task.done() for task in chats):
                    for bot in bots:
                        peak[bot.pid] = max(peak[bot.pid], rss_kb(bot.pid))
                    # The baseline, in the same run: the same server answering a request that does no work.
                    probe = time.monotonic()
                    with contextlib.suppress(httpx.HTTPError):
                        await client.get(f"http://127.0.0.1:{ports[0]}/healthz")
                        out["floor"].append(time.monotonic() - probe)
                    await asyncio.sleep(1)
                elapsed = time.monotonic() - started
                metrics = "".join([(await client.get(f"http://127.0.0.1:{p}/metrics")).text for p in ports])
        finally:
            for bot in bots:
                bot.terminate()
            for bot in bots:
                bot.wait(30)
    engine = histogram_quantiles(metrics, (0.5, 0.99))
    ms = 1000
    print(f"database {database_url.split(':')[0]}, {args.processes} process(es), {args.chats} chats, {elapsed:.0f} s")
    print(f"  messages {len(out['ack'])} ({len(out['ack']) / elapsed:.1f}/s), errors {len(out['errors'])}")
    print(
        "  acknowledgement  p50 {:.0f} ms  p95 {:.0f} ms  p99 {:.0f} ms".format(
            *(ms * percentile(out["ack"], q) for q in (0.5, 0.95, 0.99))
        )
    )
    print(
        "  first reply      p50 {:.0f} ms  p95 {:.0f} ms  p99 {:.0f} ms".format(
            *(ms * percentile(out["e2e"], q) for q in (0.5, 0.95, 0.99))
        )
    )
    print(
        "  baseline GET /healthz during the run  p50 {:.0f} ms  p95 {:.0f} ms  p99 {:.0f} ms".format(
            *(ms * percentile(out["floor"], q) for q in (0.5, 0.95, 0.99))
        )
    )
    print(f"  engine (histogram bucket bound)  p50 ≤ {ms * engine[0]:.0f} ms  p99 ≤ {ms * engine[1]:.0f} ms")
    print(f"  peak RSS per process: {', '.join(f'{kb / 1024:.0f} MB' for kb in peak.values())}")
    print(f"  mean e2e {ms * statistics.fmean(out['e2e']) if out['e2e'] else float('nan'):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--duration", type=float, default=600, help="seconds")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="run a PostgreSQL server for the bots")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    if args.postgres:
        with postgres.postgres_server() as (host, port):
            url = postgres.create_database(host, port, "load")
            asyncio.run(run(args, url, workdir))
    else:
        asyncio.run(run(args, f"sqlite+aiosqlite:///{workdir / 'bot.db'}", workdir))
    print(f"  logs in {workdir}")


if __name__ == "__main__":
    main()
