"""Writes one page per rule, and the catalogue grouped by practice, from rule metadata."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from cx_rules.explain import rule_markdown
from cx_rules.plugins import collect_rules, plugin_manager

PRACTICES = (
    "process",
    "communication",
    "gratitude",
    "feedback",
    "experience",
    "talent network",
    "privacy",
)


# Rules that read message text get the text page's account of what counts, per language.
TEXT_SECTIONS = {
    "CX201": (("thanks", "What counts as thanks"),),
    "CX202": (("thanks", "What counts as thanks"), ("template", "What counts as a template")),
    "CX301": (("feedback", "What counts as specific feedback"),),
}


def _text_sections(code: str) -> str:
    parts = []
    for tag, title in TEXT_SECTIONS.get(code, ()):
        parts.append(
            f"\n## {title}\n\nFrom {{doc}}`../../guide/text`, which says how each message is "
            "read in its own language.\n\n"
            f"```{{include}} ../../guide/text.md\n:start-after: <!-- {tag}:start -->\n"
            f":end-before: <!-- {tag}:end -->\n```\n"
        )
    return "".join(parts)


def write_rule_pages(target: Path) -> None:
    """Write ``<CODE>.md`` per built-in rule and ``catalogue.md`` into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    infos = collect_rules(plugin_manager(autoload=False))
    by_practice: dict[str, list[str]] = defaultdict(list)
    for code, info in infos.items():
        _write(target / f"{code}.md", rule_markdown(info) + _text_sections(code))
        by_practice[info.rule.practice].append(code)
    lines = []
    order = [p for p in PRACTICES if p in by_practice] + sorted(set(by_practice) - set(PRACTICES))
    for practice in order:
        lines += [
            f"## {practice.capitalize()}",
            "",
            "| code | name | severity | checks |",
            "|---|---|---|---|",
        ]
        for code in by_practice[practice]:
            rule = infos[code].rule
            first = rule.summary.split(". ")[0].rstrip(".") + "."
            lines.append(
                f"| [{code}](generated/{code}.md) | {rule.name} | {rule.severity.value} | {first} |"
            )
        lines.append("")
    _write(target / "catalogue.md", "\n".join(lines))
    for stale in target.glob("*.md"):
        if stale.stem not in infos and stale.name != "catalogue.md":
            stale.unlink()


def _write(path: Path, text: str) -> None:
    # Only touch files whose text changed, so Sphinx rebuilds only what it must.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
