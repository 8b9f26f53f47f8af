"""The fixtures' event log: one line per event appended to a file and flushed at once, so a test reads
what happened while the server still runs (a no-op without a path)."""

from __future__ import annotations


class EventLog:
    def __init__(self, path: str | None) -> None:
        self._file = open(path, "a", encoding="utf-8") if path else None

    def __call__(self, line: str) -> None:
        if self._file is not None:
            self._file.write(line + "\n")
            self._file.flush()
