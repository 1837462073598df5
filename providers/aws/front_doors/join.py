"""Match front doors to one function: a door reaches the function (or an alias or version of it)
named by its target ARN, if the function's own resource policy for that qualifier admits the
front door's service from that source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from providers.aws.evaluation.document import PolicyError
from providers.aws.front_doors.admission import admits, may_admit
from providers.aws.front_doors.model import Blind, Door, Doors
from providers.aws.regional import unqualified
from scanner.inventory import InvocationPath

# Qualifier -> the function's (None) or alias's/version's resource policy text (None: it has none).
PolicyReader = Callable[[str | None], str | None]


def _qualifier(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[7] if len(parts) > 7 and parts[7] != "$LATEST" else None


def _account(source_arn: str, function_arn: str) -> str:
    """aws:SourceAccount: the source's account; an S3 bucket ARN names none, its owner is the function's."""
    return source_arn.split(":")[4] or function_arn.split(":")[4]


@dataclass
class Reached:
    paths: list[InvocationPath] = field(default_factory=list)
    unknown: str | None = None  # why network.invocation cannot be told


class DoorIndex:
    def __init__(self, doors: Doors) -> None:
        self.by_function: dict[str, list[Door]] = defaultdict(list)
        for door in doors.doors:
            self.by_function[unqualified(door.target)].append(door)
        self.blind = doors.blind

    def reach(self, function_arn: str, qualifiers: list[str | None], policy: PolicyReader) -> Reached:
        """The paths through front doors to this function, whose known qualifiers (None for the
        function itself) are ``qualifiers``; ``policy`` raises PolicyError when a policy cannot be read."""
        found = Reached()
        try:
            for door in self.by_function.get(function_arn, []):
                qualifier = _qualifier(door.target)
                service = door.service
                if service is None or any(admits(policy(qualifier), service, source, _account(source, function_arn))
                                          for source in door.sources):
                    found.paths.append(door.path.model_copy(update={"qualifier": qualifier}))
            for blind in self.blind:
                if self._blinds(blind, function_arn, qualifiers, policy):
                    found.unknown = f"a front door could not be read: {blind.reason}"
        except PolicyError as exc:
            found.unknown = f"resource policy could not be read: {exc}"
        return found

    @staticmethod
    def _blinds(blind: Blind, function_arn: str, qualifiers: list[str | None], policy: PolicyReader) -> bool:
        if blind.target is not None:
            return unqualified(blind.target) == function_arn
        if blind.service is None:  # the event source mappings themselves could not be listed
            return True
        return any(may_admit(policy(q), blind.service, blind.source_pattern) for q in qualifiers)
