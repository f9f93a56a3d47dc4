"""Small feeds and article pages written for the tests."""

from __future__ import annotations

from xml.sax.saxutils import escape


def rss(items: list[dict[str, str]], title: str = "Loopback News", link: str = "") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>Test feed</description>",
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "pubDate", "description", "author"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8", "xmlcharrefreplace")  # a lone surrogate: &#55296;


def atom(entries: list[dict[str, str]], title: str = "Atom Loopback") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:test:atom</id>",
        "<updated>2026-11-20T10:00:00Z</updated>",
    ]
    for e in entries:
        updated = e.get("updated", "2026-11-20T09:00:00Z")
        parts.append(
            f"<entry><title>{escape(e['title'])}</title><id>{escape(e['id'])}</id>"
            f'<link href="{escape(e["link"])}"/><updated>{updated}'
            f'</updated><summary type="html">{escape(e.get("summary", ""))}</summary></entry>'
        )
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8", "xmlcharrefreplace")  # a lone surrogate: &#55296;


def rdf(items: list[dict[str, str]], title: str = "RDF Loopback") -> bytes:
    lis = "".join(f'<rdf:li rdf:resource="{escape(i["link"])}"/>' for i in items)
    parts = [
        '<?xml version="1.0"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="urn:rdf"><title>{escape(title)}</title><link>http://x/</link>'
        f"<description>d</description><items><rdf:Seq>{lis}</rdf:Seq></items></channel>",
    ]
    for i in items:
        parts.append(
            f'<item rdf:about="{escape(i["link"])}"><title>{escape(i["title"])}</title>'
            f"<link>{escape(i['link'])}</link><dc:date>{i.get('date', '2026-11-19T08:00:00Z')}"
            f"</dc:date><description>{escape(i.get('description', ''))}</description></item>"
        )
    parts.append("</rdf:RDF>")
    return "\n".join(parts).encode("utf-8", "xmlcharrefreplace")  # a lone surrogate: &#55296;


def article_page(title: str, paragraphs: list[str], *, author: str = "Ann Writer") -> bytes:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(title)} | Loopback Times</title>
<meta property="og:title" content="{escape(title)}">
<meta name="author" content="{escape(author)}"></head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">By {escape(author)}</p>
{body}
</article></main>
<footer><p>Copyright 2026 Loopback Times. All rights reserved.</p></footer>
</body></html>""".encode()


LONG_PARAGRAPHS = [
    "The city council voted on Tuesday to expand the network of protected cycle lanes, "
    "after a debate that ran late into the evening and drew hundreds of residents.",
    "Supporters said the lanes would cut traffic injuries and make short trips by bike "
    "practical for families, while opponents worried about parking and deliveries.",
    "“This is the most important transport decision we have made in a decade,” said "
    "Maria Lopez, the council's transport chair. “We listened to everyone.”",
    "The plan will be phased in over three years, beginning with the busiest routes near "
    "schools and the central station, and will be reviewed after the first year.",
]
