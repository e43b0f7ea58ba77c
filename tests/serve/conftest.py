"""Fixtures for the front-desk page: a site over the real project (or a scratch copy) with its
own output folder, through Starlette's test client or a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from handoutgen.serve import Site, create_app
from tests.conftest import ROOT

BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    out = tmp_path_factory.mktemp("serve-out")
    made = Site(ROOT, out)
    yield made
    made.close()


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[object]:
    from starlette.testclient import TestClient

    with TestClient(create_app(site), base_url=BASE) as c:
        yield c


class Live:
    """A real uvicorn server for ``site`` on a free loopback port, in a thread."""

    def __init__(self, site: Site) -> None:
        import uvicorn

        config = uvicorn.Config(
            create_app(site), host="127.0.0.1", port=0, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"{BASE}:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def live(site: Site) -> Live:
    return Live(site)


def scratch_site(dest: Path, **options: bool) -> Site:
    """A site over a writable copy of the project."""
    from tests.conftest import copy_project

    project = copy_project(dest / "project")
    return Site(project.root, dest / "out", **options)
