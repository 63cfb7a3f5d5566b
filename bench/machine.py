"""What the figures were measured on, so results from different machines are not compared blindly."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def describe() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "cpu_model": _cpu_model(), "ram_gib": _ram_gib(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "postgresql": None,
            "platform": platform.platform()}
