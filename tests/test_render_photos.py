"""Photos through Pillow: their ratio kept, the sizes the theme shows, no metadata, the same bytes; SVG checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from i18nprofiles.commands.render import render_site
from i18nprofiles.config import load_config
from i18nprofiles.errors import ProfileError
from test_render_helpers import make_project, parse_html, site_files


def camera_photo(path: Path, size: tuple[int, int] = (600, 800), orientation: int = 1) -> None:
    """A JPEG as a camera writes it: EXIF with a maker, a GPS position and an orientation."""
    image = Image.new("RGB", size, (40, 120, 200))
    for x in range(0, size[0], 50):  # something to resize
        image.paste((230, 200, 40), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS
    image.save(path, "JPEG", exif=exif, quality=95, comment=b"taken at home")


def with_photo(tmp_path: Path, name: str, **settings: object) -> Path:
    root = make_project(tmp_path, **settings)
    profile = root / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("src: maria-quispe.svg", f"src: {name}"),
                       encoding="utf-8")
    return root


def test_a_portrait_keeps_its_ratio_in_every_size_with_no_metadata(tmp_path: Path) -> None:
    root = with_photo(tmp_path, "portrait.jpg")
    camera_photo(root / "profiles" / "portrait.jpg")
    config = load_config(root)
    render_site(config)
    media = config.output_dir / "media" / "maria-quispe"
    sizes = {path.name: Image.open(path).size for path in sorted(media.iterdir())}
    assert sizes == {"portrait-160.jpg": (120, 160), "portrait-320.jpg": (240, 320),
                     "portrait-64.jpg": (48, 64), "portrait-128.jpg": (96, 128)}
    for path in media.iterdir():
        image = Image.open(path)
        assert not image.getexif(), path
        assert not set(image.info) & {"exif", "icc_profile", "xmp", "comment", "photoshop"}, (path, image.info)
        assert b"CameraMaker" not in path.read_bytes() and b"taken at home" not in path.read_bytes()
    assert (media / "portrait-64.jpg").stat().st_size < 4000  # the index does not load the camera's file
    page = parse_html(config.output_dir / "es" / "maria-quispe" / "index.html")
    img = next(i for i in page.iter("img") if i.get("class") == "photo")
    assert (img.get("src"), img.get("width"), img.get("height")) == ("../../media/maria-quispe/portrait-160.jpg", "120", "160")
    assert img.get("srcset") == "../../media/maria-quispe/portrait-160.jpg 1x, ../../media/maria-quispe/portrait-320.jpg 2x"
    index = parse_html(config.output_dir / "es" / "index.html")
    thumb = next(i for i in index.iter("img") if "portrait" in i.get("src"))
    assert (thumb.get("src"), thumb.get("width"), thumb.get("height")) == ("../media/maria-quispe/portrait-64.jpg", "48", "64")
    # Same inputs, same bytes: a second site from scratch.
    again = load_config(root).with_options(output_dir="again", cache_dir=".other-cache")
    render_site(again)
    assert site_files(again.output_dir / "media") == site_files(config.output_dir / "media")


def test_crop_makes_centred_squares_and_orientation_is_applied(tmp_path: Path) -> None:
    root = with_photo(tmp_path, "turned.jpg", photo_fit="crop")
    camera_photo(root / "profiles" / "turned.jpg", size=(800, 600), orientation=6)  # shown as a 600×800 portrait
    config = load_config(root)
    render_site(config)
    media = config.output_dir / "media" / "maria-quispe"
    assert Image.open(media / "turned-320.jpg").size == (320, 320)
    assert Image.open(media / "turned-64.jpg").size == (64, 64)
    root2 = with_photo(tmp_path / "fit", "turned.jpg")
    camera_photo(root2 / "profiles" / "turned.jpg", size=(800, 600), orientation=6)
    config2 = load_config(root2)
    render_site(config2)
    assert Image.open(config2.output_dir / "media" / "maria-quispe" / "turned-160.jpg").size == (120, 160)


def test_a_small_transparent_png_is_not_enlarged(tmp_path: Path) -> None:
    root = with_photo(tmp_path, "small.png")
    Image.new("RGBA", (100, 50), (255, 0, 0, 128)).save(root / "profiles" / "small.png")
    config = load_config(root)
    render_site(config)
    media = config.output_dir / "media" / "maria-quispe"
    assert sorted(p.name for p in media.iterdir()) == ["small-128.png", "small-160.png", "small-64.png"]
    page = Image.open(media / "small-160.png")
    assert page.size == (100, 50) and page.mode == "RGBA"


@pytest.mark.parametrize("data", [b"not an image at all", b"\xff\xd8\xff\xe0 truncated jpeg"])
def test_a_photo_that_cannot_be_read_is_an_error_with_its_line(tmp_path: Path, cli, data: bytes) -> None:
    root = with_photo(tmp_path, "broken.jpg")
    (root / "profiles" / "broken.jpg").write_bytes(data)
    result = cli("render", cwd=root)
    assert result.code == 2
    line = next(n for n, text in enumerate((root / "profiles" / "maria-quispe.md").read_text().splitlines(), 1)
                if text.startswith("photo:"))
    assert result.err.startswith(f"error: profiles/maria-quispe.md:{line}: photo 'broken.jpg': cannot be read")
    assert not (root / "site").exists()


ACTIVE_SVG = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="3"/></svg>',
    "foreign": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
               '</p></foreignObject></svg>',
    "link": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<a xlink:href="javascript:alert(1)"><circle r="3"/></a></svg>',
    "external": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>',
    "entity": '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
    "css": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>',
}


@pytest.mark.parametrize("kind", sorted(ACTIVE_SVG))
def test_an_svg_photo_with_active_content_is_refused_naming_the_file(tmp_path: Path, kind: str) -> None:
    root = with_photo(tmp_path, "avatar.svg")
    (root / "profiles" / "avatar.svg").write_text(ACTIVE_SVG[kind], encoding="utf-8")
    with pytest.raises(ProfileError) as error:
        render_site(load_config(root))
    assert str(error.value).startswith("profiles/maria-quispe.md:")
    assert "photo 'avatar.svg': refused:" in str(error.value)


def test_a_plain_svg_photo_is_published_as_it_is(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path))
    render_site(config)
    source = (tmp_path / "profiles" / "maria-quispe.svg").read_bytes()
    assert (config.output_dir / "media" / "maria-quispe" / "maria-quispe.svg").read_bytes() == source
    img = next(i for i in parse_html(config.output_dir / "fr" / "index.html").iter("img") if "maria" in i.get("src"))
    assert (img.get("width"), img.get("height"), img.get("srcset")) == ("64", "64", None)


def test_png_output_is_deterministic_bytes(tmp_path: Path) -> None:
    from i18nprofiles.site.photos import PhotoSource, Size, render_photo

    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(buffer, "PNG")
    source = PhotoSource("p.md", 1, "x.png", buffer.getvalue())
    assert render_photo(source, Size(150, 100), "fit", "PNG") == render_photo(source, Size(150, 100), "fit", "PNG")
