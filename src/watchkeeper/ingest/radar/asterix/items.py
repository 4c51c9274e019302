"""The building blocks of ASTERIX data items, as defined in EUROCONTROL-SPEC-0149 Part 1 (General
Principles, Edition 2.4, §4.3 "Data Item formats"): fixed length, extended length (FX chained parts),
repetitive (REP octet), compound (primary subfield bitmap) and explicit length (LEN octet).

Each item spec is built once at import (bit shifts, masks and sign bits precomputed) and decodes with
``int.from_bytes`` and shifts — no per-bit Python loop. ``decode(buf, pos, end)`` returns the decoded
value and the position after the item; an item that runs past ``end`` raises
``DecodeError(ITEM_OVERRUN)``, a compound subfield the spec does not define raises
``DecodeError(UNDEFINED_ITEM)`` (the rest of the record cannot be framed).

Values are plain Python: a fixed item is a ``dict`` of field name → value (a scaled ``float`` where the
spec gives a LSB, an ``int`` otherwise, a 4-digit octal ``str`` for Mode codes, upper-case hex for
24-bit addresses, text for 6-bit ICAO characters); repetitive items are lists; explicit items are bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from watchkeeper.core.errors import DecodeError, RejectReason

Kind = Literal["uint", "octal", "hex", "icao6"]

# ICAO Annex 10 Vol IV 6-bit character set (IA-5 subset) used by Target Identification items.
_ICAO6 = "".join(chr(64 + i) if 1 <= i <= 26 else chr(i) if 48 <= i <= 57 else " " for i in range(64))


def _icao6(value: int, n_chars: int) -> str:
    return "".join(_ICAO6[(value >> (6 * (n_chars - 1 - k))) & 0x3F] for k in range(n_chars))


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a fixed part: bits ``hi``..``lo`` (1 = least significant bit of the part, as the
    spec numbers them), an optional LSB ``scale`` (the value is then ``raw * scale`` in ``unit``),
    two's complement when ``signed``. ``label`` is the spec's wording of the field."""

    name: str
    hi: int
    lo: int
    label: str = ""
    scale: float | None = None
    signed: bool = False
    kind: Kind = "uint"
    unit: str = ""


def F(
    name: str,
    hi: int,
    lo: int | None = None,
    label: str = "",
    scale: float | None = None,
    signed: bool = False,
    kind: Kind = "uint",
    unit: str = "",
) -> Field:
    return Field(name, hi, hi if lo is None else lo, label or name, scale, signed, kind, unit)


Value = Any  # dict[str, Any] | list[Any] | bytes — decoded item values are plain data


class ItemSpec(Protocol):
    def decode(self, buf: bytes, pos: int, end: int) -> tuple[Value, int]: ...


def _overrun(what: str, pos: int, need: int, end: int) -> DecodeError:
    return DecodeError(RejectReason.ITEM_OVERRUN, f"{what}: needs {need} octets at {pos}, {end - pos} left")


Plan = tuple[tuple[str, int, int, int, Callable[[int], Any] | None], ...]


def _plan(fields: tuple[Field, ...]) -> Plan:
    steps = []
    for f in fields:
        width = f.hi - f.lo + 1
        conv: Callable[[int], Any] | None
        if f.kind == "octal":
            conv = "{:04o}".format
        elif f.kind == "hex":
            digits = (width + 3) // 4
            conv = ("{:0" + str(digits) + "X}").format
        elif f.kind == "icao6":
            n = width // 6
            conv = lambda v, n=n: _icao6(v, n)  # noqa: E731
        elif f.scale is not None:
            conv = f.scale.__mul__
        else:
            conv = None
        sign_bit = 1 << (width - 1) if f.signed else 0
        steps.append((f.name, f.lo - 1, (1 << width) - 1, sign_bit, conv))
    return tuple(steps)


def _apply(plan: Plan, v: int, out: dict[str, Any]) -> None:
    for name, shift, mask, sign_bit, conv in plan:
        x = (v >> shift) & mask
        if sign_bit and x & sign_bit:
            x -= sign_bit << 1
        out[name] = conv(x) if conv is not None else x


class Fixed:
    """Fixed-length item of ``length`` octets (Part 1 §4.3.2). No fields: the value is its hex text."""

    __slots__ = ("_plan", "fields", "length", "name")

    def __init__(self, length: int, *fields: Field, name: str = "") -> None:
        self.length = length
        self.fields = fields
        self._plan = _plan(fields)
        self.name = name

    def decode(self, buf: bytes, pos: int, end: int) -> tuple[Value, int]:
        stop = pos + self.length
        if stop > end:
            raise _overrun(self.name or "fixed item", pos, self.length, end)
        if not self._plan:
            return {"hex": buf[pos:stop].hex().upper()}, stop
        out: dict[str, Any] = {}
        _apply(self._plan, int.from_bytes(buf[pos:stop], "big"), out)
        return out, stop


class Extended:
    """Extended-length item (Part 1 §4.3.3): parts chained by the FX bit (bit 1 of each part's last
    octet). Parts past those defined are kept as raw integers ``ext<N>`` so the record still frames."""

    __slots__ = ("_plans", "name", "parts")

    def __init__(self, *parts: Fixed, name: str = "") -> None:
        self.parts = parts
        self._plans = tuple((p.length, _plan(p.fields)) for p in parts)
        self.name = name

    def decode(self, buf: bytes, pos: int, end: int) -> tuple[Value, int]:
        out: dict[str, Any] = {}
        k = 0
        plans = self._plans
        while True:
            length, plan = plans[k] if k < len(plans) else (plans[-1][0], ())
            stop = pos + length
            if stop > end:
                raise _overrun(self.name or "extended item", pos, length, end)
            v = int.from_bytes(buf[pos:stop], "big")
            if plan:
                _apply(plan, v, out)
            else:
                out[f"ext{k + 1}"] = v >> 1
            pos = stop
            k += 1
            if not v & 1:
                return out, pos


class Repetitive:
    """Repetitive item (Part 1 §4.3.4): a REP octet, then REP copies of one fixed element."""

    __slots__ = ("element", "name")

    def __init__(self, element: Fixed, name: str = "") -> None:
        self.element = element
        self.name = name

    def decode(self, buf: bytes, pos: int, end: int) -> tuple[Value, int]:
        if pos >= end:
            raise _overrun(self.name or "repetitive item", pos, 1, end)
        rep = buf[pos]
        pos += 1
        need = rep * self.element.length
        if pos + need > end:
            raise _overrun(self.name or "repetitive item", pos, need, end)
        out = []
        for _ in range(rep):
            value, pos = self.element.decode(buf, pos, end)
            out.append(value)
        return out, pos


class Explicit:
    """Explicit-length item (Part 1 §4.3.5: SP and RE fields): a LEN octet counting itself."""

    __slots__ = ("name",)

    def __init__(self, name: str = "") -> None:
        self.name = name

    def decode(self, buf: bytes, pos: int, end: int) -> tuple[Value, int]:
        if pos >= end:
            raise _overrun(self.name or "explicit item", pos, 1, end)
        length = buf[pos]
        if length < 1:
            raise DecodeError(RejectReason.BAD_LENGTH, f"{self.name or 'explicit item'}: LEN 0")
        if pos + length > end:
            raise _overrun(self.name or "explicit item", pos, length, end)
        return buf[pos + 1 : pos + length], pos + length


class Compound:
    """Compound item (Part 1 §4.3.6): a primary subfield whose bits 8..2 (FX-chained) say which
    subfields follow, in order. ``subfields`` lists (name, spec) per primary bit; ``None`` marks a
    spare bit."""

    __slots__ = ("name", "subfields")

    def __init__(self, *subfields: tuple[str, ItemSpec] | None, name: str = "") -> None:
        self.subfields = subfields
        self.name = name

    def decode(self, buf: bytes, pos: int, end: int) -> tuple[Value, int]:
        present: list[int] = []
        octet = 0
        while True:
            if pos >= end:
                raise _overrun(self.name or "compound item", pos, 1, end)
            b = buf[pos]
            pos += 1
            for j in _SET_BITS[b]:
                present.append(octet * 7 + j)
            octet += 1
            if not b & 1:
                break
        out: dict[str, Any] = {}
        subs = self.subfields
        for idx in present:
            sub = subs[idx] if idx < len(subs) else None
            if sub is None:
                raise DecodeError(
                    RejectReason.UNDEFINED_ITEM,
                    f"{self.name or 'compound item'}: subfield {idx + 1} undefined",
                )
            name, spec = sub
            out[name], pos = spec.decode(buf, pos, end)
        return out, pos


# For each octet value, the indices (0..6) of its set bits 8..2 — shared by FSPEC and compound parsing.
_SET_BITS: tuple[tuple[int, ...], ...] = tuple(
    tuple(j for j in range(7) if b & (0x80 >> j)) for b in range(256)
)
SET_BITS = _SET_BITS


def mode_s_mb() -> Repetitive:
    """Mode S MB data (e.g. I048/250, I010/250): REP × (56-bit MB message, BDS1, BDS2). The Comm-B
    registers are aircraft data, kept undecoded as hex: a maritime picture does not use them."""
    return Repetitive(
        Fixed(8, F("MBDATA", 64, 9, kind="hex"), F("BDS1", 8, 5), F("BDS2", 4, 1)), name="Mode S MB"
    )


def sac_sic() -> Fixed:
    """Data Source Identifier (I010 of every category): System Area Code, System Identification Code."""
    return Fixed(2, F("SAC", 16, 9, "System Area Code"), F("SIC", 8, 1, "System Identification Code"))
