"""Worker processes: tasks -> results, one task at a time per worker, so a worker that dies
loses only the task it was running and is replaced; workers die with their parent."""

from __future__ import annotations

import contextlib
import os
import signal
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Lost:
    """The worker running the task died (killed, out of memory); its exit code, or the
    signal that ended it as a negative number."""

    exitcode: int | None


@dataclass(frozen=True)
class Raised:
    """The task raised: what it raised."""

    message: str


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` ends, however it ends (kill -9 included): the kernel
    sends SIGKILL on Linux; elsewhere a thread watches the parent's pid."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        armed = False
    if not armed:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _serve(
    conn: Any,
    parent: int,
    work: Callable[..., object],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    """A worker: runs the tasks it is sent, one at a time, until told to stop."""
    die_with_parent(parent)
    initializer(*initargs)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result: object = work(*task)
        except Exception as exc:
            result = Raised(f"{type(exc).__name__}: {exc}")
        conn.send(result)


class _Worker:
    def __init__(self, context: Any, args: tuple[Any, ...]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, os.getpid(), *args))
        self.process.daemon = True
        self.process.start()
        child.close()  # only the worker holds its end: its death reads as the end of the pipe

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.terminate()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run(
    tasks: Sequence[tuple[Hashable, tuple[Any, ...]]],
    *,
    size: int,
    work: Callable[..., object],
    done: Callable[[Hashable, object], None],
    initializer: Callable[..., None] = lambda: None,
    initargs: tuple[Any, ...] = (),
) -> None:
    """Run ``work(*args)`` for every ``(key, args)`` in ``size`` worker processes (forked
    where the system can), and call ``done(key, result)`` in this process as each ends: the
    work's result, ``Raised`` or ``Lost``. A worker that dies is replaced; only the task it
    was running is lost. On an exception here (Ctrl-C) the workers are stopped, and it goes on."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    queue = deque(tasks)
    idle = [_Worker(context, (work, initializer, initargs)) for _ in range(min(size, len(queue)))]
    busy: dict[_Worker, Hashable] = {}
    try:
        while queue or busy:
            while queue and idle:
                worker = idle.pop()
                if not worker.process.is_alive():  # died between tasks: nothing lost
                    worker.stop(kill=True)
                    worker = _Worker(context, (work, initializer, initargs))
                key, args = queue.popleft()
                busy[worker] = key
                with contextlib.suppress(OSError):  # it died just now: its sentinel tells
                    worker.conn.send(args)
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in [w for w in busy if w.conn in ready or w.process.sentinel in ready]:
                key = busy.pop(worker)
                try:
                    result = worker.conn.recv()
                except (EOFError, OSError):  # died while running the task
                    worker.process.join()
                    result = Lost(worker.process.exitcode)
                    worker.stop(kill=True)
                    if queue:
                        idle.append(_Worker(context, (work, initializer, initargs)))
                else:
                    idle.append(worker)
                done(key, result)
    except BaseException:
        for worker in [*busy, *idle]:
            worker.stop(kill=True)
        raise
    for worker in idle:
        worker.stop()
