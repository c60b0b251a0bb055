"""Reading the worked solution: the safe arithmetic evaluator, the `<<expr=result>>` chain, how `####`
follows from it, and the orders its prose states."""
