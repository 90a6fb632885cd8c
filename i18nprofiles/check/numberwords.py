"""Words for the numbers 0 to 12, cardinal and ordinal, in the languages catalogues are most often written
from and into (English, French, Spanish, German, Italian, Portuguese, Dutch, Russian).

The ``numbers`` check lets a translation spell out a small number of its source ("three-way" → "3 points",
"1st" → "premier", "> 1 branch" → "plus d'une branche") when the other side has a word for it.  A stem of
four letters or more matches the words it begins (Russian "одного", German "dritten"); a shorter one
matches a whole word.
"""

from __future__ import annotations

import re

STEMS: dict[int, tuple[str, ...]] = {
    0: ("zero", "zéro", "cero", "null", "nul", "nulle", "nullo", "nulo", "nul", "ноль", "нуля", "нулю", "нулём",
        "нулем", "нуле"),
    1: ("one", "first", "once", "single", "un", "une", "premier", "première", "uno", "una", "primer", "primera",
        "primero", "ein", "eine", "einen", "einem", "einer", "eins", "erste", "einzig", "prim", "um", "uma",
        "één", "een", "eerste", "один", "одна", "одно", "одного", "одной", "одну", "первы", "перво", "перва",
        "единств"),
    2: ("two", "second", "twice", "double", "dual", "deux", "deuxième", "dos", "segund", "zwei", "zweit", "doppel",
        "due", "secondo", "dois", "duas", "twee", "tweede", "два", "две", "двух", "втор", "дважды", "двойн"),
    3: ("three", "third", "thrice", "triple", "trois", "troisième", "tres", "tercer", "drei", "dritt", "tre",
        "terzo", "três", "terceir", "drie", "derde", "три", "трёх", "трех", "трет", "тройн"),
    4: ("four", "fourth", "quatre", "quatrième", "cuatro", "cuart", "vier", "viert", "quattro", "quart", "quatro",
        "vierde", "четыр", "четвёрт", "четверт"),
    5: ("five", "fifth", "cinq", "cinquième", "cinco", "quint", "fünf", "fünft", "cinque", "vijf", "vijfde",
        "пять", "пяти", "пято"),
    6: ("six", "sixth", "sixième", "seis", "sext", "sechs", "sechst", "sei", "sesto", "zes", "zesde", "шест"),
    7: ("seven", "seventh", "sept", "septième", "siete", "séptim", "sieben", "siebt", "sette", "settimo", "sete",
        "sétimo", "zeven", "zevende", "семь", "седьм"),
    8: ("eight", "eighth", "huit", "huitième", "ocho", "octav", "acht", "achte", "otto", "ottavo", "oito", "oitavo",
        "восемь", "восьм"),
    9: ("nine", "ninth", "neuf", "neuvième", "nueve", "noven", "neun", "neunt", "nove", "nono", "negen",
        "девять", "девят"),
    10: ("ten", "tenth", "dix", "dixième", "diez", "décim", "zehn", "zehnt", "dieci", "decimo", "dez", "tien",
         "tiende", "десять", "десят"),
    11: ("eleven", "eleventh", "onze", "onzième", "once", "elf", "elft", "undici", "одиннадцат"),
    12: ("twelve", "twelfth", "douze", "douzième", "doce", "zwölf", "dodici", "doze", "twaalf", "двенадцат"),
}
WORD_RE = re.compile(r"[^\W\d_]+")


def spelled_numbers(text: str) -> set[int]:
    """The numbers from 0 to 12 that a text has a word for."""
    words = {word.lower() for word in WORD_RE.findall(text)}
    found = set()
    for number, stems in STEMS.items():
        for stem in stems:
            if stem in words or (len(stem) >= 4 and any(word.startswith(stem) for word in words)):
                found.add(number)
                break
    return found
