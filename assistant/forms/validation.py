"""The agents' answers: a pydantic model built from the definition checks each one (e-mail, French
phone number, date, yes/no, list, choice) and says in French what is wrong."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, create_model

from assistant.communes import normalise_name
from assistant.forms.definition import FormDefinition

_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)
_PHONE_RE = re.compile(r"^(?:(?:\+|00)33[\s.-]{0,2}(?:\(0\)[\s.-]{0,2})?|0)[1-9](?:[\s.-]{0,2}[0-9]{2}){4}$")


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """One kind of line break, no control characters (they break DOCX and can fake Markdown lines)."""
    value = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", value)
    return _CONTROL_RE.sub("", value).strip()


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("texte attendu")
    return clean_text(str(value))


def _email(value: Any) -> str:
    value = _text(value)
    if not _EMAIL_RE.match(value):
        raise ValueError("adresse électronique invalide")
    return value


def _phone(value: Any) -> str:
    value = unicodedata.normalize("NFKC", _text(value))
    if not _PHONE_RE.match(value):
        raise ValueError("numéro de téléphone français invalide (ex. 01 23 45 67 89 ou +33 1 23 45 67 89)")
    digits = re.sub(r"[^0-9]", "", value)
    digits = "0" + digits[-9:]
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


_DATE_SHAPES = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), (3, 2, 1)),
)


def _date(value: Any) -> date:
    """JJ/MM/AAAA (or AAAA-MM-JJ); the message tells a wrong format from a day that does not exist."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = _text(value)
        for pattern, (y, m, d) in _DATE_SHAPES:
            found = pattern.match(text)
            if found:
                year, month, day = (int(found.group(i)) for i in (y, m, d))
                try:
                    value = date(year, month, day)
                except ValueError:
                    raise ValueError(f"date impossible : le {text} n'existe pas") from None
                break
        else:
            raise ValueError("format de date attendu : JJ/MM/AAAA (par exemple 15/12/2025)")
    if not 2000 <= value.year <= 2100:
        raise ValueError("date hors de la période plausible (2000-2100)")
    return value


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("oui", "o", "yes", "y", "true", "vrai", "1"):
        return True
    if text in ("non", "n", "no", "false", "faux", "0"):
        return False
    raise ValueError("réponse attendue : oui ou non")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        items = value.splitlines()
    elif isinstance(value, (list, tuple)):
        items = [_text(v) for v in value]
    else:
        raise ValueError("liste attendue (un élément par ligne)")
    items = [clean_text(str(i)) for i in items]
    return [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", i).strip() for i in items if i.strip()]


def _choice(choices: list[str]):
    def check(value: Any) -> str:
        text = normalise_name(_text(value))
        for choice in choices:
            short = re.search(r"\(([^)]+)\)", choice)  # « EPT » for « Établissement public territorial (EPT) »
            if text in (normalise_name(choice), normalise_name(short.group(1)) if short else None):
                return choice
        raise ValueError("valeur attendue : " + " | ".join(choices) if choices else "aucune valeur possible dans le corpus indexé")

    return check


def answers_model(definition: FormDefinition, sources: dict[str, list[str]] | None = None) -> type[BaseModel]:
    """A pydantic model with one optional, typed field per form field; ``sources`` gives the choices
    of the fields whose choices come from the corpus (``choices_from``)."""
    converters = {"text": _text, "long_text": _text, "email": _email, "phone": _phone, "date": _date,
                  "yes_no": _yes_no, "list": _list}
    python_types: dict[str, Any] = {"date": date, "yes_no": bool, "list": list[str]}
    fields: dict[str, Any] = {}
    for spec in definition.fields():
        choices = (sources or {}).get(spec.choices_from, []) if spec.choices_from else spec.choices
        convert = _choice(choices) if spec.type == "choice" else converters[spec.type]
        annotated = Annotated[python_types.get(spec.type, str), BeforeValidator(convert)]
        fields[spec.id] = (annotated | None, None)
    return create_model("FormAnswers", __config__=ConfigDict(extra="forbid"), **fields)


# -- drafts ---------------------------------------------------------------------------------------
