"""`numeric`: resample a GSM8K-style item's numbers and recompute its gold by re-executing the
solution's `<<expr=result>>` chain. Its stages, in the order a variant is made:

- `solution/`: read the worked solution (safe arithmetic, the annotation chain, how `####` follows);
- `question/`: read the question's quantities and what constrains them (caps, counts, comparisons);
- `template/`: explain every solution literal by its sources and re-execute the chain exactly;
- `drawing/`: draw new values (ranges, float screen, exact check, the sampler);
- `rewriting/`: write the question and solution with the new values in their original style.

`probe.py` ties the stages into the family's probe; `gold.py` is its gold check.
"""

from probes.numeric.gold import check_numeric_gold
from probes.numeric.probe import NumericProbe

__all__ = ["NumericProbe", "check_numeric_gold"]
