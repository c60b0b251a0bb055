"""Why lab twins restart positions at every document: recall with and without, same everything else.

Trains the contaminated stream of a small GSM8K lab (default 50 test items seen 40 times, 500
steps of 2 x 512 tokens, GSM8K train as background) twice, once with positions restarting at each
document (the lab's default) and once with one position count per block, and prints for each the
answers recalled (greedy, the probe's prompt) and the mean loss of the seen solutions.

    python benchmarks/bench_lab_positions.py --threads 2
Needs ../shared/data/gsm8k (test and train) and the `lab` extra. Takes a few minutes.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "gsm8k"
ANSWER = re.compile(r"The answer is (-?[\d,]*\.?\d+)")


def main() -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--exposures", type=int, default=40)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--recall-items", type=int, default=40)
    args = parser.parse_args()
    if not (DATA / "test.jsonl").exists():
        print(f"skipped: {DATA} not found (real GSM8K files are needed)")
        return 0

    import torch

    from detector.benchmarks import load_benchmark
    from detector.lab.build import SIZES, choose_contaminated
    from detector.lab.corpus import decontaminate, plan_twin_streams
    from detector.lab.tokenizer import train_tokenizer
    from detector.lab.training import make_model, train_model
    from detector.membership.texts import render_document, scoring_pair

    torch.set_num_threads(args.threads)
    test = load_benchmark(DATA / "test.jsonl").items
    background, _ = decontaminate(load_benchmark(DATA / "train.jsonl").items, test)
    shape, settings = SIZES["small"]
    settings = replace(settings, steps=args.steps)
    seen = choose_contaminated(test, args.items, 0)
    texts = [render_document(doc) for doc in background]
    tokenizer = train_tokenizer(texts, shape.vocab_size)
    encode = tokenizer.backend_tokenizer.encode_batch
    streams = plan_twin_streams(
        [e.ids for e in encode(texts, add_special_tokens=False)],
        [e.ids for e in encode([render_document(item) for item in seen], add_special_tokens=False)],
        exposures=args.exposures, total_tokens=settings.total_tokens, eos_id=tokenizer.eos_token_id, seed=0,
    )
    results = {}
    for restart in (True, False):
        model = make_model(shape, eos_id=tokenizer.eos_token_id, seed=0)
        train_model(model, streams.contaminated, replace(settings, restart_positions=restart))
        losses, recalled = [], 0
        for item in seen[: args.recall_items]:
            context, continuation = scoring_pair(item)
            ctx = tokenizer(context)["input_ids"]
            cont = tokenizer(continuation, add_special_tokens=False)["input_ids"]
            with torch.no_grad():
                logits = model(torch.tensor([ctx + cont])).logits[0, len(ctx) - 1 : -1]
                losses.append(float(torch.nn.functional.cross_entropy(logits.float(), torch.tensor(cont))))
                mask = torch.ones(1, len(ctx), dtype=torch.long)
                out = model.generate(torch.tensor([ctx]), attention_mask=mask, max_new_tokens=180,
                                     do_sample=False, pad_token_id=tokenizer.eos_token_id)
            text = tokenizer.decode(out[0, len(ctx) :], skip_special_tokens=True)
            found = ANSWER.search(text)
            recalled += bool(found) and found.group(1).replace(",", "") == item.answer
        results[restart] = recalled
        label = "restart per document" if restart else "one count per block"
        print(f"{label:<22} recalled {recalled}/{len(losses)}, loss of seen solutions "
              f"{sum(losses) / len(losses):.2f} nats/token", flush=True)
    print(f"recall ratio, restart / per block: {results[True] / max(results[False], 1):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
