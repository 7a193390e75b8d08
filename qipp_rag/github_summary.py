"""Append the assessment's markdown summary to ``$GITHUB_STEP_SUMMARY`` in GitHub Actions.

Kept apart from the reporters, which are pure: this is the one place the
GitHub format touches a file it was not asked to write.  ``qipp-rag assess``
calls it when ``--format github`` is in use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .reporters import RenderOptions
from .reporters.github import job_summary
from .results import Assessment


def write_job_summary(
    assessment: Assessment, env: Mapping[str, str] = os.environ, options: RenderOptions = RenderOptions()
) -> Path | None:
    """Append the job summary to the file ``GITHUB_STEP_SUMMARY`` names.

    Returns the file written, or None outside GitHub Actions (variable unset
    or empty).  Raises ``OSError`` when the file cannot be written; the
    caller reports it as a warning, since the annotations already went out.
    """
    target = env.get("GITHUB_STEP_SUMMARY", "")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(job_summary(assessment, options))
    return path
