"""Rules: rule packs, rule models, the metric registry and the metrics."""
