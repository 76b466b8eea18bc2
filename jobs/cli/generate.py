"""``reelplan generate``: write a seeded synthetic dataset folder of any size."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from connectors.dataset import write_dataset
from jobs.cli import app
from sample_data.generate import DEFAULT_AS_OF, generate_dataset


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the dataset into (created if needed).")],
    items: Annotated[int, typer.Option("--items", min=3, help="Number of items (make and buy).")] = 300,
    demands: Annotated[int, typer.Option("--demands", min=0, help="Number of demand lines.")] = 1000,
    levels: Annotated[int, typer.Option("--levels", min=2, help="Item levels of the deepest BOM chain.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same dataset.")] = 0,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Planning date written to settings.toml.")
    ] = None,
    customers: Annotated[
        int | None, typer.Option("--customers", min=1, help="Number of customers (default: one per ten end items).")
    ] = None,
    lines: Annotated[
        int | None, typer.Option("--lines", min=1, help="Number of SMT lines (default: sized from the board work).")
    ] = None,
) -> None:
    """Write a consistent random dataset (items, BOM, demand, reels, offers, open orders, SMT lines) to OUT."""
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} is a file; give a folder.", param_hint="OUT")
    console = Console()
    started = time.perf_counter()
    try:
        ds = generate_dataset(
            items, demands, levels=levels, seed=seed, as_of=as_of.date() if as_of else DEFAULT_AS_OF,
            n_customers=customers, n_lines=lines,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    generated = time.perf_counter()
    write_dataset(ds, out)
    written = time.perf_counter()
    counts = ", ".join(f"{len(ds.table(name))} {name.replace('_', ' ')}" for name in (
        "items", "bom", "demand", "inventory", "supplier_offers", "purchase_orders", "work_orders"))
    console.print(f"Wrote {out}: {counts}.")
    console.print(f"Generated in {generated - started:.1f} s, written in {written - generated:.1f} s.")
