"""A minimal YAML writer for lm-eval task files: block mappings and lists, JSON-quoted scalars.

JSON strings, numbers, booleans and null are valid YAML scalars, so every value is written with
`json.dumps`; no YAML library is needed to export (lm-eval brings PyYAML to read it back).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(inner, Mapping | list | tuple) and inner:
                out.append(f"{pad}{key}:")
                out.extend(_lines(inner, indent + 2))
            else:
                out.append(f"{pad}{key}: {_empty(inner) if _is_empty(inner) else _scalar(inner)}")
        return out
    for inner in value:
        if isinstance(inner, Mapping) and inner:
            nested = _lines(inner, indent + 2)
            out.append(f"{pad}- {nested[0].lstrip()}")
            out.extend(nested[1:])
        else:
            out.append(f"{pad}- {_scalar(inner)}")
    return out


def _is_empty(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple) and not value


def _empty(value: Any) -> str:
    return "{}" if isinstance(value, Mapping) else "[]"


def dump_yaml(data: Mapping[str, Any] | Sequence[Any]) -> str:
    """`data` as block-style YAML text ending in a newline."""
    return "\n".join(_lines(data, 0)) + "\n"
