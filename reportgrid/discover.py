"""Which documents a run covers: command-line paths expanded into one ``DocumentInput`` per document.

A file is a document when its kind has an extractor (``extractors.base.supported``); anything else found
in a folder (``*.expected.json``, notes, hidden files) is not an input and is skipped. A file named
explicitly on the command line is always an input, so an unsupported one gets a failed JSON saying why.

Page images named ``<doc>_p1.png``, ``<doc>-p2.png``, ``<doc>_page3.tif`` (any image suffix, ``p01``
too) are the pages of scan ``<doc>``. In a folder, the pages of each ``<doc>`` form one document with its
pages in number order, beside the folder's other documents. A folder holding nothing but one scan's
pages is that document itself (named after the folder). Pages that are not 1, 2, … N without a gap,
or two images claiming one page, make that document fail alone (``DocumentInput.page_problem``).
This module is the one place that reads page numbers from file names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from extractors.base import IMAGE_SUFFIXES, supported
from models.document import SkippedFile
from models.inputs import DocumentInput

_PAGE_NAME = re.compile(r"^(?P<name>.+?)[_-](?:p|page)(?P<number>\d+)$", re.IGNORECASE)

__all__ = ["DiscoveryError", "DocumentInput", "discover", "page_number", "skipped_files"]


class DiscoveryError(Exception):
    """The command-line paths do not describe a set of documents (a path that does not exist)."""


def page_number(path: Path) -> tuple[str, int] | None:
    """(scan name, page number) of an image named like ``report_p2.png``; None for any other file."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    match = _PAGE_NAME.match(path.stem)
    if match is None:
        return None
    return match["name"], int(match["number"])


def discover(paths: Iterable[Path]) -> list[DocumentInput]:
    """Every document under ``paths`` in a stable order: arguments in order; in a folder, its documents
    by name, then its subfolders by name.

    A document reached twice (a file named and also inside a named folder) is listed once.
    """
    seen: set[tuple[Path, tuple[Path, ...]]] = set()
    found: list[DocumentInput] = []
    for path in paths:
        if not os.path.lexists(path):  # a dangling or looping link named is an input: it fails alone
            raise DiscoveryError(f"{path}: no such file or folder")
        units = _walk(path) if path.is_dir() else [DocumentInput(path)]
        for unit in units:
            key = (
                Path(os.path.realpath(unit.path)),  # resolve() raises on a symlink loop
                tuple(Path(os.path.realpath(page)) for page in unit.pages),
            )
            if key not in seen:
                seen.add(key)
                found.append(unit)
    return found


def _walk(folder: Path) -> list[DocumentInput]:
    entries = _listing(folder)
    files = [p for p in entries if p.is_file() and supported(p)]
    units = _documents_in(folder, files)
    for sub in entries:
        if sub.is_dir() and not sub.is_symlink():
            units.extend(_walk(sub))
    return units


def _documents_in(folder: Path, files: list[Path]) -> list[DocumentInput]:
    """A folder's own documents, by name: single files and the page groups of scans."""
    groups: dict[str, list[tuple[int, Path]]] = {}
    names: dict[str, str] = {}
    singles: list[Path] = []
    for path in files:
        found = page_number(path)
        if found is None:
            singles.append(path)
            continue
        key = found[0].lower()
        names.setdefault(key, found[0])
        groups.setdefault(key, []).append((found[1], path))
    if len(groups) == 1 and not singles:
        (members,) = groups.values()
        if len(members) > 1 or members[0][0] != 1:
            return [_scan(folder, members)]
    units = [(path.name.lower(), DocumentInput(path)) for path in singles]
    for key, members in groups.items():
        if len(members) == 1 and members[0][0] == 1:
            units.append((members[0][1].name.lower(), DocumentInput(members[0][1])))
        else:
            units.append((key, _scan(folder / names[key], members)))
    return [unit for _, unit in sorted(units, key=lambda pair: pair[0])]


def _scan(path: Path, members: list[tuple[int, Path]]) -> DocumentInput:
    """One scan from its numbered page images: pages in number order, and what is wrong with them."""
    ordered = sorted(members, key=lambda member: (member[0], member[1].name))
    pages = tuple(page for _, page in ordered)
    numbers = [number for number, _ in ordered]
    problems: list[str] = []
    by_number: dict[int, list[str]] = {}
    for number, page in ordered:
        by_number.setdefault(number, []).append(page.name)
    for number, claimants in by_number.items():
        if len(claimants) > 1:
            problems.append(f"{' and '.join(claimants)} claim page {number}")
    missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
    if missing:
        listed = ", ".join(map(str, missing))
        problems.append(f"page{'s' if len(missing) > 1 else ''} {listed} missing")
    if 0 in by_number:
        problems.append("page numbers start at 1, not 0")
    if not problems:
        return DocumentInput(path, pages)
    problem = f"the page images of {path.name} do not make one scan: {'; '.join(problems)}"
    return DocumentInput(path, pages, problem)


def _listing(folder: Path) -> list[Path]:
    """A folder's entries sorted by name, without hidden ones (``.git``, editor files); none when the
    folder cannot be listed (``skipped_files`` reports it)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted((folder / name for name in names if not name.startswith(".")), key=str)


def skipped_files(paths: Iterable[Path], units: Iterable[DocumentInput]) -> list[SkippedFile]:
    """Every non-hidden entry under the folders in ``paths`` that no unit covers, with the reason, so
    an operator can tell what was there and not read."""
    covered = {Path(os.path.realpath(p)) for unit in units for p in (unit.path, *unit.pages)}
    skipped: list[SkippedFile] = []
    for folder in (path for path in paths if path.is_dir()):
        for root, folders, files in os.walk(folder, onerror=lambda exc: _unlisted(exc, skipped)):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in sorted(name for name in files if not name.startswith(".")):
                path = Path(root) / name
                if Path(os.path.realpath(path)) not in covered:
                    skipped.append(SkippedFile(path=str(path), reason=_skip_reason(path)))
    return skipped


def _unlisted(error: OSError, skipped: list[SkippedFile]) -> None:
    skipped.append(SkippedFile(path=str(error.filename), reason=f"folder cannot be read: {error.strerror}"))


def _skip_reason(path: Path) -> str:
    try:
        path.stat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not path.is_file():
        return "not a regular file"
    return f"unsupported file type {path.suffix.lower() or '(none)'!r}"
