"""Keeps `mace serve`'s processes (gunicorn and the worker) running: a child that dies is restarted.

One child dying never stops the others (decision 0011). A child that dies soon after starting is
restarted after a back-off that doubles, up to a ceiling; one that had stayed up for a while starts
again at the shortest wait. A child that cannot stay up even once (the port is taken, the settings
are broken) is given up after a few tries, and everything stops with that said: an endless restart
loop would hide the cause. Ctrl-C or SIGTERM stops every child and waits for it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

FIRST_WAIT = 1.0  # seconds before restarting a child that died
LONGEST_WAIT = 30.0
STABLE_AFTER = 30.0  # a child up this long has "started"; its next death waits FIRST_WAIT again
GIVE_UP_AFTER = 5  # deaths in a row of a child that never started
STOP_TIMEOUT = 15.0  # seconds a child has to stop before it is killed


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} mace serve: {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    deaths: int = 0  # in a row, without having stayed up STABLE_AFTER
    ever_started: bool = False
    restart_at: float | None = None


class Supervisor:
    def __init__(
        self,
        children: dict[str, Sequence[str]],
        *,
        env: dict[str, str] | None = None,
        say: Callable[[str], None] = log,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = [Child(name, argv) for name, argv in children.items()]
        self.env = env
        self.say = say
        self.clock = clock
        self.stopping = False
        self.gave_up: Child | None = None

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, env=self.env)  # noqa: S603 - our own commands
        child.started_at = self.clock()
        child.restart_at = None
        self.say(f"{child.name} started (pid {child.process.pid})")

    def start(self) -> None:
        for child in self.children:
            self._start(child)

    @staticmethod
    def wait_for(deaths: int) -> float:
        return min(FIRST_WAIT * 2 ** max(deaths - 1, 0), LONGEST_WAIT)

    def check(self) -> None:
        """One look at every child: note the dead, restart those whose wait is over."""
        now = self.clock()
        for child in self.children:
            if self.stopping:
                return
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child)
                continue
            assert child.process is not None
            code = child.process.poll()
            if code is None:
                if not child.ever_started and now - child.started_at >= STABLE_AFTER:
                    child.ever_started = True
                continue
            lived = now - child.started_at
            if lived >= STABLE_AFTER:
                child.ever_started, child.deaths = True, 0
            child.deaths += 1
            if not child.ever_started and child.deaths >= GIVE_UP_AFTER:
                self.say(f"{child.name} exited (code {code}) {child.deaths} times, never started; giving up")
                self.gave_up = child
                self.stopping = True
                return
            wait = self.wait_for(child.deaths)
            child.restart_at = now + wait
            self.say(
                f"{child.name} (pid {child.process.pid}) exited with code {code} after {lived:.0f} s; "
                f"restarting in {wait:.0f} s"
            )

    def stop(self) -> None:
        self.stopping = True
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def run(self, poll_every: float = 0.5) -> int:
        """Start every child and keep them running until a signal; 0 on a clean stop, 1 on giving up."""

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            if not self.stopping:
                self.say(f"{signal.Signals(signum).name} received; stopping")
            self.stopping = True

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            while not self.stopping:
                time.sleep(poll_every)
                self.check()
        finally:
            self.stop()
            for s, handler in previous.items():
                signal.signal(s, handler)
        return 1 if self.gave_up else 0
