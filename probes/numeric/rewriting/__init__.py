"""Rewriting a numeric variant: the question and solution with the drawn values in their original style."""
