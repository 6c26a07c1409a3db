"""One deflate stream joined from pieces compressed separately, possibly by different builds.

A piece is compressed by a fresh compressor, so it refers to nothing before it, and ended with a full
flush, so it ends on a byte boundary with no final block. So pieces placed one after the other are one
valid raw deflate stream, whichever build made each, and a piece made from the same text is the same
bytes on every build. A build after an
edit then compresses only the pieces whose text changed and copies the others.

A zip entry needs the CRC-32 of the whole uncompressed text. It is combined from the pieces' CRCs
without their text: appending n bytes to a text multiplies its (pre- and post-conditioned) CRC by
x^(8n) modulo the CRC polynomial, over GF(2), before adding the appended bytes' own CRC (zlib's
crc32_combine, which Python's zlib does not offer). Each piece keeps that factor for its own length,
so joining pieces costs one multiplication each.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from generator.hashing import digest

_POLY = 0xEDB88320  # the CRC-32 polynomial, bit-reflected as zlib computes it
_ONE = 1 << 31  # the polynomial 1 (x^0), bit-reflected
END = b"\x03\x00"  # a final, empty block: ends a stream of pieces (what a compressor's flush() gives for no data)


def multiply(a: int, b: int) -> int:
    """a·b modulo the CRC polynomial, both bit-reflected 32-bit polynomials over GF(2)."""
    product = 0
    bit = _ONE
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _squares() -> tuple[int, ...]:
    """x^(2^k) modulo the polynomial for k = 0..63: 64 bits of length in bits are more than any file."""
    found, power = [], _ONE >> 1  # x^1
    for _ in range(64):
        found.append(power)
        power = multiply(power, power)
    return tuple(found)


_SQUARES = _squares()


def shift(length: int) -> int:
    """x^(8·length) modulo the polynomial: what moves a CRC past `length` more bytes."""
    factor, bits, k = _ONE, length << 3, 0
    while bits:
        if bits & 1:
            factor = multiply(_SQUARES[k], factor)
        bits >>= 1
        k += 1
    return factor


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of a text whose first part has CRC `crc1` and second part CRC `crc2` and `length2` bytes."""
    return multiply(shift(length2), crc1) ^ crc2


@dataclass(frozen=True)
class Piece:
    """Part of a deflate stream: its text compressed on its own, with what joining it needs."""

    body: bytes  # raw deflate, ended with a full flush
    crc: int  # of the text
    size: int  # of the text, in bytes
    factor: int  # shift(size), made once with the piece
    made: str  # digest of `body`, made once with the piece (see `hashing.PiecesDigest`)

    @classmethod
    def of(cls, text: bytes, level: int) -> Piece:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        body = packer.compress(text) + packer.flush(zlib.Z_FULL_FLUSH)
        return cls(body, zlib.crc32(text), len(text), shift(len(text)), digest(body))


_END_MADE = digest(END)


@dataclass
class Stream:
    """A deflate stream being joined: its pieces' bodies in order, and the CRC, size and length so far."""

    bodies: list[bytes]
    made: list[str] = field(default_factory=list)  # each body's digest
    crc: int = 0
    size: int = 0  # uncompressed
    length: int = 0  # compressed

    def add(self, piece: Piece) -> None:
        self.bodies.append(piece.body)
        self.made.append(piece.made)
        self.crc = multiply(piece.factor, self.crc) ^ piece.crc
        self.size += piece.size
        self.length += len(piece.body)

    def end(self) -> None:
        """Close the stream with a final empty block; nothing may be added after."""
        self.bodies.append(END)
        self.made.append(_END_MADE)
        self.length += len(END)
