"""One Prefect test server for the whole test run, with its state in a temporary folder.

Prefect reads its settings when it is first imported, so the environment is set here, before any test
module imports it: a throw-away PREFECT_HOME (the user's ~/.prefect is never touched), no analytics
(server or client), and a 120 s start-up limit: a fresh server database takes about 20 s on small
machines.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="reportgrid-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("PREFECT_PROFILE", None)


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """Every flow run of the session goes to this one temporary server."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
