"""The front-desk page's two targets, timed over HTTP on 127.0.0.1 against a real uvicorn server
(``generate.py serve``'s app, in this process): a cached leaflet's PDF served (target under
50 ms) and a leaflet's first preview page (target under 1 s): both from a fresh output folder,
where the page's request builds the leaflet, and for a leaflet built before, whose previews are
not made yet. Prints the figures and the command; append them to RESULTS.md by hand.

    python benchmarks/serve_bench.py [--requests 50] [--locale ar]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def timed(url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    body = get(url)
    return (time.perf_counter() - start) * 1000, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="cached PDF requests timed")
    parser.add_argument("--locale", default="ar", help="the leaflet's language (default: ar)")
    args = parser.parse_args()

    import uvicorn

    from handoutgen.serve import Site, create_app

    out = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    site = Site(ROOT, out)
    config = uvicorn.Config(create_app(site), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    query = f"locale={args.locale}&brand=default&edition=standard&paper=a4"
    leaflet = f"{base}/leaflet/neuromyotonia"
    try:
        get(f"{base}/")  # the builder process is started and the search index made
        # a leaflet never built: the page (which builds it), then its first preview page
        page_ms, _ = timed(f"{leaflet}?{query}")
        png_ms, _ = timed(f"{leaflet}/page/1.png?{query}")
        # another leaflet built before (by its PDF's request), its previews not made yet
        other = query.replace("paper=a4", "paper=letter")
        get(f"{leaflet}/pdf?{other}")
        built_page_ms, _ = timed(f"{leaflet}?{other}")
        built_png_ms, _ = timed(f"{leaflet}/page/1.png?{other}")
        # the cached PDF, again and again
        pdf_ms = [timed(f"{leaflet}/pdf?{query}")[0] for _ in range(args.requests)]
        cached_png_ms = [timed(f"{leaflet}/page/1.png?{query}")[0] for _ in range(10)]
    finally:
        server.should_exit = True
        thread.join()
    pdf_ms.sort()
    p95 = pdf_ms[int(len(pdf_ms) * 0.95) - 1]
    print(
        f"command: python benchmarks/serve_bench.py --requests {args.requests} "
        f"--locale {args.locale}"
    )
    print(
        f"uncached leaflet: page (build) {page_ms:.0f} ms + first preview {png_ms:.0f} ms "
        f"= {page_ms + png_ms:.0f} ms"
    )
    print(
        f"built leaflet, previews not made: page {built_page_ms:.0f} ms + first preview "
        f"{built_png_ms:.0f} ms = {built_page_ms + built_png_ms:.0f} ms"
    )
    print(
        f"cached PDF ({args.requests} requests): median {statistics.median(pdf_ms):.1f} ms, "
        f"p95 {p95:.1f} ms, max {pdf_ms[-1]:.1f} ms"
    )
    print(f"cached preview page (10 requests): median {statistics.median(cached_png_ms):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
