"""What an upload may be: sizes, rows, columns, zip contents, and the messages when it is not.

The byte limit per file is the app's `server.maxUploadSize` (.streamlit/config.toml), which
Streamlit enforces in the browser and on the server; the ui passes it in here so a zip cannot
smuggle more than that past it once unpacked. Every refusal is an `UploadProblem` carrying a
catalogue key (`upload.msg.<key>`) and its values, so the page can say it in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps for one upload (all files together)."""

    file_bytes: int = 200 * MB  # = server.maxUploadSize; the ui passes the configured value
    max_rows: int = 2_000_000  # data rows across all sheets
    max_columns: int = 1_000  # columns considered per sheet; the rest are ignored with a warning
    max_files: int = 50  # files and zip members together
    zip_total_bytes: int = 1024 * MB  # unpacked bytes of one zip
    zip_ratio: int = 200  # unpacked ÷ packed size of one member above this = a zip bomb
    header_scan_rows: int = 30  # rows searched for the header below a title block

    def __post_init__(self) -> None:
        if self.file_bytes <= 0 or self.max_rows <= 0:
            raise ValueError("limits must be positive")


@dataclass(frozen=True)
class Problem:
    """One message for the user: `upload.msg.<key>` filled with `values`.

    severity: "error" (a file or sheet could not be used), "warning" (loaded, but look at it),
    "info" (what was done, e.g. the day/month order chosen for a date column).
    """

    key: str
    severity: str
    source: str = ""  # "file" or "file › sheet"
    values: dict[str, Any] = field(default_factory=dict)


class UploadProblem(Exception):
    """A file that cannot be used at all."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values
