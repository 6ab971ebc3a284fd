"""Atomic output sets: a command's files appear all at once, or not at all.

Every product writer (``write_*`` in :mod:`tryggaplatser.publish.products`, and so every command)
runs inside :func:`staged`. Its mode folder (``<out>/publik``, ``<out>/internt``) is then a
staging folder ``<out>/.staging-<folder>-<pid>`` on the same file system:

1. **Start.** The previous set is copied into the staging folder (``demo`` starts empty: a demo
   replaces both sets), so the files other commands wrote there earlier, the gate's manifest
   and the parts of the disclosure report are kept and merged exactly as before. The copied
   manifest is marked ``"complete": false`` first.
2. **Write.** The writers write and seal into the staging folder; forked workers
   (:mod:`._parallel`) inherit it. The previous set is not touched.
3. **Print.** Only when the writer returned, in the run's own process: every report of the
   staged folders whose PDF is missing or older than its HTML is printed to PDF in one browser
   session and sealed (:mod:`.pdf`).
4. **Finish.** Then every file of the folder must be sealed (listed in
   the manifest with its SHA-256) or unchanged from the previous set — anything else (a file
   the gate refused, a file a failing writer left half-written) is removed — and the manifest
   is rewritten with ``"complete": true``.
5. **Swap.** The finished folder replaces the previous one in one step: on Linux the two folders
   are exchanged by ``renameat2(RENAME_EXCHANGE)``, so a reader sees either the whole previous
   set or the whole new one, never a mix and never no folder; elsewhere the previous folder is
   renamed to ``<out>/.previous-<folder>-<pid>`` and the new one into place (two renames; the
   next run restores the previous folder if it was interrupted between them). The previous set
   is then deleted.

A run that fails or is interrupted (an exception, Ctrl-C, SIGTERM) removes its staging folder
and leaves the previous set untouched; one killed outright (SIGKILL) leaves the staging folder,
whose manifest says ``"complete": false`` and whose name ``tryggaplatser audit`` flags
(``SET_INCOMPLETE``); the next run into the same ``<out>`` removes it. Runs into one ``<out>``
take turns (an exclusive lock on the folder), so two commands adding files to ``publik/`` at
the same time both keep their files.

Why one swap of the folder rather than moving each file into place with ``os.replace``: each
file would be atomic but the set would not — an interruption during the moves leaves new files
beside old ones and a manifest that fits neither.
"""

from __future__ import annotations

import contextlib
import filecmp
import functools
import inspect
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .._announce import announce, logger
from ..errors import AreasFailed
from ..i18n import tr
from ..policy import MANIFEST

__all__ = [
    "COMPLETE",
    "LEFTOVER_PREFIXES",
    "Staging",
    "active_folder",
    "staged",
    "staged_writer",
]

STAGING_PREFIX = ".staging-"
PREVIOUS_PREFIX = ".previous-"
#: folder names a run leaves behind only when it was interrupted (the audit flags them)
LEFTOVER_PREFIXES = (STAGING_PREFIX, PREVIOUS_PREFIX)
#: the manifest key that says the set was finished: ``true`` only after every file was sealed
COMPLETE = "complete"
_FOLDERS = {"public": "publik", "internal": "internt"}

_ACTIVE: list[Staging] = []  # the run in progress; inherited by forked workers


class Staging:
    """The staging folders of one run into ``out_dir`` (see the module docstring).

    Parameters
    ----------
    out_dir : str or Path
        The ``--out`` folder.
    fresh : bool
        Start every mode folder empty instead of from a copy of the previous set.
    """

    def __init__(self, out_dir: str | Path, *, fresh: bool = False):
        self.out = Path(out_dir)
        self.fresh = fresh
        self.owner = os.getpid()
        self._resolved = self.out.resolve()
        self._lock: int | None = None
        self._made_out = False

    # -----------------------------------------------------------------------------------------
    def serves(self, out_dir: str | Path) -> bool:
        """Whether ``out_dir`` is this run's ``--out`` folder."""
        return Path(out_dir).resolve() == self._resolved

    def staging_path(self, mode: str) -> Path:
        return self.out / f"{STAGING_PREFIX}{_FOLDERS[mode]}-{self.owner}"

    def final_path(self, mode: str) -> Path:
        return self.out / _FOLDERS[mode]

    def folder(self, mode: str) -> Path:
        """The staging folder of ``mode``, made on first use (also from a forked worker).

        It is prepared under a temporary name and renamed into place, so a folder under the
        staging name is always whole, whichever process made it first.
        """
        staging = self.staging_path(mode)
        if staging.is_dir():
            return staging
        final = self.final_path(mode)
        tmp = staging.with_name(f"{staging.name}.tmp-{os.getpid()}")
        if not self.fresh and final.is_dir():
            shutil.copytree(final, tmp, symlinks=True)
        else:
            tmp.mkdir(parents=True)
        manifest = _read(tmp / MANIFEST)
        manifest[COMPLETE] = False
        _write(tmp / MANIFEST, manifest)
        try:
            os.rename(tmp, staging)
        except OSError:  # another process of this run was first
            shutil.rmtree(tmp, ignore_errors=True)
        return staging

    def final(self, value: Any) -> Any:
        """``value`` (a writer's result) with staging paths replaced by the final paths."""
        pairs = [(str(self.staging_path(m)), str(self.final_path(m))) for m in _FOLDERS]
        return _remap(value, pairs)

    # -----------------------------------------------------------------------------------------
    def open(self) -> None:
        """Take the run lock on ``<out>`` and remove what interrupted runs left there."""
        self._made_out = not self.out.exists()
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.out)
        _recover(self.out)

    def commit(self) -> None:
        """Print the reports' PDFs, finish every staged folder and swap it into place
        (internal first, then public)."""
        from .pdf import print_reports

        print_reports(
            self.staging_path(m) for m in ("internal", "public") if self.staging_path(m).is_dir()
        )
        for mode in ("internal", "public"):
            staging = self.staging_path(mode)
            if staging.is_dir():
                final = self.final_path(mode)
                _finish(staging, final)
                _swap(staging, final)

    def discard(self) -> None:
        """Remove every staging folder of this run; the previous sets stay as they were."""
        for mode in _FOLDERS:
            staging = self.staging_path(mode)
            shutil.rmtree(staging, ignore_errors=True)
            for tmp in self.out.glob(f"{staging.name}.tmp-*"):
                shutil.rmtree(tmp, ignore_errors=True)
        if self._made_out:
            with contextlib.suppress(OSError):
                self.out.rmdir()  # made by this run and still empty

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # releases the lock
            self._lock = None


def active_folder(out_dir: str | Path, mode: str) -> Path | None:
    """The staging folder a writer writes into for ``mode`` under ``out_dir``, or ``None``
    outside a staged run (then the writer writes into the mode folder itself)."""
    if _ACTIVE and _ACTIVE[-1].serves(out_dir):
        return _ACTIVE[-1].folder(mode)
    return None


@contextlib.contextmanager
def staged(out_dir: str | Path, *, fresh: bool = False) -> Iterator[Staging]:
    """Run the block as one atomic run into ``out_dir`` (see the module docstring).

    Nested inside a run into the same folder (``demo`` calling the product writers, a forked
    worker) it adds nothing: the outermost run commits. Inside the block SIGTERM is turned
    into ``SystemExit`` so a terminated run removes its staging folder too.
    """
    if _ACTIVE and _ACTIVE[-1].serves(out_dir):
        yield _ACTIVE[-1]
        return
    run = Staging(out_dir, fresh=fresh)
    run.open()
    _ACTIVE.append(run)
    restore = _catch_sigterm()
    try:
        yield run
        if os.getpid() == run.owner:
            run.commit()
    except BaseException:
        if os.getpid() == run.owner:
            run.discard()
        raise
    finally:
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)
        _ACTIVE.remove(run)
        run.close()


def staged_writer(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a product writer with an ``out_dir`` parameter: it runs inside :func:`staged`
    and the paths it returns are the final ones. When some areas failed
    (:class:`~tryggaplatser.errors.AreasFailed`) the others are published and the error is
    raised with their final paths."""
    signature = inspect.signature(func)
    default = signature.parameters["out_dir"].default

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        out_dir = signature.bind_partial(*args, **kwargs).arguments.get("out_dir", default)
        if out_dir is inspect.Parameter.empty:
            return func(*args, **kwargs)  # let Python report the missing argument
        if _ACTIVE and _ACTIVE[-1].serves(out_dir):
            return func(*args, **kwargs)  # inside a run: its paths, the outer run commits
        failed = None
        with staged(out_dir) as run:
            try:
                result = func(*args, **kwargs)
            except AreasFailed as err:  # the other areas were written: publish them
                failed = err
        if failed is not None:
            failed.written = run.final(failed.written)
            raise failed
        return run.final(result)

    return wrapper


# ---------------------------------------------------------------------------------------------
# helpers


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        data = {"tryggaplatser_manifest": 1, "files": {}}
    return data


def _write(path: Path, manifest: dict) -> None:
    """The manifest in one fixed key order (same set, same bytes)."""
    ordered = {
        "tryggaplatser_manifest": manifest.get("tryggaplatser_manifest", 1),
        COMPLETE: manifest.get(COMPLETE, False),
        **{k: v for k, v in manifest.items() if k not in ("tryggaplatser_manifest", COMPLETE)},
    }
    ordered["files"] = dict(sorted(ordered["files"].items()))
    path.write_text(json.dumps(ordered, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _finish(staging: Path, final: Path) -> None:
    """Keep only sealed files (or files unchanged from the previous set); mark complete."""
    from .gate import _sha256  # the gate's digest (imported here: --help stays light)

    manifest = _read(staging / MANIFEST)
    files = manifest["files"]
    for name in [n for n in files if not (staging / n).is_file()]:
        del files[name]  # listed, but gone: the gate refused it after an earlier seal
    for path in sorted(staging.iterdir()):
        if not path.is_file() or path.name == MANIFEST:
            continue
        entry = files.get(path.name)
        if isinstance(entry, dict) and entry.get("sha256") == _sha256(path):
            continue
        before = final / path.name
        if before.is_file() and filecmp.cmp(path, before, shallow=False):
            continue  # not this run's file: the audit judges it as before
        path.unlink()
        files.pop(path.name, None)
        logger.warning(
            tr(
                "[NOT_GATED] {f} togs bort: filen blev inte färdig eller släpptes inte av grinden.",
                "[NOT_GATED] {f} removed: the file was not finished or not released by the gate.",
                f=path.name,
            )
        )
    manifest[COMPLETE] = True
    _write(staging / MANIFEST, manifest)


def _swap(staging: Path, final: Path) -> None:
    """Put ``staging`` where ``final`` is, in one step where the OS allows (module docstring)."""
    if not final.exists():
        os.rename(staging, final)
        return
    if _exchange(staging, final):
        shutil.rmtree(staging)  # now the previous set
        return
    backup = final.with_name(f"{PREVIOUS_PREFIX}{final.name}-{os.getpid()}")
    os.rename(final, backup)
    try:
        os.rename(staging, final)
    except BaseException:
        os.rename(backup, final)
        raise
    shutil.rmtree(backup)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False
    where that is not available (other systems, old kernels, some file systems)."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _recover(out: Path) -> None:
    """Clean up after interrupted runs (the caller holds the run lock, so none is running)."""
    for path in sorted(out.iterdir()):
        if not path.is_dir():
            continue
        if path.name.startswith(PREVIOUS_PREFIX):
            name = path.name[len(PREVIOUS_PREFIX) :].rsplit("-", 1)[0]
            if name in _FOLDERS.values() and not (out / name).exists():
                os.rename(path, out / name)  # interrupted between the two renames of a swap
                announce(
                    tr(
                        "Den förra mängden {n} återställdes efter en avbruten körning.",
                        "The previous set {n} was restored after an interrupted run.",
                        n=name,
                    )
                )
            else:
                shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(STAGING_PREFIX):
            shutil.rmtree(path, ignore_errors=True)


def _lock(out: Path) -> int | None:
    """An exclusive lock on the ``--out`` folder itself (no lock file is left behind)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no fcntl (Windows): runs are not serialised
        return None
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        announce(
            tr(
                "Väntar på en annan körning som skriver i {o} …",
                "Waiting for another run writing into {o} …",
                o=out,
            )
        )
        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _catch_sigterm():
    """Turn SIGTERM into ``SystemExit(143)`` in the main thread; return the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None

    def terminated(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    return signal.SIG_DFL


def _in_forked_child() -> None:
    """A forked worker neither holds the run lock nor catches SIGTERM: only the run's own
    process finishes or discards the staging folders."""
    for run in _ACTIVE:
        if run._lock is not None:
            with contextlib.suppress(OSError):
                os.close(run._lock)  # the parent's lock stays (it holds its own descriptor)
            run._lock = None
    if _ACTIVE:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _remap(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, Path):
        text = str(value)
        for old, new in pairs:
            if text == old or text.startswith(old + os.sep):
                return type(value)(new + text[len(old) :])
        return value
    if isinstance(value, str):
        for old, new in pairs:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_remap(v, pairs) for v in value]
    if isinstance(value, tuple):
        return tuple(_remap(v, pairs) for v in value)
    if isinstance(value, dict):
        return {k: _remap(v, pairs) for k, v in value.items()}
    return value


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_forked_child)
