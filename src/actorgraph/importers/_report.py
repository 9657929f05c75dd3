"""The import report: counts, rejected rows and unresolved names, written as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actorgraph._files import write_file
from actorgraph._spreadsheet import spreadsheet_safe
from actorgraph.importers._records import Issue

# ----------------------------------------------------------------------------------------------------
# The report


@dataclass
class ImportReport:
    """What an import did: rows read, events created, rows rejected (by reason), names unresolved.

    ``rejected`` lists every rejected row and every value dropped from a kept row, with its line
    number (the file's physical line where the row starts) and reason. ``unresolved`` counts each
    name that matched no curated entity; ``ambiguous`` lists names that matched several.
    """

    dataset: str
    path: str
    graph: str
    flavour: str = ""
    rows_read: int = 0
    events_created: int = 0
    same_event_links: int = 0
    #: Conflict dyads written as sourced ``ag:opposes`` statements.
    dyads: int = 0
    committed: bool = False
    issues: list[Issue] = field(default_factory=list)
    unresolved: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    provisional_actors: int = 0
    places_created: int = 0
    #: What the store saw: "loaded", "replaced", "unchanged" (the same graph was there), or "".
    store_change: str = ""
    #: Whether the import ended by compacting the on-disk store (see ``COMPACT_SHARE``).
    compacted: bool = False

    @property
    def rejected(self) -> list[Issue]:
        """The rejected rows (values dropped from kept rows are in ``issues`` too)."""
        return [issue for issue in self.issues if issue.action == "rejected"]

    @property
    def rejected_by_reason(self) -> Counter[str]:
        """How many rows were rejected for each reason."""
        return Counter(issue.reason for issue in self.rejected)

    @property
    def dropped_by_reason(self) -> Counter[str]:
        """How many values were dropped from kept rows, for each reason."""
        return Counter(issue.reason for issue in self.issues if issue.action == "dropped")

    def summary(self) -> str:
        """A few lines for a person: rows read, events created, rejections by reason, names."""
        lines = [
            f"{self.dataset} {self.flavour + ' ' if self.flavour else ''}file {self.path}",
            f"  rows read: {self.rows_read:,}",
            f"  events created: {self.events_created:,} in graph <{self.graph}>"
            + (f" ({self.store_change})" if self.committed else " (not written)"),
            f"  rows rejected: {len(self.rejected):,}",
        ]
        lines += [f"    {reason}: {n:,}" for reason, n in sorted(self.rejected_by_reason.items())]
        dropped = self.dropped_by_reason
        if dropped:
            lines.append(f"  values dropped from kept rows: {sum(dropped.values()):,}")
            lines += [f"    {reason}: {n:,}" for reason, n in sorted(dropped.items())]
        lines.append(f"  links to curated events (ag:sameEventAs): {self.same_event_links:,}")
        if self.dyads:
            lines.append(f"  conflict dyads (sourced ag:opposes statements): {self.dyads:,}")
        lines.append(
            f"  names resolved: {len(self.resolved):,} ({sum(self.resolved.values()):,} mentions); "
            f"unresolved: {len(self.unresolved):,} ({sum(self.unresolved.values()):,} mentions)"
            + (
                f", provisional actors: {self.provisional_actors:,}"
                if self.provisional_actors
                else ""
            )
        )
        for name, n in sorted(self.unresolved.items(), key=lambda item: (-item[1], item[0])):
            note = (
                f" (ambiguous: {', '.join(self.ambiguous[name])})" if name in self.ambiguous else ""
            )
            lines.append(f"    {n:>6,}  {name}{note}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "dataset": self.dataset,
            "flavour": self.flavour,
            "path": self.path,
            "graph": self.graph,
            "committed": self.committed,
            "store_change": self.store_change,
            "compacted": self.compacted,
            "rows_read": self.rows_read,
            "events_created": self.events_created,
            "same_event_links": self.same_event_links,
            "dyads": self.dyads,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "dropped_by_reason": dict(sorted(self.dropped_by_reason.items())),
            "issues": [
                {
                    "line": i.line,
                    "record": i.record,
                    "action": i.action,
                    "reason": i.reason,
                    "column": i.column,
                    "detail": i.detail,
                }
                for i in self.issues
            ],
            "unresolved": dict(sorted(self.unresolved.items())),
            "ambiguous": dict(sorted(self.ambiguous.items())),
            "provisional_actors": self.provisional_actors,
            "places_created": self.places_created,
        }

    def write(self, path: str | Path) -> None:
        """Write the report as JSON (``.json``) or as CSV for spreadsheets (any other suffix).

        In the CSV, a cell that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so a
        spreadsheet shows it as text instead of running it as a formula.
        """
        target = Path(path)
        if target.suffix.lower() == ".json":
            text = json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"
            write_file(target, text.encode("utf-8"))
            return
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(["kind", "line", "record", "column", "reason", "detail", "count"])
        for i in self.issues:
            writer.writerow(
                spreadsheet_safe(
                    [i.action, i.line, i.record, i.column or "", i.reason, i.detail, ""]
                )
            )
        for name, n in sorted(self.unresolved.items()):
            note = ", ".join(self.ambiguous.get(name, []))
            writer.writerow(
                spreadsheet_safe(["unresolved", "", name, "", "unresolved name", note, n])
            )
        write_file(target, buffer.getvalue().encode("utf-8"))
