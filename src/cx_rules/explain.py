"""Rule documentation rendered from the rules' own metadata (for the CLI and the docs)."""

from __future__ import annotations

import json
import textwrap

from .plugins import RuleInfo

__all__ = ["rule_markdown"]


def _events(lines: tuple[str, ...]) -> str:
    rendered = []
    for line in lines:
        try:
            rendered.append(json.dumps(json.loads(line), ensure_ascii=False))
        except ValueError:
            rendered.append(line)
    return "```json\n" + "\n".join(rendered) + "\n```\n"


def rule_markdown(info: RuleInfo, *, heading: str = "#") -> str:
    """The rule's page as Markdown: what it checks, why, examples and options.

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
