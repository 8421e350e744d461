"""The web console: server-rendered pages and /api/v1, served by `switchboard serve` beside the
webhooks. Every asset ships in this package (`static/`): nothing is loaded from elsewhere.

`mount_console(app, settings, services)` adds the routes, the static files, the security headers
and the handlers that turn "not signed in" into a redirect (pages) or 401 (API), and "not yours"
into 403. Raises SettingsError when the console cannot run safely (no session secret in
production).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from switchboard.services.console.recordings import NoRecording, RecordingFetchFailed
from switchboard.services.console.views import OutOfScope
from switchboard.services.directory import EmployeeNotFound
from switchboard.settings import Settings

from . import formatting
from .api import router as api_router
from .auth import CsrfRefused, Forbidden, LoginRequired
from .context import HERE, Console, ConsoleServices, DoctorCache
from .headers import SecurityHeaders
from .rendering import page
from .routes_auth import router as auth_router
from .routes_directory import router as directory_router
from .routes_pages import NotFound
from .routes_pages import router as pages_router
from .sessions import SessionCodec

__all__ = ["ConsoleServices", "mount_console"]


def mount_console(app: FastAPI, settings: Settings, services: ConsoleServices) -> Console:
    console = Console(services, SessionCodec.from_settings(settings))
    console.doctor = DoctorCache(services.doctor)
    formatting.install(console.templates)
    app.state.console = console
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(auth_router)
    app.include_router(pages_router)
    app.include_router(directory_router)
    app.include_router(api_router)
    _handlers(app)
    app.add_middleware(SecurityHeaders)
    return console


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    async def login_required(request: Request, exc: Exception) -> Response:
        if isinstance(exc, LoginRequired) and exc.api:
            return JSONResponse(
                {"detail": "a bearer token is required (switchboard users token EMAIL)"},
                status_code=401, headers={"www-authenticate": "Bearer"},
            )  # fmt: skip
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return page(request, None, "error.html", status_code=403, title="Not allowed",
                    reason=str(exc))  # fmt: skip

    async def csrf(request: Request, exc: Exception) -> Response:
        return page(request, None, "error.html", status_code=403, title="Form expired",
                    reason="The form was not sent from this console; reload the page and try again.")  # fmt: skip

    async def not_found(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return page(request, None, "error.html", status_code=404, title="Not found",
                    reason=str(exc))  # fmt: skip

    async def bad_gateway(request: Request, exc: Exception) -> Response:
        reason = f"The recording could not be fetched: {exc}."
        if _is_api(request):
            return JSONResponse({"detail": reason}, status_code=502)
        return page(request, None, "error.html", status_code=502, title="Recording unavailable",
                    reason=reason)  # fmt: skip

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(OutOfScope, forbidden)
    app.add_exception_handler(CsrfRefused, csrf)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(EmployeeNotFound, not_found)
    app.add_exception_handler(NoRecording, not_found)
    app.add_exception_handler(RecordingFetchFailed, bad_gateway)
