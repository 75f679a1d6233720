"""A local Prefect server with its bundled UI (``reportgrid ui``): started, then waited for until it answers.

The UI ships inside the ``prefect`` package, so this works offline. The server keeps its database in
``PREFECT_HOME`` (``~/.prefect`` unless set), so runs stay visible across restarts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flows.settings import DEFAULTS, STARTUP_SECONDS, api_problem, api_url

POLL_SECONDS = 0.5


class ServerError(RuntimeError):
    """The server exited or did not answer in time."""


@dataclass
class Server:
    """A ``prefect server start`` child process and the file its output goes to."""

    process: subprocess.Popen
    log: Path
    url: str


def start_server(port: int, host: str = "127.0.0.1", env: dict[str, str] | None = None) -> Server:
    """Start ``prefect server start`` on ``host:port`` in a child process and return it at once.

    Its output goes to a log file, never to a pipe nobody reads, which would stall it once full.
    """
    environment = {**DEFAULTS, **(env if env is not None else os.environ)}
    environment.pop("PREFECT_API_URL", None)  # the server is the API; a client setting would confuse it
    # The UI in the browser asks this address; Prefect's default names port 4200 whatever the port.
    environment.setdefault("PREFECT_SERVER_UI_API_URL", api_url(port, host))
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    descriptor, log = tempfile.mkstemp(prefix="reportgrid-prefect-server-", suffix=".log")
    try:
        process = subprocess.Popen(command, env=environment, stdout=descriptor, stderr=subprocess.STDOUT)
    finally:
        os.close(descriptor)
    return Server(process, Path(log), api_url(port, host))


def wait_until_answers(server: Server, timeout: float = STARTUP_SECONDS) -> str:
    """The server's API address once its health check answers; ``ServerError`` when it exits first or
    does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise ServerError(f"the Prefect server exited with code {server.process.returncode}: {output}")
        if api_problem(server.url, POLL_SECONDS) is None:
            return server.url
        time.sleep(POLL_SECONDS)
    raise ServerError(f"the Prefect server did not answer at {server.url} within {timeout:g} s")


def stop_server(server: Server) -> None:
    """Stop the server, waiting for it to exit, and remove its log."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    server.log.unlink(missing_ok=True)
