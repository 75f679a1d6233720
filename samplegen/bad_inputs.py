"""Inputs an archive run meets that are not clean reports, each made here from the repository's samples.

``make_bad_inputs(folder)`` writes every case and returns what each must come out as: its status and,
for a failed one, its error code. The tests run them one by one and as a batch; ``bench/bad_inputs.py``
runs them as one batch and prints time and memory. Nothing is downloaded.
"""

from __future__ import annotations

import codecs
import os
import random
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from models.errors import ErrorCode
from samplegen.fonts import SANS, register

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"
REPORT_TEXT = SAMPLES / "hushan-2020.txt"
REPORT_HTML = SAMPLES / "generated-2021.html"
REPORT_PDF = SAMPLES / "digital-2021-filled.pdf"
REPORT_JPEG = SAMPLES / "scan-2019-table3.jpg"
READ = ("valid", "needs_review")
"""The statuses of an input that is a report, perhaps a damaged one: read, never failed."""


@dataclass(frozen=True)
class BadInput:
    """One generated input and what it must come out as (``code`` None: it must not fail)."""

    name: str
    path: Path
    statuses: tuple[str, ...]
    code: ErrorCode | None = None


def _report_text() -> str:
    return REPORT_TEXT.read_text(encoding="utf-8")


def _png(path: Path, width: int, height: int) -> None:
    """A 1-bit white PNG of any size, written row by row so a huge one costs no memory to make."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = bytearray()
    for _ in range(height):
        body += packer.compress(row)
    body += packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(body)) + chunk(b"IEND", b"")
    )


def _pdf(path: Path, pages: list[list[str]], encrypt: StandardEncryption | None = None) -> None:
    """A PDF of text lines (each inner list one page; an empty list a blank page)."""
    font = register(SANS)
    canvas = Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        canvas.setFont(font, 11)
        for number, line in enumerate(lines):
            canvas.drawString(60, A4[1] - 80 - 18 * number, line)
        canvas.showPage()
    canvas.save()


def _repeated_pdf(path: Path, pages: int) -> None:
    """A long digital report: the sample report's pages repeated to ``pages`` pages."""
    source = pdfium.PdfDocument(REPORT_PDF)
    target = pdfium.PdfDocument.new()
    while len(target) < pages:
        target.import_pages(source, list(range(min(len(source), pages - len(target)))))
    target.save(path)
    target.close()
    source.close()


def _broken_xref(data: bytes) -> bytes:
    """Every xref offset and the startxref pointer wrong, as a bad upload or an editor leaves them."""
    broken = re.sub(rb"(?m)^\d{10} (\d{5}) n", lambda m: b"0000000001 " + m.group(1) + b" n", data)
    return re.sub(rb"startxref\s+\d+", b"startxref\n999999", broken)


def _without_table_three(text: str) -> str:
    return text[: text.index("  三、收到和处理")] + text[text.index("  四、政府信息公开行政复议") :]


def _with_extra_table(text: str) -> str:
    extra = (
        "  附表：各科室受理情况\n| 科室 | 受理 | 办结 |\n|---|---|---|\n"
        "| 综合科 | 3 | 3 |\n| 业务科 | 5 | 4 |\n"
    )
    cut = text.index("  五、存在的主要问题")
    return text[:cut] + extra + text[cut:]


def _nested_layout(html: str) -> str:
    """The report inside a page layout built of tables, as old government sites are."""
    body = html[html.index("<body>") + len("<body>") : html.index("</body>")]
    frame = (
        '<table width="100%"><tr><td colspan="2"><table><tr><td>首页</td><td>政务公开</td></tr></table>'
        '</td></tr><tr><td width="20%"><table><tr><td>栏目导航</td></tr><tr><td>年度报告</td></tr></table>'
        f"</td><td>{body}</td></tr></table>"
    )
    return html[: html.index("<body>") + len("<body>")] + frame + html[html.index("</body>") :]


def make_bad_inputs(folder: Path, *, include_slow: bool = False) -> list[BadInput]:
    """Write every case into ``folder`` (created) and return them in a stable order.

    ``include_slow`` adds the 100-page PDF (about 10 s on the digital path).
    """
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, statuses, code, write in _specs(include_slow):
        write(folder / name)
        made.append(BadInput(name, folder / name, statuses, code))
    return made


def case_names(*, include_slow: bool = False) -> list[str]:
    """The names ``make_bad_inputs`` writes, without writing them."""
    return [spec[0] for spec in _specs(include_slow)]


_Spec = tuple[str, tuple[str, ...], ErrorCode | None, Callable[[Path], None]]


def _specs(include_slow: bool) -> list[_Spec]:
    text = _report_text()
    specs: list[_Spec] = []

    def add(
        name: str, statuses: tuple[str, ...], code: ErrorCode | None, write: Callable[[Path], None]
    ) -> None:
        specs.append((name, statuses, code, write))

    failed = ("failed",)
    for name in ("empty.pdf", "empty.txt", "empty.png", "empty.html"):
        add(name, failed, ErrorCode.EMPTY_FILE, lambda p: p.write_bytes(b""))
    pdf = REPORT_PDF.read_bytes()
    add("truncated.pdf", failed, ErrorCode.PDF_DAMAGED, lambda p: p.write_bytes(pdf[: len(pdf) // 3]))
    add("broken-xref.pdf", READ, None, lambda p: p.write_bytes(_broken_xref(pdf)))
    add("not-a-pdf.pdf", failed, ErrorCode.NOT_A_PDF, lambda p: p.write_bytes(text.encode()))
    notice = [["关于开展春季植树活动的通知", "各单位：请于3月12日前报名。", "联系人：张三，电话 12345678。"]]
    add(
        "password.pdf",
        failed,
        ErrorCode.PDF_PASSWORD,
        lambda p: _pdf(p, notice, StandardEncryption("secret", ownerPassword="owner")),
    )
    add(
        "owner-password-only.pdf",
        failed,
        ErrorCode.NOT_A_REPORT,
        lambda p: _pdf(p, notice, StandardEncryption("", ownerPassword="owner", canPrint=0)),
    )
    add("blank-pages.pdf", failed, ErrorCode.NO_TEXT_OR_IMAGE, lambda p: _pdf(p, [[], [], []]))
    add("not-a-report.pdf", failed, ErrorCode.NOT_A_REPORT, lambda p: _pdf(p, notice))
    add("pdf-named.txt", READ, None, lambda p: p.write_bytes(pdf))
    add(
        "missing-table-3.txt",
        ("needs_review",),
        None,
        lambda p: p.write_text(_without_table_three(text), encoding="utf-8"),
    )
    add("extra-table.txt", READ, None, lambda p: p.write_text(_with_extra_table(text), encoding="utf-8"))
    add("gbk.txt", ("valid",), None, lambda p: p.write_bytes(text.encode("gbk", errors="replace")))
    for order, bom in (("le", codecs.BOM_UTF16_LE), ("be", codecs.BOM_UTF16_BE)):
        encoded = text.encode(f"utf-16-{order}")
        add(f"utf-16-{order}-bom.txt", ("valid",), None, lambda p, b=bom + encoded: p.write_bytes(b))
        add(f"utf-16-{order}.txt", ("valid",), None, lambda p, b=encoded: p.write_bytes(b))
    noise = random.Random(16).randbytes(20000)
    add("noise.txt", failed, ErrorCode.NOT_TEXT, lambda p: p.write_bytes(noise))
    prose = "<html><body><h1>关于开展春季植树活动的通知</h1><p>各单位：请于3月12日前报名。</p></body></html>"
    add("no-table.html", failed, ErrorCode.NOT_A_REPORT, lambda p: p.write_text(prose, encoding="utf-8"))
    html = REPORT_HTML.read_text(encoding="utf-8")
    add(
        "nested-layout.html", ("valid",), None, lambda p: p.write_text(_nested_layout(html), encoding="utf-8")
    )
    png_head = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(3000)
    add("corrupt.png", failed, ErrorCode.IMAGE_UNREADABLE, lambda p: p.write_bytes(png_head))
    jpeg = REPORT_JPEG.read_bytes()
    add("truncated.jpg", failed, ErrorCode.IMAGE_UNREADABLE, lambda p: p.write_bytes(jpeg[: len(jpeg) // 2]))
    add("huge-30000.png", failed, ErrorCode.IMAGE_TOO_LARGE, lambda p: _png(p, 30000, 30000))
    add(
        "minutes.docx", failed, ErrorCode.UNSUPPORTED_TYPE, lambda p: p.write_bytes(b"PK\x03\x04" + bytes(60))
    )
    add(
        "budget.xls",
        failed,
        ErrorCode.UNSUPPORTED_TYPE,
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60)),
    )
    add("report.txt", ("valid",), None, lambda p: p.write_text(text, encoding="utf-8"))
    add("report copy.txt", ("valid",), None, lambda p: p.write_text(text, encoding="utf-8"))
    add("湖山乡 2020 年度报告.txt", ("valid",), None, lambda p: p.write_text(text, encoding="utf-8"))
    long_name = "湖山乡人民政府" * 11 + "年度报告.txt"  # 243 bytes: past the 236 the temporary name allowed
    add(long_name, ("valid",), None, lambda p: p.write_text(text, encoding="utf-8"))

    def symlink_loop(path: Path) -> None:
        loop = path.with_name("loop-b.txt")
        path.unlink(missing_ok=True)
        loop.unlink(missing_ok=True)
        os.symlink(loop.name, path)
        os.symlink(path.name, loop)

    add("loop-a.txt", failed, ErrorCode.UNREADABLE, symlink_loop)
    if include_slow:
        add("100-pages.pdf", READ, None, lambda p: _repeated_pdf(p, 100))
    return specs


def make_unreadable(folder: Path) -> BadInput:
    """A report nobody may read (mode 000): only a user other than root is refused it."""
    path = folder / "no-permission.txt"
    shutil.copyfile(REPORT_TEXT, path)
    path.chmod(0)
    return BadInput(path.name, path, ("failed",), ErrorCode.UNREADABLE)
