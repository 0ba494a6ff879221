"""``derivekit serve``'s JSON API and pages through Starlette's test client: answers graded as
the CLI grades them, limits, and every error a single JSON line."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from derivekit.web import api
from derivekit.web.app import STATIC, create_app
from derivekit.web.grading import Grader
from derivekit.web.server import is_loopback, listen, url_of


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def check(client: TestClient, answer: str, part: str = "xTx",
          problem: str = "matrix-gradients") -> dict:
    response = client.post("/api/check", json={"problem": problem, "part": part,
                                               "answer": answer})
    assert response.status_code == 200, response.text
    return response.json()


def test_pages_render(client: TestClient) -> None:
    catalog = client.get("/")
    assert catalog.status_code == 200 and "/problems/gan-gradients" in catalog.text
    page = client.get("/problems/matrix-gradients")
    assert page.status_code == 200 and page.text.count("<textarea") == 5
    assert "/static/katex/katex.min.js" in page.text and "cdn" not in page.text.lower()
    assert "\\boxed" not in page.text  # a student's page shows no answers
    assert client.get("/problems/matrix-gradients/sheet").status_code == 200
    assert client.get("/derive").status_code == 200
    for response in (catalog, page):
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["x-content-type-options"] == "nosniff"


def test_unknown_problem_page_is_a_404_page(client: TestClient) -> None:
    response = client.get("/problems/gan-gradient")
    assert response.status_code == 404 and "did you mean gan-gradients" in response.text
    assert "Traceback" not in response.text


def test_api_catalog_and_problem(client: TestClient, catalog) -> None:
    listed = client.get("/api/problems").json()
    assert [p["id"] for p in listed] == list(catalog)
    problem = client.get("/api/problems/matrix-gradients").json()
    assert [p["name"] for p in problem["parts"]] == [p.name for p in catalog[
        "matrix-gradients"].parts]
    assert "answer" not in str(problem["parts"])
    assert set(client.get("/api").json()) == set(api.ENDPOINTS)


def test_preview_reads_without_grading(client: TestClient) -> None:
    body = {"problem": "matrix-gradients", "part": "xTx", "answer": "2x^T"}
    read = client.post("/api/preview", json=body).json()
    assert read == {"ok": True, "interpreted": "2*x.T", "interpreted_latex": "2\\,\\mathbf{x}^\\top"}
    unread = client.post("/api/preview", json={**body, "answer": "2q"}).json()
    assert unread["ok"] is False and "unknown symbol 'q'" in unread["message"]


def test_check_right_and_wrong_answers(client: TestClient) -> None:
    right = check(client, "2x")
    assert right["verdict"] == "equivalent" and "dk-equivalent" in right["html"]
    wrong = check(client, "2*x.T")
    assert wrong["verdict"] == "not-equivalent" and wrong["diagnosis"] == "wrong layout"
    assert wrong["counterexample"]["expected"] and "counterexample" in wrong["html"]
    assert check(client, "-2x")["diagnosis"] == "sign flipped"


def test_request_text_is_never_run(client: TestClient, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    answer = f"__import__('os').system('touch {marker}')"
    assert check(client, answer)["verdict"] == "invalid"
    derived = client.post("/api/derive", json={"expression": answer, "wrt": "x",
                                               "givens": ["x:n"]})
    assert derived.status_code == 400 and not marker.exists()


@pytest.mark.parametrize("kwargs, status, words", [
    ({"content": b"{" + b" " * 20_000 + b"}", "headers": {"content-type": "application/json"}},
     413, "over 16384 bytes"),
    ({"content": b"{nope", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
    ({"content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 400, "JSON object"),
    ({"data": {"answer": "2x"}}, 415, "Content-Type"),
    ({"json": {"problem": "matrix-gradients", "part": "xTx"}}, 400, "missing field 'answer'"),
    ({"json": {"problem": "matrix-gradients", "part": "xTx", "answer": 2}}, 400, "a string"),
    ({"json": {"problem": "nope", "part": "xTx", "answer": "x"}}, 404, "unknown problem id"),
    ({"json": {"problem": "matrix-gradients", "part": "nope", "answer": "x"}}, 404, "no part"),
    ({"json": {"problem": "matrix-gradients", "part": "xTx", "answer": "x", "seed": -1}}, 400,
     "between 0"),
])
def test_bad_requests_get_one_json_line(client: TestClient, kwargs: dict, status: int,
                                        words: str) -> None:
    response = client.post("/api/check", **kwargs)
    assert response.status_code == status
    assert list(response.json()) == ["error"] and words in response.json()["error"]
    assert "\n" not in response.json()["error"] and "Traceback" not in response.text


def test_a_bug_is_a_500_json_line_not_a_traceback(client: TestClient, monkeypatch) -> None:
    def broken(*args):  # noqa: ANN002, ANN202
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "preview", broken)
    response = client.post("/api/preview", json={"problem": "matrix-gradients", "part": "xTx",
                                                 "answer": "x"})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error (RuntimeError); the server's log has "
                                        "the details"}


def test_derive_shows_only_verified_forms(client: TestClient) -> None:
    derived = client.post("/api/derive", json={"expression": "log(det(X))", "wrt": "X",
                                               "givens": ["X:n,n"]}).json()
    assert derived["status"] == "verified" and derived["derivative"] == "inv(X).T"
    assert "jax-autodiff" in derived["html"]
    large = client.post("/api/derive", json={"expression": "x.T@x", "wrt": "x",
                                             "givens": ["x:50"]})
    assert large.status_code == 400 and "command line" in large.json()["error"]
    bad = client.post("/api/derive", json={"expression": "foo(x)", "wrt": "x",
                                           "givens": ["x:n"]})
    assert bad.status_code == 400 and list(bad.json()) == ["error"]


def test_verify_gives_the_sheet_and_the_audit(client: TestClient) -> None:
    sheet = client.post("/api/verify", json={"problem": "gan-gradients"}).json()
    assert sheet["verdict"]["status"] == "verified"
    assert {e["verdict"] for e in sheet["audit"]} >= {"wrong"}  # the seed swaps the players
    assert "dk-seed-note" in sheet["html"] and "The seed's claims" in sheet["html"]


def test_pages_answer_while_a_verification_runs(client: TestClient) -> None:
    done = threading.Event()

    def verify() -> None:
        client.post("/api/verify", json={"problem": "lstm-jacobian", "seed": 5})
        done.set()

    worker = threading.Thread(target=verify)
    worker.start()
    time.sleep(0.2)
    assert client.get("/").status_code == 200 and check(client, "2x")["verdict"] == \
        "equivalent"
    assert not done.is_set(), "the page waited for the verification"
    worker.join()


def test_a_runaway_answer_is_cut_off_and_the_worker_replaced() -> None:
    async def scenario() -> None:
        grader = Grader(None)
        grader.start()
        try:
            first = grader._process.pid
            with pytest.raises(asyncio.TimeoutError):
                await grader._run(time.sleep, (30,), 1.0)
            assert grader._process.pid != first and grader._process.is_alive()
            assert await grader._run(abs, (-2,), 60) == 2
        finally:
            grader.close()

    asyncio.run(scenario())


def test_vendored_katex_is_complete_and_small() -> None:
    katex = STATIC / "katex"
    assert {"katex.min.js", "katex.min.css", "auto-render.min.js", "LICENSE"} <= {
        p.name for p in katex.iterdir()}
    fonts = list((katex / "fonts").iterdir())
    assert fonts and all(p.suffix == ".woff2" for p in fonts)
    for name in ("KaTeX_Main-Regular", "KaTeX_Math-Italic", "KaTeX_Size1-Regular"):
        assert (katex / "fonts" / f"{name}.woff2").is_file()
    assert sum(p.stat().st_size for p in katex.rglob("*") if p.is_file()) < 1_000_000


def test_listening_defaults_and_errors() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0")
    sock = listen("127.0.0.1", 0)
    try:
        assert url_of(sock).startswith("http://127.0.0.1:")
        port = sock.getsockname()[1]
        with pytest.raises(Exception, match="cannot listen on 127.0.0.1"):
            listen("127.0.0.1", port)
    finally:
        sock.close()


def test_serve_refuses_bad_arguments_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from derivekit.cli import app

    runner = CliRunner()
    missing = runner.invoke(app, ["serve", "--problems", str(tmp_path / "absent")])
    assert missing.exit_code == 2 and "no problems directory" in missing.stderr
    port = runner.invoke(app, ["serve", "--port", "70000"])
    assert port.exit_code == 2 and port.stderr.strip() == (
        "error: --port 70000: not a port number (0 picks a free one)")
