"""The QR-code-looking picture printed on a pré-demande's confirmation and récapitulatif."""

from __future__ import annotations

import hashlib


def qr_svg(numero: str) -> str:
    """A QR-code-looking picture drawn from the number.

    It is NOT a scannable QR code (no encoding, no error correction): three finder squares and
    modules taken from a hash of the number, enough to look like the real récapitulatif and to
    differ from one pré-demande to the next.
    """
    size, quiet = 25, 2
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha256(numero.encode()).digest() * 3)
    finders = [(0, 0), (size - 7, 0), (0, size - 7)]

    def in_finder(x: int, y: int) -> bool | None:
        for fx, fy in finders:
            if fx - 1 <= x <= fx + 7 and fy - 1 <= y <= fy + 7:
                dx, dy = x - fx, y - fy
                if not (0 <= dx <= 6 and 0 <= dy <= 6):
                    return False
                return max(abs(dx - 3), abs(dy - 3)) != 2
        return None

    squares = []
    for y in range(size):
        for x in range(size):
            dark = in_finder(x, y)
            if dark is None:
                dark = bits[y * size + x] == "1"
            if dark:
                squares.append(f'<rect x="{x + quiet}" y="{y + quiet}" width="1" height="1"/>')
    side = size + 2 * quiet
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="200" height="200" '
        f'shape-rendering="crispEdges" role="img" aria-label="QR code de la pré-demande {numero}">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><g fill="#000">{"".join(squares)}</g></svg>'
    )
