"""`mace serve` as a user runs it: real gunicorn, real worker, its own SQLite file and port."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SERVE = [sys.executable, "-m", "mace.cli", "serve"]
STARTED = re.compile(r"worker started \(pid (\d+)\)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until(what: Callable[[], object], seconds: float, why: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"Timed out after {seconds} s waiting until {why}")


def _health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return int(response.status)
    except OSError:
        return 0


class Serving:
    def __init__(self, var: Path, port: int, process: subprocess.Popen[bytes]) -> None:
        self.var, self.port, self.process = var, port, process

    def log(self) -> str:
        return (self.var / "serve.err").read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        return [int(pid) for pid in STARTED.findall(self.log())]


@pytest.fixture
def serving() -> Iterator[Serving]:
    var = Path(tempfile.mkdtemp(prefix="mace-serve-"))  # short: the control socket's path must fit
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"MACE_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "mace.config.settings.dev"}
    with (var / "serve.out").open("wb") as out, (var / "serve.err").open("wb") as err:
        process = subprocess.Popen(  # noqa: S603
            [*SERVE, "--port", str(port), "--workers", "1", "--interval", "1"],
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        yield Serving(var, port, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(var, ignore_errors=True)


def test_killing_the_worker_leaves_the_site_answering_and_the_worker_is_restarted(serving: Serving) -> None:
    _until(lambda: _health(serving.port) == 200, 120, "the web server answers")
    _until(serving.worker_pids, 30, "the worker has started")
    [first] = serving.worker_pids()
    time.sleep(2)  # it ticks every second: this kill lands while it works

    os.kill(first, signal.SIGKILL)

    assert _health(serving.port) == 200
    _until(lambda: len(serving.worker_pids()) == 2, 30, "the worker is started again")
    second = serving.worker_pids()[1]
    os.kill(second, 0)  # alive
    assert f"worker (pid {first}) exited with code -9" in serving.log()
    assert _health(serving.port) == 200
    assert serving.process.poll() is None


def test_each_instance_has_its_own_control_socket_and_sigterm_stops_everything(serving: Serving) -> None:
    _until(lambda: _health(serving.port) == 200, 120, "the web server answers")
    control = serving.var / f"gunicorn-{serving.port}.ctl"
    _until(control.exists, 30, f"gunicorn listens on {control}")

    serving.process.send_signal(signal.SIGTERM)

    assert serving.process.wait(timeout=60) == 0
    assert _health(serving.port) == 0
    for pid in serving.worker_pids():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
