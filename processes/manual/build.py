"""Building the manuals: per role an HTML manual (with its screenshots beside it) and an A4 PDF printed from that
HTML by Chromium. The screenshots are taken from the demo city by the manual's browser test
(tests/test_manual_browser.py); a step without its screenshot (its screen no longer exists) fails the build."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jinja2 import Environment, select_autoescape

from processes.manual.steps import manual
from processes.roles import ROLES

CHROMIUM = "/usr/bin/chromium"
PAGE = Environment(autoescape=select_autoescape(default=True)).from_string("""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>{{ label }} 操作マニュアル</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans CJK JP", sans-serif; line-height: 1.6; color: #222; }
h1 { border-bottom: 3px solid #2b5d8a; } h2 { margin-top: 2em; break-after: avoid; }
figure { margin: .5em 0 1.5em; break-inside: avoid; } img { max-width: 100%; border: 1px solid #999; }
ol.steps > li { margin-bottom: 1em; }
</style></head><body>
<h1>{{ label }} 操作マニュアル</h1>
<p>おくやみコーナー業務システムで{{ label }}が行う作業を、画面の順に説明します。</p>
<nav><ol>{% for s in sections %}<li><a href="#{{ s.screen }}">{{ s.title }}</a></li>{% endfor %}</ol></nav>
{% for s in sections %}
<section id="{{ s.screen }}"><h2>{{ loop.index }}. {{ s.title }}</h2>
<ol class="steps">{% for step in s.steps %}<li><p>{{ step.text }}</p>
<figure><img src="images/{{ s.shot_name(loop.index) }}" alt="{{ s.title }}の画面"></figure></li>{% endfor %}</ol>
</section>{% endfor %}
</body></html>
""")


class ManualBuildError(Exception):
    """The build cannot finish; the message is Japanese and names what is missing."""


def missing_shots(roles: list[str], screenshots: Path) -> list[str]:
    return [f"{ROLES[s.role]}「{s.title}」の手順{i}（{step.url}）" for role in roles for s in manual()[role]
            for i, step in enumerate(s.steps, 1) if not (screenshots / s.shot_name(i)).is_file()]


def build(out: Path, screenshots: Path, role: str | None = None, pdf: bool = True) -> list[Path]:
    """Write DIR/<role>/index.html (+ images) and DIR/<role>.pdf for one role or all; the files written."""
    if role is not None and role not in ROLES:
        raise ManualBuildError(f"役割 {role} はありません。次のどれかを指定してください: {', '.join(ROLES)}")
    roles = [role] if role else list(ROLES)
    missing = missing_shots(roles, screenshots)
    if missing:
        raise ManualBuildError("画面の写真がない手順があります（画面がなくなったか、写真をまだ撮っていません）: "
                               + "、".join(missing))
    written, pages = [], []
    for name in roles:
        folder = out / name
        (folder / "images").mkdir(parents=True, exist_ok=True)
        for section in manual()[name]:
            for i, _ in enumerate(section.steps, 1):
                shutil.copyfile(screenshots / section.shot_name(i), folder / "images" / section.shot_name(i))
        html = folder / "index.html"
        html.write_text(PAGE.render(label=ROLES[name], sections=manual()[name]), encoding="utf-8")
        written.append(html)
        pages.append((html, out / f"{name}.pdf"))
    if pdf:       # one Chromium per PDF, started side by side: most of a print is Chromium starting up
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as printers:
            written += list(printers.map(lambda page: print_pdf(*page), pages))
    return written


def print_pdf(html: Path, target: Path) -> Path:
    if not Path(CHROMIUM).is_file():
        raise ManualBuildError(f"PDFを作るには Chromium（{CHROMIUM}）が必要です。scripts/setup で入ります。")
    with tempfile.TemporaryDirectory(prefix="okuyami-manual-") as profile:     # printers side by side share no profile
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   f"--user-data-dir={profile}", f"--print-to-pdf={target.resolve()}", html.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    if done.returncode != 0 or not target.is_file():
        raise ManualBuildError(f"{target.name} を作れませんでした（Chromium の終了コード {done.returncode}）。")
    return target
