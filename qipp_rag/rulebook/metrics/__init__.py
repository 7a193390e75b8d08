"""The metrics, one module per criterion.

Each submodule holds the metrics of one criterion, the generic ones users can
point their own rules at without code, or the cross-plan ones (``portfolio``);
:mod:`qipp_rag.rulebook.registry` maps their names to them.  A metric is a
pure function of a :class:`~qipp_rag.rulebook.measure.MetricContext`; it
computes exactly (one Decimal division per ratio, 60 significant digits) and
returns a :class:`~qipp_rag.rulebook.measure.Measurement` whose message
states what was measured with its numbers, whose evidence lists the years or
schemes behind it, and whose ``loc`` is the most relevant place in the plan.
"""
