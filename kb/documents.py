"""The links in a guidance document, and where each one is: Markdown (`[text](url)`, reference
definitions and bare addresses), HTML (`<a href>`, an embed's `<iframe src>`, and addresses
written as text; read from its `<base href>`), plain text, Word (.docx: hyperlinks, hyperlink
fields and addresses in the text; the paragraph number) and PDF (link annotations and
addresses in the text; the page number)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

# An address written out: up to white space or a character that cannot end one in prose.
BARE_URL = re.compile(r"https?://[^\s<>\"'`\[\]{}|\\^]+", re.IGNORECASE)
MD_INLINE = re.compile(r"\]\(\s*<?([^\s<>()]+(?:\([^\s()]*\)[^\s<>()]*)*)>?")
MD_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*<?([^\s>]+)>?")  # not a footnote
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # shows a picture: no link to follow
WORD_FIELD = re.compile(r'HYPERLINK\s+"([^"]+)"(?:.*?\\l\s+"([^"]+)")?')
TRAILING = ".,;:!?*_'\""


class DocumentError(ValueError):
    """A guidance document that cannot be read."""


class UnsupportedFormat(DocumentError):
    """A file of a kind that kb links does not read."""


@dataclass(frozen=True, order=True)
class Link:
    """A link as written, with where it is: a line (of a text file) or paragraph (of a Word
    document: of its body, or of a `part`, 'header' or 'footer'), or a page (of a PDF)."""
    page: int | None
    line: int | None
    url: str
    part: str = ""

    @property
    def where(self) -> str:
        if self.page is not None:
            return f"page {self.page}"
        return f"{self.part} paragraph {self.line}" if self.part else str(self.line)


def bare_urls(text: str) -> list[str]:
    """The http(s) addresses written in some text, without the punctuation after them (a
    closing bracket is kept when the address opened it, as Wikipedia's do)."""
    found = []
    for match in BARE_URL.finditer(text):
        url = match.group(0)
        while url and (url[-1] in TRAILING or url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        found.append(url)
    return found


def markdown_links(text: str) -> list[Link]:
    found = []
    for number, line in enumerate(text.split("\n"), 1):  # lines as editors number them
        line = MD_IMAGE.sub(" ", line)
        urls = [m.group(1) for m in MD_INLINE.finditer(line)]
        urls += [m.group(1) for m in MD_REFERENCE.finditer(line)]
        # a bare address is also found inside [text](address): once a line is enough
        found += [Link(None, number, url) for url in dict.fromkeys(urls + bare_urls(line))]
    return found


class _Anchors(HTMLParser):
    """Collects <a href>, <area href> and <iframe src> (an embed of the site) with their
    lines, and addresses written as text outside links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Link] = []
        self.in_link = 0
        self.base = ""  # the first <base href>: what the page's relative links are read from

    def handle_starttag(self, tag, attrs):
        if tag == "base" and not self.base:
            self.base = (dict(attrs).get("href") or "").strip()
        if tag in ("a", "area", "iframe"):
            href = dict(attrs).get("src" if tag == "iframe" else "href")
            if href:
                self.found.append(Link(None, self.getpos()[0], href.strip()))
            self.in_link += tag == "a"

    def handle_endtag(self, tag):
        if tag == "a" and self.in_link:
            self.in_link -= 1

    def handle_data(self, data):
        if self.in_link:
            return
        first = self.getpos()[0]
        for offset, line in enumerate(data.split("\n")):
            self.found += [Link(None, first + offset, url) for url in bare_urls(line)]


def html_links(text: str) -> list[Link]:
    """The page's links, those relative to its <base href> read from it as a browser does."""
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    if not parser.base:
        return parser.found
    return [replace(link, url=urljoin(parser.base, link.url)) for link in parser.found]


def text_links(text: str) -> list[Link]:
    return [Link(None, number, url) for number, line in enumerate(text.splitlines(), 1)
            for url in bare_urls(line)]


def docx_links(path: Path) -> list[Link]:
    """Every paragraph's hyperlinks, HYPERLINK fields and written addresses, numbered in the
    order of the document's body (paragraphs in tables and text boxes included)."""
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    parts = [("", document, document.element.body)] + [  # then each section's own headers
        (name.split("_")[-1], hf, hf.part.element) for section in document.sections
        for name in ("header", "first_page_header", "even_page_header", "footer",
                     "first_page_footer", "even_page_footer")
        if not (hf := getattr(section, name)).is_linked_to_previous]
    found = []
    for part, owner, root in parts:
        for number, element in enumerate(root.iter(qn("w:p")), 1):
            paragraph = Paragraph(element, owner)
            urls = [h.url for h in paragraph.hyperlinks if h.url]
            fields = [e.text or "" for e in element.xpath("./w:r/w:instrText")]
            fields += [e.get(qn("w:instr")) or "" for e in element.xpath("./w:fldSimple")]
            for match in WORD_FIELD.finditer(" ".join(fields)):
                urls.append(match.group(1) + (f"#{match.group(2)}" if match.group(2) else ""))
            found += [Link(None, number, url, part) for url in urls + bare_urls(paragraph.text)]
    return found


def pdf_links(path: Path) -> list[Link]:
    """Each page's link annotations that open an address (/URI actions), and the addresses
    in its text."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file's repairs: not news
    reader = PdfReader(str(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise DocumentError(f"{path}: the PDF is protected by a password")
    found = []
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            if annotation.get("/Subtype") == "/Link" and action.get("/S") == "/URI":
                found.append(Link(number, None, str(action.get("/URI", "")).strip()))
        found += [Link(number, None, url) for url in bare_urls(unwrapped(page.extract_text()))]
    return found


def unwrapped(text: str | None) -> str:
    """A PDF page's text with an address that the layout broke after a hyphen made whole
    again ('.../telford-wrekin-' at a line's end, 'ccg-...' on the next)."""
    return re.sub(r"(https?://\S*-)\n(?=[\w/])", r"\1", text or "")


def read_text(path: Path) -> str:
    """A text file's contents: UTF-8 (with or without a BOM), else Windows' own encoding, as
    documents saved from Word or Notepad often are."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


TEXT_READERS = {".md": markdown_links, ".markdown": markdown_links, ".html": html_links,
                ".htm": html_links, ".txt": text_links, ".text": text_links}
FILE_READERS = {".docx": (docx_links, "Word document"), ".pdf": (pdf_links, "PDF")}
FORMATS = ("Markdown (.md), HTML (.html, .htm), plain text (.txt), Word (.docx) and PDF (.pdf)")


def read_links(path: Path) -> list[Link]:
    """The links in a document, each once per line (or paragraph, or page), in order.
    Raises UnsupportedFormat for a kind of file it does not read, DocumentError for one it
    cannot (missing, unreadable, damaged)."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_READERS and suffix not in FILE_READERS:
        kind = f"'{suffix}' files" if suffix else "files without an extension"
        raise UnsupportedFormat(f"{path}: kb links cannot read {kind}; it reads {FORMATS}")
    try:
        text = read_text(path) if suffix in TEXT_READERS else None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if text is not None:
        found = TEXT_READERS[suffix](text)
    else:
        reader, kind = FILE_READERS[suffix]
        try:
            found = reader(path)
        except DocumentError:
            raise
        except Exception as exc:  # a damaged file: its library can fail in any way
            raise DocumentError(f"{path}: not a readable {kind} ({type(exc).__name__}: "
                                f"{exc})") from None
    return sorted(dict.fromkeys(found), key=lambda link: (link.page or 0, link.line or 0))
