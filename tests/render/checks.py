"""What "no executable vector" means for sanitised HTML, checked on parsed markup."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from prepdeck.render import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS

FORBIDDEN_TAGS = frozenset(
    {
        "script", "svg", "math", "iframe", "object", "embed", "base", "meta", "form", "style",
        "link", "frame", "frameset", "applet", "template", "button", "textarea", "select",
        "video", "audio", "source", "portal", "noscript", "xmp", "plaintext", "isindex",
    }
)  # fmt: skip
FORBIDDEN_ATTRIBUTES = frozenset(
    {"style", "srcdoc", "formaction", "action", "background", "dynsrc", "lowsrc", "xlink:href"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "data", "poster"})
SAFE_SCHEMES = {"href": {"http", "https", "mailto"}, "src": {"http", "https"}}
#: Browsers drop ASCII tab and newlines anywhere in a URL and C0 controls/space at its ends.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_TAB_ID = re.compile(r"__tabbed_[A-Za-z0-9-]+(?:_\d+)+")
#: A tag in serialised HTML, quoted attribute values may hold ">".
_RAW_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
_RAW_FORBIDDEN = re.compile(
    r"<\s*/?\s*(?:script|svg|math|iframe|object|embed|base|meta|form|style)\b", re.IGNORECASE
)
_RAW_ATTRIBUTE = re.compile(r"[\s/\"'](?:on\w+|style)\s*=", re.IGNORECASE)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, after entity decoding (twice, to be strict)."""
    decoded = _URL_IGNORED.sub("", html.unescape(html.unescape(value))).lower()
    match = _SCHEME.match(decoded)
    return match.group(1) if match else None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS or tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = (
            ALLOWED_ATTRIBUTES["*"]
            | ALLOWED_ATTRIBUTES.get(tag, frozenset())
            | {
                "a": {"rel"},
                "input": {"type"},
                "th": {"align"},
                "td": {"align"},
            }.get(tag, set())
        )
        for name, raw in attrs:
            value = raw or ""
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES or name not in allowed:
                self.problems.append(f"attribute {name}= on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES.get(name, set()):
                    self.problems.append(f"{scheme}: URL in {name}= on <{tag}>")
            if name == "class":
                extra = set(value.split()) - ALLOWED_CLASSES.get(tag, frozenset())
                if extra:
                    self.problems.append(f"class {sorted(extra)} on <{tag}>")
            if name in ("id", "name", "for") and not _TAB_ID.fullmatch(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "type" and (tag, value) != ("input", "radio"):
                self.problems.append(f"type={value!r} on <{tag}>")
            if name == "rel" and (tag != "a" or value != "noopener noreferrer"):
                self.problems.append(f"rel={value!r} on <{tag}>")
        if tag == "a" and ("rel", "noopener noreferrer") not in attrs:
            self.problems.append("<a> without rel=noopener noreferrer")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data}-->")


def unsafe_vectors(markup: str) -> list[str]:
    """Everything in sanitised HTML that could run script or break out of the allow-list."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    problems = collector.problems
    # The same on the raw text, with attribute values blanked (they may quote payloads).
    for tag in _RAW_TAG.findall(markup):
        bare = _QUOTED.sub('""', tag)
        if _RAW_FORBIDDEN.match(bare) or _RAW_ATTRIBUTE.search(bare):
            problems.append(f"raw tag {tag!r}")
    # Outside tags a serialiser escapes every "<": one left over is markup we did not see.
    if "<" in _RAW_TAG.sub("", markup):
        problems.append("unescaped '<' in text")
    return problems
