"""An actor's profile as a result: its sections and lines, and its text, Markdown and JSON forms.

Apart from the derivation (``actorgraph.page._profile``), so that a profile kept for a store
(``actorgraph._derived``) is read back and printed without importing what derives it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["KIND", "Profile", "ProfileLine", "from_dict", "kept_key"]

#: What a profile is kept as (actorgraph._derived), with :func:`kept_key`.
KIND = "profile"


def kept_key(name: str, day: str | None) -> list[str | None]:
    """What a profile is kept under: the name as asked and the ``as_of`` day (ISO) or ``None``."""
    return [name, day]


@dataclass
class ProfileLine:
    """One fact of a profile: what, when, and according to whom."""

    text: str
    entity: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    sources: list[str] = field(default_factory=list)
    #: Figures behind the line, e.g. a dataset's event count and deaths for a conflict dyad.
    notes: list[str] = field(default_factory=list)
    #: With ``as_of``: no statement of the line is dated, so it was kept without a check.
    undated: bool = False


@dataclass
class Profile:
    """An actor's profile, section by section (see :func:`profile`)."""

    id: str
    label: str
    type: str
    aliases: list[str]
    sections: dict[str, list[ProfileLine]]
    attacks_by_year: dict[str, dict[str, int]]
    #: The day the profile was restricted to (``as_of``), ISO; ``None`` for the whole record.
    as_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data (what ``--format json`` prints)."""
        return asdict(self)

    def to_json(self) -> str:
        """The profile as JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_markdown(self) -> str:
        """The profile as a Markdown report."""
        out = [f"# {self.label}", "", f"`{self.id}` · {self.type}"]
        if self.as_of:
            out += ["", f"As of {self.as_of}: {_AS_OF_NOTE}"]
        if self.aliases:
            out += ["", "Also known as: " + ", ".join(self.aliases)]
        for title, lines in self.sections.items():
            out += ["", f"## {title}", ""]
            out += [f"- {_line_text(line)}{_sources_text(line)}" for line in lines]
        if self.attacks_by_year:
            out += [
                "",
                "## Attacks by year",
                "",
                "| year | attacks | killed (where reported) | attacks with no reported toll |",
                "|---|---|---|---|",
            ]
            for year, row in self.attacks_by_year.items():
                out.append(
                    f"| {year} | {row['attacks']} | {row['killed']} | {row.get('no_toll', 0)} |"
                )
        return "\n".join(out) + "\n"

    def to_text(self) -> str:
        """The profile for a terminal."""
        out = [self.label, "=" * len(self.label), f"{self.id} · {self.type}"]
        if self.as_of:
            out.append(f"as of {self.as_of}: {_AS_OF_NOTE}")
        if self.aliases:
            out.append("also known as: " + ", ".join(self.aliases))
        for title, lines in self.sections.items():
            out += ["", title.lower() + ":"]
            out += [f"  {_line_text(line)}{_sources_text(line)}" for line in lines]
        if self.attacks_by_year:
            out += ["", "attacks by year (killed as reported):"]
            out += [
                f"  {year}: {_attack_count_text(row)}" for year, row in self.attacks_by_year.items()
            ]
        return "\n".join(out)


def _attack_count_text(row: dict[str, int]) -> str:
    attacks = row["attacks"]
    text = f"{attacks} attack{'s' if attacks != 1 else ''}"
    reported = attacks - row.get("no_toll", 0)
    if reported:
        text += f", {row['killed']} killed"
        if row.get("no_toll"):
            text += f" in the {reported} with a reported toll"
    else:
        text += ", no toll reported"
    return text


def _line_text(line: ProfileLine) -> str:
    when = ""
    if line.date:
        when = f" ({line.date})"
    elif line.start or line.end:
        when = f" ({line.start or '?'} – {line.end or ''})".replace(" – )", " – )")
    notes = f"; {'; '.join(line.notes)}" if line.notes else ""
    undated = " (undated)" if line.undated else ""
    return f"{line.text}{when}{notes}{undated}"


def _sources_text(line: ProfileLine) -> str:
    return f"  [{', '.join(line.sources)}]" if line.sources else ""


_AS_OF_NOTE = (
    "only relations whose statements hold on that day, designations made by then and attacks "
    "up to then; lines with no dated statement are kept and marked (undated)"
)


def from_dict(data: dict[str, Any]) -> Profile:
    """The profile :meth:`Profile.to_dict` gave."""
    sections = {
        title: [ProfileLine(**line) for line in lines] for title, lines in data["sections"].items()
    }
    return Profile(**{**data, "sections": sections})
