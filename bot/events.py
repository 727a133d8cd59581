"""Value types shared by the core and the adapters: what comes in, what goes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

KINDS = ("info", "question", "outcome", "error")
BACK = "back"  # the option a channel's "go back" control sends (Reply.back is its label)
DISPOSITIONS = ("emergency", "urgent", "same_day", "routine", "self_care")


class Incoming(NamedTuple):
    """One thing a user did: typed text (or a /command), or pressed an option button.

    `key` identifies the conversation (for example ``tg:12345`` or ``console:alice``).
    `option` and `node` are set for a button press: the option id and the node the button
    belonged to, so an old keyboard can be told apart from the current one.
    `lang` is the channel's language hint (Telegram's ``language_code``), or None.
    `event_id` is the channel's id of this event (Telegram's update_id) when it may be
    delivered more than once; the engine applies each event id at most once.
    An Incoming with neither text nor option means "the user opened the chat": the engine
    answers with the pending question, or the first message of a new conversation.
    (A named tuple: immutable, and made once per update, so cheaply.)
    """

    key: str
    text: str | None = None
    option: str | None = None
    node: str | None = None
    lang: str | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """One answer the user can pick: a stable id and the label in the user's language."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot; `disposition` is set on outcome messages only.

    `answer` is set on the confirmation of a typed answer ("You said: ..."): the answer as
    understood, and `asked` the question it answers, so a channel can mark the answered
    question the way it marks a pressed button.
    The last four fields are presentation hints for the channels; the JSON-lines shape does
    not carry them. `strong`: whole lines of `text` a channel may emphasise (Telegram makes
    them bold). `links`: (name, url) pairs whose ``name: url`` lines a channel may show as
    named links. `actions`: the options are a menu (sources, why, ...), not answers to a
    question. `back`: the label of a "go back" control, empty when there is nothing to go
    back to.
    """

    kind: str
    node: str
    text: str
    options: tuple[Option, ...] = field(default=())
    disposition: str | None = None
    answer: str | None = None
    asked: str = ""
    strong: tuple[str, ...] = field(default=())
    links: tuple[tuple[str, str], ...] = field(default=())
    actions: bool = False
    back: str = ""

    def to_json(self) -> dict[str, Any]:
        """The JSON-lines shape of `console --jsonl` (README, "Command line"): a fixed contract."""
        return {
            "node": self.node,
            "kind": self.kind,
            "text": self.text,
            "options": [{"id": o.id, "label": o.label} for o in self.options],
            "disposition": self.disposition,
        }
