"""The record format, as pydantic models: what a curated or draft record may contain.

See ``docs/record-format.md`` for the prose. Every value carries a quote; a field is
a list of values, the string ``not stated``, or ``{none: quote}`` when the policy says
there is none. Unknown fields are errors. ``Record.model_json_schema()`` is the
JSON Schema (``ropa schema`` prints it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator
from typing_extensions import TypeAliasType

CURIE = r"^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9_.-]*$"
SLUG = r"^[a-z0-9][a-z0-9-]*$"

NotStated = Literal["not stated"]
NOT_STATED: NotStated = "not stated"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quoted(_Strict):
    """Something the policy says, and where: the quote (and which occurrence of it)."""

    quote: str = Field(min_length=1, description="Verbatim words of the policy")
    occurrence: int = Field(1, ge=1, description="Which occurrence of the quote (1 = first)")
    note: str | None = Field(None, description="How the quote was read")
    confidence: float | None = Field(None, ge=0, le=1, description="For drafts: how sure")


class ConceptValue(Quoted):
    concept: str = Field(pattern=CURIE, description="A DPV or project concept, as a CURIE")


class TextValue(Quoted):
    value: str = Field(min_length=1)


class DateValue(Quoted):
    value: dt.date


class CountryValue(_Strict):
    """A country as the policy states it (quote) or from reference data (source)."""

    value: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    quote: str | None = Field(None, min_length=1)
    occurrence: int = Field(1, ge=1)
    source: str | None = Field(None, description="Reference the fact comes from, when not quoted")
    note: str | None = None
    confidence: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _quote_or_source(self) -> CountryValue:
        if not self.quote and not self.source:
            raise ValueError("a country needs a quote from the policy or a source")
        return self


class NoneStated(_Strict):
    """The policy states that there is none (e.g. no disclosure)."""

    none: str = Field(min_length=1, description="The quote that says so")
    occurrence: int = Field(1, ge=1)
    note: str | None = None


def _field_tag(value: Any) -> str | None:
    if value == NOT_STATED:
        return "not-stated"
    if isinstance(value, dict) and "none" in value:
        return "none"
    if isinstance(value, list):
        return "values"
    return None


T = TypeVar("T")

FIELD_ERROR = "expected a list of values, 'not stated', or {none: quote}"


FieldOf = TypeAliasType(
    "FieldOf",
    Annotated[
        Annotated[NotStated, Tag("not-stated")]
        | Annotated[NoneStated, Tag("none")]
        | Annotated[list[T], Tag("values")],
        Discriminator(_field_tag, custom_error_type="field_form", custom_error_message=FIELD_ERROR),
    ],
    type_params=(T,),
)
"""A record field: a list of values, ``not stated``, or ``{none: quote}``."""


Role = Literal["processor", "sub-processor", "third-party", "recipient", "controller"]
RetentionKind = Literal["until-event", "temporal", "until-time", "indeterminate", "endless"]


class RecipientValue(Quoted):
    organisation: str = Field(pattern=SLUG, description="id of an entry under organisations")
    role: Role


class TransferValue(Quoted):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    importer: str | None = Field(None, pattern=SLUG, description="id of the receiving organisation")
    mechanism: ConceptValue | NotStated = NOT_STATED


class RetentionValue(Quoted):
    kind: RetentionKind
    description: str = Field(min_length=1, description="The period or event, in English")
    duration: str | None = Field(None, pattern=r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$", min_length=3)


class TechnologyValue(Quoted):
    name: str = Field(min_length=1)
    concept: str = Field("tech:Software", pattern=CURIE)


class Title(_Strict):
    en: str = Field(min_length=1)
    original: TextValue


class Organisation(_Strict):
    id: str = Field(pattern=SLUG)
    registry: str | None = Field(None, pattern=SLUG, description="key in ontology/organisations.ttl")
    name: TextValue | NotStated
    description: str | None = None
    country: CountryValue | NotStated = NOT_STATED

    @model_validator(mode="after")
    def _named_or_described(self) -> Organisation:
        if self.name == NOT_STATED and not self.description:
            raise ValueError("an organisation the policy does not name needs a description")
        return self


ACTIVITY_FIELD_NAMES = (
    "purposes",
    "personal_data",
    "data_subjects",
    "legal_bases",
    "recipients",
    "transfers",
    "retention",
    "measures",
    "sources",
)


class Activity(_Strict):
    id: str = Field(pattern=SLUG)
    title: Title
    description: str | None = None
    purposes: FieldOf[ConceptValue]
    personal_data: FieldOf[ConceptValue]
    data_subjects: FieldOf[ConceptValue]
    legal_bases: FieldOf[ConceptValue]
    recipients: FieldOf[RecipientValue]
    transfers: FieldOf[TransferValue]
    retention: FieldOf[RetentionValue]
    measures: FieldOf[ConceptValue]
    sources: FieldOf[ConceptValue]
    technologies: list[TechnologyValue] = []
    exempt_from_general: list[Literal[ACTIVITY_FIELD_NAMES]] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="fields for which the statements in applies_to_all do not hold for this activity",
    )


class AppliesToAll(_Strict):
    """Statements a policy makes for all its processing; activities that do not state
    the field themselves take these."""

    purposes: FieldOf[ConceptValue] | None = None
    personal_data: FieldOf[ConceptValue] | None = None
    data_subjects: FieldOf[ConceptValue] | None = None
    legal_bases: FieldOf[ConceptValue] | None = None
    recipients: FieldOf[RecipientValue] | None = None
    transfers: FieldOf[TransferValue] | None = None
    retention: FieldOf[RetentionValue] | None = None
    measures: FieldOf[ConceptValue] | None = None
    sources: FieldOf[ConceptValue] | None = None


class Policy(_Strict):
    file: str = Field(min_length=1, description="file name under data/policies/")
    language: Literal["nb", "nn", "sv", "da", "en"]
    title: TextValue | NotStated = NOT_STATED
    issued: DateValue | NotStated = NOT_STATED
    version: TextValue | NotStated = NOT_STATED
    url: str | None = None


class Controller(_Strict):
    id: str = Field(pattern=SLUG)
    name: TextValue
    country: CountryValue
    contact: FieldOf[TextValue] = NOT_STATED
    address: FieldOf[TextValue] = NOT_STATED
    identifier: TextValue | NotStated = NOT_STATED


class Record(_Strict):
    """One policy's record: its controller, notice and processing activities."""

    record: Literal[1] = Field(description="record format version")
    status: Literal["curated", "draft"] = "curated"
    policy: Policy
    controller: Controller
    rights: FieldOf[ConceptValue]
    authorities: FieldOf[ConceptValue]
    organisations: list[Organisation] = []
    applies_to_all: AppliesToAll | None = None
    activities: list[Activity] = Field(min_length=1)


ACTIVITY_FIELDS = ACTIVITY_FIELD_NAMES
