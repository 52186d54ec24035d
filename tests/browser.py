"""Helpers for browser tests: run the Streamlit app on a free port and drive it with Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, Mapping

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60.0
APP_IDLE_TIMEOUT_MS = 60_000


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running_app(
    db_path: str | os.PathLike[str],
    env_extra: Mapping[str, str] | None = None,
    app: str | os.PathLike[str] = "dashboard.py",
    timeout_s: float = SERVER_START_TIMEOUT_S,
) -> Iterator[str]:
    """Run `streamlit run APP` from the repo root against DB_PATH; yield its base URL, stop it on exit."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env["TALENTBOARD_DB"] = str(db_path)
    env.setdefault("PYTHONUNBUFFERED", "1")
    if env_extra:
        env.update(env_extra)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]
    # Server output goes to files, not pipes: a full pipe buffer would block the server.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)

        def server_output() -> str:
            err.seek(0)
            out.seek(0)
            return (f"--- stderr ---\n{err.read().decode(errors='replace')}"
                    f"\n--- stdout ---\n{out.read().decode(errors='replace')}")

        try:
            deadline = time.monotonic() + timeout_s
            while not _healthy(f"{base_url}/_stcore/health"):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"streamlit exited with code {proc.returncode} before becoming healthy: "
                        f"{' '.join(cmd)}\n{server_output()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit not healthy at {base_url} after {timeout_s:.0f}s: "
                        f"{' '.join(cmd)}\n{server_output()}")
                time.sleep(0.25)
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def launch_chromium(playwright, headless: bool = True):
    """Launch Debian's /usr/bin/chromium; raise (never skip) when it is missing or does not start."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: install Debian's chromium (bash scripts/test does it); "
            "`playwright install` is not used")
    try:
        return playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=headless, args=CHROMIUM_ARGS)
    except Exception as exc:
        raise RuntimeError(f"could not launch {CHROMIUM}: {exc}") from exc


def wait_for_app(page, timeout_ms: int = APP_IDLE_TIMEOUT_MS) -> None:
    """Wait until the script run finished (Streamlit's own idiom) and no status spinner is running."""
    # 'initial' until the first run is assigned an id, so 'notRunning' means a run has finished.
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
        "[data-test-script-state='notRunning']",
        state="attached", timeout=timeout_ms)
    page.wait_for_selector(
        "[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']",
        state="detached", timeout=min(timeout_ms, 10_000))
