"""Notification e-mails from Jinja2 templates under adapters/templates/notifications/<language>/:
`<name>.txt` (its first line is the subject) and `<name>.html` (autoescaped, extending base.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from ports.notifications import RenderedMail

DIRECTORY = Path(__file__).parent / "templates" / "notifications"


class JinjaMailTemplates:
    def __init__(self, directory: Path = DIRECTORY) -> None:
        loader = jinja2.FileSystemLoader(directory)
        self._text = jinja2.Environment(loader=loader, autoescape=False, undefined=jinja2.StrictUndefined,
                                        keep_trailing_newline=True)  # fmt: skip
        self._html = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)

    def render(self, name: str, language: str, context: dict[str, Any]) -> RenderedMail:
        context = {**context, "language": language}
        subject, _, text = self._text.get_template(f"{language}/{name}.txt").render(context).partition("\n")
        html = self._html.get_template(f"{language}/{name}.html").render(context)
        return RenderedMail(" ".join(subject.split()), _tidy(text), html)


def _tidy(text: str) -> str:
    """The text part without the blank runs that template tags leave."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i > 0 and lines[i - 1])]
    return "\n".join(kept) + "\n"
