"""``build_mo`` against ``msgfmt`` through glibc: a small C program looks every message up with
``gettext``/``ngettext``, including the system-dependent ones (``%<PRIuMAX>`` spelled as the
system spells ``PRIuMAX``), in msgfmt's file and in ours.  Skipped without a C compiler."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from po_corpus import (
    LEGACY_CHARSETS,
    PLURAL_NS,
    convert_catalog,
    corpus_files,
    corpus_id,
    language_of,
    lookup_key,
    needs_msgfmt,
    read_po,
    run_msgfmt,
)

from i18nprofiles.gettext.formats import read_format_flags
from i18nprofiles.gettext.messages import compiled_entries, header_charset, read_header
from i18nprofiles.gettext.mofile import build_mo

COMPILER = shutil.which("gcc") or shutil.which("cc")
pytestmark = [
    needs_msgfmt,
    pytest.mark.skipif(COMPILER is None, reason="no C compiler (gcc or cc) to build the glibc lookup program"),
    pytest.mark.skipif(not corpus_files(), reason="../shared/realworld-po/ is not there"),
]
DOMAIN = "corpus"
PRI_SIZES = ("8", "16", "32", "64", "LEAST8", "LEAST16", "LEAST32", "LEAST64", "FAST8", "FAST16", "FAST32",
             "FAST64", "MAX", "PTR")
PRI_MACROS = [f"PRI{kind}{size}" for kind in "diouxX" for size in PRI_SIZES]

LOOKUP_PROGRAM = r"""
#include <inttypes.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads records of five NUL-terminated fields from stdin: kind ("s" gettext, "p" ngettext),
   key, msgid_plural, n, expand ("1": spell <PRI...> as this system does).  Writes each
   result after "T" (a translation was found) or "F", followed by a NUL. */
static const char *const macros[][2] = { MACROS };

static char *expand (const char *text)
{
  char *out = malloc (strlen (text) * 2 + 1), *o = out;
  while (*text)
    {
      const char *close = *text == '<' ? strchr (text, '>') : NULL;
      size_t i, found = (size_t) -1;
      if (close)
        for (i = 0; i < sizeof macros / sizeof macros[0]; i++)
          if (strlen (macros[i][0]) == (size_t) (close - text - 1)
              && strncmp (text + 1, macros[i][0], close - text - 1) == 0)
            found = i;
      if (found != (size_t) -1)
        {
          strcpy (o, macros[found][1]);
          o += strlen (macros[found][1]);
          text = close + 1;
        }
      else
        *o++ = *text++;
    }
  *o = '\0';
  return out;
}

int main (int argc, char **argv)
{
  size_t size = 0, used = 0;
  char *data = NULL, *p, *end;
  setlocale (LC_ALL, "");
  bindtextdomain (argv[2], argv[1]);
  bind_textdomain_codeset (argv[2], "UTF-8");
  textdomain (argv[2]);
  for (;;)
    {
      if (used == size)
        data = realloc (data, size = size * 2 + 65536);
      size_t got = fread (data + used, 1, size - used, stdin);
      if (got == 0)
        break;
      used += got;
    }
  for (p = data, end = data + used; p < end; )
    {
      const char *kind = p; p += strlen (p) + 1;
      const char *key = p; p += strlen (p) + 1;
      const char *plural = p; p += strlen (p) + 1;
      unsigned long n = strtoul (p, NULL, 10); p += strlen (p) + 1;
      int spell = p[0] == '1'; p += strlen (p) + 1;
      char *k = spell ? expand (key) : strdup (key);
      char *pl = spell ? expand (plural) : strdup (plural);
      const char *result = kind[0] == 's' ? gettext (k) : ngettext (k, pl, n);
      fputc (result == k || result == pl ? 'F' : 'T', stdout);
      fwrite (result, 1, strlen (result) + 1, stdout);
      free (k);
      free (pl);
    }
  return 0;
}
"""


@pytest.fixture(scope="module")
def lookup_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("glibc")
    table = ", ".join(f'{{ "{name}", {name} }}' for name in PRI_MACROS)
    source = folder / "lookup.c"
    source.write_text(LOOKUP_PROGRAM.replace("MACROS", table), encoding="utf-8")
    program = folder / "lookup"
    built = subprocess.run([COMPILER, "-O0", "-o", str(program), str(source)], capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"the glibc lookup program does not build here: {built.stderr[:300]}")
    return program


def glibc_records(catalog, charset: str) -> tuple[bytes, list[tuple[str, bool]]]:
    """The program's input for every lookup of the catalogue (keys in the catalogue's charset), and for each
    lookup its key and whether it spells ``<PRI...>`` macros.  A c-format message with a macro is looked up
    both ways."""
    records = [b"s\0\0\0000\0000\0"]  # the header
    described = [("", False)]
    for entry in catalog:
        if entry.obsolete:
            continue
        key = lookup_key(entry.msgctxt, entry.msgid)
        spellings = [False]
        if "<PRI" in key + (entry.msgid_plural or "") and read_format_flags(entry.flags).languages:
            spellings.append(True)
        for spell in spellings:
            flag = b"1" if spell else b"0"
            if entry.msgid_plural:
                for n in PLURAL_NS:
                    records.append(b"p\0" + key.encode(charset) + b"\0" + entry.msgid_plural.encode(charset) + b"\0"
                                   + str(n).encode() + b"\0" + flag + b"\0")
                    described.append((key, spell))
            else:
                records.append(b"s\0" + key.encode(charset) + b"\0\0000\0" + flag + b"\0")
                described.append((key, spell))
    return b"".join(records), described


def glibc_lookups(program: Path, folder: Path, language: str, records: bytes) -> list[bytes]:
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "LANGUAGE": language}
    result = subprocess.run([str(program), str(folder), DOMAIN], input=records, capture_output=True, env=env,
                            check=True)
    return result.stdout.split(b"\0")[:-1]


CASES = [(path, charset) for path in corpus_files()
         for charset in (("UTF-8", LEGACY_CHARSETS[language_of(path)]) if path.parent.name == "git" else ("UTF-8",))]


@pytest.mark.parametrize(("path", "charset"), CASES, ids=[f"{corpus_id(p)}-{c}" for p, c in CASES])
def test_glibc_lookups_equal_msgfmt(path: Path, charset: str, lookup_program: Path, tmp_path: Path) -> None:
    po = path if charset == "UTF-8" else convert_catalog(path, charset, tmp_path)
    language = language_of(path)
    places = {}
    for name in ("msgfmt", "ours"):
        places[name] = tmp_path / name
        (places[name] / language / "LC_MESSAGES").mkdir(parents=True)
    mo = places["msgfmt"] / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    assert run_msgfmt(po, mo).returncode == 0
    catalog = read_po(po)
    (places["ours"] / language / "LC_MESSAGES" / f"{DOMAIN}.mo").write_bytes(build_mo(catalog))

    records, described = glibc_records(catalog, header_charset(read_header(catalog)))
    theirs = glibc_lookups(lookup_program, places["msgfmt"], language, records)
    ours = glibc_lookups(lookup_program, places["ours"], language, records)
    assert len(theirs) == len(described)
    if sum(1 for got in theirs if got.startswith(b"T")) < len(described) // 2:
        pytest.skip("glibc does not load catalogues here (no C.UTF-8 locale?)")
    assert ours == theirs

    # Every compiled c-format message with an <inttypes.h> macro is found once spelled for this system.
    found = {key for (key, spell), got in zip(described, ours) if spell and got.startswith(b"T")}
    with_macros = {lookup_key(entry.msgctxt, entry.msgid) for entry in compiled_entries(catalog, False)
                   if "<PRI" in entry.msgid and "c" in read_format_flags(entry.flags).languages}
    assert with_macros <= found
    if path.name == "fr-v2.36.0.po":
        assert len(with_macros) == 36  # and 2 more whose macros are in the translation only
