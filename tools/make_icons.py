"""Render resources/icons/app.svg to app.png and a multi-size app.ico (run after editing the SVG).

Windows wants an .ico for the executable and the taskbar; keeping the SVG as the one source and
generating the rest with Qt (already a dependency) avoids an image toolchain. ICO entries are stored
PNG-compressed, which Windows accepts at every size since Vista.

    python tools/make_icons.py            # regenerate both files
    python tools/make_icons.py --check    # exit 1 if the committed files are missing or not valid
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 256)
PNG_SIZE = 256
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent size x size canvas, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not encode a {size}px PNG")
    buffer.close()
    return bytes(data.data())


def ico_container(pngs: dict[int, bytes]) -> bytes:
    """An ICO file (ICONDIR + one ICONDIRENTRY per size) holding PNG-compressed images."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = [], []
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in the one-byte width/height fields
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset))
        blobs.append(png)
        offset += len(png)
    return header + b"".join(entries) + b"".join(blobs)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def read_ico(data: bytes) -> dict[int, bytes]:
    """Size -> image bytes of an ICO file; raises ValueError if the container is malformed."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError("not an icon file")
    images = {}
    for index in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        if offset + length > len(data):
            raise ValueError(f"entry {index} points past the end of the file")
        images[width or 256] = data[offset:offset + length]
        if (height or 256) != (width or 256):
            raise ValueError(f"entry {index} is not square")
    return images


def check(icons: Path) -> list[str]:
    """Problems with the generated files (empty when they are present and consistent)."""
    problems = []
    try:
        images = read_ico((icons / "app.ico").read_bytes())
        if sorted(images) != list(ICO_SIZES):
            problems.append(f"app.ico has sizes {sorted(images)}, expected {list(ICO_SIZES)}")
        for size, png in images.items():
            if png_size(png) != (size, size):
                problems.append(f"app.ico entry {size} holds a {png_size(png)} image")
    except (OSError, ValueError, struct.error) as exc:
        problems.append(f"app.ico: {exc}")
    try:
        if png_size((icons / "app.png").read_bytes()) != (PNG_SIZE, PNG_SIZE):
            problems.append(f"app.png is not {PNG_SIZE}x{PNG_SIZE}")
    except (OSError, ValueError, struct.error) as exc:
        problems.append(f"app.png: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icons", type=Path, default=ICONS, help="folder holding app.svg (default: resources/icons)")
    parser.add_argument("--check", action="store_true", help="only validate the generated files")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.icons)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    svg = args.icons / "app.svg"
    pngs = {size: render_png(svg, size) for size in ICO_SIZES}
    (args.icons / "app.ico").write_bytes(ico_container(pngs))
    (args.icons / "app.png").write_bytes(pngs[PNG_SIZE])
    print(f"wrote {args.icons / 'app.ico'} ({', '.join(map(str, ICO_SIZES))} px) and {args.icons / 'app.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
