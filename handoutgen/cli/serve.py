"""The ``serve`` command: its options -> the front-desk page served by uvicorn on this machine
(127.0.0.1 unless another address is asked for, with a warning), until Ctrl-C."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..project import Project

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only; another "
        "address lets other computers reach the page, with no password)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    p.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="offer incomplete translations as marked drafts (default: not offered)",
    )
    p.add_argument(
        "--allow-overdue",
        action="store_true",
        help="offer leaflets past their review date, marked 'Review overdue' (default: refused)",
    )


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the page cannot listen on ``host``:``port`` (taken, not this machine's), or None;
    checked before the server starts, so that it is said in one line."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def run(project: Project, args: argparse.Namespace) -> int:
    """Serve until interrupted; 1 if the page cannot start (its extra not installed, the
    port taken, an address not this machine's), with why."""
    try:
        import uvicorn

        from ..serve import Site, create_app
    except ImportError as exc:
        print(
            f"error: the front-desk page needs the 'serve' extra ({exc.name} is missing): "
            "pip install -e '.[serve]'",
            file=sys.stderr,
        )
        return 1
    from ..write import prepare_output

    if not 0 < args.port < 65536:
        print(f"error: --port {args.port}: expected 1 to 65535", file=sys.stderr)
        return 2
    why = _cannot_listen(args.host, args.port)
    if why:
        print(
            f"error: --host {args.host} --port {args.port}: cannot listen there: {why}",
            file=sys.stderr,
        )
        return 1
    prepare_output(args.out)  # a placed error if no file can be made there
    hosts = None
    if not _local(args.host):
        print(
            f"warning: --host {args.host}: other computers on the network can open this page "
            "and build leaflets; it has no password. Use only on a network you trust.",
            file=sys.stderr,
        )
        hosts = ["*"]
    site = Site(
        project.root,
        args.out.resolve(),
        allow_incomplete=args.allow_incomplete,
        allow_overdue=args.allow_overdue,
    )
    app = create_app(site, allowed_hosts=hosts)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Front desk: http://{shown}:{args.port}/  (Ctrl-C to stop; leaflets in {args.out})")
    sys.stdout.flush()
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        site.close()
    return 0
