"""Make the GX Data Docs of a gate run open offline: no CDN script, style, font, image or link.

GX's pages load Bootstrap, jQuery, Vega and Font Awesome from CDNs, and its index builds its table with them.
Here every external reference is dropped, the pages' scripts (which need those libraries) are removed, a small
inline style replaces Bootstrap, and the index is rewritten as a plain table of the run's validations.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

from basics.times import beijing_time

EXTERNAL = r"""["'](?:https?:)?//[^"']*["']"""
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_LINK = re.compile(rf"<link\b[^>]*href\s*=\s*{EXTERNAL}[^>]*>", re.I)
_IMG = re.compile(rf"<img\b[^>]*src\s*=\s*{EXTERNAL}[^>]*>", re.I)
_ANCHOR = re.compile(rf"""<a\b([^>]*?)\s+href\s*=\s*{EXTERNAL}([^>]*)>""", re.I)
_URL_IN_CSS = re.compile(r"""@import\s+url\([^)]*//[^)]*\)\s*;?|url\(\s*["']?(?:https?:)?//[^)]*\)""", re.I)

STYLE = """<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 1200px;
  padding: 16px; color: #222; font-size: 14px; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid #bbb; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #e8eef6; }
.hide, .invisible, .modal, .ge-walkthrough-modal, #ge-cta-footer { display: none !important; }
.text-success { color: #3a6b24; } .text-danger { color: #c00000; }
.card { border: 1px solid #ddd; margin: 12px 0; padding: 8px 12px; }
.offline-note { color: #666; font-size: 12px; }
</style>"""


def make_offline(docs_dir: Path) -> list[Path]:
    """Rewrite every page of the site in place; returns the pages rewritten."""
    docs_dir = Path(docs_dir)
    pages = sorted(docs_dir.rglob("*.html"))
    index = docs_dir / "index.html"
    rows = _index_rows(index.read_text(encoding="utf-8")) if index.exists() else []
    for page in pages:
        page.write_text(offline_html(page.read_text(encoding="utf-8")), encoding="utf-8")
    if index.exists():
        index.write_text(_index_page(rows, docs_dir), encoding="utf-8")
    for css in docs_dir.rglob("*.css"):
        css.write_text(_URL_IN_CSS.sub("", css.read_text(encoding="utf-8")), encoding="utf-8")
    return pages


def offline_html(text: str) -> str:
    """One page without scripts and external references, with the inline style."""
    text = _SCRIPT.sub("", text)
    text = _LINK.sub("", text)
    text = _IMG.sub("", text)
    text = _ANCHOR.sub(lambda m: f"<a{m.group(1)}{m.group(2)}>", text)
    text = _URL_IN_CSS.sub("", text)
    return re.sub(r"</head>", STYLE + "</head>", text, count=1, flags=re.I)


def _index_rows(text: str) -> list[dict[str, str]]:
    """(suite, status, run time, page) of each validation, from the data GX's index script would render."""
    keys = {
        "path": "_table_row_link_path",
        "suite": "_expectation_suite_name_sort",
        "status": "_validation_success_text",
        "run_time": "run_time",
    }
    rows = []
    for chunk in text.split("{'validation_success':")[1:]:  # one chunk per row of the validations table
        found = {name: re.search(rf"'{key}':\s*'([^']*)'", chunk) for name, key in keys.items()}
        if all(found.values()):
            rows.append({name: m[1] for name, m in found.items() if m})
    return rows


def _beijing(utc_text: str) -> str:
    """GX's '2026-12-02 08:02:05 UTC' in Beijing time; anything else as it is."""
    try:
        return beijing_time(datetime.strptime(utc_text, "%Y-%m-%d %H:%M:%S %Z").replace(tzinfo=UTC))
    except ValueError:
        return utc_text


def _index_page(rows: list[dict[str, str]], docs_dir: Path) -> str:
    if not rows:  # GX changed its index: list the pages themselves
        rows = [
            {
                "suite": p.parent.parent.parent.name,
                "status": "",
                "run_time": "",
                "path": str(p.relative_to(docs_dir)),
            }
            for p in sorted(docs_dir.glob("validations/**/*.html"))
        ]
    status_zh = {
        "Success": '<span class="text-success">通过</span>',
        "Failed": '<span class="text-danger">未通过</span>',
    }
    body = "".join(
        f'<tr><td><a href="{html.escape(r["path"])}">{html.escape(r["suite"])}</a></td>'
        f"<td>{status_zh.get(r['status'], html.escape(r['status']))}</td>"
        f"<td>{html.escape(_beijing(r['run_time']))}</td></tr>"
        for r in sorted(rows, key=lambda r: r["suite"])
    )
    suites = "".join(
        f'<li><a href="expectations/{html.escape(p.name)}">{html.escape(p.stem)}</a></li>'
        for p in sorted((docs_dir / "expectations").glob("*.html"))
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>数据质量检查 GX Data Docs</title>{STYLE}</head>"
        "<body><h1>数据质量检查（Great Expectations）</h1>"
        '<p class="offline-note">离线版：本页不加载任何外部资源。'
        "检查清单与问题明细见上级目录的 checks.json 和 failures.csv。"
        " / Offline copy: nothing is loaded from outside.</p>"
        "<h2>校验结果 / Validation results</h2><table><thead><tr><th>规则集 Suite</th><th>结果 Status</th>"
        f"<th>运行时间（北京时间）Run time</th></tr></thead><tbody>{body}</tbody></table>"
        f"<h2>规则集 / Expectation suites</h2><ul>{suites}</ul></body></html>"
    )
