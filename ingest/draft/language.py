"""Which language a policy is written in: Norwegian (bokmål, nynorsk), Swedish, Danish
or English, told apart by a real language detector (lingua).

Other languages the detector knows are recognised too, so that a German or Finnish
policy is refused with a clear message rather than drafted with the wrong lexicon.

Detection takes two steps. A detector that knows only the five languages we draft picks
one; the sample is then checked to be made of that language family's function words ("og",
"som", "ikke", ...; "the", "and", "of", ...), which make up a third or more of any Nordic
or English text and a tenth or less of German, Dutch, French, Finnish, Icelandic or Polish.
A sample that fails the check goes to the detector that knows all 23 languages, which
names the language it is in. The first detector costs about half of the second.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ropakg.errors import PolicyError

SUPPORTED = ("nb", "nn", "sv", "da", "en")
_NAMES = {"nb": "Norwegian bokmål", "nn": "Norwegian nynorsk", "sv": "Swedish", "da": "Danish", "en": "English"}
_SAMPLE = 500


def _words(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


# The commonest short words of the Scandinavian languages (bokmål, nynorsk, Swedish, Danish
# together: the detector tells them apart) and of English.
_SCANDINAVIAN = _words(
    """og i er det som til for på av af at att med en et ett ein eit den vi du deg dig din dine dina ikke ikkje
    inte kan har eller om de dei skal ska vil vill blir bliver ved vid fra frå från når när hvis viss også också
    efter etter våre våra vores vår oss os deres der hvor var är och för till inom innen hos under sine sina sitt
    sin seg sig dem slik sådan sådana slike disse dessa denne denna dette detta"""
)
_ENGLISH = _words(
    """the and of to in is are that for on with we you your our us not can have has or if be by as this it from
    may will at an a which who when any such these those other their they was been do does"""
)
_FUNCTION_WORDS = {"nb": _SCANDINAVIAN, "nn": _SCANDINAVIAN, "sv": _SCANDINAVIAN, "da": _SCANDINAVIAN, "en": _ENGLISH}
_LEAST_SHARE = 0.2  # of the sample's words; Nordic and English policies have 0.3-0.5, others 0.1 or less
_WORD = re.compile(r"[^\W\d_]+")


def _ours() -> dict[Any, str]:
    from lingua import Language

    return {
        Language.BOKMAL: "nb",
        Language.NYNORSK: "nn",
        Language.SWEDISH: "sv",
        Language.DANISH: "da",
        Language.ENGLISH: "en",
    }


@lru_cache(maxsize=1)
def _narrow() -> tuple[Any, dict[Any, str]]:
    """A detector that knows only the languages we draft."""
    from lingua import LanguageDetectorBuilder

    ours = _ours()
    return LanguageDetectorBuilder.from_languages(*ours).with_low_accuracy_mode().build(), ours


@lru_cache(maxsize=1)
def _detector() -> tuple[Any, dict[Any, str]]:
    """A detector that also knows the languages we refuse."""
    from lingua import Language, LanguageDetectorBuilder

    ours = _ours()
    others = [
        Language.GERMAN, Language.FINNISH, Language.ICELANDIC, Language.DUTCH, Language.FRENCH,
        Language.SPANISH, Language.ITALIAN, Language.POLISH, Language.PORTUGUESE, Language.ESTONIAN,
        Language.LITHUANIAN, Language.LATVIAN, Language.RUSSIAN, Language.UKRAINIAN, Language.TURKISH,
        Language.ARABIC, Language.CHINESE, Language.JAPANESE,
    ]  # fmt: skip
    detector = LanguageDetectorBuilder.from_languages(*ours, *others).with_low_accuracy_mode().build()
    return detector, ours


def sample(text: str) -> str:
    """A stretch of running text from the body, where headings and names are fewer."""
    if len(text) <= 2 * _SAMPLE:
        return text
    start = len(text) // 4
    return text[start : start + _SAMPLE]


def detect(text: str, *, path: Any = None) -> str:
    """The policy's language code, or :class:`PolicyError` for a language we do not draft.

    >>> detect("Vi behandler personopplysninger om deg når du besøker nettsiden vår.")
    'nb'
    """
    excerpt = sample(text)
    narrow, narrow_codes = _narrow()
    guess = narrow.detect_language_of(excerpt)
    if guess is not None and _made_of(excerpt, _FUNCTION_WORDS[narrow_codes[guess]]):
        return narrow_codes[guess]
    detector, ours = _detector()
    found = detector.detect_language_of(excerpt)
    if found is None:
        raise PolicyError("cannot tell which language the policy is in", file=path)
    if found not in ours:
        supported = ", ".join(f"{_NAMES[c]} ({c})" for c in SUPPORTED)
        raise PolicyError(
            f"policy is in {found.name.title()}; drafting supports {supported} (use --lang to force one)",
            file=path,
        )
    return ours[found]


def _made_of(excerpt: str, words: frozenset[str]) -> bool:
    """Are enough of the excerpt's words among ``words``?"""
    tokens = _WORD.findall(excerpt.lower())
    return bool(tokens) and sum(t in words for t in tokens) >= _LEAST_SHARE * len(tokens)


def check(lang: str) -> str:
    if lang not in SUPPORTED:
        raise PolicyError(f"unsupported language {lang!r} (use one of {', '.join(SUPPORTED)})")
    return lang
