"""`detect overlap`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detector.cli.errors import EXIT_INTERRUPTED, fail

HELP = (
    "Find benchmark items in training corpora (or in another benchmark) with MinHash, verified."
    "\n\n"
    "Looks for each item's question, question with options and worked solution inside corpus "
    "documents (JSONL, .gz/.zst, Parquet, plain text): MinHash LSH finds candidates, rapidfuzz and "
    "exact shingle overlap verify them (verbatim or near). Writes OUT/matches.parquet and "
    "OUT/summary.json and prints the fraction of items found per benchmark. A killed scan resumes: "
    "finished corpus files are recorded under OUT/shards/."
    "\n\n"
    "Examples:\n"
    "  detect overlap --benchmark gsm8k --corpus 'data/*.jsonl.zst' --out overlap/\n"
    "  detect overlap --corpus data/ --method ngram13 --workers 2 --out overlap-13/\n"
    "  detect overlap --between gsm8k_train.jsonl gsm8k_test.jsonl --out between/\n"
    "  detect overlap --corpus 'https://host/shard_*.jsonl.zst' --show 10 --matches-format csv"
)


def overlap(
    benchmark: Annotated[
        list[str] | None,
        typer.Option("--benchmark", help="Benchmark SOURCE to look for (repeatable; default: fixtures)."),
    ] = None,
    corpus: Annotated[
        list[str] | None,
        typer.Option(
            "--corpus",
            help="File, folder or glob: JSONL(.gz/.zst), Parquet, text (repeatable). "
            "Required unless --between.",
        ),
    ] = None,
    between: Annotated[
        tuple[str, str] | None,
        typer.Option("--between", help="Two benchmark SOURCES A B: find A's items inside B's items."),
    ] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL/Parquet text field.")] = "text",
    threshold: Annotated[
        float, typer.Option("--threshold", help="LSH Jaccard threshold for candidates.")
    ] = 0.2,
    min_similarity: Annotated[
        float, typer.Option("--min-similarity", help="Verified word similarity needed for a match.")
    ] = 0.6,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes (one file each).")] = 1,
    method: Annotated[
        str, typer.Option("--method", help="minhash, or ngram13 (exact 13-grams, as lm-evaluation-harness).")
    ] = "minhash",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("overlap-out"),
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    format: Annotated[
        str | None, typer.Option("--format", help="Force the format of --benchmark (or --between) sources.")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="Generic format mapping NAME=COLUMN, e.g. question=prompt."),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option("--ray", metavar="ADDRESS", help="Run one Ray task per corpus file on the cluster at "
                     "ADDRESS ('auto': the cluster this machine joined; 'local': start one here). Needs the "
                     "ray extra; corpus paths must be readable on every node (s3://, gs://, a shared disk)."),
    ] = None,
    show: Annotated[
        int, typer.Option("--show", min=0, help="Print the N best matches with the matched words in [ ].")
    ] = 0,
    matches_format: Annotated[
        list[str] | None,
        typer.Option("--matches-format", help="Also write OUT/matches.csv or .jsonl (repeatable)."),
    ] = None,
) -> None:
    """Search corpora for benchmark items; write OUT/matches.parquet and OUT/summary.json."""
    from detector.atomic_files import check_output_dir
    from detector.benchmarks import load_benchmark, load_sources, parse_field_options
    from detector.overlap.display import MATCH_FORMATS, format_match_lines, top_matches, write_matches
    from detector.overlap.index import OverlapConfig
    from detector.overlap.report import print_summary
    from detector.overlap.scan import run_between, run_overlap

    formats = list(matches_format or [])
    unknown = [name for name in formats if name not in MATCH_FORMATS]
    if unknown:
        fail(f"--matches-format {unknown[0]!r}: valid: {', '.join(MATCH_FORMATS)}")
    try:
        check_output_dir(out)  # before any scanning, not after it
        config = OverlapConfig(threshold=threshold, min_similarity=min_similarity, text_field=text_field)
        if between is not None:
            if corpus:
                fail("use either --between A B or --corpus, not both")
            mapping = parse_field_options(field or []) or None
            first, second = (load_benchmark(source, format=format, fields=mapping) for source in between)
            items = list(first.items)
            result = run_between(first.items, second.items, out, config, method=method)
        else:
            if not corpus:
                fail("--corpus is required (or use --between A B)")
            loaded = load_sources(benchmark or [], None, format=format, fields=field or ())
            items = [item for bench in loaded for item in bench.items]
            if ray is not None:
                from detector.overlap.ray_scan import run_overlap_ray

                address = None if ray == "local" else ray
                result = run_overlap_ray(items, corpus, out, config, method=method, address=address)
            else:
                result = run_overlap(
                    items, corpus, out, config, method=method, workers=workers, progress=progress
                )
    except ValueError as exc:  # BenchmarkFormatError, CorpusFormatError, bad settings
        fail(str(exc))
    except ImportError as exc:  # a missing extra (ray, zstandard): its message names the pip line
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted: finished corpus files are recorded under OUT/shards/, so the same command resumes",
             EXIT_INTERRUPTED)
    print_summary(result.summary, result.matches, out)
    for path in write_matches(result.matches, out, formats):
        typer.echo(f"wrote {path}")
    if show:
        from detector.overlap.index import item_full_text

        texts = {(item.benchmark, item.item_id): item_full_text(item) for item in items}
        for line in format_match_lines(top_matches(result.matches, show), texts):
            typer.echo(line)
