"""The serve command's options: help with every default, a port out of range refused, and
which hosts are this machine's (any other is served only with a warning)."""

from __future__ import annotations

import pytest

from handoutgen.cli import main
from handoutgen.cli.serve import _local


def test_serve_help_names_every_option_and_its_default(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--host", "--port", "--out", "--allow-incomplete", "--allow-overdue"):
        assert option in text
    assert "(default: 127.0.0.1, this machine only;" in text
    assert "(default: 8000)" in text and "(default: out/)" in text


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_a_port_out_of_range_is_refused(port: str, capsys: pytest.CaptureFixture[str]):
    assert main(["serve", "--port", port]) == 2
    assert f"--port {port}: expected 1 to 65535" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("clinic-pc", False),
    ],
)
def test_only_loopback_hosts_are_local(host: str, local: bool):
    assert _local(host) is local


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_serve_listens_where_asked_and_warns_off_this_machine(
    host: str, warned: bool, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys
):
    import uvicorn

    ran: dict[str, object] = {}

    def run(app: object, **options: object) -> None:  # the server itself is not started
        ran.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    assert main(["serve", "--host", host, "--port", "8123", "--out", str(tmp_path / "o")]) == 0
    captured = capsys.readouterr()
    assert ran["host"] == host and ran["port"] == 8123
    assert f"Front desk: http://{host}:8123/" in captured.out
    assert ("other computers on the network can open this page" in captured.err) is warned
    assert (tmp_path / "o").is_dir()


def test_a_port_in_use_is_said_in_one_line(tmp_path, capsys: pytest.CaptureFixture[str]):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert f"--port {port}: cannot listen there: Address already in use" in err
    assert not (tmp_path / "o").exists()  # nothing made
