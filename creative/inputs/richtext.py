"""Product descriptions written in HTML (Shopify's Body (HTML), WooCommerce's descriptions) as
plain text: one line per block, list items as sentences, scripts and styles dropped.

    html_to_text("<p>Light shoe.</p><ul><li>Mesh upper</li><li>EVA midsole</li></ul>")
    -> "Light shoe.\nMesh upper.\nEVA midsole."

The HTML is parsed by lxml (libxml2's forgiving HTML parser), so broken markup from shop
editors is read the way browsers read it.
"""

from __future__ import annotations

import re

__all__ = ["html_to_text", "looks_like_html"]

_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "td", "th", "tr", "ul",
}
# Blocks that read as items of their own: a sentence each, even without a full stop.
_SENTENCES = {"li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"}
_HIDDEN = {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"}
_END = re.compile(r"[.!?。！？…:;：；]$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]$")


def looks_like_html(text: str) -> bool:
    """True when `text` has tags or character entities: plain text is left as it is."""
    return bool(_TAG.search(text or ""))


def html_to_text(markup: str) -> str:
    """Visible text of `markup`, a line per block; list items, headings and table cells end as
    sentences ('.' or '。' added when they have no end mark). Text without tags or entities is
    returned unchanged. Never raises for malformed HTML."""
    if not looks_like_html(markup):
        return markup
    from lxml import etree, html

    try:
        root = html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup
    lines: list[str] = []
    current: list[str] = []

    def flush(sentence: bool = False) -> None:
        text = re.sub(r"\s+", " ", "".join(current)).strip()
        current.clear()
        if text:
            if sentence and not _END.search(text):
                text += "。" if _CJK.search(text) else "."
            lines.append(text)

    def walk(element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else None  # None: a comment
        if tag in _HIDDEN or tag is None:
            current.append(element.tail or "")
            return
        block = tag in _BLOCKS
        if block:
            flush()
        current.append(element.text or "")
        for child in element:
            walk(child)
        if block:
            flush(sentence=tag in _SENTENCES)
        current.append(element.tail or "")

    walk(root)
    flush()
    return "\n".join(lines)
