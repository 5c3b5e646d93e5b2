"""The billing import on a utility's volume: ``bot.py import`` of a generated file into an
empty database, then of the same file again (nothing changes), each in a process of its own
whose time and peak memory are measured; beside them, in the same rounds, the floor: the
same file only read and parsed, record by record, by the import's reader.

``python -m tests.bench.billing [ACCOUNTS MONTHS]... [--rounds N]``: each pair a file
(default 20,000 accounts × 1 month and 2,000 × 12); SQLite, and PostgreSQL when
``BENCH_DATABASE_URL`` (or ``TEST_DATABASE_URL``) names one, which is emptied.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from storage import billing_stream
from tests.bench import fresh_database
from tests.bench.billing_file import write

ROOT = Path(__file__).resolve().parents[2]
FLOOR = "read and parse (floor)"


@dataclass
class Run:
    seconds: list[float] = field(default_factory=list)
    mib: list[float] = field(default_factory=list)
    rows: int = 0  # written

    def line(self, name: str, records: int) -> str:
        seconds = statistics.median(self.seconds)
        written = f", {self.rows / seconds:,.0f} rows written/s" if self.rows else ""
        return (
            f"  {name:<24} {seconds:7.1f} s, {records / seconds:,.0f} records/s{written}, "
            f"peak {max(self.mib):,.0f} MiB"
        )


def _timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Seconds, peak resident MiB and standard output of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed")
    return seconds, usage.ru_maxrss / 1024, out


def _rows(printed: str) -> int:
    """Rows written, from the import's summary ("accounts created: 3, ...")."""
    return sum(int(n) for n in re.findall(r": (\d+)", printed.splitlines()[0]))


async def _bench(url: str, file: Path, rounds: int) -> dict[str, Run]:
    runs = {FLOOR: Run(), "import": Run(), "import again": Run()}
    env = {"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    for _ in range(rounds):
        seconds, mib, _out = _timed(
            [sys.executable, "-m", "tests.bench.billing", "--read", str(file)]
        )
        runs[FLOOR].seconds.append(seconds)
        runs[FLOOR].mib.append(mib)
        await (await fresh_database(url)).dispose()
        for name in ("import", "import again"):
            seconds, mib, out = _timed([sys.executable, "bot.py", "import", str(file)], env)
            runs[name].seconds.append(seconds)
            runs[name].mib.append(mib)
            runs[name].rows = _rows(out)
    return runs


async def main(sizes: list[tuple[int, int]], rounds: int) -> None:
    urls = {"SQLite": ""}
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        urls["PostgreSQL"] = postgres
    with tempfile.TemporaryDirectory() as folder:
        urls["SQLite"] = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        for accounts, months in sizes:
            file = Path(folder) / f"billing-{accounts}x{months}.jsonl"
            with file.open("w", encoding="utf-8") as out:
                write(out, accounts, months)
            size = file.stat().st_size / 2**20
            with file.open("rb") as stream:
                records = sum(1 for _ in billing_stream.records(stream))
            for backend, url in urls.items():
                print(
                    f"{accounts:,} accounts × {months} month(s): {records:,} records, "
                    f"{size:,.0f} MiB of JSON Lines; {backend}, medians of {rounds}:"
                )
                runs = await _bench(url, file, rounds)
                for name, run in runs.items():
                    print(run.line(name, records))
                floor = statistics.median(runs[FLOOR].seconds)
                ratios = ", ".join(
                    f"{name} {statistics.median(runs[name].seconds) / floor:.1f}×"
                    for name in ("import", "import again")
                )
                print(f"  against the floor: {ratios}")
            file.unlink()


def _read(path: str) -> None:
    with open(path, "rb") as stream:
        for _ in billing_stream.records(stream):
            pass


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--read"]:
        _read(arguments[1])
        raise SystemExit
    rounds = 3
    if "--rounds" in arguments:
        at = arguments.index("--rounds")
        rounds = int(arguments[at + 1])
        del arguments[at : at + 2]
    numbers = [int(a) for a in arguments]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=True)) or [(20_000, 1), (2_000, 12)]
    asyncio.run(main(pairs, rounds))
