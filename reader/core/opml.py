"""OPML 2.0 import and export: feeds with titles, categories kept as tags.

Parsing uses lxml with entity resolution, DTD loading and network access all off, and a
huge-tree guard left on. A file is read whole and validated before anything is stored, so an
import is all or nothing.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import lxml.etree as ET

from reader.core.sanitize import TITLE_MAX, canonical_url, is_web_url, sanitize_line, url_problem
from reader.errors import OpmlError

OPML_MAX_BYTES = 20 * 1024 * 1024
OPML_MAX_FEEDS = 100_000


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str
    site_url: str | None
    tags: tuple[str, ...]


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds in an OPML document, deduplicated by URL; raise OpmlError if malformed."""
    if len(data) > OPML_MAX_BYTES:
        raise OpmlError(f"the OPML file is larger than {OPML_MAX_BYTES // (1024 * 1024)} MiB")
    if not data.strip():
        raise OpmlError("the OPML file is empty")
    parser = ET.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )
    try:
        root = ET.fromstring(data, parser)
    except ET.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise OpmlError(f"the OPML file is not well-formed XML{line}: {exc.msg}") from None
    if not isinstance(root.tag, str) or _local(root.tag) != "opml":
        raise OpmlError("the file is XML but not OPML (its root element is not <opml>)")
    body = next((c for c in root if isinstance(c.tag, str) and _local(c.tag) == "body"), None)
    if body is None:
        raise OpmlError("the OPML file has no <body>")
    feeds: dict[str, OpmlFeed] = {}
    bad: list[str] = []

    def walk(node: ET._Element, path: tuple[str, ...]) -> None:
        for child in node:
            if not isinstance(child.tag, str) or _local(child.tag) != "outline":
                continue
            label = sanitize_line(child.get("title") or child.get("text") or "", TITLE_MAX)
            xml_url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            if xml_url:
                if url_problem(xml_url):
                    bad.append(sanitize_line(xml_url, 200))
                    continue
                tags = set(path)
                for cat in (child.get("category") or "").split(","):
                    cat = sanitize_line(cat.strip().strip("/"), 200)
                    if cat:
                        tags.add(cat)
                url = canonical_url(xml_url)
                if label in (xml_url, url):  # no name: the text is the address itself
                    label = ""
                if url in feeds:
                    old = feeds[url]
                    feeds[url] = OpmlFeed(
                        url, old.title, old.site_url, tuple(sorted(set(old.tags) | tags))
                    )
                else:
                    site = child.get("htmlUrl")
                    feeds[url] = OpmlFeed(
                        url,
                        label,
                        site if site and is_web_url(site) else None,
                        tuple(sorted(tags)),
                    )
                if len(feeds) > OPML_MAX_FEEDS:
                    raise OpmlError(f"the OPML file lists more than {OPML_MAX_FEEDS} feeds")
            else:
                walk(child, (*path, label) if label else path)

    walk(body, ())
    if bad:
        more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
        raise OpmlError(
            f"the OPML file has a feed URL that is not a valid http(s) URL: {bad[0]!r}{more}"
        )
    return list(feeds.values())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def build_opml(feeds: Iterable[tuple[str, str, str | None, Sequence[str]]], title: str) -> bytes:
    """An OPML 2.0 document: each feed inside a folder named by one tag, the rest in
    ``category``.

    ``category`` is comma-separated, so a tag that contains a comma is the one chosen as the
    folder; tags round-trip through ``parse_opml`` unchanged (but for a second such tag).
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = email.utils.formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    groups: dict[str, ET._Element] = {}
    for url, feed_title, site_url, tags in feeds:
        parent = body
        rest = [tag for tag in map(sanitize_line, tags) if tag]
        if rest:
            folder = next((t for t in rest if "," in t), rest[0])
            rest.remove(folder)
            if folder not in groups:
                groups[folder] = ET.SubElement(body, "outline", text=folder, title=folder)
            parent = groups[folder]
        # Stored text is sanitised at ingest; again here, so that nothing XML cannot hold
        # (stored by an older version) can make the whole export fail.
        feed_title = sanitize_line(feed_title)
        attrs = {"type": "rss", "text": feed_title or url, "xmlUrl": url}
        if feed_title:
            attrs["title"] = feed_title
        if site_url:
            attrs["htmlUrl"] = site_url
        if rest:
            attrs["category"] = ",".join(rest)
        ET.SubElement(parent, "outline", attrs)
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
