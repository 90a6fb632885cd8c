"""Small purpose-made catalogues, one feature each: what the reader holds, and msgcat's bytes when written."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from gnu import msgcat, needs_gettext

from i18nprofiles.gettext import linebreak
from i18nprofiles.gettext.pofile import encode_po, generate_po, read_po, write_po

HEADER = b'''msgid ""
msgstr ""
"Project-Id-Version: demo 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''

LONG = "The quick brown fox jumps over the lazy dog while the cat watches from the window sill"


@pytest.fixture
def breaker():
    """GNU's own line breaker: msgcat's bytes need libunistring."""
    if not linebreak.using_libunistring():
        pytest.skip("libunistring cannot be loaded here: lines break through uniseg, not as msgcat's")


def like_msgcat(tmp_path: Path, data: bytes, widths=(79, 76, 40)) -> polib.POFile:
    """Read ``data``; check that writing it gives msgcat's bytes at each width; return the catalogue."""
    path = tmp_path / "case.po"
    path.write_bytes(data)
    catalog = read_po(data, path)
    for width in widths:
        reference = msgcat(path, "--force-po", "-w", str(width))
        assert reference.returncode == 0, reference.stderr
        assert encode_po(catalog, width=width).decode("latin-1") == reference.stdout.decode("latin-1"), f"width {width}"
    return catalog


@needs_gettext
def test_comment_lines_all_kept(tmp_path, breaker):
    catalog = like_msgcat(tmp_path, HEADER + b'''#
# translator
#.
#. extracted
#.
#: a.c:1 ./b.c:2 a.c:1
#: c.c
msgid "a"
msgstr "b"

#
msgid "c"
msgstr "d"

#.
msgid "e"
msgstr "f"
''')
    first, second, third = catalog
    assert (first.tcomment, first.comment) == ("\ntranslator", "\nextracted\n")
    assert first.occurrences == [("a.c", "1"), ("./b.c", "2"), ("a.c", "1"), ("c.c", "")]
    assert second.tcomment == "" and second.blank_tcomment
    assert third.comment == "" and third.blank_comment


@needs_gettext
def test_obsolete_entries_keep_flags_comments_and_previous(tmp_path, breaker):
    catalog = like_msgcat(tmp_path, HEADER + b'''# old note
#. old extracted
#, fuzzy, c-format, no-wrap
#~| msgctxt "was"
#~| msgid "previous %d"
#~ msgctxt "menu"
#~ msgid "current %d"
#~ msgstr "courant %d"

#~ msgid "untranslated is dropped by GNU"
#~ msgstr ""

#~ msgid "one"
#~ msgid_plural "many"
#~ msgstr[0] "un"
#~ msgstr[1] "plusieurs"
''')
    obsolete = catalog[0]
    assert obsolete.obsolete and obsolete.flags == ["fuzzy", "c-format", "no-wrap"]
    assert (obsolete.previous_msgctxt, obsolete.previous_msgid) == ("was", "previous %d")
    assert (obsolete.tcomment, obsolete.comment, obsolete.msgctxt) == ("old note", "old extracted", "menu")
    assert catalog[2].msgstr_plural == {0: "un", 1: "plusieurs"}


@needs_gettext
def test_msgctxt_empty_differs_from_none(tmp_path, breaker):
    catalog = like_msgcat(tmp_path, HEADER + b'''msgctxt ""
msgid "a"
msgstr "x"

msgid "a"
msgstr "y"
''')
    assert [entry.msgctxt for entry in catalog] == ["", None]


@needs_gettext
def test_plurals_and_previous_strings(tmp_path, breaker):
    catalog = like_msgcat(tmp_path, HEADER + b'''#, fuzzy, c-format
#| msgid "%d file"
#| msgid_plural "%d files"
msgid "%d file removed"
msgid_plural "%d files removed"
msgstr[0] "%d fichier supprim\xc3\xa9"
msgstr[1] "%d fichiers supprim\xc3\xa9s"

#, fuzzy
msgid "empty translation loses fuzzy"
msgid_plural "as GNU writes it"
msgstr[0] ""
msgstr[1] ""
''')
    entry = catalog[0]
    assert (entry.previous_msgid, entry.previous_msgid_plural) == ("%d file", "%d files")
    assert entry.msgstr_plural == {0: "%d fichier supprimé", 1: "%d fichiers supprimés"}


@needs_gettext
def test_header_oddities_survive(tmp_path, breaker):
    catalog = like_msgcat(tmp_path, b'''# Header comment
#
#. extracted on the header
#: header.c:1
#, fuzzy, no-wrap
msgid ""
msgstr ""
"Project-Id-Version: demo\\n"
"Project-Id-Version: twice\\n"
"a line without a colon\\n"
"X-Spaces:   three\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr"

msgid "a"
msgstr "b"
''')
    assert catalog.header == "Header comment\n"
    assert catalog.metadata_is_fuzzy
    assert catalog.metadata["Project-Id-Version"] == "twice"
    assert catalog.header_entry.comment == "extracted on the header"
    assert catalog.header_msgstr.endswith("Language: fr")
    catalog.metadata["Language"] = "de"  # once changed, the msgstr is made from metadata
    assert "Language: de\\n" in "".join(generate_po(catalog))


@needs_gettext
def test_a_long_header_is_wrapped_like_any_message(tmp_path, breaker):
    like_msgcat(tmp_path, b'''msgid ""
msgstr ""
"Project-Id-Version: a project with a rather long name that goes beyond the line\\n"
"Last-Translator: Somebody With A Long Name <somebody.with.a.long.name@example.org>\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "a"
msgstr "b"
''')


@needs_gettext
def test_wrapping_details(tmp_path, breaker):
    like_msgcat(tmp_path, HEADER + f'''#, no-wrap
msgid "{LONG} {LONG}"
msgstr "{LONG}"

msgid "{LONG}"
msgstr "Breaks after hyphens, slashes and dots: well-known/path/to/file.txt,config.c;{LONG}"

msgid "averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword and more"
msgstr "words\\nwith\\nnewlines\\n and a tab\\tand \\"quotes\\" and back\\\\slashes at the wrap point\\\\\\\\\\\\"

#, fuzzy
msgid "{"x" * 70}\\\\n{"y" * 6}\\"quote\\" \\\\\\\\ end"
msgstr "\\n\\nleading newlines, then text that is long enough to be broken somewhere later on"

msgid "全角の文字は二つの桁を占めます。全角の文字は二つの桁を占めます。全角の文字は二つの桁を占めます。"
msgstr "Combining: e\\u0301e\\u0301e\\u0301 {LONG}"

#, c-format
msgid "100% done and % d spaced directives %-10s %1$s %<PRIuMAX> at a width where they would be cut %s"
msgstr "{"z" * 60} % d {"z" * 10} %lu"

#, python-format
msgid "%(name)s has %(count-of-things)d things and %(other.name)s is {"w" * 40} here"
msgstr "{{brace}} {LONG}"

#, python-brace-format
msgid "{{self.name}} and {{obj.attr[key]}} {"v" * 50} {{0:-^10}} end"
msgstr "{LONG}"
'''.encode("utf-8").replace(b"\\u0301", "\u0301".encode()), widths=(79, 76, 40, 20))


@needs_gettext
def test_latin1_file_round_trips_in_latin1(tmp_path, breaker):
    data = HEADER.replace(b"UTF-8", b"ISO-8859-1") + "msgid \"caf\xe9\"\nmsgstr \"caf\xe9 cr\xe8me {}\"\n".format(
        LONG).encode("latin-1")
    catalog = like_msgcat(tmp_path, data)
    assert catalog[0].msgstr.startswith("café crème")
    assert encode_po(catalog).count(b"\xe9") == 2


def test_catalogue_built_in_code_is_written_like_msgcat(tmp_path):
    """A catalogue made with polib objects (as the project makes them) is written as msgcat would rewrite it."""
    catalog = polib.POFile()
    catalog.metadata = {"Project-Id-Version": "built", "Content-Type": "text/plain; charset=UTF-8",
                        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"}
    catalog.append(polib.POEntry(msgid=LONG, msgstr=LONG.upper(), occurrences=[("p.md", "3")], flags=["fuzzy"]))
    catalog.append(polib.POEntry(msgid="one", msgid_plural="many"))
    catalog.append(polib.POEntry(msgid="gone", msgstr="parti", obsolete=True))
    path = tmp_path / "built.po"
    write_po(path, catalog, width=76)
    data = path.read_bytes()
    assert b'msgstr[2] ""' in data  # an untranslated plural gets the header's number of forms
    if msgcat(path).returncode == 0:  # where GNU is installed
        assert msgcat(path, "-w", "76").stdout == data


def test_options(tmp_path):
    data = HEADER + b'''#: z.c:1
msgid "zebra"
msgstr "z"

#: a.c:1
msgctxt "ctx"
msgid "apple"
msgstr "a"

msgid "apple"
msgstr "b"

#~ msgid "old"
#~ msgstr "vieux"
'''
    catalog = read_po(data, "options.po")
    text = "".join(generate_po(catalog, sort_output=True, no_location=True, ignore_obsolete=True))
    assert "#:" not in text and "old" not in text
    assert text.index('msgid "apple"\nmsgstr "b"') < text.index('msgctxt "ctx"') < text.index("zebra")
    assert not "".join(generate_po(catalog, omit_header=True)).startswith('msgid ""')
    path = tmp_path / "options.po"
    path.write_bytes(data)
    if msgcat(path).returncode == 0:
        assert msgcat(path, "-s", "--no-location").stdout == encode_po(catalog, sort_output=True, no_location=True)


def test_entry_block_is_the_block_generate_blocks_writes():
    from i18nprofiles.gettext.pofile import entry_block, generate_blocks

    catalog = read_po(HEADER + f'#, fuzzy\nmsgid "{LONG}"\nmsgstr "{LONG}"\n\nmsgid "a"\nmsgid_plural "b"\nmsgstr[0] ""\n'
                      f'msgstr[1] ""\n'.encode(), "blocks.po")
    blocks = dict((entry.msgid, text) for entry, text in generate_blocks(catalog, width=50) if entry is not None)
    for entry in catalog:
        assert entry_block(entry, width=50) == blocks[entry.msgid]
