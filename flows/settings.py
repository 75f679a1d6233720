"""The Prefect settings reportgrid runs under, in one place: the CLI and the tests set them from here.

Prefect reads its settings when it is first imported, so ``prefect_defaults`` runs before that. Settings
the user exported win; only missing ones are filled in. This module imports nothing of Prefect.
"""

from __future__ import annotations

import os

import httpx

# A fresh server database takes about 20 s to create on a small machine, right at Prefect's default
# start-up limit for its temporary server; 120 s leaves room on a loaded one.
STARTUP_SECONDS = 120.0
DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(int(STARTUP_SECONDS)),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}
DEFAULT_UI_PORT = 4200
UI_PORT_VARIABLE = "REPORTGRID_UI_PORT"
"""The port of the local server ``reportgrid run`` looks for (default 4200); ``0`` looks for none."""
# Asking a local port costs nothing when nothing listens (refused at once); a server that listens
# answers its health check in milliseconds, so a second is only reached by a port that hangs.
LOCAL_CHECK_SECONDS = 1.0


def prefect_defaults() -> None:
    """Fill in the settings a local run needs that the user did not set; call before Prefect loads."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)


def api_url(port: int, host: str = "127.0.0.1") -> str:
    """The API address of a Prefect server on ``host:port``."""
    return f"http://{host}:{port}/api"


def api_problem(url: str, timeout: float) -> str | None:
    """Why the Prefect API at ``url`` does not answer its health check, or None when it does."""
    try:
        response = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc or 'no response'}"
    return None


def local_ui_port() -> int | None:
    """The port ``reportgrid run`` looks for a local server on (``REPORTGRID_UI_PORT``), None for none."""
    value = os.environ.get(UI_PORT_VARIABLE, str(DEFAULT_UI_PORT)).strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def use_local_server() -> str | None:
    """Point ``PREFECT_API_URL`` at the server ``reportgrid ui`` started, when one answers and the
    variable is unset; return its address. Saves a run the temporary server's start-up (8-20 s)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = local_ui_port()
    if port is None:
        return None
    url = api_url(port)
    if api_problem(url, LOCAL_CHECK_SECONDS) is not None:
        return None
    os.environ["PREFECT_API_URL"] = url
    return url
