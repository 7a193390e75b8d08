"""``--format json``: the assessment itself, the one output every other can be rendered from."""

from ..results import Assessment, to_json
from . import RenderOptions


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return to_json(assessment)
