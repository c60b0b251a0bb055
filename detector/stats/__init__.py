"""Statistics: paired tests, cluster bootstrap, FDR, calibration, memorization signals, verdict."""
