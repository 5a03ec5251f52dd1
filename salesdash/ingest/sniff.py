"""What a file's bytes are (xlsx, ods, zip, old Excel / encrypted Office, text, binary), whatever its name says."""

from __future__ import annotations

import codecs
import io
import zipfile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(data: bytes) -> str:
    """What the bytes are: xlsx, ods, zip, xls (OLE2: old Excel or an encrypted workbook), text, or binary."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    return "xlsx"
                if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]:
                    return "ods"
        except Exception:  # BadZipFile, NotImplementedError, zlib errors…: a broken container  # noqa: BLE001
            return "damaged"
        return "zip"
    if head == OLE2:
        return "xls"
    if looks_like_text(data[:65536]):
        return "text"
    return "binary"


def looks_like_text(sample: bytes) -> bool:
    if not sample:
        return True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if utf16_without_bom(sample):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) < 0.01


def utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 8:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


