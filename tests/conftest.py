"""One Prefect test server for the whole test run, with its state in a temporary folder.

Prefect reads its settings when it is first imported, so the environment is set here, before any test
module imports it: a throw-away PREFECT_HOME (the user's ~/.prefect is never touched), the settings
reportgrid runs under (``flows.settings``: no analytics, a 120 s start-up limit), and no looking for a
local server (``reportgrid ui``'s port): a server someone left running must not receive test runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from flows.settings import DEFAULTS, STARTUP_SECONDS, UI_PORT_VARIABLE

_PREFECT_HOME = tempfile.mkdtemp(prefix="reportgrid-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.update(DEFAULTS)
os.environ[UI_PORT_VARIABLE] = "0"
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("PREFECT_PROFILE", None)


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """Every flow run of the session goes to this one temporary server."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=int(STARTUP_SECONDS)):
        yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
