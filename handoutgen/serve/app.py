"""The front desk over HTTP (Starlette): a request -> a page, a page preview or a PDF. Every
parameter is checked against the ids the project knows before anything is built or read: an
unknown or path-like value is not found (404), an overlong one a bad request (400)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..leaflet import Job
from . import pages, ui
from .search import search
from .site import Choices, Leaflet, Site

STATIC = {"serve.css": "text/css; charset=utf-8", "serve.js": "text/javascript; charset=utf-8"}
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")
_HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
    "img-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LOOPBACK = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(site: Site, *, allowed_hosts: list[str] | None = None) -> Starlette:
    """The app for ``site``; requests naming another host than ``allowed_hosts`` (default:
    this machine's loopback names) are refused, so a web page cannot reach it by DNS."""
    folder = site.root / "templates" / ui.FOLDER / "static"
    static = {name: (folder / name).read_bytes() for name in STATIC}
    limit = site.settings["max_value_length"]

    def value(request: Request, name: str) -> str | None:
        found = request.query_params.get(name)
        if found is not None and len(found) > limit:
            raise HTTPException(400)
        return found or None

    def interface(request: Request, choices: Choices) -> str:
        asked = value(request, "ui")
        if asked is not None:
            if asked not in choices.locales:
                raise HTTPException(404)
            return asked
        header = request.headers.get("accept-language", "")
        return ui.negotiate(header, list(choices.locales), site.settings["max_query_length"])

    def job_of(request: Request, choices: Choices) -> Job:
        topic = request.path_params["topic"]
        if len(topic) > limit:
            raise HTTPException(400)
        if topic not in choices.topics:
            raise HTTPException(404)
        values: dict[str, str | None] = {}
        for name, known in (
            ("locale", choices.locales),
            ("brand", choices.brands),
            ("edition", choices.editions),
            ("paper", choices.papers),
        ):
            values[name] = value(request, name)
            if values[name] is not None and values[name] not in known:
                raise HTTPException(404)
        second = value(request, "second")  # a second language, side by side
        if second is not None and second not in choices.locales:
            raise HTTPException(404)
        if second == (values["locale"] or choices.locales[0]):
            second = None  # the first language picked again: one language
        job = site.default_job(choices, topic, values, second)
        if values["paper"] is not None and job.paper != values["paper"]:
            raise HTTPException(404)  # a paper that edition is not made on
        return job

    def page(request: Request, tag: str, name: str, **values: Any) -> HTMLResponse:
        choices = values["choices"]
        values.setdefault("languages", [ui.language(t) for t in choices.locales])
        values.setdefault("keep", {})
        leaflet = values.get("leaflet")
        if leaflet is not None and leaflet.next_review is not None:
            from babel.dates import format_date

            values["review_date"] = format_date(
                leaflet.next_review, format="long", locale=ui.to_babel(tag)
            )
        values.setdefault("review_date", "")
        html = ui.render(site.root, tag, name, here=request.url.path, **values)
        return HTMLResponse(html, headers=_HTML_HEADERS)

    def built(job: Job) -> Leaflet:
        leaflet = site.leaflet(job)
        if leaflet.pdf is None:
            raise HTTPException(404)
        return leaflet

    def page_number(request: Request, pdf: pages.Pdf | None) -> int:
        text = request.path_params["n"]
        if pdf is None or not _PAGE_NUMBER.fullmatch(text) or int(text) > pdf.pages:
            raise HTTPException(404)
        return int(text)

    def png(request: Request, pdf: pages.Pdf, n: int) -> Response:
        tag = f'"{pdf.sha256}-{n}"'
        headers = {"ETag": tag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        path = pages.preview(site.out, pdf, n, site.settings["preview_dpi"])
        return Response(path.read_bytes(), media_type="image/png", headers=headers)

    def index(request: Request) -> Response:
        choices = site.choices()
        tag = interface(request, choices)
        query = request.query_params.get("q", "")
        if len(query) > site.settings["max_query_length"]:
            raise HTTPException(400)
        hits = search(site.index(choices), query, tag, site.settings["max_results"])
        return page(request, tag, "index.html.j2", choices=choices, query=query, hits=hits)

    def leaflet_page(request: Request) -> Response:
        choices = site.choices()
        tag = interface(request, choices)
        job = job_of(request, choices)
        leaflet = site.leaflet(job)
        entry = next(
            (e for e in site.index(choices) if (e.topic, e.locale) == (job.topic, job.locales[0])),
            None,
        )
        return page(
            request,
            tag,
            "leaflet.html.j2",
            choices=choices,
            job=job,
            leaflet=leaflet,
            entry=entry,
            link=_links(job, tag),
            keep=_params(job),
            pairs_fit=site.pair_refusal(job) is None,
        )

    def pdf(request: Request) -> Response:
        choices = site.choices()
        leaflet = built(job_of(request, choices))
        assert leaflet.pdf is not None
        job = leaflet.job
        name = f"{job.topic}-{job.locale}-{job.brand}-{job.edition}.{job.paper}.pdf"
        how = "attachment" if request.query_params.get("download") == "1" else "inline"
        headers = {
            "Content-Disposition": f'{how}; filename="{name}"',
            "ETag": f'"{leaflet.pdf.sha256}"',
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        }
        return Response(leaflet.pdf.data, media_type="application/pdf", headers=headers)

    def preview(request: Request) -> Response:
        leaflet = built(job_of(request, site.choices()))
        return png(request, leaflet.pdf, page_number(request, leaflet.pdf))  # type: ignore[arg-type]

    def previous_preview(request: Request) -> Response:
        job = job_of(request, site.choices())
        old = site.previous(job)
        return png(request, old, page_number(request, old))  # type: ignore[arg-type]

    def translate(request: Request) -> Response:
        from .translate import rows

        choices = site.choices()
        tag = interface(request, choices)
        leaflet = built(job_of(request, choices))
        assert leaflet.pdf is not None
        texts = pages.page_texts(leaflet.pdf)
        with site.project() as (project, _):
            found = rows(project, leaflet.job, texts, draft=leaflet.draft, overdue=leaflet.overdue)
        return page(
            request,
            tag,
            "translate.html.j2",
            choices=choices,
            job=leaflet.job,
            leaflet=leaflet,
            rows=found,
            link=_links(leaflet.job, tag),
            keep=_params(leaflet.job),
            pairs_fit=site.pair_refusal(leaflet.job) is None,
        )

    def changes(request: Request) -> Response:
        choices = site.choices()
        tag = interface(request, choices)
        leaflet = built(job_of(request, choices))
        assert leaflet.pdf is not None
        old = site.previous(leaflet.job)
        dpi = site.settings["preview_dpi"]
        changed = pages.changed_pages(site.out, old, leaflet.pdf, dpi) if old else []
        return page(
            request,
            tag,
            "changes.html.j2",
            choices=choices,
            job=leaflet.job,
            leaflet=leaflet,
            previous=old,
            changed=changed,
            link=_links(leaflet.job, tag),
            keep=_params(leaflet.job),
            pairs_fit=site.pair_refusal(leaflet.job) is None,
        )

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404)
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
        return Response(static[name], media_type=STATIC[name], headers=headers)

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        try:
            choices = site.choices()
            asked = request.query_params.get("ui", "")
            tag = asked if asked in choices.locales else "en"
            response = page(request, tag, "error.html.j2", choices=choices, status=status)
            response.status_code = status
            return response
        except Exception:  # the error page itself failed: its status alone
            return Response(f"{status}\n", status_code=status, media_type="text/plain")

    routes = [
        Route("/", index),
        Route("/leaflet/{topic}", leaflet_page),
        Route("/leaflet/{topic}/pdf", pdf),
        Route("/leaflet/{topic}/page/{n}.png", preview),
        Route("/leaflet/{topic}/previous/{n}.png", previous_preview),
        Route("/leaflet/{topic}/translate", translate),
        Route("/leaflet/{topic}/changes", changes),
        Route("/static/{name}", asset),
    ]
    hosts = allowed_hosts or LOOPBACK
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={HTTPException: refused, 500: refused},
        lifespan=_lifespan(site),
    )
    return app


def _lifespan(site: Site) -> Any:
    """The builder process starts and ends with the server."""
    import contextlib

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        site.builder.start()
        try:
            yield
        finally:
            site.close()

    return lifespan


def _params(job: Job) -> dict[str, str]:
    """A leaflet's query parameters: its language (and second language), brand, edition and
    paper."""
    values = {k: v for k, v in job.values().items() if k != "topic"}
    values["locale"] = job.locales[0]
    if len(job.locales) > 1:
        values["second"] = job.locales[1]
    return values


def _links(job: Job, tag: str) -> dict[str, str]:
    """The URLs of a leaflet's page, PDF, previews and views, in interface language ``tag``."""
    query = urlencode({**_params(job), "ui": tag})
    base = f"/leaflet/{job.topic}"
    return {
        "page": f"{base}?{query}",
        "pdf": f"{base}/pdf?{query}",
        "download": f"{base}/pdf?{query}&download=1",
        "preview": f"{base}/page/",
        "previous": f"{base}/previous/",
        "query": query,
        "translate": f"{base}/translate?{query}",
        "changes": f"{base}/changes?{query}",
    }
