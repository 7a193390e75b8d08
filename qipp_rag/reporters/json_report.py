"""``--format json``: the assessment itself, the one output every other can be rendered from."""

from collections.abc import Iterator

from ..results import Assessment, json_chunks, to_json
from . import RenderOptions


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return to_json(assessment)


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The same text in pieces, plan by plan, for writers that write as they go."""
    return json_chunks(assessment)
