"""Zip uploads: members read one level deep, with the guards against zip bombs and nesting.

A member whose unpacked size is over `Limits.zip_ratio` times its packed size, or that unpacks to
more than its header declared, is refused as a possible bomb (never unpacked past the cap); a zip
inside the zip is refused, not opened; the whole zip may not unpack past `Limits.zip_total_bytes`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from salesdash.ingest.limits import Limits, Problem
from salesdash.ingest.sniff import sniff_kind


def expand(name: str, data: bytes, limits: Limits) -> list[tuple[str, bytes, Problem | None]]:
    """A file, or the members of a zip (one level: a zip inside a zip is refused, not opened)."""
    if len(data) > limits.file_bytes:
        return [(name, b"", Problem("file_too_big", "error", name, {"mb": limits.file_bytes // (1024 * 1024)}))]
    if sniff_kind(data) != "zip":
        return [(name, data, None)]
    if PurePosixPath(name).suffix.lower() != ".zip":
        out_ext = PurePosixPath(name).suffix.lower() or "?"
        return [(name, b"", Problem("not_a_spreadsheet", "error", name, {"ext": out_ext}))]
    out: list[tuple[str, bytes, Problem | None]] = []
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        return [(name, b"", Problem("corrupt_zip", "error", name))]
    total = 0
    with zf:
        for info in zf.infolist():
            member = f"{name} › {info.filename}"
            base = PurePosixPath(info.filename).name
            if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith((".", "~$")):
                continue
            if info.flag_bits & 0x1:
                out.append((member, b"", Problem("zip_encrypted", "error", member)))
                continue
            if info.compress_size and info.file_size / info.compress_size > limits.zip_ratio:
                out.append((member, b"", Problem("zip_bomb", "error", member, {"ratio": limits.zip_ratio})))
                continue
            if info.file_size > limits.file_bytes:  # as if uploaded alone (a bomb was told apart above)
                out.append((member, b"", Problem("file_too_big", "error", member, {"mb": limits.file_bytes >> 20})))
                continue
            if total + info.file_size > limits.zip_total_bytes:
                out.append((member, b"", Problem("zip_too_big", "error", member, {"mb": limits.zip_total_bytes >> 20})))
                continue
            try:
                content = _read_member(zf, info, min(limits.file_bytes, limits.zip_total_bytes - total))
            except Exception:  # a damaged member  # noqa: BLE001
                out.append((member, b"", Problem("corrupt_zip", "error", member)))
                continue
            if content is None:  # the header lied about the size
                out.append((member, b"", Problem("zip_bomb", "error", member, {"ratio": limits.zip_ratio})))
                continue
            total += len(content)
            if sniff_kind(content) == "zip":
                out.append((member, b"", Problem("zip_nested", "error", member)))
                continue
            out.append((member, content, None))
    if not out:
        out.append((name, b"", Problem("zip_empty", "error", name)))
    return out


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """Read at most `cap` bytes; None when the member unpacks to more (its declared size was false)."""
    chunks, size = [], 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            size += len(chunk)
            if size > cap:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


