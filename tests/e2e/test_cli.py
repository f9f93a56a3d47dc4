"""End-to-end: the real ``newsreader`` command against a loopback server and a temp database."""

from __future__ import annotations

import codecs
import json
import random
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SHARED, LoopbackServer, Route
from tests.feeds import LONG_PARAGRAPHS, article_page, atom, rdf, rss
from tests.metrics import token_f1


def _items(server: LoopbackServer, n: int, prefix: str = "story") -> list[dict[str, str]]:
    items = []
    for i in range(n):
        path = f"/{prefix}/{i}"
        server.add(
            path,
            article_page(f"Council story {i}", LONG_PARAGRAPHS),
            content_type="text/html; charset=utf-8",
        )
        items.append(
            {
                "title": f"Council story {i}",
                "link": server.url(path),
                "guid": f"{prefix}-{i}",
                "pubDate": f"Mon, {10 + i:02d} Nov 2026 09:00:00 GMT",
                "description": f"Short summary {i}.",
            }
        )
    return items


def _db_rows(db_path: Path, sql: str) -> list[tuple]:
    if not db_path.exists():
        return []
    with sqlite3.connect(db_path) as db:
        try:
            return db.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []


def _feed_list(cli) -> list[dict]:
    result = cli("list", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_help_lists_every_command(cli) -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in ("add", "list", "remove", "refresh", "import", "export", "search", "analyze"):
        assert command in result.stdout
    result = cli("refresh", "--help")
    assert "--no-full-text" in result.stdout


def test_add_rss_then_list_and_refresh_extracts_pages(cli, server, db_path) -> None:
    url = server.add("/feed.xml", rss(_items(server, 3)))
    result = cli("add", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added Loopback News (3 articles)"
    feeds = _feed_list(cli)
    assert len(feeds) == 1
    assert {"id", "url", "title", "articles", "unread", "last_refreshed", "last_error"} <= set(
        feeds[0]
    )
    assert feeds[0]["articles"] == 3 and feeds[0]["unread"] == 3
    assert feeds[0]["url"] == url

    result = cli("refresh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("1 feed, 0 new articles")
    rows = _db_rows(db_path, "SELECT text, text_source FROM articles ORDER BY id")
    assert len(rows) == 3
    for text, source in rows:
        assert source == "page"
        assert "protected cycle lanes" in text
        assert "Copyright" not in text
        assert "\n\n" in text  # paragraphs kept


@pytest.mark.parametrize(
    ("kind", "body", "title"),
    [
        ("atom", "atom", "Atom Loopback"),
        ("rdf", "rdf", "RDF Loopback"),
    ],
)
def test_add_atom_and_rdf(cli, server, kind: str, body: str, title: str) -> None:
    links = [server.url(f"/{kind}/{i}") for i in range(2)]
    if body == "atom":
        data = atom([{"title": f"A{i}", "id": f"urn:a{i}", "link": u} for i, u in enumerate(links)])
        ctype = "application/atom+xml"
    else:
        data = rdf([{"title": f"R{i}", "link": u} for i, u in enumerate(links)])
        ctype = "application/rdf+xml"
    url = server.add(f"/{kind}.xml", data, content_type=ctype)
    result = cli("add", url, "--no-fetch")
    assert result.returncode == 0
    result = cli("refresh", "--no-full-text")
    assert result.returncode == 0, result.stderr
    feeds = _feed_list(cli)
    assert feeds[0]["title"] == title
    assert feeds[0]["articles"] == 2


def test_add_json_feed(cli, server) -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON Loopback",
        "items": [{"id": "j1", "url": server.url("/j1"), "title": "First", "content_text": "Hi"}],
    }
    url = server.add("/feed.json", json.dumps(doc).encode(), content_type="application/feed+json")
    result = cli("add", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added JSON Loopback (1 article)"


def test_add_web_page_discovers_feeds(cli, server) -> None:
    server.add("/first.xml", rss(_items(server, 1), title="First Feed"))
    server.add("/second.xml", rss(_items(server, 2, "b"), title="Second Feed"))
    page = b"""<html><head><title>Site</title>
    <link rel="alternate" type="application/rss+xml" href="/first.xml" title="one">
    <link rel="alternate" type="application/atom+xml" href="/second.xml" title="two">
    </head><body><p>hello</p></body></html>"""
    url = server.add("/", page, content_type="text/html; charset=utf-8")
    result = cli("add", url)
    assert result.returncode == 0, result.stderr
    assert "Added First Feed (1 article)" in result.stdout
    assert server.url("/second.xml") in result.stdout
    assert [f["url"] for f in _feed_list(cli)] == [server.url("/first.xml")]


def test_add_discovers_feeds_relative_to_base_href(cli, server) -> None:
    server.add("/other/feed.xml", rss(_items(server, 1), title="Based Feed"))
    page = b"""<html><head><base href="/other/">
    <link rel="alternate" type="application/rss+xml" href="feed.xml">
    </head><body><p>hello</p></body></html>"""
    server.add("/sub/page", page, content_type="text/html")
    server.routes["/start"] = Route(302, {"Location": "/sub/page"}, b"")
    result = cli("add", server.url("/start"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added Based Feed (1 article)"
    assert [f["url"] for f in _feed_list(cli)] == [server.url("/other/feed.xml")]
    assert not server.hits("/sub/feed.xml")


def test_add_existing_feed_says_so(cli, server) -> None:
    url = server.add("/feed.xml", rss(_items(server, 1)))
    assert cli("add", url).returncode == 0
    result = cli("add", url)
    assert result.returncode == 0
    assert "Already there" in result.stdout
    # The same feed reached through a redirect is the same feed.
    server.routes["/old"] = Route(301, {"Location": url}, b"")
    result = cli("add", server.url("/old"))
    assert result.returncode == 0
    assert "Already there" in result.stdout
    assert len(_feed_list(cli)) == 1


def test_add_no_fetch_contacts_nobody(cli, server) -> None:
    url = server.url("/never.xml")
    result = cli("add", url, "--no-fetch", "--title", "Later")
    assert result.returncode == 0
    assert server.requests == []
    assert _feed_list(cli)[0]["url"] == url


def _refusal_cases(server: LoopbackServer) -> list[tuple[str, list[str], str]]:
    closed = LoopbackServer()
    closed_url = closed.url("/feed.xml")
    closed.close()

    def slow(wfile) -> None:
        time.sleep(5)

    server.routes["/slow"] = Route(200, {"Content-Type": "application/rss+xml"}, slow)
    server.add("/big", b"<rss>" + b" " * (11 * 1024 * 1024) + b"</rss>")
    server.add("/gone", b"nope", status=404, content_type="text/plain")
    server.add(
        "/page",
        b"<html><head><title>x</title></head><body>hi</body></html>",
        content_type="text/html",
    )
    server.add("/junk", b"this is not a feed at all", content_type="text/plain")
    server.routes["/always304"] = Route(304, {}, b"")
    server.routes["/busy"] = Route(503, {"Retry-After": "3600"}, b"")
    return [
        ("malformed", ["not a url"], "malformed URL"),
        ("scheme", ["ftp://example.com/feed.xml"], "unsupported URL scheme"),
        ("dns", ["http://no-such-host.invalid/feed.xml"], "could not resolve host"),
        ("refused", [closed_url], "refused the connection"),
        ("status", [server.url("/gone")], "404 Not Found"),
        ("timeout", [server.url("/slow"), "--timeout", "1"], "timed out"),
        ("oversized", [server.url("/big")], "too large"),
        ("no-feed", [server.url("/page")], "no feed"),
        ("not-a-feed", [server.url("/junk")], "not an RSS, Atom, RDF or JSON feed"),
        ("304", [server.url("/always304")], "304 Not Modified to a request without validators"),
        ("retry-after", [server.url("/busy")], "asked to retry after 3600 s"),
    ]


def test_add_refusals_exit_1_name_the_cause_and_store_nothing(cli, server, db_path) -> None:
    assert cli("add", "http://127.0.0.1:9/keep.xml", "--no-fetch").returncode == 0
    before = _db_rows(db_path, "SELECT * FROM feeds")
    for name, args, cause in _refusal_cases(server):
        result = cli("add", *args)
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert cause in lines[0], (name, lines[0])
        assert "Traceback" not in result.stderr
        assert _db_rows(db_path, "SELECT * FROM feeds") == before, name
        assert _db_rows(db_path, "SELECT COUNT(*) FROM articles") == [(0,)], name


def test_conditional_get_and_read_state(cli, server, db_path) -> None:
    items = _items(server, 2)
    state = {"body": rss(items), "etag": '"v1"'}

    def feed(req) -> Route:
        if req.headers.get("if-none-match") == state["etag"]:
            return Route(304, {"ETag": state["etag"]}, b"")
        return Route(
            200,
            {
                "Content-Type": "application/rss+xml",
                "ETag": state["etag"],
                "Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT",
            },
            state["body"],
        )

    server.routes["/feed.xml"] = feed
    assert cli("add", server.url("/feed.xml")).returncode == 0
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE articles SET read = 1 WHERE link LIKE '%/story/0'")
    result = cli("refresh", "--no-full-text")
    assert result.returncode == 0
    second = server.hits("/feed.xml")[-1]
    assert second.headers.get("if-none-match") == '"v1"'
    assert second.headers.get("if-modified-since") == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert _db_rows(db_path, "SELECT COUNT(*) FROM articles") == [(2,)]

    # The entry changes: it is updated in place and keeps its read flag.
    items[0]["title"] = "Council story 0, updated"
    state["body"], state["etag"] = rss(items), '"v2"'
    assert cli("refresh", "--no-full-text").returncode == 0
    rows = _db_rows(db_path, "SELECT title, read FROM articles WHERE link LIKE '%/story/0'")
    assert rows == [("Council story 0, updated", 1)]
    assert _db_rows(db_path, "SELECT COUNT(*) FROM articles") == [(2,)]


def test_permanent_redirect_updates_url(cli, server) -> None:
    new = server.add("/new.xml", rss(_items(server, 1)))
    assert cli("add", server.url("/old.xml"), "--no-fetch").returncode == 0
    server.routes["/old.xml"] = Route(301, {"Location": new}, b"")
    assert cli("refresh", "--no-full-text").returncode == 0
    assert _feed_list(cli)[0]["url"] == new


def test_retry_after_on_503(cli, server) -> None:
    calls = Counter()

    def flaky(req) -> Route:
        calls["n"] += 1
        if calls["n"] == 1:
            return Route(503, {"Retry-After": "1"}, b"busy")
        return Route(200, {"Content-Type": "application/rss+xml"}, rss(_items(server, 1)))

    server.routes["/flaky.xml"] = flaky
    result = cli("add", server.url("/flaky.xml"))
    assert result.returncode == 0, result.stderr
    assert calls["n"] == 2


def test_refresh_errors_are_stored_and_exit_status(cli, server) -> None:
    good = server.add("/good.xml", rss(_items(server, 1)))
    cli("add", good, "--no-fetch")
    cli("add", server.url("/missing.xml"), "--no-fetch")
    result = cli("refresh", "--no-full-text")
    assert result.returncode == 0
    assert "2 feeds, 1 new article, 1 error" in result.stdout
    feeds = {f["url"]: f for f in _feed_list(cli)}
    assert "404" in feeds[server.url("/missing.xml")]["last_error"]
    assert feeds[good]["last_error"] is None
    assert feeds[good]["last_refreshed"]
    cli("remove", good)
    result = cli("refresh", "--no-full-text")
    assert result.returncode == 1


def test_refresh_named_feed_and_remove_by_id(cli, server) -> None:
    a = server.add("/a.xml", rss(_items(server, 1, "a"), title="A"))
    b = server.add("/b.xml", rss(_items(server, 2, "b"), title="B"))
    cli("add", a, "--no-fetch")
    cli("add", b, "--no-fetch")
    assert cli("refresh", b, "--no-full-text").returncode == 0
    assert server.hits("/a.xml") == []
    feeds = {f["url"]: f for f in _feed_list(cli)}
    assert feeds[b]["articles"] == 2
    result = cli("remove", str(feeds[b]["id"]))
    assert result.returncode == 0
    assert [f["url"] for f in _feed_list(cli)] == [a]
    assert cli("remove", "999").returncode == 1


def test_full_text_falls_back_to_feed_content(cli, server, db_path) -> None:
    items = [
        {
            "title": "Broken page",
            "link": server.url("/broken"),
            "guid": "broken",
            "description": "<p>The feed's own text is what remains.</p>",
        }
    ]
    server.add("/broken", b"", status=500, content_type="text/html")
    cli("add", server.add("/feed.xml", rss(items)), "--no-fetch")
    assert cli("refresh").returncode == 0
    rows = _db_rows(db_path, "SELECT text, text_source, extract_error FROM articles")
    assert rows[0][0] == "The feed's own text is what remains."
    assert rows[0][1] == "feed"
    assert "500" in rows[0][2]


def test_search_finds_best_matches_first(cli, server) -> None:
    items = [
        {
            "title": "Budget vote delayed",
            "link": server.url("/x1"),
            "guid": "1",
            "description": "The budget vote was delayed again.",
        },
        {
            "title": "Weather",
            "link": server.url("/x2"),
            "guid": "2",
            "description": "Sunny, and the budget office was closed.",
        },
    ]
    cli("add", server.add("/feed.xml", rss(items)))
    result = cli("search", "budget", "--json")
    assert result.returncode == 0
    hits = json.loads(result.stdout)
    assert [h["title"] for h in hits] == ["Budget vote delayed", "Weather"]
    assert json.loads(cli("search", "nothing-like-this", "--json").stdout) == []


def test_opml_round_trip(cli, tmp_path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
        <outline text="Tech" title="Tech">
          <outline type="rss" text="Feed One" xmlUrl="https://one.example/rss"
            htmlUrl="https://one.example/"/>
          <outline type="rss" text="Feed Two" xmlUrl="https://two.example/atom"
            category="/Science,Daily"/>
        </outline>
        <outline type="rss" text="Loose" xmlUrl="http://three.example/feed"/>
        </body></opml>""",
        encoding="utf-8",
    )
    result = cli("import", str(opml))
    assert result.returncode == 0, result.stderr
    assert "Imported 3 feeds" in result.stdout
    out = tmp_path / "out.opml"
    assert cli("export", str(out)).returncode == 0
    # Import the export into a fresh database: same URLs, titles and categories.
    other = tmp_path / "other.db"
    assert cli("import", str(out), env={"NEWSREADER_DB": str(other)}).returncode == 0
    first = {(f["url"], f["title"], tuple(f["tags"])) for f in _feed_list(cli)}
    again = json.loads(cli("list", "--json", env={"NEWSREADER_DB": str(other)}).stdout)
    assert {(f["url"], f["title"], tuple(f["tags"])) for f in again} == first
    assert ("https://two.example/atom", "Feed Two", ("Daily", "Science", "Tech")) in first


def test_opml_thousand_feeds_and_duplicates(cli, tmp_path) -> None:
    outlines = "".join(
        f'<outline type="rss" text="F{i}" xmlUrl="https://f{i % 1000}.example/rss"/>'
        for i in range(3000)
    )
    path = tmp_path / "big.opml"
    path.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    result = cli("import", str(path))
    assert result.returncode == 0, result.stderr
    assert "Imported 1,000 feeds" in result.stdout
    assert len(_feed_list(cli)) == 1000


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        ('<opml version="2.0"><body><outline xmlUrl="https://a.example/"></body>', "line"),
        ("<html><body>not opml</body></html>", "not OPML"),
        ("", "empty"),
        (
            '<opml><body><outline xmlUrl="https://ok.example/rss"/>'
            '<outline xmlUrl="file:///etc/passwd"/></body></opml>',
            "not a valid http(s) URL",
        ),
    ],
)
def test_malformed_opml_is_refused_whole(cli, tmp_path, db_path, content: str, cause: str) -> None:
    path = tmp_path / "bad.opml"
    path.write_text(content, encoding="utf-8")
    result = cli("import", str(path))
    assert result.returncode == 1
    assert cause in result.stderr
    assert _db_rows(db_path, "SELECT COUNT(*) FROM feeds") in ([], [(0,)])


def test_analyze_txt_and_html(cli, tmp_path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_bytes("First paragraph.\r\n\r\nSecond “quoted” paragraph.\r\n".encode())
    html = tmp_path / "b.html"
    html.write_bytes(article_page("Lanes approved", LONG_PARAGRAPHS))
    result = cli("analyze", str(txt), str(html), str(tmp_path / "missing.txt"), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    keys = {"source", "title", "author", "published", "text", "quotes", "people", "error"}
    assert all(set(r) == keys for r in records)
    assert records[0]["text"] == "First paragraph.\n\nSecond “quoted” paragraph.\n"
    assert records[1]["title"] == "Lanes approved"
    assert "protected cycle lanes" in records[1]["text"]
    assert records[2]["error"] and "cannot read" in records[2]["error"]
    for q in records[1]["quotes"]:
        assert records[1]["text"][q["start"] : q["end"]] == q["text"]


def test_analyze_decodes_unlabelled_legacy_bytes_and_utf16(cli, server, tmp_path) -> None:
    accented = "Ren\u00e9e Dupr\u00e9 said the caf\u00e9 would reopen \u2013 \u201csoon\u201d."
    paragraphs = [*LONG_PARAGRAPHS, accented]
    page = article_page("Cr\u00e8me br\u00fbl\u00e9e", paragraphs).decode()
    page = page.replace('<meta charset="utf-8">', "")
    url = server.add("/latin.html", page.encode("cp1252"), content_type="text/html")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(codecs.BOM_UTF16_LE + f"First.\n\n{accented}\n".encode("utf-16-le"))
    cp1252 = tmp_path / "cp1252.txt"
    cp1252.write_bytes(f"First.\n\n{accented}\n".encode("cp1252"))
    result = cli("analyze", "--json", url, str(utf16), str(cp1252))
    assert result.returncode == 0, result.stderr
    page_record, utf16_record, cp1252_record = map(json.loads, result.stdout.splitlines())
    assert page_record["error"] is None
    assert page_record["title"] == "Cr\u00e8me br\u00fbl\u00e9e"
    assert accented in page_record["text"] and "\ufffd" not in page_record["text"]
    assert utf16_record["text"] == f"First.\n\n{accented}\n"
    assert cp1252_record["text"] == f"First.\n\n{accented}\n"


def test_refresh_keeps_the_feed_text_for_pdf_binary_pages(cli, server, db_path) -> None:
    """A PDF, or random bytes served as HTML, is refused with the reason; the feed text stays."""
    noise = random.Random(6).randbytes(30_000)
    pages = {
        "pdf": ("application/pdf", b"%PDF-1.4 " + noise[:5000]),
        "pdf-as-html": ("text/html", b"%PDF-1.4 " + noise[:5000]),
        "bin": ("text/html", noise),
        "image": ("image/jpeg", b"<html><p>not really</p></html>"),
        "plain": ("text/plain; charset=utf-8", "\n\n".join(LONG_PARAGRAPHS).encode()),
        "html": ("text/html", article_page("Readable", LONG_PARAGRAPHS)),
    }
    items = []
    for name, (content_type, body) in pages.items():
        server.add(f"/p/{name}", body, content_type=content_type)
        items.append(
            {
                "title": name,
                "link": server.url(f"/p/{name}"),
                "guid": name,
                "description": f"The feed's good summary of {name}.",
            }
        )
    assert cli("add", server.add("/feed.xml", rss(items)), "--no-fetch").returncode == 0
    result = cli("refresh")
    assert result.returncode == 0, result.stderr
    rows = _db_rows(db_path, "SELECT title, text_source, extract_error, text FROM articles")
    got = {title: (source, error, text) for title, source, error, text in rows}
    expected_errors = {
        "pdf": "the page is application/pdf, not HTML",
        "pdf-as-html": "the page is a PDF document, not HTML",
        "bin": "the page holds binary data, not text",
        "image": "the page is image/jpeg, not HTML",
    }
    for name, error in expected_errors.items():
        assert got[name] == ("feed", error, f"The feed's good summary of {name}."), name
    assert got["plain"] == ("page", None, "\n\n".join(LONG_PARAGRAPHS))
    assert got["html"][0] == "page" and "protected cycle lanes" in got["html"][2]
    assert not any("\ufffd" in text for _, _, text in got.values())


def test_analyze_refuses_binary_files(cli, tmp_path) -> None:
    noise = random.Random(7).randbytes(20_000)
    (tmp_path / "bin.html").write_bytes(noise)
    (tmp_path / "bin.txt").write_bytes(noise)
    (tmp_path / "doc.html").write_bytes(b"%PDF-1.7\n" + noise)
    result = cli(
        "analyze", "--json", *(str(tmp_path / n) for n in ("bin.html", "bin.txt", "doc.html"))
    )
    assert result.returncode == 1
    errors = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert errors == [
        "the file holds binary data, not text",
        "the file holds binary data, not text",
        "the file is a PDF document, not HTML",
    ]
    result = cli("analyze", str(tmp_path / "bin.html"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().endswith("bin.html: the file holds binary data, not text")


def test_seed_article_through_analyze(cli) -> None:
    seed = SHARED / "corpus" / "seed-article.html"
    if not seed.exists():
        pytest.skip(f"shared corpus not found at {seed.parent}")
    result = cli("analyze", str(seed), "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    gold = (SHARED / "corpus" / "seed-article.clean.txt").read_text(encoding="utf-8")
    assert token_f1(record["text"], gold) >= 0.97


def test_refresh_stores_quotes_and_people(cli, server) -> None:
    cli("add", server.add("/feed.xml", rss(_items(server, 2))), "--no-fetch")
    assert cli("refresh").returncode == 0
    result = cli("people", "--json")
    assert result.returncode == 0, result.stderr
    people = json.loads(result.stdout)
    lopez = next(p for p in people if p["name"] == "Maria Lopez")
    assert lopez["articles"] == 2 and lopez["quotes"] >= 2
    result = cli("quotes", "Lopez", "--json")
    assert result.returncode == 0, result.stderr
    quotes = json.loads(result.stdout)
    assert len(quotes) >= 2
    assert {q["article"] for q in quotes} == {"Council story 0", "Council story 1"}
    assert any(q["text"].startswith("This is the most important transport") for q in quotes)
    assert all(q["speaker"] == "Maria Lopez" for q in quotes)
    plain = cli("quotes", "Maria", "Lopez")
    assert "Maria Lopez: " in plain.stdout and "Council story" in plain.stdout
    missing = cli("quotes", "Nobody Here")
    assert missing.returncode == 1 and "nobody called" in missing.stderr


def test_add_keeps_url_across_temporary_redirect_and_reads_feed_served_as_html(cli, server) -> None:
    server.add("/real.xml", rss(_items(server, 1)), content_type="text/html; charset=utf-8")
    server.routes["/moving"] = Route(302, {"Location": server.url("/real.xml")}, b"")
    result = cli("add", server.url("/moving"))
    assert result.returncode == 0, result.stderr
    assert "Added Loopback News (1 article)" in result.stdout
    assert _feed_list(cli)[0]["url"] == server.url("/moving")


def test_no_fetch_title_survives_refresh(cli, server) -> None:
    url = server.add("/feed.xml", rss(_items(server, 1)))
    assert cli("add", url, "--no-fetch", "--title", "My own name").returncode == 0
    assert cli("refresh", "--no-full-text").returncode == 0
    assert _feed_list(cli)[0]["title"] == "My own name"


def test_untitled_entry_gets_a_one_line_title(cli, server, db_path) -> None:
    items = [
        {
            "guid": "u1",
            "link": server.url("/u1"),
            "description": "<p>First paragraph here.</p><p>Second one.</p>",
        }
    ]
    assert cli("add", server.add("/feed.xml", rss(items))).returncode == 0
    (title,) = _db_rows(db_path, "SELECT title FROM articles")[0]
    assert "\n" not in title and title.startswith("First paragraph here.")


def test_unreachable_page_is_retried_on_the_next_refresh(cli, server, db_path) -> None:
    items = [
        {
            "title": "Later",
            "guid": "later",
            "link": server.url("/later"),
            "description": "Feed text.",
        }
    ]
    server.add("/later", b"busy", status=503, content_type="text/plain")
    cli("add", server.add("/feed.xml", rss(items)), "--no-fetch")
    result = cli("refresh")
    assert result.returncode == 0
    assert "1 page extracted (1 kept the feed's text)" in result.stdout
    rows = _db_rows(db_path, "SELECT text_source, extracted_at IS NULL FROM articles")
    assert rows == [("feed", 1)]  # shown with the feed's text, still pending
    server.add("/later", article_page("Later", LONG_PARAGRAPHS), content_type="text/html")
    assert cli("refresh").returncode == 0
    rows = _db_rows(db_path, "SELECT text_source, extracted_at IS NULL FROM articles")
    assert rows == [("page", 0)]


def test_export_to_a_bad_path_is_a_clear_error_and_leaves_no_half_file(cli, tmp_path) -> None:
    assert cli("add", "http://127.0.0.1:9/f.xml", "--no-fetch").returncode == 0
    for target, cause in [
        (tmp_path / "missing-dir" / "out.opml", "No such file or directory"),
        (tmp_path, "it is a directory"),
    ]:
        result = cli("export", str(target))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and cause in result.stderr
    good = tmp_path / "out.opml"
    good.write_text("old export")
    assert cli("export", str(good)).returncode == 0
    assert "http://127.0.0.1:9/f.xml" in good.read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # Through a symlink: the file it points to is replaced, keeping its mode; the link stays.
    real = tmp_path / "dotfiles" / "feeds.opml"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "feeds.opml"
    link.symlink_to(real)
    assert cli("export", str(link)).returncode == 0
    assert link.is_symlink() and "f.xml" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o600
    # Not a regular file: written to directly.
    assert cli("export", "/dev/null").returncode == 0


def test_a_title_xml_cannot_hold_never_breaks_export(cli, db_path, tmp_path) -> None:
    # An older version stored whatever the feed sent; the export must still work.
    assert cli("add", "http://127.0.0.1:9/f.xml", "--no-fetch").returncode == 0
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE feeds SET title = 'A\ufffeB\uffff', tags = '[\"t\ufffe\"]'")
    result = cli("export")
    assert result.returncode == 0, result.stderr
    assert 'title="AB"' in result.stdout and 'text="t"' in result.stdout


def test_arguments_that_are_not_text_are_refused_as_usage_errors(cli, tmp_path) -> None:
    import os
    import subprocess

    from tests.conftest import newsreader_command

    bad = os.fsdecode(b"http://127.0.0.1:9/\xff")
    env = dict(os.environ, NEWSREADER_DB=str(tmp_path / "x.db"))
    for args in (["add", bad, "--no-fetch"], ["remove", bad], ["refresh", bad], ["quotes", bad]):
        proc = subprocess.run(
            [*newsreader_command(), *args], capture_output=True, env=env, timeout=60
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert b"not valid text" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e-300", "soon"])
def test_timeout_must_be_a_sensible_number_of_seconds(cli, value: str) -> None:
    result = cli("refresh", "--timeout", value)
    assert result.returncode == 2 and "--timeout" in result.stderr


def test_same_address_spelled_differently_is_one_feed(cli, server) -> None:
    url = server.add("/feed.xml", rss(_items(server, 1)))
    assert cli("add", url).returncode == 0
    for spelling in (url.replace("http://", "HTTP://"), url + "#top"):
        result = cli("add", spelling)
        assert result.returncode == 0 and result.stdout.startswith("Already there"), spelling
    assert len(_feed_list(cli)) == 1


def test_import_refuses_urls_with_spaces_or_invisible_characters(cli, tmp_path, db_path) -> None:
    for bad in ("http://exa&#9;mple.com/feed", "http://example.com/\u202efeed"):
        path = tmp_path / "bad.opml"
        path.write_text(
            f'<opml version="2.0"><body><outline xmlUrl="https://ok.example/rss"/>'
            f'<outline xmlUrl="{bad}"/></body></opml>',
            encoding="utf-8",
        )
        result = cli("import", str(path))
        assert result.returncode == 1 and "not a valid http(s) URL" in result.stderr
        assert _db_rows(db_path, "SELECT COUNT(*) FROM feeds") in ([], [(0,)])


def test_imported_and_given_titles_survive_refresh(cli, server, tmp_path) -> None:
    url = server.add("/feed.xml", rss(_items(server, 1)))
    path = tmp_path / "in.opml"
    path.write_text(
        f'<opml version="2.0"><body><outline text="My name for it" xmlUrl="{url}"/></body></opml>',
        encoding="utf-8",
    )
    assert cli("import", str(path)).returncode == 0
    assert cli("refresh", "--no-full-text").returncode == 0
    assert _feed_list(cli)[0]["title"] == "My name for it"
    out = tmp_path / "out.opml"
    assert cli("export", str(out)).returncode == 0
    assert 'title="My name for it"' in out.read_text()


def test_permanent_redirect_onto_a_followed_feed_copies_nothing(cli, server, db_path) -> None:
    target = server.add("/feed.xml", rss(_items(server, 2)))
    assert cli("add", target).returncode == 0
    assert cli("add", server.url("/moving"), "--no-fetch").returncode == 0
    server.routes["/moving"] = Route(301, {"Location": target}, b"")
    result = cli("refresh", "--no-full-text")
    assert result.returncode == 0, result.stderr
    moving = next(f for f in _feed_list(cli) if f["url"] == server.url("/moving"))
    assert moving["articles"] == 0
    assert "you already follow" in moving["last_error"]
    assert _db_rows(db_path, "SELECT COUNT(*) FROM articles") == [(2,)]


def test_moved_feed_with_relative_guids_keeps_its_articles_and_read_state(
    cli, server, db_path
) -> None:
    items = [{"title": f"Item {i}", "guid": str(100 + i)} for i in range(3)]
    old = server.add("/old/feed.xml", rss(items))
    assert cli("add", old).returncode == 0
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE articles SET read = 1")
    new = server.add("/new/place/feed.xml", rss(items))
    server.routes["/old/feed.xml"] = Route(301, {"Location": new}, b"")
    result = cli("refresh", "--no-full-text")
    assert result.returncode == 0 and "0 new articles" in result.stdout, result.stdout
    assert _feed_list(cli)[0]["url"] == new
    assert _db_rows(db_path, "SELECT COUNT(*), SUM(read) FROM articles") == [(3, 3)]


def test_a_long_retry_after_is_kept_until_its_time(cli, server, db_path) -> None:
    good = server.add("/good.xml", rss(_items(server, 1)))
    assert cli("add", good).returncode == 0
    assert cli("add", server.url("/busy.xml"), "--no-fetch").returncode == 0
    server.routes["/busy.xml"] = Route(503, {"Retry-After": "3600"}, b"")
    first = cli("refresh", "--no-full-text")
    assert first.returncode == 0 and "1 error" in first.stdout, first.stdout
    assert len(server.hits("/busy.xml")) == 1  # not retried within the run either
    busy = next(f for f in _feed_list(cli) if f["url"].endswith("/busy.xml"))
    assert "asked to retry after 3600 s" in busy["last_error"]
    (until,) = _db_rows(db_path, f"SELECT retry_after FROM feeds WHERE id = {busy['id']}")[0]
    assert 3500 < until - time.time() <= 3600
    # The next refresh of all feeds leaves it alone, and says so; the others are asked.
    second = cli("refresh", "--no-full-text")
    assert second.returncode == 0, second.stderr
    assert "0 errors, 1 waiting, as their servers asked" in second.stdout, second.stdout
    assert len(server.hits("/busy.xml")) == 1 and len(server.hits("/good.xml")) == 3
    # Named on purpose, it is asked; once it answers, the wait is over.
    server.add("/busy.xml", rss(_items(server, 1, prefix="busy")))
    assert cli("refresh", str(busy["id"]), "--no-full-text").returncode == 0
    assert len(server.hits("/busy.xml")) == 2
    assert _db_rows(db_path, f"SELECT retry_after FROM feeds WHERE id = {busy['id']}") == [(None,)]


def test_a_feed_never_fetched_exports_no_title_to_keep(cli, server, tmp_path) -> None:
    url = server.add("/feed.xml", rss(_items(server, 1), title="Its Own Title"))
    assert cli("add", url, "--no-fetch").returncode == 0
    out = tmp_path / "out.opml"
    assert cli("export", str(out)).returncode == 0
    assert "title=" not in out.read_text().split("<body>")[1]
    other = {"NEWSREADER_DB": str(tmp_path / "other.db")}
    assert cli("import", str(out), env=other).returncode == 0
    assert cli("refresh", "--no-full-text", env=other).returncode == 0
    listed = json.loads(cli("list", "--json", env=other).stdout)
    assert [f["title"] for f in listed] == ["Its Own Title"]
