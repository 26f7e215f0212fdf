"""Read the text back out of an fpdf2 PDF, without a PDF library: enough for the minutes tests.

fpdf2 writes each line as a literal string of 2-byte glyph ids (`(...) Tj`) in Flate-compressed content streams and
maps the ids to Unicode in the font's ToUnicode CMap; this reverses both.
"""

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>")
_TJ = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


_DICT_STREAM = re.compile(rb"/Length (\d+)[^>]*>>\s*stream\r?\n")


def _streams(pdf: bytes) -> list[bytes]:
    """Each stream's bytes, read by its /Length (compressed bytes may happen to hold "endstream")."""
    out = []
    for match in _DICT_STREAM.finditer(pdf):
        raw = pdf[match.end() : match.end() + int(match.group(1))]
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    if not out:  # no /Length before the streams: fall back to the delimiters
        for match in _STREAM.finditer(pdf):
            try:
                out.append(zlib.decompress(match.group(1)))
            except zlib.error:
                out.append(match.group(1))
    return out


def _unescape(raw: bytes) -> bytes:
    def one(m: re.Match) -> bytes:
        code = m.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    """All the text shown on the pages, lines joined with newlines."""
    streams = _streams(pdf)
    to_unicode: dict[int, str] = {}
    for stream in streams:
        if b"beginbfchar" in stream or b"beginbfrange" in stream:
            for glyph, uni in _BFCHAR.findall(stream):
                to_unicode[int(glyph, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    lines = []
    for stream in streams:
        for raw in _TJ.findall(stream):
            data = _unescape(raw)
            ids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
            lines.append("".join(to_unicode.get(i, "?") for i in ids))
    return "\n".join(lines)
