"""Bank markdown to safe HTML: the book's own pipeline, then an allow-list sanitiser.

Banks are untrusted. Markdown is converted by python-markdown with the extensions the
bundled bank's ``mkdocs.yml`` uses (so pages look as the book does), code is highlighted by
Pygments into CSS classes, math is left as ``\\(..\\)``/``\\[..\\]`` text for KaTeX to render
in the browser, and mermaid fences become ``<pre class="mermaid">``. The result then goes
through nh3 with an allow-list of exactly the tags, attributes and classes that pipeline
produces (:data:`ALLOWED_TAGS`, :data:`ALLOWED_ATTRIBUTES`, :data:`ALLOWED_CLASSES`).

What the browser must still do: render math with KaTeX's default ``trust: false`` and
mermaid with ``securityLevel: "strict"``; both read the text of these elements. Diagram text
is hardened first (:func:`harden_mermaid`, on every ``<pre class="mermaid">`` in the output,
whether a fence or raw HTML made it): no ``%%{...}%%`` directives, no interaction statements,
and no ``<`` that starts a tag with attributes (mermaid's own sanitiser would parse it).

The Markdown and nh3 objects are built once per thread and reused (``Markdown.reset``
between calls); every function here is safe to call from any thread.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from typing import Any, Final, TypedDict
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pygments.token import STANDARD_TYPES
from pymdownx.superfences import fence_code_format

from prepdeck.model import Item

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "RenderedItem",
    "harden_mermaid",
    "render_inline",
    "render_item",
    "render_markdown",
]

EXTENSIONS: Final = (
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.arithmatex",
    "pymdownx.highlight",
)

EXTENSION_CONFIGS: Final[dict[str, dict[str, Any]]] = {
    "pymdownx.superfences": {
        "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]
    },
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"use_pygments": True, "noclasses": False},
    # `align="..."` rather than `style="text-align: ..."`: no style attribute survives.
    "tables": {"use_align_attribute": True},
}

#: Tags the pipeline produces, plus a few inline tags authors write as raw HTML.
ALLOWED_TAGS: Final = frozenset(
    {
        "a", "blockquote", "br", "code", "details", "div", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "img", "input", "label", "li", "ol", "p", "pre", "span", "strong",
        "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
        "b", "i", "kbd", "sub", "sup",
    }
)  # fmt: skip

#: Dropped together with everything inside them (other unknown tags keep their text).
DROPPED_WITH_CONTENT: Final = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "textarea", "select", "title", "xmp", "noembed",
        "noframes",
    }
)  # fmt: skip

#: Per-tag attributes; ``class``, ``id``, ``name`` and ``for`` are further filtered by value.
#: nh3 adds ``rel="noopener noreferrer"`` to every link; every ``<input>`` gets
#: ``type="radio"`` whatever it asked for.
ALLOWED_ATTRIBUTES: Final[dict[str, frozenset[str]]] = {
    "*": frozenset({"title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
    "details": frozenset({"open", "class"}),
    "input": frozenset({"id", "name", "checked"}),
    "label": frozenset({"for"}),
    "th": frozenset({"colspan", "class"}),
    "td": frozenset({"class"}),
    **{tag: frozenset({"class"}) for tag in ("div", "span", "p", "pre", "table")},
}

_ALIGN: Final = {"align": {"left", "center", "right"}}

#: Material's admonition types (and its ``inline``/``end`` modifiers).
ADMONITION_TYPES: Final = frozenset(
    {
        "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
        "success", "check", "done", "question", "help", "faq", "warning", "caution",
        "attention", "failure", "fail", "missing", "danger", "error", "bug", "example",
        "quote", "cite", "inline", "end",
    }
)  # fmt: skip

_DIV_CLASSES: Final = frozenset(
    {
        "admonition", "arithmatex", "highlight", "linenodiv",
        "tabbed-set", "tabbed-alternate", "tabbed-labels", "tabbed-content", "tabbed-block",
    }
)  # fmt: skip

#: Class names kept per tag; any other class token is removed.
ALLOWED_CLASSES: Final[dict[str, frozenset[str]]] = {
    "div": _DIV_CLASSES | ADMONITION_TYPES,
    "details": ADMONITION_TYPES,
    "p": frozenset({"admonition-title"}),
    "pre": frozenset({"mermaid"}),
    "span": frozenset({"arithmatex", "hll", "normal", "linenos", "special", "filename"})
    | frozenset(c for c in STANDARD_TYPES.values() if c),
    "table": frozenset({"highlighttable"}),
    "td": frozenset({"linenos", "code"}),
    "th": frozenset({"filename"}),
}

_URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES: Final = frozenset({"http", "https"})
#: Browsers ignore tabs and newlines anywhere in a URL and controls and spaces at its ends.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_TAB_ID = re.compile(r"__tabbed_[A-Za-z0-9-]+(?:_\d+)+")
_SCOPE_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
#: Nesting beyond these makes python-markdown slow (seconds) or recurse too deep; no bank needs it.
MAX_INDENT_COLUMNS: Final = 256
MAX_QUOTE_DEPTH: Final = 32
_LINE_PREFIX = re.compile(r"^[ \t>]+", re.MULTILINE)
_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!<p>|</p>).)*)</p>", re.DOTALL)
#: Any tag in nh3's output (attribute values are double-quoted; text has ``<`` escaped).
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
#: ``%%{init: ...}%%`` and other directives (mermaid also reads one that is never closed).
_MERMAID_DIRECTIVE = re.compile(r"%%\{.*?(?:\}%%|\Z)", re.DOTALL)
#: Statements that attach links or callbacks to a diagram (flowchart, class, gantt, sequence).
_MERMAID_INTERACTION = re.compile(
    r"(^|[;\n])[ \t]*(?:click|callback|href|links?)[ \t][^;\n]*;?", re.IGNORECASE
)
#: A ``<`` a browser would read as the start of a tag, comment or declaration...
_MERMAID_TAG_OPEN = re.compile(r"<(?=[A-Za-z!/?])")
#: ...except a bare tag such as ``<br>``, ``<br/>`` or ``</b>``: no attribute, nothing to run.
_MERMAID_BARE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*[ \t]*/?>")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 callback, after its tag, attribute and URL-scheme checks: filter by value."""
    if attribute == "class":
        allowed = ALLOWED_CLASSES.get(tag, frozenset())
        kept = [c for c in value.split() if c in allowed]
        return " ".join(kept) if kept else None
    if attribute in ("id", "name", "for"):
        return value if _TAB_ID.fullmatch(value) else None
    if attribute in ("checked", "open"):
        return attribute
    if attribute in ("href", "src"):
        return (
            value if _is_safe_url(value, _IMAGE_SCHEMES if tag == "img" else _URL_SCHEMES) else None
        )
    return value


def _is_safe_url(url: str, schemes: frozenset[str]) -> bool:
    """No disallowed scheme, even after more decoding than a browser would do.

    nh3 has already checked the scheme as a browser reads it; this also drops relative-looking
    URLs such as ``javascript&#58;...`` or ``javascript%3A...`` that hide a scheme one decoding
    away, in case a later step (a template filter, a copy-paste) decodes them again.
    """
    decoded = url
    for _ in range(3):
        decoded = unquote(html.unescape(decoded))
    match = _SCHEME.match(_URL_IGNORED.sub("", decoded).lower())
    return match is None or match.group(1) in schemes


class _ScopeTabIds(Treeprocessor):  # type: ignore[misc]
    """Put a scope into pymdownx.tabbed's ``__tabbed_N_M`` ids.

    Every render restarts tabbed's counter at 1, so two fragments on one page would share
    ids and a label would switch the other fragment's tabs.
    """

    scope = ""

    def run(self, root: Element) -> None:
        prefix = f"__tabbed_{self.scope}_"
        for element in root.iter():
            for attribute in ("id", "name", "for"):
                value = element.get(attribute)
                if value is not None and value.startswith("__tabbed_"):
                    element.set(attribute, prefix + value.removeprefix("__tabbed_"))


class _ScopeExtension(Extension):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.processor: _ScopeTabIds | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.processor = _ScopeTabIds(md)
        md.treeprocessors.register(self.processor, "prepdeck_tab_scope", 1)


class _Pipeline:
    """One configured Markdown and sanitiser; used by a single thread at a time."""

    def __init__(self) -> None:
        self.scoper = _ScopeExtension()
        self.md = markdown.Markdown(
            extensions=[*EXTENSIONS, self.scoper],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
        self.cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            tag_attribute_values={"th": _ALIGN, "td": _ALIGN},
            set_tag_attribute_values={"input": {"type": "radio"}},
            attribute_filter=_filter_attribute,
            url_schemes=set(_URL_SCHEMES),
            link_rel="noopener noreferrer",
            strip_comments=True,
        )

    def render(self, text: str, scope: str) -> str:
        assert self.scoper.processor is not None
        self.scoper.processor.scope = scope
        self.md.reset()
        try:
            if _too_deep(text):
                raise RecursionError
            converted: str = self.md.convert(text)
        except RecursionError:
            # Pathological nesting (hundreds of `>` or list levels): show the source instead.
            converted = f"<pre><code>{html.escape(text)}</code></pre>"
        return _harden_mermaid_blocks(self.cleaner.clean(converted))


def harden_mermaid(text: str) -> str:
    """Diagram text with nothing in it for mermaid to act on beyond drawing.

    Drops ``%%{...}%%`` directives (config stays the page's) and ``click``/``callback``/
    ``href``/``link``/``links`` statements, and writes every ``<`` that would start a tag
    with attributes (``<img src=x onerror=...>``) as mermaid's ``#lt;``, so it is drawn as
    text: mermaid's DOMPurify would otherwise parse it, which under the CSP shows as a
    blocked inline event handler even though nothing runs. Bare tags such as ``<br>`` stay.
    """
    text = _MERMAID_DIRECTIVE.sub("", text)
    text = _MERMAID_INTERACTION.sub(r"\1", text)
    parts = []
    pos = 0
    for match in _MERMAID_TAG_OPEN.finditer(text):
        if _MERMAID_BARE_TAG.match(text, match.start()):
            continue
        parts.append(text[pos : match.start()] + "#lt;")
        pos = match.end()
    parts.append(text[pos:])
    return "".join(parts)


def _harden_mermaid_blocks(cleaned: str) -> str:
    """Rewrite each ``<pre class="mermaid">`` as ``<pre class="mermaid"><code>`` + hardened text.

    The text is what the browser would see as the element's text (tags dropped, entities
    decoded), so raw HTML that makes such a ``<pre>`` is covered as well as a fence.
    """
    if 'class="mermaid"' not in cleaned:
        return cleaned
    out = []
    pos = 0
    tags = _TAG.finditer(cleaned)
    for tag in tags:
        closing, name = tag.group(1), tag.group(2).lower()
        if closing or name != "pre" or ' class="mermaid"' not in tag.group(0):
            continue
        depth = 1
        end = close = len(cleaned)
        for inner in tags:
            if inner.group(2).lower() != "pre":
                continue
            depth += -1 if inner.group(1) else 1
            if depth == 0:
                end, close = inner.start(), inner.end()
                break
        text = html.unescape(_TAG.sub("", cleaned[tag.end() : end]))
        out.append(cleaned[pos : tag.start()])
        hardened = html.escape(harden_mermaid(text), quote=False)
        out.append(f'<pre class="mermaid"><code>{hardened}</code></pre>')
        pos = close
    out.append(cleaned[pos:])
    return "".join(out)


def _too_deep(text: str) -> bool:
    for match in _LINE_PREFIX.finditer(text):
        prefix = match.group(0)
        if prefix.count(">") > MAX_QUOTE_DEPTH or len(prefix.expandtabs(4)) > MAX_INDENT_COLUMNS:
            return True
    return False


_local = threading.local()


def _pipeline() -> _Pipeline:
    pipeline: _Pipeline | None = getattr(_local, "pipeline", None)
    if pipeline is None:
        pipeline = _local.pipeline = _Pipeline()
    return pipeline


def _scope_of(text: str, scope: str | None) -> str:
    if scope is None:
        return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=4).hexdigest()
    return _SCOPE_UNSAFE.sub("-", scope).strip("-") or "x"


def render_markdown(text: str, *, scope: str | None = None) -> str:
    """Render untrusted bank markdown to sanitised HTML (a fragment, no ``<html>``).

    ``scope`` goes into the ids of content tabs so that several fragments can share a page;
    it defaults to a short hash of ``text``. Characters outside ``[A-Za-z0-9-]`` are replaced.
    Never raises for any input string.
    """
    return _pipeline().render(text, _scope_of(text, scope))


def render_inline(text: str, *, scope: str | None = None) -> str:
    """Like :func:`render_markdown` but without the ``<p>`` around a single paragraph.

    For short texts shown inside other elements: hints, key points, titles.
    """
    rendered = render_markdown(text, scope=scope).strip()
    match = _ONE_PARAGRAPH.fullmatch(rendered)
    return match.group(1) if match else rendered


class RenderedItem(TypedDict):
    id: str
    question_html: str
    answer_html: str
    hints_html: list[str]
    references_html: list[str]


def render_item(item: Item) -> RenderedItem:
    """Sanitised HTML for an item's question, answer, hints and references.

    Tab ids are scoped by the item id, so any number of items can be shown on one page.
    References are links (``<a href=... rel="noopener noreferrer">label</a>``); a URL that is
    not allowed leaves an ``<a>`` without ``href``.
    """
    return {
        "id": item.id,
        "question_html": render_markdown(item.question, scope=f"{item.id}-q"),
        "answer_html": render_markdown(item.answer, scope=f"{item.id}-a"),
        "hints_html": [
            render_inline(hint, scope=f"{item.id}-h{n}") for n, hint in enumerate(item.hints)
        ],
        "references_html": [
            _pipeline().cleaner.clean(
                f'<a href="{html.escape(ref.url)}">{html.escape(ref.label)}</a>'
            )
            for ref in item.references
        ],
    }
