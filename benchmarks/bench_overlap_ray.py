"""Ray scaling of the overlap scan: the benchmark corpus cut into shards, scanned on 1 and on 2 Ray workers.

Prints wall time per run (scaling is about wall time), the CPU seconds of the driver, that
the matches of both runs equal a local scan's, and the projected time for 1 TB at the
measured per-worker rate.

    python benchmarks/bench_overlap_ray.py [--shards 4] [--mb 20]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_overlap_corpus import load_test_items  # noqa: E402

from detector.overlap.ray_scan import run_overlap_ray  # noqa: E402
from detector.overlap.scan import run_overlap  # noqa: E402

CORPUS = Path("/tmp/overlap_bench/corpus.jsonl")


def split(corpus: Path, folder: Path, shards: int, mb: float) -> list[str]:
    """The first `mb` MB of the corpus as `shards` JSONL files of about equal size."""
    lines = []
    size = 0
    with corpus.open("rb") as handle:
        for line in handle:
            lines.append(line)
            size += len(line)
            if size >= mb * 1e6:
                break
    paths = []
    for index in range(shards):
        path = folder / f"shard_{index:02d}.jsonl"
        path.write_bytes(b"".join(lines[index::shards]))
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args()
    import ray

    items = load_test_items()
    folder = Path(tempfile.mkdtemp(prefix="overlap_ray_"))
    try:
        files = split(CORPUS, folder, args.shards, args.mb)
        size_mb = sum(Path(f).stat().st_size for f in files) / 1e6
        print(f"{len(files)} shards, {size_mb:.1f} MB, {len(items)} items")
        start = time.perf_counter()
        local = run_overlap(items, files, folder / "local")
        print(f"local scan, one process: {time.perf_counter() - start:.1f} s wall")
        walls = {}
        for workers in (1, 2):
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            try:
                warm = ray.remote(lambda: 0)
                ray.get([warm.remote() for _ in range(workers)])  # start the workers before timing
                start, cpu = time.perf_counter(), time.process_time()
                result = run_overlap_ray(items, files, folder / f"ray{workers}")
                walls[workers] = time.perf_counter() - start
                cpu = time.process_time() - cpu
            finally:
                ray.shutdown()
            same = result.matches.equals(local.matches) and result.summary == local.summary
            rate = size_mb / walls[workers]
            print(f"ray, {workers} worker(s): {walls[workers]:.1f} s wall ({rate:.2f} MB/s), "
                  f"driver CPU {cpu:.1f} s, matches equal the local scan: {same}")
        rate = size_mb / walls[1]
        print(f"speed-up 1 -> 2 workers: {walls[1] / walls[2]:.2f}x")
        print(f"projected 1 TB at {rate:.2f} MB/s per worker: {1e6 / rate / 3600:.0f} worker-hours; "
              f"on 100 workers {1e6 / rate / 3600 / 100:.1f} h")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
