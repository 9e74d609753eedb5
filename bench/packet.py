"""Print packet benchmark: the packet of a case with 8 forms (plus the guidance sheet), warm converter pool vs a cold
`soffice --convert-to pdf` per file, measured in the same run.

    python -m bench.packet [--quick] [--pool-size N]

Both variants fill the same templates (docxtpl in the sandbox) and merge the PDFs (pypdf); they differ only in the
conversion. Nothing is asserted: this is a report (targets: warm ≥ 5× faster than cold, warm packet < 2 s).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from engine.documents.cold import convert_cold
from engine.documents.converter_pool import ConverterPool, PoolSettings, convert_all, unavailable_reason
from engine.documents.pdf import merge_pdfs, page_count
from engine.documents.rendering import render_docx
from processes.documents.fields import form_context
from processes.documents.packet_content import forms_for
from processes.documents.templates import GUIDANCE, SAMPLE_DATA, repository_template
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.guidance import guidance_sheet

PROCEDURES = ("JU02", "JU03", "KA01", "KS01", "HN01", "HN03", "ZE02")
"""Their forms: inkan_haishi, juminido_setainushi_henko, ininjo, kaigo_soshitsu, shogaisha_techo_henkan,
kokuho_sosaihi, kouki_sosaihi, kogaku_ryoyohi, kotei_shisanzei_sozokunin (the first 8 are used)."""
FORMS = 8
TARGET_RATIO, TARGET_WARM_SECONDS = 5.0, 2.0


def case_data() -> dict:
    return {**SAMPLE_DATA, "procedures": [{"id": pid, "status": "confirmed"} for pid in PROCEDURES]}


def iter_packet(data: dict) -> Iterator[bytes]:
    """The guidance sheet and the first FORMS forms of the case, filled one after the other."""
    names = [GUIDANCE, *forms_for(data, load_catalogue())[:FORMS]]
    context = form_context(data, guidance_sheet(1, data), date(2026, 11, 24))
    for name in names:
        yield render_docx(repository_template(name).content, context)


def render_packet(data: dict) -> list[bytes]:
    return list(iter_packet(data))


def warm_packet(pool: ConverterPool, data: dict) -> bytes:
    """As the packet job does it: each document goes to a converter as soon as it is filled."""
    return merge_pdfs(convert_all(pool, iter_packet(data)))


def cold_packet(profile: Path, data: dict) -> bytes:
    return merge_pdfs([convert_cold(docx, profile) for docx in render_packet(data)])


def timed(function, *args) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for smoke tests")
    parser.add_argument("--pool-size", type=int, default=2, help="warm converters (default 2, one per core)")
    args = parser.parse_args(argv)
    cold_runs, warm_runs = (1, 3) if args.quick else (3, 10)
    reason = unavailable_reason()
    if reason:
        print(f"packet benchmark skipped: {reason}")
        return 0
    data = case_data()
    documents = len(render_packet(data))
    print(f"okuyami print packet benchmark ({'quick' if args.quick else 'full'} run)")
    print(f"   one packet = guidance sheet + {documents - 1} forms ({documents} documents), filled, converted, merged")

    render_times = [timed(render_packet, data)[0] for _ in range(5)]
    with tempfile.TemporaryDirectory(prefix="okuyami-bench-cold-") as folder:
        profile = Path(folder) / "profile"
        convert_cold(render_packet(data)[0], profile)   # LibreOffice creates its profile once, outside the timing
        cold = [timed(cold_packet, profile, data) for _ in range(cold_runs)]

    with ConverterPool(PoolSettings(size=args.pool_size)) as pool:
        start_seconds = timed(pool.start)[0]
        warm_packet(pool, data)                            # first conversions load the fonts: not timed
        warm = [timed(warm_packet, pool, data) for _ in range(warm_runs)]

    cold_s = statistics.median(t for t, _ in cold)
    warm_s = statistics.median(t for t, _ in warm)
    pages = page_count(warm[-1][1])
    ratio = cold_s / warm_s
    print(f"\n1. One packet ({pages} pages): warm pool of {args.pool_size} vs cold soffice per file "
          f"(target ≥ {TARGET_RATIO:g}× and warm < {TARGET_WARM_SECONDS:g} s)")
    print(f"   {'variant':44} {'median':>9} {'per doc':>9} {'vs cold':>8}")
    print(f"   {'cold: soffice --convert-to pdf per file':44} {cold_s:7.2f} s {cold_s / documents * 1000:6.0f} ms"
          f" {1:7.2f}×   ({cold_runs} runs)")
    print(f"   {'warm: converter pool (UNO), in parallel':44} {warm_s:7.2f} s {warm_s / documents * 1000:6.0f} ms"
          f" {1 / ratio:7.2f}×   ({warm_runs} runs)")
    print(f"   {'  of which filling the templates (docxtpl)':44} {statistics.median(render_times):7.2f} s")
    print(f"   starting the pool (once per worker process): {start_seconds:.2f} s")

    rows = [("warm vs cold", f"{ratio:.1f}× faster", f"≥ {TARGET_RATIO:g}×", ratio >= TARGET_RATIO),
            ("warm packet", f"{warm_s:.2f} s", f"< {TARGET_WARM_SECONDS:g} s", warm_s < TARGET_WARM_SECONDS)]
    widths = [max(len(str(row[i])) for row in rows + [("figure", "measured", "target", "ok?")]) for i in range(3)]
    print("\nSummary")
    for index, (figure, measured, target, ok) in enumerate([("figure", "measured", "target", "ok?")] + rows):
        print("  " + " | ".join(cell.ljust(width) for cell, width in zip((figure, measured, target), widths))
              + f" | {ok if isinstance(ok, str) else ('yes' if ok else 'NO')}")
        if index == 0:
            print("  " + "-+-".join("-" * width for width in widths) + "-+-----")
    return 0


if __name__ == "__main__":
    sys.exit(main())
