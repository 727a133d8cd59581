"""Compile a flow into one `transitions` Machine, built once and shared by every session."""

from __future__ import annotations

from typing import Any

from transitions import EventData, Machine

from bot.flow.model import Condition, Flow


class _When:
    """A transition condition: the option's and the branch's conditions on earlier answers."""

    __slots__ = ("__name__", "conditions")

    def __init__(self, conditions: list[Condition]):
        self.conditions = conditions
        self.__name__ = " and ".join(str(c) for c in conditions)

    def __call__(self, event: EventData) -> bool:
        model: Any = event.model  # a Session (transitions types models as object)
        answers = model.answered
        return all(c.holds(answers) for c in self.conditions)


def _record(event: EventData) -> None:
    """Before every transition: remember the answer given at the node being left."""
    model: Any = event.model
    model.record(event.transition.source, event.event.name)  # type: ignore[union-attr]  # always set here


def compile_flow(flow: Flow, machine_cls: type[Machine] = Machine, **extra: Any) -> Machine:
    """One machine for the flow: nodes are states, options are triggers, conditions guard."""
    machine = machine_cls(
        model=None,
        states=list(flow.nodes),
        initial=flow.start,
        auto_transitions=False,
        send_event=True,
        **extra,
    )
    for node in flow.nodes.values():
        for option in node.options:
            for branch in option.next:
                conditions = [c for c in (option.when, branch.when) if c is not None]
                machine.add_transition(
                    option.id,
                    node.id,
                    branch.to,
                    conditions=[_When(conditions)] if conditions else None,
                    before=_record,
                )
    return machine
