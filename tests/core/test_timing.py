"""The load test's per-request CPU log: off unless REQUEST_CPU_LOG is set."""

from __future__ import annotations

from skillsreg.app import create_app


def test_each_request_writes_its_route_and_cpu_time_when_asked(tmp_path):
    app = create_app("test", REQUEST_CPU_LOG=str(tmp_path / "cpu"))
    client = app.test_client()
    assert client.get("/privacy").status_code == 200
    client.get("/no/such/page")
    lines = [
        line.split("\t")
        for path in tmp_path.glob("cpu-*.tsv")
        for line in path.read_text().splitlines()
    ]
    assert [(method, route) for method, route, _ in lines] == [
        ("GET", "/privacy"),
        ("GET", "(no route)"),
    ]
    assert all(float(spent) >= 0 for *_, spent in lines)


def test_nothing_is_written_without_the_setting(app, client, tmp_path):
    assert app.config["REQUEST_CPU_LOG"] is None
    assert not any(
        name.endswith("write_cpu_time")
        for name in map(repr, app.teardown_request_funcs.get(None, []))
    )
