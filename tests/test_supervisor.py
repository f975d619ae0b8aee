from __future__ import annotations

import signal
import sys

from mace import supervisor
from mace.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
DIES_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _supervisor(children: dict[str, list[str]]) -> tuple[Supervisor, Clock, list[str]]:
    clock, said = Clock(), []
    return Supervisor(children, say=said.append, clock=clock), clock, said


def test_a_child_that_dies_is_restarted_and_the_other_keeps_running() -> None:
    sup, clock, said = _supervisor({"web server": SLEEPER, "worker": SLEEPER})
    sup.start()
    try:
        web, worker = (c.process for c in sup.children)
        assert web is not None and worker is not None
        worker.send_signal(signal.SIGKILL)
        worker.wait()

        sup.check()
        clock.now += supervisor.FIRST_WAIT
        sup.check()

        restarted = sup.children[1].process
        assert restarted is not None and restarted.pid != worker.pid and restarted.poll() is None
        assert sup.children[0].process is web and web.poll() is None
        assert any(f"worker (pid {worker.pid}) exited with code -9" in line for line in said)
    finally:
        sup.stop()


def test_a_child_is_not_restarted_before_its_wait_is_over() -> None:
    sup, clock, _ = _supervisor({"worker": DIES_AT_ONCE})
    sup.start()
    first = sup.children[0].process
    assert first is not None
    first.wait()
    sup.check()
    clock.now += supervisor.FIRST_WAIT / 2
    sup.check()
    assert sup.children[0].process is first
    sup.stop()


def test_the_wait_doubles_with_each_death_in_a_row_up_to_a_ceiling() -> None:
    waits = [Supervisor.wait_for(n) for n in range(1, 8)]
    assert waits == [1, 2, 4, 8, 16, 30, 30]


def test_a_child_that_had_stayed_up_is_restarted_after_the_shortest_wait() -> None:
    sup, clock, said = _supervisor({"worker": SLEEPER})
    sup.start()
    child = sup.children[0]
    child.deaths = 4  # it had died quickly before, then came up and stayed up
    clock.now += supervisor.STABLE_AFTER
    assert child.process is not None
    child.process.kill()
    child.process.wait()
    sup.check()
    assert child.restart_at == clock.now + supervisor.FIRST_WAIT
    assert said[-1].endswith("restarting in 1 s")
    sup.stop()


def test_a_child_that_never_comes_up_is_given_up_and_everything_stops() -> None:
    sup, clock, said = _supervisor({"web server": DIES_AT_ONCE, "worker": SLEEPER})
    sup.start()
    worker = sup.children[1].process
    for _ in range(supervisor.GIVE_UP_AFTER * 2):
        process = sup.children[0].process
        assert process is not None
        process.wait()
        sup.check()
        clock.now += supervisor.LONGEST_WAIT
        sup.check()
        if sup.stopping:
            break
    sup.stop()
    assert sup.gave_up is sup.children[0]
    assert "giving up" in said[-1]
    assert worker is not None and worker.poll() is not None


def test_stopping_ends_every_child() -> None:
    sup, _, _ = _supervisor({"web server": SLEEPER, "worker": SLEEPER})
    sup.start()
    sup.stop()
    assert all(c.process is not None and c.process.returncode == -signal.SIGTERM for c in sup.children)
