"""Which documents a run covers: command-line paths expanded into one unit per document.

A file is a document when its kind has an extractor (``extractors.base.supported``); anything else found
in a folder (``*.expected.json``, notes, hidden files) is not an input and is skipped. A file named
explicitly on the command line is always an input, so an unsupported one gets a failed JSON saying why.

Page images of one scan form one document when they sit in a folder of their own and are named
``<name>_p1.png``, ``<name>_p2.png`` … (also ``_p01``, ``-p1``, ``_page1``; any image suffix). That
folder is the unit, with its pages in page-number order (``page_files``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.base import IMAGE_SUFFIXES, supported
from models.document import SkippedFile

_PAGE_NAME = re.compile(r"^(?P<name>.+?)[_-](?:p|page)(?P<number>\d+)$", re.IGNORECASE)


class DiscoveryError(Exception):
    """The command-line paths do not describe a set of documents (missing path, ambiguous pages)."""


@dataclass(frozen=True)
class DocumentInput:
    """One document to process: a file, or a folder holding the page images of one scan.

    ``pages`` lists a page-image folder's images in page order; it is empty for a single file.
    """

    path: Path
    pages: tuple[Path, ...] = field(default=())


def page_number(path: Path) -> tuple[str, int] | None:
    """(scan name, page number) of an image named like ``report_p2.png``; None for any other file."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    match = _PAGE_NAME.match(path.stem)
    if match is None:
        return None
    return match["name"], int(match["number"])


def page_files(folder: Path) -> list[Path]:
    """The page images of a page-image folder in page order; empty when the folder is not one.

    A folder is a page-image folder when every input file directly in it is a page image and all of
    them carry the same scan name. Two images claiming one page number raise ``DiscoveryError``.
    """
    numbered: list[tuple[str, int, Path]] = []
    for path in _listing(folder):
        if path.is_file() and supported(path):
            found = page_number(path)
            if found is None:
                return []
            numbered.append((found[0].lower(), found[1], path))
    if len({name for name, _, _ in numbered}) != 1:
        return []
    by_number: dict[int, Path] = {}
    for _, number, path in numbered:
        if number in by_number:
            raise DiscoveryError(f"{by_number[number]} and {path} are both page {number} of one scan")
        by_number[number] = path
    return [by_number[number] for number in sorted(by_number)]


def discover(paths: Iterable[Path]) -> list[DocumentInput]:
    """Every document under ``paths`` in a stable order: arguments in order; in a folder, its files by
    name, then its subfolders by name.

    A document reached twice (a file named and also inside a named folder) is listed once.
    """
    seen: set[Path] = set()
    found: list[DocumentInput] = []
    for path in paths:
        if not os.path.lexists(path):  # a dangling or looping link named is an input: it fails alone
            raise DiscoveryError(f"{path}: no such file or folder")
        units = _walk(path) if path.is_dir() else [DocumentInput(path)]
        for unit in units:
            key = Path(os.path.realpath(unit.path))  # resolve() raises on a symlink loop
            if key not in seen:
                seen.add(key)
                found.append(unit)
    return found


def _walk(folder: Path) -> list[DocumentInput]:
    pages = page_files(folder)
    units = [DocumentInput(folder, tuple(pages))] if pages else []
    files = [p for p in _listing(folder) if p.is_file() and supported(p)]
    if not pages:
        _refuse_scattered_pages(folder, files)
        units.extend(DocumentInput(p) for p in files)
    for sub in _listing(folder):
        if sub.is_dir() and not sub.is_symlink():
            units.extend(_walk(sub))
    return units


def _refuse_scattered_pages(folder: Path, files: list[Path]) -> None:
    """Pages of one scan mixed with other documents cannot be told apart reliably: say how to fix it."""
    names: dict[str, list[Path]] = {}
    for path in files:
        found = page_number(path)
        if found is not None:
            names.setdefault(found[0].lower(), []).append(path)
    for group in names.values():
        if len(group) > 1:
            listed = ", ".join(p.name for p in group)
            raise DiscoveryError(
                f"{folder}: {listed} look like pages of one scan but share the folder with other "
                "documents; move them into a folder of their own"
            )


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
