"""``--format json``: the assessment itself, the one output every other can be rendered from."""

from ..results import Assessment, to_json


def render(assessment: Assessment) -> str:
    return to_json(assessment)
