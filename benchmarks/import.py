"""Time `dossiers import` of 100,000 generated rows on SQLite (target: under 30 s), then a re-import."""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import tempfile
import time
from pathlib import Path

from bot.dossier_import import COLUMNS, import_csv
from handlers.texts_dossier import STATUSES
from storage import Store

KEY = b"benchmark-key-not-secret"


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A plausible export: ~3 dossiers per phone, all five statuses, Vietnam-time ISO dates."""
    rng = random.Random(seed)
    statuses = sorted(STATUSES)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for n in range(rows):
            day = f"26{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            code = f"000.00.{n % 90 + 10}.H{n % 63 + 1:02d}-{day}-{n:06d}"
            phone = f"09{rng.randint(0, rows // 3):08d}"
            submitted = f"20{day[:2]}-{day[2:4]}-{day[4:]}T08:{n % 60:02d}:00+07:00"
            writer.writerow((code, "1.001193", phone, f"Người nộp {n}", rng.choice(statuses), submitted, submitted))


async def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        generate(path, rows)
        store = Store(f"sqlite+aiosqlite:///{folder}/bench.db")
        await store.upgrade()
        try:
            for label in ("first import", "re-import (no changes)"):
                started = time.perf_counter()
                report = await import_csv(path, store, KEY, progress=False)
                seconds = time.perf_counter() - started
                print(
                    f"{label}: {report.rows} rows in {seconds:.1f} s "
                    f"({report.rows / seconds:,.0f} rows/s) — {report.inserted} new, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
                )
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().rows))
