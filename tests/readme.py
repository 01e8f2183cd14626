"""The shell commands the README documents, so tests can hold CI and scripts to them (no drift between docs and CI)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

_FENCE = re.compile(r"^```(?:bash|sh)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def sections() -> dict[str, str]:
    """README body per `## ` heading (the heading text without trailing HTML comments)."""
    out: dict[str, str] = {}
    for chunk in re.split(r"^## ", README.read_text(), flags=re.MULTILINE)[1:]:
        title, _, body = chunk.partition("\n")
        out[re.sub(r"\s*<!--.*?-->\s*", "", title).strip()] = body
    return out


def commands(section: str | None = None) -> list[str]:
    """Each command of the bash blocks (of one section, or all), comments dropped, `&&` chains split."""
    bodies = [sections()[section]] if section else list(sections().values())
    out: list[str] = []
    for body in bodies:
        for block in _FENCE.findall(body):
            for line in block.splitlines():
                out.extend(split_chain(line))
    return out


def split_chain(command: str) -> list[str]:
    """`a && b  # note` -> ["a", "b"], each normalised by shlex (quotes, spacing), the comment dropped."""
    parts: list[list[str]] = [[]]
    for word in shlex.split(command, comments=True):
        if word == "&&":
            parts.append([])
        else:
            parts[-1].append(word)
    return [shlex.join(words) for words in parts if words]


def quick_start() -> list[str]:
    """The two commands of the Quick start's first code block: the main job, then the test suite."""
    (block, *_) = _FENCE.findall(sections()["Quick start"])
    return [line for line in block.splitlines() if line.strip()]
