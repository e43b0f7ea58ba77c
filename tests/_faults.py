"""Fault injection for batch tests: a worker function that dies like an OOM-killed process."""

from __future__ import annotations

import os
import signal

from handoutgen import batch


def fragile_work(job, *args):
    if job.locale == "de":
        os.kill(os.getpid(), signal.SIGKILL)
    return batch._build_and_write(job, *args)
