"""A PDF's text layer dumped to plain text, as an archive stores a published PDF's text.

pypdfium2 gives each page's text in reading order: a table row's label and numbers on one line with
spaces between, long labels wrapped over lines, vertical labels one character per line, page footers
where they fall. Pages follow one another with a line break. Tests dump the project's own digital PDFs
(``samplegen.render_pdf``) and the real published ones in ``../shared/data/real/pdf`` this way.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


def pdf_text_dump(pdf: Path) -> str:
    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        document.close()
    return "\n".join(pages).replace("\r\n", "\n").replace("\r", "\n")
