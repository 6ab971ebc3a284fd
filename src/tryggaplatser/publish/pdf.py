"""A PDF beside every HTML report, printed by headless Chromium in one browser session per set.

Every report (:class:`~.reports.report.Report`: area reports, the lägesbild, EST briefs, action
plans, evaluations) is written as one self-contained HTML file laid out for A4 print. At the end
of an output set (:meth:`.staging.Staging.commit`, in the process that owns the run, after every
forked worker has finished) :func:`print_reports` prints each report whose PDF is missing or
older than its HTML to ``<name>.pdf`` beside it and seals the PDF through the gate
(kind ``"pdf"``, with the SHA-256 of the HTML it was printed from as ``source_sha256``), so the
audit scans it like any other file. ``tryggaplatser demo`` prints earlier: each set in the job
that wrote it, while the other set is still being written (one browser per set), so the
browsers' work overlaps the writing; the commit then finds nothing left to print.

How it prints
-------------
Debian's ``chromium-headless-shell`` (else ``chromium``, ``chromium-browser``, ``google-chrome``;
``TRYGGAPLATSER_CHROMIUM`` names another) is started once, headless, with a temporary profile
and no network (every host name resolves to nothing), and driven over the DevTools protocol on a
pipe (``--remote-debugging-pipe``): a few tabs (one per core) load the reports and
``Page.printToPDF`` prints them with the page size and margins of the report's own CSS
(``@page { size: A4 }``, with the running header and footer in the page-margin boxes). No Python
browser driver is needed at run time, and the same page-margin boxes print when a user prints the
HTML from a browser. Measured on the demo (81 reports on 2 cores): one session with two tabs
costs a startup of about 1 s and 0.1–0.2 s per report; one ``chromium --print-to-pdf`` process
per report costs about 1 s each.

A tab only loads and prints, so it is set up to do no screen work the PDF does not need: it
shows the print media (``Emulation.setEmulatedMedia``), so the layout made while loading already
has the print style and printing skips two of its style-and-layout passes (5 → 3 per area
report); and in the headless shell its frames are driven by this client
(``--enable-begin-frame-control``), which asks for none, so nothing is painted, rastered or
composited for a screen no one sees. The
printed pages are the same bytes (tests/publish/test_pdf.py); on the 25 internal area
reports of the demo the browser spends about 22 % less CPU time (6.9 → 5.3 s).

The printed bytes are made reproducible and anonymous before sealing: the creation and
modification dates become the issue date (:func:`tryggaplatser._clock.today`), the creator (the
browser's user-agent string or name) becomes "tryggaplatser", links lose the folder they were
printed in, and the structure-tree ids of the tagged PDF (numbered by a browser-wide counter) are
renumbered in order; the cross-reference table is rewritten for the new lengths, so a report
prints to the same bytes whatever folder it is printed in.

Without Chromium the set is written without PDFs and one warning says so (``PDF_UNAVAILABLE``);
``TRYGGAPLATSER_PDF=0`` turns the PDFs off on purpose.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import itertools
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .._announce import logger
from ..errors import FileProblem
from ..i18n import tr

__all__ = ["PDF_KIND", "find_chromium", "normalise_pdf", "print_pdfs", "print_reports"]

#: the gate's manifest kind of a printed report
PDF_KIND = "pdf"
#: manifest kind of the HTML files that get a PDF
REPORT_KIND = "report"
#: the programs looked for, in order: Chromium's headless shell (the old headless mode, made for
#: printing and automation) prints the same pages with about 40 % less CPU than the full browser
_BROWSERS = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
_TIMEOUT_S = 120.0  # one report, loaded and printed, on a busy machine
_PRINT_OPTIONS = {
    "preferCSSPageSize": True,  # A4 and the margins from the report's @page rule
    "printBackground": True,  # the marking's red box, table header shading
    "displayHeaderFooter": False,  # the report's own page-margin boxes print instead
    "generateTaggedPDF": True,  # headings and tables for screen readers
}


def _drives_frames(executable: str) -> bool:
    """Whether ``executable`` is Chromium's headless shell, whose tabs' frames the client can
    drive (``--enable-begin-frame-control``; the full browser's headless mode has no such
    switch)."""
    return "headless-shell" in Path(executable).name


def find_chromium() -> str | None:
    """The Chromium program to print with, or ``None`` when there is none."""
    named = os.environ.get("TRYGGAPLATSER_CHROMIUM", "").strip()
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _why_no_chromium() -> str:
    """Why :func:`find_chromium` found nothing: the program named is not one, or none is
    installed."""
    from ..limits import cut

    named = os.environ.get("TRYGGAPLATSER_CHROMIUM", "").strip()
    if named:
        return tr(
            "TRYGGAPLATSER_CHROMIUM={p} är inget program (ange sökvägen till chromium, eller ta "
            "bort variabeln)",
            "TRYGGAPLATSER_CHROMIUM={p} is not a program (name the path of chromium, or remove "
            "the variable)",
            p=cut(named, 200),
        )
    return tr(
        "Chromium saknas (installera Debian-paketet chromium, eller ange programmet i "
        "TRYGGAPLATSER_CHROMIUM)",
        "Chromium is missing (install the Debian package chromium, or name the program in "
        "TRYGGAPLATSER_CHROMIUM)",
    )


def _enabled() -> bool:
    return os.environ.get("TRYGGAPLATSER_PDF", "1").strip().lower() not in ("0", "no", "false")


# ---------------------------------------------------------------------------------------------
# which reports need a PDF


def _manifest(folder: Path) -> dict:
    """The folder's manifest files, read under its lock: another job of the run may be sealing
    into the folder while this one prints (the demo prints each set in the job that wrote it)."""
    from .gate import read_manifest

    try:
        return read_manifest(folder)
    except (OSError, ValueError):
        return {}


def reports_to_print(folder: Path) -> list[tuple[Path, Path, str, str]]:
    """``(html, pdf, mode, html_sha256)`` for every sealed report of ``folder`` whose PDF is
    missing, unsealed, or printed from another version of the HTML."""
    files = _manifest(folder)
    todo = []
    for name, entry in sorted(files.items()):
        if not isinstance(entry, dict) or entry.get("kind") != REPORT_KIND:
            continue
        html = folder / name
        if html.suffix.lower() not in (".html", ".htm") or not html.is_file():
            continue
        pdf = html.with_suffix(".pdf")
        done = files.get(pdf.name)
        if (
            isinstance(done, dict)
            and done.get("source_sha256") == entry.get("sha256")
            and pdf.is_file()
        ):
            continue
        todo.append((html, pdf, str(entry.get("mode", "internal")), str(entry.get("sha256", ""))))
    return todo


def print_reports(folders: Iterable[Path]) -> list[Path]:
    """Print and seal the PDF of every report in ``folders`` that needs one (one browser).

    Returns the PDFs written. Without Chromium (or with ``TRYGGAPLATSER_PDF=0``) nothing is
    printed; a missing Chromium is said once as a warning (``PDF_UNAVAILABLE``). Several jobs
    of one run may print side by side, each into folders no other job prints into (the demo
    prints each set in the job that wrote it); the manifest is read under its lock.
    """
    from .gate import Gate

    folders = [Path(folder) for folder in folders]
    todo = [job for folder in folders for job in reports_to_print(folder)]
    if not todo or not _enabled():
        return []
    executable = find_chromium()
    if executable is None:
        logger.warning(
            tr(
                "[PDF_UNAVAILABLE] Ingen PDF skrevs för {n} {r}: {why}. "
                "HTML-rapporterna går att skriva ut från webbläsaren.",
                "[PDF_UNAVAILABLE] No PDF was written for {n} {r}: {why}. "
                "The HTML reports print from the browser.",
                n=len(todo),
                r=tr("rapport", "report") if len(todo) == 1 else tr("rapporter", "reports"),
                why=_why_no_chromium(),
            )
        )
        return []
    gates: dict[str, Gate] = {}
    sources = {pdf: (mode, source) for _, pdf, mode, source in todo}

    def seal(html: Path, pdf: Path) -> None:  # while the browser prints the next reports
        mode, source = sources[pdf]
        gate = gates.setdefault(mode, Gate(mode, quiet=True))
        about = _manifest(html.parent).get(html.name, {})  # the start page shows it as the HTML
        gate.seal(pdf, kind=PDF_KIND, about=about, extra={"source_sha256": source})

    print_pdfs([(html, pdf) for html, pdf, _, _ in todo], executable=executable, on_pdf=seal)
    rewrite_start_pages({pdf.parent: gates[mode] for _, pdf, mode, _ in todo})
    return [pdf for _, pdf, _, _ in todo]


def rewrite_start_pages(folders: dict[Path, object]) -> None:
    """Rewrite the start page (``index.html``) of each folder that has one, so it links the
    new PDFs too (the writers wrote it before the PDFs were printed), from ``{folder: gate}``."""
    from .gate import INDEX_PAGE
    from .reports.index_page import write_index

    for folder, gate in folders.items():
        if (folder / INDEX_PAGE).is_file():
            write_index(folder, gate)


# ---------------------------------------------------------------------------------------------
# printing


def print_pdfs(
    jobs: Sequence[tuple[Path, Path]],
    *,
    executable: str | None = None,
    tabs: int | None = None,
    on_pdf: Callable[[Path, Path], None] | None = None,
) -> None:
    """Print each ``(html, pdf)`` of ``jobs`` in one headless Chromium session.

    The PDFs are written already normalised (:func:`normalise_pdf`); they are not sealed.
    ``on_pdf(html, pdf)`` is called as each PDF is written, while the browser goes on printing
    the next reports (the caller seals it there).

    Raises
    ------
    FileProblem
        ``PDF_UNAVAILABLE`` when there is no Chromium, or it fails or stops answering.
    """
    executable = executable or find_chromium()
    if executable is None:
        raise FileProblem(
            tr("Chromium saknas.", "Chromium is missing."),
            rule="PDF_UNAVAILABLE",
            fix=tr("installera Debian-paketet chromium", "install the Debian package chromium"),
        )
    if not jobs:
        return
    from .. import _clock

    today = _clock.today()
    tabs = max(1, min(tabs or (os.cpu_count() or 1), 4, len(jobs)))
    folders = {Path(pdf): Path(html).resolve().parent.as_uri() + "/" for html, pdf in jobs}
    with _Browser(executable) as browser:
        for html, pdf, data in browser.print_all(list(jobs), tabs):
            Path(pdf).write_bytes(normalise_pdf(data, today, base=folders[Path(pdf)]))
            if on_pdf is not None:
                on_pdf(Path(html), Path(pdf))


_EXEC_WITH_PIPE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


class _Browser:
    """One headless Chromium driven over ``--remote-debugging-pipe`` (DevTools protocol:
    JSON messages, each ended by a NUL byte; the browser reads fd 3 and writes fd 4)."""

    #: tabs set up to do no screen work (print media, no frames; see the module's text)
    lean = True

    def __init__(self, executable: str):
        self.executable = executable
        self._no_frames = self.lean and _drives_frames(executable)
        self._id = 0
        self._buffer = b""
        self._stash: list[dict] = []

    def __enter__(self) -> _Browser:
        import fcntl

        self._profile = tempfile.mkdtemp(prefix="tryggaplatser-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # the browser's ends, moved above fd 9 so that moving them to 3 and 4 cannot clash; a
        # small Python (no shell: dash takes one-digit fds only, and no preexec_fn: not safe
        # with threads) moves them and execs the browser
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser_r, from_browser_w)]
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)
        args = [
            sys.executable,
            "-I",
            "-S",
            "-c",
            _EXEC_WITH_PIPE,
            str(ends[0]),
            str(ends[1]),
            self.executable,
            "--headless",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "--no-sandbox",  # only our own self-contained files are opened
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # no network, whatever a page asks for
        ]
        if self._no_frames:  # no frames but those asked for: none (printing needs no frame)
            args.append("--enable-begin-frame-control")
        try:
            self._process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=ends,
            )
        finally:
            for fd in ends:
                os.close(fd)
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self._send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- protocol -------------------------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._id += 1
        message: dict = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._to_browser, data) :]
        return self._id

    def _receive(self, deadline: float) -> dict:
        if self._stash:
            return self._stash.pop(0)
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready = select.select([self._from_browser], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                raise self._failure(tr("svarar inte", "does not answer"))
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise self._failure(tr("avslutades", "exited"))
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        sent = self._send(method, params, session)
        deadline = time.monotonic() + _TIMEOUT_S
        others = []
        try:
            while True:
                message = self._receive(deadline)
                if message.get("id") == sent:
                    if "error" in message:
                        raise self._failure(str(message["error"].get("message", "")))
                    return message.get("result", {})
                others.append(message)
        finally:
            self._stash = others + self._stash

    def _failure(self, what: str) -> FileProblem:
        return FileProblem(
            tr("Chromium {w} när PDF:en skrevs.", "Chromium {w} while printing the PDF.", w=what),
            rule="PDF_UNAVAILABLE",
            fix=tr(
                "kör igen; med TRYGGAPLATSER_PDF=0 skrivs mängden utan PDF",
                "run again; with TRYGGAPLATSER_PDF=0 the set is written without PDFs",
            ),
        )

    def _tab(self) -> str:
        """A new tab for printing: it renders no frame in the headless shell, and it shows the
        print media, so loading lays the report out as it prints (see the module's text)."""
        params: dict = {"url": "about:blank"}
        if self._no_frames:
            params["enableBeginFrameControl"] = True
        target = self._call("Target.createTarget", params)["targetId"]
        session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._call("Page.enable", session=session["sessionId"])
        if self.lean:
            self._call("Emulation.setEmulatedMedia", {"media": "print"}, session["sessionId"])
        return session["sessionId"]

    def print_all(self, jobs: list[tuple[Path, Path]], tabs: int):
        """Yield ``(html, pdf, bytes)`` for every job, loading and printing in ``tabs`` tabs at
        once.

        Each tab loads a report (``Page.navigate``), waits for its load event once the
        navigation has committed, prints it, and takes the next report before the printed one
        is yielded (so the browser works while the caller writes it).
        """
        queue = list(jobs)
        sessions = [self._tab() for _ in range(tabs)]
        current: dict[str, tuple[Path, Path]] = {}
        committed: set[str] = set()
        requests: dict[int, tuple[str, str]] = {}  # id -> (session, "navigate" | "print")

        def start(session: str) -> None:
            html, pdf = queue.pop(0)
            current[session] = (html, pdf)
            committed.discard(session)
            sent = self._send("Page.navigate", {"url": Path(html).resolve().as_uri()}, session)
            requests[sent] = (session, "navigate")

        for session in sessions:
            if queue:
                start(session)
        deadline = time.monotonic() + _TIMEOUT_S
        while current:
            message = self._receive(deadline)
            session = message.get("sessionId", "")
            if message.get("method") == "Page.loadEventFired" and session in committed:
                committed.discard(session)
                requests[self._send("Page.printToPDF", _PRINT_OPTIONS, session)] = (
                    session,
                    "print",
                )
                continue
            if message.get("id") not in requests:
                continue
            session, step = requests.pop(message["id"])
            result = message.get("result", {})
            if "error" in message or result.get("errorText"):
                what = (message.get("error") or {}).get("message") or result.get("errorText")
                raise self._failure(f"{current[session][0].name}: {what}")
            if step == "navigate":
                committed.add(session)
                continue
            html, pdf = current.pop(session)
            if queue:
                start(session)
            yield html, pdf, base64.b64decode(result["data"])
            deadline = time.monotonic() + _TIMEOUT_S


# ---------------------------------------------------------------------------------------------
# reproducible, anonymous bytes

_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}([^)]*)\)")
_CREATOR = re.compile(rb"/Creator \((?:[^()\\]|\\.)*\)")
_URI = re.compile(rb"/URI \(((?:[^()\\]|\\.)*)\)")
_NODE_ID = re.compile(rb"\(node(\d{8})\)")


def normalise_pdf(data: bytes, day, *, base: str = "") -> bytes:
    """Chromium's PDF with its dates set to ``day``, its creator "tryggaplatser", its links
    relative again and its structure ids renumbered in order; the cross-reference table is
    rewritten for the new lengths (:func:`_rewrite_xref`).

    Chromium writes a report's relative links (``index.html#omrade-x``, the map beside it) as
    absolute ``file://`` addresses: ``base`` (the report folder's ``file://`` address) is cut
    off them, and any other ``file://`` address keeps only its file name — no path of the
    machine, and the same bytes whichever folder the set was printed in.

    >>> from datetime import date
    >>> raw = b"/Creator (Mozilla/5.0 \\\\(X11\\\\))\\n/CreationDate (D:20261206163921+00'00')"
    >>> normalise_pdf(raw, date(2026, 11, 23))
    b"/Creator (tryggaplatser)\\n/CreationDate (D:20261123000000+00'00')"
    >>> link = b"/URI (file:///tmp/x/.staging-p/index.html#a)"
    >>> normalise_pdf(link, date(2026, 11, 23), base="file:///tmp/x/.staging-p/")
    b'/URI (index.html#a)'
    """
    stamp = day.strftime("%Y%m%d").encode() + b"000000"
    prefix = base.encode("utf-8")

    def relative(m: re.Match) -> bytes:
        uri = m.group(1)
        if prefix and uri.startswith(prefix):
            uri = uri[len(prefix) :]
        elif uri.startswith(b"file:"):
            uri = uri.rsplit(b"/", 1)[-1]
        return b"/URI (" + uri + b")"

    ids = sorted({int(n) for n in _NODE_ID.findall(data)})
    rank = {n: i + 1 for i, n in enumerate(ids)}  # order kept: the name tree stays sorted
    edits = [  # (start, end, new bytes); the patterns never overlap
        (m.start(), m.end(), new(m))
        for pattern, new in (
            (_DATE, lambda m: b"/" + m.group(1) + b" (D:" + stamp + m.group(2) + b")"),
            (_CREATOR, lambda m: b"/Creator (tryggaplatser)"),
            (_URI, relative),
            (_NODE_ID, lambda m: b"(node%08d)" % rank[int(m.group(1))]),
        )
        for m in pattern.finditer(data)
    ]
    return _rewrite_xref(data, sorted(edits))


_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\r?\n")


def _rewrite_xref(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with each ``(start, end, new)`` of ``edits`` (sorted, not overlapping) put in,
    and its classic cross-reference table (the one Chromium's Skia writes) and ``startxref``
    moved by the change in length before each object.

    A PDF without such a table (text only, in the doctests) gets the edits alone.
    """
    starts = [start for start, _, _ in edits]
    shifts = list(itertools.accumulate(len(new) - (end - start) for start, end, new in edits))

    def moved(offset: int) -> int:
        i = bisect.bisect_left(starts, offset)  # the edits that start before the offset
        return offset + (shifts[i - 1] if i else 0)

    pieces, at = [], 0
    for start, end, new in edits:
        pieces += [data[at:start], new]
        at = end
    tail = _XREF.search(data)
    if tail is None or not data.startswith(b"xref", int(tail.group(1))):
        return b"".join([*pieces, data[at:]])
    table = int(tail.group(1))
    pieces.append(data[at:table])  # no edit lies in the table or after it
    out, pos = [b"xref\n"], data.index(b"\n", table) + 1
    while (section := _XREF_SECTION.match(data, pos)) is not None:
        out.append(section.group(0))
        pos = section.end()
        for _ in range(int(section.group(2))):
            entry = data[pos : pos + 20]
            if entry[17:18] == b"n":
                entry = b"%010d" % moved(int(entry[:10])) + entry[10:]
            out.append(entry)
            pos += 20
    trailer = data[pos : tail.start()]
    return b"".join([*pieces, *out, trailer, b"startxref\n%d\n%%%%EOF\n" % moved(table)])
