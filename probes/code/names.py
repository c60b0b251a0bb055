"""Other fitting names for identifiers: the words of a snake_case or camelCase name swapped for
synonyms, short names for longer ones. Used by the `code-rename` family."""

from __future__ import annotations

import builtins
import keyword
import random
import re

# fmt: off
SYNONYMS: dict[str, tuple[str, ...]] = {
    "get": ("fetch", "obtain"), "find": ("locate", "search"), "count": ("tally", "number"),
    "check": ("test", "verify"), "is": ("check", "test"), "has": ("contains", "holds"),
    "make": ("build", "create"), "sort": ("order", "arrange"), "sorted": ("ordered", "arranged"),
    "sum": ("total", "tally"), "total": ("sum", "overall"), "max": ("largest", "top"),
    "min": ("smallest", "least"), "largest": ("biggest", "max"), "smallest": ("least", "min"),
    "list": ("seq", "items"), "string": ("text", "chars"), "str": ("text", "chars"),
    "text": ("string", "content"), "word": ("token", "term"), "words": ("tokens", "terms"),
    "number": ("value", "num"), "numbers": ("values", "nums"), "num": ("value", "number"),
    "nums": ("values", "numbers"), "value": ("item", "entry"), "values": ("items", "entries"),
    "element": ("item", "entry"), "elements": ("items", "entries"), "array": ("items", "seq"),
    "arr": ("items", "seq"), "lst": ("items", "seq"), "l": ("items", "seq"), "char": ("letter", "symbol"),
    "chars": ("letters", "symbols"), "letter": ("char", "symbol"), "letters": ("chars", "symbols"),
    "digit": ("numeral", "figure"), "digits": ("numerals", "figures"), "prime": ("primal", "indivisible"),
    "even": ("paired", "divisible"), "odd": ("unpaired", "uneven"), "remove": ("drop", "strip"),
    "filter": ("select", "keep"), "reverse": ("flip", "invert"), "parse": ("read", "decode"),
    "encode": ("encrypt", "transform"), "decode": ("decrypt", "restore"), "separate": ("split", "divide"),
    "split": ("divide", "separate"), "close": ("near", "nearby"), "product": ("multiple", "result"),
    "unique": ("distinct", "different"), "common": ("shared", "joint"), "longest": ("maximal", "biggest"),
    "shortest": ("minimal", "smallest"), "length": ("size", "len"), "len": ("size", "length"),
    "sequence": ("series", "seq"), "index": ("position", "pos"), "idx": ("position", "pos"),
    "pair": ("couple", "duo"), "pairs": ("couples", "duos"), "sub": ("part", "piece"),
    "substring": ("fragment", "piece"), "vowels": ("vowel_chars",), "average": ("mean",),
    "mean": ("average",), "median": ("middle",), "all": ("every",), "any": ("some",),
    "special": ("particular", "unusual"), "valid": ("proper", "correct"), "add": ("append", "plus"),
    "multiply": ("times", "scale"), "divide": ("split", "share"), "move": ("shift", "rotate"),
    "shift": ("move", "rotate"), "rotate": ("shift", "turn"), "triangle": ("trigon",),
    "area": ("surface", "extent"), "car": ("vehicle", "auto"), "balance": ("amount", "funds"),
    "operations": ("steps", "actions"), "grid": ("matrix", "board"), "matrix": ("grid", "table"),
    "dict": ("mapping", "table"), "key": ("label", "name"), "keys": ("labels", "names"),
    "file": ("document", "record"), "name": ("label", "title"), "a": ("x", "first"), "b": ("y", "second"),
    "c": ("z", "third"), "n": ("count", "size"), "m": ("other", "amount"), "k": ("amount", "steps"),
    "x": ("value", "val"), "y": ("other", "val2"), "s": ("text", "chars"), "q": ("items", "weights"),
    "w": ("limit", "weight"), "i": ("pos", "index"), "j": ("other_pos", "index2"),
    "txt": ("text", "content"), "num1": ("first", "left"), "num2": ("second", "right"),
    "threshold": ("limit", "bound"), "delimeter": ("separator", "joiner"),
    "delimiter": ("separator", "joiner"), "paren": ("bracket", "brace"), "brackets": ("parens", "braces"),
    "start": ("begin", "first"), "end": ("finish", "last"), "first": ("initial", "leading"),
    "last": ("final", "trailing"), "left": ("lhs", "first"), "right": ("rhs", "second"),
    "base": ("radix", "root"), "power": ("exponent", "degree"), "planet": ("world", "body"),
    "game": ("match", "round"), "guess": ("attempt", "estimate"), "score": ("points", "mark"),
    "date": ("day", "when"), "fruit": ("produce",), "sentence": ("phrase", "line"),
    "intervals": ("ranges", "spans"), "interval": ("range", "span"), "extensions": ("suffixes",),
    "class": ("category",), "cipher": ("code", "secret"), "strongest": ("mightiest",),
    "closest": ("nearest",), "integer": ("whole", "int"), "integers": ("wholes", "ints"),
    "int": ("whole", "integer"), "float": ("real", "decimal"), "histogram": ("tally", "counts"),
    "below": ("under", "beneath"), "intersperse": ("interleave", "interpose"),
    "times": ("occurrences", "repeats"), "rescale": ("normalize", "renormalize"),
    "unit": ("interval", "range01"), "strlen": ("string_length", "text_len"),
    "factorize": ("decompose", "factor"), "flip": ("swap", "invert"), "case": ("casing", "caps"),
    "concatenate": ("join_all", "glue"), "fib": ("fibonacci", "fibo"), "fib4": ("fibonacci4", "fibo4"),
    "modp": ("mod_power", "pow_mod"), "correct": ("proper", "valid"), "bracketing": ("brackets", "nesting"),
    "monotonic": ("monotone", "ordered"), "derivative": ("derive", "differentiate"),
    "fibfib": ("fib_fib", "fibo_fibo"), "pluck": ("pick", "extract"), "search": ("find", "seek"),
    "fly": ("soar", "float_up"), "iscube": ("is_cube",), "decimal": ("denary", "base10"),
    "binary": ("base2", "bits"), "starts": ("begins", "opens"), "ends": ("finishes", "closes"),
    "solve": ("resolve", "work_out"), "shuffle": ("scramble", "reorder"), "encrypt": ("encode", "cipher"),
    "rounded": ("round", "rounded_off"), "avg": ("mean", "average"), "exchange": ("swap", "trade"),
    "match": ("pair", "fit"), "parens": ("brackets", "braces"), "maximum": ("largest", "greatest"),
    "minimum": ("smallest", "least"), "solution": ("answer", "result"),
    "intersection": ("overlap", "common_span"), "prod": ("product", "multiplied"), "signs": ("polarities",),
    "path": ("route", "walk"), "tri": ("tribonacci", "trib"), "arrange": ("order", "sort"),
    "compare": ("contrast", "weigh"), "one": ("single", "lone"), "fix": ("repair", "mend"),
    "spaces": ("blanks", "gaps"), "simplify": ("reduce", "lower_terms"), "order": ("sort", "arrange"),
    "points": ("scores", "marks"), "double": ("twice", "doubled"), "difference": ("gap", "diff"),
    "eat": ("consume", "munch"), "do": ("perform", "run"), "algebra": ("arithmetic", "expression"),
    "zero": ("nil", "naught"), "many": ("often", "frequently"),
}
# fmt: on
RESERVED = frozenset(keyword.kwlist) | frozenset(dir(builtins)) | {"candidate", "check", "self", "cls"}
_CAMEL_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def name_words(name: str) -> tuple[list[str], bool]:
    """The words of a snake_case or camelCase name, and whether it is camelCase."""
    camel = "_" not in name and name != name.lower() and name[:1].islower()
    return (_CAMEL_WORD.findall(name) if camel else name.split("_")), camel


def has_alternative(name: str) -> bool:
    """Whether some word of `name` has a synonym."""
    return any(word.lower() in SYNONYMS for word in name_words(name)[0])


def _join(words: list[str], camel: bool) -> str:
    if not camel:
        return "_".join(words)
    parts = [part for word in words for part in word.split("_") if part]
    return parts[0].lower() + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def alternative_name(name: str, rng: random.Random, taken: set[str]) -> str | None:
    """Another fitting name for `name` (at least one word swapped for a synonym, in the name's own
    style), not in `taken` and not a keyword or builtin; None when there is none."""
    words, camel = name_words(name)
    choices = [i for i, word in enumerate(words) if word.lower() in SYNONYMS]
    if not choices:
        return None
    for _ in range(8):
        swapped = list(words)
        picks = [i for i in choices if rng.random() < 0.7] or [rng.choice(choices)]
        for i in picks:
            synonym = rng.choice(SYNONYMS[words[i].lower()])
            swapped[i] = synonym.upper() if words[i].isupper() and len(words[i]) > 1 else synonym
        candidate = _join(swapped, camel)
        if candidate != name and candidate.isidentifier() and candidate not in taken | RESERVED:
            return candidate
    return None
