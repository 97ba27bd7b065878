"""Count the rows of each table in a dump stream as it passes, at C speed (bytes.find/count).

mariadb-dump writes `INSERT INTO `t` VALUES` then one row a line (`(...),` … `(...);`); newlines
inside values are escaped, so a line starting with `(` inside such a statement is exactly one row.
Older one-line INSERTs (`VALUES (..),(..);`) are counted by their `),(` separators.
"""

from __future__ import annotations

INSERT = b"INSERT INTO `"
CREATE = b"CREATE TABLE `"
COMPLETED = b"-- Dump completed"


class RowCounter:
    """Feed the dump in chunks; `counts` holds rows per table, `complete` the trailer check."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._rest = bytearray()
        self._table: str | None = None  # inside a multi-line INSERT of this table
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        cut = chunk.rfind(b"\n")
        if cut < 0:
            self._rest += chunk
            return
        start = 0
        if self._rest:  # finish the line begun in an earlier chunk (usually short)
            start = chunk.find(b"\n") + 1
            line = bytes(self._rest + chunk[:start])
            self._scan(line, 0, len(line))
            self._tail = (self._tail + line[-256:])[-256:]
        self._scan(chunk, start, cut + 1)  # whole lines, scanned in place (no copy)
        self._tail = (self._tail + chunk[max(start, cut - 255) : cut + 1])[-256:]
        self._rest = bytearray(chunk[cut + 1 :])

    @property
    def complete(self) -> bool:
        """Whether the stream ended with mariadb-dump's `-- Dump completed` line."""
        lines = [line for line in (self._tail + bytes(self._rest)).splitlines() if line.strip()]
        return bool(lines) and lines[-1].startswith(COMPLETED)

    def _name(self, buf: bytes, start: int) -> str:
        return buf[start : buf.index(b"`", start)].decode("utf-8", "replace")

    def _scan(self, buf: bytes, pos: int, stop: int) -> None:
        """Scan the whole lines of buf[pos:stop]; `pos` is always at the start of a line."""
        while pos < stop:
            if self._table is not None:
                end = buf.find(b");\n", pos, stop)
                last = stop if end < 0 else end + 3
                rows = buf.count(b"\n(", pos, last) + (1 if buf.startswith(b"(", pos) else 0)
                self.counts[self._table] += rows
                if end < 0:
                    return
                self._table, pos = None, last
                continue
            if buf.startswith(INSERT, pos):
                at = pos
            else:
                nxt = buf.find(b"\n" + INSERT, pos, stop)
                at = nxt + 1 if nxt >= 0 else -1
            self._creates(buf, pos, stop if at < 0 else at)
            if at < 0:
                return
            name = self._name(buf, at + len(INSERT))
            self.counts.setdefault(name, 0)
            eol = buf.index(b"\n", at)
            if buf[eol - 6 : eol] == b"VALUES":
                self._table = name
            else:
                self.counts[name] += buf.count(b"),(", at, eol) + 1
            pos = eol + 1

    def _creates(self, buf: bytes, pos: int, stop: int) -> None:
        """Tables created in buf[pos:stop] start with zero rows."""
        if buf.startswith(CREATE, pos):
            self.counts.setdefault(self._name(buf, pos + len(CREATE)), 0)
        at = buf.find(b"\n" + CREATE, pos, stop)
        while at >= 0:
            self.counts.setdefault(self._name(buf, at + 1 + len(CREATE)), 0)
            at = buf.find(b"\n" + CREATE, at + 1, stop)
