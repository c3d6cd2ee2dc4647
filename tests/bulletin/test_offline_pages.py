"""Every page the project writes opens offline: the gate's GX Data Docs load nothing from another host."""

from __future__ import annotations

import re

import pytest

from bulletin.pdf import FLAGS, chromium
from expectations.offline_docs import offline_html
from expectations.scope import SUITES_DIR
from tests.bulletin.conftest import LABEL, Report, keep_artefact

LOCAL = re.compile(r"^(file:|data:|about:blank)")


@pytest.mark.slow
def test_gx_data_docs_of_the_latest_gate_run_open_offline(report: Report, tmp_path) -> None:
    docs = report.home.gate_reports / LABEL / "latest" / "data_docs"
    pages = sorted(docs.rglob("*.html"))
    assert docs.joinpath("index.html") in pages and len(pages) > 2
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), page
        assert "<script" not in text, page
    from playwright import sync_api

    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[f for f in FLAGS if f != "--headless"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: None if LOCAL.match(r.url) else outside.append(r.url))
            page.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
            page.goto(docs.joinpath("index.html").as_uri(), wait_until="load", timeout=60_000)
            listed = page.eval_on_selector_all(
                "table tbody tr",
                "rows => rows.map(r => [r.cells[0].innerText, r.cells[1].innerText,"
                " r.cells[2].innerText, r.querySelector('a').href])",
            )
            # one validation per GX suite, listed without any script, with its result and Beijing time
            suites = {path.stem for path in SUITES_DIR.glob("*.json")}
            assert sorted(row[0] for row in listed) == sorted(suites)
            for suite, result, ran, _ in listed:
                assert suite and result in ("通过", "未通过") and re.fullmatch(r"\d{4}年.+日 \d\d:\d\d", ran)
            links = [href for *_, href in listed]
            page.screenshot(path=str(tmp_path / "data_docs.png"), full_page=True)
            for link in links:
                page.goto(link, wait_until="load", timeout=60_000)
                assert "Expectation Validation Result" in page.inner_text("body")
        finally:
            browser.close()
    keep_artefact(tmp_path / "data_docs.png")
    assert outside == []


def test_offline_html_drops_cdn_scripts_styles_images_and_links() -> None:
    page = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/b.css"/>'
        '<script src="//cdn.example/jq.js"></script><script>$(".x").hide()</script>'
        '<link rel="icon" href="./static/favicon.ico"></head><body>'
        '<img src="https://s3.example/logo.png"><a href="https://docs.example/x">GX docs</a>'
        '<a href="validations/a.html">local</a><div style="background: url(https://x.example/i.png)"></div>'
        "</body></html>"
    )
    out = offline_html(page)
    assert "example" not in out and "<script" not in out
    assert "./static/favicon.ico" in out and 'href="validations/a.html"' in out and "GX docs" in out
