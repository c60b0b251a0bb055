"""Reading the question: its quantities (digits, money, percentages, number words) and the counts,
caps, comparisons and count nouns that constrain a draw."""
