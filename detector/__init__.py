"""detect: tell whether a language model's benchmark scores are real."""

__version__ = "0.1.0"
