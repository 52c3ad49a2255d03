"""Shapes with areas."""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["Shape", "Circle", "total_area"]

UNIT = 1.0


class Shape(ABC):
    @abstractmethod
    def area(self) -> float: ...

    def describe(self) -> str:
        return f"{type(self).__name__} with area {self.area():.2f}"


@dataclass(frozen=True)
class Circle(Shape):
    radius: float = UNIT
    tags: list[str] = field(default_factory=list)

    def area(self) -> float:
        return math.pi * self.radius ** 2

    @classmethod
    def unit(cls) -> "Circle":
        return cls(UNIT)

    @property
    def diameter(self):
        return 2 * self.radius


class Square(Shape):
    def __init__(self, side):
        super().__init__()
        self.side = side

    def area(self):
        return self.side * self.side


def total_area(shapes: Iterable[Shape], registry: Registry | None = None) -> float:
    total = sum(s.area() for s in shapes if s is not None)
    if (count := len(list(shapes))) > 0 and registry:
        registry.record(total / count)
    return total


async def fetch_all(urls):
    results = [await fetch(u) async for u in urls]
    return {u: r for u, r in zip(urls, results)}


def outer():
    counter = 0

    def inner():
        nonlocal counter
        counter += 1
        return lambda x=counter: x * 2

    return inner


def dispatch(command):
    match command:
        case {"op": "add", "args": [a, b]}:
            return a + b
        case Circle(radius=r) if r > 0:
            return r
        case _:
            raise ValueError(f"unknown {command!r}")
