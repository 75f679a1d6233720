"""What a run processes: one ``DocumentInput`` per document, decided once by discovery.

The flow and the pipeline receive it as it is, so the order of a scan's pages is decided in one place
(``reportgrid.discover``) and nothing downstream re-derives it from file names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DocumentInput:
    """One document: a file, or the page images of one scan in page order.

    ``path`` names the document: the file itself, a folder holding one scan's pages, or
    ``folder/<name>`` for the pages ``<name>_p1.png``, ``<name>_p2.png`` … that share a folder with
    other documents. ``pages`` lists the page images in order (empty for a single file).
    ``page_problem`` says why the pages do not form one scan (a gap, two images for one page); such a
    document fails alone with that message.
    """

    path: Path
    pages: tuple[Path, ...] = field(default=())
    page_problem: str | None = None

    @property
    def files(self) -> tuple[Path, ...]:
        """The files whose bytes make the document: its pages, or the file itself."""
        return self.pages or (self.path,)
