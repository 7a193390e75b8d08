"""The plan format: pydantic models of a QIPP plan and its JSON Schema."""
