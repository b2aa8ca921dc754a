"""The single safe entry point for reading product images.

Supplier feeds contain everything: CMYK JPEGs, 16-bit PNGs, palette GIFs,
phone photos that rely on EXIF rotation, truncated uploads, text files named
``.jpg`` and the occasional decompression bomb.  :func:`load_image` turns all
of that into either a fully decoded 8-bit RGB (or RGBA) image or an
:class:`ImageError`, so nothing downstream ever sees a raw Pillow exception,
an odd mode or an open file handle.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PIL import Image, ImageOps

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "CorruptImageError",
    "ImageError",
    "ImageNotFoundError",
    "ImageTooLargeError",
    "load_image",
]

#: 50 megapixels: well above any real product photo, far below what would
#: exhaust a worker's memory once converted to RGB (~150 MB).
DEFAULT_MAX_PIXELS = 50_000_000

# Everything Pillow is known to raise on malformed input.  Besides OSError
# (which includes UnidentifiedImageError) its decoders surface SyntaxError,
# struct/zlib errors and, on fuzzed files, IndexError/TypeError/KeyError.
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
)

# Grayscale modes wider than 8 bits; Pillow's own convert() clips them at 255
# instead of scaling, which turns almost any 16-bit photo solid white.
_WIDE_MODES = {"I;16": 16, "I;16L": 16, "I;16B": 16, "I;16N": 16, "I": 0, "F": 0}

_WHITE = (255, 255, 255, 255)

# Modes whose embedded ICC profile still describes the RGB(A) pixels we return.
_RGB_MODES = {"RGB", "RGBA", "RGBX", "RGBa", "P", "PA"}


class ImageError(ValueError):
    """Base class: the image could not be used.  ``source`` names where it came from.

    A ValueError so generic "bad input" handlers catch it.  Both fields are
    kept in ``args`` so the error survives pickling into worker processes.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(source, reason)
        self.source = source
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class ImageNotFoundError(ImageError):
    """The path does not exist."""


class CorruptImageError(ImageError):
    """Unreadable, truncated, zero-sized, or not an image at all."""


class ImageTooLargeError(ImageError):
    """Declared size exceeds ``max_pixels`` (decompression-bomb guard)."""


def load_image(
    source: str | os.PathLike[str] | bytes | Image.Image,
    *,
    keep_alpha: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    name: str | None = None,
) -> Image.Image:
    """Load ``source`` as a fully decoded, upright, 8-bit RGB image.

    ``source`` is a path, the encoded file as bytes, or a PIL image (which is
    copied, never modified).  EXIF orientation is applied and animations yield
    their first frame.  Transparent areas are composited onto white, unless
    ``keep_alpha`` is true and the image has transparency, in which case RGBA
    is returned.  ``name`` overrides how the source is named in errors.

    The pixel count is checked against ``max_pixels`` from the header, before
    any pixel data is decoded.  Raises an :class:`ImageError` subclass for
    every problem with the image itself.
    """
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be positive, got {max_pixels!r}")

    if isinstance(source, Image.Image):
        label = name or "<PIL image>"
        with _pillow_errors(label):
            image = _decode(source, label, max_pixels)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        label = name or "<bytes>"
        with _pillow_errors(label), Image.open(io.BytesIO(source)) as opened:
            image = _decode(opened, label, max_pixels)
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        label = name or os.fsdecode(path)
        # Open the file ourselves so the handle is closed deterministically,
        # even for multi-frame formats where Pillow would keep it open.
        with _open_file(path, label) as fp:
            with _pillow_errors(label), Image.open(fp) as opened:
                image = _decode(opened, label, max_pixels)
    else:
        raise TypeError(
            f"load_image() takes a path, bytes or PIL image, not {type(source).__name__}"
        )
    return _to_rgb(image, label, keep_alpha)


def _open_file(path: str | bytes, label: str) -> io.BufferedReader:
    """Open ``path`` for reading, mapping OS errors to ImageError subclasses."""
    if os.path.isdir(path):  # checked first: Windows reports directories as PermissionError
        raise ImageError(label, "is a directory, not an image file")
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise ImageNotFoundError(label, "no such image file") from None
    except OSError as exc:
        raise ImageError(label, f"cannot open image file ({exc.strerror or exc})") from exc


@contextmanager
def _pillow_errors(label: str) -> Iterator[None]:
    """Translate Pillow's exceptions into ours and keep its bomb warning quiet.

    Our own ``max_pixels`` check is the policy; Pillow's DecompressionBombWarning
    is silenced locally (Image.MAX_IMAGE_PIXELS is left alone) and its hard
    DecompressionBombError, which can fire inside ``Image.open`` before we see
    the size, becomes ImageTooLargeError.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            yield
        except ImageError:
            raise
        except Image.DecompressionBombError as exc:
            raise ImageTooLargeError(label, f"exceeds Pillow's size limit ({exc})") from exc
        except _DECODE_ERRORS as exc:
            raise CorruptImageError(
                label, f"unreadable, truncated or not an image ({type(exc).__name__}: {exc})"
            ) from exc


def _decode(image: Image.Image, label: str, max_pixels: int) -> Image.Image:
    """Check the header size, decode every pixel, and return an upright copy."""
    width, height = image.size
    if width <= 0 or height <= 0:
        raise CorruptImageError(label, f"has zero size ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLargeError(
            label, f"{width}x{height} is {width * height:,} pixels, over the limit of {max_pixels:,}"
        )
    # A full decode surfaces truncation now rather than as grey bands later.
    # (This relies on ImageFile.LOAD_TRUNCATED_IMAGES keeping its default False.)
    image.load()
    try:
        return ImageOps.exif_transpose(image)  # always a new image
    except _DECODE_ERRORS:
        # Malformed EXIF is common in supplier photos and the pixels are fine.
        return image.copy()


def _to_rgb(image: Image.Image, label: str, keep_alpha: bool) -> Image.Image:
    """Convert any Pillow mode to RGB, or RGBA when alpha is wanted and present."""
    source_mode = image.mode
    if image.mode in _WIDE_MODES:
        image = _wide_to_8bit(image)
    elif image.mode == "La":  # premultiplied; Pillow cannot convert it directly
        lum, alpha = image.split()
        image = Image.merge("RGBa", (lum, lum, lum, alpha))
    try:
        if not image.has_transparency_data:
            result = image.convert("RGB")  # plain conversion; embedded profiles ignored
        elif keep_alpha:
            result = image.convert("RGBA")  # also resolves P/L/RGB tRNS transparency
        else:
            # Alpha-weighted blend onto white: a 50% black pixel becomes mid grey.
            white = Image.new("RGBA", image.size, _WHITE)
            result = Image.alpha_composite(white, image.convert("RGBA")).convert("RGB")
    except ValueError as exc:
        raise ImageError(label, f"unsupported image mode {image.mode!r}") from exc
    if source_mode not in _RGB_MODES:
        # A CMYK/grey/LAB profile would mislabel our RGB pixels, and Pillow's
        # PNG/JPEG writers embed info["icc_profile"] by default.
        result.info.pop("icc_profile", None)
    return result


def _wide_to_8bit(image: Image.Image) -> Image.Image:
    """Scale 16/32-bit integer or float grayscale to 8-bit "L" (or "LA").

    Integer data is scaled by its bit depth (65535 -> 255, 32768 -> 128).
    Mode "I" carries no depth, so it is taken as 16-bit (how Pillow has long
    stored 16-bit PNG/TIFF data) unless values exceed that range.  Floats in
    0..1 are scaled to 0..255; anything else is taken as already 0..255.
    """
    raw = np.asarray(image)
    values = raw.astype(np.float64)
    if image.mode == "F":
        values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
        scale = 255.0 if values.size and values.max() <= 1.0 else 1.0
    else:
        bits = _WIDE_MODES[image.mode] or (16 if raw.max(initial=0) <= 0xFFFF else 31)
        scale = 255.0 / (2**bits - 1)
    lum = Image.fromarray(np.clip(np.rint(values * scale), 0, 255).astype(np.uint8))

    transparent = image.info.get("transparency")  # 16-bit grey PNG with tRNS
    if isinstance(transparent, int) and image.mode != "F":
        alpha = np.where(raw == transparent, 0, 255).astype(np.uint8)
        return Image.merge("LA", (lum, Image.fromarray(alpha)))
    return lum
