"""Deterministic demo data: a sales organisation with three years of pipeline history.

`build_demo(path, ...)` writes a DuckDB database with every contract table; `generate(...)` returns
the same tables as Arrow for tests. The same arguments always give the same contents. The data
carries planted patterns for the dashboards to find; docs/demo-data.md lists them with the numbers
the tests measure. Run `python -m salesdash.demo --help` for the command line.
"""

from salesdash.demo.build import DEFAULT_DEALS, DEFAULT_SEED, build_demo, generate

__all__ = ["DEFAULT_DEALS", "DEFAULT_SEED", "build_demo", "generate"]
