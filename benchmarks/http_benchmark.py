"""HTTP benchmark and soak test of the portal under gunicorn, against PostgreSQL.

    uv run python benchmarks/http_benchmark.py                      # the table for the README
    uv run python benchmarks/http_benchmark.py --soak 60            # 60 s at 32 connections
    uv run python benchmarks/http_benchmark.py --random-query       # every request ?r=<random>
    uv run python benchmarks/http_benchmark.py --database-url postgres://.../osloregion_bench

What it does, all on 127.0.0.1 and bounded in time:
1. creates the database (dropped again at the end), migrates it and loads the strategy;
2. collects the static files into a temporary STATIC_ROOT and starts gunicorn with the
   repository's gunicorn.conf.py in production mode (DJANGO_DEBUG=0, a random secret);
3. for the front page, a focus area, an element page, «Hele strategien» and the JSON export
   (when /api/strategi.json answers 200), writes a static file of the same size into
   STATIC_ROOT, served by the same gunicorn and whitenoise: the ceiling;
4. measures each page and its ceiling with wrk (requests/s, p50, p99) at 1, 8 and 32
   connections and prints a Markdown table with the page's share of the ceiling.

Requests carry ``X-Forwarded-Proto: https`` as the proxy in front of gunicorn would send it.
Needs `wrk` (apt-get install wrk) and PostgreSQL.
"""

import argparse
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
HEADERS = {"X-Forwarded-Proto": "https"}


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


class Portal:
    """The portal under gunicorn, with its own database and static files."""

    def __init__(
        self, database_url: str, port: int, workers: int | None, tmp: Path, page_cache: bool
    ):
        self.database_url = database_url
        self.port = port
        self.static_root = tmp / "static"
        self.access_log = tmp / "access.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(self.static_root),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": str(self.access_log),
            "GUNICORN_ERROR_LOG": str(tmp / "error.log"),
            # Measure the workers as they are, not as recycled by max_requests.
            "GUNICORN_MAX_REQUESTS": "0",
            "DJANGO_PAGE_CACHE": "1" if page_cache else "0",
        }
        if workers:
            self.env["GUNICORN_WORKERS"] = str(workers)
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return result.stdout

    def prepare(self) -> None:
        log("migrate, load_strategy strategy, collectstatic")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_strategy", "strategy", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/helse/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn svarte ikke på /helse/ innen 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def page_paths(portal: Portal) -> dict[str, str]:
    code = (
        "from strategy.models import Kind, StrategyElement as E; "
        "print(E.objects.public().filter(kind=Kind.FOCUS_AREA).order_by('lft')"
        ".first().get_absolute_url()); "
        "print(E.objects.public().filter(kind=Kind.STRATEGY, level=3).order_by('lft')"
        ".first().get_absolute_url())"
    )
    focus_area, element = portal.manage("shell", "-c", code).split()[-2:]
    paths = {
        "Forsiden": "/",
        "Innsatsområde": focus_area,
        "Elementside": element,
        "Hele strategien": "/hele-strategien/",
    }
    # The JSON export belongs to another feature; measure it when it is there.
    if portal.get("/api/strategi.json")[0] == 200:
        paths["JSON-eksport"] = "/api/strategi.json"
    return paths


def wrk(url: str, connections: int, seconds: int, script: Path | None = None) -> dict:
    threads = min(connections, 2)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "--timeout", "10s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(group) for group in match.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors,
    }


def machine() -> str:
    cpu = "ukjent CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"{platform.node()}, {os.cpu_count()} kjerner ({cpu}), Python {platform.python_version()}"
    )


def benchmark(portal: Portal, paths: dict[str, str], args) -> None:
    sizes = {}
    for name, path in paths.items():
        status, body = portal.get(path)
        if status != 200:
            raise SystemExit(f"{name} ({path}) svarte {status}")
        sizes[name] = len(body)
    # The ceiling: static files of the same sizes. whitenoise indexes STATIC_ROOT at start-up,
    # so write them and restart.
    portal.stop()
    ceiling_dir = portal.static_root / "benchmark"
    ceiling_dir.mkdir(exist_ok=True)
    ceilings = {}
    for number, (name, size) in enumerate(sizes.items()):
        file = ceiling_dir / f"side-{number}.html"
        file.write_bytes(os.urandom(size // 2).hex().encode()[:size].ljust(size, b"x"))
        ceilings[name] = f"/static/benchmark/{file.name}"
    portal.start()
    for path in [*paths.values(), *ceilings.values()]:  # warm up every worker's caches
        wrk(portal.base + path, 8, 1)

    # Every request with its own ?r=<random>: an attacker's (or a tracking link's) query
    # string, which must neither bypass nor evict the page cache.
    noise = None
    if args.random_query:
        noise = portal.static_root.parent / "random-query.lua"
        noise.write_text(
            "request = function()\n"
            '  return wrk.format(nil, wrk.path .. "?r=" .. math.random(1, 1000000000))\n'
            "end\n"
        )
    rows = []
    for name, path in paths.items():
        for connections in args.connections:
            page = wrk(portal.base + path, connections, args.duration, noise)
            static = wrk(portal.base + ceilings[name], connections, args.duration)
            rows.append((name, sizes[name], connections, page, static))
            log(f"{name} c={connections}: {page['rps']:.0f} req/s, tak {static['rps']:.0f}")

    workers = len(portal.worker_pids())
    print(
        f"Målt {datetime.now(UTC):%Y-%m-%d %H:%M} UTC på {machine()}; gunicorn med "
        f"{workers} sync-arbeidere, PostgreSQL, wrk, {args.duration} s per måling, "
        f"sidebuffer {'av' if args.no_page_cache else 'på'}"
        f"{', tilfeldig ?r= på hver forespørsel' if args.random_query else ''}.\n"
    )
    print(
        "| side | størrelse | forbindelser | req/s | p50 ms | p99 ms "
        "| tak req/s | tak p50 ms | tak p99 ms | andel av taket |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    met = True
    for name, size, connections, page, static in rows:
        ratio = page["rps"] / static["rps"]
        met &= ratio >= 0.5
        errors = page["errors"] + static["errors"]
        print(
            f"| {name} | {size / 1024:.0f} KiB | {connections} | {page['rps']:.0f} "
            f"| {page['p50']:.1f} | {page['p99']:.1f} | {static['rps']:.0f} "
            f"| {static['p50']:.1f} | {static['p99']:.1f} | {ratio:.0%}"
            + (f" ({errors} feil)" if errors else "")
            + " |"
        )
    print(f"\nMålet (hver side minst halvparten av taket): {'nådd' if met else 'ikke nådd'}.")


def soak(portal: Portal, paths: dict[str, str], seconds: int, tmp: Path) -> int:
    script = tmp / "mix.lua"
    script.write_text(
        "local paths = {"
        + ", ".join(f'"{path}"' for path in paths.values())
        + "}\nlocal n = 0\nrequest = function()\n  n = n + 1\n"
        "  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n"
    )
    log("oppvarming 10 s")
    wrk(portal.base + "/", 32, 10, script)
    before = {pid: rss_kib(pid) for pid in portal.worker_pids()}
    log(f"belastning {seconds} s med 32 forbindelser")
    lines_before = len(portal.access_log.read_text().splitlines())
    result = wrk(portal.base + "/", 32, seconds, script)
    after = {pid: rss_kib(pid) for pid in portal.worker_pids()}
    statuses: dict[str, int] = {}
    for line in portal.access_log.read_text().splitlines()[lines_before:]:
        status = line.split('" ', 1)[1].split()[0]
        statuses[status] = statuses.get(status, 0) + 1
    bad = sum(count for status, count in statuses.items() if not status.startswith("2"))
    print(f"Belastningstest {datetime.now(UTC):%Y-%m-%d %H:%M} UTC på {machine()}:")
    page_cache = "på" if portal.env["DJANGO_PAGE_CACHE"] == "1" else "av"
    print(
        f"{seconds} s, 32 forbindelser, sidene {', '.join(paths)} etter tur, "
        f"sidebuffer {page_cache}.\n"
    )
    print(
        f"- forespørsler: {result['requests']} ({result['rps']:.0f} req/s), "
        f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
    )
    print(f"- feil: {result['errors']} (wrk), statuskoder i tilgangsloggen: {statuses}")
    print(f"- samme arbeidere før og etter: {'ja' if set(before) == set(after) else 'NEI'}")
    print("\n| arbeider (pid) | RSS før (MiB) | RSS etter (MiB) | vekst (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    growth = 0.0
    for pid in sorted(before):
        grown = (after.get(pid, 0) - before[pid]) / 1024
        growth = max(growth, grown)
        print(
            f"| {pid} | {before[pid] / 1024:.1f} | {after.get(pid, 0) / 1024:.1f} | {grown:+.1f} |"
        )
    bound = 10.0
    print(
        f"\nGrense: høyst {bound:.0f} MiB vekst per arbeider etter oppvarming; største vekst "
        f"{growth:+.1f} MiB: {'innenfor' if growth <= bound else 'OVER grensen'}."
    )
    ok = result["errors"] == 0 and bad == 0 and growth <= bound and set(before) == set(after)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/osloregion_benchmark"
        ),
        help="PostgreSQL database to create (dropped again afterwards)",
    )
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py (2 × CPU + 1)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument(
        "--connections", type=lambda v: [int(c) for c in v.split(",")], default=[1, 8, 32]
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every page (DJANGO_PAGE_CACHE=0): the cost of a page after an edit",
    )
    parser.add_argument(
        "--random-query",
        action="store_true",
        help="every page request with its own random query string (?r=…)",
    )
    parser.add_argument(
        "--soak",
        type=int,
        metavar="SECONDS",
        help="instead of the table: a load test of SECONDS at 32 connections",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk mangler: apt-get install wrk")

    server, name = args.database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="osloregion-benchmark-") as tmp_name:
            tmp = Path(tmp_name)
            portal = Portal(args.database_url, args.port, args.workers, tmp, not args.no_page_cache)
            portal.prepare()
            portal.start()
            try:
                paths = page_paths(portal)
                if args.soak:
                    return soak(portal, paths, args.soak, tmp)
                benchmark(portal, paths, args)
                return 0
            finally:
                portal.stop()
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
