"""The facet layer: sets of entries as bitsets (one bit per document number), counted with a
popcount. Facet counts (each facet counted as if its own filter were off), the advice when
filters leave nothing, the principle x sector coverage and related entries all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kb.taxonomy import FACETS, Taxonomy


def bitset(docnums, size: int) -> int:
    """The bitset of some document numbers (all below `size`): any iterable, or an array."""
    if not isinstance(docnums, np.ndarray):
        docnums = np.fromiter(docnums, np.intp)
    present = np.zeros(size, bool)
    present[docnums] = True
    return int.from_bytes(np.packbits(present, bitorder="little").tobytes(), "little")


def as_vector(mask: int, size: int) -> np.ndarray:
    """A bitset as a vector of booleans indexed by document number (bitset's inverse)."""
    raw = np.frombuffer(mask.to_bytes((size >> 3) + 1, "little"), np.uint8)
    return np.unpackbits(raw, count=size, bitorder="little").view(bool)


_BITS = [tuple(b for b in range(8) if byte >> b & 1) for byte in range(256)]


def members(mask: int) -> list[int]:
    """The document numbers in a bitset, in order."""
    raw = mask.to_bytes((mask.bit_length() >> 3) + 1, "little")
    return [(i << 3) + b for i, byte in enumerate(raw) if byte for b in _BITS[byte]]


def in_order(order: list[int], mask: int, size: int, backwards: bool = False):
    """The document numbers in a bitset, in a precomputed order (or its reverse)."""
    member = mask.to_bytes((size >> 3) + 1, "little")
    return (d for d in (reversed(order) if backwards else order)
            if member[d >> 3] >> (d & 7) & 1)


def union(masks) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def tagged(masks: dict[str, int], slugs) -> int:
    """The entries tagged with any of the terms (`masks`: term -> bitset, one facet)."""
    return union(masks.get(s, 0) for s in slugs)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def count_facets(masks: dict[str, dict[str, int]], taxonomy: Taxonomy, base: int,
                 selected: dict[str, tuple[str, ...]]) -> tuple[int, dict, list]:
    """(the entries in `base` that pass every filter, facet -> [FacetValue], relaxations).

    Each facet is counted with its own filter off, so a commissioner sees what widening a
    selection would give. When nothing passes, each relaxation (facet, value, total) says how
    many results removing that one filter value would give."""
    chosen = {facet: tagged(masks[facet], selected[facet]) for facet in FACETS
              if selected.get(facet)}
    final = base
    for m in chosen.values():
        final &= m
    facets, relaxations = {}, []
    for facet in FACETS:
        others = base
        for other, m in chosen.items():
            if other != facet:
                others &= m
        if not final:
            for value in selected.get(facet, ()):
                rest = [v for v in selected[facet] if v != value]
                widened = others & tagged(masks[facet], rest) if rest else others
                relaxations.append((facet, value, widened.bit_count()))
        facets[facet] = [
            FacetValue(slug, term.label, (others & masks[facet].get(slug, 0)).bit_count(),
                       slug in selected.get(facet, ()))
            for slug, term in taxonomy[facet].terms.items()
        ]
    return final, facets, relaxations


def coverage(masks: dict[str, dict[str, int]], rows: str, columns: str, among: int = -1) -> dict:
    """row term -> column term -> number of entries (`among` those given) tagged with both."""
    return {r: {c: (rm & cm & among).bit_count() for c, cm in masks[columns].items()}
            for r, rm in masks[rows].items()}
