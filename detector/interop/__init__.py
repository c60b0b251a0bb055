"""Meet other tools where they are: lm-evaluation-harness task folders and samples, external
variant sets (GSM-Plus, GSM-Symbolic, MMLU-CF-style, a generic layout), Hugging Face datasets.

Each module is imported by the command that needs it; none imports lm-eval or `datasets` at load.
"""
