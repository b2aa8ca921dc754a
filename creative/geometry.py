"""Boxes in pixels: where things sit on a canvas (x, y from the top-left; w, h in pixels)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def inside(self, other: "Box") -> bool:
        return self.x >= other.x and self.y >= other.y and self.right <= other.right and self.bottom <= other.bottom

    def to_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]

    @classmethod
    def of(cls, value: "Box | list | dict | None") -> "Box | None":
        if value is None or isinstance(value, Box):
            return value
        if isinstance(value, dict):
            return cls(**value)
        return cls(*(int(v) for v in value))


def fit_box(region: Box, aspect: float, *, fill: float = 1.0, anchor: str = "center") -> Box:
    """The largest box of this aspect (w / h) inside `region`, scaled by `fill`, centred, or
    for anchor="low" a little below centre (a product stands on the floor, but a wide one at
    the very bottom of a tall region leaves a hole above it)."""
    w = min(region.w, region.h * aspect) * fill
    h = w / aspect
    x = region.x + (region.w - w) / 2
    y = region.y + (region.h - h) * (0.5 if anchor == "center" else 0.7)
    return Box(round(x), round(y), max(1, round(w)), max(1, round(h)))
