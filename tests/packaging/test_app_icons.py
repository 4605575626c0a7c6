"""The committed application icons: a valid multi-size .ico and a 256 px .png, generated from app.svg."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from packaging_scripts import ROOT, load_script

make_icons = load_script("tools/make_icons.py", "make_icons")
ICONS = ROOT / "resources" / "icons"


def test_committed_ico_has_every_size_as_a_matching_png() -> None:
    data = (ICONS / "app.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    images = make_icons.read_ico(data)
    assert sorted(images) == [16, 24, 32, 48, 64, 256]
    for size, png in images.items():
        assert png.startswith(make_icons.PNG_SIGNATURE)
        assert make_icons.png_size(png) == (size, size)


def test_committed_png_is_256_square() -> None:
    assert make_icons.png_size((ICONS / "app.png").read_bytes()) == (256, 256)


def test_check_mode_accepts_committed_icons() -> None:
    assert make_icons.check(ICONS) == []


def test_check_mode_reports_a_truncated_ico(tmp_path: Path) -> None:
    (tmp_path / "app.png").write_bytes((ICONS / "app.png").read_bytes())
    (tmp_path / "app.ico").write_bytes((ICONS / "app.ico").read_bytes()[:200])
    problems = make_icons.check(tmp_path)
    assert problems and "app.ico" in problems[0]


@pytest.mark.gui
def test_generator_renders_svg_to_all_sizes(qapp, tmp_path: Path) -> None:
    (tmp_path / "app.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#c00"/></svg>',
        encoding="utf-8",
    )
    assert make_icons.main(["--icons", str(tmp_path)]) == 0
    assert make_icons.check(tmp_path) == []
    png16 = make_icons.read_ico((tmp_path / "app.ico").read_bytes())[16]
    from PySide6.QtGui import QImage

    image = QImage.fromData(png16, "PNG")
    assert image.width() == 16
    assert image.pixelColor(8, 8).name() == "#cc0000"


def test_ico_container_uses_zero_for_256_pixels() -> None:
    data = make_icons.ico_container({16: b"a" * 5, 256: b"b" * 7})
    first = struct.unpack_from("<BBBBHHII", data, 6)
    second = struct.unpack_from("<BBBBHHII", data, 22)
    assert first[:2] == (16, 16) and first[6:] == (5, 6 + 32)
    assert second[:2] == (0, 0) and second[6:] == (7, 6 + 32 + 5)
