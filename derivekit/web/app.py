"""The Starlette application: routes, limits, and errors as one JSON line (never a traceback).

Why Starlette: a small, well-kept ASGI toolkit (routing, requests, static files, a test
client) with no framework magic: every route below is a plain async function, and the
library calls behind them stay in :mod:`derivekit.web.api`. Work is kept off the event loop
so that pages stay responsive: grading in its worker process (:mod:`derivekit.web.grading`),
previews in the thread pool, verification and derivations in one background thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from derivekit import registry
from derivekit.errors import DerivekitError
from derivekit.web import api, pages
from derivekit.web.grading import Grader

STATIC = Path(__file__).resolve().parent / "static"
HEAVY_S = 300.0
"""Verification of a problem or a derivation: the reply gives up after this long."""
PREVIEW_S = 3.0
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
log = logging.getLogger("derivekit.web")


class _Headers:
    """ASGI middleware: the security headers on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += [(k.lower().encode(), v.encode())
                                       for k, v in HEADERS.items()]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object, refused past :data:`api.MAX_BODY_BYTES` (read in chunks,
    so a large body is never held whole)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise api.ApiError(415, "send a JSON object (Content-Type: application/json)")
    too_large = api.ApiError(413, f"request body over {api.MAX_BODY_BYTES} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > api.MAX_BODY_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > api.MAX_BODY_BYTES:
            raise too_large
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise api.ApiError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise api.ApiError(400, "the body must be a JSON object")
    return data


def _json_errors(handler: Callable[[Request], Awaitable[Any]]) -> Callable:
    """Run an API handler: its data as JSON, any failure as ``{"error": one line}``."""
    async def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(await handler(request))
        except api.ApiError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        except DerivekitError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except asyncio.TimeoutError:
            return JSONResponse({"error": f"no result within {HEAVY_S:g} s"}, status_code=504)
        except Exception as exc:  # a bug: the server log keeps the traceback, not the reply
            log.exception("%s %s failed", request.method, request.url.path)
            return JSONResponse({"error": f"internal error ({type(exc).__name__}); the "
                                 "server's log has the details"}, status_code=500)
    return endpoint


def create_app(problems: Path | None = None) -> Starlette:
    """The app over the problems in ``problems`` (default: as ``derivekit list`` finds them);
    a broken problem pack is a DerivekitError here, before anything listens."""
    catalog = registry.catalog(problems)
    grader = Grader(problems)
    heavy = ThreadPoolExecutor(1, thread_name_prefix="derivekit-verify")
    verified: dict[str, dict] = {}

    async def in_background(fn: Callable, *args: Any) -> Any:
        return await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
            heavy, fn, *args), HEAVY_S)

    def problem_of(request: Request):  # noqa: ANN202
        try:
            return registry.lookup(request.path_params["problem_id"], problems)
        except DerivekitError as exc:
            raise HTTPException(404, str(exc)) from None

    async def catalog_page(request: Request) -> Response:
        return HTMLResponse(pages.catalog_page(catalog))

    async def problem_page(request: Request) -> Response:
        return HTMLResponse(pages.problem_page(problem_of(request)))

    async def sheet_page(request: Request) -> Response:
        return HTMLResponse(pages.sheet_page(problem_of(request)))

    async def derive_page(request: Request) -> Response:
        return HTMLResponse(pages.derive_page())

    async def endpoints(request: Request) -> dict:
        return api.ENDPOINTS

    async def problems_json(request: Request) -> list:
        return api.catalog_json(catalog)

    async def problem_json(request: Request) -> dict:
        return api.problem_json(api.lookup(problems, request.path_params["problem_id"]))

    async def preview(request: Request) -> dict:
        body = await read_json(request)
        return await asyncio.wait_for(run_in_threadpool(api.preview, problems, body),
                                      PREVIEW_S)

    async def check(request: Request) -> dict:
        body = await read_json(request)
        problem, part, answer = api.answer_request(problems, body)
        return await grader.check(problem.id, part.name, answer, api.seed_of(body),
                                  api.field(body, "any_layout", bool, False))

    def verify_once(body: dict) -> dict:
        key = json.dumps([body.get("problem"), body.get("seed", 0)])
        if key not in verified:  # deterministic per seed: computed once
            verified[key] = api.verify(problems, body)
        return verified[key]

    async def verify(request: Request) -> dict:
        return await in_background(verify_once, await read_json(request))

    async def derive(request: Request) -> dict:
        return await in_background(api.derive, await read_json(request))

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return HTMLResponse(pages.error_page(exc.status_code, exc.detail),
                            status_code=exc.status_code)

    async def server_error(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "internal error"}, status_code=500) if \
            request.url.path.startswith("/api/") else \
            HTMLResponse(pages.error_page(500, "internal error"), status_code=500)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        warming = asyncio.create_task(grader.warm_up())  # the first answer need not wait
        try:
            yield
        finally:
            warming.cancel()
            grader.close()
            heavy.shutdown(wait=False, cancel_futures=True)

    routes = [
        Route("/", catalog_page),
        Route("/problems/{problem_id}", problem_page),
        Route("/problems/{problem_id}/sheet", sheet_page),
        Route("/derive", derive_page),
        Route("/api", _json_errors(endpoints)),
        Route("/api/problems", _json_errors(problems_json)),
        Route("/api/problems/{problem_id}", _json_errors(problem_json)),
        Route("/api/preview", _json_errors(preview), methods=["POST"]),
        Route("/api/check", _json_errors(check), methods=["POST"]),
        Route("/api/verify", _json_errors(verify), methods=["POST"]),
        Route("/api/derive", _json_errors(derive), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: server_error})
    app.add_middleware(_Headers)
    return app
