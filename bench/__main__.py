"""``python -m bench [--scale demo|national] [--only sqlite|postgresql] [--quick]``

Prints every figure beside its target and writes bench/results.json."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import approvals, database, knapsack, machine, pages, pdf

P95_TARGET_MS = 100
RATIO_TARGET = 0.3
PDF_RATIO_TARGET = 1.5
PDF_MEMORY_TARGET_MIB = 300
KNAPSACK_TARGET_SECONDS = 1.0
RESULTS = Path(__file__).resolve().parent / "results.json"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "MISSED")


def line(label: str, figure: str, target: str, met: bool | None) -> None:
    print(f"  {label:<44} {figure:>22}  {target:<20} {verdict(met)}")


def run_backend(kind: str, scale: str, options: argparse.Namespace, workdir: Path, admin_url: str | None
                ) -> dict[str, Any]:
    """The demo-scale query counts and, at the chosen scale, every measure, on one kind of database."""
    out: dict[str, Any] = {}
    scales = ["demo"] if scale == "demo" else ["demo", "national"]
    repeats = 5 if options.quick else 20
    for current in scales:
        backend = database.Backend(kind, workdir, admin_url)
        started = time.perf_counter()
        try:
            app, subjects = database.build(backend, current, options.national_scale)
            seeded = time.perf_counter() - started
            print(f"[{kind}] {current} data ready in {seeded:.0f} s: round of {subjects.round_size} applications, "
                  f"fund of {subjects.fund_grants} grants, returns' pages on a fund of {subjects.page_fund_grants}",
                  flush=True)
            part: dict[str, Any] = {"seed_seconds": round(seeded, 1), "round_size": subjects.round_size,
                                    "fund_grants": subjects.fund_grants,
                                    "page_fund_grants": subjects.page_fund_grants, "seeded": subjects.counts}
            part["pages"] = pages.in_process(app, subjects, repeats if current == scale else 3)
            if current == scale:
                part["throughput"] = pages.throughput(app, subjects, backend.url, workdir,
                                                      seconds=1.5 if options.quick else 4.0)
                part["pdf"] = pdf.measure(backend.url, subjects.fund_slug, workdir)
                if kind == "postgresql":
                    part["approvals"] = approvals.measure(backend.url, subjects, workdir)
            with app.app_context():
                database.db.engine.dispose()
        finally:
            backend.drop()
        out[current] = part
    return out


def report(kind: str, scale: str, results: dict[str, Any]) -> None:
    main = results[scale]
    demo = results["demo"]
    print(f"\n{kind} at {scale} scale (round of {main['round_size']} applications; returns' pages for a fund of "
          f"{main.get('page_fund_grants')} grants, the PDF for a fund of {main['fund_grants']})")
    print(f"  {'page':<44} {'median / p95 ms':>22}  {'target':<20}")
    for name, figures in main["pages"].items():
        line(name, f"{figures['median_ms']:.0f} / {figures['p95_ms']:.0f}", f"p95 <= {P95_TARGET_MS} ms",
             figures["p95_ms"] <= P95_TARGET_MS and figures["status"] == 200)
    print(f"  {'SQL queries per request':<44} {'demo / ' + scale:>22}")
    for name, figures in main["pages"].items():
        same = demo["pages"][name]["queries"] == figures["queries"]
        line(name, f"{demo['pages'][name]['queries']} / {figures['queries']}", "same at both scales", same)
    if "throughput" in main:
        print(f"  {'gunicorn, 2 workers: requests/s (ratio)':<44}")
        for name, figures in main["throughput"].items():
            if name == "/healthz":
                line(name, f"{figures['rps']:.0f}", "baseline", None)
            elif name == pages.LAYOUT_NAME:
                line(name, f"{figures['rps']:.1f} ({figures['ratio']:.2f})", "reference", None)
            else:
                line(name, f"{figures['rps']:.1f} ({figures['ratio']:.2f})", f">= {RATIO_TARGET} of /healthz",
                     figures["ratio"] >= RATIO_TARGET and figures["status"] == 200)
    if "pdf" in main:
        made = main["pdf"]
        line("funding return PDF: seconds (x floor)", f"{made['app']['seconds']:.2f} ({made['ratio']:.2f}x)",
             f"<= {PDF_RATIO_TARGET}x the floor", made["ratio"] <= PDF_RATIO_TARGET)
        line("  ReportLab-only floor: seconds", f"{made['floor']['seconds']:.2f}", "", None)
        line("funding return PDF: peak RSS MiB", f"{made['app']['maxrss_mib']:.0f}",
             f"<= {PDF_MEMORY_TARGET_MIB} MB", made["app"]["maxrss_mib"] <= PDF_MEMORY_TARGET_MIB)
        line("  tracemalloc peak MiB / pages", f"{made['app']['tracemalloc_peak_mib']:.0f} / {made['app']['pages']}",
             "", None)
    if "approvals" in main:
        done = main["approvals"]
        if not done["measured"]:
            line("approvals, 50 writers", "not measured", done["why"], None)
        else:
            line(f"approvals, {done['writers']} writers: approved/s", f"{done['approvals_per_second']:.1f}",
                 "reported", None)
            line("  approved / refused (budget) / errors",
                 f"{done['approved']} / {done['refused_budget']} / {done['errors']}", "", None)
            after = done["after"]
            line("  committed <= total; committed moved = awards", f"{after['committed_pence'] / 100:,.0f} of "
                 f"{after['total_pence'] / 100:,.0f}", "invariant", done["invariant_holds"])
            line("  committed = sum of all approved awards", f"{after['awarded_pence'] / 100:,.0f}", "",
                 done["committed_equals_all_awards"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=["demo", "national"], default="national")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer repeats, shorter load")
    parser.add_argument("--national-scale", type=float, default=1.0, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)

    scale = options.scale
    notes: list[str] = []
    if scale == "national" and database.national_module() is None:
        notes.append("sv_grants.demo_national is not available, so the demo data was measured instead")
        scale = "demo"
    results: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "scale": scale,
                               "national_scale": options.national_scale if scale == "national" else None,
                               "quick": options.quick, "machine": machine.describe(), "notes": notes,
                               "targets": {"p95_ms": P95_TARGET_MS, "rps_ratio": RATIO_TARGET,
                                           "pdf_ratio": PDF_RATIO_TARGET, "pdf_mib": PDF_MEMORY_TARGET_MIB,
                                           "knapsack_seconds": KNAPSACK_TARGET_SECONDS},
                               "backends": {}}
    kinds = [options.only] if options.only else ["sqlite", "postgresql"]
    admin_url = None
    if "postgresql" in kinds:
        admin_url, version = database.postgres_admin_url()
        if admin_url is None:
            notes.append(f"PostgreSQL was not measured: {version}")
            kinds.remove("postgresql")
        else:
            results["machine"]["postgresql"] = version
    for note in notes:
        print(f"Note: {note}")
    described = results["machine"]
    print(f"\nSV Grants bench, {results['date']}, {scale} scale{' (quick)' if options.quick else ''}; "
          f"{described['cpus']} CPUs ({described['cpu_model']}), {described['ram_gib']} GiB, Python "
          f"{described['python']}, SQLite {described['sqlite']}, "
          f"PostgreSQL {described['postgresql'] or 'not measured'}")
    workdir = database.temp_workdir()
    failed = False
    try:
        for kind in kinds:
            try:
                results["backends"][kind] = run_backend(kind, scale, options, workdir, admin_url)
                report(kind, scale, results["backends"][kind])
            except Exception:  # noqa: BLE001 - one backend failing still reports the other
                failed = True
                traceback.print_exc()
                results["backends"][kind] = {"error": traceback.format_exc(limit=3)}
            RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")  # a long run keeps what it has
        results["knapsack"] = knapsack.time_round_of_500()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    chosen = results["knapsack"]
    print()
    line("funding set, 500 applications, £500,000: s", f"{chosen['seconds']:.3f}",
         f"< {KNAPSACK_TARGET_SECONDS:.0f} s", chosen["seconds"] < KNAPSACK_TARGET_SECONDS)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
