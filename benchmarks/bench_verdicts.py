"""Verdicts over HTTP on real items: honest, memorizing and partly memorizing simulated models.

Issue 13's end-to-end check. Each simulated model (detector.models.simulated) is served by the
local OpenAI-compatible test server; `detect probe --model openai/NAME --base-url URL` audits it
as a user would (a subprocess, exit codes included). Also an unknown model name (every request
answered 404) and a dead server (connection refused): each must end non-zero within 60 s and
never with a clearance.

    python benchmarks/bench_verdicts.py --out /tmp/bench-verdicts
Needs ../shared/data (GSM8K test, MMLU folder).
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test server lives in tests/support

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DETECT = [sys.executable, "-c", "from detector.cli import app; app()"]


def serve_and_probe(name: str, model_kwargs: dict, source: str, out: Path, families: tuple[str, ...]) -> dict:
    """Serve one simulated model for `source`'s prompts and run `detect probe` against it."""
    from detector.models import AnswerKey
    from detector.models.simulated import HonestProfile, SimulatedModel
    from detector.pipeline import ProbeOptions, load_sources, make_plan
    from tests.support.local_server import LocalServer

    options = ProbeOptions(model=f"openai/{name}", benchmarks=(source,), families=families)
    plan, _ = make_plan(options, load_sources(options.benchmarks, None))
    key = AnswerKey()
    key.register_plan(plan)
    profile = HonestProfile(**model_kwargs.pop("profile"))
    model = SimulatedModel(name, key, profile=profile, **model_kwargs)
    run_dir = out / name
    args = ["probe", "--model", f"openai/{name}", "--benchmark", source, "--no-cache", "--out", str(run_dir),
            "--fail-on", "suspicious"]  # fmt: skip
    for family in families:
        args += ["--family", family]
    with LocalServer(model, served_name=name) as server:
        start = time.perf_counter()
        proc = subprocess.run([*DETECT, *args, "--base-url", server.url], capture_output=True, text=True,
                              cwd=ROOT, check=False)  # fmt: skip
        took = time.perf_counter() - start
    if not (run_dir / "report.json").exists():
        tail = proc.stderr[-2000:]
        return {"model": name, "exit": proc.returncode, "seconds": round(took, 1), "error": tail}
    report = json.loads((run_dir / "report.json").read_text())
    stale = report["signals"]["stale_answer_rate"] or {}
    return {
        "model": name, "exit": proc.returncode, "seconds": round(took, 1), "verdict": report["verdict"],
        "n_items": report["n_scored_parents"], "prompts": report["errors"]["n_requests"],
        "drop": report["overall"]["drop"],
        "families": {f["name"]: round(f["drop"], 1) for f in report["families"]},
        "evidence": report["evidence"],
        "stale": {k: stale.get(k) for k in ("rate", "chance_rate", "p_value")},
    }  # fmt: skip


def broken_endpoint(kind: str, source: str, out: Path) -> dict:
    """`detect probe` against a server that answers 404 to everything, or against no server at all."""
    from detector.models import AnswerKey
    from detector.models.simulated import SimulatedModel
    from tests.support.local_server import LocalServer

    args = ["probe", "--model", "openai/no-such-model", "--benchmark", source, "--no-cache",
            "--out", str(out / kind)]  # fmt: skip
    start = time.perf_counter()
    if kind == "unknown-model":
        server = LocalServer(SimulatedModel("x", AnswerKey()), served_name="served-model").start()
        message = {
            "error": {"message": "The model `no-such-model` does not exist", "code": "model_not_found"}
        }
        server.set_fault("status", times=10**9, status=404, payload=message)
        url = server.url
    else:
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
        server = None
    try:
        proc = subprocess.run([*DETECT, *args, "--base-url", url], capture_output=True, text=True, cwd=ROOT,
                              timeout=120, check=False)  # fmt: skip
    finally:
        if server is not None:
            server.stop()
    took = time.perf_counter() - start
    report_path = out / kind / "report.json"
    verdict = json.loads(report_path.read_text())["verdict"] if report_path.exists() else None
    first = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[:4])
    return {
        "case": kind,
        "exit": proc.returncode,
        "seconds": round(took, 1),
        "verdict": verdict,
        "first_lines": first,
    }


HONEST_MMLU = {"profile": {"accuracy": 0.62, "default_drop": 13.5, "carry": 0.8, "position_bias": 0.2,
                           "letter_habit": 0.1}}  # fmt: skip
HONEST_GSM8K = {"profile": {"accuracy": 0.75, "default_drop": 14.0, "carry": 0.8}}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path(f"/tmp/bench-verdicts-{int(time.time())}"))
    parser.add_argument("--only", default="", help="comma-separated subset: mmlu,gsm8k,broken")
    args = parser.parse_args()
    mmlu, gsm8k = str(DATA / "mmlu"), str(DATA / "gsm8k" / "test.jsonl")
    if not Path(gsm8k).exists():
        print(f"skipped: {DATA} not found (real GSM8K and MMLU files are needed)")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(","))) or {"mmlu", "gsm8k", "broken"}
    results = []
    cases = []
    for bench, source, honest in (("mmlu", mmlu, HONEST_MMLU), ("gsm8k", gsm8k, HONEST_GSM8K)):
        if bench not in only:
            continue
        drops = dict(honest["profile"])
        cases += [
            (f"{bench}-honest", {"profile": drops}, source),
            (f"{bench}-memorizer", {"profile": drops, "memorized_fraction": 1.0}, source),
            (f"{bench}-memorized-30", {"profile": drops, "memorized_fraction": 0.3}, source),
        ]
    for name, kwargs, source in cases:
        result = serve_and_probe(name, dict(kwargs), source, args.out, ())
        results.append(result)
        print(json.dumps(result), flush=True)
    if "broken" in only:
        for kind in ("unknown-model", "dead-server"):
            result = broken_endpoint(kind, gsm8k, args.out)
            results.append(result)
            print(json.dumps(result), flush=True)
    (args.out / "summary.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
