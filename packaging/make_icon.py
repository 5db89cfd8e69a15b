"""Draw the Windows icon (.ico with 16–256 px images) from resources/icon.svg.

Run by build.spec at build time (the .ico is a build product, never committed):
    QT_QPA_PLATFORM=offscreen python packaging/make_icon.py build/gonghui-desk.ico
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SVG = Path(__file__).resolve().parent.parent / "resources" / "icon.svg"
SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256]


def render_png(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def make_icon(target: Path, svg: Path = SVG) -> Path:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841  (QPainter needs it)
    big = Image.open(io.BytesIO(render_png(svg, 256)))
    target.parent.mkdir(parents=True, exist_ok=True)
    big.save(target, format="ICO", sizes=[(s, s) for s in SIZES])
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build") / "gonghui-desk.ico"
    print(make_icon(out))
