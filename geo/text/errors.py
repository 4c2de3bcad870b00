"""One error base for everything the product tells a person: :class:`AnttError` carries a string-catalogue key
and its parameters, and :meth:`AnttError.message` gives the text in the user's language (data/strings/*.toml).

``str(error)`` is the Vietnamese message (what logs and the command line print). Pages show
``error.message(lang)``. A parameter that is itself an AnttError (a cause passed on: ``reason=exc``), or a list of
them (several problems found at once), is shown in the same language as the message around it. A key that is not in the catalogue is shown as written, so a message passed as plain
text still reads (the string-catalogue test lists such raises, so they do not creep back in).
"""

from __future__ import annotations

from geo.text.i18n import DEFAULT_LANG, strings, t


class AnttError(Exception):
    """Base of the product's user-facing errors: ``AnttError("key", name=value, ...)``."""

    def __init__(self, key: str, /, **params):
        self.key = str(key)
        self.params = params
        super().__init__(self.message(DEFAULT_LANG))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        if self.key not in strings():
            return self.key
        return t(self.key, lang, **{k: _localized(v, lang) for k, v in self.params.items()})


def _localized(value, lang: str):
    """A parameter as the message shows it: an AnttError (a cause) in ``lang``, a list of them joined by '; '."""
    if isinstance(value, AnttError):
        return value.message(lang)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, AnttError) for v in value):
        return "; ".join(v.message(lang) for v in value)
    return value


def message_of(exc: BaseException, lang: str = DEFAULT_LANG) -> str:
    """The text of any exception for a person: its catalogue message when it has one, else ``str(exc)``."""
    return exc.message(lang) if isinstance(exc, AnttError) else str(exc)
