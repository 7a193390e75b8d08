"""qipp-rag: assure NHS commissioners' QIPP savings plans against green criteria."""

__version__ = "0.1.0"
