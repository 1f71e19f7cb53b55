"""A strict-enough HTML check with the standard library's parser: tags nest and close, one h1,
headings go down one level at a time, every form control has a label, ids are unique."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag
                and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def heading_levels(self) -> list[tuple[int, str]]:
        """Each heading's level and class, in page order."""
        return [(int(t[1]), a.get("class", "")) for t, a in self.elements
                if len(t) == 2 and t[0] == "h" and t[1] in "123456"]

    def problems(self) -> list[str]:
        out = list(self.errors)
        levels = [level for level, _ in self.heading_levels()]
        out += [f"h{b} after h{a}" for a, b in itertools.pairwise(levels) if b > a + 1]
        if len(self.find("h1")) != 1:
            out.append(f"{len(self.find('h1'))} h1 elements")
        ids = [a["id"] for _, a in self.elements if "id" in a]
        if len(ids) != len(set(ids)):
            out.append("duplicate ids")
        labelled = {a.get("for") for a in self.find("label")}
        for tag in ("input", "select", "textarea"):
            for a in self.find(tag):
                if a.get("type") in ("hidden", "submit"):
                    continue
                if a.get("id") not in labelled and not a.get("aria-label"):
                    out.append(f"unlabelled {tag} {a}")
        if not self.find("html", lang="en-GB"):
            out.append("no lang on html")
        return out
