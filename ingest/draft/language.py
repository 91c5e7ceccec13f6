"""Which language a policy is written in: Norwegian (bokmål, nynorsk), Swedish, Danish
or English, told apart by a real language detector (lingua).

Other languages the detector knows are recognised too, so that a German or Finnish
policy is refused with a clear message rather than drafted with the wrong lexicon.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ropakg.errors import PolicyError

SUPPORTED = ("nb", "nn", "sv", "da", "en")
_NAMES = {"nb": "Norwegian bokmål", "nn": "Norwegian nynorsk", "sv": "Swedish", "da": "Danish", "en": "English"}
_SAMPLE = 500


@lru_cache(maxsize=1)
def _detector() -> tuple[Any, dict[Any, str]]:
    from lingua import Language, LanguageDetectorBuilder

    ours = {
        Language.BOKMAL: "nb",
        Language.NYNORSK: "nn",
        Language.SWEDISH: "sv",
        Language.DANISH: "da",
        Language.ENGLISH: "en",
    }
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
    detector, ours = _detector()
    found = detector.detect_language_of(sample(text))
    if found is None:
        raise PolicyError("cannot tell which language the policy is in", file=path)
    if found not in ours:
        supported = ", ".join(f"{_NAMES[c]} ({c})" for c in SUPPORTED)
        raise PolicyError(
            f"policy is in {found.name.title()}; drafting supports {supported} (use --lang to force one)",
            file=path,
        )
    return ours[found]


def check(lang: str) -> str:
    if lang not in SUPPORTED:
        raise PolicyError(f"unsupported language {lang!r} (use one of {', '.join(SUPPORTED)})")
    return lang
