"""What reconciliation knows about one table before solving: the readings of each template row."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.lexicon import ParsedValue, parse_value
from models.observation import Token
from models.template import CellKey, TableTemplate
from reconcile.narrative import Figure


@dataclass(frozen=True)
class Reading:
    """One value token and how it parses."""

    token: Token
    parsed: ParsedValue

    @classmethod
    def of(cls, token: Token) -> Reading:
        return cls(token, parse_value(token.text))


@dataclass
class RowEvidence:
    """A template row as seen: its readings in order.

    ``positioned``: the readings are exactly the row's cells, left to right (a grid source with every
    cell kept). Otherwise only their order is known: empty cells may have vanished.
    """

    readings: list[Reading] = field(default_factory=list)
    positioned: bool = False
    label: Token | None = None
    lost: bool = False
    """The row's label was found in a grid but none of its cells: its values are unknown, not blank."""
    damaged: bool = False
    """A grid row with more or fewer cells than the template's: merged or split cells may have joined
    two numbers into one reading, so no reading of this row is taken as certain."""
    inferred: bool = False
    """Placed by the recognised rows around it, its own label unread: no evidence for a version."""
    open: bool = False
    """The text ended inside this row (a truncated page): cells its readings leave free are unknown."""


@dataclass
class TableEvidence:
    """One template table fitted to a document: which rows were seen and what they hold."""

    table: TableTemplate
    rows: dict[str, RowEvidence] = field(default_factory=dict)
    orphans: list[Token] = field(default_factory=list)
    header_hits: int = 0
    anchored: bool = False
    repeats: int = 0
    """Copies of the table after the first (its title again after its rows): not read."""
    narrative: dict[CellKey, Figure] = field(default_factory=dict)
    """Figures the report's prose gives for the table's cells (``reconcile.narrative``)."""

    @property
    def score(self) -> float:
        """How well this template version explains the document's table (to choose between versions)."""
        overflow = sum(
            max(0, len(ev.readings) - len(self.table.section_of(key).columns))
            for key, ev in self.rows.items()
        )
        recognised = sum(1 for ev in self.rows.values() if not ev.inferred)
        return 10 * recognised + 2 * self.header_hits - 5 * len(self.orphans) - 5 * overflow

    @property
    def found(self) -> bool:
        return bool(self.rows)
