"""Typed inputs of the call services: what forms and serializers produce.

Forms and serializers shape what a person or a client sent into these (types, ids,
blank rows dropped); the services check the business rules on them (lengths, which
rows belong to the call, what a held call must say). A service never sees raw JSON.
"""

from dataclasses import dataclass

from .models import Objection


@dataclass(frozen=True)
class PlannedQuestion:
    """A question of a plan; `id` keeps an existing row when a plan is changed."""

    text: str
    id: int | None = None


@dataclass(frozen=True)
class PlannedObjection:
    """An objection the rep expects. Picked from the library, its text and response
    fill what is left blank."""

    text: str = ""
    planned_response: str = ""
    library: Objection | None = None
    id: int | None = None


@dataclass(frozen=True)
class QuestionResult:
    """After the call: whether a planned question was asked, and the answer."""

    id: int
    asked: bool
    answer: str = ""


@dataclass(frozen=True)
class ObjectionResult:
    """After the call: a planned objection (by `id`) met or not, or one not planned (by `text`)."""

    id: int | None = None
    text: str = ""
    encountered: bool = True
    response_given: str = ""
    handled_well: bool | None = None


@dataclass(frozen=True)
class UnaskedReason:
    """Why a planned question was not asked."""

    question: int
    reason: str


@dataclass(frozen=True)
class Problem:
    """A problem left open on the call, with the solution the rep proposes."""

    problem: str
    proposed_solution: str = ""


@dataclass(frozen=True)
class Ratings:
    """A reviewer's four ratings, 1 to 5; None is a rating not given."""

    preparation: int | None = None
    questioning: int | None = None
    objection_handling: int | None = None
    next_step: int | None = None


@dataclass(frozen=True)
class CallTypeInput:
    """A call type as the settings page or the API gives it; None leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    default_duration_minutes: int | None = None
    order: int | None = None
    is_active: bool | None = None
    questions: list[str] | None = None  # the question bank, in order; None keeps it


@dataclass(frozen=True)
class ObjectionInput:
    """An objection of the library; None leaves a field as it is."""

    text: str | None = None
    suggested_response: str | None = None
    category: str | None = None
    is_active: bool | None = None
