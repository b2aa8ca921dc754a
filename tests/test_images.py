"""Tests for creative.inputs.images.load_image.

Every test image is built here in tmp_path; nothing is shipped.  Bomb tests
use hand-written PNG headers so no huge image is ever allocated by the test.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from creative.inputs.images import (  # noqa: E402
    DEFAULT_MAX_PIXELS,
    CorruptImageError,
    ImageError,
    ImageNotFoundError,
    ImageTooLargeError,
    load_image,
)

RED, GREEN, BLUE, WHITE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)


# --- helpers ----------------------------------------------------------------


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _png(width: int, height: int, idat: bytes, *, bit_depth: int = 8, color_type: int = 0,
         extra: bytes = b"") -> bytes:
    """A hand-made PNG, for what Pillow cannot write (16-bit RGB, lying headers)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + extra
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


def _blank_1bit_png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG; compresses to a few KB at any size."""
    row = bytes(1 + (width + 7) // 8)
    z = zlib.compressobj(9)
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return _png(width, height, data, bit_depth=1)


def _garbage_png(width: int, height: int) -> bytes:
    """Valid header, undecodable pixels: loading it only fails if we decode."""
    return _png(width, height, b"not zlib data at all", bit_depth=1)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _close(actual, expected, tol: int = 0) -> bool:
    return all(abs(a - e) <= tol for a, e in zip(actual, expected))


# --- every mode becomes 8-bit RGB with the right pixels ---------------------


def _case_1():
    im = Image.new("1", (4, 3), 0)
    im.putpixel((1, 1), 1)
    return im, "png", {(0, 0): BLACK, (1, 1): WHITE}, 0


def _case_l():
    im = Image.new("L", (4, 3), 100)
    return im, "png", {(0, 0): (100, 100, 100)}, 0


def _case_p():
    im = Image.new("P", (4, 3), 1)
    im.putpalette([0, 0, 0, 10, 20, 30] + [0] * 762)
    im.putpixel((2, 2), 0)
    return im, "png", {(0, 0): (10, 20, 30), (2, 2): BLACK}, 0


def _case_p_transparent():
    im = Image.new("P", (4, 3), 1)
    im.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    im.putpixel((2, 2), 0)
    im.info["transparency"] = 0
    return im, "png", {(0, 0): BLUE, (2, 2): WHITE}, 0


def _case_la():
    im = Image.new("LA", (4, 3), (0, 128))
    im.putpixel((3, 2), (0, 0))
    im.putpixel((0, 2), (50, 255))
    return im, "png", {(0, 0): (127, 127, 127), (3, 2): WHITE, (0, 2): (50, 50, 50)}, 1


def _case_rgba():
    im = Image.new("RGBA", (4, 3), (0, 0, 0, 128))
    im.putpixel((3, 2), (255, 0, 0, 0))
    im.putpixel((0, 2), (255, 0, 0, 255))
    return im, "png", {(0, 0): (127, 127, 127), (3, 2): WHITE, (0, 2): RED}, 1


def _case_cmyk():
    im = Image.new("CMYK", (4, 3), (0, 255, 255, 0))
    im.putpixel((1, 1), (0, 0, 0, 255))
    return im, "tiff", {(0, 0): RED, (1, 1): BLACK}, 0


def _case_i16():
    im = Image.new("I;16", (4, 3), 65535)
    im.putpixel((1, 1), 32768)
    im.putpixel((2, 2), 0)
    im.putpixel((3, 2), 256)  # clipping would make this white
    return im, "png", {(0, 0): WHITE, (1, 1): (128, 128, 128), (2, 2): BLACK, (3, 2): (1, 1, 1)}, 0


def _case_i16b():
    data = np.array([[65535, 32768], [0, 4096]], dtype=">u2")
    im = Image.frombytes("I;16B", (2, 2), data.tobytes())
    return im, None, {(0, 0): WHITE, (1, 0): (128, 128, 128), (0, 1): BLACK, (1, 1): (16, 16, 16)}, 0


def _case_i():
    im = Image.fromarray(np.array([[65535, 32768, 0]], dtype=np.int32))
    assert im.mode == "I"
    return im, "tiff", {(0, 0): WHITE, (1, 0): (128, 128, 128), (2, 0): BLACK}, 0


def _case_i32():
    im = Image.fromarray(np.array([[2**31 - 1, 2**30, -5]], dtype=np.int32))
    return im, None, {(0, 0): WHITE, (1, 0): (128, 128, 128), (2, 0): BLACK}, 0


def _case_f():
    im = Image.fromarray(np.array([[1.0, 0.5, 0.0, np.nan]], dtype=np.float32))
    assert im.mode == "F"
    return im, "tiff", {(0, 0): WHITE, (1, 0): (128, 128, 128), (2, 0): BLACK, (3, 0): BLACK}, 0


def _case_f_255():
    im = Image.fromarray(np.array([[200.0, 300.0, -1.0]], dtype=np.float32))
    return im, None, {(0, 0): (200, 200, 200), (1, 0): WHITE, (2, 0): BLACK}, 0


def _case_ycbcr():
    im = Image.new("YCbCr", (4, 3), (76, 85, 255))
    return im, None, {(0, 0): RED}, 2


def _case_lab():
    im = Image.new("LAB", (4, 3), (255, 128, 128))
    im.putpixel((1, 1), (0, 128, 128))
    return im, None, {(0, 0): WHITE, (1, 1): BLACK}, 2


def _case_hsv():
    im = Image.new("HSV", (4, 3), (0, 255, 255))
    return im, None, {(0, 0): RED}, 0


MODE_CASES = {
    "1": _case_1, "L": _case_l, "P": _case_p, "P+tRNS": _case_p_transparent,
    "LA": _case_la, "RGBA": _case_rgba, "CMYK": _case_cmyk, "I;16": _case_i16,
    "I;16B": _case_i16b, "I(16-bit data)": _case_i, "I(32-bit data)": _case_i32,
    "F(0..1)": _case_f, "F(0..255)": _case_f_255, "YCbCr": _case_ycbcr,
    "LAB": _case_lab, "HSV": _case_hsv,
}


@pytest.mark.parametrize("case", MODE_CASES.values(), ids=MODE_CASES.keys())
def test_every_mode_becomes_8bit_rgb(tmp_path, case):
    image, fmt, expected, tol = case()
    source = image
    if fmt:
        source = tmp_path / f"img.{fmt}"
        image.save(source)
        with Image.open(source) as reread:  # the file really carries the mode
            assert reread.mode == image.mode or (image.mode, reread.mode) == ("I", "I;16")

    result = load_image(source)

    assert result.mode == "RGB"
    assert result.size == image.size
    for xy, rgb in expected.items():
        assert _close(result.getpixel(xy), rgb, tol), (xy, result.getpixel(xy), rgb)


def test_16bit_rgb_png_as_pillow_opens_it(tmp_path):
    pixels = [(65535, 0, 32768), (0, 65535, 0)]
    row = b"\x00" + b"".join(struct.pack(">HHH", *p) for p in pixels)
    path = _write(tmp_path, "rgb16.png", _png(2, 1, zlib.compress(row), bit_depth=16, color_type=2))

    result = load_image(path)

    assert result.mode == "RGB"
    assert result.getpixel((0, 0)) == (255, 0, 128)
    assert result.getpixel((1, 0)) == GREEN


def test_16bit_grey_png_with_trns(tmp_path):
    row = b"\x00" + struct.pack(">HH", 65535, 1234)
    trns = _chunk(b"tRNS", struct.pack(">H", 1234))
    path = _write(tmp_path, "g16t.png", _png(2, 1, zlib.compress(row), bit_depth=16, extra=trns))

    assert load_image(path).getpixel((1, 0)) == WHITE
    alpha = load_image(path, keep_alpha=True)
    assert alpha.mode == "RGBA"
    assert alpha.getpixel((0, 0)) == (255, 255, 255, 255)
    assert alpha.getpixel((1, 0))[3] == 0


def test_cmyk_icc_profile_not_carried_onto_rgb():
    im = Image.new("CMYK", (2, 2))
    im.info["icc_profile"] = b"a CMYK profile"
    assert "icc_profile" not in load_image(im).info


# --- orientation, animation, alpha ------------------------------------------


def test_exif_orientation_6_rotates(tmp_path):
    im = Image.new("RGB", (40, 20), BLUE)
    im.paste(RED, (0, 0, 8, 8))  # marker in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "phone.jpg"
    im.save(path, exif=exif, quality=95)

    result = load_image(path)

    assert result.size == (20, 40)
    assert _close(result.getpixel((16, 3)), RED, 30)  # now top-right
    assert _close(result.getpixel((3, 3)), BLUE, 30)


@pytest.mark.parametrize("fmt", ["gif", "png"])
def test_animation_yields_first_frame(tmp_path, fmt):
    frames = [Image.new("RGB", (8, 8), c) for c in (RED, GREEN, BLUE)]
    path = tmp_path / f"anim.{fmt}"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(path) as check:
        assert check.n_frames == 3

    result = load_image(path)

    assert result.mode == "RGB"
    assert result.getpixel((4, 4)) == RED


def test_keep_alpha_returns_rgba_for_transparent_images(tmp_path):
    rgba = Image.new("RGBA", (4, 4), (255, 0, 0, 64))
    la = Image.new("LA", (4, 4), (90, 10))
    p = Image.new("P", (4, 4), 0)
    p.putpalette([0, 255, 0] * 256)
    p.info["transparency"] = 0
    p.save(tmp_path / "p.png")

    assert load_image(rgba, keep_alpha=True).getpixel((0, 0)) == (255, 0, 0, 64)
    assert load_image(la, keep_alpha=True).getpixel((0, 0)) == (90, 90, 90, 10)
    p_result = load_image(tmp_path / "p.png", keep_alpha=True)
    assert p_result.mode == "RGBA"
    assert p_result.getpixel((0, 0)) == (0, 255, 0, 0)


def test_keep_alpha_returns_rgb_for_opaque_images():
    assert load_image(Image.new("L", (3, 3), 7), keep_alpha=True).mode == "RGB"
    assert load_image(Image.new("CMYK", (3, 3)), keep_alpha=True).mode == "RGB"


# --- input kinds --------------------------------------------------------------


def test_bytes_input(tmp_path):
    path = tmp_path / "x.png"
    Image.new("RGB", (5, 6), GREEN).save(path)

    result = load_image(path.read_bytes())

    assert result.size == (5, 6)
    assert result.getpixel((0, 0)) == GREEN


def test_str_path_input(tmp_path):
    path = tmp_path / "x.png"
    Image.new("L", (5, 6), 9).save(path)
    assert load_image(str(path)).getpixel((0, 0)) == (9, 9, 9)


def test_pil_input_is_not_mutated():
    original = Image.new("RGBA", (6, 4), (0, 0, 0, 0))
    original.putpixel((0, 0), (255, 0, 0, 255))
    exif = original.getexif()
    exif[0x0112] = 6
    original.info["exif"] = exif.tobytes()
    before = (original.mode, original.size, original.tobytes(), dict(original.info))

    result = load_image(original)

    assert result is not original
    assert result.size == (4, 6)  # rotated copy
    assert result.mode == "RGB"
    assert (original.mode, original.size, original.tobytes(), dict(original.info)) == before
    assert original.getexif()[0x0112] == 6


def test_unsupported_source_type():
    with pytest.raises(TypeError):
        load_image(42)  # type: ignore[arg-type]


# --- unusable inputs ---------------------------------------------------------


def test_missing_file_names_path(tmp_path):
    path = tmp_path / "nope.jpg"
    with pytest.raises(ImageNotFoundError) as info:
        load_image(path)
    assert str(path) in str(info.value)
    assert info.value.source == str(path)


def test_directory_is_an_image_error(tmp_path):
    with pytest.raises(ImageError) as info:
        load_image(tmp_path)
    assert type(info.value) is ImageError
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_truncated_file_is_corrupt(tmp_path, fmt):
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    path = tmp_path / f"cut.{fmt}"
    Image.fromarray(noise).save(path, format=fmt)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(CorruptImageError) as info:
        load_image(path)
    assert "cut." in str(info.value)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_text_file_is_corrupt(tmp_path):
    path = _write(tmp_path, "notes.jpg", b"this is not a jpeg\n")
    with pytest.raises(CorruptImageError, match="notes.jpg"):
        load_image(path)


def test_zero_byte_file_is_corrupt(tmp_path):
    path = _write(tmp_path, "empty.png", b"")
    with pytest.raises(CorruptImageError, match="empty.png"):
        load_image(path)


def test_zero_size_images_are_corrupt(tmp_path):
    with pytest.raises(CorruptImageError):
        load_image(Image.new("RGB", (0, 5)))
    path = _write(tmp_path, "flat.png", _png(0, 10, zlib.compress(b"")))
    with pytest.raises(CorruptImageError):
        load_image(path)


def test_corrupt_bytes_use_placeholder_or_given_name():
    with pytest.raises(CorruptImageError, match="<bytes>"):
        load_image(b"garbage")
    with pytest.raises(CorruptImageError, match="sku-123"):
        load_image(b"garbage", name="sku-123")


def test_errors_pickle_for_worker_processes(tmp_path):
    error = ImageTooLargeError("a.png", "too big")
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is ImageTooLargeError
    assert (clone.source, str(clone)) == ("a.png", str(error))
    assert isinstance(clone, ValueError)


# --- decompression bombs -----------------------------------------------------


def test_bomb_rejected(tmp_path):
    # 400 Mpx declared in a ~50 KB valid file.
    path = _write(tmp_path, "bomb.png", _blank_1bit_png(20_000, 20_000))
    assert path.stat().st_size < 100_000
    with pytest.raises(ImageTooLargeError, match="bomb.png"):
        load_image(path, max_pixels=10_000_000)
    with pytest.raises(ImageTooLargeError):  # even when we allow it, Pillow's hard limit holds
        load_image(path, max_pixels=10**12)


def test_size_is_checked_before_decoding(tmp_path):
    path = _write(tmp_path, "lying.png", _garbage_png(4000, 4000))  # 16 Mpx
    with pytest.raises(ImageTooLargeError, match="4000x4000"):
        load_image(path, max_pixels=10_000_000)
    with pytest.raises(CorruptImageError):  # proof that decoding it would have failed
        load_image(path, max_pixels=20_000_000)


def test_default_limit(tmp_path):
    over = _write(tmp_path, "over.png", _garbage_png(8000, 8000))  # 64 Mpx > 50 Mpx
    with pytest.raises(ImageTooLargeError):
        load_image(over)
    under = _write(tmp_path, "under.png", _blank_1bit_png(7000, 7000))  # 49 Mpx
    assert 7000 * 7000 <= DEFAULT_MAX_PIXELS
    assert load_image(under).size == (7000, 7000)


def test_limit_is_inclusive():
    assert load_image(Image.new("L", (10, 10)), max_pixels=100).size == (10, 10)
    with pytest.raises(ImageTooLargeError):
        load_image(Image.new("L", (10, 11)), max_pixels=100)


def test_pillow_bomb_warning_never_escapes(tmp_path):
    # 90.25 Mpx: above Pillow's warning threshold, below its hard limit.
    path = _write(tmp_path, "warn.png", _garbage_png(9500, 9500))
    max_before = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageTooLargeError):
            load_image(path)  # our default limit fires first
        with pytest.raises(CorruptImageError):
            load_image(path, max_pixels=100_000_000)  # allowed, warning swallowed, then decoded
    assert Image.MAX_IMAGE_PIXELS == max_before


# --- resource handling -------------------------------------------------------


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_file_handle_is_closed_and_image_loaded(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (8, 8), c) for c in (RED, GREEN)]
    frames[0].save(path, save_all=True, append_images=frames[1:])

    result = load_image(path)

    open_files = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            open_files.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    assert str(path) not in open_files
    assert getattr(result, "fp", None) is None
    path.unlink()
    assert result.getpixel((0, 0)) == RED
