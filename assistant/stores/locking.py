"""One store folder, many users: the locks that keep embedded Chroma and its files consistent.

Embedded Chroma is not safe for several processes at once: a process that opens a collection
replays the write log into its own HNSW index and may write the index files, so two processes
touching Chroma at the same moment can tear them (segmentation faults, "Failed to apply logs").
And a long-lived process keeps its HNSW index in memory, blind to what another process added.

The discipline, for threads and processes alike:

- ``StoreLock`` (``.chroma.lock``): held around every Chroma call, reads included. Exclusive,
  re-entrant within a thread, short (a query, a batch of adds), never held while embedding.
- ``.write.lock`` (``Library.writing``): one writer per store for a whole ingest or removal.
- ``ChangeStamp`` (``.stamp``): a writer replaces it after each change; a process that sees a
  stamp it did not write reopens its Chroma client before using it.
"""

from __future__ import annotations

import fcntl
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".chroma.lock"
STAMP_FILE = ".stamp"


class StoreLock:
    """An exclusive lock across processes (``flock`` on ``path``) and threads, re-entrant for
    its holder. ``path=None``: between threads only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0 and self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None


_LOCKS: dict[Path, StoreLock] = {}
_LOCKS_GUARD = threading.Lock()


def store_lock(folder: Path) -> StoreLock:
    """The one lock object of a store folder in this process (shared by every Library on it)."""
    key = folder.resolve() / LOCK_FILE
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, StoreLock(key))


class ChangeStamp:
    """A token replaced atomically by every write; tells a process that another one wrote."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / STAMP_FILE
        self.seen = self.read()

    def read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def changed(self) -> bool:
        """Whether someone else wrote since this process last looked (call with the lock held)."""
        return self.read() != self.seen

    def bump(self) -> None:
        """Record a write (call with the lock held)."""
        token = uuid.uuid4().hex
        partial = self.path.with_name(f"{STAMP_FILE}.{os.getpid()}.part")
        partial.write_text(token, encoding="utf-8")
        os.replace(partial, self.path)
        self.seen = token

    def accept(self) -> None:
        """This process is now up to date with the store."""
        self.seen = self.read()
