"""Score-bug layout families for the synthetic generator: each drawn like one kind of real bug.

The score bug reader was built on one real layout; real broadcasters separate the digits with
slanted bars, boxes or a ball, put the clock in a box of its own on either side or on another row,
add an aggregate in brackets, ``LIVE`` tags and channel names, and write team names in other
scripts. Each family here draws one such kind with real fonts (Debian's DejaVu faces, a Japanese
gothic face where installed), its colours, face, size and place varied by a seeded generator, at
any picture size (sizes follow the picture's height). Every drawing comes with its *parts*: the
pixel box and text of each token in the frame, the truth that tests of a reader check against.

Synthetic bugs test a reader's mechanics; they are no evidence of how well real bugs are read.
Nothing here is tuned to suit a reader.

Only the standard library is imported at module level (the command line lists the families in its
help without loading numpy or Pillow).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PIL import ImageFont

log = logging.getLogger(__name__)

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]

LEGACY_LAYOUTS = {"top": "sky", "bottom": "clock-first"}
"""``SynthConfig.score_bug``'s first two layouts, kept pixel for pixel: the families they became."""

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/vlgothic/VL-Gothic-Regular.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
"""Japanese-capable faces, first found wins (``make fonts`` adds Debian's IPA Gothic)."""

FACES = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}
"""Regular and bold file of each DejaVu face a family may draw with."""

DARKS: tuple[RGB, ...] = (
    (16, 20, 48), (18, 18, 18), (8, 40, 30), (62, 12, 24), (38, 18, 66), (0, 34, 82), (32, 36, 42),
)  # fmt: skip
LIGHTS: tuple[RGB, ...] = ((246, 246, 246), (232, 234, 238), (250, 247, 236), (222, 228, 238))
ACCENTS: tuple[RGB, ...] = ((214, 30, 44), (250, 198, 20), (0, 156, 226), (36, 170, 84), (238, 118, 0), (196, 0, 118))
BLUES: tuple[RGB, ...] = ((10, 30, 160), (0, 52, 190), (22, 22, 120), (0, 70, 150))
TEAM_COLOURS: tuple[RGB, ...] = (
    (200, 16, 46), (0, 56, 168), (255, 205, 0), (0, 132, 61), (108, 29, 69),
    (250, 250, 250), (110, 190, 240), (241, 90, 36), (90, 20, 140), (20, 20, 20),
)  # fmt: skip
INKS: tuple[RGB, ...] = ((255, 255, 255), (240, 244, 255), (255, 238, 170), (200, 236, 240))
CODES = (
    "ARS", "AND", "LIV", "AST", "RMA", "SEV", "KRA", "OLY", "JUV", "INT", "BAR", "MIL", "BVB", "PSG", "ROM",
    "NAP", "ATM", "BEN", "POR", "AJX", "CEL", "RAN", "LYO", "MON", "BUR", "FUL", "WOL", "MNU", "CHE", "TOT",
)  # fmt: skip
JAPANESE_TEAMS = (
    ("日本", "JAPAN"), ("タジキスタン", "TAJIKISTAN"), ("韓国", "KOREA"), ("中国", "CHINA"), ("イラン", "IRAN"),
    ("豪州", "AUSTRALIA"), ("浦和", "URAWA"), ("鹿島", "KASHIMA"), ("川崎", "KAWASAKI"), ("横浜", "YOKOHAMA"),
)  # fmt: skip
CHANNELS = ("SPORT 1", "TV 2", "CANAL 5", "ARENA 4", "SPORTS 3", "KANAL 9")
LOGO_LETTERS = ("BBC", "ITV", "TNT", "RAI", "ZDF")


# ------------------------------------------------------------------------------------------ data
@dataclass(frozen=True)
class BugState:
    """What a bug shows at one moment."""

    home_team: str = "RED"
    away_team: str = "BLU"
    home: int = 0
    away: int = 0
    clock_s: float | None = 0.0
    """The match clock in seconds from the first half's kick-off (45:00 at the second half's);
    ``None`` where the broadcaster shows no clock (families without one ignore it)."""
    added_min: int = 0
    """Stoppage time announced (``+2`` beside the clock), 0 for none."""
    half: int = 1
    aggregate: tuple[int, int] | None = None
    """A two-legged tie's aggregate, home first: shown in brackets by ``cup-aggregate`` (not the score)."""

    @property
    def leader(self) -> str | None:
        return "home" if self.home > self.away else "away" if self.away > self.home else None


@dataclass(frozen=True)
class Part:
    """One part of a drawn bug: its pixel box in the frame (``x0, y0, x1, y1``, ends exclusive) and
    the text drawn there (empty for shapes: logos, flags, bars, a ball)."""

    box: Box
    text: str


@dataclass(frozen=True)
class RenderedBug:
    """A bug drawn for one state: an RGBA patch, where its top-left corner lies in the frame, and
    its parts (the truth: ``clock``, ``added``, ``half``, ``home_team``, ``away_team``,
    ``home_digit``, ``away_digit``, ``separator``, ``aggregate``, ``logo``, ``flag``, ``live``,
    ``channel``, ``ball``, ``bar_left``, ``bar_right``, as the family draws them)."""

    family: str
    patch: np.ndarray
    position: tuple[int, int]
    parts: dict[str, Part]
    style: BugStyle | None = None
    """The style it was drawn with, its size shrunk where the bug had to be drawn smaller to fit."""

    @property
    def box(self) -> Box:
        x, y = self.position
        return x, y, x + self.patch.shape[1], y + self.patch.shape[0]

    def paste(self, frame: np.ndarray) -> None:
        """Lay the bug over an RGB frame in place (clipped to it), blending where it is translucent."""
        import numpy as np

        x, y = self.position
        h, w = frame.shape[:2]
        patch = self.patch[: max(0, h - y), : max(0, w - x)]
        if not patch.size:
            return
        region = frame[y : y + patch.shape[0], x : x + patch.shape[1]]
        alpha = patch[..., 3:]
        if alpha.min() == 255:
            region[:] = patch[..., :3]
            return
        mixed = (patch[..., :3].astype(np.uint16) * alpha + region.astype(np.uint16) * (255 - alpha) + 127) // 255
        region[:] = mixed.astype(np.uint8)


@dataclass(frozen=True)
class BugStyle:
    """One bug's look, drawn once per video from the seeded generator and kept for all its frames."""

    width: int
    height: int
    size: int
    """Font size in pixels; every other size follows it."""
    face: str
    """A key of ``FACES``."""
    dark: RGB
    light: RGB
    ink: RGB
    """Text on dark boxes (text on light boxes is ``ink_dark``)."""
    accent: RGB
    home_colour: RGB
    away_colour: RGB
    anchor: str
    margin: tuple[int, int]
    alpha: int = 255
    ink_dark: RGB = (20, 22, 30)
    gap: int = 1
    cell: float = 1.5
    """A box's height over the font size."""
    options: tuple[tuple[str, Any], ...] = ()

    def opt(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)

    def font(self, bold: bool = False, scale: float = 1.0, face: str | None = None) -> ImageFont.FreeTypeFont:
        return _font(str(dejavu_font(FACES[face or self.face][int(bold)])), max(6, round(self.size * scale)))

    @property
    def box_h(self) -> int:
        return max(self.size + 2, round(self.size * self.cell))

    @property
    def pad(self) -> int:
        return max(2, round(self.size * 0.45))


# ----------------------------------------------------------------------------------------- fonts
@cache
def dejavu_font(file: str) -> Path:
    """A DejaVu face by file name: Debian's ``fonts-dejavu-core`` (the lookup of
    :func:`soccer_highlights.media.cut.title_font`, widened to every face), else matplotlib's copy
    in its wheel, else the nearest face there (matplotlib ships no Condensed: the plain face)."""
    from soccer_highlights.media.cut import title_font

    folders = [DEJAVU_DIR, title_font().parent]
    try:
        import matplotlib

        folders.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass
    for name in (file, file.replace("Condensed", "")):
        for folder in folders:
            if (folder / name).is_file():
                return folder / name
    return title_font()


@cache
def cjk_font() -> Path | None:
    """A face that draws Japanese, or ``None`` (then ``two-rows`` writes Latin names and says so)."""
    found = next((p for p in CJK_FONTS if p.is_file()), None)
    if found is None:
        log.warning(
            "no Japanese font installed (Debian: fonts-ipafont-gothic, `make fonts`): "
            "the two-rows score bug writes its team names and half in Latin letters"
        )
    return found


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


@lru_cache(maxsize=16384)
def _bbox(font: ImageFont.FreeTypeFont, text: str, anchor: str | None = None) -> tuple[int, int, int, int]:
    """``font.getbbox``, remembered: a video draws its bug once a second, mostly the same words."""
    return font.getbbox(text, anchor=anchor)


@lru_cache(maxsize=16384)
def _length(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


# ---------------------------------------------------------------------------------------- canvas
class _Canvas:
    """A transparent RGBA canvas the families draw on, recording each part's box."""

    def __init__(self, width: int, height: int, style: BugStyle):
        from PIL import Image, ImageDraw

        self.img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img)
        self.st = style
        self.parts: dict[str, Part] = {}

    def _fill(self, colour: RGB, alpha: int | None) -> tuple[int, int, int, int]:
        return (*colour, self.st.alpha if alpha is None else alpha)

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour: RGB, alpha: int | None = None) -> None:
        self.draw.rectangle((round(x0), round(y0), round(x1) - 1, round(y1) - 1), fill=self._fill(colour, alpha))

    def poly(self, points: list[tuple[float, float]], colour: RGB, alpha: int | None = None) -> None:
        self.draw.polygon([(round(x), round(y)) for x, y in points], fill=self._fill(colour, alpha))

    def para(self, x: float, y: float, w: float, h: float, slant: float, colour: RGB, alpha: int | None = None) -> None:
        """A parallelogram leaning right: bottom-left corner at ``x``, top edge shifted by ``slant``."""
        self.poly([(x + slant, y), (x + w + slant, y), (x + w, y + h), (x, y + h)], colour, alpha)

    def shape(self, name: str, box: tuple[float, float, float, float]) -> None:
        self.parts[name] = Part(tuple(round(v) for v in box), "")  # type: ignore[arg-type]

    def text(
        self, x: float, baseline: float, text: str, font: ImageFont.FreeTypeFont, colour: RGB, name: str | None = None
    ) -> float:
        """Draw ``text`` from ``x`` on ``baseline``; return its advance."""
        self.draw.text((x, baseline), text, font=font, fill=(*colour, 255), anchor="ls")
        if name:
            x0, y0, x1, y1 = self.draw.textbbox((x, baseline), text, font=font, anchor="ls")
            self.parts[name] = Part((int(x0), int(y0), int(x1), int(y1)), text)
        return _length(font, text)

    def centred(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        text: str,
        font: ImageFont.FreeTypeFont,
        colour: RGB,
        name: str | None = None,
    ) -> None:
        """Draw ``text`` centred in a box: across by its advance, down by its capitals' (or, for
        Japanese, its own) ink."""
        top, bottom = _ink_span(font, text)
        baseline = (y0 + y1) / 2 + (-top - bottom) / 2
        self.text((x0 + x1) / 2 - _length(font, text) / 2, round(baseline), text, font, colour, name)

    def cell(
        self,
        x: float,
        y: float,
        text: str,
        font: ImageFont.FreeTypeFont,
        colour: RGB,
        fill: RGB | None,
        name: str | None = None,
        min_w: float = 0,
        pad: float | None = None,
        h: float | None = None,
    ) -> float:
        """A box holding one centred text; return its right edge."""
        h = self.st.box_h if h is None else h
        pad = self.st.pad if pad is None else pad
        w = max(min_w, math.ceil(_length(font, text)) + 2 * pad)
        if fill is not None:
            self.rect(x, y, x + w, y + h, fill)
        self.centred(x, y, x + w, y + h, text, font, colour, name)
        return x + w


def _ink_span(font: ImageFont.FreeTypeFont, text: str) -> tuple[int, int]:
    """Top and bottom of the ink relative to the baseline: capitals' for Latin text (so ``0``,
    ``RMA`` and ``(1-5)`` share a baseline), the text's own for other scripts."""
    probe = "0H" if all(ord(ch) < 0x2E80 for ch in text) else text
    _, top, _, bottom = _bbox(font, probe, "ls")
    return top, bottom


# ------------------------------------------------------------------------------------- text bits
def clock_text(clock_s: float, leading_zero: bool = True) -> str:
    minutes, seconds = divmod(int(clock_s), 60)
    return f"{minutes:02d}:{seconds:02d}" if leading_zero else f"{minutes}:{seconds:02d}"


def half_text(half: int, style: str) -> str:
    return {
        "en": ("1st", "2nd"),
        "H": ("1H", "2H"),
        "ja": ("前半", "後半"),
    }[style][min(1, max(0, half - 1))]


def _run_tokens(state: BugState, clock_first: bool) -> list[tuple[str | None, str]]:
    """The one line of text of ``sky`` (``ARL 1-0 AND 28:03``) and ``clock-first``
    (``12:34  RED 1 - 0 BLU``), as (part, text) tokens."""
    clock: list[tuple[str | None, str]] = []
    if state.clock_s is not None:
        clock = [("clock", clock_text(state.clock_s))]
        if state.added_min:
            clock += [(None, " "), ("added", f"+{state.added_min}")]
    if clock_first:
        score = [("home_team", state.home_team), (None, " "), ("home_digit", str(state.home)), (None, " ")]
        score += [("separator", "-"), (None, " "), ("away_digit", str(state.away)), (None, " ")]
        return [*clock, (None, "  "), *score, ("away_team", state.away_team)] if clock else score[:-1]
    score = [("home_team", state.home_team), (None, " "), ("home_digit", str(state.home)), ("separator", "-")]
    score += [("away_digit", str(state.away)), (None, " "), ("away_team", state.away_team)]
    return [*score, (None, " "), *clock] if clock else score


# -------------------------------------------------------------------------------------- families
@dataclass(frozen=True)
class BugFamily:
    """One kind of real score bug."""

    name: str
    mirrors: str
    """The real kind of bug it is drawn like."""
    draw: Callable[[_Canvas, BugStyle, BugState], None]
    shows_clock: bool = True
    anchors: tuple[str, ...] = ("top-left",)
    size_range: tuple[float, float] = (0.025, 0.038)
    """Font size over the picture's height (real bugs measured by eye: 0.025 BBC to 0.036 Sky 2014)."""
    faces: tuple[str, ...] = ("sans", "condensed", "serif", "mono")
    appears_after_s: tuple[float, float] = (0.0, 0.0)
    """Some broadcasters show the bug only a while after the broadcast starts."""
    japanese: bool = False
    """Team names in Japanese (in Latin letters where no Japanese font is installed), not codes."""
    options: Callable[[np.random.Generator], dict[str, Any]] = field(default=lambda rng: {})

    def style(self, width: int, height: int, rng: np.random.Generator) -> BugStyle:
        """A look drawn from ``rng``: face, size, colours, place and the family's own options."""
        pick = _picker(rng)
        size = max(9, round(height * rng.uniform(*self.size_range)))
        home, away = (TEAM_COLOURS[i] for i in rng.choice(len(TEAM_COLOURS), 2, replace=False))
        anchor = pick(self.anchors)
        margin_y = round(height * rng.uniform(0.03, 0.06))
        margin_x = round(width * rng.uniform(0.02, 0.05)) if "centre" not in anchor else margin_y
        return BugStyle(
            width=width,
            height=height,
            size=size,
            face=pick(self.faces),
            dark=pick(DARKS),
            light=pick(LIGHTS),
            ink=pick(INKS),
            accent=pick(ACCENTS),
            home_colour=home,
            away_colour=away,
            anchor=anchor,
            margin=(margin_x, margin_y),
            alpha=pick((255, 255, 235, 215)),
            gap=max(1, round(size * rng.uniform(0.04, 0.14))),
            cell=float(rng.uniform(1.4, 1.75)),
            options=tuple(sorted(self.options(rng).items())),
        )

    def teams(self, rng: np.random.Generator) -> tuple[str, str]:
        """Two teams as this family writes them: three-letter codes, or Japanese names."""
        if self.japanese:
            i, j = rng.choice(len(JAPANESE_TEAMS), 2, replace=False)
            script = 0 if cjk_font() is not None else 1
            return JAPANESE_TEAMS[i][script], JAPANESE_TEAMS[j][script]
        i, j = rng.choice(len(CODES), 2, replace=False)
        return CODES[i], CODES[j]


def _pick(rng: np.random.Generator, options: tuple) -> Any:
    return options[int(rng.integers(len(options)))]


def _picker(rng: np.random.Generator) -> Callable[[tuple], Any]:
    return lambda options: _pick(rng, options)


def _added(c: _Canvas, st: BugStyle, state: BugState, x: float, y: float, h: float, fill: RGB, ink: RGB) -> float:
    """The ``+N`` of stoppage time in a small box of its own at ``x``; return its right edge."""
    if not state.added_min or state.clock_s is None:
        return x
    return c.cell(x, y, f"+{state.added_min}", st.font(True, 0.8), ink, fill, "added", h=h, pad=st.pad * 0.6)


def _draw_run(c: _Canvas, st: BugStyle, state: BugState, clock_first: bool) -> None:
    """One line of text in one dark box: ``sky`` and ``clock-first`` (the ``classic`` option draws
    the first synthetic bug exactly: DejaVu Sans Bold on navy, padding a third of the ink's height)."""
    tokens = _run_tokens(state, clock_first)
    text = "".join(t for _, t in tokens)
    classic = st.opt("classic", False)
    font = _font(str(_title_font()), st.size) if classic else st.font(bool(st.opt("bold", True)))
    left, top, right, bottom = _bbox(font, text)
    pad = max(2, (bottom - top) // 3) if classic else max(2, round((bottom - top) * st.opt("pad", 0.33)))
    x = 0
    x0 = 0
    if not classic and st.opt("half"):
        label = half_text(state.half, "en")
        x = c.cell(0, 0, label, st.font(True, 0.8), st.ink_dark, st.accent, "half", h=bottom - top + 2 * pad)
        x0 = x = x + st.gap
    if not classic and st.opt("strip"):
        c.rect(x, 0, x + max(2, st.size // 4), bottom - top + 2 * pad, st.home_colour, 255)
        x0 = x = x + max(2, st.size // 4)
    c.rect(x, 0, x + right - left + 2 * pad, bottom - top + 2 * pad, st.dark)
    ox, oy = x0 + pad - left, pad - top
    c.draw.text((ox, oy), text, font=font, fill=(*st.ink, 255))
    at = 0
    for name, token in tokens:
        if name:
            tx0, ty0, tx1, ty1 = _bbox(font, token)
            advance = _length(font, text[:at])
            c.parts[name] = Part((round(ox + advance + tx0), oy + ty0, round(ox + advance + tx1), oy + ty1), token)
        at += len(token)


@cache
def _title_font() -> Path:
    from soccer_highlights.media.cut import title_font

    return title_font()


def draw_sky(c: _Canvas, st: BugStyle, state: BugState) -> None:
    _draw_run(c, st, state, clock_first=False)


def draw_clock_first(c: _Canvas, st: BugStyle, state: BugState) -> None:
    _draw_run(c, st, state, clock_first=True)


def draw_boxed_digits(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``04:42 | RMA | 0 | 0 | SEV`` and a flag: each digit in a box of its own, no dash."""
    h, pad, g = st.box_h, st.pad, st.gap
    regular, bold = st.font(), st.font(True)
    x = 0.0
    if state.clock_s is not None:
        x = c.cell(x, 0, clock_text(state.clock_s), st.font(scale=1.1), st.ink, st.dark, "clock", pad=pad * 1.4)
        x = _added(c, st, state, x, 0, h, st.accent, st.ink_dark)
        x += g
    line = max(1, h // 12)
    team_w = max(_length(regular, state.home_team), _length(regular, state.away_team)) + 2.5 * pad
    x_home = x
    x = c.cell(x, 0, state.home_team, regular, st.ink, st.dark, "home_team", min_w=team_w)
    c.rect(x_home + pad, h - 2 * line, x - pad, h - line, st.home_colour, 255)
    digit_w = h * 0.95
    for side, score in (("home", state.home), ("away", state.away)):
        x += g
        c.rect(x, 0, x + digit_w, h, (8, 8, 10))
        c.rect(x + line, line, x + digit_w - line, h - line, st.dark)
        c.centred(x, 0, x + digit_w, h, str(score), bold, st.ink, f"{side}_digit")
        x += digit_w
    x += g
    x_away = x
    x = c.cell(x, 0, state.away_team, regular, st.ink, st.dark, "away_team", min_w=team_w)
    c.rect(x_away + pad, h - 2 * line, x - pad, h - line, st.away_colour, 255)
    if st.opt("flag", True):
        x += 3 * g + st.size * 0.4
        top_colour, bottom_colour = st.opt("flag_colours")
        c.rect(x, 0, x + h * 1.5, h / 2, top_colour, 255)
        c.rect(x, h / 2, x + h * 1.5, h, bottom_colour, 255)
        c.shape("flag", (x, 0, x + h * 1.5, h))


def _logo(c: _Canvas, cx: float, cy: float, r: float, ink: RGB, back: RGB) -> None:
    """A round competition logo: a ring of small stars (dots) around a ball."""
    c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*ink, 255))
    c.draw.ellipse((cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78), fill=(*back, 255))
    for k in range(6):
        a = 2 * math.pi * k / 6
        px, py, dot = cx + 0.5 * r * math.cos(a), cy + 0.5 * r * math.sin(a), max(1.0, r * 0.13)
        c.draw.ellipse((px - dot, py - dot, px + dot, py + dot), fill=(*ink, 255))


def draw_cup_aggregate(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``(logo) 27:14 | KRA 1 1 OLY | stripes | (1-5)``: the tie's aggregate in brackets is not the score."""
    h, pad, g = st.box_h, st.pad, max(2, st.gap * 2)
    white, navy, font = st.light, st.opt("blue"), st.font()
    x = 0.0
    if state.clock_s is not None:
        clock = clock_text(state.clock_s)
        r = h * 0.33
        w = pad + 2 * r + pad + _length(font, clock) + pad
        c.rect(0, 0, w, h, white)
        _logo(c, pad + r, h / 2, r, (20, 24, 60), white)
        c.shape("logo", (pad, h / 2 - r, pad + 2 * r + 1, h / 2 + r + 1))
        c.centred(pad + 2 * r + pad, 0, w - pad, h, clock, font, st.ink_dark, "clock")
        x = _added(c, st, state, w, 0, h, white, st.ink_dark) + g
    stripe = max(2, st.size // 5)
    c.rect(x, 0, x + stripe, h, st.home_colour, 255)
    x += stripe
    digit_gap = st.size * st.opt("spacing", 1.2)
    home_w, away_w = _length(font, state.home_team), _length(font, state.away_team)
    digit = _length(font, "0")
    w = pad * 1.5 + home_w + digit_gap + 2 * digit + 0.9 * digit_gap + digit_gap + away_w + pad * 1.5
    c.rect(x, 0, x + w, h, navy)
    baseline = round(h / 2 - sum(_ink_span(font, "0")) / 2)
    at = x + pad * 1.5
    at += c.text(at, baseline, state.home_team, font, (255, 255, 255), "home_team") + digit_gap
    at += c.text(at, baseline, str(state.home), font, (255, 255, 255), "home_digit") + 0.9 * digit_gap
    at += c.text(at, baseline, str(state.away), font, (255, 255, 255), "away_digit") + digit_gap
    c.text(at, baseline, state.away_team, font, (255, 255, 255), "away_team")
    x += w
    c.rect(x, 0, x + stripe, h, st.away_colour, 255)
    c.rect(x + stripe, 0, x + 2 * stripe, h, (250, 250, 250), 255)
    x += 2 * stripe + g
    if state.aggregate is not None:
        agg = f"({state.aggregate[0]}-{state.aggregate[1]})"
        c.cell(x, 0, agg, font, st.ink_dark, white, "aggregate", pad=pad * 1.6)


def draw_two_rows(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """Row one ``前半 | 日本 0-0 タジキスタン | ball``, row two the clock ``0:08`` in a small box."""
    cjk = cjk_font()
    h, pad = st.box_h, st.pad
    names = _font(str(cjk), st.size) if cjk else st.font(True, 0.9)
    digits = st.font(True)
    black = (14, 14, 16)
    label = half_text(state.half, "ja" if cjk else "en")
    half_w = _length(names, label) + 2 * pad + h * 0.3
    c.poly([(0, h / 2), (h * 0.3, 0), (half_w, 0), (half_w, h), (h * 0.3, h)], black)
    c.centred(h * 0.3, 0, half_w, h, label, names, (255, 255, 255), "half")
    x = half_w + st.gap
    bar = max(2, st.size * 0.3)
    c.rect(x, 0, x + bar, h, st.home_colour, 255)
    x += bar
    space = st.size * 0.6
    baseline = round(h / 2 - sum(_ink_span(names, state.home_team + state.away_team)) / 2)
    digit_base = round(h / 2 - sum(_ink_span(digits, "0")) / 2)
    widths = [_length(names, state.home_team), _length(digits, f"{state.home}-{state.away}")]
    w = 2 * pad + widths[0] + space + widths[1] + space + _length(names, state.away_team)
    c.rect(x, 0, x + w, h, black)
    at = x + pad
    at += c.text(at, baseline, state.home_team, names, (255, 255, 255), "home_team") + space
    at += c.text(at, digit_base, str(state.home), digits, (255, 255, 255), "home_digit")
    at += c.text(at, digit_base, "-", digits, (255, 255, 255), "separator")
    at += c.text(at, digit_base, str(state.away), digits, (255, 255, 255), "away_digit") + space
    c.text(at, baseline, state.away_team, names, (255, 255, 255), "away_team")
    x += w
    c.rect(x, 0, x + bar, h, st.away_colour, 255)
    x += bar
    c.rect(x, 0, x + h, h, black)
    r = h * 0.32
    hexagon = [(x + h / 2 + r * math.cos(a), h / 2 + r * math.sin(a)) for a in (math.pi / 3 * k for k in range(6))]
    c.poly(hexagon, (240, 240, 240), 255)
    c.shape("ball", (x + h / 2 - r, h / 2 - r, x + h / 2 + r + 1, h / 2 + r + 1))
    if state.clock_s is not None:
        y, row_h = h + st.gap, round(h * 0.9)
        clock = clock_text(state.clock_s, leading_zero=False)
        slant = row_h * 0.3
        x0 = half_w * 0.6
        cw = _length(digits, clock) + 4 * pad
        c.para(x0, y, cw, row_h, -slant, st.light)
        c.centred(x0 - slant / 2, y, x0 + cw - slant / 2, y + row_h, clock, digits, st.ink_dark, "clock")
        _added(c, st, state, x0 + cw + st.gap, y, row_h, st.accent, (255, 255, 255))


def draw_boxed_bar(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``BBC | LIV | 0 | 0 | AST``: logo blocks, team boxes, both digits in one white box with a
    thin bar between them, no clock; the leading side's code and digit in bold."""
    h, pad = st.box_h, st.pad
    letters = st.opt("logo", "BBC")
    square, step = h * 0.78, h * 0.9
    logo_font = st.font(True, 0.75, face="sans")
    top = (h - square) / 2
    for k, letter in enumerate(letters):
        c.cell(k * step, top, letter, logo_font, (10, 10, 10), st.opt("logo_colour"), None, min_w=square, h=square)
    c.shape("logo", (0, top, (len(letters) - 1) * step + square, top + square))
    x = len(letters) * step + st.size * 0.8
    leader = state.leader
    home_font, away_font = st.font(leader == "home"), st.font(leader == "away")
    team_w = max(_length(home_font, state.home_team), _length(away_font, state.away_team)) + 2.4 * pad
    home_ink = st.ink_dark if sum(st.home_colour) > 500 else (255, 255, 255)
    x = c.cell(x, 0, state.home_team, home_font, home_ink, st.home_colour, "home_team", min_w=team_w) + st.gap
    digit_w = st.size * 1.3
    c.rect(x, 0, x + 2 * digit_w + st.size * 0.3, h, (252, 252, 252))
    c.centred(x, 0, x + digit_w, h, str(state.home), home_font, st.ink_dark, "home_digit")
    bar_x = x + digit_w + st.size * 0.15
    bar_w = max(1, round(st.size / 12))
    c.rect(bar_x - bar_w / 2, h * 0.2, bar_x + bar_w / 2 + (bar_w == 1), h * 0.8, st.ink_dark, 255)
    c.shape("separator", (bar_x - bar_w / 2, h * 0.2, bar_x + bar_w / 2 + 1, h * 0.8))
    x += digit_w + st.size * 0.3
    c.centred(x, 0, x + digit_w, h, str(state.away), away_font, st.ink_dark, "away_digit")
    x += digit_w + st.gap
    c.cell(x, 0, state.away_team, away_font, st.ink_dark, st.light, "away_team", min_w=team_w)


def draw_slanted(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``JUV ╱0 - 0╱ INT   12:34``: parallelogram boxes, the score between slanted bars."""
    h, pad, g = st.box_h, st.pad, st.gap
    slant = h * 0.35
    font, bold = st.font(), st.font(True)
    x = 0.0
    team_w = max(_length(font, state.home_team), _length(font, state.away_team)) + 2 * pad
    for side in ("home", "away"):
        if side == "away":
            x += g
        if side == "away":  # the score between the two teams
            digit = _length(bold, "0")
            dash = st.opt("separator", "-")
            middle = _length(bold, f" {dash} ") if dash == "-" else st.size * 0.9
            bar = max(2, st.size * 0.22)
            w = 2 * bar + 2 * pad + 2 * digit + middle + slant
            c.para(x, 0, w, h, slant, st.accent)
            c.para(x + pad * 0.4, 0, bar, h, slant, st.dark, 255)
            c.shape("bar_left", (x + pad * 0.4, 0, x + pad * 0.4 + bar + slant + 1, h))
            c.para(x + w - pad * 0.4 - bar, 0, bar, h, slant, st.dark, 255)
            c.shape("bar_right", (x + w - pad * 0.4 - bar, 0, x + w - pad * 0.4 + slant + 1, h))
            baseline = round(h / 2 - sum(_ink_span(bold, "0")) / 2)
            at = x + (w + slant) / 2 - (2 * digit + middle) / 2
            at += c.text(at, baseline, str(state.home), bold, st.ink_dark, "home_digit")
            if dash == "-":
                c.text(at + _length(bold, " "), baseline, "-", bold, st.ink_dark, "separator")
            else:
                sep = max(1.5, st.size * 0.1)
                mid = at + middle / 2 - sep / 2 - slant * 0.3
                c.para(mid, h * 0.2, sep, h * 0.6, slant * 0.6, st.ink_dark, 255)
                c.shape("separator", (mid, h * 0.2, mid + sep + slant * 0.6 + 1, h * 0.8))
            c.text(at + middle, baseline, str(state.away), bold, st.ink_dark, "away_digit")
            x += w + g
        team = state.home_team if side == "home" else state.away_team
        c.para(x, 0, team_w + slant, h, slant, st.dark)
        c.centred(x + slant / 2, 0, x + slant / 2 + team_w + slant, h, team, font, st.ink, f"{side}_team")
        x += team_w + slant
    if state.clock_s is not None:
        x += 3 * g + st.size * 0.3
        clock = clock_text(state.clock_s)
        w = _length(font, clock) + 2 * pad + slant
        c.para(x, 0, w, h, slant, st.opt("clock_fill"))
        c.centred(x + slant / 2, 0, x + slant / 2 + w, h, clock, font, st.ink, "clock")
        _added(c, st, state, x + w + slant + g, 0, h, st.accent, st.ink_dark)


def draw_clock_right_live(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``HOM 1-0 AWY | 12:34`` with a ``LIVE`` tag and a channel's name above or left: not the score."""
    h, pad, g = st.box_h, st.pad, st.gap
    font, small = st.font(True), st.font(True, 0.7)
    tag_h = round(h * 0.75)
    above = st.opt("tags_above", True)
    y = tag_h + g if above else 0
    ty = 0 if above else (h - tag_h) / 2
    x_tag = c.cell(0, ty, "LIVE", small, (255, 255, 255), (220, 20, 30), "live", h=tag_h, pad=pad * 0.7)
    x_chan = c.cell(x_tag + g, ty, st.opt("channel"), small, st.ink, st.dark, "channel", h=tag_h, pad=pad * 0.7)
    x = 0.0 if above else x_chan + 2 * g
    score = f"{state.home}-{state.away}"
    w = 2 * pad + _length(font, state.home_team) + _length(font, state.away_team) + _length(font, score)
    w += 2 * st.size * 0.6
    c.rect(x, y, x + w, y + h, st.dark)
    baseline = round(y + h / 2 - sum(_ink_span(font, "0")) / 2)
    at = x + pad
    at += c.text(at, baseline, state.home_team, font, st.ink, "home_team") + st.size * 0.6
    at += c.text(at, baseline, str(state.home), font, st.ink, "home_digit")
    at += c.text(at, baseline, "-", font, st.ink, "separator")
    at += c.text(at, baseline, str(state.away), font, st.ink, "away_digit") + st.size * 0.6
    c.text(at, baseline, state.away_team, font, st.ink, "away_team")
    x += w + g
    if state.clock_s is not None:
        x = c.cell(x, y, clock_text(state.clock_s), st.font(), st.ink_dark, st.light, "clock")
        _added(c, st, state, x + g, y, h, st.accent, (255, 255, 255))


def draw_stacked(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``LIV 2`` over ``AST 0``, one team a row with its score at the row's right; the clock beside
    with the half (``1st``/``2nd``) under it."""
    row = round(st.size * 1.4)
    g, pad = st.gap, st.pad
    font, bold = st.font(), st.font(True)
    clock_w = 0.0
    x = 0.0
    clock_left = st.opt("clock_left", False)
    if state.clock_s is not None:
        clock = clock_text(state.clock_s)
        clock_w = _length(font, clock) + 2 * pad
    team_w = max(_length(font, state.home_team), _length(font, state.away_team)) + 2 * pad
    digit_w = row * 1.0
    strip = max(2, st.size * 0.25)
    row_w = strip + team_w + digit_w
    if clock_left and clock_w:
        x = clock_w + g
    for k, side in enumerate(("home", "away")):
        y = k * (row + g)
        team = state.home_team if side == "home" else state.away_team
        c.rect(x, y, x + strip, y + row, st.home_colour if side == "home" else st.away_colour, 255)
        c.cell(x + strip, y, team, font, st.ink, st.dark, f"{side}_team", min_w=team_w, h=row)
        score = state.home if side == "home" else state.away
        c.cell(x + strip + team_w, y, str(score), bold, st.ink_dark, st.light, f"{side}_digit", min_w=digit_w, h=row)
    if state.clock_s is not None:
        cx = 0.0 if clock_left else x + row_w + g
        total = 2 * row + g
        c.rect(cx, 0, cx + clock_w, total, st.dark)
        c.centred(cx, 0, cx + clock_w, row, clock, font, st.ink, "clock")
        small = st.font(scale=0.75)
        label = half_text(state.half, st.opt("half", "en"))
        if state.added_min:
            lw = _length(small, label) + st.size * 0.4
            aw = _length(small, f"+{state.added_min}")
            start = cx + clock_w / 2 - (lw + aw) / 2
            base = round(row + g + row / 2 - sum(_ink_span(small, "0")) / 2)
            c.text(start, base, label, small, st.ink, "half")
            c.text(start + lw, base, f"+{state.added_min}", small, st.accent, "added")
        else:
            c.centred(cx, row + g, cx + clock_w, total, label, small, st.ink, "half")


def draw_ball_between(c: _Canvas, st: BugStyle, state: BugState) -> None:
    """``RMA 1 ● 0 BAR``: a drawn ball between the digits, the clock in its own box."""
    h, pad, g = st.box_h, st.pad, st.gap
    font, bold = st.font(), st.font(True)
    clock_right = st.opt("clock_right", False)
    x = 0.0
    if state.clock_s is not None and not clock_right:
        x = c.cell(0, 0, clock_text(state.clock_s), font, st.ink_dark, st.light, "clock")
        x = _added(c, st, state, x, 0, h, st.accent, st.ink_dark) + g
    r = st.size * 0.42
    space = st.size * 0.45
    parts = [state.home_team, str(state.home), str(state.away), state.away_team]
    w = 2 * pad + _length(font, parts[0]) + _length(font, parts[3]) + _length(bold, parts[1] + parts[2])
    w += 4 * space + 2 * r
    c.rect(x, 0, x + w, h, st.dark)
    baseline = round(h / 2 - sum(_ink_span(font, "0")) / 2)
    at = x + pad
    at += c.text(at, baseline, state.home_team, font, st.ink, "home_team") + space
    at += c.text(at, baseline, str(state.home), bold, st.ink, "home_digit") + space
    cx, cy = at + r, h / 2
    c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 250, 250, 255), outline=(30, 30, 30, 255))
    pent = [(cx + 0.45 * r * math.sin(a), cy - 0.45 * r * math.cos(a)) for a in (2 * math.pi * k / 5 for k in range(5))]
    c.poly(pent, (30, 30, 30), 255)
    c.shape("ball", (cx - r, cy - r, cx + r + 1, cy + r + 1))
    at += 2 * r + space
    at += c.text(at, baseline, str(state.away), bold, st.ink, "away_digit") + space
    c.text(at, baseline, state.away_team, font, st.ink, "away_team")
    x += w
    if state.clock_s is not None and clock_right:
        x = c.cell(x + g, 0, clock_text(state.clock_s), font, st.ink_dark, st.light, "clock")
        _added(c, st, state, x, 0, h, st.accent, st.ink_dark)


def _options_run(rng: np.random.Generator) -> dict[str, Any]:
    return {"bold": bool(rng.random() < 0.7), "pad": float(rng.uniform(0.25, 0.5)), "strip": bool(rng.random() < 0.5)}


def _options_clock_first(rng: np.random.Generator) -> dict[str, Any]:
    return {**_options_run(rng), "half": bool(rng.random() < 0.5)}


def _options_boxed_digits(rng: np.random.Generator) -> dict[str, Any]:
    pick = _picker(rng)
    return {"flag": bool(rng.random() < 0.85), "flag_colours": (pick(TEAM_COLOURS), pick(ACCENTS))}


BUG_FAMILIES: dict[str, BugFamily] = {
    family.name: family
    for family in (
        BugFamily(
            "sky",
            "Sky Sports 2014 (the Arsenal clips): one dark box top left, `ARL 1-0 AND 28:03`",
            draw_sky,
            options=_options_run,
        ),
        BugFamily(
            "clock-first",
            "a clock-first lower bug: `12:34  RED 1 - 0 BLU` centred low, spaced dash",
            draw_clock_first,
            anchors=("bottom-centre", "bottom-left"),
            options=_options_clock_first,
        ),
        BugFamily(
            "boxed-digits",
            "LaLiga world feed: `04:42 | RMA | 0 | 0 | SEV` and a flag, each digit boxed, no dash",
            draw_boxed_digits,
            faces=("sans", "condensed"),
            options=_options_boxed_digits,
        ),
        BugFamily(
            "cup-aggregate",
            "UEFA Champions League: white clock box with a round logo, `KRA  1  1  OLY`, the aggregate `(1-5)`",
            draw_cup_aggregate,
            faces=("sans", "condensed"),
            options=lambda rng: {"blue": _pick(rng, BLUES), "spacing": float(rng.uniform(1, 1.6))},
        ),
        BugFamily(
            "two-rows",
            "Japanese TV: `前半 日本 0-0 タジキスタン` over the clock `0:08`, shown only after a few seconds",
            draw_two_rows,
            faces=("sans", "condensed"),
            appears_after_s=(5.0, 10.0),
            japanese=True,
        ),
        BugFamily(
            "boxed-bar",
            "BBC Match of the Day: `BBC | LIV | 2|0 | AST`, a thin bar between the digits, no clock, leader in bold",
            draw_boxed_bar,
            shows_clock=False,
            faces=("sans", "condensed"),
            options=lambda rng: {
                "logo": _pick(rng, LOGO_LETTERS),
                "logo_colour": _pick(rng, ((250, 210, 0), (250, 250, 250), (0, 200, 220))),
            },
        ),
        BugFamily(
            "slanted",
            "slanted bars around the score, `JUV ╱0 - 0╱ INT` (issue 29 saw one read as 10-0), the clock right",
            draw_slanted,
            options=lambda rng: {
                "separator": _pick(rng, ("-", "bar")),
                "clock_fill": _pick(rng, DARKS),
            },
        ),
        BugFamily(
            "clock-right-live",
            "a streaming feed: teams and score, the clock in its own box right, `LIVE` and a channel name",
            draw_clock_right_live,
            anchors=("top-left", "top-right"),
            options=lambda rng: {
                "tags_above": bool(rng.random() < 0.6),
                "channel": _pick(rng, CHANNELS),
            },
        ),
        BugFamily(
            "stacked",
            "a two-row table: `LIV 2` over `AST 0`, the clock beside with `1st`/`2nd` under it",
            draw_stacked,
            anchors=("top-left", "top-right"),
            options=lambda rng: {"clock_left": bool(rng.random() < 0.4), "half": _pick(rng, ("en", "H"))},
        ),
        BugFamily(
            "ball-between",
            "a ball logo between the digits: `RMA 1 ● 0 BAR`, the clock boxed left or right",
            draw_ball_between,
            options=lambda rng: {"clock_right": bool(rng.random() < 0.5)},
        ),
    )
}
"""Every layout family by name (``SynthConfig.score_bug`` takes these and ``none``/``top``/``bottom``)."""

BUG_NAMES = tuple(BUG_FAMILIES)


def family_of(name: str | BugFamily) -> BugFamily:
    if isinstance(name, BugFamily):
        return name
    key = LEGACY_LAYOUTS.get(name, name)
    if key not in BUG_FAMILIES:
        from soccer_highlights.errors import ConfigError

        raise ConfigError(f"unknown score bug layout {name!r}; choose one of {', '.join(BUG_NAMES)}")
    return BUG_FAMILIES[key]


def classic_style(layout: str, width: int, height: int) -> BugStyle:
    """The look of the first synthetic bug (``top``/``bottom``): white DejaVu Sans Bold on navy,
    at the same places, unchanged so that what was measured on it still holds."""
    top = layout in ("top", "sky")
    return BugStyle(
        width=width,
        height=height,
        size=max(9, round(height * 0.045)),
        face="sans",
        dark=(16, 20, 48),
        light=LIGHTS[0],
        ink=(255, 255, 255),
        accent=ACCENTS[0],
        home_colour=TEAM_COLOURS[0],
        away_colour=TEAM_COLOURS[1],
        anchor="top-left" if top else "bottom-centre",
        margin=(round(0.03 * width), round(0.04 * height)) if top else (0, round(0.05 * height)),
        options=(("classic", True),),
    )


def draw_bug(family: str | BugFamily, style: BugStyle, state: BugState) -> RenderedBug:
    """Draw ``state`` in ``family``'s layout with ``style``: the patch, its place and its parts.
    A bug too big for the picture is drawn again smaller (a broadcaster's bug always fits)."""
    import numpy as np

    fam = family_of(family)
    max_w, max_h = style.width - 2 * style.margin[0], style.height // 2
    small = True  # most bugs fit a canvas a quarter of the picture's: cheaper, drawn once a second
    while True:
        room = 8 * style.size
        size = (style.width // 2 + room, style.height // 4 + room) if small else (style.width + room, max_h + room)
        c = _Canvas(*size, style)
        # the families draw from (0, 0); a margin of the canvas catches slants and logos leaning left
        origin = 2 * style.size
        c.draw = _Shifted(c.draw, origin)
        fam.draw(c, style, state)
        bbox = c.img.getbbox()
        if bbox is None:
            raise ValueError(f"the {fam.name} bug drew nothing for {state}")
        if small and (bbox[2] >= size[0] or bbox[3] >= size[1]):
            small = False
            continue
        too_big = bbox[2] - bbox[0] > max_w or bbox[3] - bbox[1] > max_h
        if not too_big or style.size <= 6:
            break
        style = replace(style, size=max(6, math.floor(style.size * 0.88)))
    patch = np.asarray(c.img.crop(bbox))
    ph, pw = patch.shape[:2]
    mx, my = style.margin
    x = {"left": mx, "right": style.width - pw - mx, "centre": (style.width - pw) // 2}[style.anchor.split("-")[1]]
    y = my if style.anchor.startswith("top") else style.height - ph - my
    x, y = max(0, x), max(0, y)
    dx, dy = x - bbox[0] + origin, y - bbox[1] + origin
    parts = {name: Part(_clip(_move(p.box, dx, dy), style.width, style.height), p.text) for name, p in c.parts.items()}
    return RenderedBug(fam.name, patch, (x, y), parts, style)


def render_bug(
    family: str | BugFamily, width: int, height: int, state: BugState, rng: np.random.Generator
) -> RenderedBug:
    """A bug of ``family`` for ``state`` at a picture size, its look drawn from ``rng`` (the same
    seed gives the same pixels). A video draws its style once (:meth:`BugFamily.style`) and calls
    :func:`draw_bug` per state."""
    fam = family_of(family)
    return draw_bug(fam, fam.style(width, height, rng), state)


def _move(box: Box, dx: int, dy: int) -> Box:
    return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy


def _clip(box: Box, width: int, height: int) -> Box:
    return max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])


class _Shifted:
    """An ``ImageDraw`` whose every coordinate is moved by ``origin`` (the families draw from 0, 0
    onto a canvas with room around); the boxes it reports are in the families' own coordinates."""

    def __init__(self, draw: Any, origin: int):
        self._draw, self._o = draw, origin

    def _xy(self, xy: Any) -> Any:
        o = self._o
        if isinstance(xy[0], (tuple, list)):
            return [(px + o, py + o) for px, py in xy]
        return type(xy)(v + o for v in xy)

    def rectangle(self, xy: Any, **kw: Any) -> None:
        self._draw.rectangle(self._xy(xy), **kw)

    def polygon(self, xy: Any, **kw: Any) -> None:
        self._draw.polygon(self._xy(xy), **kw)

    def ellipse(self, xy: Any, **kw: Any) -> None:
        self._draw.ellipse(self._xy(xy), **kw)

    def text(self, xy: Any, *args: Any, **kw: Any) -> None:
        self._draw.text(self._xy(xy), *args, **kw)

    def textbbox(self, xy: Any, *args: Any, **kw: Any) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self._draw.textbbox(self._xy(xy), *args, **kw)
        o = self._o
        return x0 - o, y0 - o, x1 - o, y1 - o


def describe() -> Mapping[str, str]:
    """Each family's name and the real kind of bug it is drawn like (for help and docs)."""
    return {name: family.mirrors for name, family in BUG_FAMILIES.items()}
