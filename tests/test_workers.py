"""Worker processes: a dead worker loses only its own task and is replaced; workers end with
their parent, however it ends. Real processes throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from handoutgen.workers import Lost, Raised, run

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forks workers")


def square_or_die(n: int) -> int:
    if n in (3, 7):
        os.kill(os.getpid(), signal.SIGKILL)  # like the kernel's OOM killer
    if n == 5:
        raise ValueError("five")
    time.sleep(0.01)
    return n * n


def test_a_worker_that_dies_loses_only_the_task_it_was_running():
    results: dict[object, object] = {}
    run(
        [(n, (n,)) for n in range(12)],
        size=3,
        work=square_or_die,
        done=results.__setitem__,
    )
    assert results.pop(3) == Lost(-signal.SIGKILL) and results.pop(7) == Lost(-signal.SIGKILL)
    assert results.pop(5) == Raised("ValueError: five")
    assert results == {n: n * n for n in range(12) if n not in (3, 5, 7)}


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children_of(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (from /proc)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(name))
    return found


SLEEPER = """
import time
from handoutgen.workers import run
print("started", flush=True)
run([(n, (60,)) for n in range(4)], size=2, work=time.sleep, done=lambda k, r: None)
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_workers_end_when_their_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", SLEEPER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    try:
        assert parent.stdout and parent.stdout.readline() == "started\n"
        deadline = time.monotonic() + 20
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = children_of(parent.pid)
            time.sleep(0.02)
        assert len(workers) == 2
        parent.kill()
        # the log pipe the workers inherited closes: a CI step reading it ends
        parent.communicate(timeout=10)
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not any(map(_alive, workers))
    finally:
        parent.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
