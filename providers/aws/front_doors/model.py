"""What a front door reader hands the collector: the ways in it found, and what it could not read."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.inventory import InvocationPath


@dataclass(frozen=True)
class Door:
    """One way in through a front door to a function (or one of its aliases or versions).

    ``service`` is the principal the front door calls Lambda as and ``sources`` the aws:SourceArn
    values it may send (an ANY method sends the caller's method); the function's own resource
    policy must admit the service from one of them. ``service`` is None when the
    function's execution role pulls the events (an SQS event source mapping), so no resource policy
    is involved (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html)."""

    target: str  # the function ARN as the front door names it, with :alias or :version if any
    service: str | None
    sources: tuple[str, ...]
    path: InvocationPath


@dataclass(frozen=True)
class Blind:
    """A front door configuration that could not be read: the functions it might reach lose
    ``network.invocation``. Those are the named target, else every function whose policy admits
    ``service`` from a SourceArn that can match ``source_pattern`` (or from any source)."""

    reason: str
    service: str | None = None
    source_pattern: str = "*"
    target: str | None = None


@dataclass
class Doors:
    doors: list[Door] = field(default_factory=list)
    blind: list[Blind] = field(default_factory=list)

    def add(self, other: Doors) -> None:
        self.doors += other.doors
        self.blind += other.blind
