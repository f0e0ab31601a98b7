"""A contact sheet of the synthetic score-bug families at 1280x720, for people to look at.

Each row is one family (``soccer_highlights.synth_bugs.BUG_FAMILIES``): two looks drawn from two
seeds (the second in the second half's stoppage time, 2-1, with an aggregate where the family
shows one), then the second again with each part's box outlined (the truth tests check against).
Crops are at the picture's own scale. Synthetic: no evidence of how real bugs are read.

    .venv/bin/python bench/synth_bug_sheet.py [--out docs/synth_bug_families.png] [--height 720]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from soccer_highlights.fileio import atomic_path
from soccer_highlights.media.cut import title_font
from soccer_highlights.synth_bugs import BUG_FAMILIES, BugState, cjk_font, draw_bug

STATES = (
    BugState(home=0, away=0, clock_s=4 * 60 + 42, half=1, aggregate=(1, 5)),
    BugState(home=2, away=1, clock_s=90 * 60, added_min=3, half=2, aggregate=(3, 6)),
)
CROP_MARGIN = 24
TILE_W = 640
LABEL_H = 22


def background(width: int, height: int, seed: int) -> np.ndarray:
    """Striped grass and a white line: something like the picture a bug lies over (no noise, so
    that the sheet stays small in the repository)."""
    stripes = (np.arange(width) // max(1, width // 12) + seed) % 2
    frame = np.where(stripes[None, :, None], [44, 140, 52], [36, 122, 44]).astype(np.uint8)
    frame = np.broadcast_to(frame, (height, width, 3)).copy()
    frame[height // 3 : height // 3 + 3] = 235
    return frame


def tile(name: str, seed: int, width: int, height: int, outline: bool) -> Image.Image:
    family = BUG_FAMILIES[name]
    rng = np.random.default_rng(seed)
    style = family.style(width, height, rng)
    home, away = family.teams(rng)
    bug = draw_bug(family, style, replace(STATES[seed % 2], home_team=home, away_team=away))
    frame = background(width, height, seed)
    bug.paste(frame)
    x0, y0, x1, y1 = bug.box
    crop = Image.fromarray(
        frame[max(0, y0 - CROP_MARGIN) : y1 + CROP_MARGIN, max(0, x0 - CROP_MARGIN) : x1 + CROP_MARGIN]
    )
    if outline:
        draw = ImageDraw.Draw(crop)
        dx, dy = max(0, x0 - CROP_MARGIN), max(0, y0 - CROP_MARGIN)
        for part in bug.parts.values():
            a, b, c, d = part.box
            draw.rectangle((a - dx, b - dy, c - dx - 1, d - dy - 1), outline=(255, 0, 255))
    return crop.crop((0, 0, min(crop.width, TILE_W), crop.height))


def sheet(height: int) -> Image.Image:
    from PIL import ImageFont

    width = round(height * 16 / 9)
    rows = []
    for name in BUG_FAMILIES:
        tiles = [tile(name, 0, width, height, False), tile(name, 1, width, height, False)]
        tiles.append(tile(name, 1, width, height, True))
        rows.append((name, tiles))
    row_h = [LABEL_H + max(t.height for t in tiles) + 8 for _, tiles in rows]
    out = Image.new("RGB", (3 * (TILE_W + 10) + 10, sum(row_h) + 10), (24, 24, 28))
    draw = ImageDraw.Draw(out)
    latin = ImageFont.truetype(str(title_font()), 14)
    japanese = ImageFont.truetype(str(cjk_font()), 14) if cjk_font() else latin
    y = 6
    for (name, tiles), h in zip(rows, row_h, strict=True):
        label = f"{name}: {BUG_FAMILIES[name].mirrors}"
        font = latin if label.isascii() or name != "two-rows" else japanese
        draw.text((10, y), label, font=font, fill=(230, 230, 230))
        for k, t in enumerate(tiles):
            out.paste(t, (10 + k * (TILE_W + 10), y + LABEL_H))
        y += h
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "docs" / "synth_bug_families.png")
    parser.add_argument("--height", type=int, default=720)
    args = parser.parse_args()
    image = sheet(args.height)
    with atomic_path(args.out) as tmp:
        image.save(tmp, format="PNG", optimize=True)
    print(f"wrote {args.out} ({image.width}x{image.height})")


if __name__ == "__main__":
    main()
