"""Runner throughput and cache-hit cost against the local server answering after a fixed delay.

Targets (issue 4): at concurrency 32 against a server that answers after 50 ms, throughput is
at least 80% of the ideal 32 / 0.05 s; a cache hit costs under 1% of one round trip.
The server runs in its own process so that it does not share the client's interpreter lock.

    python benchmarks/bench_runner.py [--requests 1920] [--concurrency 32] [--delay-s 0.05]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test server lives in tests/support

from detector.models import AnswerKey, ControlCase, ControlModel, ResponseCache, Runner, load_model  # noqa: E402
from detector.types import GenParams  # noqa: E402
from tests.support.local_server import LocalServer  # noqa: E402


def prompts_for(n: int) -> list[str]:
    return [f"Benchmark question {i}: what is {i} plus {i}?" for i in range(n)]


def serve(n: int, delay_s: float, port_queue: mp.Queue, stop: mp.Event) -> None:
    key = AnswerKey()
    key.register_many((p, ControlCase(gold=str(2 * i), kind="math", parent_id=f"b/{i}"))
                      for i, p in enumerate(prompts_for(n)))
    with LocalServer(ControlModel("control/clean", key), delay_s=delay_s) as server:
        port_queue.put(server.url)
        stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1920)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--delay-s", type=float, default=0.05)
    args = parser.parse_args()
    n, conc, delay = args.requests, args.concurrency, args.delay_s
    prompts = prompts_for(n + 40)
    ctx = mp.get_context("fork")
    urls: mp.Queue = ctx.Queue()
    stop = ctx.Event()
    proc = ctx.Process(target=serve, args=(n + 40, delay, urls, stop), daemon=True)
    proc.start()
    url = urls.get(timeout=30)
    try:
        model = load_model("openai/bench", base_url=url)
        params = GenParams(max_tokens=32)
        Runner(model, concurrency=conc).generate(prompts[n : n + conc], params)  # warm connections

        with tempfile.TemporaryDirectory() as tmp:
            cache = ResponseCache(Path(tmp) / "bench.sqlite")
            runner = Runner(model, cache, concurrency=conc)
            start = time.perf_counter()
            out = runner.generate(prompts[:n], params)
            elapsed = time.perf_counter() - start
            assert all(g.text for g in out), "some requests failed"
            throughput = n / elapsed
            ideal = conc / delay

            single = Runner(model, concurrency=1)
            trips = []
            for p in prompts[n + conc : n + conc + 8]:
                t0 = time.perf_counter()
                single.generate([p], params)
                trips.append(time.perf_counter() - t0)
            round_trip = statistics.median(trips)

            t0 = time.perf_counter()
            hits = Runner(model, cache, concurrency=conc).generate(prompts[:n], params)
            per_hit_bulk = (time.perf_counter() - t0) / n
            assert all(g.cached for g in hits)
            one = Runner(model, cache)
            singles = []
            for p in prompts[:200]:
                t0 = time.perf_counter()
                one.generate([p], params)
                singles.append(time.perf_counter() - t0)
            per_hit_single = statistics.median(singles)
            cache.close()
    finally:
        stop.set()
        proc.join(timeout=5)

    print(f"requests={n} concurrency={conc} server_delay_s={delay}")
    print(f"throughput: {throughput:.1f} req/s, ideal {ideal:.1f} req/s, ratio {throughput / ideal:.3f} "
          "(target >= 0.8)")
    print(f"round trip (concurrency 1): {round_trip * 1e3:.2f} ms")
    print(f"cache hit in bulk: {per_hit_bulk * 1e6:.1f} us, ratio {per_hit_bulk / round_trip:.5f} "
          "(target < 0.01)")
    print(f"cache hit alone:   {per_hit_single * 1e6:.1f} us, ratio {per_hit_single / round_trip:.5f} "
          "(target < 0.01)")


if __name__ == "__main__":
    main()
