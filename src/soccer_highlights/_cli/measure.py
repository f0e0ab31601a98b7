"""Commands that measure: ``evaluate`` (SoccerNet's metric) and ``reel-metrics`` (what reels contain)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from soccer_highlights._cli.common import HIGHLIGHT_CLASS_LIST, ClassesOption, check_output, console


def evaluate(
    root: Annotated[Path, typer.Argument(help="A tree of Labels-v2.json (SoccerNet layout).")],
    predictions: Annotated[Path, typer.Option(help="A tree of GAME/results_spotting.json.")],
    metric: Annotated[str, typer.Option(help="loose (5-60 s), tight (1-5 s), or at1..at5.")] = "loose",
    split: Annotated[
        str | None, typer.Option(help="Only games of this official split: train, valid, test, challenge.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the full result as JSON here.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write precision-recall curves per class (PNG) here.")] = None,
    force: Annotated[bool, typer.Option(help="Replace existing --out and --plot files.")] = False,
) -> None:
    """SoccerNet action-spotting Average-mAP, exactly as the official evaluator computes it."""
    from soccer_highlights.evaluation.soccernet_eval import evaluate_tree
    from soccer_highlights.evaluation.spotting import METRIC_DELTAS_S, precision_recall_curves
    from soccer_highlights.fileio import atomic_write_json

    check_output(out, ".json", force)
    check_output(plot, ".png", force)
    evaluation = evaluate_tree(root, predictions, metric=metric, split=split)
    result = evaluation.result
    table = Table(title=f"Average-mAP ({metric}) over {len(evaluation.games)} games")
    for col in ("class", "all", "visible", "unshown"):
        table.add_column(col, justify="right" if col != "class" else "left")
    for i, name in enumerate(result.classes):
        table.add_row(
            name,
            f"{result.a_mAP_per_class[i]:.4f}",
            f"{result.a_mAP_per_class_visible[i]:.4f}",
            f"{result.a_mAP_per_class_unshown[i]:.4f}",
        )
    table.add_row(
        "[bold]mean",
        f"[bold]{result.a_mAP:.4f}",
        f"{result.a_mAP_visible:.4f}",
        f"{result.a_mAP_unshown:.4f}",
    )
    console.print(table)
    if evaluation.unknown_labels:
        listed = ", ".join(f"{label!r} x{n}" for label, n in sorted(evaluation.unknown_labels.items()))
        console.print(f"[yellow]predictions with labels that are none of the 17 classes were not scored: {listed}")
    if evaluation.missing_predictions:
        console.print(f"[yellow]{len(evaluation.missing_predictions)} game(s) had no predictions and count as empty")
    if out:
        atomic_write_json(
            out, result.to_json() | {"games": evaluation.games, "missing": evaluation.missing_predictions}
        )
    if plot:
        from soccer_highlights.evaluation.plots import plot_precision_recall

        delta = float(METRIC_DELTAS_S[metric][len(METRIC_DELTAS_S[metric]) // 2])
        curves = precision_recall_curves(evaluation.halves, delta)
        plot_precision_recall(curves, plot, f"precision-recall at delta {delta:g} s")
    print(f"{result.a_mAP:.6f}")


def reel_metrics_command(
    root: Annotated[Path, typer.Argument(help="A tree of Labels-v2.json, or one game folder.")],
    segments: Annotated[
        Path, typer.Option(help="A tree of GAME/segments.json (as `plan` writes), or one segments.json.")
    ],
    classes: ClassesOption = HIGHLIGHT_CLASS_LIST,
    out: Annotated[Path | None, typer.Option(help="Write per-game and total metrics as JSON here.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """What reels contain: events covered per class, focus, length and peak timing, per game and in total."""
    from soccer_highlights.evaluation.reel_metrics import reel_metrics_tree, total
    from soccer_highlights.fileio import atomic_write_json
    from soccer_highlights.soccernet.classes import parse_class_list

    check_output(out, ".json", force)
    rows, skipped = reel_metrics_tree(root, segments, parse_class_list(classes))
    if skipped:
        console.print(f"[yellow]{len(skipped)} labelled game(s) have no segments.json under {segments}: skipped")
    table = Table(title="reel metrics")
    for col in ("game", "covered", "recall", "reel", "share", "focus", "peak err (median)"):
        table.add_column(col, justify="left" if col == "game" else "right")
    for m in [*rows, total(rows)]:
        j = m.to_json()
        err = "-" if j["peak_error_median_s"] is None else f"{j['peak_error_median_s']:.1f} s"
        table.add_row(
            m.game.rsplit("/", 1)[-1][:40], f"{m.coverage.covered}/{m.coverage.total}", f"{m.coverage.recall:.0%}",
            f"{m.reel_s:.0f} s", f"{m.share_of_match:.1%}", f"{m.focus:.0%}", err,
        )  # fmt: skip
    console.print(table)
    if out:
        atomic_write_json(out, {"games": [m.to_json() for m in rows], "total": total(rows).to_json()})
