"""Rule documentation rendered from the rules' own metadata (for the CLI and the docs)."""

from __future__ import annotations

import json
import textwrap

from .plugins import BUILTIN, RuleInfo
from .rule import Rule

__all__ = ["DOCS_URL", "rule_markdown", "rule_url"]

#: Where the documentation is published; each built-in rule has a page below it.
DOCS_URL = "https://cx-rules.readthedocs.io/en/latest/"


def rule_url(info: RuleInfo) -> str | None:
    """The address of the rule's documentation page, ``None`` for a plugin's rule (its
    pages are the plugin's own)."""
    if info.plugin != BUILTIN:
        return None
    return f"{DOCS_URL}rules/generated/{info.rule.code}.html"


def _events(lines: tuple[str, ...]) -> str:
    rendered = []
    for line in lines:
        try:
            rendered.append(json.dumps(json.loads(line), ensure_ascii=False))
        except ValueError:
            rendered.append(line)
    return "```json\n" + "\n".join(rendered) + "\n```\n"


def _evidence(rule: type[Rule]) -> str:
    keys = sorted(getattr(rule, "evidence", frozenset()))
    if not keys:
        return "Judges whatever the log records; no source makes it unknown by itself.\n"
    from .importers import importers

    lacking = [
        f"{name} ({', '.join(k for k in keys if not importer.coverage.records(k))})"
        for name, importer in importers().items()
        if not all(importer.coverage.records(k) for k in keys)
    ]
    text = (
        f"Rests on {', '.join(f'`{k}`' for k in keys)} (see the coverage model in the "
        "importers guide). Auditing an export whose system does not record one of them "
        "(`cx-rules audit --from SYSTEM`), every check is unknown, not recorded by this source."
    )
    if lacking:
        text += f" Built-in systems that do not record it: {'; '.join(lacking)}."
    return textwrap.fill(text, 88, break_on_hyphens=False, break_long_words=False) + "\n"


def rule_markdown(info: RuleInfo, *, heading: str = "#") -> str:
    """The rule's page as Markdown: what it checks, why, examples, evidence and options.

    The same text is printed by ``cx-rules rule CODE`` and rendered on the docs site, so the
    two never drift.
    """
    rule = info.rule
    sub = heading + "#"
    parts = [
        f"{heading} {rule.code} {rule.name}\n",
        f"- **Practice:** {rule.practice}\n"
        f"- **Default severity:** {rule.severity.value}\n"
        f"- **Provided by:** {info.plugin}\n",
        f"{sub} What it checks\n\n{textwrap.fill(rule.summary, 88)}\n",
    ]
    if rule.why:
        parts.append(f"{sub} Why it matters\n\n{textwrap.fill(rule.why, 88)}\n")
    if rule.passing or rule.violating:
        parts.append(f"{sub} Example\n")
        if rule.passing:
            parts.append("Passes:\n\n" + _events(rule.passing))
        if rule.violating:
            parts.append("Violates:\n\n" + _events(rule.violating))
    parts.append(f"{sub} Evidence\n\n{_evidence(rule)}")
    specs = rule.option_specs()
    parts.append(f"{sub} Options\n")
    if specs:
        rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
        for name, spec in specs.items():
            default = json.dumps(
                list(spec.default) if isinstance(spec.default, tuple) else spec.default
            )
            kind = f"{spec.kind}, {spec.range}" if spec.range else spec.kind
            rows.append(f"| `{name}` | {kind} | `{default}` | {spec.doc} |")
        parts.append("\n".join(rows) + "\n")
        parts.append(
            f"Set them in the policy under `[rules.{rule.code}]`, with `severity` to change "
            "the severity.\n"
        )
    else:
        parts.append(f"None besides `severity`, set in the policy under `[rules.{rule.code}]`.\n")
    return "\n".join(parts)
