"""The dial-by-name resolver kept on disk, keyed by the directory revision it was built from.

`switchboard directory resolve` is a fresh process each time: loading what resolving reads of
100,000 employees and building their index costs about 0.6 s of CPU (saving it 0.1 s more),
unpickling the built index about 0.1 s (the index keeps people as columns and leaves out the typo maps, which are remade at
the first lookup that needs them: see `domain/resolution/index.py`). The
file's name carries the directory's revision stamp and a key of the code that built it
(the package version, the Python version and the resolution modules' sizes and modification
times), so a changed directory or an upgraded resolver is never answered from an old file; only
the newest file is kept.

Trust: the file is a pickle, read only from the data folder, which also holds the SQLite database
and the settings it points at; whoever can write there can change the directory anyway. A file
that cannot be read (truncated, from another version) is ignored and rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from switchboard import __version__
from switchboard.domain import resolution
from switchboard.domain.resolution import Resolver
from switchboard.logs import get_logger

log = get_logger(__name__)

PREFIX = "resolver-"
SUFFIX = ".pickle"


def code_key() -> str:
    """Changes whenever the code that builds or reads a resolver may have changed."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    folder = Path(resolution.__file__).parent
    for source in sorted(folder.glob("*.py")):
        stat = source.stat()
        digest.update(f"{source.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def index_path(folder: Path, revision: str) -> Path:
    stamp = hashlib.sha256(revision.encode()).hexdigest()[:16]
    return folder / f"{PREFIX}{stamp}-{code_key()}{SUFFIX}"


def load_index(folder: Path, revision: str) -> Resolver | None:
    """The resolver saved for `revision` by this code, or None (absent or unreadable)."""
    path = index_path(folder, revision)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    collecting = gc.isenabled()
    gc.disable()  # a million new objects would start many collections that free nothing
    try:
        resolver = pickle.loads(data)  # our own file in the data folder (see the docstring)
    except Exception as exc:  # truncated or foreign: rebuilt by the caller
        log.warning("resolver_index.unreadable", path=str(path), error=str(exc))
        return None
    finally:
        if collecting:
            gc.enable()
    return resolver if isinstance(resolver, Resolver) else None


def save_index(folder: Path, revision: str, resolver: Resolver) -> Path | None:
    """Write the resolver for `revision` atomically and remove older index files; None when the
    folder cannot be written (resolving still works, just without the saved index)."""
    path = index_path(folder, revision)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", delete=False) as tmp:
            try:
                pickle.dump(resolver, tmp, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                Path(tmp.name).unlink(missing_ok=True)
                raise
        os.replace(tmp.name, path)
        for old in folder.glob(f"{PREFIX}*{SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("resolver_index.unwritable", path=str(path), error=str(exc))
        return None
    return path
