"""The pipeline's version, recorded in every output JSON so a rerun knows which results it may keep.

It is the package version plus a digest of the code and templates that decide a document's content
(``models/``, ``extractors/``, ``reconcile/``, ``reportgrid/pipeline.py``): any change there makes
earlier outputs stale, with no version bump to forget. Writing, naming and the CLI are not part of it.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_DECIDING = ("models", "extractors", "reconcile")
_SUFFIXES = (".py", ".yaml")


def _code_digest() -> str:
    files = sorted(
        path
        for package in _DECIDING
        for path in (_ROOT / package).rglob("*")
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts
    )
    files.append(_ROOT / "reportgrid" / "pipeline.py")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _package_version() -> str:
    try:
        return metadata.version("reportgrid")
    except metadata.PackageNotFoundError:
        return "0"


PIPELINE_VERSION = f"{_package_version()}+{_code_digest()}"
