"""Small WAV files standing in for call recordings (MixMonitor output)."""

from __future__ import annotations

import math
import struct
from functools import cache
from pathlib import Path

RATE = 8000


@cache
def wav_bytes(seconds: float = 0.5, hz: float = 425.0) -> bytes:
    """A valid mono 8 kHz 16-bit PCM WAV: a short dial-tone beep."""
    n = int(RATE * seconds)
    pcm = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / RATE))) for i in range(n)
    )
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, 1, 1, RATE, RATE * 2, 2, 16,
        b"data", len(pcm),
    )  # fmt: skip
    return header + pcm


def write_recordings(root: Path, domain: str, names: list[str]) -> int:
    """Write each named recording under `<root>/<domain>/`; returns how many were written."""
    if not names:
        return 0
    folder = root / domain
    folder.mkdir(parents=True, exist_ok=True)
    data = wav_bytes()
    for name in names:
        (folder / name).write_bytes(data)
    return len(names)
