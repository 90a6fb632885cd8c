"""Photos for the pages: sized with Pillow, metadata stripped; SVG photos checked for active content.

A raster photo (JPEG, PNG, GIF, WebP…) becomes the sizes the theme shows:
the page photo in a 160 px box and the index thumbnail in a 64 px box, each
at 1x and 2x for ``srcset``.  ``fit`` keeps the whole photo at its own
ratio; ``crop`` cuts a centred square.  A photo is never enlarged.  The
camera's orientation is applied, colours are converted to sRGB, and nothing
else of the file is kept: no EXIF (GPS included), XMP, ICC profile or
comment.  The same photo and settings give the same bytes.

An SVG photo is published as it is, but only if it is plain drawing: an
element or attribute that can run code, load something or embed another
document (``script``, ``foreignObject``, ``on…`` handlers, links and
references that leave the file, CSS ``@import`` or ``url()``) is refused
with an error naming the file.  The file is parsed with defusedxml, which
refuses entity tricks.  Pure functions: bytes in, bytes or sizes out.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import NamedTuple

from i18nprofiles.errors import ProfileError

PAGE_BOX = 160  # CSS pixels of the photo on a profile page
THUMB_BOX = 64  # CSS pixels of a thumbnail on an index
DENSITIES = (1, 2)
FITS = ("fit", "crop")
JPEG_QUALITY = 85
MAX_PIXELS = 50_000_000  # larger images are refused (a decompression bomb, or not a photo)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Namespaces of editors' bookkeeping (Inkscape, Sodipodi, RDF metadata): inert, allowed.
INERT_NAMESPACES = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
)
SVG_ELEMENTS = frozenset("""
svg g defs symbol use title desc metadata path rect circle ellipse line polyline polygon text tspan textPath
linearGradient radialGradient stop pattern clipPath mask marker filter style image switch
feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap
feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode
feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
""".split())
LOCAL_REF = re.compile(r"#[\w.:-]*")
RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
CSS_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.I)


class Size(NamedTuple):
    width: int
    height: int


class Variant(NamedTuple):
    """One file of a photo: its output name and pixel size, for a box at a density."""

    name: str
    size: Size
    density: int


@dataclass(frozen=True)
class Photo:
    """What a page shows of a local photo: the files of the page size and of the thumbnail."""

    page: tuple[Variant, ...]  # 1x first
    thumb: tuple[Variant, ...]
    raster: bool  # False for an SVG (one file, every size)

    @property
    def src(self) -> str:
        return self.page[0].name


@dataclass(frozen=True)
class PhotoSource:
    """A photo file as read: where it was named (for errors), its bytes, and what it is."""

    profile: str  # the profile's path
    line: int
    name: str  # file name beside the profile
    data: bytes


def photo_error(source: PhotoSource, message: str) -> ProfileError:
    return ProfileError(f"photo {source.name!r}: {message}", source.profile, source.line)


# -- raster photos --------------------------------------------------------------


def open_image(source: PhotoSource):  # type: ignore[no-untyped-def]
    """The image of a photo file, its header read; ProfileError if it is not an image Pillow reads."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(source.data))
            if image.width * image.height > MAX_PIXELS:
                raise photo_error(source, f"{image.width}×{image.height} pixels is too large")
            return image
    except ProfileError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise photo_error(source, f"cannot be read as an image ({exc})") from None


def oriented_size(image) -> Size:  # type: ignore[no-untyped-def]
    """The size of an image once its EXIF orientation is applied (5 to 8 turn it a quarter)."""
    orientation = image.getexif().get(0x0112, 1)
    return Size(image.height, image.width) if orientation in (5, 6, 7, 8) else Size(image.width, image.height)


def fitted_size(natural: Size, box: int, fit: str) -> Size:
    """The pixel size of a photo in a square box: its whole at its ratio (``fit``) or a square (``crop``),
    never larger than the photo itself."""
    if fit == "crop":
        side = min(box, natural.width, natural.height)
        return Size(side, side)
    scale = min(1.0, box / max(natural.width, natural.height))
    return Size(max(1, round(natural.width * scale)), max(1, round(natural.height * scale)))


def output_format(image_format: str | None) -> tuple[str, str]:
    """(Pillow format, extension) of the files made from a photo: JPEG stays JPEG, the rest becomes PNG."""
    return ("JPEG", "jpg") if image_format in ("JPEG", "MPO") else ("PNG", "png")


def variants(stem: str, folder: str, natural: Size, box: int, fit: str, extension: str) -> tuple[Variant, ...]:
    """The files of one box: 1x, then 2x when the photo is large enough to make it sharper."""
    found: list[Variant] = []
    for density in DENSITIES:
        size = fitted_size(natural, box * density, fit)
        if found and size.width <= found[-1].size.width:
            break
        found.append(Variant(f"{folder}/{stem}-{box * density}.{extension}", size, density))
    return tuple(found)


def plan_raster(source: PhotoSource, folder: str, fit: str) -> tuple[Photo, str]:
    """The files of a raster photo (names and sizes, nothing decoded), and the Pillow format to write."""
    image = open_image(source)
    natural = oriented_size(image)
    kind, extension = output_format(image.format)
    stem = source.name.rsplit(".", 1)[0] or "photo"
    page = variants(stem, folder, natural, PAGE_BOX, fit, extension)
    thumb = variants(stem, folder, natural, THUMB_BOX, fit, extension)
    return Photo(page, thumb, True), kind


def to_srgb(image):  # type: ignore[no-untyped-def]
    """The image in plain RGB(A) or L, its embedded colour profile (if any) applied."""
    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            output = "RGBA" if image.mode == "RGBA" else "RGB"
            image = ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode=output)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if image.mode in ("LA", "RGBa", "La") or "A" in image.getbands() else "RGB")
    return image


def render_photo(source: PhotoSource, size: Size, fit: str, kind: str) -> bytes:
    """One file of a photo: oriented, in sRGB, resized (or cropped) to ``size``, with no metadata."""
    from PIL import Image, ImageOps

    image = open_image(source)
    try:
        image = ImageOps.exif_transpose(image)
        image = to_srgb(image)
    except (OSError, ValueError, SyntaxError) as exc:
        raise photo_error(source, f"cannot be read as an image ({exc})") from None
    if kind == "JPEG" and image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    if fit == "crop":
        image = ImageOps.fit(image, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    elif image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only: no info, no metadata
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


# -- SVG photos -------------------------------------------------------------------


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _check_reference(value: str) -> bool:
    value = value.strip()
    return bool(LOCAL_REF.fullmatch(value) or RASTER_DATA.fullmatch(value))


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG file unsafe to publish (active content, external references), or None."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        return f"not a well-formed SVG file without DTD ({exc})"
    if _local(root.tag) != (SVG_NS, "svg"):
        return "not an SVG file (the root is not an <svg> element)"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        namespace, local = _local(element.tag)
        if namespace in INERT_NAMESPACES:
            continue
        if namespace != SVG_NS or local not in SVG_ELEMENTS:
            return f"<{local}> is not allowed in an SVG photo"
        if local == "style" and (CSS_URL.search(element.text or "") or "@import" in (element.text or "")):
            return "a style sheet that loads something"
        for attribute, value in element.attrib.items():
            attr_ns, attr = _local(attribute)
            if attr.lower().startswith("on"):
                return f"the event handler {attr!r} is not allowed in an SVG photo"
            if attr == "href" and attr_ns in ("", XLINK_NS) and not _check_reference(value):
                return f"a reference that leaves the file ({attr}={value[:40]!r})"
            if CSS_URL.search(value) or "javascript:" in value.lower():
                return f"the attribute {attr!r} loads something"
    return None


def svg_size(data: bytes) -> Size:
    """The drawing's size from its width/height (px or unitless) or viewBox; 160×160 when it says neither."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(data, forbid_dtd=True)

    def number(value: str | None) -> float | None:
        found = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value or "")
        return float(found.group(1)) if found and float(found.group(1)) > 0 else None

    width, height = number(root.get("width")), number(root.get("height"))
    if width and height:
        return Size(round(width), round(height))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return Size(round(float(box[2])), round(float(box[3])))
    except ValueError:
        pass
    return Size(PAGE_BOX, PAGE_BOX)


def plan_svg(source: PhotoSource, name: str, fit: str) -> Photo:
    """The one file of an SVG photo, shown at the sizes of both boxes; ProfileError if it is unsafe."""
    problem = svg_problem(source.data)
    if problem:
        raise photo_error(source, f"refused: {problem}")
    natural = svg_size(source.data)
    scale = lambda box: fitted_size(Size(natural.width * 100, natural.height * 100), box, "fit")  # noqa: E731
    return Photo((Variant(name, scale(PAGE_BOX), 1),), (Variant(name, scale(THUMB_BOX), 1),), False)


def is_svg(name: str, data: bytes) -> bool:
    return name.lower().endswith(".svg") or data.lstrip()[:5] in (b"<svg ", b"<?xml")


ICON_SIZES = ((16, 16), (32, 32), (48, 48))


def render_icon(source: PhotoSource) -> bytes:
    """favicon.ico (16, 32 and 48 px) from a raster image, cropped to a square, with no metadata."""
    from PIL import Image, ImageOps

    image = to_srgb(ImageOps.exif_transpose(open_image(source)))
    if image.mode != "RGBA":
        image = image.convert("RGBA")
    side = min(image.size)
    square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    clean = Image.frombytes(square.mode, square.size, square.tobytes())
    out = io.BytesIO()
    clean.save(out, "ICO", sizes=list(ICON_SIZES))
    return out.getvalue()
